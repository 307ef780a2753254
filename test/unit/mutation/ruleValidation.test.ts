import * as assert from 'assert';
import { loadRuleSet } from '../../../src/core/rules/loadRuleSet';
import type { MigrationRule } from '../../../src/core/rules/migrationRule';

// Rules from settings (registryMigrator.rules) are validated one by one: each bad rule
// gets one exact message, the others still load (mutation testing: src/core/rules had
// most of its survivors in these messages and branches).
function load(rule: unknown): { problems: string[]; rule?: MigrationRule } {
  const id = typeof rule === 'object' && rule && 'id' in rule ? String((rule as { id: unknown }).id) : '';
  const { ruleSet, problems } = loadRuleSet({ userRules: [rule] });
  return { problems: problems.map((p) => p.message), rule: ruleSet.rules.find((r) => r.id === id && r.origin !== 'builtin') };
}

describe('rule validation, message by message (mutation survivors)', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not a mapping', 'K8S', /a rule must be a mapping with at least `id` and `from`/],
    ['a list', ['x'], /a rule must be a mapping/],
    ['null', null, /a rule must be a mapping/],
    ['an id with a space', { id: 'A B', from: 'a.io/b', to: 'c.io/d' }, /`id` must be a word such as ACME-MOVE/],
    ['an id starting with -', { id: '-A', from: 'a.io/b', to: 'c.io/d' }, /`id` must be a word/],
    ['a bad match', { id: 'A', from: 'a.io/b', to: 'c.io/d', match: 'glob' }, /`match` must be exact, prefix or pattern/],
    ['an empty from list', { id: 'A', from: [], to: 'c.io/d' }, /`from` must be a repository name or prefix/],
    ['an empty from string', { id: 'A', from: '', to: 'c.io/d' }, /`from` must be a repository name or prefix/],
    ['a number in from', { id: 'A', from: ['a.io/b', 3], to: 'c.io/d' }, /`from` must be a repository name or prefix/],
    ['a digest in from', { id: 'A', from: 'a.io/b@sha256:' + 'a'.repeat(64), to: 'c.io/d' }, /`from` "a\.io\/b@sha256:a+": write the repository without a tag or digest/],
    ['a bad host in from', { id: 'A', from: 'bad_host.io', to: 'c.io/d' }, /`from` "bad_host\.io": not a registry host/],
    ['a number as to', { id: 'A', from: 'a.io/b', to: 5 }, /`to` must be a repository name/],
    ['a tag in to', { id: 'A', from: 'a.io/b', to: 'c.io/d:1' }, /`to` "c\.io\/d:1": write the repository without a tag or digest/],
    ['no to, no message', { id: 'A', from: 'a.io/b' }, /a rule without `to` needs a `message`/],
    ['a bad severity', { id: 'A', from: 'a.io/b', to: 'c.io/d', severity: 'loud' }, /`severity` must be one of error, warning, info, hint/],
    ['enabled as text', { id: 'A', from: 'a.io/b', to: 'c.io/d', enabled: 'yes' }, /`enabled` must be true or false/],
    ['a list as reason', { id: 'A', from: 'a.io/b', to: 'c.io/d', reason: ['x'] }, /`reason` must be text/],
    ['an override with a bad severity', { id: 'K8S-GCR', severity: 'loud' }, /`severity` must be one of/],
    ['an override with enabled as text', { id: 'K8S-GCR', enabled: 'no' }, /`enabled` must be true or false/],
  ];
  for (const [name, rule, message] of bad) {
    it(`${name}: one problem, and the rule is not loaded`, () => {
      const r = load(rule);
      assert.strictEqual(r.problems.length, 1, JSON.stringify(r.problems));
      assert.match(r.problems[0], message);
      assert.strictEqual(r.rule, undefined);
    });
  }

  it('defaults: prefix match, warning, enabled, "moved (user rule)", numbers as text', () => {
    const r = load({ id: 'A', from: 'a.io/b', to: 'c.io/d', since: 2025 });
    assert.deepStrictEqual(r.problems, []);
    assert.ok(r.rule);
    assert.deepStrictEqual(
      [r.rule.match, r.rule.severity, r.rule.enabled, r.rule.reason, r.rule.since, r.rule.source, r.rule.to, r.rule.from, r.rule.message],
      ['prefix', 'warning', true, 'moved (user rule)', '2025', '', 'c.io/d', ['a.io/b'], undefined],
    );
  });

  it('every field is kept as given; to may be left out when there is a message', () => {
    const r = load({ id: 'A.b_c-1', from: ['a.io/b', 'e.io/f'], match: 'exact', message: 'use c.io/d', severity: 'error', enabled: false, reason: 'gone', since: '2024-02', source: 'https://example.com/x' });
    assert.deepStrictEqual(r.problems, []);
    assert.ok(r.rule);
    assert.deepStrictEqual(
      [r.rule.match, r.rule.severity, r.rule.enabled, r.rule.reason, r.rule.since, r.rule.source, r.rule.to, r.rule.from, r.rule.message],
      ['exact', 'error', false, 'gone', '2024-02', 'https://example.com/x', undefined, ['a.io/b', 'e.io/f'], 'use c.io/d'],
    );
  });

  it('a pattern rule: * in from and $1 in to are accepted', () => {
    const r = load({ id: 'P', from: 'a.io/*/app', to: 'c.io/$1/app', match: 'pattern' });
    assert.deepStrictEqual(r.problems, []);
    assert.strictEqual(r.rule?.match, 'pattern');
  });

  it('a pattern on Docker Hub may start with *: its first component is a namespace, not a host', () => {
    for (const from of ['*/nginx', 'library/*', 'docker.io/*/nginx']) assert.deepStrictEqual(load({ id: 'P', from, to: 'c.io/$1/nginx', match: 'pattern' }).problems, [], from);
  });

  it('a registry host alone is a valid from, with or without a port', () => {
    for (const from of ['registry.acme.example', 'registry.acme.example:5000']) assert.deepStrictEqual(load({ id: 'H', from, to: 'c.io' }).problems, [], from);
  });

  it('an override changes only the fields it gives, and keeps the built-in target', () => {
    const r = load({ id: 'K8S-GCR', severity: 'error', enabled: false, reason: 'ours', since: 'x', source: 'https://e.example', message: 'm' });
    assert.deepStrictEqual(r.problems, []);
    assert.ok(r.rule);
    assert.deepStrictEqual([r.rule.severity, r.rule.enabled, r.rule.reason, r.rule.since, r.rule.source, r.rule.message, r.rule.to], ['error', false, 'ours', 'x', 'https://e.example', 'm', 'registry.k8s.io']);
  });
});

describe('rule validation: tags, companions and names (mutation survivors)', () => {
  const bad: [string, unknown, string][] = [
    ['a number as id', { id: 5, from: 'a.io/b', to: 'c.io' }, 'rule 1: `id` must be a word such as ACME-MOVE (letters, digits, ".", "_", "-")'],
    ['a * in an exact from', { id: 'A', from: 'a.io/*/x', to: 'c.io', match: 'exact' }, 'rule 1: `from` "a.io/*/x": invalid repository path component "*" in "a.io/*/x"'],
    ['a * in a prefix from', { id: 'A', from: 'a.io/*', to: 'c.io/$1' }, 'rule 1: `from` "a.io/*": invalid repository path component "*" in "a.io/*"'],
    ['a digest marker in from', { id: 'A', from: 'a.io/b@x', to: 'c.io' }, 'rule 1: `from` "a.io/b@x": write the repository without a tag or digest'],
    ['a space in a host', { id: 'A', from: 'bad host.io', to: 'c.io' }, 'rule 1: `from` "bad host.io": not a registry host'],
    ['a bad port', { id: 'A', from: 'a.io:99x', to: 'c.io' }, 'rule 1: `from` "a.io:99x": not a registry host'],
    ['an uppercase path', { id: 'A', from: 'a.io/UP', to: 'c.io' }, 'rule 1: `from` "a.io/UP": repository names must be lowercase: "a.io/UP"'],
    ['a * in to', { id: 'A', from: 'a.io/b', to: 'c.io/*' }, 'rule 1: `to` "c.io/*": invalid repository path component "*" in "c.io/*"'],
    ['an uppercase Docker Hub name', { id: 'A', from: 'Bitnami', to: 'c.io' }, 'rule 1: `from` "Bitnami": repository names must be lowercase: "Bitnami"'],
    ['a list inside the from list', { id: 'A', from: [['a.io/b']], to: 'c.io' }, 'rule 1: `from` must be a repository name or prefix (or a list of them), e.g. registry.example.com/team'],
    ['a * in a pattern host', { id: 'A', from: 'a.*.io/x', to: 'c.io/$1', match: 'pattern' }, 'rule 1: `from` "a.*.io/x": a * stands for a path component, not part of the registry host'],
    ['a * in a pattern that is a host alone', { id: 'A', from: 'a*.io', to: 'c.io', match: 'pattern' }, 'rule 1: `from` "a*.io": a * stands for a path component, not part of the registry host'],
    ['$1 in an exact rule\'s to', { id: 'A', from: 'a.io/b', to: 'c.io/$1', match: 'exact' }, 'rule 1: `to` "c.io/$1": $1, $2… are for `match: pattern` rules'],
    ['a transform as a number', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { transform: 5 } }, 'rule 1: `tags.transform` takes addPrefix and/or removePrefix, e.g. {addPrefix: v}'],
    ['a transform as true', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { transform: true } }, 'rule 1: `tags.transform` takes addPrefix and/or removePrefix, e.g. {addPrefix: v}'],
    ['a transform with one text and one number', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { transform: { addPrefix: 'v', removePrefix: 1 } } }, 'rule 1: `tags.transform` takes addPrefix and/or removePrefix, e.g. {addPrefix: v}'],
    ['the second from is bad', { id: 'A', from: ['a.io/b', 'a.io/b:1'], to: 'c.io' }, 'rule 1: `from` "a.io/b:1": write the repository without a tag or digest'],
    ['a message that is a number, and no to', { id: 'A', from: 'a.io/b', message: 5 }, 'rule 1: a rule without `to` needs a `message` saying what to use instead'],
    ['tags as text', { id: 'A', from: 'a.io/b', to: 'c.io', tags: 'x' }, 'rule 1: `tags` must be a mapping (pattern, range, until, exclude, message, transform)'],
    ['tags as null', { id: 'A', from: 'a.io/b', to: 'c.io', tags: null }, 'rule 1: `tags` must be a mapping (pattern, range, until, exclude, message, transform)'],
    ['tags as a list', { id: 'A', from: 'a.io/b', to: 'c.io', tags: ['x'] }, 'rule 1: `tags` must be a mapping (pattern, range, until, exclude, message, transform)'],
    ['an unknown tags key', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { ranges: '>=1' } }, 'rule 1: unknown key tags.ranges (expected one of pattern, range, until, exclude, message, transform, source)'],
    ['a list as tags.pattern', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { pattern: [3] } }, 'rule 1: `tags.pattern` must be text'],
    ['a list as tags.source', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { source: [3] } }, 'rule 1: `tags.source` must be text'],
    ['a null transform', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { transform: null } }, 'rule 1: `tags.transform` takes addPrefix and/or removePrefix, e.g. {addPrefix: v}'],
    ['a transform as text', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { transform: 'v' } }, 'rule 1: `tags.transform` takes addPrefix and/or removePrefix, e.g. {addPrefix: v}'],
    ['a transform with a number', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { transform: { addPrefix: 1 } } }, 'rule 1: `tags.transform` takes addPrefix and/or removePrefix, e.g. {addPrefix: v}'],
    ['a transform with another key', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { transform: { removePrefix: 'v', prefix: 'x' } } }, 'rule 1: `tags.transform` takes addPrefix and/or removePrefix, e.g. {addPrefix: v}'],
    ['a bad cut-off', { id: 'A', from: 'a.io/b', to: 'c.io', tags: { until: 'x' } }, 'rule 1: tags.until: "x" is not a version'],
    ['companions as a mapping', { id: 'A', from: 'a.io/b', to: 'c.io', companions: { helmValue: 'a' } }, 'rule 1: `companions` must be a list'],
    ['a companion with an empty path part', { id: 'A', from: 'a.io/b', to: 'c.io', companions: [{ helmValue: 'a..b', value: 1 }] }, 'rule 1: each companion needs `helmValue` (a dotted Helm value path) and `value`'],
    ['a companion path starting with a digit', { id: 'A', from: 'a.io/b', to: 'c.io', companions: [{ helmValue: 'a.1b', value: 1 }] }, 'rule 1: each companion needs `helmValue` (a dotted Helm value path) and `value`'],
    ['a companion path with a space', { id: 'A', from: 'a.io/b', to: 'c.io', companions: [{ helmValue: 'a b', value: 1 }] }, 'rule 1: each companion needs `helmValue` (a dotted Helm value path) and `value`'],
    ['a companion without value', { id: 'A', from: 'a.io/b', to: 'c.io', companions: [{ helmValue: 'a.b' }] }, 'rule 1: each companion needs `helmValue` (a dotted Helm value path) and `value`'],
    ['a companion with a number as path', { id: 'A', from: 'a.io/b', to: 'c.io', companions: [{ helmValue: 3, value: 1 }] }, 'rule 1: each companion needs `helmValue` (a dotted Helm value path) and `value`'],
    ['a null companion after a good one', { id: 'A', from: 'a.io/b', to: 'c.io', companions: [{ helmValue: 'a', value: 1 }, null] }, 'rule 1: each companion needs `helmValue` (a dotted Helm value path) and `value`'],
    ['an override with bad tags', { id: 'K8S-GCR', tags: { until: 'x' } }, 'rule 1: tags.until: "x" is not a version'],
    ['an override with bad companions', { id: 'K8S-GCR', companions: 'x' }, 'rule 1: `companions` must be a list'],
  ];
  for (const [name, rule, message] of bad) {
    it(`${name}: exactly one problem, the rule left out`, () => {
      const { ruleSet, problems } = loadRuleSet({ userRules: [rule] });
      assert.deepStrictEqual(problems.map((p) => p.message), [message]);
      const id = (rule as { id: unknown }).id;
      assert.strictEqual(ruleSet.rules.filter((r) => r.id === id && r.origin !== 'builtin').length, 0);
    });
  }

  const good: [string, unknown][] = [
    ['a host with a port', { id: 'A', from: 'localhost:5000', to: 'c.io' }],
    ['a host with a port and a path', { id: 'A', from: 'a.io:5000/b', to: 'c.io' }],
    ['a host in capitals', { id: 'A', from: 'Reg.Example.IO', to: 'c.io' }],
    ['a Docker Hub name', { id: 'A', from: 'redis', to: 'c.io' }],
    ['a pattern with $1 and $2', { id: 'A', from: 'a.io/*/*', to: 'c.io/$1/$2', match: 'pattern' }],
    ['to null with a message', { id: 'A', from: 'a.io/b', to: null, message: 'gone' }],
    ['companions, every path character', { id: 'A', from: 'a.io/b', to: 'c.io', companions: [{ helmValue: '_a.b-c.d_e9', value: 'x' }] }],
  ];
  for (const [name, rule] of good) it(`${name}: loads`, () => assert.deepStrictEqual(load(rule).problems, []));

  it('tags: numbers as text, each field kept', () => {
    const r = load({ id: 'A', from: 'a.io/b', to: 'c.io', tags: { pattern: 3, range: '>=1', until: 2, exclude: 'rc', message: 4, source: 'https://s', transform: { addPrefix: 'v', removePrefix: 'r' } } });
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual(r.rule?.tags, { pattern: '3', range: '>=1', until: '2', exclude: 'rc', message: '4', source: 'https://s', transform: { addPrefix: 'v', removePrefix: 'r' } });
  });

  it('companions: the value as text, a default reason, the optional fields only when text', () => {
    const r = load({
      id: 'A', from: 'a.io/b', to: 'c.io/d',
      companions: [
        { helmValue: 'a.b-c.d_e', value: 1, reason: 'why', whenNewNameStartsWith: 'c.io/', source: 'https://s', extra: 1 },
        { helmValue: '_x', value: true, reason: 3, whenNewNameStartsWith: 4, source: 5 },
      ],
    });
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual(r.rule?.companions, [
      { helmValue: 'a.b-c.d_e', value: '1', reason: 'why', whenNewNameStartsWith: 'c.io/', source: 'https://s' },
      { helmValue: '_x', value: 'true', reason: 'set _x' },
    ]);
  });

  it('a new rule: reason and since as text, source only when text, message only when text', () => {
    const r = load({ id: 'A', from: 'a.io/b', to: 'c.io/d', reason: 7, since: 2024, source: 8, message: 5 });
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual([r.rule?.reason, r.rule?.since, r.rule?.source, 'message' in (r.rule ?? {})], ['7', '2024', '', false]);
  });

  it('an override keeps the built-in text fields a non-text value would replace, and takes tags and companions', () => {
    const builtin = loadRuleSet().ruleSet.rules.find((x) => x.id === 'K8S-GCR')!;
    const r = load({ id: 'K8S-GCR', reason: 5, since: 3, source: 1, message: 2, tags: { range: '>=1' }, companions: [{ helmValue: 'global.x', value: true }] });
    assert.deepStrictEqual(r.problems, []);
    assert.ok(r.rule);
    assert.deepStrictEqual([r.rule.reason, r.rule.since, r.rule.source, r.rule.message, r.rule.origin], [builtin.reason, builtin.since, builtin.source, builtin.message, 'settings']);
    assert.deepStrictEqual([r.rule.tags, r.rule.companions], [{ range: '>=1' }, [{ helmValue: 'global.x', value: 'true', reason: 'set global.x' }]]);
    assert.deepStrictEqual([r.rule.from, r.rule.to, r.rule.match, r.rule.enabled, r.rule.severity], [builtin.from, builtin.to, builtin.match, builtin.enabled, builtin.severity]);
  });

  it('a rule with a message and no to has no to key; since defaults to empty', () => {
    const r = load({ id: 'A', from: 'a.io/b', message: 'gone' });
    assert.deepStrictEqual(r.problems, []);
    assert.ok(r.rule && !('to' in r.rule), JSON.stringify(r.rule));
    assert.strictEqual(r.rule.since, '');
  });

  it('an override with enabled true keeps the rule on, with from it is a new rule', () => {
    assert.strictEqual(load({ id: 'K8S-GCR', enabled: true }).rule?.enabled, true);
    const r = load({ id: 'K8S-GCR', from: 'k8s.gcr.io', to: 'mirror.example.com' });
    assert.deepStrictEqual([r.rule?.to, r.rule?.reason], ['mirror.example.com', 'moved (user rule)']);
  });
});
