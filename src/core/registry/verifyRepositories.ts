import { isIndexMediaType } from './mediaTypes';
import { type ManifestDescriptor, type PlatformManifest, type RegistryClient, type Repository, formatRepository, parsePlatforms } from './registryClient';
import type { RegistryError, Result } from './registryError';
import { sortTags } from './sortTags';
import { type TagSelection, tagPredicate } from './tagSelection';
import { runPool } from '../runPool';

export type ParityStatus = 'identical' | 'missing' | 'different' | 'only-in-new' | 'error';
export type PlatformStatus = 'identical' | 'different' | 'missing' | 'only-in-new';

export interface PlatformParity {
  platform: string;
  old: string | null;
  new: string | null;
  status: PlatformStatus;
}

/** One tag's answer. `platforms` lists an index's entries when the top-level digests differ. */
export interface TagParity {
  tag: string;
  status: ParityStatus;
  old: ManifestDescriptor | null;
  new: ManifestDescriptor | null;
  platforms: PlatformParity[];
  /** For `different` indexes: every platform has the same digest, only the index itself differs (e.g. a Docker list re-pushed as an OCI index). */
  platformsIdentical?: boolean;
  /** For `error`: what failed, e.g. `{code: 'timeout', message: 'ghcr.io/…: no answer within 30 s'}`. */
  cause?: { code: string; message: string };
}

export interface VerifySummary {
  old: string;
  new: string;
  total: number;
  identical: number;
  missing: number;
  different: number;
  onlyInNew: number;
  error: number;
  /** The new repository does not exist at all (404 NAME_UNKNOWN), so every tag is missing. */
  newRepositoryMissing?: boolean;
  /** Listing the old (or new) repository failed, so there is nothing to compare. */
  listingError?: { side: 'old' | 'new'; code: string; message: string };
}

export interface VerifyReport {
  /** In tag order; only those not `identical` with VerifyOptions.keep `problems`. */
  results: TagParity[];
  summary: VerifySummary;
}

export interface VerifyOptions extends TagSelection {
  /** Only tags matching this (on either side); `since` and `semver` narrow further. */
  tags?: RegExp;
  /** Tags compared at once. Default 16. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /**
   * Each tag's answer as soon as it is known, with its index in `results` (the Tag Explorer
   * updates its nodes from these; `verify --format json` writes them in order as they come).
   */
  onResult?: (result: TagParity, index: number) => void;
  /**
   * `problems`: the report keeps only the results that are not `identical` (what a gate or a
   * table of problems reads), for a caller that takes every result from onResult: 100,000
   * kept results were ~90 MB that every collection had to walk (bench:verify-scale).
   * Default `all`.
   */
  keep?: 'all' | 'problems';
}

function cause(e: RegistryError): { code: string; message: string } {
  return { code: e.code, message: e.message };
}

/**
 * Platform-by-platform comparison of two manifests of which at least one is an index.
 * A single manifest on one side matches the index entry with its digest.
 */
export function comparePlatforms(oldSide: PlatformManifest[] | string, newSide: PlatformManifest[] | string): PlatformParity[] {
  const out: PlatformParity[] = [];
  if (typeof oldSide === 'string' && typeof newSide === 'string') return out;
  if (typeof oldSide === 'string' || typeof newSide === 'string') {
    const single = typeof oldSide === 'string' ? oldSide : (newSide as string);
    const index = typeof oldSide === 'string' ? (newSide as PlatformManifest[]) : oldSide;
    const singleIsOld = typeof oldSide === 'string';
    let matched = false;
    for (const p of index) {
      const same = p.digest === single;
      matched ||= same;
      out.push({
        platform: p.platform,
        old: singleIsOld ? (same ? single : null) : p.digest,
        new: singleIsOld ? p.digest : same ? single : null,
        status: same ? 'identical' : singleIsOld ? 'only-in-new' : 'missing',
      });
    }
    if (!matched) out.push({ platform: 'single-platform manifest', old: singleIsOld ? single : null, new: singleIsOld ? null : single, status: singleIsOld ? 'missing' : 'only-in-new' });
    return out;
  }
  const newBy = new Map(newSide.map((p) => [p.platform, p]));
  for (const p of oldSide) {
    const n = newBy.get(p.platform);
    out.push({ platform: p.platform, old: p.digest, new: n?.digest ?? null, status: !n ? 'missing' : n.digest === p.digest ? 'identical' : 'different' });
  }
  const oldKeys = new Set(oldSide.map((p) => p.platform));
  for (const p of newSide) if (!oldKeys.has(p.platform)) out.push({ platform: p.platform, old: null, new: p.digest, status: 'only-in-new' });
  return out;
}

async function platformsOf(client: RegistryClient, repo: Repository, d: ManifestDescriptor, signal?: AbortSignal): Promise<Result<PlatformManifest[] | string>> {
  if (!isIndexMediaType(d.mediaType)) return { ok: true, value: d.digest };
  const m = await client.getManifest(repo, d.digest, signal);
  if (!m.ok) return m;
  try {
    return { ok: true, value: parsePlatforms(m.value.bytes) };
  } catch (e) {
    return { ok: false, error: e as RegistryError };
  }
}

const mediaTypes = new Map<string, string>();

/** Identical tags share one empty platform list (frozen: nothing may add to it). */
const NO_PLATFORMS: PlatformParity[] = Object.freeze([]) as unknown as PlatformParity[];

/**
 * The descriptor with its media type interned: a registry answers with a handful of them,
 * each HEAD with a fresh string. In place: headManifest's descriptors are fresh objects of
 * these two fields, owned by this comparison.
 */
function compact(d: ManifestDescriptor): ManifestDescriptor {
  let t = mediaTypes.get(d.mediaType);
  if (t === undefined) {
    if (mediaTypes.size >= 64) mediaTypes.clear();
    mediaTypes.set(d.mediaType, (t = d.mediaType));
  }
  d.mediaType = t;
  return d;
}

/** One tag on both sides; `inOld`/`inNew` say where it is listed. Never throws for registry trouble. */
export async function compareTag(client: RegistryClient, oldRepo: Repository, newRepo: Repository, tag: string, inOld: boolean, inNew: boolean, signal?: AbortSignal): Promise<TagParity> {
  const [o, n] = await Promise.all([
    inOld ? client.headManifest(oldRepo, tag, signal) : undefined,
    inNew ? client.headManifest(newRepo, tag, signal) : undefined,
  ]);
  // Literals of one shape, not spreads of a base: this runs 100,000 times in a large verify.
  if (o && !o.ok) return { tag, status: 'error', old: null, new: null, platforms: [], cause: cause(o.error) };
  if (n && !n.ok && n.error.code !== 'manifest-not-found') return { tag, status: 'error', old: o?.value ?? null, new: null, platforms: [], cause: cause(n.error) };
  const oldD = o ? compact(o.value) : null;
  const newD = n?.ok ? compact(n.value) : null;
  if (!oldD && !newD) return { tag, status: 'error', old: null, new: null, platforms: [], cause: { code: 'manifest-not-found', message: `${tag}: listed but not found on either side` } };
  if (!newD) return { tag, status: 'missing', old: oldD, new: null, platforms: [] };
  if (!oldD) return { tag, status: 'only-in-new', old: null, new: newD, platforms: [] };
  // Identical: one descriptor for both sides when they agree (a report of 100,000 tags keeps
  // every result; this and interned media types take it from ~470 to ~300 bytes a tag).
  if (oldD.digest === newD.digest) return { tag, status: 'identical', old: oldD, new: newD.mediaType === oldD.mediaType ? oldD : newD, platforms: NO_PLATFORMS };
  const result: TagParity = { tag, status: 'different', old: oldD, new: newD, platforms: [] };
  if (isIndexMediaType(oldD.mediaType) || isIndexMediaType(newD.mediaType)) {
    const [op, np] = await Promise.all([platformsOf(client, oldRepo, oldD, signal), platformsOf(client, newRepo, newD, signal)]);
    if (!op.ok) return { ...result, status: 'error', cause: cause(op.error) };
    if (!np.ok) return { ...result, status: 'error', cause: cause(np.error) };
    result.platforms = comparePlatforms(op.value, np.value);
    result.platformsIdentical = result.platforms.length > 0 && result.platforms.every((p) => p.status === 'identical');
  }
  return result;
}

/**
 * Compares every tag of `oldRepo` with the same tag in `newRepo`: top-level digests first
 * (HEAD with the same Accept list on both sides), then, when they differ and an index is
 * involved, the per-platform digests. Never throws for registry trouble: failures become
 * `error` results or `summary.listingError`.
 */
export async function verifyRepositories(client: RegistryClient, oldRepo: Repository, newRepo: Repository, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const summary: VerifySummary = { old: formatRepository(oldRepo), new: formatRepository(newRepo), total: 0, identical: 0, missing: 0, different: 0, onlyInNew: 0, error: 0 };
  const [oldTags, newTags] = await Promise.all([client.listTags(oldRepo, { signal: opts.signal }), client.listTags(newRepo, { signal: opts.signal })]);
  if (!oldTags.ok) {
    summary.listingError = { side: 'old', ...cause(oldTags.error) };
    return { results: [], summary };
  }
  let newFailure: RegistryError | undefined;
  let newList: string[] = [];
  if (newTags.ok) newList = newTags.value;
  else if (newTags.error.code === 'repository-not-found') summary.newRepositoryMissing = true;
  else newFailure = newTags.error;

  const keep = tagPredicate(opts);
  const oldSet = new Set(oldTags.value.filter(keep));
  const newSet = new Set(newList.filter(keep));
  const tags = sortTags(new Set([...oldSet, ...newSet]));
  const keepAll = opts.keep !== 'problems';
  // By index; with `problems`, only those, and the holes dropped at the end.
  const results: TagParity[] = new Array<TagParity>(tags.length);
  let done = 0;
  opts.onProgress?.(0, tags.length);
  await runPool(tags, opts.concurrency ?? 16, async (tag, i) => {
    let r: TagParity;
    if (newFailure && oldSet.has(tag)) {
      r = { tag, status: 'error', old: null, new: null, platforms: [], cause: { code: newFailure.code, message: `listing the new repository: ${newFailure.message}` } };
    } else {
      r = await compareTag(client, oldRepo, newRepo, tag, oldSet.has(tag), newSet.has(tag), opts.signal);
    }
    if (keepAll || r.status !== 'identical') results[i] = r;
    // Counted here, where each status is known, not inferred from what was kept.
    summary.total++;
    if (r.status === 'only-in-new') summary.onlyInNew++;
    else summary[r.status]++;
    opts.onResult?.(r, i);
    opts.onProgress?.(++done, tags.length);
  });
  return { results: keepAll ? results : results.filter((r) => r !== undefined), summary };
}
