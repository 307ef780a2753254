import * as assert from 'assert';

import { analyzeText } from '../../src/core/analyze';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { copyCommandFor, verificationKey, verificationTarget } from '../../src/core/verify/index';

const { ruleSet } = loadRuleSet();
const D = 'sha256:' + 'c'.repeat(64);

describe('verificationTarget: which references a finding\'s rewrite would pull', function () {
  const cases: { name: string; file: string; text: string; want: string | RegExp }[] = [
    { name: 'a tag', file: 'Dockerfile', text: 'FROM k8s.gcr.io/pause:3.9\n', want: 'k8s.gcr.io/pause:3.9 -> registry.k8s.io/pause:3.9' },
    { name: 'no tag is latest, as docker pull does', file: 'Dockerfile', text: 'FROM k8s.gcr.io/pause\n', want: 'k8s.gcr.io/pause:latest -> registry.k8s.io/pause:latest' },
    { name: 'a digest wins over the tag', file: 'Dockerfile', text: `FROM k8s.gcr.io/pause:3.9@${D}\n`, want: `k8s.gcr.io/pause@${D} -> registry.k8s.io/pause@${D}` },
    { name: 'bare Docker Hub names are normalized', file: 'Dockerfile', text: 'FROM bitnami/redis:7.2.4-debian-12-r0\n', want: 'docker.io/bitnami/redis:7.2.4-debian-12-r0 -> docker.io/bitnamilegacy/redis:7.2.4-debian-12-r0' },
    { name: 'split Helm fields with a tag', file: 'values.yaml', text: 'image:\n  registry: docker.io\n  repository: kubeflow/spark-operator\n  tag: 2.1.0\n', want: 'docker.io/kubeflow/spark-operator:2.1.0 -> ghcr.io/kubeflow/spark-operator/controller:2.1.0' },
    { name: 'split Helm fields with an empty tag: the chart decides', file: 'values.yaml', text: 'image:\n  registry: docker.io\n  repository: kubeflow/spark-operator\n  tag: ""\n', want: /no tag is written here .*appVersion/ },
    { name: 'a templated tag', file: 'Dockerfile', text: 'FROM k8s.gcr.io/pause:${TAG}\n', want: /the tag is templated/ },
    { name: 'a rule with no target', file: 'Dockerfile', text: 'FROM gcr.io/spark-operator/spark:v3.1.1\n', want: /no new location/ },
    { name: 'a tag outside the rule\'s range', file: 'Dockerfile', text: 'FROM quay.io/coreos/kube-state-metrics:v1.9.8\n', want: /only versions >=2\.0\.0/ },
  ];
  for (const c of cases) {
    it(c.name, function () {
      const [f] = analyzeText(c.text, c.file, ruleSet).findings;
      assert.ok(f);
      const t = verificationTarget(f);
      if (typeof c.want === 'string') {
        assert.ok(t.ok, JSON.stringify(t));
        assert.strictEqual(verificationKey(t.target), c.want);
      } else {
        assert.ok(!t.ok);
        assert.match(t.reason, c.want);
      }
    });
  }

  it('a transformed tag is resolved as the new home writes it, and has no copy command', function () {
    const { ruleSet: rules } = loadRuleSet({ rulesFile: { path: 'r.yaml', text: 'rules:\n  - id: V\n    from: quay.io/acme/app\n    to: ghcr.io/acme/app\n    match: exact\n    tags: { transform: { addPrefix: v } }\n' } });
    const [f] = analyzeText('FROM quay.io/acme/app:1.0\n', 'Dockerfile', rules).findings;
    const t = verificationTarget(f);
    assert.ok(t.ok);
    assert.strictEqual(verificationKey(t.target), 'quay.io/acme/app:1.0 -> ghcr.io/acme/app:v1.0');
    assert.strictEqual(copyCommandFor(t.target, { state: 'missing-at-new' }), undefined, 'copy keeps tag names');
  });
});
