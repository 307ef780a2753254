import * as fs from 'fs';
import * as path from 'path';
import { analyzeText } from '../../core/analyze';
import { applyEdits } from '../../core/rewrite/applyEdits';
import { parseArgs, positiveInt } from '../args';
import type { Command } from '../command';
import { EXIT } from '../io';
import { isUtf8RoundTrip } from '../scanFiles';
import { unifiedDiff } from '../unifiedDiff';
import { COMMON_OPTIONS, printRuleProblems, printSkipped, scanWorkspace } from '../workspaceScan';

const usage = `Usage: registry-migrator fix [paths…] [options]

Rewrites deprecated image references in place. Only the repository name changes: tag,
digest, quoting, comments, line endings, byte-order mark and file mode are kept.

Options:
  --dry-run             print a unified diff instead of writing
  --rules FILE          rules file (default: .registry-migrations.yaml in the scanned folder)
  --max-file-size KB    skip larger files (default 5120)

Exit codes: 0 when nothing deprecated is left, 1 when references without a new home
remain (they need a hand fix), 2 usage or rules errors.
`;

export const fixCommand: Command = {
  summary: 'rewrite deprecated image references in place',
  usage,
  async run(argv, io) {
    const { positionals, options } = parseArgs(argv, { ...COMMON_OPTIONS, 'dry-run': { type: 'boolean' } });
    const dryRun = options['dry-run'] === true;
    const ws = await scanWorkspace(io, {
      targets: positionals,
      rulesFile: options.rules as string | undefined,
      all: false,
      maxFileSizeKB: positiveInt(options['max-file-size'], 'max-file-size', 5120),
      mode: 'analysis',
    });
    printRuleProblems(io, ws.ruleProblems);
    printSkipped(io, ws.skipped);
    let changedFiles = 0;
    let fixed = 0;
    let remaining = 0;
    for (const f of ws.scanned) {
      const edits = f.analysis.findings.flatMap((x) => x.edits);
      for (const x of f.analysis.findings) {
        if (x.edits.length === 0) {
          remaining++;
          io.err(`${f.file.rel}: ${x.mention.text}: not fixed: ${x.message}\n`);
        }
      }
      if (edits.length === 0) continue;
      const next = applyEdits(f.text, edits);
      // Idempotence guard: the rewritten text must not need the same fixes again.
      const again = analyzeText(next, f.file.rel, ws.ruleSet).findings.filter((x) => x.edits.length);
      if (again.length) {
        io.err(`${f.file.rel}: left unchanged: the rewrite would not be final (${again[0].message})\n`);
        remaining += again.length;
        continue;
      }
      fixed += f.analysis.findings.filter((x) => x.edits.length).length;
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
    return remaining ? EXIT.findings : EXIT.ok;
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
