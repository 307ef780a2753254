import { oneOf, parseArgs, positiveInt } from '../args';
import type { Command } from '../command';
import { EXIT } from '../io';
import { toSarif } from '../sarif';
import { COMMON_OPTIONS, printRuleProblems, printSkipped, scanWorkspace } from '../workspaceScan';

const usage = `Usage: registry-migrator scan [paths…] [options]

Finds image references whose registry moved, and prints them like a linter.

Options:
  --all                 also list every other image reference, and the skipped (templated) ones
  --format FORMAT       text (default), json or sarif
  --rules FILE          rules file (default: .registry-migrations.yaml in the scanned folder)
  --max-file-size KB    skip larger files (default 5120)

Exit codes: 0 clean, 1 deprecated references found, 2 usage or rules errors.
`;

export const scanCommand: Command = {
  summary: 'find deprecated image references',
  usage,
  async run(argv, io) {
    const { positionals, options } = parseArgs(argv, {
      ...COMMON_OPTIONS,
      all: { type: 'boolean' },
      format: { type: 'string' },
    });
    const format = oneOf(options.format, ['text', 'json', 'sarif'] as const, 'format', 'text');
    const all = options.all === true;
    const ws = await scanWorkspace(io, {
      targets: positionals,
      rulesFile: options.rules as string | undefined,
      all,
      maxFileSizeKB: positiveInt(options['max-file-size'], 'max-file-size', 5120),
      mode: 'records',
    });
    printRuleProblems(io, ws.ruleProblems);
    const records = ws.records;
    const deprecated = records.filter((r) => r.deprecated);
    if (format === 'json') {
      io.out(JSON.stringify({ mentions: records, skippedFiles: ws.skipped, ruleProblems: ws.ruleProblems.map(({ name: _n, ...p }) => p) }, null, 2) + '\n');
    } else if (format === 'sarif') {
      io.out(JSON.stringify(toSarif(records, ws.ruleSet.rules, '0.1.0'), null, 2) + '\n');
    } else {
      printSkipped(io, ws.skipped);
      for (const r of records) {
        const where = `${r.file}:${r.line}:${r.column}`;
        if (r.deprecated) io.out(`${where}  ${r.severity}  ${r.message}  [${r.rule}]\n`);
        else if (r.skipped) io.out(`${where}  skipped  ${r.text}: ${r.skipped}\n`);
        else io.out(`${where}  ok  ${r.text}  (${r.kind})\n`);
      }
      const files = new Set(deprecated.map((r) => r.file)).size;
      const fixable = deprecated.filter((r) => r.replacement !== null).length;
      io.out(
        deprecated.length
          ? `\n${deprecated.length} deprecated reference${deprecated.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${fixable} fixable with \`registry-migrator fix\`); ${ws.fileCount} files scanned.\n`
          : `No deprecated image references; ${ws.fileCount} files scanned.\n`,
      );
    }
    if (ws.ruleProblems.length) return EXIT.usage;
    return deprecated.length ? EXIT.findings : EXIT.ok;
  },
};
