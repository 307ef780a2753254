import * as assert from 'assert';
import { runPool } from '../../src/core/runPool';

describe('runPool', () => {
  it('visits every item once with its index, never more than n at a time', async () => {
    const items = Array.from({ length: 23 }, (_, i) => `t${i}`);
    const seen: [string, number][] = [];
    let inFlight = 0;
    let most = 0;
    await runPool(items, 4, async (item, i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      seen.push([item, i]);
      inFlight--;
    });
    assert.deepStrictEqual(seen.map(([t, i]) => [t, i]).sort((a, b) => (a[1] as number) - (b[1] as number)), items.map((t, i) => [t, i]));
    assert.strictEqual(most, 4);
  });

  it('starts at least one worker for a concurrency below 1, and none is needed for no items', async () => {
    const seen: number[] = [];
    await runPool([1, 2, 3], 0, async (x) => void seen.push(x));
    assert.deepStrictEqual(seen, [1, 2, 3]);
    let calls = 0;
    await runPool([], 8, async () => void calls++);
    assert.strictEqual(calls, 0);
  });

  it('rejects with the first failure', async () => {
    await assert.rejects(runPool([1, 2, 3], 2, async (x) => {
      if (x === 2) throw new Error('boom');
    }), /boom/);
  });
});
