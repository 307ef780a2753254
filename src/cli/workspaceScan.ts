import * as fs from 'fs';
import * as path from 'path';
import { loadRuleSet, RULES_FILE_NAME } from '../core/rules/loadRuleSet';
import type { RuleProblem, RuleSet } from '../core/rules/migrationRule';
import { globMatcher } from '../core/text/globMatcher';
import type { CliIO } from './io';
import { UsageError } from './io';
import { type ScannedFile, type SkippedFile, scanFiles } from './scanFiles';
import { walkFiles } from './walkFiles';

export interface WorkspaceScan {
  root: string;
  ruleSet: RuleSet;
  ruleProblems: RuleProblem[];
  scanned: ScannedFile[];
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
}

/**
 * What `scan` and `fix` share: the root (the one folder given, or the current folder),
 * the rules (built-ins, then `--rules FILE` or the root's .registry-migrations.yaml), the
 * files, and their analysis.
 */
export function scanWorkspace(io: CliIO, options: WorkspaceScanOptions): WorkspaceScan {
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
  const walked = walkFiles(root, relTargets);
  if (walked.missing.length) throw new UsageError(`no such file or folder: ${walked.missing.join(', ')}`);
  const excluded = globMatcher([...exclude, ...(options.exclude ?? [])]);
  const files = walked.files.filter((f) => !excluded(f.rel));
  const { scanned, skipped } = scanFiles(files, ruleSet, { all: options.all, maxBytes: options.maxFileSizeKB * 1024 });
  return { root, ruleSet, ruleProblems: problems, scanned, skipped, fileCount: files.length };
}

export function printRuleProblems(io: CliIO, problems: readonly RuleProblem[]): void {
  for (const p of problems) io.err(`${p.path}:${p.line}:${p.column}  error  ${p.message}  [rules]\n`);
  if (problems.length) io.err(`The built-in rules were applied; fix the rules above to apply yours.\n`);
}

export function printSkipped(io: CliIO, skipped: readonly SkippedFile[]): void {
  for (const s of skipped) io.err(`note: skipped ${s.file}: ${s.reason}\n`);
}

export const COMMON_OPTIONS = {
  rules: { type: 'string' },
  'max-file-size': { type: 'string' },
  exclude: { type: 'string', multiple: true },
} as const;
