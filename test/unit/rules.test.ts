import * as assert from 'assert';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { RuleMatcher } from '../../src/core/rules/matchRule';
import { ruleNeedles } from '../../src/core/rules/ruleNeedles';
import type { MigrationRule } from '../../src/core/rules/migrationRule';
import { randomTexts } from './support/fuzz';

const builtin = loadRuleSet().ruleSet;
const matcher = new RuleMatcher(builtin);

describe('built-in rules', () => {
  const cases: { name: string; want: { rule: string; to: string | null } | null }[] = [
    { name: 'gcr.io/spark-operator/spark-operator', want: { rule: 'SO-GCR-OP', to: 'ghcr.io/kubeflow/spark-operator/controller' } },
    { name: 'gcr.io/spark-operator/spark-operator-x', want: null },
    { name: 'gcr.io/spark-operator/spark-operator/sub', want: null },
    { name: 'ghcr.io/googlecloudplatform/spark-operator', want: { rule: 'SO-GHCR-GCP', to: 'ghcr.io/kubeflow/spark-operator/controller' } },
    { name: 'ghcr.io/kubeflow/spark-operator', want: { rule: 'SO-GHCR-KUBEFLOW', to: 'ghcr.io/kubeflow/spark-operator/controller' } },
    { name: 'ghcr.io/kubeflow/spark-operator/controller', want: null },
    { name: 'docker.io/kubeflow/spark-operator', want: { rule: 'SO-DOCKERIO', to: 'ghcr.io/kubeflow/spark-operator/controller' } },
    { name: 'gcr.io/spark-operator/spark', want: { rule: 'SO-GCR-SPARK', to: null } },
    { name: 'gcr.io/spark-operator/spark-py', want: { rule: 'SO-GCR-SPARK', to: null } },
    { name: 'k8s.gcr.io/pause', want: { rule: 'K8S-GCR', to: 'registry.k8s.io/pause' } },
    { name: 'k8s.gcr.io/ingress-nginx/controller', want: { rule: 'K8S-GCR', to: 'registry.k8s.io/ingress-nginx/controller' } },
    { name: 'k8s.gcr.io.evil.com/pause', want: null },
    { name: 'gcr.io/google_containers/pause-amd64', want: { rule: 'GOOGLE-CONTAINERS', to: 'registry.k8s.io/pause-amd64' } },
    { name: 'gcr.io/google-containers/busybox', want: { rule: 'GOOGLE-CONTAINERS', to: 'registry.k8s.io/busybox' } },
    { name: 'docker.io/bitnami/redis', want: { rule: 'BITNAMI-LEGACY', to: 'docker.io/bitnamilegacy/redis' } },
    { name: 'docker.io/bitnamilegacy/redis', want: null },
    { name: 'docker.io/library/redis', want: null },
    { name: 'docker.pkg.github.com/acme/app/web', want: { rule: 'GITHUB-PACKAGES-DOCKER', to: 'ghcr.io/acme/web' } },
    { name: 'docker.io/owasp/zap2docker-stable', want: { rule: 'ZAP-DOCKER', to: 'docker.io/zaproxy/zap-stable' } },
    { name: 'quay.io/coreos/prometheus-config-reloader', want: { rule: 'COREOS-PROMETHEUS-CONFIG-RELOADER', to: 'quay.io/prometheus-operator/prometheus-config-reloader' } },
    { name: 'gcr.io/ynli-k8s/spark', want: null },
  ];
  for (const c of cases) {
    it(`${c.name} -> ${c.want ? `${c.want.rule} ${c.want.to}` : 'no rule'}`, () => {
      const m = matcher.match(c.name);
      if (!c.want) return assert.strictEqual(m, undefined);
      assert.ok(m, 'expected a match');
      assert.strictEqual(m.rule.id, c.want.rule);
      assert.strictEqual(m.newName, c.want.to);
    });
  }

  it('every built-in rule has a reason, a date and an https source', () => {
    for (const r of builtin.rules) {
      assert.ok(r.reason.length > 10, r.id);
      assert.match(r.since, /^\d{4}/, r.id);
      assert.match(r.source, /^https:\/\//, r.id);
      assert.ok(r.to || r.message, `${r.id} needs a target or a message`);
    }
  });

  it('no built-in target is matched again (rewrites are final)', () => {
    for (const r of builtin.rules) {
      if (!r.to || r.to.includes('$')) continue;
      const m = matcher.match(r.match === 'prefix' ? `${r.to}/x` : r.to);
      assert.strictEqual(m, undefined, `${r.id}: ${r.to} matches ${m?.rule.id}`);
    }
  });

  it('has no rule problems', () => assert.deepStrictEqual(loadRuleSet().problems, []));
});

describe('chains and specificity', () => {
  const rule = (id: string, from: string, to: string | undefined, match: MigrationRule['match'] = 'prefix'): MigrationRule => ({
    id, from: [from], to, match, reason: 'r', since: '2024', source: '', severity: 'warning', enabled: true, origin: 'settings',
  });
  it('follows a chain to the final target', () => {
    const m = new RuleMatcher({ rules: [rule('A', 'old.io/x', 'mid.io/y'), rule('B', 'mid.io/y', 'new.io/z')] }).match('old.io/x/app');
    assert.strictEqual(m?.newName, 'new.io/z/app');
    assert.deepStrictEqual(m?.chain.map((r) => r.id), ['A', 'B']);
  });
  it('stops on a cycle', () => {
    const m = new RuleMatcher({ rules: [rule('A', 'a.io/x', 'b.io/x'), rule('B', 'b.io/x', 'a.io/x')] }).match('a.io/x/app');
    assert.strictEqual(m?.newName, 'a.io/x/app');
  });
  it('prefers exact over prefix, and longer prefixes', () => {
    const rules = [rule('P', 'r.io', 'n.io'), rule('P2', 'r.io/team', 'm.io/team'), rule('E', 'r.io/team/app', 'e.io/app', 'exact')];
    const mm = new RuleMatcher({ rules });
    assert.strictEqual(mm.match('r.io/team/app')?.rule.id, 'E');
    assert.strictEqual(mm.match('r.io/team/other')?.rule.id, 'P2');
    assert.strictEqual(mm.match('r.io/x')?.rule.id, 'P');
  });
  it('matches Docker Hub shorthand in rules', () => {
    const mm = new RuleMatcher({ rules: [rule('H', 'bitnami', 'bitnamilegacy')] });
    assert.strictEqual(mm.match('docker.io/bitnami/redis')?.newName, 'docker.io/bitnamilegacy/redis');
  });
  it('skips disabled rules', () => {
    const { ruleSet } = loadRuleSet({ disabledRules: ['K8S-GCR'] });
    assert.strictEqual(new RuleMatcher(ruleSet).match('k8s.gcr.io/pause'), undefined);
  });
  it('needles cover Docker Hub paths and hosts', () => {
    const n = ruleNeedles(builtin);
    for (const want of ['k8s.gcr.io', 'bitnami', 'kubeflow/spark-operator', 'spark-operator/spark-operator', 'google_containers', 'docker.pkg.github.com', 'owasp/zap2docker-']) {
      assert.ok(n.includes(want), `${want} in ${n.join(' ')}`);
    }
  });
});

describe('rules file', () => {
  const cases: { name: string; text: string; problems: { line: number; column: number; message: RegExp }[]; check?: (rules: MigrationRule[]) => void }[] = [
    {
      name: 'a valid file adds rules',
      text: 'rules:\n  - id: ACME\n    from: registry.acme.com/team\n    to: ghcr.io/acme\n    reason: moved\n    since: 2025-01\n',
      problems: [],
      check: (rules) => assert.strictEqual(new RuleMatcher({ rules }).match('registry.acme.com/team/web')?.newName, 'ghcr.io/acme/web'),
    },
    {
      name: 'an override changes a built-in',
      text: 'rules:\n  - id: K8S-GCR\n    severity: error\n',
      problems: [],
      check: (rules) => assert.strictEqual(rules.find((r) => r.id === 'K8S-GCR')?.severity, 'error'),
    },
    {
      name: 'disabledRules turns built-ins off',
      text: 'disabledRules: [BITNAMI-LEGACY]\n',
      problems: [],
      check: (rules) => assert.strictEqual(rules.find((r) => r.id === 'BITNAMI-LEGACY')?.enabled, false),
    },
    { name: 'broken YAML', text: 'rules:\n  - id: A\n    from: [x\n', problems: [{ line: 4, column: 1, message: /./ }] },
    { name: 'not a mapping', text: '- a\n- b\n', problems: [{ line: 1, column: 1, message: /mapping/ }] },
    { name: 'unknown top-level key', text: 'rulez: []\n', problems: [{ line: 1, column: 1, message: /unknown key "rulez"/ }] },
    { name: 'rules not a list', text: 'rules: 3\n', problems: [{ line: 1, column: 8, message: /must be a list/ }] },
    { name: 'missing from', text: 'rules:\n  - id: A\n    to: x.io/y\n', problems: [{ line: 2, column: 5, message: /`from`/ }] },
    { name: 'bad severity', text: 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    severity: loud\n', problems: [{ line: 5, column: 15, message: /severity/ }] },
    { name: 'unknown rule key', text: 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    form: x\n', problems: [{ line: 5, column: 5, message: /unknown rule key "form"/ }] },
    { name: 'a tag in from', text: 'rules:\n  - id: A\n    from: a.io/b:1.0\n    to: c.io/d\n', problems: [{ line: 3, column: 11, message: /without a tag/ }] },
    { name: 'invalid to', text: 'rules:\n  - id: A\n    from: a.io/b\n    to: "C.io/D E"\n', problems: [{ line: 4, column: 9, message: /`to`/ }] },
    { name: 'no to and no message', text: 'rules:\n  - id: A\n    from: a.io/b\n', problems: [{ line: 2, column: 5, message: /message/ }] },
    { name: 'duplicate id', text: 'rules:\n  - {id: A, from: a.io/b, to: c.io/d}\n  - {id: A, from: e.io/b, to: c.io/d}\n', problems: [{ line: 3, column: 10, message: /duplicate/ }] },
    { name: 'unknown disabled id', text: 'disabledRules: [NOPE]\n', problems: [{ line: 1, column: 17, message: /unknown rule id/ }] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { ruleSet, problems } = loadRuleSet({ rulesFile: { text: c.text, path: '.registry-migrations.yaml' } });
      assert.deepStrictEqual(
        problems.map((p) => ({ line: p.line, column: p.column })),
        c.problems.map((p) => ({ line: p.line, column: p.column })),
        JSON.stringify(problems),
      );
      problems.forEach((p, i) => assert.match(p.message, c.problems[i].message));
      // A bad file never takes the built-in rules away.
      assert.ok(new RuleMatcher(ruleSet).match('k8s.gcr.io/pause') || c.name.includes('disabled'));
      c.check?.([...ruleSet.rules]);
    });
  }

  it('settings rules that are not a list are a problem, built-ins stay', () => {
    const { ruleSet, problems } = loadRuleSet({ userRules: { id: 'x' } });
    assert.strictEqual(problems.length, 1);
    assert.ok(new RuleMatcher(ruleSet).match('k8s.gcr.io/pause'));
  });

  it('a severity override applies to every rule', () => {
    const { ruleSet } = loadRuleSet({ severity: 'error' });
    assert.ok(ruleSet.rules.every((r) => r.severity === 'error'));
  });

  it('never throws on random input', () => {
    for (const text of randomTexts(7, 'rules:- id from to\n\t{}[]":,#&*!|>%@`\0\u00e9', 300, 200)) loadRuleSet({ rulesFile: { text, path: 'f' } });
  });
});
