import { type CopyEndpoints, type CopyImageOptions, type CopyStats, CopySession, emptyCopyStats } from './copyImage';
import { type ManifestDescriptor, formatRepository } from './registryClient';
import type { RegistryError } from './registryError';
import { copyReferrersApi } from './referrersApi';
import { sortTags } from './sortTags';
import { type TagSelection, tagPredicate } from './tagSelection';
import { runPool } from '../runPool';

/**
 * What happened to one tag.
 * - `identical`: already there with the source's digest; nothing written.
 * - `copied` / `replaced`: written, then re-resolved at the destination with the source's digest.
 * - `conflict`: the destination has the tag with another digest; left alone (no `force`).
 * - `would-copy` / `would-replace`: a dry run's plan.
 * - `error`: see `cause`; a re-run picks up where this one stopped.
 */
export type TagCopyAction = 'identical' | 'copied' | 'replaced' | 'conflict' | 'would-copy' | 'would-replace' | 'error';

export interface TagCopyResult {
  tag: string;
  action: TagCopyAction;
  source: ManifestDescriptor | null;
  /** The destination before the copy (null: the tag was missing). */
  before: ManifestDescriptor | null;
  /** The destination as re-resolved after the copy. */
  after: ManifestDescriptor | null;
  /** A referrer tag (`sha256-<hex>[.sig|.att|.sbom]`) copied along with its subject. */
  referrerOf?: string;
  cause?: { code: string; message: string };
}

export interface CopyVerifySummary {
  total: number;
  identical: number;
  missing: number;
  different: number;
  error: number;
  /** The error codes of the tags counted in `error` (e.g. `timeout`), so a gate can say which. */
  errorCodes?: string[];
}

/** A summary with nothing done yet; `stats` is the session's live counters. */
export function emptyCopySummary(source: string, destination: string, dryRun: boolean, stats?: CopyStats): CopySummary {
  return {
    source,
    destination,
    dryRun,
    tags: 0,
    identical: 0,
    copied: 0,
    replaced: 0,
    conflicts: 0,
    errors: 0,
    stats: stats ?? emptyCopyStats(),
    referrers: 0,
    verify: { total: 0, identical: 0, missing: 0, different: 0, error: 0 },
  };
}

export interface CopySummary {
  source: string;
  destination: string;
  dryRun: boolean;
  tags: number;
  identical: number;
  copied: number;
  replaced: number;
  conflicts: number;
  errors: number;
  /** Blob and manifest work (for a dry run: what would be written). */
  stats: CopyStats;
  /** Referrers found through the referrers API (tag-schema referrers are tags above). */
  referrers: number;
  /** Referrers that could not be copied; they do not change the tags' result. */
  referrerErrors?: string[];
  /** The destination re-resolved at the end, tag by tag, against the source digests. */
  verify: CopyVerifySummary;
  listingError?: { side: 'source' | 'destination'; code: string; message: string };
}

export interface CopyReport {
  results: TagCopyResult[];
  summary: CopySummary;
}

export interface CopyProgress {
  phase: 'listing' | 'copying' | 'verifying';
  tagsDone: number;
  tagsTotal: number;
  /** Blob bytes written (uploaded or mounted) so far. */
  bytes: number;
}

export interface CopyRepositoryOptions extends CopyImageOptions, TagSelection {
  /** Only source tags matching this (referrer tags of the chosen images come along); `since` and `semver` narrow further. */
  tags?: RegExp;
  /** Replace destination tags whose digest differs. Default false: report them and leave them. */
  force?: boolean;
  /** Tags in flight at once. Default 8. */
  concurrency?: number;
  /** Copy referrers (signatures, SBOMs, attestations). Default true. */
  referrers?: boolean;
  /** Progress, for a bar (CLI) or a VS Code progress notification. */
  onProgress?: (p: CopyProgress) => void;
  /** Each tag as it lands, so a tree can turn its node "identical" right away. */
  onTag?: (r: TagCopyResult) => void;
}

/** `sha256-<hex>` (OCI referrers tag schema) and cosign's `sha256-<hex>.sig/.att/.sbom`. */
const REFERRER_TAG = /^sha256-([a-f0-9]{64})(?:\.[A-Za-z0-9_-]+)?$/;

function cause(e: RegistryError): { code: string; message: string } {
  return { code: e.code, message: e.message };
}


/**
 * Copies the tags of `from` that `to` lacks, digest for digest, and proves it: each copied
 * tag is re-resolved at the destination, and at the end every chosen tag is resolved
 * again on both sides (`summary.verify`). Never deletes; never replaces a tag with another
 * digest unless `force`. Re-running after a failure finishes the job: blobs and child
 * manifests already at the destination are seen by HEAD and not sent again.
 * Never throws for registry trouble: failures become `error` results or `listingError`.
 *
 * The VS Code surface calls this with `signal` (cancellable progress), `onProgress` and
 * `onTag`; the CLI with a progress bar on a terminal.
 */
export async function copyRepository(endpoints: CopyEndpoints, opts: CopyRepositoryOptions = {}): Promise<CopyReport> {
  const { source, destination, from, to } = endpoints;
  const signal = opts.signal;
  const dryRun = opts.dryRun ?? false;
  let bytes = 0;
  let tagsDone = 0;
  let tagsTotal = 0;
  let phase: CopyProgress['phase'] = 'listing';
  const progress = () => opts.onProgress?.({ phase, tagsDone, tagsTotal, bytes });
  const session = new CopySession(endpoints, {
    ...opts,
    onBytes: (n) => {
      bytes += n;
      opts.onBytes?.(n);
      progress();
    },
  });
  const summary = emptyCopySummary(formatRepository(from), formatRepository(to), dryRun, session.stats);
  progress();
  const [srcTags, dstTags] = await Promise.all([source.listTags(from, { signal }), destination.listTags(to, { signal })]);
  if (!srcTags.ok) {
    summary.listingError = { side: 'source', ...cause(srcTags.error) };
    return { results: [], summary };
  }
  if (!dstTags.ok && dstTags.error.code !== 'repository-not-found') {
    summary.listingError = { side: 'destination', ...cause(dstTags.error) };
    return { results: [], summary };
  }
  const atDestination = new Set(dstTags.ok ? dstTags.value : []);
  const all = srcTags.value;
  const wanted = tagPredicate(opts);
  const copyReferrers = opts.referrers ?? true;
  // Referrer tags follow their subject: chosen when their subject is, and copied after it.
  const chosen = sortTags(all.filter((t) => wanted(t) && !(copyReferrers && REFERRER_TAG.test(t))));
  const referrerTags = copyReferrers ? all.filter((t) => REFERRER_TAG.test(t)) : [];
  const results = new Map<string, TagCopyResult>();
  // Digests (top level and children) of the chosen images, for referrers.
  const subjects = new Set<string>();

  const copyTag = async (tag: string, referrerOf?: string) => {
    const r: TagCopyResult = { tag, action: 'error', source: null, before: null, after: null, ...(referrerOf ? { referrerOf } : {}) };
    results.set(tag, r);
    try {
      const [s, d] = await Promise.all([source.headManifest(from, tag, signal), atDestination.has(tag) ? destination.headManifest(to, tag, signal) : undefined]);
      if (!s.ok) {
        r.cause = cause(s.error);
        return;
      }
      r.source = s.value;
      if (d && !d.ok && d.error.code !== 'manifest-not-found') {
        r.cause = cause(d.error);
        return;
      }
      r.before = d?.ok ? d.value : null;
      subjects.add(s.value.digest);
      if (r.before?.digest === s.value.digest) {
        r.action = 'identical';
        r.after = r.before;
        // Children too, so their referrers are found.
        if (copyReferrers && referrerTags.length) {
          const m = await session.sourceManifest(s.value.digest).catch(() => undefined);
          for (const c of m?.children ?? []) subjects.add(c.digest);
        }
        return;
      }
      if (r.before && !opts.force) {
        r.action = 'conflict';
        return;
      }
      const m = await session.copyManifest(s.value.digest, tag);
      for (const c of m.children) subjects.add(c.digest);
      if (dryRun) {
        r.action = r.before ? 'would-replace' : 'would-copy';
        return;
      }
      // Proof: ask the destination again, by tag, with the same Accept list.
      const after = await destination.headManifest(to, tag, signal);
      if (!after.ok) {
        r.cause = cause(after.error);
        return;
      }
      r.after = after.value;
      if (after.value.digest !== s.value.digest) {
        r.cause = { code: 'digest-mismatch', message: `${formatRepository(to)}:${tag} resolves to ${after.value.digest} after the copy, the source is ${s.value.digest}` };
        return;
      }
      r.action = r.before ? 'replaced' : 'copied';
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'RegistryError') throw e;
      r.cause = cause(e as RegistryError);
    } finally {
      tagsDone++;
      progress();
      opts.onTag?.(r);
    }
  };

  phase = 'copying';
  tagsTotal = chosen.length;
  progress();
  const concurrency = opts.concurrency ?? 8;
  await runPool(chosen, concurrency, (t) => copyTag(t));

  if (copyReferrers) {
    // Tag schema: `sha256-<hex>` tags whose subject was chosen (or that match --tags themselves).
    const subjectOf = (t: string) => `sha256:${REFERRER_TAG.exec(t)![1]}`;
    const followers = referrerTags.filter((t) => subjects.has(subjectOf(t)) || wanted(t));
    tagsTotal += followers.length;
    await runPool(followers, concurrency, (t) => copyTag(t, subjects.has(subjectOf(t)) ? subjectOf(t) : undefined));
    const api = await copyReferrersApi(session, [...subjects], concurrency, atDestination);
    summary.referrers = [...api.bySubject.values()].reduce((n, refs) => n + refs.length, 0);
    if (api.errors.length) summary.referrerErrors = api.errors;
  }

  // The proof for the summary: every chosen tag resolved again, on both sides.
  phase = 'verifying';
  progress();
  const ordered = [...results.values()];
  await runPool(ordered, concurrency, async (r) => {
    summary.verify.total++;
    if (dryRun) {
      // Nothing was written: the state is what the plan saw.
      if (r.action === 'identical') summary.verify.identical++;
      else if (r.action === 'error') {
        summary.verify.error++;
        (summary.verify.errorCodes ??= []).push(r.cause?.code ?? 'registry');
      }
      else if (r.before) summary.verify.different++;
      else summary.verify.missing++;
      return;
    }
    const [s, d] = await Promise.all([source.headManifest(from, r.tag, signal), destination.headManifest(to, r.tag, signal)]);
    if (!s.ok || (!d.ok && d.error.code !== 'manifest-not-found')) {
      summary.verify.error++;
      (summary.verify.errorCodes ??= []).push(!s.ok ? s.error.code : !d.ok ? d.error.code : 'registry');
    }
    else if (!d.ok) summary.verify.missing++;
    else if (d.value.digest === s.value.digest) summary.verify.identical++;
    else summary.verify.different++;
  });
  for (const r of ordered) {
    summary.tags++;
    if (r.action === 'identical') summary.identical++;
    else if (r.action === 'copied' || r.action === 'would-copy') summary.copied++;
    else if (r.action === 'replaced' || r.action === 'would-replace') summary.replaced++;
    else if (r.action === 'conflict') summary.conflicts++;
    else summary.errors++;
  }
  return { results: ordered, summary };
}

