/**
 * `npm run bench:verify`: how long `registry-migrator verify` takes on 300 tags, against
 * the peers users reach for, all measured in this run on the same local registry:
 *   - a skopeo loop as users write it (`skopeo inspect --raw … | sha256sum`, with pipefail),
 *     sequential and with `xargs -P 8`;
 *   - a bare undici HEAD loop with 16 keep-alive connections: the floor for a Node process.
 * Every timing is a whole process (start-up included), the median of BENCH_RUNS runs (default 3).
 * Targets: >= 10x faster than sequential skopeo, >= 6x faster than -P 8, <= 1.4x the floor.
 * It also checks that verify's classification equals the seeded truth, tag for tag.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Agent } from 'undici';

import { RegistryClient, type Repository } from '../src/core/registry/registryClient';
import type { ParityStatus, VerifyReport } from '../src/core/registry/verifyRepositories';
import { startRegistry } from '../test/support/registryProcess';
import { AMD64, ARM64, type TestImage, indexImage, pushTestImage, singleImage } from '../test/support/testImages';

const root = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TAGS = 300;

interface Seed {
  tag: string;
  old: TestImage;
  new?: TestImage;
  truth: ParityStatus;
}

/** 255 identical (a tenth multi-arch), 30 missing, 15 different (5 list<->index, 5 re-serialized, 5 rebuilt). */
function seeds(): Seed[] {
  const out: Seed[] = [];
  for (let i = 0; i < TAGS; i++) {
    const tag = `1.${Math.floor(i / 10)}.${i % 10}`;
    const seed = `bench-${i}`;
    const single = (format: 'oci' | 'docker', s = seed, indent?: number) => singleImage(format, s, { layerSeed: 'bench', indent });
    const kids = (format: 'oci' | 'docker') => [
      { image: singleImage(format, `${seed}-amd`, { layerSeed: 'bench' }), platform: AMD64 },
      { image: singleImage(format, `${seed}-arm`, { layerSeed: 'bench', platform: ARM64 }), platform: ARM64 },
    ];
    if (i < 255) {
      const img = i % 10 === 0 ? indexImage(i % 20 === 0 ? 'oci' : 'docker', kids(i % 20 === 0 ? 'oci' : 'docker')) : single(i % 2 ? 'oci' : 'docker');
      out.push({ tag, old: img, new: img, truth: 'identical' });
    } else if (i < 285) {
      out.push({ tag, old: single('oci'), truth: 'missing' });
    } else if (i < 290) {
      out.push({ tag, old: indexImage('docker', kids('oci')), new: indexImage('oci', kids('oci')), truth: 'different' });
    } else if (i < 295) {
      out.push({ tag, old: single('oci'), new: single('oci', seed, 2), truth: 'different' });
    } else {
      out.push({ tag, old: single('docker'), new: single('docker', `${seed}-rebuilt`), truth: 'different' });
    }
  }
  return out;
}

async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

function timeIt(label: string, cmd: string, args: string[], check?: (stdout: string) => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push((performance.now() - t0) / 1000);
    if (r.error) throw r.error;
    if (i === 0) check?.(r.stdout);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`  ${label.padEnd(42)} ${median.toFixed(2)} s   (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
  return median;
}

async function main(): Promise<void> {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `node esbuild.js` first');
  for (const tool of ['skopeo', 'sha256sum', 'xargs']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is not installed; .ci/run installs it`);
  }
  const registry = await startRegistry();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-bench-verify-'));
  const agent = new Agent();
  let failed = false;
  try {
    const client = new RegistryClient({ dispatcher: agent, allowPush: true });
    const oldRepo: Repository = { host: registry.host, path: 'bench/old' };
    const newRepo: Repository = { host: registry.host, path: 'bench/new' };
    const all = seeds();
    const t0 = performance.now();
    const pushed = new Set<string>();
    // Children and blobs first, serially per repo for the shared layer, then tags in parallel.
    await pushTestImage(client, oldRepo, 'warm', all[1].old, pushed);
    await pushTestImage(client, newRepo, 'warm', all[1].old, pushed);
    await pool(all, 8, async (s) => {
      await pushTestImage(client, oldRepo, s.tag, s.old, pushed);
      if (s.new) await pushTestImage(client, newRepo, s.tag, s.new, pushed);
    });
    // 'warm' is identical on both sides; it is part of the truth too.
    const truth = new Map<string, ParityStatus>([['warm', 'identical'], ...all.map((s) => [s.tag, s.truth] as [string, ParityStatus])]);
    console.log(`seeded ${all.length + 1} tags (old and new) on ${registry.host} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const counts = [...truth.values()].reduce<Record<string, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
    console.log(`truth: ${JSON.stringify(counts)}`);

    const refsFile = path.join(work, 'refs.txt');
    const refs = [...truth.keys()].flatMap((t) => [`${registry.host}/bench/old:${t}`, `${registry.host}/bench/new:${t}`]);
    fs.writeFileSync(refsFile, refs.join('\n') + '\n');
    const oldUrl = `docker://${registry.host}/bench/old`;
    const seqScript = path.join(work, 'skopeo-seq.sh');
    fs.writeFileSync(
      seqScript,
      `set -o pipefail\nskopeo list-tags --tls-verify=false ${oldUrl} >/dev/null\nwhile read -r ref; do\n  if d=$(skopeo inspect --raw --tls-verify=false "docker://$ref" | sha256sum); then echo "$ref $d"; else echo "$ref missing"; fi\ndone < ${refsFile}\n`,
    );
    const parScript = path.join(work, 'skopeo-par.sh');
    fs.writeFileSync(
      parScript,
      `set -o pipefail\nskopeo list-tags --tls-verify=false ${oldUrl} >/dev/null\nxargs -P 8 -I{} bash -c 'set -o pipefail; if d=$(skopeo inspect --raw --tls-verify=false "docker://{}" | sha256sum); then echo "{} $d"; else echo "{} missing"; fi' < ${refsFile}\n`,
    );

    console.log(`\ntimings (${refs.length} references, whole process, median of ${RUNS}):`);
    let report: VerifyReport | undefined;
    const verify = timeIt('registry-migrator verify', process.execPath, [cli, 'verify', `${registry.host}/bench/old`, `${registry.host}/bench/new`, '--format', 'json'], (out) => {
      report = JSON.parse(out) as VerifyReport;
    });
    const floor = timeIt('bare undici HEAD loop (16 conns)', process.execPath, [path.join(root, 'bench', 'headFloor.js'), refsFile]);
    let skopeoMissing = 0;
    const par = timeIt('skopeo inspect --raw | sha256sum, -P 8', 'bash', [parScript], (out) => {
      skopeoMissing = out.split('\n').filter((l) => l.endsWith(' missing')).length;
    });
    const seq = timeIt('skopeo inspect --raw | sha256sum, sequential', 'bash', [seqScript]);

    const mismatches: string[] = [];
    for (const [tag, want] of truth) {
      const got = report?.results.find((r) => r.tag === tag)?.status;
      if (got !== want) mismatches.push(`${tag}: seeded ${want}, verify said ${got}`);
    }
    if (report && report.results.length !== truth.size) mismatches.push(`verify reported ${report.results.length} tags, ${truth.size} were seeded`);
    const crossFormat = report?.results.filter((r) => r.platformsIdentical).length ?? 0;
    console.log(`\nclassification: ${mismatches.length === 0 ? 'matches the seeded truth exactly' : 'MISMATCH'} ` + `(${JSON.stringify(report?.summary)}; ${crossFormat} list<->index with every platform identical)`);
    for (const m of mismatches.slice(0, 20)) console.log(`  ${m}`);
    console.log(`skopeo saw ${skopeoMissing} missing references (truth: ${counts.missing})`);

    const targets = [
      { name: 'vs sequential skopeo', ratio: seq / verify, ok: seq / verify >= 10, goal: '>= 10x faster' },
      { name: 'vs skopeo -P 8', ratio: par / verify, ok: par / verify >= 6, goal: '>= 6x faster' },
      { name: 'vs bare undici floor', ratio: verify / floor, ok: verify / floor <= 1.4, goal: '<= 1.4x the floor' },
    ];
    console.log('\nratios:');
    for (const t of targets) console.log(`  ${t.name.padEnd(24)} ${t.ratio.toFixed(2)}x   target ${t.goal}: ${t.ok ? 'met' : 'MISSED'}`);
    failed = mismatches.length > 0;
  } finally {
    await agent.close();
    await registry.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
