import { oneOf, parseArgs, positiveInt } from '../args';
import type { Command } from '../command';
import { EXIT } from '../io';
import { toSarif } from '../sarif';
import { VERSION } from '../version';
import { JsonObjectWriter } from '../writeJson';
import { type MentionRecord, mentionRecords, recordFindings } from '../../core/report/mentionRecords';
import type { FindingVerification } from '../../core/verify/index';
import type { Finding } from '../../core/analyze';
import { VERIFY_OPTIONS, VERIFY_USAGE, verificationLine, verifyWorkspace } from '../verifyWorkspace';
import { COMMON_OPTIONS, printRuleProblems, printSkipped, scanWorkspace, skipCounts, skipSummary } from '../workspaceScan';

const usage = `Usage: registry-migrator scan [paths…] [options]

Finds image references whose registry moved, and prints them like a linter.

Options:
  --all                 also list every other image reference, and the skipped (templated) ones
  --format FORMAT       text (default), json or sarif
  --rules FILE          rules file (default: .registry-migrations.yaml in the scanned folder)
  --max-file-size KB    skip larger files (default 5120)
  --exclude GLOB        skip matching paths (repeatable; adds to the rules file's exclude:)
${VERIFY_USAGE}

Exit codes: 0 clean, 1 deprecated references found, 2 usage or rules errors,
3 (with --verify) some references could not be checked (a registry was unreachable).
`;

export const scanCommand: Command = {
  summary: 'find deprecated image references',
  usage,
  async run(argv, io) {
    const { positionals, options } = parseArgs(argv, {
      ...COMMON_OPTIONS,
      ...VERIFY_OPTIONS,
      all: { type: 'boolean' },
      format: { type: 'string' },
    });
    const format = oneOf(options.format, ['text', 'json', 'sarif'] as const, 'format', 'text');
    const all = options.all === true;
    const verify = options.verify === true;
    let verifications: ReadonlyMap<Finding, FindingVerification> | undefined;
    let unreachable = false;
    // Records stream out in walk order as the workers finish files (SARIF needs them all
    // first: its rule list comes before the results).
    let json: JsonObjectWriter | undefined;
    const startJson = () => {
      if (!json) {
        json = new JsonObjectWriter((t) => io.out(t));
        json.arrayStart('mentions');
      }
      return json;
    };
    const sarifRecords: MentionRecord[] = [];
    let deprecated = 0;
    let fixable = 0;
    const flaggedFiles = new Set<string>();
    const onRecords = (records: MentionRecord[]) => {
      for (const r of records) {
        if (r.verification?.state === 'unreachable') unreachable = true;
        if (r.deprecated) {
          deprecated++;
          if (r.replacement !== null) fixable++;
          flaggedFiles.add(r.file);
        }
        if (format === 'json') continue;
        if (format === 'sarif') sarifRecords.push(r);
        else {
          const where = `${r.file}:${r.line}:${r.column}`;
          if (r.deprecated) {
            io.out(`${where}  ${r.severity}  ${r.message}  [${r.rule}]\n`);
            const finding = recordFindings.get(r);
            const v = finding && verifications?.get(finding);
            if (v) io.out(`    ${verificationLine(v)}\n`);
          } else if (r.severity === 'note') io.out(`${where}  note  ${r.message}  [${r.rule}]\n`);
          else if (r.skipped) io.out(`${where}  skipped  ${r.text}: ${r.skipped}\n`);
          else io.out(`${where}  ok  ${r.text}  (${r.kind})\n`);
        }
      }
      // A file's records as one batch, serialized as the workers serialize theirs.
      if (format === 'json') startJson().items(records, 0, records.length);
    };
    // With --verify the findings themselves are needed (to resolve them), and SARIF's
    // fingerprints need each line's neighbours: both take the analyses back to this thread.
    const mainThreadRecords = verify || format === 'sarif';
    const ws = await scanWorkspace(io, {
      targets: positionals,
      rulesFile: options.rules as string | undefined,
      all,
      maxFileSizeKB: positiveInt(options['max-file-size'], 'max-file-size', 5120),
      exclude: options.exclude as string[] | undefined,
      // JSON: the workers serialize the records; only the counts are read here.
      mode: mainThreadRecords ? 'analysis' : format === 'json' ? 'json' : 'records',
      onRecords: mainThreadRecords ? undefined : onRecords,
      onJson: (chunk) => {
        deprecated += chunk.deprecated;
        startJson().itemsText(chunk.text, chunk.count);
      },
    });
    printRuleProblems(io, ws.ruleProblems);
    if (mainThreadRecords) {
      if (verify) verifications = await verifyWorkspace(io, ws.scanned, options);
      for (const f of ws.scanned) onRecords(mentionRecords(f.file.rel, f.text, f.analysis, all, verifications));
    }
    if (format === 'json') {
      const w = startJson();
      w.arrayEnd();
      w.field('filesScanned', ws.fileCount);
      w.field('skipped', skipCounts(ws.skipped));
      w.field('skippedFiles', ws.skipped);
      w.field('ruleProblems', ws.ruleProblems.map(({ name: _n, ...p }) => p));
      w.end();
    } else if (format === 'sarif') {
      io.out(JSON.stringify(toSarif(sarifRecords, ws.ruleSet.rules, VERSION), null, 2) + '\n');
    } else {
      printSkipped(io, ws.skipped);
      const files = flaggedFiles.size;
      const skippedText = skipSummary(ws.skipped);
      const tail = `${ws.fileCount} file${ws.fileCount === 1 ? '' : 's'} scanned${skippedText ? `; not read: ${skippedText}` : ''}.`;
      io.out(
        deprecated
          ? `\n${deprecated} deprecated reference${deprecated === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${fixable} fixable with \`registry-migrator fix\`); ${tail}\n`
          : `No deprecated image references; ${tail}\n`,
      );
    }
    if (ws.ruleProblems.length) return EXIT.usage;
    if (unreachable) return EXIT.unchecked;
    return deprecated ? EXIT.findings : EXIT.ok;
  },
};
