import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/core/registry/mediaTypes';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import type { SyncReport, SyncTagResult } from '../../src/core/sync/syncReport';
import { type RateLimitProxy, startRateLimitProxy } from '../support/rateLimitProxy';
import { type RegistryProxy, startRegistryProxy } from '../support/registryProxy';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { AMD64, ARM64, type TestImage, indexImage, pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

const sigTagOf = (digest: string, kind = 'sig') => `${digest.replace(':', '-')}.${kind}`;

describe('sync: keep old and new registries in step from a config (real registries)', function () {
  this.timeout(120000);
  let src: RunningRegistry;
  let dst: RunningRegistry;
  let pSrc: RegistryProxy; // request log of the old side (and of the same-registry pair's new side)
  let pDst: RegistryProxy; // request log of the new side
  let rl: RateLimitProxy; // Docker Hub-like pull budget in front of `src`
  let dir: string;
  const agent = new TestAgent();
  const pusher = () => new RegistryClient({ dispatcher: agent, allowPush: true });
  const reader = () => new RegistryClient({ dispatcher: agent });

  // Pair A: semver filter. Pair B: allow/deny. Pair C (same registry: mounts): an index
  // with an attestation entry, a cosign signature of the index, an attestation tag of a platform.
  const a: Record<string, TestImage> = {
    '1.0.0': singleImage('oci', 'sync-a-1.0.0'),
    '1.1.0': singleImage('oci', 'sync-a-1.1.0'),
    '1.2.0': singleImage('docker', 'sync-a-1.2.0'),
    '1.2.0-rc.1': singleImage('oci', 'sync-a-1.2.0-rc.1'),
    '2.0.0': singleImage('oci', 'sync-a-2.0.0'),
    latest: singleImage('docker', 'sync-a-1.2.0'),
  };
  const b: Record<string, TestImage> = {
    'v1beta2-1.0.0': singleImage('oci', 'sync-b-1'),
    'v1beta2-1.1.0-rc': singleImage('oci', 'sync-b-2'),
    'other-1.0': singleImage('oci', 'sync-b-3'),
  };
  const amd = singleImage('oci', 'sync-c-amd64', { platform: AMD64, layerSeed: 'sync-c' });
  const arm = singleImage('oci', 'sync-c-arm64', { platform: ARM64, layerSeed: 'sync-c' });
  const attestation = singleImage('oci', 'sync-c-attestation', { platform: { os: 'unknown', architecture: 'unknown' } });
  const multi = indexImage('oci', [{ image: amd, platform: AMD64 }, { image: arm, platform: ARM64 }, { image: attestation, platform: { os: 'unknown', architecture: 'unknown' } }]);
  const c: Record<string, TestImage> = {
    multi,
    plain: singleImage('docker', 'sync-c-plain'),
    [sigTagOf(multi.digest)]: singleImage('oci', 'sync-c-signature'),
    [sigTagOf(amd.digest, 'att')]: singleImage('oci', 'sync-c-amd64-attestation'),
  };
  const rlTags = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`3.0.${i}`, singleImage('oci', `sync-rl-${i}`)]));

  let configFile: string;
  const configText = () => `# three pairs
defaults:
  concurrency: 4
sync:
  - old: ${pSrc.host}/src/app-a
    new: ${pDst.host}/dst/app-a
    tags: { semver: '>=1.1.0 <2' }
  - old: ${pSrc.host}/src/app-b
    new: ${pDst.host}/dst/app-b
    tags: { allow: ['^v1beta2-'], deny: ['-rc'] }
  - old: ${pSrc.host}/src/app-c
    new: ${pSrc.host}/mirror/app-c
`;

  before(async function () {
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    const p = pusher();
    for (const [repo, imgs] of [['src/app-a', a], ['src/app-b', b], ['src/app-c', c], ['src/app-rl', rlTags]] as const) {
      for (const [tag, img] of Object.entries(imgs)) await pushTestImage(p, { host: src.host, path: repo }, tag, img);
    }
    pSrc = await startRegistryProxy(src.host, { forwardedHost: true });
    pDst = await startRegistryProxy(dst.host, { forwardedHost: true });
    rl = await startRateLimitProxy(src.host, 5, 1);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-sync-test-'));
    configFile = path.join(dir, '.registry-sync.yaml');
    fs.writeFileSync(configFile, configText());
  });
  after(async function () {
    await agent.close();
    await Promise.all([pSrc?.close(), pDst?.close(), rl?.close()]);
    await Promise.all([src?.stop(), dst?.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: dir, env: { PATH: process.env.PATH, HOME: '/nonexistent' }, isTTY: false, signal: new AbortController().signal };
    const code = await main(argv, io);
    return { code, out, err };
  }
  async function syncJson(argv: string[] = []): Promise<{ code: number; report: SyncReport; err: string }> {
    const r = await cli(['sync', '--config', configFile, '--format', 'json', ...argv]);
    let report: SyncReport;
    try {
      report = JSON.parse(r.out) as SyncReport;
    } catch {
      throw new Error(`not JSON (exit ${r.code}): ${r.out}\n${r.err}`);
    }
    return { code: r.code, report, err: r.err };
  }
  const byTag = (report: SyncReport, key: string) => new Map(report.pairs.find((p) => p.key.includes(key))!.results.map((r) => [r.tag, r] as [string, SyncTagResult]));
  async function tagsAt(repo: Repository): Promise<string[]> {
    const r = await reader().listTags(repo);
    return r.ok ? r.value.slice().sort() : [];
  }
  async function digestAt(repo: Repository, ref: string): Promise<string | undefined> {
    const r = await reader().headManifest(repo, ref);
    return r.ok ? r.value.digest : undefined;
  }

  it('three pairs onto empty targets: the filters choose the tags, digests are equal, the index comes whole with its signature and attestations', async function () {
    const { code, report, err } = await syncJson();
    assert.strictEqual(code, 0, JSON.stringify(report.pairs.map((p) => [p.key, p.summary, p.warnings])) + err);
    assert.deepStrictEqual(await tagsAt({ host: dst.host, path: 'dst/app-a' }), ['1.1.0', '1.2.0'], 'semver >=1.1.0 <2: no 1.0.0, no 1.2.0-rc.1, no 2.0.0, no latest');
    assert.deepStrictEqual(await tagsAt({ host: dst.host, path: 'dst/app-b' }), ['v1beta2-1.0.0'], 'allow ^v1beta2-, deny -rc');
    assert.deepStrictEqual(await tagsAt({ host: src.host, path: 'mirror/app-c' }), Object.keys(c).sort());
    for (const [repo, imgs] of [[{ host: dst.host, path: 'dst/app-a' }, a], [{ host: dst.host, path: 'dst/app-b' }, b], [{ host: src.host, path: 'mirror/app-c' }, c]] as const) {
      for (const tag of await tagsAt(repo)) assert.strictEqual(await digestAt(repo, tag), imgs[tag].digest, `${repo.path}:${tag}`);
    }
    for (const child of [amd, arm, attestation]) assert.strictEqual(await digestAt({ host: src.host, path: 'mirror/app-c' }, child.digest), child.digest, 'each index entry (the attestation too) by digest');
    const cr = byTag(report, 'app-c');
    assert.strictEqual(cr.get('multi')!.status, 'copied');
    assert.deepStrictEqual(cr.get('multi')!.referrers?.slice().sort(), [sigTagOf(multi.digest), sigTagOf(amd.digest, 'att')].sort(), 'the signature and the platform attestation are shown under their image');
    assert.deepStrictEqual(cr.get(sigTagOf(amd.digest, 'att'))!.referrerOf, { digest: amd.digest, tag: 'multi' });
    const cPair = report.pairs.find((p) => p.key.includes('app-c'))!;
    assert.ok(cPair.stats!.blobsMounted > 0 && cPair.stats!.blobsUploaded === 0, 'same registry: mounted, not uploaded');
    assert.deepStrictEqual(report.totals, { pairs: 3, total: 7, identical: 0, copied: 7, missing: 0, different: 0, error: 0, onlyInNew: 0, referrersApi: 0 });
  });

  it('a run with nothing to do costs one tag list and one HEAD per tag per side, and writes nothing', async function () {
    const s0 = pSrc.requests.length;
    const d0 = pDst.requests.length;
    const { code, report } = await syncJson();
    assert.strictEqual(code, 0);
    assert.strictEqual(report.totals.identical, 7);
    assert.strictEqual(report.totals.copied, 0);
    const seen = [...pSrc.requests.slice(s0), ...pDst.requests.slice(d0)];
    const repos: [string, number][] = [['src/app-a', 2], ['dst/app-a', 2], ['src/app-b', 1], ['dst/app-b', 1], ['src/app-c', 4], ['mirror/app-c', 4]];
    for (const [repo, tags] of repos) {
      const mine = seen.filter((q) => q.url.startsWith(`/v2/${repo}/`));
      assert.strictEqual(mine.filter((q) => q.method === 'GET' && /\/tags\/list/.test(q.url)).length, 1, `${repo}: one tag list`);
      assert.strictEqual(mine.filter((q) => q.method === 'HEAD' && /\/manifests\//.test(q.url)).length, tags, `${repo}: one HEAD per tag`);
      assert.strictEqual(mine.length, tags + 1, `${repo}: nothing else: ${mine.map((q) => `${q.method} ${q.url}`).join(', ')}`);
    }
    assert.strictEqual(seen.length, repos.reduce((n, [, t]) => n + t + 1, 0), 'no request outside the six repositories');
    assert.ok(seen.every((q) => q.method === 'GET' || q.method === 'HEAD'), 'no write, and no DELETE');
  });

  it('a source that gains a tag: the next run copies exactly that tag and its signature', async function () {
    const img = singleImage('oci', 'sync-a-1.3.0');
    const sig = singleImage('oci', 'sync-a-1.3.0-signature');
    const sigTag = sigTagOf(img.digest);
    const p = pusher();
    await pushTestImage(p, { host: src.host, path: 'src/app-a' }, '1.3.0', img);
    await pushTestImage(p, { host: src.host, path: 'src/app-a' }, sigTag, sig);
    const d0 = pDst.requests.length;
    const s0 = pSrc.requests.length;
    const { code, report } = await syncJson();
    assert.strictEqual(code, 0);
    const copied = report.pairs.flatMap((pr) => pr.results.filter((r) => r.status === 'copied').map((r) => `${pr.new}:${r.tag}`));
    assert.deepStrictEqual(copied.sort(), [`${pDst.host}/dst/app-a:1.3.0`, `${pDst.host}/dst/app-a:${sigTag}`].sort());
    assert.deepStrictEqual(byTag(report, 'app-a').get('1.3.0')!.referrers, [sigTag]);
    const manifestPuts = [...pDst.requests.slice(d0), ...pSrc.requests.slice(s0)].filter((q) => q.method === 'PUT' && /\/manifests\//.test(q.url)).map((q) => q.url);
    assert.deepStrictEqual(manifestPuts.sort(), [`/v2/dst/app-a/manifests/1.3.0`, `/v2/dst/app-a/manifests/${sigTag}`].sort(), 'no other tag is written');
    assert.strictEqual(await digestAt({ host: dst.host, path: 'dst/app-a' }, sigTag), sig.digest);
  });

  it('--check reports drift and writes nothing; sync never replaces a tag with another digest; an unreachable registry exits 3', async function () {
    const driftConfig = path.join(dir, 'drift.yaml');
    fs.writeFileSync(driftConfig, `sync:\n  - old: ${pSrc.host}/src/app-a\n    new: ${pDst.host}/dst/drift\n    tags: { semver: '>=1.1.0 <1.3' }\n`);
    const other = singleImage('oci', 'sync-drift-rebuilt');
    await pushTestImage(pusher(), { host: dst.host, path: 'dst/drift' }, '1.1.0', other);
    const d0 = pDst.requests.length;
    const check = await cli(['sync', '--config', driftConfig, '--check']);
    assert.strictEqual(check.code, 1, check.out + check.err);
    assert.match(check.out, /missing +1\.2\.0/);
    assert.match(check.out, /different +1\.1\.0 .*left alone/);
    assert.ok(pDst.requests.slice(d0).every((q) => q.method === 'GET' || q.method === 'HEAD'), 'a check writes nothing');
    const run = await cli(['sync', '--config', driftConfig, '--format', 'markdown']);
    assert.strictEqual(run.code, 1, 'the different tag remains: incomplete');
    assert.match(run.out, /\| `1\.1\.0` \| different \|/);
    assert.strictEqual(await digestAt({ host: dst.host, path: 'dst/drift' }, '1.1.0'), other.digest, 'not clobbered');
    assert.strictEqual(await digestAt({ host: dst.host, path: 'dst/drift' }, '1.2.0'), a['1.2.0'].digest, 'the missing one was copied');
    const down = path.join(dir, 'down.yaml');
    fs.writeFileSync(down, `sync:\n  - old: 127.0.0.1:1/src/app\n    new: ${pDst.host}/dst/app-a\n`);
    const r3 = await cli(['sync', '--config', down, '--check']);
    assert.strictEqual(r3.code, 3, r3.out + r3.err);
    assert.match(r3.out, /could not list the old repository: 127\.0\.0\.1:1: connection refused/);
  });

  it('two shards: disjoint, their union is the whole, and the merged report equals a whole run', async function () {
    const whole = await syncJson(['--check']);
    assert.strictEqual(whole.code, 0, JSON.stringify(whole.report.totals));
    const files: string[] = [];
    const keys: string[][] = [];
    for (const i of [1, 2]) {
      const r = await syncJson(['--check', '--shard', `${i}/2`]);
      assert.ok(r.code === 0, `shard ${i}: exit ${r.code}`);
      keys.push(r.report.pairs.map((p) => p.key));
      const f = path.join(dir, `shard-${i}.json`);
      fs.writeFileSync(f, JSON.stringify(r.report));
      files.push(f);
    }
    assert.strictEqual(keys[0].filter((k) => keys[1].includes(k)).length, 0, 'disjoint');
    assert.deepStrictEqual([...keys[0], ...keys[1]].sort(), whole.report.pairs.map((p) => p.key).sort(), 'the union is every pair');
    const merged = await cli(['sync', '--merge-reports', ...files, '--format', 'json']);
    assert.strictEqual(merged.code, 0, merged.err);
    const m = JSON.parse(merged.out) as SyncReport;
    assert.deepStrictEqual({ ...m.totals }, { ...whole.report.totals });
    const one = await cli(['sync', '--merge-reports', files[0]]);
    assert.strictEqual(one.code, 3, 'a shard missing: could not check everything');
    assert.match(one.out, /no report for shard 2/);
  });

  it('a rate-limited host (Docker Hub headers, 429 past the budget): sync slows down and is never refused; unpaced requests are', async function () {
    const cfg = path.join(dir, 'rl.yaml');
    fs.writeFileSync(cfg, `defaults:\n  concurrency: 8\nsync:\n  - old: ${rl.host}/src/app-rl\n    new: ${dst.host}/dst/app-rl\n`);
    rl.reset();
    const r = await cli(['sync', '--config', cfg, '--format', 'json']);
    assert.strictEqual(r.code, 0, r.out.slice(0, 3000) + r.err);
    const report = JSON.parse(r.out) as SyncReport;
    assert.strictEqual(report.totals.copied, 12);
    assert.strictEqual(rl.refused(), 0, `429s: ${rl.requests.filter((q) => q.status === 429).map((q) => q.url).join(', ')}`);
    const host = report.rate.find((h) => h.host === rl.host)!;
    assert.ok(host.pauses > 0, 'it paused to stay inside the budget');
    assert.strictEqual(host.limit, 5);
    // The limiter read the budget as it was spent. How low the headers got depends on how the
    // 8 requests in flight interleave (it pauses early while counted requests are unanswered),
    // so the bound is "below the limit", not the reserve: refusals (0) and pauses are the proof.
    assert.ok(host.lowestRemaining !== undefined && host.lowestRemaining < 5, `lowest ratelimit-remaining seen: ${host.lowestRemaining}`);
    for (const [tag, img] of Object.entries(rlTags)) assert.strictEqual(await digestAt({ host: dst.host, path: 'dst/app-rl' }, tag), img.digest);
    // The same GETs without the limiter run into the budget: the proxy does bite.
    rl.reset(5, 30);
    const plain = new RegistryClient({ dispatcher: agent, retries: 0 });
    const got = await Promise.all(Object.keys(rlTags).slice(0, 8).map((t) => plain.getManifest({ host: rl.host, path: 'src/app-rl' }, t)));
    assert.strictEqual(got.filter((g) => !g.ok && g.error.code === 'rate-limited').length, 3, 'unpaced: 8 GETs against a budget of 5');
    assert.strictEqual(rl.refused(), 3);
    rl.reset(5, 1);
  });

  it('referrers through the OCI referrers API follow their image; the new side without the API gets the sha256-<hex> fallback tag', async function () {
    const img = singleImage('oci', 'sync-api-1.0.0');
    const ref = singleImage('oci', 'sync-api-signature-artifact');
    const p = pusher();
    await pushTestImage(p, { host: src.host, path: 'src/app-api' }, '1.0.0', img);
    await pushTestImage(p, { host: src.host, path: 'src/app-api' }, undefined, ref); // by digest only, as referrers are
    const listing = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: ref.digest, size: ref.bytes.length, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }] });
    // distribution 2.8.2 has no referrers API: a proxy answers it for the old side.
    const pApi = await startRegistryProxy(src.host, {
      forwardedHost: true,
      fault: (q) => (q.url === `/v2/src/app-api/referrers/${img.digest}` ? { kind: 'status', status: 200, headers: { 'content-type': OCI_INDEX }, body: listing } : undefined),
    });
    try {
      const cfg = path.join(dir, 'api.yaml');
      fs.writeFileSync(cfg, `sync:\n  - old: ${pApi.host}/src/app-api\n    new: ${pDst.host}/dst/app-api\n`);
      const r = await cli(['sync', '--config', cfg, '--format', 'json']);
      assert.strictEqual(r.code, 0, r.out + r.err);
      const report = JSON.parse(r.out) as SyncReport;
      assert.strictEqual(report.totals.referrersApi, 1);
      assert.deepStrictEqual(byTag(report, 'app-api').get('1.0.0')!.referrers, [ref.digest]);
      const to: Repository = { host: dst.host, path: 'dst/app-api' };
      assert.strictEqual(await digestAt(to, ref.digest), ref.digest, 'the referrer, by digest');
      const fallback = await reader().getManifest(to, img.digest.replace(':', '-'));
      assert.ok(fallback.ok, 'the fallback tag exists');
      assert.deepStrictEqual((JSON.parse(fallback.value.bytes.toString('utf8')) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest), [ref.digest]);
      // In step now: a re-run asks the API for nothing (only images copied in a run are asked).
      const before = pApi.requests.length;
      const again = await cli(['sync', '--config', cfg, '--format', 'json']);
      assert.strictEqual(again.code, 0);
      assert.ok(!pApi.requests.slice(before).some((q) => q.url.includes('/referrers/')));
    } finally {
      await pApi.close();
    }
  });

  it('notice: the table says what the registries say (digests, platforms, at the new home or not)', async function () {
    const r = await cli(['notice', `${pSrc.host}/src/app-a`, `${pDst.host}/dst/app-a`, '--since', '2026-11-01']);
    assert.strictEqual(r.code, 1, 'some tags are not at the new home');
    assert.match(r.out, new RegExp(`^# \`${pSrc.host}/src/app-a\` has moved to \`${pDst.host}/dst/app-a\``));
    assert.match(r.out, /Since \*\*2026-11-01\*\*/);
    const rows = [...r.out.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{12})` \| ([^|]+) \| ([^|]+) \|$/gm)];
    const srcTags = (await tagsAt({ host: src.host, path: 'src/app-a' })).filter((t) => !t.startsWith('sha256-'));
    assert.deepStrictEqual(rows.map((m) => m[1]).sort(), srcTags, 'one row per image tag of the old repository');
    for (const [, tag, digest, , at] of rows) {
      const truthOld = await digestAt({ host: src.host, path: 'src/app-a' }, tag);
      const truthNew = await digestAt({ host: dst.host, path: 'dst/app-a' }, tag);
      assert.strictEqual(digest, truthOld!.slice(7, 19), `${tag}: digest`);
      assert.strictEqual(at.trim(), truthNew === truthOld ? 'same digest' : truthNew ? `**different** (\`${truthNew.slice(7, 19)}\`)` : '**missing**', `${tag}: at the new home`);
    }
    assert.match(r.out, /Signatures and attestations: 1 of 1 referrer tags/);
    assert.match(r.out, /npx registry-migrator fix \./);
    assert.match(r.out, /sed -i -E/);
    assert.match(r.out, new RegExp(`  - id: MOVE-APP-A\\n    from: ${pSrc.host}/src/app-a\\n    to: ${pDst.host}/dst/app-a\\n    match: exact\\n    since: "2026-11-01"`));
    const c2 = await cli(['notice', `${pSrc.host}/src/app-c`, `${pSrc.host}/mirror/app-c`]);
    assert.strictEqual(c2.code, 0, c2.out);
    assert.match(c2.out, /All 2 tags of .* are at .* with the \*\*same digest\*\*/);
    assert.match(c2.out, /\| `multi` \| `[0-9a-f]{12}` \| linux\/amd64, linux\/arm64\/v8 \| same digest \|/);
  });

  it('a config with a mistake: file:line:column on stderr, exit 2, nothing synced', async function () {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, `sync:\n  - old: ${pSrc.host}/src/app-a\n    new: ${pDst.host}/dst/never\n    tags: { semver: '>=one' }\n`);
    const d0 = pDst.requests.length;
    const r = await cli(['sync', '--config', bad]);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /^bad\.yaml:4:21: `tags\.semver`: /m);
    assert.strictEqual(pDst.requests.length, d0, 'no request at all');
  });
});
