import * as assert from 'assert';
import { writeJson } from '../../src/cli/writeJson';

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
});
