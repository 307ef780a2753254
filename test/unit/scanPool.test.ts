import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import type { FileScanResult, ScanJob } from '../../src/scanPool/scanOneFile';
import { type LiveJobs, ScanPool } from '../../src/scanPool/scanPool';

/** The worker pool against this thread on the same files: same results, same order. */
describe('scan pool', function () {
  this.timeout(20000);
  let dir: string;
  let jobs: ScanJob[];
  const { ruleSet } = loadRuleSet();

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-pool-'));
    jobs = [];
    for (let i = 0; i < 300; i++) {
      const rel = i % 3 === 0 ? `d${i}/values.yaml` : i % 3 === 1 ? `d${i}/Dockerfile` : `d${i}/notes.md`;
      const body =
        i % 3 === 0
          ? `a:\n  image:\n    registry: docker.io\n    repository: bitnami/redis\n    tag: "${i}"\nb:\n  image: registry.k8s.io/pause:3.9\n`
          : i % 3 === 1
            ? `FROM ${i % 2 ? 'k8s.gcr.io/pause:3.2' : 'nginx:1.25'}\n`
            : i === 2
              ? 'bin\0ary k8s.gcr.io/x'
              : `Run \`docker pull gcr.io/google_containers/busybox:${i}\`.\n`;
      fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), body);
      jobs.push({ abs: path.join(dir, rel), rel, ruleSet: 0, maxBytes: i === 5 ? 4 : 1 << 20 });
    }
    jobs.push({ abs: path.join(dir, 'missing.yaml'), rel: 'missing.yaml', ruleSet: 0, maxBytes: 1 << 20 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function collect(pool: ScanPool, cancelAfter?: number): Promise<{ results: (FileScanResult | undefined)[]; cancelled: boolean }> {
    const results: (FileScanResult | undefined)[] = new Array(jobs.length);
    let n = 0;
    try {
      const r = await pool.run(jobs, (i, x) => {
        assert.strictEqual(results[i], undefined, `result ${i} delivered twice`);
        results[i] = x;
        n++;
      }, () => cancelAfter !== undefined && n >= cancelAfter);
      return { results, cancelled: r.cancelled };
    } finally {
      await pool.dispose();
    }
  }

  for (const mode of ['records', 'json', 'analysis'] as const) {
    it(`two threads give what this thread gives (${mode})`, async () => {
      const here = await collect(new ScanPool({ ruleSets: [ruleSet], mode, all: false, threads: 0 }));
      const pool = new ScanPool({ ruleSets: [ruleSet], mode, all: false, threads: 2, minFilesForThreads: 1 });
      assert.strictEqual(pool.threads, 2, 'the pool started no threads (is out/src/scanPool/scanWorker.js there?)');
      const threaded = await collect(pool);
      assert.ok(here.results.every((r) => r !== undefined), 'every file has a result');
      // Findings carry rule copies from the workers: compare what the output shows.
      const shown = (rs: (FileScanResult | undefined)[]) => JSON.stringify(rs.map((r) => ({ ...r, analysis: r?.analysis?.findings.map((f) => [f.rule.id, f.message, f.edits]) })));
      assert.strictEqual(shown(threaded.results), shown(here.results));
      const flagged = here.results.filter((r) => r?.records?.length || r?.json?.count || r?.analysis?.findings.length).length;
      assert.strictEqual(flagged, 100 + 50 + 98, 'flagged files');
      assert.strictEqual(here.results[2]?.skipped, 'binary file');
      assert.match(here.results[5]?.skipped ?? '', /larger than/);
      assert.match(here.results[300]?.skipped ?? '', /cannot read: ENOENT/);
    });
  }

  // rareHitsHere: in a sparse tree the workers hand the few files that pass the prefilter
  // back to the pool's thread (each thread's first analyses run on cold code); in a dense
  // one they keep them. Either way the results are this thread's, in order.
  it('rareHitsHere: a sparse tree\'s hits are analyzed here, a dense one\'s in the workers; the same results', async () => {
    const sparse = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-pool-sparse-'));
    try {
      const sparseJobs: ScanJob[] = [];
      for (let i = 0; i < 800; i++) {
        const rel = `p${i % 7}/f${i}.${i % 2 ? 'yaml' : 'md'}`;
        const body = i % 50 === 7 ? (i % 2 ? `image: k8s.gcr.io/pause:3.${i}\n` : `See \`gcr.io/google_containers/busybox:${i}\`.\n`) : `name: svc${i}\nreplicas: ${i % 5}\n`;
        fs.mkdirSync(path.join(sparse, path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(sparse, rel), body);
        sparseJobs.push({ abs: path.join(sparse, rel), rel, ruleSet: 0, maxBytes: 1 << 20 });
      }
      for (const [name, list, handedBack] of [['sparse', sparseJobs, true], ['dense', jobs, false]] as const) {
        for (const mode of ['json', 'analysis'] as const) {
          const run = async (pool: ScanPool) => {
            const out: FileScanResult[] = [];
            await pool.run(list, (i, x) => (out[i] = x));
            await pool.dispose();
            return JSON.stringify(out.map((r) => ({ ...r, analysis: r.analysis?.findings.map((f) => [f.rule.id, f.message, f.edits]) })));
          };
          const here = await run(new ScanPool({ ruleSets: [ruleSet], mode, all: false, threads: 0 }));
          const pool = new ScanPool({ ruleSets: [ruleSet], mode, all: false, threads: 2, minFilesForThreads: 1, rareHitsHere: true });
          assert.strictEqual(await run(pool), here, `${name} ${mode}: the same results`);
          if (handedBack) assert.ok(pool.handedBack >= 8, `${name} ${mode}: ${pool.handedBack} of 16 hits handed back`);
          else assert.strictEqual(pool.handedBack, 0, `${name} ${mode}: a dense tree's hits stay in the workers`);
        }
      }
    } finally {
      fs.rmSync(sparse, { recursive: true, force: true });
    }
  });

  // While the walk goes on, this thread walks: handed-back files wait for the walk's end
  // (analyzing them cold between walk steps kept the workers waiting for paths).
  it('rareHitsHere during a live walk: handed-back files are analyzed after the walk ends, with the same results', async () => {
    const list: ScanJob[] = [];
    const live: LiveJobs = { done: false };
    const out: FileScanResult[] = [];
    let doneAt = -1;
    let firstHandedBackAt = -1;
    let delivered = 0;
    const pool = new ScanPool({ ruleSets: [ruleSet], mode: 'json', all: false, threads: 2, minFilesForThreads: 1, rareHitsHere: true });
    const running = pool.run(list, (i, x) => {
      out[i] = x;
      delivered++;
      if (x.json && firstHandedBackAt === -1 && pool.handedBack > 0) firstHandedBackAt = delivered;
    }, () => false, live);
    // The walk: 600 files, one in 40 a hit, fed in steps with turns of the event loop between.
    const sparseJobs: ScanJob[] = [];
    for (let i = 0; i < 600; i++) {
      const abs = path.join(dir, `live${i}.yaml`);
      fs.writeFileSync(abs, i % 40 === 9 ? `image: k8s.gcr.io/pause:3.${i}\n` : `name: svc${i}\nreplicas: ${i % 5}\n`);
      sparseJobs.push({ abs, rel: `live${i}.yaml`, ruleSet: 0, maxBytes: 1 << 20 });
    }
    for (let k = 0; k < sparseJobs.length; k += 32) {
      list.push(...sparseJobs.slice(k, k + 32));
      live.onMore?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    doneAt = delivered;
    live.done = true;
    live.onMore?.();
    await running;
    await pool.dispose();
    assert.ok(pool.handedBack > 0, 'some hits were handed back');
    assert.ok(firstHandedBackAt > doneAt, `a handed-back file was analyzed (result ${firstHandedBackAt}) before the walk ended (${doneAt} results by then)`);
    const here: FileScanResult[] = [];
    const local = new ScanPool({ ruleSets: [ruleSet], mode: 'json', all: false, threads: 0 });
    await local.run(sparseJobs, (i, x) => (here[i] = x));
    await local.dispose();
    const differ = here.map((h, i) => (JSON.stringify(h) === JSON.stringify(out[i]) ? -1 : i)).filter((i) => i >= 0);
    assert.deepStrictEqual(differ, [], `results differ at ${differ.slice(0, 5).map((i) => `${i}: ${JSON.stringify(out[i])?.slice(0, 80)} vs ${JSON.stringify(here[i])?.slice(0, 80)}`).join('; ')}`);
    assert.strictEqual(out.length, here.length);
  });

  it('rareHitsHere: files handed back before every worker died are still analyzed (no hang)', async () => {
    // A worker that hands back every file of its first batch, then dies on the next one.
    const bad = path.join(dir, 'handBackThenDie.js');
    fs.writeFileSync(
      bad,
      "const fs = require('fs'); let n = 0; const port = require('worker_threads').parentPort;\n" +
        "port.on('message', (b) => { if (n++) throw new Error('boom'); port.postMessage({ id: b.id, results: b.jobs.map((j) => ({ handedBack: { text: fs.readFileSync(j.abs, 'utf8'), bom: false } })) }); });\n",
    );
    const list: ScanJob[] = [];
    const live: LiveJobs = { done: false };
    const out: FileScanResult[] = [];
    const pool = new ScanPool({ ruleSets: [ruleSet], mode: 'json', all: false, threads: 2, minFilesForThreads: 1, rareHitsHere: true, workerFile: bad });
    const running = pool.run(list, (i, x) => (out[i] = x), () => false, live);
    const textJobs = jobs.filter((j) => j.rel.endsWith('values.yaml')).slice(0, 200);
    for (let k = 0; k < textJobs.length; k += 20) {
      list.push(...textJobs.slice(k, k + 20));
      live.onMore?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    live.done = true;
    live.onMore?.();
    await running;
    await pool.dispose();
    assert.ok(pool.handedBack > 0, 'the workers handed files back before dying');
    assert.strictEqual(out.filter((x) => x?.json?.count).length, textJobs.length, 'every file was analyzed, here or after the workers died');
  });

  it('stops soon after cancellation', async () => {
    const r = await collect(new ScanPool({ ruleSets: [ruleSet], mode: 'records', all: false, threads: 2, minFilesForThreads: 1 }), 1);
    assert.strictEqual(r.cancelled, true);
    const done = r.results.filter((x) => x !== undefined).length;
    assert.ok(done < jobs.length, `${done} of ${jobs.length} files were still scanned`);
  });

  it('finishes the work on this thread when a worker dies', async () => {
    const bad = path.join(dir, 'badWorker.js');
    fs.writeFileSync(bad, "require('worker_threads').parentPort.on('message', () => { throw new Error('boom'); });\n");
    const r = await collect(new ScanPool({ ruleSets: [ruleSet], mode: 'records', all: false, threads: 2, minFilesForThreads: 1, workerFile: bad }));
    assert.strictEqual(r.cancelled, false);
    assert.ok(r.results.every((x) => x !== undefined), 'every file has a result');
    assert.strictEqual(r.results.filter((x) => x?.records?.length).length, 248);
  });
});
