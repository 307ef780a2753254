import * as assert from 'assert';
import { analyzeText } from '../../../src/core/analyze';
import { parseImageReference } from '../../../src/core/reference/imageReference';
import { loadRuleSet } from '../../../src/core/rules/loadRuleSet';

// A sha256 digest is exactly 64 lowercase hex characters (OCI image spec, descriptor
// digests; distribution/reference's anchored digest regexp). One character short or one
// uppercase letter is a typo that would pull nothing: reject it rather than rewrite it.
const HEX = '0123456789abcdef'.repeat(4);

describe('sha256 digests (mutation survivors)', () => {
  const bad: [string, string][] = [
    ['63 characters', HEX.slice(1)],
    ['65 characters', HEX + 'a'],
    ['32 characters', HEX.slice(32)],
    ['uppercase', HEX.toUpperCase()],
    ['one uppercase letter', HEX.slice(0, 63) + 'F'],
    ['not hex', HEX.slice(0, 63) + 'g'],
  ];
  for (const [what, hex] of bad) {
    it(`rejects a sha256 digest of ${what}`, () => {
      const r = parseImageReference(`k8s.gcr.io/pause@sha256:${hex}`);
      assert.strictEqual(r.ok, false, JSON.stringify(r));
      if (!r.ok) {
        assert.strictEqual(r.error.code, 'invalid-digest');
        assert.match(r.error.message, /64 lowercase hex/);
      }
    });
  }

  it('accepts 64 lowercase hex characters, with and without a tag', () => {
    for (const input of [`k8s.gcr.io/pause@sha256:${HEX}`, `k8s.gcr.io/pause:3.9@sha256:${HEX}`]) {
      const r = parseImageReference(input);
      assert.ok(r.ok, input);
      assert.strictEqual(r.ref.digest, `sha256:${HEX}`);
    }
  });

  it('other algorithms keep the general grammar (32+ characters of [A-Za-z0-9=_-])', () => {
    assert.ok(parseImageReference(`a/b@sha512:${HEX}${HEX}`).ok);
    assert.ok(parseImageReference(`a/b@multihash+base58:${'Q'.repeat(32)}`).ok);
    const short = parseImageReference(`a/b@sha512:${HEX.slice(33)}`);
    assert.ok(!short.ok && short.error.code === 'invalid-digest' && !/64 lowercase/.test(short.error.message));
  });

  it('a Dockerfile FROM with a 63-character digest is reported as skipped, never rewritten', () => {
    const { ruleSet } = loadRuleSet();
    const a = analyzeText(`FROM k8s.gcr.io/pause@sha256:${HEX.slice(1)}\n`, 'Dockerfile', ruleSet);
    assert.deepStrictEqual(a.findings, []);
    assert.strictEqual(a.mentions.length, 1);
    assert.match(a.mentions[0].skipped ?? '', /64 lowercase hex/);
    const good = analyzeText(`FROM k8s.gcr.io/pause@sha256:${HEX}\n`, 'Dockerfile', ruleSet);
    assert.strictEqual(good.findings.length, 1);
  });
});
