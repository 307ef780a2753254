import * as assert from 'assert';
import type { ImageMention } from '../../../src/core/scan/imageMention';

/**
 * mulberry32: `rnd(n)` is a whole number in [0, n). Seeded, so a failing case replays; a
 * plain LCG's low bits are not random enough for `rnd(100) === 0`.
 */
export function prng(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/**
 * `count` random texts of up to `maxLength` characters, mostly from `alphabet` (the tokens a
 * finder cares about), one in ten any UTF-16 code unit (NULs and lone surrogates included).
 */
export function randomTexts(seed: number, alphabet: string, count = 300, maxLength = 400): string[] {
  const rnd = prng(seed);
  return Array.from({ length: count }, () => {
    let s = '';
    const len = rnd(maxLength);
    for (let k = 0; k < len; k++) s += rnd(10) === 0 ? String.fromCharCode(rnd(0xffff)) : alphabet[rnd(alphabet.length)];
    return s;
  });
}

/** Every mention's text, and every split part's, is exactly the source at its span. */
export function assertSpansMatch(source: string, mentions: readonly ImageMention[]): void {
  for (const m of mentions) {
    assert.strictEqual(source.slice(m.span.start, m.span.end), m.text);
    for (const p of m.parts ?? []) assert.strictEqual(source.slice(p.span.start, p.span.end), p.text);
  }
}

/** One `it` per input, each failing when `run` takes `limitMs` or more on it. */
export function itRunsWithin<T extends { name: string; build: () => string }>(limitMs: number, inputs: readonly T[], run: (text: string, input: T) => void): void {
  for (const b of inputs) {
    it(`${b.name} returns within ${limitMs / 1000} s`, function () {
      this.timeout(30_000);
      const text = b.build();
      const t0 = Date.now();
      run(text, b);
      const ms = Date.now() - t0;
      assert.ok(ms < limitMs, `took ${ms} ms`);
    });
  }
}
