import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { RuleSet } from '../core/rules/migrationRule';
import { analysisFailed, analyzeFile, type DecodedText, type FileScanResult, prepareRuleSet, type PreparedRuleSet, type ScanJob, scanOneFile, type ScanSettings } from './scanOneFile';
import type { BatchMessage, ResultMessage, WorkerInit } from './scanWorker';

export interface ScanPoolOptions extends ScanSettings {
  ruleSets: RuleSet[];
  /** Worker threads; default os.availableParallelism(). 0 analyzes on this thread. */
  threads?: number;
  /** Where scanWorker.js is; default next to this module (dist/ when bundled). */
  workerFile?: string;
  /** Runs with fewer files stay on this thread (default 256: threads cost ~30 ms to start). */
  minFilesForThreads?: number;
  /**
   * Analyze on this thread the files that pass the prefilter while they are rare (at most
   * one in 16 of a worker's files). Why: V8 warms the finders up on the first files each
   * thread analyzes, ~100 ms of interpreted code per thread, and in a sparse tree (a few
   * hundred hits in 20,000 files) that was a third of the scan (bench:scan: 717 ms, and
   * 494 ms with the 139 hit files removed); this thread is idle once the walk is done.
   * They wait for the walk's end, so as not to delay the paths the workers wait for
   * (bench:scan's sparse tree: 631 against 621 ms deferred, medians of 21 alternating runs).
   * For the CLI; not for an extension host, whose thread must stay free.
   */
  rareHitsHere?: boolean;
}

/**
 * A worker's young generation. V8 grows it to ~48 MB per thread under a scan's allocation
 * rate; nearly all of it is garbage of one file. Capped, a dense 20,000-file scan peaks at
 * ~200 MB instead of ~270 MB. Smaller costs CPU: at 4 MB a file's tree outlives scavenges
 * and is promoted, and GC took 1.8-2.7 s per worker against 1.1-1.3 s at 8 MB (CPU profiles
 * of bench:scan's dense tree, same load).
 */
const WORKER_YOUNG_GENERATION_MB = 6;

/** Files per message: enough to amortize a postMessage, few enough to balance the load. */
const BATCH = 32;
/** Batches queued per worker, so a worker never waits for the main thread. */
const IN_FLIGHT = 2;

/**
 * A job list still growing (the walk is going on): the caller pushes onto the array it gave
 * `run`, calls `onMore` (set by the pool) after pushing, and sets `done` at the end.
 */
export interface LiveJobs {
  done: boolean;
  onMore?: () => void;
}

/** What `run` reports for each file, by its index in the job list. */
export type ResultSink = (index: number, result: FileScanResult) => void;

/**
 * Reads and analyzes files on worker threads, one per core: the caller walks and feeds
 * paths, the workers return compact results (records, or text and analysis only for files
 * with findings), which `run` hands back by job index so that output order never depends
 * on thread timing. Used by the CLI's scan and fix and by the extension's background scan.
 * Falls back to this thread when threads are not worth it or the worker file is missing
 * (a test run from out/ without a bundle) or a worker dies.
 */
export class ScanPool {
  private readonly workers: Worker[] = [];
  private readonly settings: ScanSettings;
  private readonly ruleSets: RuleSet[];
  private local: PreparedRuleSet[] | undefined;
  private disposed = false;
  /** Workers that failed; their work goes to this thread. */
  private readonly dead = new Set<Worker>();
  private readonly minFiles: number;
  /** Files the workers handed back (rareHitsHere) and this thread analyzed. */
  handedBack = 0;

  constructor(options: ScanPoolOptions) {
    this.settings = { mode: options.mode, all: options.all };
    this.ruleSets = options.ruleSets;
    this.minFiles = options.minFilesForThreads ?? 256;
    const threads = options.threads ?? defaultThreads();
    const file = options.workerFile ?? path.join(__dirname, 'scanWorker.js');
    if (threads >= 1 && fs.existsSync(file)) {
      const init: WorkerInit = { ruleSets: this.ruleSets, settings: this.settings, handBack: options.rareHitsHere === true };
      for (let i = 0; i < threads; i++) {
        const w = new Worker(file, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
        // An idle pool must not keep the CLI's process alive.
        w.unref();
        // Always listened to: an unhandled 'error' event would take the process (or the
        // extension host) down with it.
        w.on('error', () => this.dead.add(w));
        w.on('exit', () => this.dead.add(w));
        this.workers.push(w);
      }
    }
  }

  /** Worker threads in use (0 when analyzing on this thread). */
  get threads(): number {
    return this.workers.length;
  }

  /**
   * Scans `jobs`, calling `sink` once per file (in any order; the index says which).
   * Resolves when all are done, or soon after `cancelled()` turns true.
   */
  async run(jobs: readonly ScanJob[], sink: ResultSink, cancelled: () => boolean = () => false, live: LiveJobs = { done: true }): Promise<{ cancelled: boolean }> {
    const more = () => new Promise<void>((r) => (live.onMore = () => r()));
    // A small tree stays on this thread: wait until the walk has shown which it is.
    while (!live.done && jobs.length < this.minFiles && !cancelled()) await more();
    if (this.workers.length === 0 || jobs.length < this.minFiles) return this.runHereLive(jobs, 0, sink, cancelled, live, more);
    let next = 0;
    let batchId = 0;
    const pending = new Map<number, { start: number; end: number; worker: Worker }>();
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (value: { cancelled: boolean } | Error) => {
        if (settled) return;
        settled = true;
        for (const [w, h] of handlers) {
          w.off('message', h.message);
          w.off('error', h.error);
          w.off('exit', h.error);
          w.unref();
        }
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      /** The run is over once nothing is out (batches, this thread's share, handed-back files) and nothing is left. */
      const finishIfDone = () => {
        if (pending.size === 0 && local === 0 && backlog.idle() && (cancelled() || (live.done && next >= jobs.length))) finish({ cancelled: cancelled() });
      };
      const feed = (w: Worker) => {
        if (dead.has(w)) return;
        if (cancelled()) return finishIfDone();
        if (next >= jobs.length) {
          if (!live.done) idle.add(w);
          else finishIfDone();
          return;
        }
        const start = next;
        const end = Math.min(jobs.length, start + BATCH);
        next = end;
        const id = batchId++;
        pending.set(id, { start, end, worker: w });
        w.postMessage({ id, jobs: jobs.slice(start, end) } satisfies BatchMessage);
      };
      const dead = this.dead;
      /** Workers waiting for the walk to find more files. */
      const idle = new Set<Worker>();
      live.onMore = () => {
        for (const w of [...idle]) {
          idle.delete(w);
          feed(w);
        }
        if (live.done) backlog.start();
      };
      /** Runs on this thread in progress, for dead workers' batches. */
      let local = 0;
      const handlers = new Map<Worker, { message: (m: ResultMessage) => void; error: () => void }>();
      const onMessage = (w: Worker, msg: ResultMessage) => {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        try {
          msg.results.forEach((r, i) => (r.handedBack ? backlog.add(p.start + i, r.handedBack) : sink(p.start + i, r)));
        } catch (e) {
          finish(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        feed(w);
      };
      // Files handed back (rareHitsHere), analyzed here once the walk is done, a few
      // milliseconds at a time between the workers' messages, so that feeding them comes first.
      const backlog = new Backlog((i, read) => sink(i, this.analyzeHere(jobs[i], read)), () => settled || cancelled(), (e) => (e ? finish(e) : finishIfDone()), live.done);
      // A worker that dies (out of memory, a bug) leaves its batches to this thread.
      const onError = (w: Worker) => {
        dead.add(w);
        const orphans = [...pending].filter(([, p]) => p.worker === w);
        for (const [id] of orphans) pending.delete(id);
        // The rest of the jobs, once every worker is dead; `next` is Infinity once this thread
        // took them over (a worker's 'exit' after its 'error' must not start a second runner:
        // both would wait on live.onMore, which wakes one).
        const rest = dead.size === this.workers.length && next !== Infinity && (next < jobs.length || !live.done) ? { start: next } : undefined;
        if (rest) next = Infinity;
        // 'error' and then 'exit' both land here; the second finds nothing left to do.
        if (orphans.length === 0 && !rest) return;
        local++;
        void (async () => {
          for (const [, p] of orphans) await this.runHere(jobs, p.start, p.end, sink, cancelled);
          if (rest) await this.runHereLive(jobs, rest.start, sink, cancelled, live, more);
        })()
          .then(() => {
            local--;
            // runHereLive took live.onMore over, so the walk's end did not reach the backlog.
            if (live.done) backlog.start();
            finishIfDone();
          })
          .catch((e: unknown) => finish(e instanceof Error ? e : new Error(String(e))));
      };
      for (const w of this.workers) {
        const h = { message: (m: ResultMessage) => onMessage(w, m), error: () => onError(w) };
        handlers.set(w, h);
        w.ref();
        w.on('message', h.message);
        w.on('error', h.error);
        w.on('exit', h.error);
      }
      for (let k = 0; k < IN_FLIGHT; k++) for (const w of this.workers) feed(w);
      if (dead.size === this.workers.length) {
        // Every worker failed before this run: all of it goes to this thread.
        const start = next;
        next = Infinity;
        this.runHereLive(jobs, start, sink, cancelled, live, more).then(finish, (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))));
      } else if (pending.size === 0) finish({ cancelled: cancelled() });
    });
  }

  /** runHere from `start` to the end of a job list that may still be growing. */
  private async runHereLive(jobs: readonly ScanJob[], start: number, sink: ResultSink, cancelled: () => boolean, live: LiveJobs, more: () => Promise<void>): Promise<{ cancelled: boolean }> {
    let i = start;
    for (;;) {
      const end = jobs.length;
      const r = await this.runHere(jobs, i, end, sink, cancelled);
      if (r.cancelled) return r;
      i = end;
      if (live.done && i >= jobs.length) return { cancelled: false };
      if (i >= jobs.length) await more();
    }
  }

  /**
   * The same work on this thread, yielding to the event loop every 15 ms, so that an
   * extension host stays responsive (typing, hovers) while it scans a small workspace.
   */
  private async runHere(jobs: readonly ScanJob[], start: number, end: number, sink: ResultSink, cancelled: () => boolean): Promise<{ cancelled: boolean }> {
    this.local ??= this.ruleSets.map(prepareRuleSet);
    let slice = performance.now();
    for (let i = start; i < end; i++) {
      if (cancelled()) return { cancelled: true };
      let r: FileScanResult;
      try {
        r = scanOneFile(jobs[i], this.local[jobs[i].ruleSet], this.settings);
      } catch (e) {
        r = analysisFailed(e);
      }
      sink(i, r);
      if (performance.now() - slice > 15) {
        await new Promise((r) => setImmediate(r));
        slice = performance.now();
      }
    }
    return { cancelled: false };
  }

  /** A file a worker handed back (rareHitsHere), analyzed on this thread. */
  private analyzeHere(job: ScanJob, read: DecodedText): FileScanResult {
    this.handedBack++;
    this.local ??= this.ruleSets.map(prepareRuleSet);
    try {
      return analyzeFile(job, read.text, read.bom, this.local[job.ruleSet], this.settings);
    } catch (e) {
      return analysisFailed(e);
    }
  }

  /** Stops the threads; a pool is single-use after this. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Handed-back files waiting for this thread (ScanPool.run): from start() (the walk's end)
 * on, analyzed in slices of ~3 ms, each in its own turn of the event loop, so that the
 * workers' messages get through between slices; a worker must not wait for a batch.
 */
class Backlog {
  private readonly queue: { index: number; read: DecodedText }[] = [];
  private head = 0;
  private scheduled = false;

  constructor(
    private readonly analyze: (index: number, read: DecodedText) => void,
    /** True once the run is cancelled or over: what is left is not analyzed. */
    private readonly stop: () => boolean,
    /** After a slice that emptied the queue (or failed): the run may be over. */
    private readonly drained: (e?: Error) => void,
    /** False while the walk goes on: until start(), files only queue up. */
    private started: boolean,
  ) {}

  add(index: number, read: DecodedText): void {
    this.queue.push({ index, read });
    this.schedule();
  }

  /** The walk is done: this thread is free for the queue. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || !this.started || this.head >= this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  /** Nothing waiting (or the run is over: what waits will not be analyzed) or scheduled. */
  idle(): boolean {
    return !this.scheduled && (this.head >= this.queue.length || this.stop());
  }

  private slice(): void {
    const until = performance.now() + 3;
    try {
      while (this.head < this.queue.length && !this.stop()) {
        const { index, read } = this.queue[this.head];
        this.queue[this.head++] = undefined as never;
        this.analyze(index, read);
        if (performance.now() > until) break;
      }
    } catch (e) {
      this.scheduled = false;
      this.drained(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (this.head < this.queue.length && !this.stop()) {
      setImmediate(() => this.slice());
      return;
    }
    this.queue.length = this.head = 0;
    this.scheduled = false;
    this.drained();
  }
}

/**
 * One thread per core the process may use; RM_SCAN_THREADS overrides it (benchmarks,
 * tests, and users who want a scan to leave cores free).
 */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.RM_SCAN_THREADS);
  if (Number.isInteger(n) && n >= 0) return n;
  return os.availableParallelism();
}
