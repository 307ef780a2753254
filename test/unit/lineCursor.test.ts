import * as assert from 'assert';
import { LineCursor } from '../../src/core/report/lineCursor';
import { LineIndex } from '../../src/core/text/span';

/** A small deterministic generator: the same texts and offsets on every run. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

describe('LineCursor', () => {
  const pieces = ['a', 'bc', ' ', '\n', '\r\n', '\n\n', '\u{1F600}', 'é', '\r'];

  it('gives what LineIndex.positionAt gives, for offsets in order, backwards, out of range and at random', () => {
    const r = rng(7);
    let checked = 0;
    for (let t = 0; t < 400; t++) {
      let text = '';
      const n = r(60);
      for (let i = 0; i < n; i++) text += pieces[r(pieces.length)];
      const index = new LineIndex(text);
      const cursor = new LineCursor(text);
      const offsets: number[] = [];
      for (let i = 0; i < 30; i++) offsets.push(r(text.length + 3) - 1);
      if (t % 3 === 0) offsets.sort((a, b) => a - b);
      if (t % 3 === 1) offsets.sort((a, b) => b - a);
      for (const o of offsets) {
        cursor.seek(o);
        const p = index.positionAt(o);
        assert.deepStrictEqual([cursor.line, cursor.lineStart], [p.line, index.lineStart(p.line)], `${JSON.stringify(text)} at ${o}`);
        checked++;
      }
    }
    assert.strictEqual(checked, 12000);
  });

  it('stays right after switching to a LineIndex when it walks too far', () => {
    const text = 'x\n'.repeat(3000);
    const index = new LineIndex(text);
    const cursor = new LineCursor(text);
    // Back and forth across the whole text: the walking passes 4 lengths, then the index answers.
    for (let k = 0; k < 20; k++) {
      for (const o of [text.length - 1, 1, 2999, 0]) {
        cursor.seek(o);
        assert.strictEqual(cursor.line, index.positionAt(o).line);
        assert.strictEqual(cursor.lineStart, index.lineStart(index.positionAt(o).line));
      }
    }
  });

  // Minified JSON: thousands of mentions on one line. Seeks within the line answer without
  // searching again (the search used to run from the line's start to its end each time).
  it('many seeks on one long line, then past it: the same answers as LineIndex', () => {
    const text = '{"a":"' + 'x'.repeat(200000) + '"}\n{"b":1}\nend';
    const index = new LineIndex(text);
    const cursor = new LineCursor(text);
    const offsets: number[] = [];
    for (let o = 0; o < 200010; o += 97) offsets.push(o);
    offsets.push(200008, 200009, 200010, 200011, 200018, text.length, text.length + 5, 3, 200012);
    for (const o of offsets) {
      cursor.seek(o);
      const p = index.positionAt(o);
      assert.deepStrictEqual([cursor.line, cursor.lineStart], [p.line, index.lineStart(p.line)], `at ${o}`);
    }
  });
});
