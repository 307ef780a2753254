import type { PlatformParity } from '../registry/verifyRepositories';

/**
 * What the registries say about one old → new reference pair:
 * - `identical`: the new reference pulls the same bytes (same digest, or, for an index,
 *   every platform the old reference serves has the same digest at the new one);
 * - `missing-at-new`: the old reference resolves, the new one does not exist;
 * - `different`: both resolve, to different images;
 * - `old-missing`: the old reference itself does not resolve (nothing to prove against);
 * - `unreachable`: a registry could not be asked (network, 401/403, 5xx after retries…).
 */
export type VerificationState = 'identical' | 'missing-at-new' | 'different' | 'old-missing' | 'unreachable';

export const VERIFICATION_STATES: readonly VerificationState[] = ['identical', 'missing-at-new', 'different', 'old-missing', 'unreachable'];

/** One side of a pair: a repository and the tag or digest a pull would use. */
export interface VerificationSide {
  /** Normalized repository, `registry.k8s.io/pause`. */
  repository: string;
  /** What is resolved: the digest when the reference pins one, else the tag (`latest` when none is written). */
  reference: string;
}

export interface VerificationTarget {
  old: VerificationSide;
  new: VerificationSide;
}

export interface Verification {
  state: VerificationState;
  oldDigest: string | null;
  newDigest: string | null;
  /** One sentence for a human: "registry.k8s.io/pause:3.9: same digest as k8s.gcr.io/pause:3.9, sha256:7031c1b2…". */
  detail: string;
  /** For indexes whose top-level digests differ: each platform's answer. */
  platforms?: PlatformParity[];
  /** The error code behind `unreachable` (or a failed old side), e.g. `timeout`, `unauthorized`. */
  cause?: string;
  /** Date.now() when it was found. */
  checkedAt: number;
}

/** `host/path:tag` or `host/path@sha256:…`. */
export function formatSide(side: VerificationSide): string {
  return side.reference.includes(':') && /^[a-z0-9]+:[a-f0-9]{32,}$/.test(side.reference) ? `${side.repository}@${side.reference}` : `${side.repository}:${side.reference}`;
}

/** The store's key for a pair: `old -> new`, each written with formatSide. */
export function verificationKey(target: VerificationTarget): string {
  return `${formatSide(target.old)} -> ${formatSide(target.new)}`;
}

/** `sha256:7031c1b283f6…` -> `sha256:7031c1b2…` for messages. */
export function shortDigestText(d: string | null | undefined): string {
  return d ? `${d.slice(0, 15)}…` : '-';
}
