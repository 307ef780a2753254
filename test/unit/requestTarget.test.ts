import * as assert from 'assert';

import { RequestTarget, isPlainPath } from '../../src/core/registry/requestTarget';

/** A small seeded generator (mulberry32): the same strings on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASES = ['https://ghcr.io', 'http://127.0.0.1:5000', 'https://registry.example:8443/ignored/path'];

// The transport sends a plain path without parsing it: that is only right if the URL
// parser would have given back the very same path and query.
describe('requestTarget: a plain path is what the URL parser gives back', () => {
  it('holds for 30,000 seeded strings of tricky characters, plain or not', () => {
    const next = rng(15);
    const pieces = ['/', '/', 'v2', 'a', 'Z', '0', '.', '..', '%', '2e', '2E', '%2e', '?', '#', "'", '\\', ' ', '\t', ':', '@', '+', '=', '&', '-', '_', '~', 'é', '"', '<', '`', '{', '|', ';', ',', '$', '!', '(', '*'];
    let plain = 0;
    for (let i = 0; i < 30000; i++) {
      let s = '/';
      const n = 1 + Math.floor(next() * 12);
      for (let k = 0; k < n; k++) s += pieces[Math.floor(next() * pieces.length)];
      if (!isPlainPath(s)) continue;
      plain++;
      for (const base of BASES) {
        const u = new URL(s, base);
        assert.strictEqual(u.pathname + u.search, s, `${JSON.stringify(s)} against ${base}`);
      }
    }
    assert.ok(plain > 3000 && plain < 27000, `both kinds are generated (${plain} plain of 30000)`);
  });

  it('registry paths are plain; dot segments, %, quotes in a query, fragments and absolute URLs are not', () => {
    for (const p of ['/v2/', '/v2/app/manifests/1.0', '/v2/a/b/blobs/sha256:' + 'a'.repeat(64), '/v2/app/tags/list?n=1000&last=1.2.3', '/v2/app/blobs/uploads/?mount=sha256:ab&from=x%2Fy', '/v2/a/..b/c', '/v2/a/.x']) {
      assert.strictEqual(isPlainPath(p), true, p);
    }
    for (const p of ['/v2/a/../b', '/v2/a/./b', '/v2/a/..', '/v2/a/.', '/v2/a/..?x', '/v2/%2e%2e/x', "/v2/x?q='", '/v2/x#f', 'https://other.example/v2/', '//other.example/v2/', 'v2/x', '/v2/a b', '/v2\\..\\x', '']) {
      assert.strictEqual(isPlainPath(p), false, p);
    }
  });

  it('RequestTarget: a plain path is sent as it is and parsed only on demand; anything else is parsed at once', () => {
    const t = RequestTarget.of('/v2/app/tags/list?n=10', 'http://127.0.0.1:5000', 'http://127.0.0.1:5000');
    assert.deepStrictEqual([t.origin, t.path, t.pathname], ['http://127.0.0.1:5000', '/v2/app/tags/list?n=10', '/v2/app/tags/list']);
    assert.strictEqual(t.url.href, 'http://127.0.0.1:5000/v2/app/tags/list?n=10');
    assert.strictEqual(t.url, t.url, 'parsed once');
    const abs = RequestTarget.of('https://uploads.example:444/up/1?_state=x', 'https://ghcr.io', 'https://ghcr.io');
    assert.deepStrictEqual([abs.origin, abs.path, abs.pathname], ['https://uploads.example:444', '/up/1?_state=x', '/up/1']);
    const dotted = RequestTarget.of('/v2/a/../b/manifests/1', 'https://ghcr.io', 'https://ghcr.io');
    assert.strictEqual(dotted.path, '/v2/b/manifests/1', 'what the parser makes of it (the transport refuses the difference)');
    const at = RequestTarget.at(new URL('https://cdn.example/blob?sig=1'));
    assert.deepStrictEqual([at.origin, at.path, at.url.href], ['https://cdn.example', '/blob?sig=1', 'https://cdn.example/blob?sig=1']);
  });
});
