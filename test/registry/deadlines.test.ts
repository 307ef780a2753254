import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { copyRepository } from '../../src/core/registry/copyRepository';
import { RegistryClient, type Repository, sha256Digest } from '../../src/core/registry/registryClient';
import { type RegistryProxy, startRegistryProxy } from '../support/registryProxy';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string; ms: number }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd(), env: { PATH: process.env.PATH, HOME: '/nonexistent' }, isTTY: false, signal: new AbortController().signal };
  const started = Date.now();
  const code = await main(argv, io);
  return { code, out, err, ms: Date.now() - started };
}

/**
 * Upload sessions the registry still holds for `repo`: distribution keeps each under
 * `_uploads/<id>` (`data`, `startedat`) until purged; a cancelled one (DELETE) loses both
 * and leaves only an empty `hashstates` folder.
 */
function openUploads(reg: RunningRegistry, repo: string): string[] {
  const dir = path.join(reg.storage, 'docker/registry/v2/repositories', repo, '_uploads');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((id) => fs.readdirSync(path.join(dir, id)).some((f) => f === 'data' || f === 'startedat'));
}

/**
 * A source that drips its blob bytes (1 byte every 100 ms, 10 B/s) used to keep `copy`
 * busy for days: undici's idle timeout never fires while bytes trickle in. With a minimum
 * speed the attempt is aborted after one window and retried like a reset; the run ends in
 * bounded time with a clear message, writes nothing at the destination, and a re-run
 * (once the link is healthy) finishes the copy.
 */
describe('deadlines: a dripping registry cannot hang a copy', function () {
  this.timeout(60000);
  let src: RunningRegistry;
  let dst: RunningRegistry;
  let proxy: RegistryProxy;
  let dripping = false;
  let dripTags = false;
  const agent = new TestAgent();
  const image = singleImage('oci', 'drip-image');
  const layer = sha256Digest(image.blobs[1]);

  before(async function () {
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    await pushTestImage(new RegistryClient({ dispatcher: agent, allowPush: true }), { host: src.host, path: 'src/app' }, '1.0.0', image);
    proxy = await startRegistryProxy(src.host, {
      fault: (q) => (q.method === 'GET' && ((dripping && q.url.endsWith(`/blobs/${layer}`)) || (dripTags && q.url.includes('/tags/list'))) ? { kind: 'drip', bytes: 1, everyMs: 100 } : undefined),
    });
  });
  after(async function () {
    await agent.close();
    await proxy?.close();
    await Promise.all([src?.stop(), dst?.stop()]);
  });

  it('tags through a dripping tag list: exit 3 within the deadline, "no complete answer"', async function () {
    dripTags = true;
    const r = await run(['tags', `${proxy.host}/src/app`, '--timeout', '1']);
    dripTags = false;
    console.log(`      tags, dripping list: exit ${r.code} after ${r.ms} ms`);
    assert.strictEqual(r.code, 3, r.out + r.err);
    assert.match(r.err, /could not list \(network\): .*no complete answer within 1 s/);
    assert.ok(r.ms < 10000, `${r.ms} ms`);
  });

  it('copy (CLI) with --timeout 1 --min-speed 1: bounded time, a clear message, nothing written; the re-run succeeds', async function () {
    dripping = true;
    const first = await run(['copy', `${proxy.host}/src/app`, `${dst.host}/dst/app`, '--timeout', '1', '--min-speed', '1', '--format', 'json']);
    console.log(`      copy, dripping blob: exit ${first.code} after ${first.ms} ms`);
    assert.strictEqual(first.code, 1, first.out + first.err);
    assert.ok(first.ms < 15000, `took ${first.ms} ms`);
    const j = JSON.parse(first.out);
    assert.strictEqual(j.results[0].action, 'error');
    assert.match(j.results[0].cause.message, /too slow: \d+ bytes in the last 1 s, below the minimum 1 KiB\/s \(--min-speed\)/);
    const dstClient = new RegistryClient({ dispatcher: agent });
    const to: Repository = { host: dst.host, path: 'dst/app' };
    const head = await dstClient.headManifest(to, '1.0.0');
    assert.ok(!head.ok, 'no tag at the destination');
    const blob = await dstClient.request(to, { method: 'HEAD', url: `/v2/dst/app/blobs/${layer}` });
    assert.strictEqual(blob.status, 404, 'the dripping layer was not committed');
    assert.deepStrictEqual(openUploads(dst, 'dst/app'), [], 'no upload session left open');
    const blobGets = proxy.requests.filter((q) => q.method === 'GET' && q.url.endsWith(`/blobs/${layer}`)).length;
    assert.ok(blobGets >= 2, `retried like a reset (${blobGets} GETs)`);

    dripping = false;
    const second = await run(['copy', `${proxy.host}/src/app`, `${dst.host}/dst/app`, '--timeout', '1', '--min-speed', '1']);
    console.log(`      copy, resumed: exit ${second.code} after ${second.ms} ms`);
    assert.strictEqual(second.code, 0, second.out + second.err);
    const after = await dstClient.headManifest(to, '1.0.0');
    assert.ok(after.ok && after.value.digest === image.digest);
  });

  it('chunked upload: the session opened before the drip is cancelled (DELETE), nothing half-written', async function () {
    dripping = true;
    const source = new RegistryClient({ dispatcher: agent, timeoutMs: 1000, minBytesPerSecond: 1024, retryBaseMs: 10 });
    const destination = new RegistryClient({ dispatcher: agent, allowPush: true });
    const to: Repository = { host: dst.host, path: 'dst/chunked' };
    const started = Date.now();
    const report = await copyRepository({ source, destination, from: { host: proxy.host, path: 'src/app' }, to }, { monolithicMaxBytes: 16, chunkBytes: 64, blobAttempts: 2 });
    const ms = Date.now() - started;
    console.log(`      core copy, chunked, dripping blob: ${report.results[0]?.action} after ${ms} ms`);
    dripping = false;
    assert.strictEqual(report.results[0].action, 'error');
    assert.strictEqual(report.results[0].cause?.code, 'timeout');
    assert.ok(ms < 10000, `${ms} ms`);
    assert.deepStrictEqual(openUploads(dst, 'dst/chunked'), [], 'the upload session was cancelled');
    const blob = await destination.request(to, { method: 'HEAD', url: `/v2/dst/chunked/blobs/${layer}` });
    assert.strictEqual(blob.status, 404);
  });
});
