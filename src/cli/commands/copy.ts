import { formatBytes } from '../../core/text/formatBytes';
import { oneOf, parseArgs, positiveInt, regexOption } from '../args';
import type { Command } from '../command';
import { type CliIO, EXIT, UsageError } from '../io';
import { progressBar } from '../progressBar';
import {
  type CopyReport,
  type CredentialProvider,
  type TagCopyResult,
  copyRepository,
  createDefaultRegistryClient,
  parseRepository,
} from '../../core/registry/index';

const usage = `Usage: registry-migrator copy OLD_REPO NEW_REPO [--tags REGEX] [--missing-only] [--force] [--dry-run] [--concurrency N] [--format text|json] [--insecure-registry HOST]...

Copies the tags of OLD_REPO that NEW_REPO lacks, digest for digest (blobs the destination
already has are skipped; same registry: mounted), with their signatures and SBOMs
(sha256-<hex> referrer tags), then resolves every tag again on both sides.
Exit 0 when every tag asked for is identical afterwards, 1 otherwise, 2 on usage errors.
  --tags REGEX              only tags matching REGEX (their referrer tags come along)
  --missing-only            copy only what is missing (the default; identical tags are never rewritten)
  --force                   also replace NEW_REPO tags whose digest differs (default: report them, leave them)
  --dry-run                 print the plan (tags, manifests, blobs and bytes to send) and write nothing
  --concurrency N           tags in flight, and requests per registry (default 8)
  --format text|json        a summary and each tag's action (default), or JSON
  --insecure-registry HOST  talk plain HTTP to HOST (loopback registries always are)
Nothing is ever deleted. Re-running after a failure finishes the job.
Credentials: OLD_REPO is read with the usual read-only sources (Docker/Podman config,
credential helpers, GITHUB_TOKEN for ghcr.io). Pushing to NEW_REPO needs an explicit push
credential: REGISTRY_MIGRATOR_PUSH_USERNAME and REGISTRY_MIGRATOR_PUSH_PASSWORD, or a
\`docker login\` for NEW_REPO's registry. Tokens are asked for pull,push on NEW_REPO only.
`;

/** The explicit push credential from the environment, for the destination host only. */
export function pushCredentials(env: NodeJS.ProcessEnv, host: string): CredentialProvider | undefined {
  const username = env.REGISTRY_MIGRATOR_PUSH_USERNAME;
  const password = env.REGISTRY_MIGRATOR_PUSH_PASSWORD;
  if (!username || !password) return undefined;
  return { get: (h) => Promise.resolve(h === host ? { username, password, source: 'REGISTRY_MIGRATOR_PUSH_USERNAME/PASSWORD' } : undefined) };
}

const short = (d: string | undefined | null) => (d ? d.replace(/^sha256:/, '').slice(0, 12) : '-');

function line(r: TagCopyResult, w: number): string {
  let note = '';
  if (r.action === 'conflict') note = `destination has ${short(r.before?.digest)}: left alone (--force replaces it)`;
  else if (r.action === 'error') note = r.cause?.message ?? '';
  else if (r.action === 'replaced' || r.action === 'would-replace') note = `was ${short(r.before?.digest)}`;
  if (r.referrerOf) note = `${note ? note + '; ' : ''}referrer of ${short(r.referrerOf)}`;
  return `  ${r.action.padEnd(13)} ${r.tag.padEnd(w)}  ${short(r.source?.digest).padEnd(12)}  ${note}`.trimEnd();
}

function renderText(report: CopyReport, pushSource: string): string {
  const s = report.summary;
  const st = s.stats;
  const out: string[] = [];
  if (s.listingError) {
    out.push(`error: could not list the ${s.listingError.side} repository: ${s.listingError.message}`);
    return out.join('\n') + '\n';
  }
  out.push(`${s.dryRun ? 'plan (dry run, nothing written)' : 'copy'}: ${s.source} -> ${s.destination} (push credential: ${pushSource})`);
  const shown = report.results.filter((r) => r.action !== 'identical');
  const w = Math.max(3, ...shown.map((r) => r.tag.length));
  for (const r of shown) out.push(line(r, w));
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
  return out.join('\n') + '\n';
}

export const copyCommand: Command = {
  summary: 'copy missing tags to the new location, digest for digest',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { positionals, options } = parseArgs(argv, {
      tags: { type: 'string' },
      'missing-only': { type: 'boolean' },
      force: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      concurrency: { type: 'string' },
      format: { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
    });
    if (positionals.length !== 2) throw new UsageError('give the old and the new repository');
    const tags = regexOption(options.tags, 'tags');
    const concurrency = positiveInt(options.concurrency, 'concurrency', 8);
    const format = oneOf(options.format, ['text', 'json'] as const, 'format', 'text');
    const [from, to] = positionals.map(parseRepository);
    if (!from.ok) throw new UsageError(`OLD_REPO: ${from.error.message}`);
    if (!to.ok) throw new UsageError(`NEW_REPO: ${to.error.message}`);
    if (from.value.host === to.value.host && from.value.path === to.value.path) throw new UsageError('OLD_REPO and NEW_REPO are the same repository');
    const dryRun = options['dry-run'] === true;
    const insecureRegistries = (options['insecure-registry'] as string[] | undefined) ?? [];
    const src = createDefaultRegistryClient({ env: io.env, insecureRegistries, concurrency, githubToken: true });
    // The destination client alone may push, and only with an explicit credential: the
    // environment's push pair, else the user's `docker login` for that host (not GITHUB_TOKEN).
    const explicit = pushCredentials(io.env, to.value.host);
    const dst = createDefaultRegistryClient({ env: io.env, insecureRegistries, concurrency, githubToken: false, allowPush: !dryRun, provider: explicit });
    const bar = io.isTTY ? progressBar(io) : undefined;
    try {
      const report = await copyRepository(
        { source: src.client, destination: dst.client, from: from.value, to: to.value },
        { tags, force: options.force === true, dryRun, concurrency, signal: io.signal, onProgress: bar && ((p) => bar.update(p.tagsDone, p.tagsTotal, `${formatBytes(p.bytes)} ${p.phase}`)) },
      );
      bar?.clear();
      if (format === 'json') {
        io.out(JSON.stringify({ results: report.results, summary: report.summary }, null, 2) + '\n');
      } else {
        const pushSource = explicit ? 'REGISTRY_MIGRATOR_PUSH_USERNAME/PASSWORD' : `login for ${to.value.host}, if any`;
        io.out(renderText(report, pushSource));
      }
      const v = report.summary.verify;
      // Nothing compared is not a proof: an empty repository or a --tags typo exits 1.
      return !report.summary.listingError && v.total > 0 && v.identical === v.total ? EXIT.ok : EXIT.findings;
    } finally {
      bar?.clear();
      await Promise.all([src.close(), dst.close()]);
    }
  },
};
