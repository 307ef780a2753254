import * as assert from 'assert';
import type { MigrationRule } from '../../../src/core/rules/migrationRule';
import { needleRegExp, ruleNeedleList, ruleNeedles } from '../../../src/core/rules/ruleNeedles';

// The scan prefilter's needles, rule kind by rule kind, and what their regular expression
// accepts at each bound (prefilter.test.ts proves the property over generated files; this
// pins each branch so a mutant cannot hide behind the random mix).
const rule = (id: string, from: string, match: MigrationRule['match'] = 'prefix', extra: Partial<MigrationRule> = {}): MigrationRule => ({
  id, from: [from], to: 'new.example.com/x', match, reason: 'r', since: '', source: '', severity: 'warning', enabled: true, origin: 'settings', ...extra,
});

describe('ruleNeedleList: one needle per rule kind', function () {
  const cases: [string, MigrationRule, { text: string; host: boolean; end: string }[]][] = [
    ['a host alone: the host, any case, open-ended', rule('A', 'k8s.gcr.io'), [{ text: 'k8s.gcr.io', host: true, end: 'any' }]],
    ['a Docker Hub namespace: the path, to a component end', rule('B', 'bitnami'), [{ text: 'bitnami', host: false, end: 'component' }]],
    ['an exact name: the path, to the name end, and each leading part', rule('E', 'quay.io/coreos/prom', 'exact'), [
      { text: 'coreos/prom', host: false, end: 'name' },
      { text: 'coreos', host: false, end: 'name' },
    ]],
    ['a deep prefix: each leading part of the path ends a registry field', rule('F', 'gcr.io/a/b/c'), [
      { text: 'a/b/c', host: false, end: 'component' },
      { text: 'a', host: false, end: 'name' },
      { text: 'a/b', host: false, end: 'name' },
    ]],
    ['a pattern with * inside a component: the literal before it, open-ended', rule('C', 'docker.io/owasp/zap2docker-*', 'pattern'), [
      { text: 'owasp/zap2docker-', host: false, end: 'any' },
      { text: 'owasp', host: false, end: 'name' },
    ]],
    ['a pattern with * as a whole component: the path before it, to a component end', rule('D', 'docker.io/owasp/*', 'pattern'), [{ text: 'owasp', host: false, end: 'component' }]],
    ['a pattern starting with *: the host', rule('H', 'p.io/*/app', 'pattern'), [{ text: 'p.io', host: true, end: 'any' }]],
    ['an exact official image: the name as written, not library/…', rule('R', 'redis', 'exact'), [{ text: 'redis', host: false, end: 'name' }]],
    ['an exact official image with its host', rule('R', 'docker.io/redis', 'exact'), [{ text: 'redis', host: false, end: 'name' }]],
    ['a disabled rule: none', rule('OFF', 'off.io/q', 'prefix', { enabled: false }), []],
  ];
  for (const [name, r, want] of cases) it(name, () => assert.deepStrictEqual(ruleNeedleList({ rules: [r] }), want));

  it('the loosest bound wins when rules share a literal, in either order', function () {
    const exact = rule('E', 'quay.io/team/app', 'exact');
    const prefix = rule('P', 'quay.io/team/app');
    const open = rule('O', 'quay.io/team/app*', 'pattern');
    for (const rules of [[exact, prefix], [prefix, exact]]) {
      assert.deepStrictEqual(ruleNeedleList({ rules }).find((n) => n.text === 'team/app'), { text: 'team/app', host: false, end: 'component' });
    }
    for (const rules of [[exact, open, prefix], [prefix, open, exact]]) {
      assert.deepStrictEqual(ruleNeedleList({ rules }).find((n) => n.text === 'team/app'), { text: 'team/app', host: false, end: 'any' });
    }
    assert.strictEqual(ruleNeedleList({ rules: [exact, prefix, exact] }).filter((n) => n.text === 'team/app').length, 1);
  });

  it('ruleNeedles: the texts', function () {
    assert.deepStrictEqual(ruleNeedles({ rules: [rule('A', 'k8s.gcr.io'), rule('E', 'quay.io/coreos/prom', 'exact')] }), ['k8s.gcr.io', 'coreos/prom', 'coreos']);
  });
});

describe('needleRegExp: each bound', function () {
  it('is undefined with no needles (no rule enabled)', function () {
    assert.strictEqual(needleRegExp([]), undefined);
    assert.strictEqual(needleRegExp(ruleNeedleList({ rules: [rule('OFF', 'off.io/q', 'prefix', { enabled: false })] })), undefined);
  });

  const cases: [string, MigrationRule, [string, boolean][]][] = [
    ['a host: any case, dots literal, anything after', rule('A', 'k8s.gcr.io'), [['k8s.gcr.io/pause', true], ['K8S.GCR.IO/pause', true], ['K8s.Gcr.Io', true], ['k8s.gcr.io.cn', true], ['k8sXgcr.io', false], ['k8s.gcrXio', false]]],
    ['a component end', rule('B', 'bitnami'), [['bitnami/redis', true], ['bitnami"', true], ['bitnami', true], ['bitnamilegacy/redis', false], ['bitnami-x', false], ['bitnami.x', false], ['bitnami_x', false], ['bitnami0', false], ['BITNAMI/redis', false]]],
    ['a name end', rule('E', 'quay.io/coreos/prom', 'exact'), [['coreos/prom:1', true], ['coreos/prom"', true], ['coreos/prom/x', false], ['coreos/promx', false], ['coreos/prom-x', false], ['coreos/prom.x', false], ['coreos/prom_x', false], ['coreos/prom9', false], ['coreos"', true], ['coreos/x', false]]],
    ['open-ended', rule('C', 'docker.io/owasp/zap2docker-*', 'pattern'), [['owasp/zap2docker-stable', true], ['owasp/zap2docker-', true], ['owasp/zap2dockerX', false], ['owasp:1', true], ['owasp/other', false]]],
  ];
  for (const [name, r, probes] of cases) {
    it(name, function () {
      const re = needleRegExp(ruleNeedleList({ rules: [r] }));
      assert.ok(re);
      assert.deepStrictEqual(probes.map(([s]) => [s, re.test(s)]), probes);
    });
  }
});
