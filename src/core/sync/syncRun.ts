import { CopySession } from '../registry/copyImage';
import { isIndexMediaType } from '../registry/mediaTypes';
import { type RegistryClient, type Repository, formatRepository } from '../registry/registryClient';
import type { RegistryError } from '../registry/registryError';
import { sortTags } from '../registry/sortTags';
import type { HostRateStats } from './rateLimit';
import { copyReferrersApi } from '../registry/referrersApi';
import type { SyncConfig, SyncPair } from './syncConfig';
import { REFERRER_TAG, configFingerprint, referrerSubject, selectShard, tagWanted } from './syncPlan';
import { type PairReport, type SyncReport, type SyncTagResult, summarizePair, totalsOf } from './syncReport';
import { runPool } from '../runPool';

export interface SyncClients {
  /** Reads the old repositories (pull scopes only). */
  source: RegistryClient;
  /** Writes the new ones; built with `allowPush` (a check passes a read-only client). */
  destination: RegistryClient;
  /** The limiter both clients run through, for the report. */
  rateStats?: () => HostRateStats[];
}

export interface SyncRunOptions {
  /** Report drift and write nothing. */
  check?: boolean;
  /** With `check`: also count what copying the missing tags would send (manifests read, blobs HEADed at the new side), in `stats`. */
  plan?: boolean;
  shard?: { index: number; count: number };
  signal?: AbortSignal;
  /** Each tag as it is settled (the Tag Explorer turns its node "identical" from this). */
  onTag?: (pair: SyncPair, result: SyncTagResult) => void;
  onPair?: (pair: SyncPair, report: PairReport) => void;
}

function cause(e: RegistryError): { code: string; message: string } {
  return { code: e.code, message: e.message };
}


/**
 * Keeps every pair of the config in step, or (`check`) reports how far apart they are.
 *
 * HEAD-first and idempotent: per pair, one tag list per side, then one HEAD per chosen tag
 * on the old side and one on the new side for tags the new side lists. Only a tag that is
 * missing costs more (its manifests are read, and blobs and children the new side lacks are
 * mounted or uploaded, then the tag is HEADed again as proof). So a run with nothing to do
 * writes nothing and reads no manifest body. Never deletes, never replaces a tag that has
 * another digest at the new side (that is reported as `different`).
 *
 * Signatures follow their images: `sha256-<hex>.sig/.att/.sbom` tags whose digest is a
 * chosen image (or a platform of one) are synced after it, and for images copied in this
 * run the OCI referrers API is asked too (every image with `recheckReferrers`).
 * Never throws for registry trouble: it becomes `error` results or a `listingError`.
 */
export async function runSync(config: SyncConfig, clients: SyncClients, opts: SyncRunOptions = {}): Promise<SyncReport> {
  const t0 = Date.now();
  const pairs = selectShard(config.pairs, opts.shard);
  const reports: PairReport[] = new Array<PairReport>(pairs.length);
  await runPool(pairs, config.defaults.pairs, async (p, i) => {
    reports[i] = await syncPair(p, config, clients, opts);
    opts.onPair?.(p, reports[i]);
  });
  const report: SyncReport = {
    schema: 1,
    mode: opts.check ? 'check' : 'sync',
    config: { path: config.path, fingerprint: configFingerprint(config.pairs), pairs: config.pairs.length },
    pairs: reports,
    totals: totalsOf(reports),
    rate: clients.rateStats?.() ?? [],
    seconds: (Date.now() - t0) / 1000,
  };
  if (opts.shard) report.shard = opts.shard;
  return report;
}

/** One pair; exported for the Tag Explorer, which syncs the pair a user clicked. */
export async function syncPair(pair: SyncPair, config: Pick<SyncConfig, 'defaults'>, clients: SyncClients, opts: SyncRunOptions = {}): Promise<PairReport> {
  const t0 = Date.now();
  const { source, destination } = clients;
  const from: Repository = pair.old;
  const to: Repository = pair.new;
  const signal = opts.signal;
  const check = opts.check ?? false;
  const concurrency = config.defaults.concurrency;
  const report: PairReport = { key: pair.key, old: formatRepository(from), new: formatRepository(to), results: [], summary: summarizePair([], 0, 0), warnings: [], seconds: 0 };
  const finish = (results: SyncTagResult[], onlyInNew: number, api: number, stats?: PairReport['stats']) => {
    report.results = results;
    report.summary = summarizePair(results, onlyInNew, api);
    if (stats && (!check || opts.plan)) report.stats = stats;
    report.seconds = (Date.now() - t0) / 1000;
    return report;
  };

  const [oldTags, newTags] = await Promise.all([source.listTags(from, { signal }), destination.listTags(to, { signal })]);
  if (!oldTags.ok) {
    report.listingError = { side: 'old', ...cause(oldTags.error) };
    return finish([], 0, 0);
  }
  if (!newTags.ok && newTags.error.code !== 'repository-not-found') {
    report.listingError = { side: 'new', ...cause(newTags.error) };
    return finish([], 0, 0);
  }
  const atNew = new Set(newTags.ok ? newTags.value : []);
  const atOld = new Set(oldTags.value);
  const withReferrers = pair.referrers;
  const isRef = (t: string) => withReferrers && REFERRER_TAG.test(t);
  const chosen = sortTags(oldTags.value.filter((t) => !REFERRER_TAG.test(t) && tagWanted(t, pair.tags)));
  const referrerTags = withReferrers ? oldTags.value.filter((t) => REFERRER_TAG.test(t)) : [];
  const onlyInNew = [...atNew].filter((t) => !atOld.has(t) && !isRef(t) && !REFERRER_TAG.test(t) && tagWanted(t, pair.tags)).length;
  if (!chosen.length) report.warnings.push(`no tag of ${report.old} passes the filter${pair.tags.allow.length || pair.tags.deny.length || pair.tags.semver ? ' (tags: allow/deny/semver)' : ''}`);

  const session = new CopySession({ source, destination, from, to }, { signal, dryRun: check });
  const results = new Map<string, SyncTagResult>();
  /** digest -> the chosen tag that has it (top level, or as a platform of an index). */
  const subjects = new Map<string, string>();
  /** Digests of images written in this run (top level and children): their referrers are asked for. */
  const copiedSubjects = new Set<string>();
  const indexTags: { tag: string; digest: string }[] = [];

  const settle = async (tag: string, referrerOf?: { digest: string; tag?: string }): Promise<SyncTagResult> => {
    const r: SyncTagResult = { tag, status: 'error', old: null, new: null, ...(referrerOf ? { referrerOf } : {}) };
    results.set(tag, r);
    try {
      const [s, d] = await Promise.all([source.headManifest(from, tag, signal), atNew.has(tag) ? destination.headManifest(to, tag, signal) : undefined]);
      if (!s.ok) {
        r.cause = cause(s.error);
        return r;
      }
      r.old = s.value.digest;
      r.mediaType = s.value.mediaType;
      if (!referrerOf) {
        subjects.set(s.value.digest, tag);
        if (isIndexMediaType(s.value.mediaType)) indexTags.push({ tag, digest: s.value.digest });
      }
      if (d && !d.ok && d.error.code !== 'manifest-not-found') {
        r.cause = cause(d.error);
        return r;
      }
      const before = d?.ok ? d.value.digest : null;
      r.new = before;
      if (before === s.value.digest) {
        r.status = 'identical';
        return r;
      }
      if (before) {
        // Never clobber: a tag with another digest at the new side is the user's to decide.
        r.status = 'different';
        return r;
      }
      if (check) {
        r.status = 'missing';
        if (opts.plan) {
          const m = await session.copyManifest(s.value.digest, tag);
          for (const c of m.children) if (!referrerOf) subjects.set(c.digest, tag);
        }
        return r;
      }
      const m = await session.copyManifest(s.value.digest, tag);
      copiedSubjects.add(s.value.digest);
      for (const c of m.children) {
        copiedSubjects.add(c.digest);
        if (!referrerOf) subjects.set(c.digest, tag);
      }
      const after = await destination.headManifest(to, tag, signal);
      if (!after.ok) {
        r.cause = cause(after.error);
        return r;
      }
      r.new = after.value.digest;
      if (after.value.digest !== s.value.digest) {
        r.cause = { code: 'digest-mismatch', message: `${report.new}:${tag} resolves to ${after.value.digest} after the copy, the old side is ${s.value.digest}` };
        return r;
      }
      r.status = 'copied';
      return r;
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'RegistryError') throw e;
      r.cause = cause(e as RegistryError);
      return r;
    } finally {
      opts.onTag?.(pair, r);
    }
  };

  await runPool(chosen, concurrency, async (t) => void (await settle(t)));

  let apiCount = 0;
  if (withReferrers) {
    // A referrer tag whose digest is not a chosen tag's may refer to a platform of a chosen
    // index: only then are those indexes read (an index that was copied is known already).
    let unresolved = referrerTags.filter((t) => !subjects.has(referrerSubject(t)!));
    // Those the new side lists and has with the same digest need nothing, whoever they refer to:
    // a run with nothing to do reads no index for them.
    await runPool(unresolved.filter((t) => atNew.has(t)), concurrency, async (t) => {
      const [s, d] = await Promise.all([source.headManifest(from, t, signal), destination.headManifest(to, t, signal)]);
      if (s.ok && d.ok && s.value.digest === d.value.digest) {
        const r: SyncTagResult = { tag: t, status: 'identical', old: s.value.digest, new: d.value.digest, mediaType: s.value.mediaType, referrerOf: { digest: referrerSubject(t)! } };
        results.set(t, r);
        opts.onTag?.(pair, r);
      }
    });
    unresolved = unresolved.filter((t) => !results.has(t));
    if (unresolved.length) {
      await runPool(indexTags.filter((x) => !copiedSubjects.has(x.digest)), concurrency, async (x) => {
        try {
          const m = await session.sourceManifest(x.digest);
          for (const c of m.children) if (!subjects.has(c.digest)) subjects.set(c.digest, x.tag);
        } catch (e) {
          if (!(e instanceof Error) || e.name !== 'RegistryError') throw e;
          report.warnings.push(`could not read ${report.old}:${x.tag} to find referrers of its platforms: ${e.message}`);
        }
      });
    }
    // Referrers of referrers (a signature of an SBOM) come in the next rounds.
    let pending = referrerTags.filter((t) => subjects.has(referrerSubject(t)!) && !results.has(t));
    for (let round = 0; pending.length && round < 4; round++) {
      await runPool(pending, concurrency, async (t) => {
        const digest = referrerSubject(t)!;
        const r = await settle(t, { digest, tag: subjects.get(digest) });
        if (r.old) subjects.set(r.old, subjects.get(digest) ?? t);
      });
      pending = referrerTags.filter((t) => subjects.has(referrerSubject(t)!) && !results.has(t));
    }
    const apiSubjects = config.defaults.recheckReferrers ? [...subjects.keys()] : [...copiedSubjects];
    if (!check && apiSubjects.length) {
      const api = await copyReferrersApi(session, apiSubjects, concurrency, atNew);
      for (const [digest, refs] of api.bySubject) {
        apiCount += refs.length;
        const owner = results.get(subjects.get(digest) ?? '');
        if (owner) owner.referrers = [...(owner.referrers ?? []), ...refs];
      }
      report.warnings.push(...api.errors);
    }
    for (const r of results.values()) {
      if (r.referrerOf && !r.referrerOf.tag && subjects.has(r.referrerOf.digest)) r.referrerOf.tag = subjects.get(r.referrerOf.digest);
      if (!r.referrerOf?.tag) continue;
      const owner = results.get(r.referrerOf.tag);
      if (owner && owner !== r) owner.referrers = [...(owner.referrers ?? []), r.tag];
    }
  }
  return finish([...results.values()], onlyInNew, apiCount, session.stats);
}
