import * as fs from 'fs';
import * as path from 'path';
import { loadRuleSet, RULES_FILE_NAME } from '../core/rules/loadRuleSet';
import type { RuleProblem, RuleSet } from '../core/rules/migrationRule';
import { globMatcher } from '../core/text/globMatcher';
import type { CliIO } from './io';
import { UsageError } from './io';
import type { MentionRecord } from '../core/report/mentionRecords';
import type { RecordsJson, ScanMode } from '../scanPool/scanOneFile';
import { type LiveJobs, ScanPool } from '../scanPool/scanPool';
import { type ScannedFile, type SkipKind, type SkippedFile, scanFiles } from './scanFiles';
import { type WalkedFile, walkFiles } from './walkFiles';

export interface WorkspaceScan {
  root: string;
  ruleSet: RuleSet;
  ruleProblems: RuleProblem[];
  /** `analysis` mode: files with findings (with `all`, with mentions), their text and analysis. */
  scanned: ScannedFile[];
  /** `records` mode: the records of every file, in walk order. */
  records: MentionRecord[];
  skipped: SkippedFile[];
  fileCount: number;
}

export interface WorkspaceScanOptions {
  targets: string[];
  rulesFile?: string;
  all: boolean;
  maxFileSizeKB: number;
  /** `--exclude GLOB`s, on top of the rules file's `exclude:` list. */
  exclude?: string[];
  mode: ScanMode;
  /** `records` mode: stream each file's records in walk order (see scanFiles). */
  onRecords?: (records: MentionRecord[]) => void;
  /** `json` mode: stream each file's serialized records in walk order (see scanFiles). */
  onJson?: (json: RecordsJson) => void;
}

/**
 * What `scan` and `fix` share: the root (the one folder given, or the current folder),
 * the rules (built-ins, then `--rules FILE` or the root's .registry-migrations.yaml), the
 * files, and their analysis.
 */
export async function scanWorkspace(io: CliIO, options: WorkspaceScanOptions): Promise<WorkspaceScan> {
  const targets = options.targets;
  let root = io.cwd;
  let relTargets = targets;
  if (targets.length === 1) {
    const abs = path.resolve(io.cwd, targets[0]);
    if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
      root = abs;
      relTargets = [];
    }
  }
  let rulesFile: { text: string; path: string } | undefined;
  const rulesPath = options.rulesFile ? path.resolve(io.cwd, options.rulesFile) : path.join(root, RULES_FILE_NAME);
  try {
    rulesFile = { text: fs.readFileSync(rulesPath, 'utf8'), path: path.relative(io.cwd, rulesPath) || rulesPath };
  } catch (e) {
    if (options.rulesFile) throw new UsageError(`cannot read rules file ${options.rulesFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { ruleSet, problems, exclude } = loadRuleSet({ rulesFile });
  // Threads start before the walk, so their start-up overlaps it.
  const pool = new ScanPool({ ruleSets: [ruleSet], mode: options.mode, all: options.all, rareHitsHere: true });
  try {
    // The walk feeds the scan as it goes, so the workers start on the first files at once.
    const files: WalkedFile[] = [];
    const live: LiveJobs = { done: false };
    const excluded = globMatcher([...exclude, ...(options.exclude ?? [])]);
    const walking = walkFiles(root, relTargets, { out: files, onFiles: () => live.onMore?.(), exclude: excluded });
    const scanning = scanFiles(files, ruleSet, { all: options.all, maxBytes: options.maxFileSizeKB * 1024, mode: options.mode, onRecords: options.onRecords, onJson: options.onJson }, pool, live);
    let walked: Awaited<typeof walking>;
    try {
      walked = await walking;
    } finally {
      live.done = true;
      live.onMore?.();
    }
    if (walked.missing.length) {
      await scanning;
      throw new UsageError(`no such file or folder: ${walked.missing.join(', ')}`);
    }
    const { scanned, records, skipped } = await scanning;
    const fileCount = walked.files.length - skipped.length;
    for (const rel of walked.ignored) skipped.push({ file: rel, reason: 'ignored by .gitignore', kind: 'ignored' });
    for (const rel of walked.excluded) skipped.push({ file: rel, reason: 'excluded (--exclude or exclude: in the rules file)', kind: 'ignored' });
    return { root, ruleSet, ruleProblems: problems, scanned, records, skipped, fileCount };
  } finally {
    await pool.dispose();
  }
}

export function printRuleProblems(io: CliIO, problems: readonly RuleProblem[]): void {
  for (const p of problems) io.err(`${p.path}:${p.line}:${p.column}  error  ${p.message}  [rules]\n`);
  if (problems.length) io.err(`The built-in rules were applied; fix the rules above to apply yours.\n`);
}

/**
 * One note per file the user would want to know about (too large, not UTF-8, unreadable);
 * binary and ignored files only count in the summary: a repository has many.
 */
export function printSkipped(io: CliIO, skipped: readonly SkippedFile[]): void {
  for (const s of skipped) if (s.kind !== 'binary' && s.kind !== 'ignored') io.err(`note: skipped ${s.file}: ${s.reason}\n`);
}

const SKIP_LABELS: Record<SkipKind, string> = { binary: 'binary', 'too-large': 'too large', 'not-text': 'not text', ignored: 'ignored', unreadable: 'unreadable' };

/** Counts by reason, in a fixed order: `2 binary, 1 too large, 40 ignored`; '' when none. */
export function skipSummary(skipped: readonly SkippedFile[]): string {
  const counts = new Map<SkipKind, number>();
  for (const s of skipped) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  return (Object.keys(SKIP_LABELS) as SkipKind[])
    .filter((k) => counts.get(k))
    .map((k) => `${counts.get(k)} ${SKIP_LABELS[k]}`)
    .join(', ');
}

export function skipCounts(skipped: readonly SkippedFile[]): Record<SkipKind, number> {
  const out: Record<SkipKind, number> = { binary: 0, 'too-large': 0, 'not-text': 0, ignored: 0, unreadable: 0 };
  for (const s of skipped) out[s.kind]++;
  return out;
}

export const COMMON_OPTIONS = {
  rules: { type: 'string' },
  'max-file-size': { type: 'string' },
  exclude: { type: 'string', multiple: true },
} as const;
