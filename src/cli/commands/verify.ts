import { oneOf, parseArgs, positiveInt } from '../args';
import { REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, registryClientOptions, tagSelectionOptions } from '../registryOptions';
import type { Command } from '../command';
import { type CliIO, UsageError } from '../io';
import { progressBar } from '../progressBar';
import { type GateVerdict, type TagParity, type VerifyReport, createDefaultRegistryClient, parseRepository, verifyGate, verifyRepositories } from '../../core/registry/index';
import { InOrderArrayField } from '../writeJson';
import { parityNote, renderVerifyMarkdown, shortDigest } from '../../core/registry/verifyReportFormat';

const usage = `Usage: registry-migrator verify OLD_REPO NEW_REPO [--tags REGEX] [--since VERSION] [--semver] [--exact] [--concurrency N] [--format text|json|markdown] [--timeout SECONDS] [--min-speed KIB_PER_S] [--insecure-registry HOST]...

The migration gate: proves that every tag of OLD_REPO exists in NEW_REPO with the same
digest (per platform for multi-arch images). Tags only NEW_REPO has (its own new releases)
are listed as "only in new" and do not fail the gate, unless --exact asks for equality.
  --tags REGEX              only tags matching REGEX
  --since VERSION           only version tags at or above VERSION (e.g. 1.2.0)
  --semver                  only semantic-version tags (1.2.3, v1.2.3-rc.1; not latest)
  --exact                   also fail when NEW_REPO has tags OLD_REPO lacks
  --concurrency N           tags compared at once, and requests per registry (default 16)
  --format text|json|markdown
                            a summary and the non-identical tags (default); JSON; or a
                            Markdown table for a migration pull request
${REGISTRY_OPTIONS_HELP}
Exit codes:
  0  the gate holds: every selected OLD_REPO tag is identical in NEW_REPO
  1  migration incomplete: a tag is missing or different (or no tag was selected)
  2  usage error
  3  could not check: a registry could not be asked (auth, network, rate limit, not
     found); the last line says which
`;

const short = shortDigest;
const note = parityNote;

function summaryLine(report: VerifyReport): string {
  const s = report.summary;
  return `${s.old} -> ${s.new}: ${s.total} tags: ${s.identical} identical, ${s.missing} missing, ${s.different} different, ${s.onlyInNew} only in new, ${s.error} errors`;
}

function renderText(report: VerifyReport, gate: GateVerdict): string {
  const s = report.summary;
  const lines: string[] = [];
  if (s.listingError) lines.push(`error: could not list the ${s.listingError.side} repository: ${s.listingError.message}`);
  lines.push(summaryLine(report));
  if (s.newRepositoryMissing) lines.push(`note: ${s.new} does not exist (404 NAME_UNKNOWN)`);
  const bad = report.results.filter((r) => r.status !== 'identical');
  // The tag is not padded to the longest one: a 71-character cosign `.sig` tag would
  // push every line past 78 columns.
  for (const r of bad) {
    lines.push(`  ${r.status.padEnd(11)} ${r.tag}  old ${short(r.old?.digest)}  new ${short(r.new?.digest)}  ${note(r)}`.trimEnd());
    if (r.status === 'different' && !r.platformsIdentical) {
      for (const p of r.platforms.filter((x) => x.status !== 'identical')) lines.push(`      ${p.platform}: ${p.status} (old ${short(p.old)}, new ${short(p.new)})`);
    }
  }
  lines.push(gateLine(gate));
  return lines.join('\n') + '\n';
}

function gateLine(gate: GateVerdict): string {
  return `gate: ${gate.reason}`;
}

/**
 * `{results, summary, gate}`, streamed: 100,000 tags' results would be one string of some
 * 50 MB (bench:verify-scale). The results leave in tag order while the others are still
 * being compared (`results.put`, from verifyRepositories' onResult); the rest, then the
 * summary and the gate, once the verify is done.
 */
async function endReportJson(io: CliIO, results: InOrderArrayField, report: VerifyReport, gate: GateVerdict): Promise<void> {
  const w = await results.finish(io.drain, report.summary.total);
  w.field('summary', report.summary);
  w.field('gate', gate);
  w.end();
}

export const verifyCommand: Command = {
  summary: 'prove tags exist at the new location with the same digests',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { positionals, options } = parseArgs(argv, {
      tags: { type: 'string' },
      since: { type: 'string' },
      semver: { type: 'boolean' },
      exact: { type: 'boolean' },
      concurrency: { type: 'string' },
      format: { type: 'string' },
      ...REGISTRY_OPTIONS,
    });
    if (positionals.length !== 2) throw new UsageError('give the old and the new repository');
    const selection = tagSelectionOptions(options);
    const concurrency = positiveInt(options.concurrency, 'concurrency', 16);
    const format = oneOf(options.format, ['text', 'json', 'markdown'] as const, 'format', 'text');
    const [oldRepo, newRepo] = positionals.map(parseRepository);
    if (!oldRepo.ok) throw new UsageError(`OLD_REPO: ${oldRepo.error.message}`);
    if (!newRepo.ok) throw new UsageError(`NEW_REPO: ${newRepo.error.message}`);
    const { client, close } = createDefaultRegistryClient({ ...registryClientOptions(options, io), concurrency, githubToken: true });
    // JSON results stream while the tags are compared: on one terminal, the bar would draw over them.
    const bar = io.isTTY && !(format === 'json' && io.outIsTTY) ? progressBar(io) : undefined;
    try {
      const results = format === 'json' ? new InOrderArrayField((t) => io.out(t), 'results', () => io.backedUp?.() ?? false) : undefined;
      const onResult = results && ((r: TagParity, i: number) => results.put(i, r));
      // JSON takes every result from onResult; the report keeps what the gate reads.
      const keep = results ? 'problems' : 'all';
      let report: VerifyReport;
      try {
        report = await verifyRepositories(client, oldRepo.value, newRepo.value, { ...selection, concurrency, signal: io.signal, onProgress: bar?.update, onResult, keep });
      } catch (e) {
        // Comparisons still running must not go on writing after the error.
        results?.abandon();
        throw e;
      }
      bar?.clear();
      // Nothing compared is not a proof: an empty repository or a --tags typo exits 1.
      const gate = verifyGate(report, { exact: options.exact === true });
      if (results) await endReportJson(io, results, report, gate);
      else io.out(format === 'markdown' ? renderVerifyMarkdown(report) + `\n${gateLine(gate)}\n` : renderText(report, gate));
      if (format !== 'text' && gate.outcome === 'unchecked') io.err(`registry-migrator verify: ${gate.reason}\n`);
      return gate.exitCode;
    } finally {
      bar?.clear();
      await close();
    }
  },
};
