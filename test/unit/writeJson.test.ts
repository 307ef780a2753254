import * as assert from 'assert';
import { JsonObjectWriter, writeJson, writeJsonPaced } from '../../src/cli/writeJson';
import { arrayItemsText } from '../../src/core/report/jsonItems';

describe('writeJson', () => {
  const cases: { name: string; value: Record<string, unknown> }[] = [
    { name: 'empty object', value: {} },
    { name: 'empty array', value: { a: [] } },
    { name: 'nested values and newlines in strings', value: { a: [1, { b: [1, 2], c: 'x\ny' }], s: [], o: { x: [{}] }, n: null, z: 'q' } },
    { name: 'scan --format json shape', value: { mentions: [{ a: null, parts: [{ x: 1 }] }], skippedFiles: [{ file: 'f', reason: 'r' }], ruleProblems: [] } },
    { name: 'more than one chunk', value: { mentions: Array.from({ length: 3000 }, (_, i) => ({ file: `f${i}`, text: 'x'.repeat(40) })) } },
  ];
  for (const c of cases) {
    it(`writes what JSON.stringify(v, null, 2) writes: ${c.name}`, () => {
      const chunks: string[] = [];
      writeJson((t) => chunks.push(t), c.value);
      assert.strictEqual(chunks.join(''), JSON.stringify(c.value, null, 2) + '\n');
    });
  }

  // scan --format json: the workers serialize each file's records, the main thread joins the
  // chunks; empty files (no records) in between, and the first chunk, must not add commas.
  it('items serialized in chunks (arrayItemsText + itemsText) read as one JSON.stringify', () => {
    const files = [[{ a: 1, p: [{ x: 'y' }] }], [], [{ b: null }, { c: [] }, { d: {} }], [], [{ e: 'line\nbreak' }]];
    const chunks: string[] = [];
    const w = new JsonObjectWriter((t) => chunks.push(t));
    w.arrayStart('mentions');
    for (const f of files) w.itemsText(arrayItemsText(f), f.length);
    w.arrayEnd();
    w.field('filesScanned', 5);
    w.end();
    const expected = { mentions: files.flat(), filesScanned: 5 };
    assert.strictEqual(chunks.join(''), JSON.stringify(expected, null, 2) + '\n');
  });
  // verify --format json on 100,000 tags: the report leaves 1,000 items at a time, each
  // chunk written before the wait for the pipe to drain, and reads as one JSON.stringify.
  it('writeJsonPaced: the same text as writeJson, written and drained 1,000 items at a time', async () => {
    const value = { results: Array.from({ length: 2500 }, (_, i) => ({ tag: `1.${i}`, old: i % 3 ? { d: 'x' } : null, platforms: [] })), empty: [], summary: { total: 2500 } };
    const chunks: string[] = [];
    const writtenAtDrain: number[] = [];
    await writeJsonPaced((t) => chunks.push(t), () => {
      writtenAtDrain.push(chunks.join('').length);
      return Promise.resolve();
    }, value);
    const expected = JSON.stringify(value, null, 2) + '\n';
    assert.strictEqual(chunks.join(''), expected);
    assert.strictEqual(writtenAtDrain.length, 3, 'one wait per 1,000 results');
    assert.ok(writtenAtDrain[0] > 0 && writtenAtDrain[0] < writtenAtDrain[1] && writtenAtDrain[2] < expected.length, `each batch was out before its wait: ${writtenAtDrain.join(', ')}`);
    const unpaced: string[] = [];
    await writeJsonPaced((t) => unpaced.push(t), undefined, value);
    assert.strictEqual(unpaced.join(''), expected, 'without drain (tests, no pipe) it is writeJson');
  });
  it('arrayItemsText writes any items as the per-item stringify did: primitives, undefined, empty containers, escapes', () => {
    const items: unknown[] = [1, 'a"\\\n\u2028', null, undefined, true, [], {}, [[]], { k: undefined, u: [undefined], d: new Date(0) }, '\ud800'];
    const chunks: string[] = [];
    const w = new JsonObjectWriter((t) => chunks.push(t));
    w.arrayStart('mentions');
    w.itemsText(arrayItemsText(items), items.length);
    w.arrayEnd();
    w.end();
    assert.strictEqual(chunks.join(''), JSON.stringify({ mentions: items }, null, 2) + '\n');
  });
  it('no chunks at all: an empty array', () => {
    const chunks: string[] = [];
    const w = new JsonObjectWriter((t) => chunks.push(t));
    w.arrayStart('mentions');
    w.itemsText('', 0);
    w.arrayEnd();
    w.end();
    assert.strictEqual(chunks.join(''), JSON.stringify({ mentions: [] }, null, 2) + '\n');
  });
});
