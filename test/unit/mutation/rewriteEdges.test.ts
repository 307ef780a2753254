import * as assert from 'assert';
import { applyEdits, dedupeEdits } from '../../../src/core/rewrite/applyEdits';
import { planRewrite } from '../../../src/core/rewrite/planEdits';
import { type MentionPart, makeMention, makeSplitMention } from '../../../src/core/scan/imageMention';

// Edges of the rewrite where a flipped comparison or a dropped guard would still pass the
// table tests in rewrite.test.ts (mutation testing found these untested).
const e = (start: number, end: number, newText: string) => ({ span: { start, end }, newText });

/** Parts of a split reference, each found at its value's first occurrence in `text`. */
function parts(text: string, fields: [MentionPart['role'], string][]): MentionPart[] {
  let from = 0;
  return fields.map(([role, value]) => {
    const start = text.indexOf(value, from);
    from = start + value.length;
    return { role, span: { start, end: start + value.length }, text: value };
  });
}

describe('rewrite at its edges (mutation survivors)', () => {
  it('applyEdits sorts its edits, and edits that touch end to end are not overlapping', () => {
    assert.strictEqual(applyEdits('abcdef', [e(4, 6, 'EF'), e(0, 2, 'AB'), e(2, 4, 'CD')]), 'ABCDEF');
    assert.strictEqual(applyEdits('abc', [e(1, 1, '-')]), 'a-bc');
    assert.strictEqual(applyEdits('abc', []), 'abc');
    assert.throws(() => applyEdits('abcdef', [e(0, 3, 'x'), e(2, 4, 'y')]), /overlapping edits at offset 2/);
  });

  it('dedupeEdits: touching edits are both kept, same span with another text is dropped, order is by start then end', () => {
    const touching = dedupeEdits([e(3, 6, 'b'), e(0, 3, 'a')]);
    assert.deepStrictEqual(touching.edits.map((x) => x.newText), ['a', 'b']);
    assert.deepStrictEqual(touching.dropped, []);
    const rival = dedupeEdits([e(0, 3, 'x'), e(0, 3, 'y')]);
    assert.deepStrictEqual([rival.edits.map((x) => x.newText), rival.dropped.map((x) => x.newText)], [['x'], ['y']]);
    // Same text is not enough to be a duplicate: the span must match too.
    const sameText = dedupeEdits([e(0, 3, 'x'), e(0, 5, 'x'), e(1, 3, 'x')]);
    assert.deepStrictEqual([sameText.edits, sameText.dropped], [[e(0, 3, 'x')], [e(0, 5, 'x'), e(1, 3, 'x')]]);
    const nested = dedupeEdits([e(0, 5, 'long'), e(0, 2, 'short')]);
    assert.deepStrictEqual([nested.edits.map((x) => x.newText), nested.dropped.map((x) => x.newText)], [['short'], ['long']]);
  });

  it('planRewrite gives up on a mention without a name span, and replaces only the name inside quotes', () => {
    const text = '"k8s.gcr.io/pause:3.2"';
    const m = makeMention(text, 1, text.length - 1, 'test', { strict: true })!;
    const plan = planRewrite(m, 'registry.k8s.io/pause')!;
    assert.deepStrictEqual(plan.edits, [e(1, 17, 'registry.k8s.io/pause')]);
    assert.strictEqual(plan.replacement, 'registry.k8s.io/pause:3.2');
    assert.strictEqual(planRewrite({ ...m, nameSpan: undefined }, 'registry.k8s.io/pause'), undefined);
  });

  it('split: a registry field with a trailing slash on the same registry stays as written', () => {
    const text = 'registry: docker.io/\nrepository: bitnami/redis\ntag: 7.2\n';
    const m = makeSplitMention('helm', parts(text, [['registry', 'docker.io/'], ['repository', 'bitnami/redis'], ['tag', '7.2']]))!;
    const plan = planRewrite(m, 'docker.io/bitnamilegacy/redis')!;
    assert.strictEqual(applyEdits(text, plan.edits), 'registry: docker.io/\nrepository: bitnamilegacy/redis\ntag: 7.2\n');
    assert.deepStrictEqual(plan.partReplacements!.map((p) => p.newText), ['docker.io/', 'bitnamilegacy/redis', '7.2']);
    assert.strictEqual(plan.replacement, 'bitnamilegacy/redis');
  });

  it('split: an empty registry field is no registry; the repository gets the name in its own style', () => {
    const text = 'registry: ""\nrepository: gcr.io/spark-operator/spark-operator\n';
    const m = makeSplitMention('helm', [{ role: 'registry', span: { start: 11, end: 11 }, text: '' }, ...parts(text, [['repository', 'gcr.io/spark-operator/spark-operator']])])!;
    const plan = planRewrite(m, 'ghcr.io/kubeflow/spark-operator/controller')!;
    assert.strictEqual(plan.edits.length, 1);
    assert.strictEqual(applyEdits(text, plan.edits), 'registry: ""\nrepository: ghcr.io/kubeflow/spark-operator/controller\n');
  });

  it('split: a new registry moves the host field and keeps the path field when only the host changed', () => {
    const text = 'registry: k8s.gcr.io\nrepository: pause\n';
    const m = makeSplitMention('helm', parts(text, [['registry', 'k8s.gcr.io'], ['repository', 'pause']]))!;
    const plan = planRewrite(m, 'registry.k8s.io/pause')!;
    assert.deepStrictEqual(plan.edits.map((x) => x.newText), ['registry.k8s.io']);
    assert.strictEqual(applyEdits(text, plan.edits), 'registry: registry.k8s.io\nrepository: pause\n');
  });
});
