/**
 * `npm run bench:verify-scale`: `registry-migrator verify` of one pair with 100,000 tags
 * (BENCH_TAGS) against the floor, a bare undici loop of the same requests at the same
 * concurrency (bench/verifyFloor.js, over request() and over dispatch()), all against one
 * loopback server (bench/tagServer.js, its own process). Alternating runs, medians of
 * BENCH_RUNS (default 3); prints wall time, CPU time and peak RSS of each, the ratios
 * (target <= 1.3x) and verify's peak RSS (target <= 300 MB), and checks verify's summary
 * against the server's truth.
 */
import { spawn, spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const TAGS = Number(process.env.BENCH_TAGS ?? 100000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONC = 16;

interface Run {
  wall: number;
  cpu: number;
  rssMB: number;
  stdout: string;
}

/** Runs under /usr/bin/time for the child's CPU and peak RSS. */
function timed(args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'RM_TIME %U %S %M', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  const m = /RM_TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing from ${args.join(' ')}: ${r.stderr.slice(-500)}`);
  return { wall, cpu: Number(m[1]) + Number(m[2]), rssMB: Number(m[3]) / 1024, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const server = spawn(process.execPath, [path.join(root, 'bench', 'tagServer.js'), String(TAGS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout.on('data', (d: Buffer) => {
        const m = /PORT (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      server.once('exit', (c) => reject(new Error(`tag server exited ${c}`)));
    });
    const host = `127.0.0.1:${port}`;
    const missing = Math.ceil((TAGS - 7) / 100);
    const different = Math.ceil((TAGS - 11) / 200);
    console.log(`tag server on ${host}: bench/old and bench/new with ${TAGS} tags (${missing} missing in new, ${different} different)`);
    const cli = path.join(root, 'dist', 'cli.js');
    const verifyArgs = [cli, 'verify', `${host}/bench/old`, `${host}/bench/new`, '--format', 'json', '--concurrency', String(CONC)];
    const floorArgs = [path.join(root, 'bench', 'verifyFloor.js'), host, String(CONC)];
    const ours: Run[] = [];
    const floor: Run[] = [];
    const lean: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(timed(verifyArgs));
      floor.push(timed(floorArgs));
      lean.push(timed([...floorArgs, 'dispatch']));
    }
    const summary = (JSON.parse(ours[0].stdout) as { summary: { total: number; identical: number; missing: number; different: number } }).summary;
    const ok = summary.total === TAGS && summary.missing === missing && summary.different === different && summary.identical === TAGS - missing - different;
    console.log(`verify's summary: ${JSON.stringify(summary)} ${ok ? '(matches the server)' : '<-- MISMATCH'}`);
    console.log(`floor: ${floor[0].stdout.trim()}`);
    console.log(`load: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores (figures are noisy on a shared machine)`);
    const line = (name: string, rs: Run[]) =>
      console.log(`  ${name.padEnd(36)} median ${median(rs.map((r) => r.wall)).toFixed(2)} s wall [${rs.map((r) => r.wall.toFixed(2)).join(', ')}], ${median(rs.map((r) => r.cpu)).toFixed(2)} s CPU, peak RSS ${Math.max(...rs.map((r) => r.rssMB)).toFixed(0)} MB`);
    line('registry-migrator verify', ours);
    line(`bare undici loop, request() (${CONC} tags at a time)`, floor);
    line('the same loop over dispatch()', lean);
    const wall = (rs: Run[]) => median(rs.map((r) => r.wall));
    const ratio = wall(ours) / wall(floor);
    const rss = Math.max(...ours.map((r) => r.rssMB));
    console.log(`ratio verify / floor: ${ratio.toFixed(2)}x (target <= 1.3x: ${ratio <= 1.3 ? 'met' : 'MISSED'}); verify peak RSS ${rss.toFixed(0)} MB (target <= 300 MB: ${rss <= 300 ? 'met' : 'MISSED'})`);
    // verify sends its HEADs over dispatch(), so the dispatch loop is the stricter peer.
    console.log(`ratio verify / dispatch loop: ${(wall(ours) / wall(lean)).toFixed(2)}x; CPU ${(median(ours.map((r) => r.cpu)) / median(floor.map((r) => r.cpu))).toFixed(2)}x the request() floor, ${(median(ours.map((r) => r.cpu)) / median(lean.map((r) => r.cpu))).toFixed(2)}x the dispatch loop`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    server.kill();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
