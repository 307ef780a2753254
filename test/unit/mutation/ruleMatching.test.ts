import * as assert from 'assert';
import { normalizeRuleName, RuleMatcher, type RuleMatch } from '../../../src/core/rules/matchRule';
import type { MigrationRule } from '../../../src/core/rules/migrationRule';

// RuleMatcher branch by branch: the host index, each match kind's boundaries, ranking,
// namespace-only names, chains and their stops, pattern groups, the cache and the content
// prefixes (mutation testing: matchRule's survivors were the host index and chain branches).
const rule = (id: string, from: string | string[], to: string | undefined, match: MigrationRule['match'] = 'prefix', extra: Partial<MigrationRule> = {}): MigrationRule => ({
  id, from: Array.isArray(from) ? from : [from], to, match, reason: 'r', since: '', source: '', severity: 'warning', enabled: true, origin: 'settings', ...extra,
});

/** A match as plain data: rule ids instead of rule objects. */
const shape = (m: RuleMatch | undefined) => m && { rule: m.rule.id, newName: m.newName, chain: m.chain.map((r) => r.id), ...('namespaceOnly' in m ? { namespaceOnly: m.namespaceOnly } : {}) };

describe('normalizeRuleName', function () {
  const cases: [string, MigrationRule['match'], string][] = [
    ['K8S.GCR.IO', 'prefix', 'k8s.gcr.io'],
    ['Quay.IO/Org/App', 'prefix', 'quay.io/Org/App'],
    ['index.docker.io/redis', 'exact', 'docker.io/library/redis'],
    ['docker.io/redis', 'exact', 'docker.io/library/redis'],
    ['docker.io/redis', 'prefix', 'docker.io/redis'],
    ['docker.io/redis', 'pattern', 'docker.io/redis'],
    ['docker.io/bitnami/redis', 'exact', 'docker.io/bitnami/redis'],
    ['redis', 'exact', 'docker.io/library/redis'],
    ['redis', 'prefix', 'docker.io/redis'],
    ['bitnami/redis', 'exact', 'docker.io/bitnami/redis'],
    ['localhost/x', 'prefix', 'localhost/x'],
    ['localhost:5000/x', 'exact', 'localhost:5000/x'],
    ['quay.io/x', 'exact', 'quay.io/x'],
  ];
  for (const [from, match, want] of cases) it(`${from} (${match}) -> ${want}`, () => assert.strictEqual(normalizeRuleName(from, match), want));
});

describe('RuleMatcher, branch by branch', function () {
  // A fresh matcher per case: a shared one would answer from its cache, and a mutant under
  // test (Stryker runs them in one process) would be hidden behind an earlier answer.
  const matcher = () => new RuleMatcher({
    rules: [
      rule('A', 'a.io/b', 'c.io/d'),
      rule('E', 'a.io/b/e', 'x.io/e', 'exact'),
      rule('N', 'n.io/b', undefined, 'prefix', { message: 'gone' }),
      rule('NE', 'n.io/e', undefined, 'exact', { message: 'gone' }),
      rule('P', 'p.io/*/app', 'q.io/$1$2', 'pattern'),
      rule('P2', 'p.io/*/*', 'r.io/$2/$1', 'pattern'),
      rule('H', 'h.io', 'k.io'),
      rule('OFF', 'off.io', 'on.io', 'prefix', { enabled: false }),
    ],
  });
  const cases: [string, ReturnType<typeof shape>][] = [
    ['a.io/b/x', { rule: 'A', newName: 'c.io/d/x', chain: ['A'] }],
    ['a.io/b/x/y', { rule: 'A', newName: 'c.io/d/x/y', chain: ['A'] }],
    // The prefix itself: a namespace, its new name a namespace.
    ['a.io/b', { rule: 'A', newName: 'c.io/d', chain: ['A'], namespaceOnly: true }],
    // Component boundaries, and a dot is a dot.
    ['a.io/bc', undefined],
    ['a.io/bc/x', undefined],
    ['aXio/b/x', undefined],
    ['xa.io/b/x', undefined],
    ['a.io', undefined],
    // Exact beats the prefix above it; under an exact name there is nothing.
    ['a.io/b/e', { rule: 'E', newName: 'x.io/e', chain: ['E'] }],
    ['a.io/b/e/f', { rule: 'A', newName: 'c.io/d/e/f', chain: ['A'] }],
    ['a.io/b/ef', { rule: 'A', newName: 'c.io/d/ef', chain: ['A'] }],
    // No target: the rule matches and names no new home.
    ['n.io/b/x', { rule: 'N', newName: null, chain: ['N'], namespaceOnly: false }],
    ['n.io/b', { rule: 'N', newName: null, chain: ['N'], namespaceOnly: true }],
    ['n.io/e', { rule: 'NE', newName: null, chain: ['NE'], namespaceOnly: false }],
    // A pattern's * is one lowercase component; a missing $2 is empty.
    ['p.io/x/app', { rule: 'P', newName: 'q.io/x', chain: ['P'] }],
    ['p.io/x/other', { rule: 'P2', newName: 'r.io/other/x', chain: ['P2'] }],
    ['p.io/X/app', undefined],
    ['p.io/x/y/app', undefined],
    ['p.io/x', undefined],
    // A registry host rule: the host alone is a namespace; names under it move.
    ['h.io', { rule: 'H', newName: 'k.io', chain: ['H'], namespaceOnly: true }],
    ['h.io/app', { rule: 'H', newName: 'k.io/app', chain: ['H'] }],
    ['h.iox/app', undefined],
    // A disabled rule matches nothing, and its host is not indexed.
    ['off.io/app', undefined],
    ['unknown.io/app', undefined],
  ];
  for (const [name, want] of cases) it(`${name} -> ${want ? `${want.rule} ${want.newName}` : 'no rule'}`, () => assert.deepStrictEqual(shape(matcher().match(name)), want));

  it('indexes the hosts of enabled rules only', function () {
    assert.deepStrictEqual([...matcher().ruleHosts].sort(), ['a.io', 'h.io', 'n.io', 'p.io']);
  });

  it('ranks exact over pattern over prefix, then the longer from', function () {
    const m = new RuleMatcher({
      rules: [
        rule('PRE', 'r.io', 'pre.io'),
        rule('PRE2', 'r.io/team', 'pre2.io'),
        rule('PAT', 'r.io/*/app', 'pat.io/$1', 'pattern'),
        rule('PATLONG', 'r.io/*/app-*', 'patlong.io/$1/$2', 'pattern'),
        rule('EX', 'r.io/team/app', 'ex.io/app', 'exact'),
      ],
    });
    assert.deepStrictEqual(
      ['r.io/team/app', 'r.io/other/app', 'r.io/team/x', 'r.io/x', 'r.io/other/app-web'].map((n) => m.match(n)?.rule.id),
      ['EX', 'PAT', 'PRE2', 'PRE', 'PATLONG'],
    );
  });

  it('the order rules are given in does not change the winner', function () {
    const rules = [rule('PRE', 'r.io', 'pre.io'), rule('PRE2', 'r.io/team', 'pre2.io'), rule('EX', 'r.io/team/app', 'ex.io/app', 'exact')];
    for (const order of [rules, [...rules].reverse()]) {
      const m = new RuleMatcher({ rules: order });
      assert.deepStrictEqual(['r.io/team/app', 'r.io/team/x', 'r.io/x'].map((n) => m.match(n)?.rule.id), ['EX', 'PRE2', 'PRE']);
    }
  });

  it('each from of a rule matches', function () {
    const m = new RuleMatcher({ rules: [rule('M', ['one.io/a', 'two.io/b'], 'new.io/x')] });
    assert.deepStrictEqual([m.match('one.io/a/y')?.newName, m.match('two.io/b/y')?.newName], ['new.io/x/y', 'new.io/x/y']);
  });

  it('targets are normalized like names: Docker Hub shorthand, library/ for exact', function () {
    const m = new RuleMatcher({ rules: [rule('X', 'e.io/redis', 'redis', 'exact'), rule('Y', 'e.io/team', 'bitnamilegacy')] });
    assert.deepStrictEqual([m.match('e.io/redis')?.newName, m.match('e.io/team/redis')?.newName], ['docker.io/library/redis', 'docker.io/bitnamilegacy/redis']);
  });
});

describe('RuleMatcher chains', function () {
  it('follows a chain through prefix, exact and pattern rules', function () {
    const m = new RuleMatcher({ rules: [rule('A', 'old.io/x', 'mid.io/y'), rule('B', 'mid.io/y/app', 'pat.io/app', 'exact'), rule('C', 'pat.io/*', 'new.io/z/$1', 'pattern')] });
    assert.deepStrictEqual(shape(m.match('old.io/x/app')), { rule: 'A', newName: 'new.io/z/app', chain: ['A', 'B', 'C'] });
    assert.deepStrictEqual(shape(m.match('old.io/x/other')), { rule: 'A', newName: 'mid.io/y/other', chain: ['A'] });
  });

  it('a namespace is not followed further', function () {
    const m = new RuleMatcher({ rules: [rule('A', 'a.io/x', 'b.io/x'), rule('B', 'b.io', 'c.io')] });
    assert.deepStrictEqual(shape(m.match('a.io/x')), { rule: 'A', newName: 'b.io/x', chain: ['A'], namespaceOnly: true });
    assert.deepStrictEqual(shape(m.match('a.io/x/app')), { rule: 'A', newName: 'c.io/x/app', chain: ['A', 'B'] });
  });

  it('stops before a rule with no target, keeping the last name', function () {
    const m = new RuleMatcher({ rules: [rule('A', 'a.io', 'b.io'), rule('B', 'b.io/x', undefined, 'prefix', { message: 'gone' })] });
    assert.deepStrictEqual(shape(m.match('a.io/x/app')), { rule: 'A', newName: 'b.io/x/app', chain: ['A'] });
  });

  it('a rule that maps a name to itself ends the chain and is not in it', function () {
    const m = new RuleMatcher({ rules: [rule('A', 'a.io/x', 'b.io/x'), rule('B', 'b.io/x/app', 'b.io/x/app', 'exact'), rule('C', 'b.io', 'c.io')] });
    assert.deepStrictEqual(shape(m.match('a.io/x/app')), { rule: 'A', newName: 'b.io/x/app', chain: ['A'] });
  });

  it('each rule is followed once: a cycle ends where it started', function () {
    const m = new RuleMatcher({ rules: [rule('A', 'a.io/x', 'b.io/x'), rule('B', 'b.io/x', 'a.io/x')] });
    assert.deepStrictEqual(shape(m.match('a.io/x/app')), { rule: 'A', newName: 'a.io/x/app', chain: ['A', 'B'] });
  });

  it('follows at most 16 rules after the first', function () {
    const rules = Array.from({ length: 20 }, (_, i) => rule(`R${i}`, `h${i}.io`, `h${i + 1}.io`));
    const m = new RuleMatcher({ rules }).match('h0.io/app');
    assert.ok(m);
    assert.strictEqual(m.chain.length, 17);
    assert.deepStrictEqual([m.chain[16].id, m.newName], ['R16', 'h17.io/app']);
    // A chain of exactly 17 rules is followed to its end.
    const short = new RuleMatcher({ rules: rules.slice(0, 17) }).match('h0.io/app');
    assert.deepStrictEqual([short?.chain.length, short?.newName], [17, 'h17.io/app']);
  });
});

describe('RuleMatcher cache', function () {
  it('answers a name again from the cache, a miss too', function () {
    const m = new RuleMatcher({ rules: [rule('A', 'a.io/b', 'c.io/d')] });
    const first = m.match('a.io/b/x');
    assert.ok(first);
    assert.strictEqual(m.match('a.io/b/x'), first);
    assert.strictEqual(m.match('z.io/b/x'), undefined);
    assert.strictEqual(m.match('z.io/b/x'), undefined);
  });

  it('is bounded: 10,000 other names empty it, 9,999 do not', function () {
    const m = new RuleMatcher({ rules: [rule('A', 'a.io/b', 'c.io/d')] });
    const first = m.match('a.io/b/x');
    for (let i = 0; i < 9999; i++) m.match(`a.io/b/n${i}`);
    assert.strictEqual(m.match('a.io/b/x'), first, 'still cached');
    m.match('a.io/b/last');
    const again = m.match('a.io/b/x');
    assert.notStrictEqual(again, first, 'the cache was emptied');
    assert.deepStrictEqual(shape(again), shape(first));
  });
});

describe('RuleMatcher.contentPrefixes', function () {
  it('names with a host, lowercased; a pattern up to the component of its first *; no Docker Hub shorthand; no dotless host', function () {
    const m = new RuleMatcher({
      rules: [
        rule('A', 'K8S.GCR.IO', 'registry.k8s.io'),
        rule('B', 'Quay.io/CoreOS/app/', 'ghcr.io/x'),
        rule('C', 'docker.pkg.github.com/*/*/*', 'ghcr.io/$1/$3', 'pattern'),
        rule('D', 'docker.io/owasp/zap2docker-*', 'docker.io/zaproxy/zap-$1', 'pattern'),
        rule('E', 'bitnami', 'bitnamilegacy'),
        rule('F', 'localhost:5000/team', 'registry.example.com/team'),
        rule('G', ['gcr.io/x', 'gcr.io/x'], 'ghcr.io/x', 'exact'),
        rule('OFF', 'off.example.com', 'on.example.com', 'prefix', { enabled: false }),
      ],
    });
    assert.deepStrictEqual([...m.contentPrefixes].sort(), ['docker.io/owasp', 'docker.pkg.github.com', 'gcr.io/x', 'k8s.gcr.io', 'quay.io/coreos/app'].sort());
    assert.strictEqual(m.contentPrefixes, m.contentPrefixes, 'computed once');
  });
});
