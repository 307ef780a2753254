import { oneOf, parseArgs, positiveInt, regexOption } from '../args';
import type { Command } from '../command';
import { type CliIO, EXIT, UsageError } from '../io';
import { progressBar } from '../progressBar';
import { writeJson } from '../writeJson';
import { type VerifyReport, createDefaultRegistryClient, parseRepository, verifyRepositories } from '../../core/registry/index';
import { parityNote, renderVerifyMarkdown, shortDigest } from '../../core/registry/verifyReportFormat';

const usage = `Usage: registry-migrator verify OLD_REPO NEW_REPO [--tags REGEX] [--concurrency N] [--format text|json|markdown] [--insecure-registry HOST]...

Proves that every tag of OLD_REPO exists in NEW_REPO with the same digest (per platform
for multi-arch images). Exit 0 when every tag is identical, 1 otherwise, 2 on usage errors.
  --tags REGEX              only tags matching REGEX
  --concurrency N           tags compared at once, and requests per registry (default 16)
  --format text|json|markdown
                            a summary and the non-identical tags (default); JSON; or a
                            Markdown table for a migration pull request
  --insecure-registry HOST  talk plain HTTP to HOST (loopback registries always are)
`;

const short = shortDigest;
const note = parityNote;

function summaryLine(report: VerifyReport): string {
  const s = report.summary;
  return `${s.old} -> ${s.new}: ${s.total} tags: ${s.identical} identical, ${s.missing} missing, ${s.different} different, ${s.onlyInNew} only in new, ${s.error} errors`;
}

function renderText(report: VerifyReport): string {
  const s = report.summary;
  const lines: string[] = [];
  if (s.listingError) lines.push(`error: could not list the ${s.listingError.side} repository: ${s.listingError.message}`);
  lines.push(summaryLine(report));
  if (s.newRepositoryMissing) lines.push(`note: ${s.new} does not exist (404 NAME_UNKNOWN)`);
  const bad = report.results.filter((r) => r.status !== 'identical');
  const w = Math.max(3, ...bad.map((r) => r.tag.length));
  for (const r of bad) {
    lines.push(`  ${r.status.padEnd(11)} ${r.tag.padEnd(w)}  old ${short(r.old?.digest).padEnd(12)}  new ${short(r.new?.digest).padEnd(12)}  ${note(r)}`.trimEnd());
    if (r.status === 'different' && !r.platformsIdentical) {
      for (const p of r.platforms.filter((x) => x.status !== 'identical')) lines.push(`      ${p.platform}: ${p.status} (old ${short(p.old)}, new ${short(p.new)})`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Streamed: 100,000 tags' results would be one string of some 50 MB (bench:verify-scale). */
function writeReportJson(io: CliIO, report: VerifyReport): void {
  writeJson((t) => io.out(t), { results: report.results, summary: report.summary });
}

export const verifyCommand: Command = {
  summary: 'prove tags exist at the new location with the same digests',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { positionals, options } = parseArgs(argv, {
      tags: { type: 'string' },
      concurrency: { type: 'string' },
      format: { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
    });
    if (positionals.length !== 2) throw new UsageError('give the old and the new repository');
    const tags = regexOption(options.tags, 'tags');
    const concurrency = positiveInt(options.concurrency, 'concurrency', 16);
    const format = oneOf(options.format, ['text', 'json', 'markdown'] as const, 'format', 'text');
    const [oldRepo, newRepo] = positionals.map(parseRepository);
    if (!oldRepo.ok) throw new UsageError(`OLD_REPO: ${oldRepo.error.message}`);
    if (!newRepo.ok) throw new UsageError(`NEW_REPO: ${newRepo.error.message}`);
    const { client, close } = createDefaultRegistryClient({
      env: io.env,
      insecureRegistries: (options['insecure-registry'] as string[] | undefined) ?? [],
      concurrency,
      githubToken: true,
    });
    const bar = io.isTTY ? progressBar(io) : undefined;
    try {
      const report = await verifyRepositories(client, oldRepo.value, newRepo.value, { tags, concurrency, signal: io.signal, onProgress: bar?.update });
      bar?.clear();
      if (format === 'json') writeReportJson(io, report);
      else io.out(format === 'markdown' ? renderVerifyMarkdown(report) : renderText(report));
      const s = report.summary;
      // Nothing compared is not a proof: an empty repository or a --tags typo exits 1.
      return s.total > 0 && s.identical === s.total && !s.listingError ? EXIT.ok : EXIT.findings;
    } finally {
      bar?.clear();
      await close();
    }
  },
};
