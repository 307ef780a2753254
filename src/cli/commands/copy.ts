import { formatBytes } from '../../core/text/formatBytes';
import { oneOf, parseArgs, positiveInt } from '../args';
import { REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, registryClientOptions, tagSelectionOptions } from '../registryOptions';
import type { Command } from '../command';
import { type CliIO, UsageError } from '../io';
import { progressBar } from '../progressBar';
import {
  type CopyReport,
  type CredentialProvider,
  type TagCopyResult,
  type GateVerdict,
  copyGate,
  copyRepository,
  createDefaultRegistryClient,
  parseRepository,
} from '../../core/registry/index';

const usage = `Usage: registry-migrator copy OLD_REPO NEW_REPO [--tags REGEX] [--since VERSION] [--semver] [--missing-only] [--force] [--dry-run] [--concurrency N] [--format text|json] [--timeout SECONDS] [--min-speed KIB_PER_S] [--insecure-registry HOST]...

Copies the tags of OLD_REPO that NEW_REPO lacks, digest for digest (blobs the destination
already has are skipped; same registry: mounted), with their signatures and SBOMs
(sha256-<hex> referrer tags), then resolves every tag again on both sides.
  --tags REGEX              only tags matching REGEX (their referrer tags come along)
  --since VERSION           only version tags at or above VERSION (e.g. 1.2.0)
  --semver                  only semantic-version tags (1.2.3, v1.2.3-rc.1; not latest)
  --missing-only            copy only what is missing (the default; identical tags are never rewritten)
  --force                   also replace NEW_REPO tags whose digest differs (default: report them, leave them)
  --dry-run                 print the plan (tags, manifests, blobs and bytes to send) and write nothing
  --concurrency N           tags in flight, and requests per registry (default 8)
  --format text|json        a summary and each tag's action (default), or JSON
${REGISTRY_OPTIONS_HELP}
Nothing is ever deleted. Re-running after a failure finishes the job.
Exit codes:
  0  every selected tag is identical in NEW_REPO afterwards
  1  incomplete: a tag is still missing or different (a conflict, a failed copy, a dry
     run with work left), or no tag was selected
  2  usage error
  3  could not check: a registry could not be asked (auth, network, rate limit, not
     found); the last line says which
Credentials: OLD_REPO is read with the usual read-only sources (Docker/Podman config,
credential helpers, GH_TOKEN/GITHUB_TOKEN and \`gh auth token\` for ghcr.io). Pushing to
NEW_REPO needs a push credential: REGISTRY_MIGRATOR_PUSH_USERNAME and
REGISTRY_MIGRATOR_PUSH_PASSWORD, else a \`docker login\` for NEW_REPO's registry, else (for
ghcr.io only) GITHUB_TOKEN or GH_TOKEN. Tokens are asked for pull,push on NEW_REPO only.
`;

/** The explicit push credential from the environment, for the destination host only. */
export function pushCredentials(env: NodeJS.ProcessEnv, host: string): CredentialProvider | undefined {
  const username = env.REGISTRY_MIGRATOR_PUSH_USERNAME;
  const password = env.REGISTRY_MIGRATOR_PUSH_PASSWORD;
  if (!username || !password) return undefined;
  return { get: (h) => Promise.resolve(h === host ? { username, password, source: 'REGISTRY_MIGRATOR_PUSH_USERNAME/PASSWORD' } : undefined) };
}

const short = (d: string | undefined | null) => (d ? d.replace(/^sha256:/, '').slice(0, 12) : '-');

function line(r: TagCopyResult): string {
  let note = '';
  if (r.action === 'conflict') note = `destination has ${short(r.before?.digest)}: left alone (--force replaces it)`;
  else if (r.action === 'error') note = r.cause?.message ?? '';
  else if (r.action === 'replaced' || r.action === 'would-replace') note = `was ${short(r.before?.digest)}`;
  if (r.referrerOf) note = `${note ? note + '; ' : ''}referrer of ${short(r.referrerOf)}`;
  // Not padded to the longest tag (a cosign `.sig` tag is 71 characters).
  return `  ${r.action.padEnd(13)} ${r.tag}  ${short(r.source?.digest)}  ${note}`.trimEnd();
}

function renderText(report: CopyReport, pushSource: string, gate: GateVerdict): string {
  const s = report.summary;
  const st = s.stats;
  const out: string[] = [];
  if (s.listingError) {
    out.push(`error: could not list the ${s.listingError.side} repository: ${s.listingError.message}`);
    out.push(`gate: ${gate.reason}`);
    return out.join('\n') + '\n';
  }
  out.push(`${s.dryRun ? 'plan (dry run, nothing written)' : 'copy'}: ${s.source} -> ${s.destination} (push credential: ${pushSource})`);
  for (const r of report.results.filter((x) => x.action !== 'identical')) out.push(line(r));
  const verb = s.dryRun ? 'to copy' : 'copied';
  out.push(`tags: ${s.tags}: ${s.copied} ${verb}, ${s.replaced} ${s.dryRun ? 'to replace' : 'replaced'}, ${s.identical} already identical, ${s.conflicts} conflicts, ${s.errors} errors`);
  const blobs = st.blobsUploaded + st.blobsMounted;
  out.push(
    `${s.dryRun ? 'would send' : 'sent'}: ${st.manifestsPushed} manifests, ${blobs} blobs (${formatBytes(st.bytesUploaded + st.bytesMounted)}): ` +
      `${st.blobsUploaded} uploaded (${formatBytes(st.bytesUploaded)}), ${st.blobsMounted} mounted (${formatBytes(st.bytesMounted)}); ` +
      `${st.blobsPresent} blobs (${formatBytes(st.bytesPresent)}) and ${st.manifestsPresent} child manifests already there` +
      (st.retries ? `; ${st.retries} blob uploads retried` : ''),
  );
  if (s.referrers) out.push(`referrers (API): ${s.referrers}`);
  for (const e of s.referrerErrors ?? []) out.push(`warning: ${e}`);
  const v = s.verify;
  out.push(`verify${s.dryRun ? ' (before)' : ''}: ${v.total} tags: ${v.identical} identical, ${v.missing} missing, ${v.different} different, ${v.error} errors`);
  out.push(`gate: ${gate.reason}`);
  return out.join('\n') + '\n';
}

export const copyCommand: Command = {
  summary: 'copy missing tags to the new location, digest for digest',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { positionals, options } = parseArgs(argv, {
      tags: { type: 'string' },
      since: { type: 'string' },
      semver: { type: 'boolean' },
      'missing-only': { type: 'boolean' },
      force: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      concurrency: { type: 'string' },
      format: { type: 'string' },
      ...REGISTRY_OPTIONS,
    });
    if (positionals.length !== 2) throw new UsageError('give the old and the new repository');
    const selection = tagSelectionOptions(options);
    const concurrency = positiveInt(options.concurrency, 'concurrency', 8);
    const format = oneOf(options.format, ['text', 'json'] as const, 'format', 'text');
    const [from, to] = positionals.map(parseRepository);
    if (!from.ok) throw new UsageError(`OLD_REPO: ${from.error.message}`);
    if (!to.ok) throw new UsageError(`NEW_REPO: ${to.error.message}`);
    if (from.value.host === to.value.host && from.value.path === to.value.path) throw new UsageError('OLD_REPO and NEW_REPO are the same repository');
    const dryRun = options['dry-run'] === true;
    const transport = registryClientOptions(options, io);
    const src = createDefaultRegistryClient({ ...transport, concurrency, githubToken: true });
    // The destination client alone may push, and only with a credential meant for it: the
    // environment's push pair, else the user's `docker login` for that host, else for
    // ghcr.io the GITHUB_TOKEN/GH_TOKEN that CI hands a workflow (GitHub's own way to push
    // packages); never the user's personal `gh` login.
    const explicit = pushCredentials(io.env, to.value.host);
    const dst = createDefaultRegistryClient({ ...transport, concurrency, githubToken: 'env', allowPush: !dryRun, provider: explicit });
    const bar = io.isTTY ? progressBar(io) : undefined;
    try {
      const report = await copyRepository(
        { source: src.client, destination: dst.client, from: from.value, to: to.value },
        { ...selection, force: options.force === true, dryRun, concurrency, signal: io.signal, onProgress: bar && ((p) => bar.update(p.tagsDone, p.tagsTotal, `${formatBytes(p.bytes)} ${p.phase}`)) },
      );
      bar?.clear();
      // Nothing compared is not a proof: an empty repository or a --tags typo exits 1.
      const gate = copyGate(report);
      if (format === 'json') {
        io.out(JSON.stringify({ results: report.results, summary: report.summary, gate }, null, 2) + '\n');
        if (gate.outcome === 'unchecked') io.err(`registry-migrator copy: ${gate.reason}\n`);
      } else {
        const pushSource = explicit ? 'REGISTRY_MIGRATOR_PUSH_USERNAME/PASSWORD' : `login for ${to.value.host}${to.value.host === 'ghcr.io' ? ', else GH_TOKEN/GITHUB_TOKEN' : ''}, if any`;
        io.out(renderText(report, pushSource, gate));
      }
      return gate.exitCode;
    } finally {
      bar?.clear();
      await Promise.all([src.close(), dst.close()]);
    }
  },
};
