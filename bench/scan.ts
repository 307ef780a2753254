/**
 * npm run bench:scan — times `registry-migrator scan` on a generated tree against ripgrep
 * searching the same rule needles in the same tree, in the same run, and the core's time
 * to analyze one 10,000-line values.yaml. Prints ratios; it is a script, not a test.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeText } from '../src/core/analyze';
import { loadRuleSet } from '../src/core/rules/loadRuleSet';
import { ruleNeedles } from '../src/core/rules/matchRule';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FILES = Number(process.env.BENCH_FILES ?? 20000);
const TARGET_BYTES = Number(process.env.BENCH_BYTES ?? 150 * 1024 * 1024);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// mulberry32: the low bits of a plain LCG are not random enough for "1 in 100".
let seed = 12345;
function rnd(n: number): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
}

const deprecated = [
  'k8s.gcr.io/pause:3.2',
  'gcr.io/spark-operator/spark-operator:v1beta2-1.3.8-3.1.1',
  'bitnami/redis:7.2',
  'gcr.io/google_containers/busybox:1.27',
  'ghcr.io/googlecloudplatform/spark-operator:v1beta2-1.3.8-3.1.1',
];
const current = ['registry.k8s.io/pause:3.9', 'nginx:1.25', 'ghcr.io/acme/api:1.4.0', 'quay.io/prometheus/node-exporter:v1.7.0', 'postgres:16'];

type Kind = { ext: string; line: (i: number) => string; ref: (r: string) => string };
const kinds: Kind[] = [
  { ext: 'yaml', line: (i) => `      - name: c${i}\n        image: ${current[i % current.length]}\n        args: ["--port=${8000 + i}", "--verbose"]\n`, ref: (r) => `        image: ${r}\n` },
  { ext: 'values.yaml', line: (i) => `key${i}:\n  enabled: true\n  replicas: ${i % 5}\n  image:\n    repository: acme/svc${i}\n    tag: "1.${i}"\n`, ref: (r) => `legacy:\n  image: "${r}"\n` },
  { ext: 'Dockerfile', line: (i) => `RUN apt-get update && apt-get install -y pkg${i} && rm -rf /var/lib/apt/lists/*\n`, ref: (r) => `FROM ${r} AS legacy\n` },
  { ext: 'md', line: (i) => `Paragraph ${i} explains how the controller reconciles resources and why it matters for https://example.com/docs/${i}.\n`, ref: (r) => `Run \`docker pull ${r}\` first.\n` },
  { ext: 'sh', line: (i) => `echo "step ${i}" && kubectl apply -f manifests/part-${i}.yaml --namespace ns${i % 7}\n`, ref: (r) => `docker pull ${r}\n` },
  { ext: 'json', line: (i) => `  "key${i}": { "value": ${i}, "name": "item-${i}", "image": "${current[i % current.length]}" },\n`, ref: (r) => `  "legacyImage": { "image": "${r}" },\n` },
  { ext: 'go', line: (i) => `func f${i}(x int) int { return x * ${i} } // github.com/acme/pkg${i}\n`, ref: () => '' },
  { ext: 'ts', line: (i) => `export const value${i} = compute(${i}, "label-${i}");\n`, ref: () => '' },
];

function fileName(k: Kind, i: number): string {
  if (k.ext === 'Dockerfile') return `Dockerfile.svc${i}`;
  if (k.ext === 'values.yaml') return `values-${i}.yaml`;
  return `file${i}.${k.ext}`;
}

function generate(dir: string): { files: number; bytes: number; withDeprecated: number } {
  fs.rmSync(dir, { recursive: true, force: true });
  const avg = TARGET_BYTES / FILES;
  let bytes = 0;
  let withDeprecated = 0;
  for (let i = 0; i < FILES; i++) {
    const k = kinds[i % kinds.length];
    const sub = path.join(dir, `pkg${i % 200}`, `mod${i % 13}`);
    fs.mkdirSync(sub, { recursive: true });
    const size = avg * (0.5 + rnd(1000) / 1000);
    let body = k.ext === 'json' ? '{\n' : '';
    let j = 0;
    while (body.length < size) body += k.line(j++);
    if (rnd(100) === 0 && k.ref('x')) {
      const at = body.lastIndexOf('\n', Math.floor(body.length / 2)) + 1;
      body = body.slice(0, at) + k.ref(deprecated[rnd(deprecated.length)]) + body.slice(at);
      withDeprecated++;
    }
    if (k.ext === 'json') body += '  "end": true\n}\n';
    fs.writeFileSync(path.join(sub, fileName(k, i)), body);
    bytes += body.length;
  }
  return { files: FILES, bytes, withDeprecated };
}

function time(cmd: string, args: string[]): { ms: number; stdout: string; stderr: string; status: number | null } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.js`');
  const rg = spawnSync('rg', ['--version']).status === 0 ? 'rg' : undefined;
  const dir = path.join(os.tmpdir(), 'rm-bench-scan');
  const g = generate(dir);
  console.log(`tree: ${g.files} files, ${(g.bytes / 1024 / 1024).toFixed(0)} MB, ${g.withDeprecated} with a deprecated reference, in ${dir}`);

  const needles = ruleNeedles(loadRuleSet().ruleSet);
  const rgArgs = ['--no-config', '-F', '-c', ...needles.flatMap((n) => ['-e', n]), dir];
  const ours = ['-r', path.join(ROOT, 'bench', 'reportRss.js'), CLI, 'scan', dir, '--format', 'json'];
  time(process.execPath, ours); // warm the page cache
  if (rg) time(rg, rgArgs);
  const oursMs: number[] = [];
  const rgMs: number[] = [];
  let rss = 0;
  let found = 0;
  for (let i = 0; i < RUNS; i++) {
    const a = time(process.execPath, ours);
    if (a.status !== 1) throw new Error(`scan exited ${a.status}: ${a.stderr}`);
    oursMs.push(a.ms);
    rss = Math.max(rss, Number(/RM_MAX_RSS_KB=(\d+)/.exec(a.stderr)?.[1] ?? 0));
    found = JSON.parse(a.stdout).mentions.length;
    if (rg) rgMs.push(time(rg, rgArgs).ms);
  }
  console.log(`registry-migrator scan: median ${median(oursMs).toFixed(0)} ms over ${RUNS} runs, peak RSS ${(rss / 1024).toFixed(0)} MB`);
  console.log(`  found ${found} deprecated references; ${g.withDeprecated} were planted${found === g.withDeprecated ? '' : '  <-- MISMATCH'}`);
  if (rg) {
    console.log(`ripgrep (-F, ${needles.length} rule needles): median ${median(rgMs).toFixed(0)} ms`);
    console.log(`ratio scan / ripgrep: ${(median(oursMs) / median(rgMs)).toFixed(2)}x   (target <= 3x)`);
  } else {
    console.log('ripgrep is not installed (apt-get install ripgrep): no ratio');
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
