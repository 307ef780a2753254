import * as assert from 'assert';

import { analyzeText } from '../../src/core/analyze';
import { applyEdits, dedupeEdits } from '../../src/core/rewrite/applyEdits';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { checkTag, parseRange, tagVersion } from '../../src/core/rules/tagPolicy';

const { ruleSet } = loadRuleSet();

function fixOnce(text: string, file: string, rules = ruleSet) {
  const r = analyzeText(text, file, rules);
  return { findings: r.findings, fixed: applyEdits(text, dedupeEdits(r.findings.flatMap((f) => f.edits)).edits) };
}

describe('tag knowledge in the built-in rules', function () {
  const cases: { name: string; file: string; text: string; rule: string; fixed?: string; problem?: RegExp }[] = [
    { name: 'ingress-nginx 0.18.0: the quay tags were not copied, no edit', file: 'values.yaml', text: 'image: quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.18.0\n', rule: 'QUAY-INGRESS-NGINX', problem: /carries only versions >=0\.34\.0, not 0\.18\.0.*v0\.34\.0/ },
    { name: 'ingress-nginx 0.33.0, the last quay tag: no edit', file: 'Dockerfile', text: 'FROM quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.33.0\n', rule: 'QUAY-INGRESS-NGINX', problem: /not 0\.33\.0/ },
    { name: 'kube-state-metrics v1.9.8: only from v2.0', file: 'ksm.yaml', text: 'image: quay.io/coreos/kube-state-metrics:v1.9.8\n', rule: 'COREOS-KUBE-STATE-METRICS', problem: /only versions >=2\.0\.0, not v1\.9\.8: .*from v2\.0/ },
    { name: 'kube-state-metrics v2.0.0-rc.0: rewritten', file: 'ksm.yaml', text: 'image: quay.io/coreos/kube-state-metrics:v2.0.0-rc.0\n', rule: 'COREOS-KUBE-STATE-METRICS', fixed: 'image: registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.0.0-rc.0\n' },
    { name: 'Bitnami debian-9 family: not in bitnamilegacy', file: 'Dockerfile', text: 'FROM bitnami/redis:5.0.7-debian-9-r12\n', rule: 'BITNAMI-LEGACY', problem: /tag 5\.0\.7-debian-9-r12 was not copied to docker\.io\/bitnamilegacy\/redis: .*debian-11/ },
    { name: 'Bitnami centos-7 family: not in bitnamilegacy', file: 'Dockerfile', text: 'FROM docker.io/bitnami/nginx:1.16.1-centos-7-r0\n', rule: 'BITNAMI-LEGACY', problem: /was not copied/ },
    { name: 'Bitnami debian-12: rewritten', file: 'Dockerfile', text: 'FROM bitnami/redis:7.2.4-debian-12-r0\n', rule: 'BITNAMI-LEGACY', fixed: 'FROM bitnamilegacy/redis:7.2.4-debian-12-r0\n' },
    // No cited listing says which v1beta2 tags the controller repository lacks: rewritten, and --verify proves each.
    { name: 'Spark Operator v1beta2 tag: rewritten (no sourced tag limit)', file: 'so.yaml', text: 'image: gcr.io/spark-operator/spark-operator:v1beta2-1.3.8-3.1.1\n', rule: 'SO-GCR-OP', fixed: 'image: ghcr.io/kubeflow/spark-operator/controller:v1beta2-1.3.8-3.1.1\n' },
    { name: 'Spark Operator chain (docker.io/kubeflow) 2.1.0: rewritten', file: 'so.yaml', text: 'image: docker.io/kubeflow/spark-operator:2.1.0\n', rule: 'SO-DOCKERIO', fixed: 'image: ghcr.io/kubeflow/spark-operator/controller:2.1.0\n' },
    { name: 'flannel per-arch tag: the quay era only', file: 'kube-flannel.yml', text: 'image: quay.io/coreos/flannel:v0.11.0-amd64\n', rule: 'COREOS-FLANNEL', problem: /was not copied .*multi-arch/ },
    { name: 'flannelcni interim home: rewritten', file: 'kube-flannel.yml', text: 'image: docker.io/flannelcni/flannel:v0.20.2\n', rule: 'FLANNELCNI', fixed: 'image: docker.io/flannel/flannel:v0.20.2\n' },
    { name: 'k8s.gcr.io has no tag limits', file: 'a.yaml', text: 'image: k8s.gcr.io/pause:3.9\n', rule: 'K8S-GCR', fixed: 'image: registry.k8s.io/pause:3.9\n' },
  ];
  for (const c of cases) {
    it(c.name, function () {
      const { findings, fixed } = fixOnce(c.text, c.file);
      assert.strictEqual(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
      assert.strictEqual(findings[0].rule.id, c.rule);
      if (c.problem) {
        assert.deepStrictEqual(findings[0].edits, []);
        assert.match(findings[0].tagProblem ?? '', c.problem);
        assert.match(findings[0].message, /Not rewritten: /);
        assert.strictEqual(fixed, c.text);
      } else {
        assert.strictEqual(findings[0].tagProblem, undefined);
        assert.strictEqual(fixed, c.fixed);
      }
    });
  }
});

describe('user rules with tags', function () {
  const rulesText = [
    'rules:',
    '  - id: ACME',
    '    from: quay.io/acme/app',
    '    to: registry.acme.example/app',
    '    match: exact',
    '    tags:',
    '      range: ">=1.2.0 <3 || >=5"',
    '      transform: { addPrefix: v }',
    '      message: ask the ACME team',
    '  - id: FROZEN',
    '    from: quay.io/acme/legacy',
    '    to: registry.acme.example/legacy',
    '    match: exact',
    '    tags: { until: "2.4", pattern: "^[0-9]" }',
  ].join('\n');
  const { ruleSet: rules, problems } = loadRuleSet({ rulesFile: { text: rulesText, path: '.registry-migrations.yaml' } });

  it('loads without problems', () => assert.deepStrictEqual(problems, []));

  const cases: { text: string; file: string; fixed?: string; problem?: RegExp }[] = [
    { file: 'Dockerfile', text: 'FROM quay.io/acme/app:1.2.0\n', fixed: 'FROM registry.acme.example/app:v1.2.0\n' },
    { file: 'Dockerfile', text: 'FROM quay.io/acme/app:1.2.0@sha256:' + 'b'.repeat(64) + '\n', fixed: 'FROM registry.acme.example/app:v1.2.0@sha256:' + 'b'.repeat(64) + '\n' },
    { file: 'Dockerfile', text: 'FROM quay.io/acme/app:v2.9\n', fixed: 'FROM registry.acme.example/app:v2.9\n' },
    { file: 'Dockerfile', text: 'FROM quay.io/acme/app:4.0.0\n', problem: /carries only versions >=1\.2\.0 <3 \|\| >=5, not 4\.0\.0: ask the ACME team/ },
    { file: 'Dockerfile', text: 'FROM quay.io/acme/app\n', problem: /tag latest names no version/ },
    { file: 'values.yaml', text: 'image:\n  registry: quay.io\n  repository: acme/app\n  tag: "1.3.0"\n', fixed: 'image:\n  registry: registry.acme.example\n  repository: app\n  tag: "v1.3.0"\n' },
    { file: 'Dockerfile', text: 'FROM quay.io/acme/legacy:2.4.1\n', fixed: 'FROM registry.acme.example/legacy:2.4.1\n' },
    { file: 'Dockerfile', text: 'FROM quay.io/acme/legacy:2.5.0\n', problem: /no versions after 2\.4, so not 2\.5\.0/ },
  ];
  for (const c of cases) {
    it(`${c.text.trim().replace(/\n/g, ' ⏎ ')} -> ${c.fixed?.trim().replace(/\n/g, ' ⏎ ') ?? 'no edit'}`, function () {
      const { findings, fixed } = fixOnce(c.text, c.file, rules);
      assert.strictEqual(findings.length, 1);
      if (c.problem) {
        assert.match(findings[0].tagProblem ?? '', c.problem);
        assert.strictEqual(fixed, c.text);
      } else {
        assert.strictEqual(fixed, c.fixed, findings[0].message);
        // A fixed file scans clean.
        assert.deepStrictEqual(analyzeText(fixed, c.file, rules).findings.map((f) => f.message), []);
      }
    });
  }

  it('a templated tag keeps the edit and says to check the tag', function () {
    const { findings, fixed } = fixOnce('FROM quay.io/acme/app:${TAG}\n', 'Dockerfile', rules);
    assert.strictEqual(fixed, 'FROM registry.acme.example/app:${TAG}\n');
    assert.match(findings[0].message, /tag is templated: check that registry\.acme\.example\/app carries it/);
  });

  const bad: { tags: string; want: RegExp }[] = [
    { tags: '{ range: ">=x" }', want: /tags\.range: ">=x" is not a comparator/ },
    { tags: '{ pattern: "(" }', want: /tags\.pattern: Invalid regular expression/ },
    { tags: '{ until: latest }', want: /tags\.until: "latest" is not a version/ },
    { tags: '{ ranges: ">=1" }', want: /unknown key tags\.ranges/ },
    { tags: '{ transform: { prefix: v } }', want: /tags\.transform. takes addPrefix/ },
  ];
  for (const b of bad) {
    it(`a bad tags field is reported at its line: ${b.tags}`, function () {
      const r = loadRuleSet({ rulesFile: { path: 'r.yaml', text: `rules:\n  - id: X\n    from: quay.io/x\n    to: ghcr.io/x\n    tags: ${b.tags}\n` } });
      assert.strictEqual(r.problems.length, 1, JSON.stringify(r.problems));
      assert.match(r.problems[0].message, b.want);
      assert.strictEqual(r.problems[0].line, 5);
    });
  }
});

describe('tag versions and ranges', function () {
  it('reads the version a tag starts with', function () {
    assert.deepStrictEqual(tagVersion('v1.9.8'), [1, 9, 8]);
    assert.deepStrictEqual(tagVersion('11.2-debian-10-r5'), [11, 2, 0]);
    assert.deepStrictEqual(tagVersion('v1beta2-1.3.8-3.1.1'), [1, 0, 0]);
    assert.strictEqual(tagVersion('latest'), undefined);
  });
  it('evaluates ranges', function () {
    const r = parseRange('>=1.2.0 <3 || =5.0.1');
    assert.ok(typeof r === 'function');
    assert.deepStrictEqual([[1, 1, 9], [1, 2, 0], [2, 99, 0], [3, 0, 0], [5, 0, 1]].map((v) => r(v as [number, number, number])), [false, true, true, false, true]);
  });
  it('exclude wins over pattern, and the transform only adds a missing prefix', function () {
    assert.deepStrictEqual(checkTag({ transform: { addPrefix: 'v' } }, 'v1.0', 'x'), { ok: true });
    assert.deepStrictEqual(checkTag({ transform: { removePrefix: 'v' } }, 'v1.0', 'x'), { ok: true, newTag: '1.0' });
    assert.strictEqual(checkTag({ pattern: '^1', exclude: 'rc' }, '1.0-rc1', 'x').ok, false);
  });
});
