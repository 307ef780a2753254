import * as assert from 'assert';
import { Agent } from 'undici';

import { RegistryClient } from '../../src/core/registry/registryClient';
import { RegistryError } from '../../src/core/registry/registryError';
import { blobPath, isValidRepositoryPath, manifestPath, mountPath, printable, referrersPath, tagListPath, uploadsPath } from '../../src/core/registry/registryPaths';

const repo = { host: 'reg.example', path: 'team/app' };
const D = 'sha256:' + 'a'.repeat(64);

const HOSTILE_REFS = ['latest?evil=1', '../../push-test/manifests/pwned', '..', '.', 'a/b', '%2e%2e', 'x#y', '.hidden', '-x', 'a b', 'a\nb', 'ü', 'x'.repeat(129), '', 'sha256:' + 'A'.repeat(64), 'sha256:abc', 'sha256:' + 'a'.repeat(64) + '/x'];
const HOSTILE_DIGESTS = ['latest', 'sha256:../../x', 'sha256:' + 'a'.repeat(63), 'sha256:' + 'a'.repeat(64) + '?x', 'sha512:' + 'a'.repeat(64), 'SHA256:' + 'a'.repeat(64), ''];
const HOSTILE_NAMES = ['../x', 'team/../../x', 'Team/App', 'team//app', '/team', 'team/', 'a?b', 'a#b', 'a%2fb', 'a b', '', 'a'.repeat(256), '-a', 'a-'];

function refused(f: () => string, code: string, what: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof RegistryError, `${what}: ${String(e)}`);
    assert.strictEqual(e.code, code, `${what}: ${e.message}`);
    assert.ok(e.message.startsWith('reg.example') || e.message.startsWith('other.example'), `${what}: the message names the registry: ${e.message}`);
    return true;
  }, `${what} was accepted`);
}

describe('registry paths: one builder, validated and encoded', () => {
  it('builds every path for valid names', () => {
    assert.strictEqual(manifestPath(repo, 'v1.2.3_rc-1'), '/v2/team/app/manifests/v1.2.3_rc-1');
    assert.strictEqual(manifestPath(repo, D), `/v2/team/app/manifests/${D}`);
    assert.strictEqual(manifestPath(repo, 'x'.repeat(128)), `/v2/team/app/manifests/${'x'.repeat(128)}`);
    assert.strictEqual(blobPath(repo, D), `/v2/team/app/blobs/${D}`);
    assert.strictEqual(uploadsPath(repo), '/v2/team/app/blobs/uploads/');
    assert.strictEqual(mountPath(repo, D, { host: 'reg.example', path: 'other/repo' }), `/v2/team/app/blobs/uploads/?mount=${D}&from=other%2Frepo`);
    assert.strictEqual(referrersPath(repo, D), `/v2/team/app/referrers/${D}`);
    assert.strictEqual(tagListPath(repo, 100), '/v2/team/app/tags/list?n=100');
    assert.strictEqual(manifestPath({ host: 'h', path: 'a__b/c-d.e/f--g' }, 'x'), '/v2/a__b/c-d.e/f--g/manifests/x');
  });

  it('digests: sha512 is 128 lowercase hex, sha256 64; another algorithm keeps the OCI grammar', () => {
    const s512 = 'sha512:' + 'b'.repeat(128);
    assert.strictEqual(blobPath(repo, s512), `/v2/team/app/blobs/${s512}`);
    assert.strictEqual(manifestPath(repo, s512), `/v2/team/app/manifests/${s512}`);
    const other = 'sha384:' + 'c'.repeat(96);
    assert.strictEqual(blobPath(repo, other), `/v2/team/app/blobs/${other}`, 'an algorithm the client does not know is passed on, not refused');
    for (const bad of ['sha512:' + 'b'.repeat(127), 'sha512:' + 'b'.repeat(129), 'sha512:' + 'B'.repeat(128), 'sha512:g' + 'b'.repeat(128), 'sha512:' + 'b'.repeat(128) + 'g', 'sha256:' + 'a'.repeat(65), 'sha256:g' + 'a'.repeat(64)]) {
      refused(() => blobPath(repo, bad), 'invalid-reference', bad);
    }
  });

  it('names: up to 255 characters; tag lists: a positive whole page size', () => {
    const longest = 'a'.repeat(127) + '/' + 'b'.repeat(127);
    assert.strictEqual(longest.length, 255);
    assert.ok(isValidRepositoryPath(longest), 'a 255-character name is valid');
    assert.ok(!isValidRepositoryPath(longest + 'b'), 'a 256-character one is not');
    assert.strictEqual(tagListPath(repo, 1), '/v2/team/app/tags/list?n=1');
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      refused(() => tagListPath(repo, n), 'invalid-reference', `page size ${n}`);
    }
  });

  it('printable: a hostile value in a message is quoted, bounded to 80 characters, without control characters', () => {
    assert.strictEqual(printable('latest?evil=1'), '"latest?evil=1"');
    assert.strictEqual(printable('x'.repeat(80)), `"${'x'.repeat(80)}"`, '80 characters are shown whole');
    assert.strictEqual(printable('x'.repeat(81)), `"${'x'.repeat(80)}…"`, 'longer ones are cut at 80, with an ellipsis');
    // JSON.stringify escapes C0 controls itself; C1 controls and DEL pass it, so they are replaced.
    assert.strictEqual(printable('a\u0085b\u007fc\u009bd'), '"a?b?c?d"');
    assert.strictEqual(printable('a\nb'), '"a\\nb"');
  });

  for (const ref of HOSTILE_REFS) {
    it(`manifests: refuses reference ${JSON.stringify(ref.length > 40 ? ref.slice(0, 40) + '…' : ref)}`, () => refused(() => manifestPath(repo, ref), 'invalid-reference', ref));
  }
  for (const d of HOSTILE_DIGESTS) {
    it(`blobs, mount, referrers: refuse digest ${JSON.stringify(d)}`, () => {
      refused(() => blobPath(repo, d), 'invalid-reference', `blob ${d}`);
      refused(() => mountPath(repo, d, { host: 'reg.example', path: 'other/repo' }), 'invalid-reference', `mount ${d}`);
      refused(() => referrersPath(repo, d), 'invalid-reference', `referrers ${d}`);
    });
  }
  for (const name of HOSTILE_NAMES) {
    it(`every builder refuses repository ${JSON.stringify(name.length > 40 ? name.slice(0, 40) + '…' : name)}`, () => {
      const bad = { host: 'reg.example', path: name };
      refused(() => manifestPath(bad, 'latest'), 'invalid-repository', `manifests ${name}`);
      refused(() => blobPath(bad, D), 'invalid-repository', `blobs ${name}`);
      refused(() => uploadsPath(bad), 'invalid-repository', `uploads ${name}`);
      refused(() => referrersPath(bad, D), 'invalid-repository', `referrers ${name}`);
      refused(() => tagListPath(bad, 10), 'invalid-repository', `tags ${name}`);
      refused(() => mountPath(repo, D, { host: 'other.example', path: name }), 'invalid-repository', `mount from ${name}`);
    });
  }

  it('request() refuses a relative path that the URL parser would change (dot segments, //host)', async () => {
    const agent = new Agent();
    try {
      const client = new RegistryClient({ dispatcher: agent });
      for (const url of ['/v2/team/app/manifests/../../other/manifests/x', '//evil.example/v2/', '/v2/team/app/manifests/%2e%2e/x/../y']) {
        await assert.rejects(client.request({ host: '127.0.0.1:9', path: 'team/app' }, { method: 'GET', url }), (e: unknown) => e instanceof RegistryError && e.code === 'invalid-reference', url);
      }
      await assert.rejects(client.request({ host: '127.0.0.1:9', path: '../x' }, { method: 'GET', url: '/v2/' }), (e: unknown) => e instanceof RegistryError && e.code === 'invalid-repository');
    } finally {
      await agent.close();
    }
  });
});
