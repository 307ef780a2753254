/**
 * `npm run bench:sync`: `registry-migrator sync` of 3 pairs x 100 tags (every tenth
 * multi-arch, two platforms) from one local docker-registry onto an empty second one,
 * against regsync-style sequential work measured in the same run on the same set:
 * `skopeo sync --all --preserve-digests`, one process per pair, one pair after another.
 * Then a no-op re-run of each onto the synced target, through a counting loopback proxy
 * in front of both registries: requests and seconds.
 * Each image: a shared 1 MiB base layer, its own 64 KiB layer and its own config.
 * Every cold run writes to fresh destination repositories with a fresh HOME (skopeo's
 * blob-info cache cannot turn uploads into mounts from an earlier run). Whole processes,
 * median of BENCH_RUNS (default 3). Checked: every tag at every destination has the
 * source's digest (the run fails otherwise).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Agent } from 'undici';

import { RegistryClient, type Repository } from '../src/core/registry/registryClient';
import type { SyncReport } from '../src/core/sync/syncReport';
import { type RegistryProxy, startRegistryProxy } from '../test/support/registryProxy';
import { startRegistry } from '../test/support/registryProcess';
import { type TestImage, pushTestImage } from '../test/support/testImages';
import { benchImages, freshEnv, pool, root, run } from './support/benchImages';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PAIRS = 3;
const TAGS = 100;

const { image, multiArch } = benchImages('bench-sync-base');

async function timed(label: string, runs: number, once: (i: number) => Promise<void>): Promise<{ median: number; times: number[] }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once(i);
    times.push((performance.now() - t0) / 1000);
  }
  const median = times.slice().sort((x, y) => x - y)[Math.floor(times.length / 2)];
  console.log(`  ${label.padEnd(52)} ${median.toFixed(2)} s   (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
  return { median, times };
}

async function main(): Promise<void> {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `node esbuild.js` first');
  if (spawnSync('sh', ['-c', 'command -v skopeo']).status !== 0) throw new Error('skopeo is not installed; .ci/run installs it');
  const [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-bench-sync-'));
  const agent = new Agent();
  let pa: RegistryProxy | undefined;
  let pb: RegistryProxy | undefined;
  let failed = false;
  try {
    const client = new RegistryClient({ dispatcher: agent, allowPush: true });
    const seeds: { repo: string; tag: string; img: TestImage }[] = [];
    for (let p = 0; p < PAIRS; p++) {
      for (let i = 0; i < TAGS; i++) {
        const tag = `1.${Math.floor(i / 10)}.${i % 10}`;
        const seed = `sync-${p}-${i}`;
        seeds.push({ repo: `bench/app${p}`, tag, img: i % 10 === 0 ? multiArch(i % 20 === 0 ? 'oci' : 'docker', seed) : image(i % 2 ? 'oci' : 'docker', seed) });
      }
    }
    const t0 = performance.now();
    const pushed = new Set<string>();
    for (let p = 0; p < PAIRS; p++) await pushTestImage(client, { host: a.host, path: `bench/app${p}` }, seeds[p * TAGS + 1].tag, seeds[p * TAGS + 1].img, pushed);
    await pool(seeds, 8, (s) => pushTestImage(client, { host: a.host, path: s.repo }, s.tag, s.img, pushed).then(() => undefined));
    console.log(`seeded ${PAIRS} repositories x ${TAGS} tags (${seeds.filter((s) => s.img.children.length).length} multi-arch) on ${a.host} in ${((performance.now() - t0) / 1000).toFixed(1)} s; syncing to ${b.host}`);

    const config = (srcHost: string, dstHost: string, prefix: string) => {
      const f = path.join(work, `${prefix}-${srcHost.replace(/[^0-9]/g, '')}.yaml`);
      const lines = ['sync:'];
      for (let p = 0; p < PAIRS; p++) lines.push(`  - old: ${srcHost}/bench/app${p}`, `    new: ${dstHost}/${prefix}/app${p}`);
      fs.writeFileSync(f, lines.join('\n') + '\n');
      return f;
    };
    const tls = ['--src-tls-verify=false', '--dest-tls-verify=false'];
    const ours = async (cfg: string): Promise<SyncReport> => {
      const r = await run(process.execPath, [cli, 'sync', '--config', cfg, '--format', 'json'], freshEnv(work));
      if (r.status !== 0) throw new Error(`registry-migrator sync failed (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
      return JSON.parse(r.stdout) as SyncReport;
    };
    const skopeoSync = async (srcHost: string, dstHost: string, prefix: string) => {
      // regsync-style: one pair after another, each a whole skopeo process.
      for (let p = 0; p < PAIRS; p++) {
        const r = await run('skopeo', ['--insecure-policy', 'sync', '--all', '--preserve-digests', ...tls, '--src', 'docker', '--dest', 'docker', `${srcHost}/bench/app${p}`, `${dstHost}/${prefix}`], freshEnv(work));
        if (r.status !== 0) throw new Error(`skopeo sync failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
      }
    };

    console.log(`\nonto an empty target (${PAIRS} pairs x ${TAGS} tags, whole processes, median of ${RUNS}):`);
    const cold = await timed('registry-migrator sync (one config, pairs in parallel)', RUNS, async (i) => void (await ours(config(a.host, b.host, `rm-${i}`))));
    const peer = await timed('skopeo sync --all --preserve-digests, per pair', RUNS, (i) => skopeoSync(a.host, b.host, `sync-${i}`));

    // Identical digests, tag for tag, at every destination of every run.
    const reader = new RegistryClient({ dispatcher: agent });
    const mismatches: string[] = [];
    const dests = Array.from({ length: RUNS }, (_, i) => [`rm-${i}`, `sync-${i}`]).flat();
    await pool(dests.flatMap((d) => seeds.map((s) => ({ d, s }))), 16, async ({ d, s }) => {
      const repo: Repository = { host: b.host, path: `${d}/${s.repo.split('/')[1]}` };
      const h = await reader.headManifest(repo, s.tag);
      if (!h.ok || h.value.digest !== s.img.digest) mismatches.push(`${repo.path}:${s.tag}: ${h.ok ? h.value.digest : h.error.message}, source ${s.img.digest}`);
    });
    console.log(`digests: ${mismatches.length === 0 ? `identical to the source for all ${seeds.length} tags at all ${dests.length} destinations` : `${mismatches.length} MISMATCHES`}`);
    for (const m of mismatches.slice(0, 10)) console.log(`  ${m}`);

    // No-op re-runs onto the synced targets of run 0, through counting proxies.
    pa = await startRegistryProxy(a.host);
    pb = await startRegistryProxy(b.host);
    const count = (fromA: number, fromB: number) => {
      const seen = [...pa!.requests.slice(fromA), ...pb!.requests.slice(fromB)];
      const writes = seen.filter((q) => q.method !== 'GET' && q.method !== 'HEAD').length;
      const manifestGets = seen.filter((q) => q.method === 'GET' && /\/manifests\//.test(q.url)).length;
      return { total: seen.length, writes, manifestGets };
    };
    console.log(`\nno-op re-run onto the synced target (through a counting proxy, median of ${RUNS}):`);
    const noopCfg = config(pa.host, pb.host, 'rm-0');
    let oursCount = { total: 0, writes: 0, manifestGets: 0 };
    let lastReport: SyncReport | undefined;
    const oursNoop = await timed('registry-migrator sync', RUNS, async () => {
      const [ra, rb] = [pa!.requests.length, pb!.requests.length];
      lastReport = await ours(noopCfg);
      oursCount = count(ra, rb);
    });
    let peerCount = { total: 0, writes: 0, manifestGets: 0 };
    const peerNoop = await timed('skopeo sync --all --preserve-digests, per pair', RUNS, async () => {
      const [ra, rb] = [pa!.requests.length, pb!.requests.length];
      await skopeoSync(pa!.host, pb!.host, 'sync-0');
      peerCount = count(ra, rb);
    });
    const expected = PAIRS * 2 * (1 + TAGS);
    console.log(`  requests per no-op run: registry-migrator ${oursCount.total} (expected ${expected}: 1 tag list + ${TAGS} HEADs per side per pair), ${oursCount.writes} writes, ${oursCount.manifestGets} manifest GETs; ` +
      `identical ${lastReport?.totals.identical}/${PAIRS * TAGS}`);
    console.log(`                          skopeo sync ${peerCount.total}, ${peerCount.writes} writes, ${peerCount.manifestGets} manifest GETs`);

    const targets = [
      { name: 'cold: vs skopeo sync', ratio: peer.median / cold.median, ok: peer.median / cold.median > 1, goal: 'faster (> 1x)' },
      { name: 'no-op: vs skopeo sync', ratio: peerNoop.median / oursNoop.median, ok: peerNoop.median / oursNoop.median > 1, goal: 'faster (> 1x)' },
      { name: 'no-op: requests vs skopeo', ratio: peerCount.total / Math.max(1, oursCount.total), ok: oursCount.total <= expected && oursCount.writes === 0, goal: `<= ${expected} requests, no writes` },
    ];
    console.log('\nratios (peer / ours):');
    for (const t of targets) console.log(`  ${t.name.padEnd(28)} ${t.ratio.toFixed(2)}x   target ${t.goal}: ${t.ok ? 'met' : 'MISSED'}`);
    failed = mismatches.length > 0 || targets.some((t) => !t.ok);
  } finally {
    await agent.close();
    await Promise.all([pa?.close(), pb?.close()]);
    await Promise.all([a.stop(), b.stop()]);
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
