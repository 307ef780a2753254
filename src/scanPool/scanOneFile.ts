import * as fs from 'fs';
import { analyzeText, type FileAnalysis } from '../core/analyze';
import { arrayItemsText } from '../core/report/jsonItems';
import { type MentionRecord, mentionRecords } from '../core/report/mentionRecords';
import type { RuleSet } from '../core/rules/migrationRule';
import { needleRegExp, ruleNeedleList } from '../core/rules/ruleNeedles';

/**
 * What a scan wants back from a file:
 *   - `records`: the CLI's `scan`: mention records with lines and columns (small);
 *   - `json`: `scan --format json`: the same records, already serialized (one string per
 *     file crosses to the main thread instead of an object graph), with their counts;
 *   - `analysis`: `fix` and the editor: the text and the analysis, for files with findings
 *     (or, with `all`, with mentions) only.
 */
export type ScanMode = 'records' | 'json' | 'analysis';

export interface ScanJob {
  abs: string;
  /** Relative path: names the file in output and picks its format. */
  rel: string;
  /** Index into the pool's rule sets. */
  ruleSet: number;
  maxBytes: number;
}

/** Why a file was not read: the summary counts them by this. */
export type SkipKind = 'binary' | 'too-large' | 'not-text' | 'ignored' | 'unreadable';

export interface FileScanResult {
  /** Set when the file was not analyzed: too large, binary, unreadable. */
  skipped?: string;
  skipKind?: SkipKind;
  /** `records` mode; absent when the file has none. */
  records?: MentionRecord[];
  /** `json` mode; absent when the file has no records. */
  json?: RecordsJson;
  /**
   * Passed the prefilter but left for the pool's own thread to analyze (scanOneFile's
   * `handBack`): the decoded text, without its byte-order mark.
   */
  handedBack?: DecodedText;
  /** `analysis` mode, for a file with something to report. */
  text?: string;
  bom?: boolean;
  analysis?: FileAnalysis;
}

/** A file's text, decoded, without its byte-order mark (and whether it had one). */
export interface DecodedText {
  text: string;
  bom: boolean;
}

/** A file's records as `scan --format json` items (arrayItemsText), and what the summary counts. */
export interface RecordsJson {
  text: string;
  count: number;
  deprecated: number;
}

export interface ScanSettings {
  mode: ScanMode;
  /** Analyze every file, and report every mention, not only deprecated ones. */
  all: boolean;
}

/** A rule set with its prefilter, compiled once per worker. */
export interface PreparedRuleSet {
  ruleSet: RuleSet;
  needles: RegExp | undefined;
}

export function prepareRuleSet(ruleSet: RuleSet): PreparedRuleSet {
  return { ruleSet, needles: needleRegExp(ruleNeedleList(ruleSet)) };
}

/**
 * Reads, prefilters and analyzes one file. Without `all`, a file none of the rules'
 * needles occur in is not decoded or parsed at all: that is what keeps a scan of a large
 * repository within a small factor of ripgrep. `handBack`, asked once a file has passed
 * the prefilter, may say to return its text for another thread to analyze (ScanPool's
 * `rareHitsHere`). Never throws for a file's content or I/O.
 */
export function scanOneFile(job: ScanJob, prepared: PreparedRuleSet, settings: ScanSettings, handBack?: () => boolean): FileScanResult {
  let buf: Buffer;
  try {
    // open + read into a reused buffer + close: no fstat (whose Stats object, dates and all,
    // and a fresh Buffer per file were 5 % of a sparse scan), and never more than the limit.
    const fd = fs.openSync(job.abs, 'r');
    try {
      buf = readUpTo(fd, job.maxBytes + 1);
    } finally {
      fs.closeSync(fd);
    }
    if (buf.length > job.maxBytes) return { skipped: `larger than ${Math.round(job.maxBytes / 1024)} KB`, skipKind: 'too-large' };
  } catch (e) {
    return { skipped: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, skipKind: 'unreadable' };
  }
  // UTF-16 and UTF-32 text has NULs but is not binary; spans and rewrites assume UTF-8.
  const encoding = utf16Bom(buf);
  if (encoding) return { skipped: `not UTF-8 text (${encoding}); save it as UTF-8 to scan it`, skipKind: 'not-text' };
  if (buf.subarray(0, 8000).indexOf(0) !== -1) return { skipped: 'binary file', skipKind: 'binary' };
  // One regex pass over a latin1 view (no UTF-8 decoding) beats one Buffer.indexOf per
  // needle: 124 ms against 564 ms for 18 needles over 150 MB (bench:scan tree).
  if (!settings.all && (prepared.needles === undefined || !prepared.needles.test(buf.toString('latin1')))) return {};
  let text = buf.toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  if (handBack?.()) return { handedBack: { text, bom } };
  return analyzeFile(job, text, bom, prepared, settings);
}

/** A file whose analysis threw: the core promises not to throw on user text; if it does, that one file is skipped. */
export function analysisFailed(e: unknown): FileScanResult {
  return { skipped: `analysis failed: ${e instanceof Error ? e.message : String(e)}` };
}

/** The analysis half of scanOneFile: `text` is the file's, without its byte-order mark. */
export function analyzeFile(job: ScanJob, text: string, bom: boolean, prepared: PreparedRuleSet, settings: ScanSettings): FileScanResult {
  const analysis = analyzeText(text, job.rel, prepared.ruleSet, { maxBytes: job.maxBytes });
  if (analysis.skippedFile) return { skipped: analysis.skippedFile, skipKind: analysis.skippedFile.startsWith('binary') ? 'binary' : 'too-large' };
  if (settings.mode === 'records' || settings.mode === 'json') {
    const records = mentionRecords(job.rel, text, analysis, settings.all, undefined, false);
    if (records.length === 0) return {};
    if (settings.mode === 'records') return { records };
    let deprecated = 0;
    for (const r of records) if (r.deprecated) deprecated++;
    return { json: { text: arrayItemsText(records), count: records.length, deprecated } };
  }
  if (analysis.findings.length === 0 && !analysis.notes?.length && !(settings.all && analysis.mentions.length)) return {};
  return { text, bom, analysis };
}

/** One per thread, grown as needed: what readUpTo returns is a view of it, valid until the next call. */
let shared = Buffer.allocUnsafe(64 * 1024);

/** Up to `limit` bytes of the file, read to its end (a file that shrank or grew meanwhile yields what is there). */
export function readUpTo(fd: number, limit: number): Buffer {
  let off = 0;
  for (;;) {
    if (off === shared.length) {
      if (off >= limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(limit, shared.length * 2));
      shared.copy(bigger, 0, 0, off);
      shared = bigger;
    }
    const n = fs.readSync(fd, shared, off, Math.min(shared.length, limit) - off, null);
    if (n === 0) break;
    off += n;
    if (off >= limit) break;
  }
  return shared.subarray(0, off);
}

function utf16Bom(buf: Buffer): string | undefined {
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xfe && buf[2] === 0 && buf[3] === 0) return 'UTF-32LE';
  if (buf.length >= 4 && buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff) return 'UTF-32BE';
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return 'UTF-16LE';
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return 'UTF-16BE';
  // No byte-order mark, but every other byte NUL in ASCII text: UTF-16 without a BOM.
  const n = Math.min(buf.length, 512) & ~1;
  if (n >= 16) {
    let even = 0;
    let odd = 0;
    for (let i = 0; i < n; i += 2) {
      if (buf[i] === 0) even++;
      if (buf[i + 1] === 0) odd++;
    }
    if (odd > n * 0.4 && even === 0) return 'UTF-16LE';
    if (even > n * 0.4 && odd === 0) return 'UTF-16BE';
  }
  return undefined;
}
