import * as fs from 'fs';
import * as path from 'path';
import { type Finding, analyzeText } from '../../core/analyze';
import { applyEdits, dedupeEdits } from '../../core/rewrite/applyEdits';
import { LineIndex } from '../../core/text/span';
import { parseArgs, positiveInt } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../io';
import { lineColumn } from '../../core/report/mentionRecords';
import { isUtf8RoundTrip } from '../scanFiles';
import { unifiedDiff } from '../unifiedDiff';
import { VERIFY_OPTIONS, VERIFY_USAGE, parseAllow, verificationLine, verifyWorkspace } from '../verifyWorkspace';
import { COMMON_OPTIONS, printRuleProblems, printSkipped, scanWorkspace } from '../workspaceScan';

const usage = `Usage: registry-migrator fix [paths…] [options]

Rewrites deprecated image references in place. Only the repository name changes: tag,
digest, quoting, comments, line endings, byte-order mark and file mode are kept.

Options:
  --dry-run             print a unified diff (for git apply / patch -p1) instead of writing
  --rules FILE          rules file (default: .registry-migrations.yaml in the scanned folder)
  --max-file-size KB    skip larger files (default 5120)
  --exclude GLOB        skip matching paths (repeatable; adds to the rules file's exclude:)
${VERIFY_USAGE}
                        With --verify only references whose new image is identical are
                        rewritten; the others are listed with the copy command that would
                        make them identical.
  --allow STATES        with --verify, also rewrite these: missing, different, old-missing,
                        unreachable (comma-separated)

Exit codes: 0 when nothing deprecated is left; 1 when references remain that need a hand
fix or a copy, and with --dry-run whenever the diff is not empty; 2 usage or rules errors;
3 (with --verify) some references could not be checked.
`;

export const fixCommand: Command = {
  summary: 'rewrite deprecated image references in place',
  usage,
  async run(argv, io) {
    const { positionals, options } = parseArgs(argv, { ...COMMON_OPTIONS, ...VERIFY_OPTIONS, 'dry-run': { type: 'boolean' }, allow: { type: 'string', multiple: true } });
    const dryRun = options['dry-run'] === true;
    if (options.allow !== undefined && options.verify !== true) throw new UsageError('--allow needs --verify');
    const allow = parseAllow(options.allow);
    const ws = await scanWorkspace(io, {
      targets: positionals,
      exclude: options.exclude as string[] | undefined,
      rulesFile: options.rules as string | undefined,
      all: false,
      maxFileSizeKB: positiveInt(options['max-file-size'], 'max-file-size', 5120),
      mode: 'analysis',
    });
    printRuleProblems(io, ws.ruleProblems);
    printSkipped(io, ws.skipped);
    const verifications = options.verify === true ? await verifyWorkspace(io, ws.scanned, options) : undefined;
    let changedFiles = 0;
    let fixed = 0;
    let remaining = 0;
    let unchecked = 0;
    for (const f of ws.scanned) {
      let index: LineIndex | undefined;
      const where = (x: Finding) => {
        const p = lineColumn((index ??= new LineIndex(f.text)), f.text, x.mention.span.start);
        return `${f.file.rel}:${p.line}:${p.column}`;
      };
      const applied: Finding[] = [];
      let held = 0;
      for (const x of f.analysis.findings) {
        if (x.edits.length === 0) {
          remaining++;
          io.err(`${where(x)}: ${x.mention.text}: not fixed: ${x.message}\n`);
          continue;
        }
        const v = verifications?.get(x);
        if (v && !(v.checked && allow.has(v.verification.state))) {
          remaining++;
          held++;
          if (v.checked && v.verification.state === 'unreachable') unchecked++;
          io.err(`${where(x)}: ${x.mention.text}: not rewritten: ${verificationLine(v)}\n`);
          continue;
        }
        applied.push(x);
      }
      // Companion edits are shared by several findings of a file; the same edit counts once.
      const edits = dedupeEdits(applied.flatMap((x) => x.edits)).edits;
      if (edits.length === 0) continue;
      const next = applyEdits(f.text, edits);
      // Idempotence guard: the rewritten text must not need the same fixes again (the
      // findings held back by --verify are still there, unchanged).
      const again = analyzeText(next, f.file.rel, ws.ruleSet).findings.filter((x) => x.edits.length);
      if (again.length > held) {
        io.err(`${f.file.rel}: left unchanged: the rewrite would not be final (${again[0].message})\n`);
        remaining += applied.length;
        continue;
      }
      fixed += applied.length;
      changedFiles++;
      if (dryRun) {
        io.out(unifiedDiff(f.file.rel, f.text, next));
        continue;
      }
      const original = fs.readFileSync(f.file.abs);
      if (!isUtf8RoundTrip(original, f.text, f.bom)) {
        io.err(`${f.file.rel}: left unchanged: not valid UTF-8, rewriting could corrupt it\n`);
        remaining++;
        continue;
      }
      writeAtomic(f.file.abs, (f.bom ? '\ufeff' : '') + next);
    }
    const verb = dryRun ? 'would fix' : 'fixed';
    io.err(`${verb} ${fixed} reference${fixed === 1 ? '' : 's'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}` + (remaining ? `; ${remaining} need a hand fix` : '') + '.\n');
    if (ws.ruleProblems.length) return EXIT.usage;
    if (unchecked) return EXIT.unchecked;
    // A dry run is a CI gate: a non-empty diff means the tree is not migrated yet.
    return remaining || (dryRun && changedFiles) ? EXIT.findings : EXIT.ok;
  },
};

/** Temp file in the same folder, same mode, then rename: a crash never leaves half a file. */
function writeAtomic(file: string, text: string): void {
  const st = fs.statSync(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.registry-migrator-${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { mode: st.mode & 0o7777 });
    fs.chmodSync(tmp, st.mode & 0o7777);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
