import type { FileAnalysis } from '../core/analyze';
import type { MentionRecord } from '../core/report/mentionRecords';
import type { RuleSet } from '../core/rules/migrationRule';
import type { RecordsJson, ScanJob, ScanMode, SkipKind } from '../scanPool/scanOneFile';
import { type LiveJobs, ScanPool } from '../scanPool/scanPool';
import type { WalkedFile } from './walkFiles';

export interface ScannedFile {
  file: WalkedFile;
  /** The text without its byte-order mark; spans refer to it. */
  text: string;
  bom: boolean;
  analysis: FileAnalysis;
}

export type { SkipKind } from '../scanPool/scanOneFile';

export interface SkippedFile {
  file: string;
  reason: string;
  kind: SkipKind;
}

export interface ScanOptions {
  /** Analyze every file, not only those that may hold a deprecated reference. */
  all: boolean;
  maxBytes: number;
  /** `records` for `scan` (only records come back), `analysis` for `fix` (texts too). */
  mode: ScanMode;
  /** Worker threads (default: one per core; RM_SCAN_THREADS overrides). */
  threads?: number;
  /**
   * `records` mode: called with each file's records in walk order as soon as all files
   * before it are done, instead of collecting them in `records` (which stays empty).
   */
  onRecords?: (records: MentionRecord[]) => void;
  /** `json` mode: called with each file's serialized records in walk order. */
  onJson?: (json: RecordsJson) => void;
}

export interface ScanOutcome {
  /** `analysis` mode: the files with findings (with `all`, with mentions), in walk order. */
  scanned: ScannedFile[];
  /** `records` mode: every record, in walk order. */
  records: MentionRecord[];
  skipped: SkippedFile[];
}

/**
 * Reads and analyzes files on a pool of worker threads (see ScanPool), then puts the
 * results back in walk order, so text, JSON and SARIF output never depend on timing.
 * `pool` lets the caller start the threads before walking, so their start-up overlaps it.
 */
export async function scanFiles(files: readonly WalkedFile[], ruleSet: RuleSet, options: ScanOptions, pool?: ScanPool, live?: LiveJobs): Promise<ScanOutcome> {
  const own = pool ?? new ScanPool({ ruleSets: [ruleSet], mode: options.mode, all: options.all, threads: options.threads });
  const jobs: ScanJob[] = [];
  const sync = () => {
    for (let i = jobs.length; i < files.length; i++) jobs.push({ abs: files[i].abs, rel: files[i].rel, ruleSet: 0, maxBytes: options.maxBytes });
  };
  sync();
  // A walk still going on: its files become jobs as they come (see ScanPool.run).
  const liveJobs: LiveJobs | undefined = live && { done: false };
  if (live && liveJobs) {
    live.onMore = () => {
      sync();
      liveJobs.done = live.done;
      liveJobs.onMore?.();
    };
    if (live.done) liveJobs.done = true;
  }
  type Slot = ScannedFile | MentionRecord[] | { json: RecordsJson } | SkippedFile | null;
  const byIndex: (Slot | undefined)[] = [];
  const out: ScanOutcome = { scanned: [], records: [], skipped: [] };
  const take = (x: Slot) => {
    if (x === null) return;
    if (Array.isArray(x)) {
      if (options.onRecords) options.onRecords(x);
      else for (const r of x) out.records.push(r);
    } else if ('json' in x) options.onJson?.(x.json);
    else if ('reason' in x) out.skipped.push(x);
    else out.scanned.push(x);
  };
  // Results arrive in any order; each is taken once every file before it is in.
  let taken = 0;
  try {
    await own.run(jobs, (i, r) => {
      if (r.skipped) byIndex[i] = { file: files[i].rel, reason: r.skipped, kind: r.skipKind ?? 'unreadable' };
      else if (r.records) byIndex[i] = r.records;
      else if (r.json) byIndex[i] = { json: r.json };
      else if (r.analysis && r.text !== undefined) byIndex[i] = { file: files[i], text: r.text, bom: r.bom ?? false, analysis: relink(r.analysis, ruleSet) };
      else byIndex[i] = null;
      while (byIndex[taken] !== undefined) {
        take(byIndex[taken]!);
        byIndex[taken++] = null;
      }
    }, undefined, liveJobs);
  } finally {
    if (!pool) await own.dispose();
  }
  return out;
}

/** A finding from a worker carries a copy of its rule: point it back at ours. */
function relink(analysis: FileAnalysis, ruleSet: RuleSet): FileAnalysis {
  const byId = new Map(ruleSet.rules.map((r) => [r.id, r]));
  for (const f of analysis.findings) {
    f.rule = byId.get(f.rule.id) ?? f.rule;
    f.chain = f.chain.map((r) => byId.get(r.id) ?? r);
  }
  return analysis;
}

/** True when the bytes survive a UTF-8 round trip, so rewriting the text cannot corrupt them. */
export function isUtf8RoundTrip(buf: Buffer, text: string, bom: boolean): boolean {
  return Buffer.from(bom ? '\ufeff' + text : text, 'utf8').equals(buf);
}
