import * as assert from 'assert';
import { InOrderArrayField, JsonObjectWriter, writeJson } from '../../src/cli/writeJson';
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
  // verify --format json on 100,000 tags: results finish out of order; they leave in tag
  // order while the verify goes on (when the reader keeps up), the rest paced at the end,
  // and the whole reads as one JSON.stringify.
  describe('InOrderArrayField', () => {
    const results = Array.from({ length: 2500 }, (_, i) => ({ tag: `1.${i}`, old: i % 3 ? { d: 'x' } : null, platforms: [] }));
    /** Indices in a seeded shuffled order, each at most 40 places from its own. */
    const order = results.map((_, i) => i + ((i * 7919) % 41)).map((k, i) => [k, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    const report = async (f: InOrderArrayField, chunks: string[], drain?: () => Promise<void>) => {
      const w = await f.finish(drain);
      w.field('summary', { total: results.length });
      w.field('gate', { outcome: 'incomplete' });
      w.end();
      return chunks.join('');
    };
    const expected = JSON.stringify({ results, summary: { total: 2500 }, gate: { outcome: 'incomplete' } }, null, 2) + '\n';

    it('writes in index order as items come in, and reads as one JSON.stringify', async () => {
      const chunks: string[] = [];
      let written = 0;
      const f = new InOrderArrayField((t) => (written += chunks.push(t) && t.length), 'results');
      const outWhen: number[] = [];
      for (const i of order) {
        f.put(i, results[i]);
        outWhen.push(written);
      }
      const before = written;
      assert.ok(before > expected.length / 2, `most results were out before finish: ${before} of ${expected.length} characters`);
      assert.ok(outWhen[500] === 0 && outWhen[1100] > 0, 'nothing before a thousand in a row were in; some soon after');
      assert.strictEqual(await report(f, chunks), expected);
    });
    it('lets go of the items it has written (a verify of 100,000 tags must not keep them all)', async () => {
      const chunks: string[] = [];
      const f = new InOrderArrayField((t) => chunks.push(t), 'results');
      for (const i of order) f.put(i, results[i]);
      // White-box: the array the field keeps its items in.
      const kept = (f as unknown as { values: unknown[] }).values;
      assert.ok(chunks.length > 0);
      assert.ok(kept.slice(0, 2000).every((v) => v === undefined), 'the first two thousand, written, are let go');
      assert.ok(kept.slice(2000).some((v) => v !== undefined), 'the rest waits for finish');
      assert.strictEqual(await report(f, chunks), expected);
    });
    it('holds results while the reader is behind, then writes them paced, one drain per thousand', async () => {
      const chunks: string[] = [];
      let behind = true;
      const f = new InOrderArrayField((t) => chunks.push(t), 'results', () => behind);
      for (const i of order.slice(0, 1500)) f.put(i, results[i]);
      assert.strictEqual(chunks.length, 0, 'nothing written while the pipe is backed up');
      behind = false;
      for (const i of order.slice(1500)) f.put(i, results[i]);
      const streamed = chunks.join('').length;
      assert.ok(streamed > 0, 'written once the reader caught up');
      behind = true;
      const drains: number[] = [];
      const text = await report(f, chunks, () => {
        drains.push(chunks.join('').length);
        return Promise.resolve();
      });
      assert.strictEqual(text, expected);
      assert.ok(drains.length >= 1 && drains.every((n, k) => n > (k ? drains[k - 1] : streamed)), `each batch out before its wait: ${drains.join(', ')}`);
    });
    it('no results: an empty array; a result that never came: an error, not a report with a hole', async () => {
      const chunks: string[] = [];
      const text = await report(new InOrderArrayField((t) => chunks.push(t), 'results'), chunks);
      assert.strictEqual(text, JSON.stringify({ results: [], summary: { total: 2500 }, gate: { outcome: 'incomplete' } }, null, 2) + '\n');
      const holey = new InOrderArrayField(() => undefined, 'results');
      holey.put(1, results[1]);
      await assert.rejects(holey.finish(undefined), /item 0 of 2 never came/);
    });
    it('the last items that never came are an error too, given the total; abandon() writes nothing more', async () => {
      const short = new InOrderArrayField(() => undefined, 'results');
      short.put(0, results[0]);
      short.put(1, results[1]);
      await assert.rejects(short.finish(undefined, 3), /item 2 of 3 never came/);
      const chunks: string[] = [];
      const f = new InOrderArrayField((t) => chunks.push(t), 'results');
      for (let i = 0; i < 999; i++) f.put(i, results[i]);
      f.abandon();
      for (let i = 999; i < 2500; i++) f.put(i, results[i]);
      assert.deepStrictEqual(chunks, [], 'nothing written after abandon(), though a thousand were then in');
    });
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
