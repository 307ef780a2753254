import * as assert from 'assert';
import { applyEdits, dedupeEdits } from '../../src/core/rewrite/applyEdits';
import { planRewrite } from '../../src/core/rewrite/planEdits';
import { makeMention, makeSplitMention } from '../../src/core/scan/imageMention';

/** A mention of the marked «…» part of `line`. */
function mark(line: string, kind = 'test') {
  const start = line.indexOf('«');
  const end = line.indexOf('»') - 1;
  const text = line.replace('«', '').replace('»', '');
  return { text, mention: makeMention(text, start, end, kind, { strict: true })! };
}

describe('planRewrite (single references)', () => {
  const cases: { name: string; line: string; newName: string; want: string }[] = [
    { name: 'keeps the tag', line: 'image: «gcr.io/spark-operator/spark-operator:v1beta2-1.3.0»', newName: 'ghcr.io/kubeflow/spark-operator/controller', want: 'image: ghcr.io/kubeflow/spark-operator/controller:v1beta2-1.3.0' },
    { name: 'keeps quotes and comments', line: 'image: "«k8s.gcr.io/pause:3.2»" # pinned', newName: 'registry.k8s.io/pause', want: 'image: "registry.k8s.io/pause:3.2" # pinned' },
    { name: 'keeps a digest', line: `FROM «k8s.gcr.io/pause@sha256:${'a'.repeat(64)}» AS p`, newName: 'registry.k8s.io/pause', want: `FROM registry.k8s.io/pause@sha256:${'a'.repeat(64)} AS p` },
    { name: 'keeps a templated tag', line: 'docker push «ghcr.io/googlecloudplatform/spark-operator:${DOCKER_TAG}»', newName: 'ghcr.io/kubeflow/spark-operator/controller', want: 'docker push ghcr.io/kubeflow/spark-operator/controller:${DOCKER_TAG}' },
    { name: 'Docker Hub shorthand stays short', line: 'FROM «bitnami/redis:7.2»', newName: 'docker.io/bitnamilegacy/redis', want: 'FROM bitnamilegacy/redis:7.2' },
    { name: 'explicit docker.io stays explicit', line: 'image: «docker.io/bitnami/redis:7.2»', newName: 'docker.io/bitnamilegacy/redis', want: 'image: docker.io/bitnamilegacy/redis:7.2' },
    { name: 'no tag', line: '`«quay.io/coreos/flannel»`', newName: 'docker.io/flannel/flannel', want: '`docker.io/flannel/flannel`' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { text, mention } = mark(c.line);
      const plan = planRewrite(mention, c.newName);
      assert.ok(plan);
      const out = applyEdits(text, plan.edits);
      assert.strictEqual(out, c.want);
      assert.strictEqual(plan.replacement, out.slice(mention.span.start, mention.span.start + plan.replacement.length));
    });
  }

  it('does not rewrite a skipped mention', () => {
    const { mention } = mark('image: «${REGISTRY}/app:1»');
    assert.ok(mention.skipped);
    assert.strictEqual(planRewrite(mention, 'x.io/app'), undefined);
  });
});

describe('planRewrite (split references)', () => {
  const text = 'image:\n  registry: docker.io\n  repository: kubeflow/spark-operator\n  tag: ""\n';
  const part = (role: 'registry' | 'repository', value: string) => {
    const start = text.indexOf(value);
    return { role, span: { start, end: start + value.length }, text: value };
  };
  it('moves registry and repository fields separately', () => {
    const m = makeSplitMention('helm-values-repository', [part('registry', 'docker.io'), part('repository', 'kubeflow/spark-operator')])!;
    const plan = planRewrite(m, 'ghcr.io/kubeflow/spark-operator/controller')!;
    assert.strictEqual(applyEdits(text, plan.edits), 'image:\n  registry: ghcr.io\n  repository: kubeflow/spark-operator/controller\n  tag: ""\n');
    assert.deepStrictEqual(plan.partReplacements!.map((p) => p.newText), ['ghcr.io', 'kubeflow/spark-operator/controller']);
  });
  it('leaves an unchanged registry alone', () => {
    const t2 = 'image:\n  registry: docker.io\n  repository: bitnami/redis\n';
    const s = (v: string) => ({ start: t2.indexOf(v), end: t2.indexOf(v) + v.length });
    const m = makeSplitMention('helm', [
      { role: 'registry', span: s('docker.io'), text: 'docker.io' },
      { role: 'repository', span: s('bitnami/redis'), text: 'bitnami/redis' },
    ])!;
    const plan = planRewrite(m, 'docker.io/bitnamilegacy/redis')!;
    assert.strictEqual(plan.edits.length, 1);
    assert.strictEqual(applyEdits(t2, plan.edits), 'image:\n  registry: docker.io\n  repository: bitnamilegacy/redis\n');
  });
  it('a repository-only field gets the whole new name', () => {
    const t3 = 'image:\n  repository: ghcr.io/googlecloudplatform/spark-operator\n';
    const v = 'ghcr.io/googlecloudplatform/spark-operator';
    const m = makeSplitMention('helm', [{ role: 'repository', span: { start: t3.indexOf(v), end: t3.indexOf(v) + v.length }, text: v }])!;
    assert.strictEqual(applyEdits(t3, planRewrite(m, 'ghcr.io/kubeflow/spark-operator/controller')!.edits), 'image:\n  repository: ghcr.io/kubeflow/spark-operator/controller\n');
  });
});

describe('applyEdits', () => {
  it('keeps CRLF and everything outside the spans', () => {
    const t = 'a: x\r\nb: y\r\n';
    assert.strictEqual(applyEdits(t, [{ span: { start: 3, end: 4 }, newText: 'zz' }]), 'a: zz\r\nb: y\r\n');
  });
  it('rejects overlapping edits (a programmer error)', () => {
    assert.throws(() => applyEdits('abcdef', [{ span: { start: 0, end: 3 }, newText: 'x' }, { span: { start: 2, end: 4 }, newText: 'y' }]));
  });
  it('dedupe keeps the first of overlapping edits and drops exact duplicates silently', () => {
    const e1 = { span: { start: 0, end: 3 }, newText: 'x' };
    const r = dedupeEdits([e1, { ...e1 }, { span: { start: 2, end: 4 }, newText: 'y' }]);
    assert.strictEqual(r.edits.length, 1);
    assert.strictEqual(r.dropped.length, 1);
  });
});
