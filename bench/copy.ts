/**
 * `npm run bench:copy`: `registry-migrator copy` of 100 tags (every tenth multi-arch: five
 * OCI indexes, five Docker lists, two platforms each) between two local docker-registry
 * instances, against the peers measured in the same run on the same set:
 *   - `skopeo copy --all --preserve-digests`, one process per tag, in a shell loop;
 *   - `skopeo sync --all --preserve-digests` of the whole repository.
 * Each image has a shared 1 MiB base layer, its own 64 KiB layer and its own config.
 * Every run of every tool writes to a fresh destination repository and gets a fresh HOME
 * (so skopeo's blob-info cache cannot turn uploads into mounts from an earlier run).
 * Timings are whole processes, the median of BENCH_RUNS runs (default 3).
 * Target: faster than `skopeo sync`. Checked: every tag at every destination has the
 * source's digest (the run fails otherwise).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Agent } from 'undici';

import { RegistryClient, type Repository } from '../src/core/registry/registryClient';
import { startRegistry } from '../test/support/registryProcess';
import { type TestImage, pushTestImage } from '../test/support/testImages';
import { benchImages, freshEnv, pool, root, run } from './support/benchImages';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TAGS = 100;

const { image, multiArch } = benchImages('bench-copy-base');

async function timeRuns(label: string, command: (i: number) => { cmd: string; args: string[] }, work: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const env = freshEnv(work);
    const { cmd, args } = command(i);
    const t0 = performance.now();
    const r = await run(cmd, args, env);
    times.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  }
  const sorted = times.slice().sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`  ${label.padEnd(44)} ${median.toFixed(2)} s   (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
  return median;
}

async function main(): Promise<void> {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `node esbuild.js` first');
  if (spawnSync('sh', ['-c', 'command -v skopeo']).status !== 0) throw new Error('skopeo is not installed; .ci/run installs it');
  const [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-bench-copy-'));
  const agent = new Agent();
  let failed = false;
  try {
    const client = new RegistryClient({ dispatcher: agent, allowPush: true });
    const src: Repository = { host: a.host, path: 'bench/app' };
    const seeds: { tag: string; img: TestImage }[] = [];
    for (let i = 0; i < TAGS; i++) {
      const tag = `1.${Math.floor(i / 10)}.${i % 10}`;
      const img = i % 10 === 0 ? multiArch(i % 20 === 0 ? 'oci' : 'docker', `copy-${i}`) : image(i % 2 ? 'oci' : 'docker', `copy-${i}`);
      seeds.push({ tag, img });
    }
    const t0 = performance.now();
    const pushed = new Set<string>();
    await pushTestImage(client, src, seeds[1].tag, seeds[1].img, pushed); // the shared base layer once
    await pool(seeds, 8, (s) => pushTestImage(client, src, s.tag, s.img, pushed).then(() => undefined));
    const multi = seeds.filter((s) => s.img.children.length).length;
    console.log(`seeded ${TAGS} tags (${multi} multi-arch) on ${a.host} in ${((performance.now() - t0) / 1000).toFixed(1)} s; copying to ${b.host}`);

    const srcRef = `${a.host}/bench/app`;
    const tls = ['--src-tls-verify=false', '--dest-tls-verify=false'];
    // The loop a user writes from a list of missing tags (verify's output).
    const tagsFile = path.join(work, 'tags.txt');
    fs.writeFileSync(tagsFile, seeds.map((s) => s.tag).join('\n') + '\n');
    const loop = path.join(work, 'skopeo-loop.sh');
    fs.writeFileSync(
      loop,
      `set -euo pipefail\ndest="$1"\nwhile read -r t; do\n  skopeo --insecure-policy copy -q --all --preserve-digests ${tls.join(' ')} "docker://${srcRef}:$t" "docker://$dest:$t"\ndone < ${tagsFile}\n`,
    );

    console.log(`\ntimings (${TAGS} tags, whole process, median of ${RUNS}):`);
    const ours = await timeRuns('registry-migrator copy', (i) => ({ cmd: process.execPath, args: [cli, 'copy', srcRef, `${b.host}/rm-${i}/app`, '--format', 'json'] }), work);
    const sync = await timeRuns(
      'skopeo sync --all --preserve-digests',
      (i) => ({ cmd: 'skopeo', args: ['--insecure-policy', 'sync', '--all', '--preserve-digests', ...tls, '--src', 'docker', '--dest', 'docker', srcRef, `${b.host}/sync-${i}`] }),
      work,
    );
    const each = await timeRuns('skopeo copy --all --preserve-digests, loop', (i) => ({ cmd: 'bash', args: [loop, `${b.host}/loop-${i}/app`] }), work);

    // Identical digests, tag for tag, at every destination of every run.
    const reader = new RegistryClient({ dispatcher: agent });
    const mismatches: string[] = [];
    const dests = Array.from({ length: RUNS }, (_, i) => [`rm-${i}/app`, `sync-${i}/app`, `loop-${i}/app`]).flat();
    await pool(dests.flatMap((d) => seeds.map((s) => ({ d, s }))), 16, async ({ d, s }) => {
      const h = await reader.headManifest({ host: b.host, path: d }, s.tag);
      if (!h.ok || h.value.digest !== s.img.digest) mismatches.push(`${d}:${s.tag}: ${h.ok ? h.value.digest : h.error.message}, source ${s.img.digest}`);
    });
    console.log(`\ndigests: ${mismatches.length === 0 ? `identical to the source for all ${TAGS} tags at all ${dests.length} destinations` : `${mismatches.length} MISMATCHES`}`);
    for (const m of mismatches.slice(0, 10)) console.log(`  ${m}`);

    const targets = [
      { name: 'vs skopeo sync', ratio: sync / ours, ok: sync / ours > 1, goal: 'faster (> 1x)' },
      { name: 'vs skopeo copy loop', ratio: each / ours, ok: each / ours > 1, goal: 'faster (> 1x)' },
    ];
    console.log('\nratios (peer time / our time):');
    for (const t of targets) console.log(`  ${t.name.padEnd(22)} ${t.ratio.toFixed(2)}x   target ${t.goal}: ${t.ok ? 'met' : 'MISSED'}`);
    failed = mismatches.length > 0 || !targets[0].ok;
  } finally {
    await agent.close();
    await Promise.all([a.stop(), b.stop()]);
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
