import { createHash } from 'crypto';

import { satisfiesRange } from './semverRange';
import type { SyncPair, TagFilter } from './syncConfig';

/** `sha256-<hex>` (OCI referrers tag schema) and cosign's `sha256-<hex>.sig/.att/.sbom`. */
export const REFERRER_TAG = /^sha256-([a-f0-9]{64})(?:\.[A-Za-z0-9_-]+)?$/;

/** The digest a referrer tag points at: `sha256-ab….sig` -> `sha256:ab…`. */
export function referrerSubject(tag: string): string | undefined {
  const m = REFERRER_TAG.exec(tag);
  return m ? `sha256:${m[1]}` : undefined;
}

/** Whether a (non-referrer) tag passes a pair's filter: any allow, no deny, inside the semver range. */
export function tagWanted(tag: string, f: TagFilter): boolean {
  if (f.allow.length && !f.allow.some((r) => r.test(tag))) return false;
  if (f.deny.some((r) => r.test(tag))) return false;
  if (f.semver && !satisfiesRange(tag, f.semver.range)) return false;
  return true;
}

/**
 * The shard (1-based) a pair belongs to out of `count`. It depends only on the pair's names,
 * so every machine of a matrix computes the same split, and adding a pair to the config
 * never moves the others to another shard.
 */
export function shardOf(pair: Pick<SyncPair, 'key'>, count: number): number {
  const h = createHash('sha256').update(pair.key).digest();
  return (h.readUInt32BE(0) % count) + 1;
}

export function selectShard<T extends Pick<SyncPair, 'key'>>(pairs: T[], shard: { index: number; count: number } | undefined): T[] {
  return shard ? pairs.filter((p) => shardOf(p, shard.count) === shard.index) : pairs;
}

/** A short fingerprint of the pairs of a config, so merged reports can tell they come from one config. */
export function configFingerprint(pairs: Pick<SyncPair, 'key'>[]): string {
  return createHash('sha256').update(pairs.map((p) => p.key).sort().join('\n')).digest('hex').slice(0, 16);
}
