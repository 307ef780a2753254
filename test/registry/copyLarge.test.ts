import * as assert from 'assert';
import { execFile } from 'child_process';
import { createCipheriv, createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { staticCredentials } from '../../src/core/registry/credentials';
import { OCI_CONFIG, OCI_LAYER, OCI_MANIFEST } from '../../src/core/registry/mediaTypes';
import { pushBlob, pushManifest } from '../../src/core/registry/pushImage';
import { RegistryClient, type Repository, sha256Digest } from '../../src/core/registry/registryClient';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { TestAgent } from '../support/testAgent';

const PASSWORD = 'large-secret-pw';
const LAYER_BYTES = 64 * 1024 * 1024;
const PIECE = 4 * 1024 * 1024;
const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'cli.js');

/**
 * Pushes `size` deterministic pseudo-random bytes (AES-128-CTR keystream of a fixed key) as
 * one blob, in PATCH pieces, so the test never holds more than one piece. Returns the digest.
 */
async function pushGeneratedBlob(client: RegistryClient, repo: Repository, size: number): Promise<string> {
  const actions: ('pull' | 'push')[] = ['pull', 'push'];
  const start = await client.request(repo, { method: 'POST', url: `/v2/${repo.path}/blobs/uploads/`, actions, headers: { 'content-length': '0' } });
  assert.strictEqual(start.status, 202);
  let location = new URL(String(start.headers.location), start.url);
  const keystream = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const hash = createHash('sha256');
  const zeros = Buffer.alloc(PIECE);
  for (let offset = 0; offset < size; offset += PIECE) {
    const piece = keystream.update(zeros.subarray(0, Math.min(PIECE, size - offset)));
    hash.update(piece);
    const res = await client.request(repo, {
      method: 'PATCH',
      url: location.href,
      actions,
      body: piece,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(piece.length), 'content-range': `${offset}-${offset + piece.length - 1}` },
    });
    assert.strictEqual(res.status, 202);
    location = new URL(String(res.headers.location), res.url);
  }
  const digest = 'sha256:' + hash.digest('hex');
  location.searchParams.set('digest', digest);
  const done = await client.request(repo, { method: 'PUT', url: location.href, actions, body: Buffer.alloc(0), headers: { 'content-length': '0' } });
  assert.strictEqual(done.status, 201);
  return digest;
}

/** Runs the bundled CLI under `node -r bench/reportRss.js`; returns exit code, stdout and peak RSS (KB). */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string; maxRssKb: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', path.join(root, 'bench', 'reportRss.js'), cli, ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (e, stdout, stderr) => {
      const m = /RM_MAX_RSS_KB=(\d+)/.exec(stderr);
      resolve({ code: e ? ((e as { code?: number }).code ?? 3) : 0, out: stdout, err: stderr, maxRssKb: m ? Number(m[1]) : NaN });
    });
  });
}

describe('copy: a 64 MiB layer streams through the bundled CLI with bounded memory', function () {
  this.timeout(90000);
  let source: RunningRegistry;
  let dest: RunningRegistry;
  const agent = new TestAgent();
  let bigDigest = '';
  let smallDigest = '';

  before(async function () {
    assert.ok(fs.existsSync(cli), `${cli} is missing: run \`node esbuild.js\` (npm test builds it first)`);
    [source, dest] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd', users: { tester: PASSWORD } })]);
    const client = new RegistryClient({ dispatcher: agent, allowPush: true, credentials: staticCredentials({}) });
    for (const [path, size] of [['large/app', LAYER_BYTES], ['large/tiny', 1024]] as const) {
      const repo: Repository = { host: source.host, path };
      const layer = await pushGeneratedBlob(client, repo, size);
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer] } }));
      const c = await pushBlob(client, repo, config);
      assert.ok(c.ok);
      const manifest = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: sha256Digest(config), size: config.length }, layers: [{ mediaType: OCI_LAYER, digest: layer, size }] }),
      );
      const m = await pushManifest(client, repo, 'v1', manifest, OCI_MANIFEST);
      assert.ok(m.ok);
      if (size === LAYER_BYTES) bigDigest = m.value;
      else smallDigest = m.value;
    }
  });
  after(async function () {
    await agent.close();
    await Promise.all([source?.stop(), dest?.stop()]);
  });

  it('copies it digest for digest; peak RSS grows by less than half the layer over a tiny copy', async function () {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent', REGISTRY_MIGRATOR_PUSH_USERNAME: 'tester', REGISTRY_MIGRATOR_PUSH_PASSWORD: PASSWORD };
    const tiny = await runCli(['copy', `${source.host}/large/tiny`, `${dest.host}/large/tiny`, '--format', 'json'], env);
    assert.strictEqual(tiny.code, 0, tiny.out + tiny.err);
    const t0 = Date.now();
    const big = await runCli(['copy', `${source.host}/large/app`, `${dest.host}/large/app`, '--format', 'json'], env);
    const ms = Date.now() - t0;
    assert.strictEqual(big.code, 0, big.out + big.err);
    const j = JSON.parse(big.out);
    assert.strictEqual(j.summary.stats.blobsUploaded, 2, 'layer and config');
    assert.ok(j.summary.stats.bytesUploaded > LAYER_BYTES, 'the layer was uploaded');
    const reader = new RegistryClient({ dispatcher: agent, credentials: staticCredentials({ [dest.host]: { username: 'tester', password: PASSWORD } }) });
    for (const [p, d] of [['large/app', bigDigest], ['large/tiny', smallDigest]]) {
      const h = await reader.headManifest({ host: dest.host, path: p }, 'v1');
      assert.ok(h.ok && h.value.digest === d, `${p}:v1 has the source digest`);
    }
    const grewMb = (big.maxRssKb - tiny.maxRssKb) / 1024;
    console.log(`      peak RSS: ${(big.maxRssKb / 1024).toFixed(1)} MB copying a ${LAYER_BYTES / 1024 / 1024} MiB layer in ${(ms / 1000).toFixed(1)} s, ${(tiny.maxRssKb / 1024).toFixed(1)} MB for a 1 KiB one (+${grewMb.toFixed(1)} MB)`);
    assert.ok(Number.isFinite(grewMb), 'RM_MAX_RSS_KB was reported');
    assert.ok(grewMb < LAYER_BYTES / 2 / 1024 / 1024, `peak RSS grew by ${grewMb.toFixed(1)} MB: the layer is held in memory`);
  });
});
