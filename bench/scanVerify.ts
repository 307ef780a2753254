/**
 * `npm run bench:scan-verify`: `registry-migrator scan --verify` over a workspace of 300
 * references to 100 distinct tags, against `registry-migrator verify` of the same 100 tags
 * and a skopeo loop over the same 200 references (old and new), all in this run, on one
 * loopback registry. Two workspaces: dense (300 references in 3 files) and sparse (300 files
 * of one reference each among 1,000 files without any). Every timing is a whole process,
 * the median of BENCH_RUNS runs (default 3). It also checks the states against the seeded
 * truth, so a fast wrong answer cannot pass.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Agent } from 'undici';

import { RegistryClient, type Repository } from '../src/core/registry/registryClient';
import { startRegistry } from '../test/support/registryProcess';
import { AMD64, ARM64, type TestImage, indexImage, pushTestImage, singleImage } from '../test/support/testImages';

const root = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TAGS = 100;

interface Seed {
  tag: string;
  old: TestImage;
  new?: TestImage;
  truth: 'identical' | 'missing-at-new' | 'different';
}

/** 88 identical (every tenth a multi-arch index), 6 missing, 6 different. */
function seeds(): Seed[] {
  const out: Seed[] = [];
  for (let i = 0; i < TAGS; i++) {
    const tag = `2.${Math.floor(i / 10)}.${i % 10}`;
    const s = `sv-${i}`;
    const single = (x = s) => singleImage('oci', x, { layerSeed: 'sv' });
    if (i < 88) {
      const img = i % 10 === 0 ? indexImage('oci', [{ image: singleImage('oci', `${s}-amd`, { layerSeed: 'sv' }), platform: AMD64 }, { image: singleImage('oci', `${s}-arm`, { layerSeed: 'sv', platform: ARM64 }), platform: ARM64 }]) : single();
      out.push({ tag, old: img, new: img, truth: 'identical' });
    } else if (i < 94) out.push({ tag, old: single(), truth: 'missing-at-new' });
    else out.push({ tag, old: single(), new: single(`${s}-rebuilt`), truth: 'different' });
  }
  return out;
}

async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

function timeIt(label: string, cmd: string, args: string[], cwd: string, check?: (stdout: string) => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push((performance.now() - t0) / 1000);
    if (r.error) throw r.error;
    if (i === 0) check?.(r.stdout);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`  ${label.padEnd(46)} ${median.toFixed(2)} s   (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
  return median;
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

async function main(): Promise<void> {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `node esbuild.js` first');
  for (const tool of ['skopeo', 'sha256sum', 'xargs']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is not installed; .ci/run installs it`);
  }
  const registry = await startRegistry();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-bench-scanverify-'));
  const agent = new Agent();
  let failed = false;
  try {
    const client = new RegistryClient({ dispatcher: agent, allowPush: true });
    const oldRepo: Repository = { host: registry.host, path: 'sv/old' };
    const newRepo: Repository = { host: registry.host, path: 'sv/new' };
    const all = seeds();
    const pushed = new Set<string>();
    await pushTestImage(client, oldRepo, 'warm', all[1].old, pushed);
    await pushTestImage(client, newRepo, 'warm', all[1].old, pushed);
    await pool(all, 8, async (s) => {
      await pushTestImage(client, oldRepo, s.tag, s.old, pushed);
      if (s.new) await pushTestImage(client, newRepo, s.tag, s.new, pushed);
    });
    const truth = new Map(all.map((s) => [s.tag, s.truth]));
    console.log(`seeded ${TAGS} tags (+ warm) on ${registry.host}: 88 identical (9 multi-arch), 6 missing, 6 different`);

    const rules = `rules:\n  - id: SV\n    from: ${registry.host}/sv/old\n    to: ${registry.host}/sv/new\n    match: exact\n`;
    // 300 references: each tag three times (a Dockerfile, a manifest, a values file).
    const ref = (i: number) => `${registry.host}/sv/old:${all[i % TAGS].tag}`;
    const dense = path.join(work, 'dense');
    writeTree(dense, {
      '.registry-migrations.yaml': rules,
      'Dockerfile': Array.from({ length: TAGS }, (_, i) => `FROM ${ref(i)} AS s${i}`).join('\n') + '\n',
      'deploy/all.yaml': 'spec:\n  containers:\n' + Array.from({ length: TAGS }, (_, i) => `    - image: ${ref(i)}`).join('\n') + '\n',
      'chart/values.yaml': Array.from({ length: TAGS }, (_, i) => `c${i}:\n  image: "${ref(i)}"`).join('\n') + '\n',
    });
    const sparse = path.join(work, 'sparse');
    const sparseFiles: Record<string, string> = { '.registry-migrations.yaml': rules };
    for (let i = 0; i < 300; i++) sparseFiles[`svc${i % 30}/k8s/app${i}.yaml`] = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app${i}\nspec:\n  containers:\n    - name: app\n      image: ${ref(i)}\n`;
    for (let i = 0; i < 1000; i++) sparseFiles[`svc${i % 30}/docs/note${i}.md`] = `# Note ${i}\n\nNothing to migrate here; see registry.k8s.io/pause:3.9 and nginx:1.25.\n`;
    writeTree(sparse, sparseFiles);

    const refsFile = path.join(work, 'refs.txt');
    fs.writeFileSync(refsFile, all.flatMap((s) => [`${registry.host}/sv/old:${s.tag}`, `${registry.host}/sv/new:${s.tag}`]).join('\n') + '\n');
    const seqScript = path.join(work, 'skopeo-seq.sh');
    fs.writeFileSync(seqScript, `set -o pipefail\nwhile read -r ref; do\n  if d=$(skopeo inspect --raw --tls-verify=false "docker://$ref" | sha256sum); then echo "$ref $d"; else echo "$ref missing"; fi\ndone < ${refsFile}\n`);
    const parScript = path.join(work, 'skopeo-par.sh');
    fs.writeFileSync(parScript, `set -o pipefail\nxargs -P 8 -I{} bash -c 'set -o pipefail; if d=$(skopeo inspect --raw --tls-verify=false "docker://{}" | sha256sum); then echo "{} $d"; else echo "{} missing"; fi' < ${refsFile}\n`);
    const tagRegex = `^(${all.map((s) => s.tag.replace(/\./g, '\\.')).join('|')})$`;

    const mismatches: string[] = [];
    const checkScan = (label: string) => (out: string) => {
      const mentions = JSON.parse(out).mentions as { text: string; verification: { state: string } | null }[];
      if (mentions.length !== 300) mismatches.push(`${label}: ${mentions.length} mentions, want 300`);
      for (const m of mentions) {
        const want = truth.get(m.text.slice(m.text.lastIndexOf(':') + 1));
        if (m.verification?.state !== want) mismatches.push(`${label}: ${m.text}: ${m.verification?.state}, seeded ${want}`);
      }
    };

    console.log(`\ntimings (whole process, median of ${RUNS}):`);
    const denseOffline = timeIt('scan (offline), dense: 300 refs in 3 files', process.execPath, [cli, 'scan', '--format', 'json'], dense);
    const denseVerify = timeIt('scan --verify, dense', process.execPath, [cli, 'scan', '--verify', '--format', 'json'], dense, checkScan('dense'));
    const sparseOffline = timeIt('scan (offline), sparse: 300 of 1,300 files', process.execPath, [cli, 'scan', '--format', 'json'], sparse);
    const sparseVerify = timeIt('scan --verify, sparse', process.execPath, [cli, 'scan', '--verify', '--format', 'json'], sparse, checkScan('sparse'));
    const verify = timeIt('verify OLD NEW --tags (the same 100 tags)', process.execPath, [cli, 'verify', oldRepo.host + '/sv/old', newRepo.host + '/sv/new', '--tags', tagRegex, '--format', 'json'], work, (out) => {
      const n = (JSON.parse(out) as { summary: { total: number } }).summary.total;
      if (n !== TAGS) mismatches.push(`verify compared ${n} tags, want ${TAGS}`);
    });
    let skopeoMissing = 0;
    const par = timeIt('skopeo inspect --raw | sha256sum, -P 8 (200 refs)', 'bash', [parScript], work, (out) => {
      skopeoMissing = out.split('\n').filter((l) => l.endsWith(' missing')).length;
    });
    const seq = timeIt('skopeo inspect --raw | sha256sum, sequential', 'bash', [seqScript], work);

    console.log(`\nstates: ${mismatches.length === 0 ? 'every one of the 600 verified mentions matches the seeded truth' : 'MISMATCH'}; skopeo saw ${skopeoMissing} missing (truth: 6)`);
    for (const m of mismatches.slice(0, 20)) console.log(`  ${m}`);
    console.log('\nratios:');
    const line = (name: string, r: number) => console.log(`  ${name.padEnd(44)} ${r.toFixed(2)}x`);
    line('scan --verify dense / verify of the same tags', denseVerify / verify);
    line('scan --verify sparse / verify of the same tags', sparseVerify / verify);
    line('sequential skopeo / scan --verify dense', seq / denseVerify);
    line('skopeo -P 8 / scan --verify dense', par / denseVerify);
    line('skopeo -P 8 / scan --verify sparse', par / sparseVerify);
    console.log(`  ${'verification cost, dense (verify - offline)'.padEnd(44)} ${(denseVerify - denseOffline).toFixed(2)} s`);
    console.log(`  ${'verification cost, sparse (verify - offline)'.padEnd(44)} ${(sparseVerify - sparseOffline).toFixed(2)} s`);
    console.log(`  (load average now: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; skopeo -P 8 beats sequential only on an idle machine)`);
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
