import { RegistryError } from './registryError';

/**
 * The one place that turns repository names and references into registry URL paths.
 *
 * Why: a tag list is the registry's word, and a registry can be hostile. A tag such as
 * `latest?evil=1` pasted into `/v2/<name>/manifests/<tag>` turns into a query string (the
 * PUT replaces `latest`), and `../../other/manifests/pwned` is resolved by the URL parser
 * into another repository. So every name and reference is checked against the grammar and
 * percent-encoded here, and nothing else in the client builds a `/v2/` path by hand.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 */

/** A path component of a repository name (distribution/reference). */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}` (distribution-spec, "tag"). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** OCI image-spec digest grammar; sha256 and sha512 must also be lowercase hex of their length. */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MAX_NAME = 255;

/** What `from` said a name or reference is, for the error message ("in the tag list of ghcr.io"). */
export interface PathContext {
  /** The registry host the name belongs to, or that sent it. */
  host: string;
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidDigest(digest: string): boolean {
  if (!DIGEST.test(digest)) return false;
  const [alg, enc] = digest.split(':', 2);
  if (alg === 'sha256') return /^[a-f0-9]{64}$/.test(enc);
  if (alg === 'sha512') return /^[a-f0-9]{128}$/.test(enc);
  return true;
}

export function isValidReference(reference: string): boolean {
  return isValidTag(reference) || isValidDigest(reference);
}

/** Names found valid, a few at a time: a verify of 100,000 tags checks two names 400,000 times. */
const validPaths = new Set<string>();

export function isValidRepositoryPath(path: string): boolean {
  if (validPaths.has(path)) return true;
  // No separate empty check: '' splits into one empty component, which PATH_COMPONENT refuses.
  const valid = path.length <= MAX_NAME && path.split('/').every((c) => PATH_COMPONENT.test(c));
  if (valid) {
    if (validPaths.size >= 256) validPaths.clear();
    validPaths.add(path);
  }
  return valid;
}

/** A short, printable form of a hostile value for a message (no control characters, bounded length). */
export function printable(value: string): string {
  const s = JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value);
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Percent-encodes one path segment; `:` stays (a pchar, and digests contain it). */
function segment(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':');
}

/**
 * A valid name as a path. Its characters (`a-z0-9._-` and `/`) are all unreserved, so
 * percent-encoding would leave it as it is: the grammar check is the whole guard.
 */
function checkedName(repoPath: string, ctx: PathContext): string {
  if (!isValidRepositoryPath(repoPath)) {
    throw new RegistryError('invalid-repository', `${ctx.host}: ${printable(repoPath)} is not a valid repository name (lowercase letters, digits and . _ - between them, / between components)`);
  }
  return repoPath;
}

/** A tag (unreserved characters only: itself) or a digest (percent-encoded, `:` kept). */
function checkedReference(reference: string, ctx: PathContext): string {
  if (isValidTag(reference)) return reference;
  if (!isValidDigest(reference)) {
    throw new RegistryError('invalid-reference', `${ctx.host}: ${printable(reference)} is neither a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}) nor a digest`);
  }
  return segment(reference);
}

function checkedDigest(digest: string, ctx: PathContext): string {
  if (!isValidDigest(digest)) throw new RegistryError('invalid-reference', `${ctx.host}: ${printable(digest)} is not a valid digest`);
  return segment(digest);
}

/** What the builders need of a repository (the `Repository` type, without importing the client). */
export interface RepositoryName {
  host: string;
  path: string;
}

/** `/v2/<name>/manifests/<tag or digest>` */
export function manifestPath(repo: RepositoryName, reference: string): string {
  return `/v2/${checkedName(repo.path, repo)}/manifests/${checkedReference(reference, repo)}`;
}

/** `/v2/<name>/blobs/<digest>` */
export function blobPath(repo: RepositoryName, digest: string): string {
  return `/v2/${checkedName(repo.path, repo)}/blobs/${checkedDigest(digest, repo)}`;
}

/** `/v2/<name>/blobs/uploads/` (start an upload). */
export function uploadsPath(repo: RepositoryName): string {
  return `/v2/${checkedName(repo.path, repo)}/blobs/uploads/`;
}

/** `/v2/<name>/blobs/uploads/?mount=<digest>&from=<other name>` (cross-repository mount). */
export function mountPath(repo: RepositoryName, digest: string, from: RepositoryName): string {
  return `${uploadsPath(repo)}?mount=${checkedDigest(digest, repo)}&from=${encodeURIComponent(checkedName(from.path, from))}`;
}

/** `/v2/<name>/referrers/<digest>` (OCI distribution 1.1). */
export function referrersPath(repo: RepositoryName, digest: string): string {
  return `/v2/${checkedName(repo.path, repo)}/referrers/${checkedDigest(digest, repo)}`;
}

/** `/v2/<name>/tags/list?n=<n>` */
export function tagListPath(repo: RepositoryName, n: number): string {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RegistryError('invalid-reference', `${repo.host}: page size ${n} is not a positive integer`);
  return `/v2/${checkedName(repo.path, repo)}/tags/list?n=${n}`;
}

/** Throws `invalid-reference` naming `ctx.host` unless `reference` is a tag or digest. */
export function assertReference(reference: string, ctx: PathContext): void {
  checkedReference(reference, ctx);
}
