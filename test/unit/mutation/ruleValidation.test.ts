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
