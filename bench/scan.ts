/**
 * npm run bench:scan — times `registry-migrator scan` on two generated trees (sparse and
 * dense, see scanTrees.ts) against ripgrep searching all enabled rules' needles in the same
 * tree, in the same run, alternating, medians of BENCH_RUNS; and the core's time to analyze
 * one 10,000-line values.yaml. Prints times, MB/s, ratios and peak RSS; it is a script, not a
 * test. BENCH_TREES=sparse,dense picks the trees. The machine's load is printed with the
 * figures: on a shared machine they are noisy. Each tree is also read by scanFloor.js, a
 * Node program shaped like the scan with no analysis (walk, threads, read, prefilter), so
 * that the figures split into what Node costs above ripgrep and what the scan costs above
 * Node.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeText } from '../src/core/analyze';
import { loadRuleSet } from '../src/core/rules/loadRuleSet';
import { needleRegExp, ruleNeedleList, ruleNeedles } from '../src/core/rules/ruleNeedles';
import { generateDense, generateSparse, type Tree } from './scanTrees';

const ROOT = path.resolve(__dirname, '../..');
// BENCH_CLI: another build's cli.js (e.g. the branch before a change), measured the same way.
const CLI = process.env.BENCH_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const FILES = Number(process.env.BENCH_FILES ?? 20000);
const TARGET_BYTES = Number(process.env.BENCH_BYTES ?? 150 * 1024 * 1024);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TREES = (process.env.BENCH_TREES ?? 'sparse,dense').split(',');

/** Wall time, and the child's CPU time (user + sys, from /usr/bin/time): on a shared machine CPU is the steadier figure. */
function time(cmd: string, args: string[]): { ms: number; cpuMs: number; stdout: string; stderr: string; status: number | null } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'RM_TIME %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const m = /RM_TIME ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { ms, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measureTree(name: string, dir: string, g: Tree, rg: string | undefined): void {
  const mb = g.bytes / 1024 / 1024;
  console.log(`\n${name} tree: ${g.files} files, ${mb.toFixed(0)} MB, ${g.planted} deprecated references planted, in ${dir}`);
  const needles = ruleNeedles(loadRuleSet().ruleSet);
  const rgArgs = ['--no-config', '-F', '-c', ...needles.flatMap((n) => ['-e', n]), dir];
  const ours = ['-r', path.join(ROOT, 'bench', 'reportRss.js'), CLI, 'scan', dir, '--format', 'json'];
  const floor = [path.join(ROOT, 'bench', 'scanFloor.js'), dir, needleRegExp(ruleNeedleList(loadRuleSet().ruleSet))!.source];
  time(process.execPath, ours); // warm the page cache
  if (rg) time(rg, rgArgs);
  const oursMs: number[] = [];
  const rgMs: number[] = [];
  const oursCpu: number[] = [];
  const rgCpu: number[] = [];
  const floorMs: number[] = [];
  const floorCpu: number[] = [];
  let floorHits = 0;
  let rss = 0;
  let found = 0;
  for (let i = 0; i < RUNS; i++) {
    const a = time(process.execPath, ours);
    if (a.status !== 1) throw new Error(`scan exited ${a.status}: ${a.stderr.slice(-2000)}`);
    oursMs.push(a.ms);
    oursCpu.push(a.cpuMs);
    rss = Math.max(rss, Number(/RM_MAX_RSS_KB=(\d+)/.exec(a.stderr)?.[1] ?? 0));
    found = (JSON.parse(a.stdout) as { mentions: unknown[] }).mentions.length;
    if (rg) {
      const b = time(rg, rgArgs);
      rgMs.push(b.ms);
      rgCpu.push(b.cpuMs);
    }
    const f = time(process.execPath, floor);
    if (f.status !== 0) throw new Error(`scanFloor exited ${f.status}: ${f.stderr.slice(-2000)}`);
    floorMs.push(f.ms);
    floorCpu.push(f.cpuMs);
    floorHits = Number(f.stdout.trim());
  }
  const o = median(oursMs);
  console.log(`  load: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (1/5/15 min) on ${os.availableParallelism()} cores`);
  console.log(`  registry-migrator scan: median ${o.toFixed(0)} ms (${(mb / (o / 1000)).toFixed(0)} MB/s) over ${RUNS} runs [${oursMs.map((x) => x.toFixed(0)).join(', ')}], CPU ${median(oursCpu).toFixed(0)} ms, peak RSS ${(rss / 1024).toFixed(0)} MB (target <= 200 MB)`);
  console.log(`  found ${found} deprecated references; ${g.planted} were planted${found === g.planted ? '' : '  <-- MISMATCH'}`);
  if (rg) {
    const r = median(rgMs);
    console.log(`  ripgrep (-F, ${needles.length} rule needles): median ${r.toFixed(0)} ms (${(mb / (r / 1000)).toFixed(0)} MB/s) [${rgMs.map((x) => x.toFixed(0)).join(', ')}], CPU ${median(rgCpu).toFixed(0)} ms`);
    console.log(`  ratio scan / ripgrep: ${(o / r).toFixed(2)}x wall   (target <= ${name === 'dense' ? 3 : 2}x); ${(median(oursCpu) / median(rgCpu)).toFixed(2)}x CPU`);
    const fl = median(floorMs);
    console.log(`  Node floor (scanFloor.js: walk, ${os.availableParallelism()} threads, read, prefilter; no analysis; ${floorHits} files pass): median ${fl.toFixed(0)} ms [${floorMs.map((x) => x.toFixed(0)).join(', ')}], CPU ${median(floorCpu).toFixed(0)} ms`);
    console.log(`  floor / ripgrep: ${(fl / r).toFixed(2)}x wall, ${(median(floorCpu) / median(rgCpu)).toFixed(2)}x CPU;  scan / floor: ${(o / fl).toFixed(2)}x wall, ${(median(oursCpu) / median(floorCpu)).toFixed(2)}x CPU`);
  } else {
    console.log('  ripgrep is not installed (apt-get install ripgrep): no ratio');
  }
}

function main(): void {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.js`');
  const rg = spawnSync('rg', ['--version']).status === 0 ? 'rg' : undefined;
  // A fresh folder per run: other benches on a shared machine must not scan our tree.
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-bench-scan-'));
  try {
    if (TREES.includes('sparse')) {
      const dir = path.join(base, 'sparse');
      measureTree('sparse', dir, generateSparse(dir, FILES, TARGET_BYTES), rg);
    }
    if (TREES.includes('dense')) {
      const dir = path.join(base, 'dense');
      measureTree('dense', dir, generateDense(dir, FILES), rg);
    }
  } finally {
    if (!process.env.BENCH_KEEP) fs.rmSync(base, { recursive: true, force: true });
  }

  // The core alone: one 10,000-line values.yaml.
  let values = '';
  for (let i = 0; values.split('\n').length < 10000; i++) {
    values += `svc${i}:\n  image:\n    registry: docker.io\n    repository: acme/svc${i}\n    tag: "1.${i}"\n  resources: {}\n`;
    if (i % 97 === 0) values += `legacy${i}:\n  image: k8s.gcr.io/pause:3.${i % 10}\n`;
  }
  const { ruleSet } = loadRuleSet();
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 30; i++) {
    const t = process.hrtime.bigint();
    n = analyzeText(values, 'chart/values.yaml', ruleSet).findings.length;
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`core: analyzeText on a ${values.split('\n').length}-line values.yaml: median ${median(times.slice(5)).toFixed(1)} ms (${n} findings; target <= 20 ms)`);
}

main();
