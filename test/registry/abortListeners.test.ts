import * as assert from 'assert';
import { execFile } from 'child_process';
import { getEventListeners } from 'events';
import * as path from 'path';

import { followers } from '../../src/core/registry/abortFanout';
import { copyRepository } from '../../src/core/registry/copyRepository';
import { OCI_CONFIG, OCI_LAYER, OCI_MANIFEST } from '../../src/core/registry/mediaTypes';
import { pushBlob, pushManifest } from '../../src/core/registry/pushImage';
import { RegistryClient, type Repository, sha256Digest } from '../../src/core/registry/registryClient';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { TestAgent } from '../support/testAgent';

async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

/**
 * Each request used to add an `abort` listener to the caller's signal and never remove
 * it, so any copy with more than 10 requests in flight printed
 * `MaxListenersExceededWarning: Possible EventTarget memory leak …` on stderr.
 */
describe('abort handling: one listener per caller signal, removed when the work settles', function () {
  this.timeout(120000);
  let src: RunningRegistry;
  let dst: RunningRegistry;
  const agent = new TestAgent();
  const from = (): Repository => ({ host: src.host, path: 'src/many' });
  const LAYERS = 500;

  before(async function () {
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    const p = new RegistryClient({ dispatcher: agent, allowPush: true });
    const layers = Array.from({ length: LAYERS }, (_, i) => Buffer.from(`layer ${i} of the 500-blob image\n`));
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map(sha256Digest) } }));
    await pool([config, ...layers], 16, async (b) => {
      const r = await pushBlob(p, from(), b);
      if (!r.ok) throw r.error;
    });
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256Digest(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: OCI_LAYER, digest: sha256Digest(l), size: l.length })),
    }));
    const r = await pushManifest(p, from(), '1.0.0', manifest, OCI_MANIFEST);
    if (!r.ok) throw r.error;
  });
  after(async function () {
    await agent.close();
    await Promise.all([src?.stop(), dst?.stop()]);
  });

  it('copyRepository: at most one listener on the caller\'s signal while 500 blobs copy, none afterwards', async function () {
    const ac = new AbortController();
    let most = 0;
    const t = setInterval(() => (most = Math.max(most, getEventListeners(ac.signal, 'abort').length)), 2);
    const source = new RegistryClient({ dispatcher: agent, maxConcurrencyPerHost: 32 });
    const destination = new RegistryClient({ dispatcher: agent, allowPush: true, maxConcurrencyPerHost: 32 });
    let report;
    try {
      report = await copyRepository({ source, destination, from: from(), to: { host: dst.host, path: 'dst/core' } }, { signal: ac.signal, concurrency: 16 });
    } finally {
      clearInterval(t);
    }
    assert.deepStrictEqual(report.summary.verify, { total: 1, identical: 1, missing: 0, different: 0, error: 0 });
    assert.strictEqual(report.summary.stats.blobsUploaded, LAYERS + 1);
    assert.ok(most <= 1, `${most} listeners at once`);
    assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0, 'listeners left on the signal');
    assert.strictEqual(followers(ac.signal), 0);
  });

  it('the bundled CLI copies a 500-blob image and prints nothing on stderr', async function () {
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    const r = await new Promise<{ code: number; out: string; err: string }>((resolve) =>
      execFile(process.execPath, [cli, 'copy', `${src.host}/src/many`, `${dst.host}/dst/cli`, '--concurrency', '16'], { env: { PATH: process.env.PATH, HOME: '/nonexistent' } }, (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? -1) : 0, out: stdout, err: stderr }),
      ),
    );
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /501 uploaded/);
    assert.strictEqual(r.err, '', 'stderr');
  });
});
