/**
 * Image reference grammar, after distribution/reference:
 * https://github.com/distribution/reference/blob/main/reference.go
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain "/"] path-component ["/" path-component]*
 *   domain    := host [":" port]        (first component with "." or ":", or "localhost")
 *   tag       := [\w][\w.-]{0,127}
 *   digest    := algorithm ":" hex      (sha256: 64 lowercase hex)
 *
 * The whole name is at most 255 characters. Bare names belong to docker.io, and
 * one-component names get "library/" (`redis` is `docker.io/library/redis`).
 */

export interface ImageReference {
  /** Registry host as written, or '' when the reference has none (implicitly docker.io). */
  domain: string;
  /** Repository path as written, without domain (`bitnami/redis`, `redis`). */
  path: string;
  tag?: string;
  digest?: string;
}

export type ReferenceErrorCode =
  | 'empty'
  | 'invalid-format'
  | 'uppercase-repository'
  | 'name-too-long'
  | 'tag-too-long'
  | 'invalid-tag'
  | 'invalid-digest';

export interface ReferenceError {
  name: 'ReferenceError';
  code: ReferenceErrorCode;
  message: string;
}

export type ParseReferenceResult = { ok: true; ref: ImageReference } | { ok: false; error: ReferenceError };

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** PATH_COMPONENT tried in place at lastIndex: a component ends at a slash or the end. */
const PATH_COMPONENT_AT = /[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?=\/|$)/y;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const MAX_NAME = 255;

function fail(code: ReferenceErrorCode, message: string): ParseReferenceResult {
  return { ok: false, error: { name: 'ReferenceError', code, message } };
}

/** True when the first path component names a registry host rather than a namespace. */
export function isDomainComponent(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Hosts seen, valid or not: a repository names the same few hosts thousands of times. */
const domainCache = new Map<string, boolean>();

function validDomain(domain: string): boolean {
  let ok = domainCache.get(domain);
  // Stryker disable next-line ConditionalExpression: a cache; checking again gives the same answer
  if (ok === undefined) {
    ok = checkDomain(domain);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when the cache is cleared changes only its speed
    if (domainCache.size > 1000) domainCache.clear();
    domainCache.set(domain, ok);
  }
  return ok;
}

function checkDomain(domain: string): boolean {
  // host[:port], host may be a bracketed IPv6 literal.
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:/]+)(?::(\d+))?$/.exec(domain);
  if (!m) return false;
  if (m[1].startsWith('[')) return true;
  return m[1].split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

/** Parses a reference exactly as written. Never throws on user text. */
export function parseImageReference(input: string): ParseReferenceResult {
  if (input.length === 0) return fail('empty', 'empty image reference');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return fail('invalid-digest', `invalid digest "${digest}"`);
    if (digest.startsWith('sha256:') && !/^[a-f0-9]{64}$/.test(digest.slice('sha256:'.length))) {
      return fail('invalid-digest', `a sha256 digest has 64 lowercase hex characters: "${digest}"`);
    }
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (tag.length > 128) return fail('tag-too-long', `tag is longer than 128 characters`);
    if (!TAG.test(tag)) return fail('invalid-tag', `invalid tag "${tag}"`);
  }
  if (rest.length === 0) return fail('invalid-format', `no repository name in "${input}"`);
  if (rest.length > MAX_NAME) return fail('name-too-long', `repository name is longer than ${MAX_NAME} characters`);
  // Components are read in place (no split/join: this runs for every mention of a scan).
  let domain = '';
  let pathStart = 0;
  const firstSlash = rest.indexOf('/');
  if (firstSlash !== -1) {
    const first = rest.slice(0, firstSlash);
    if (isDomainComponent(first)) {
      domain = first;
      if (!validDomain(domain)) return fail('invalid-format', `invalid registry host "${domain}"`);
      pathStart = firstSlash + 1;
    }
  }
  for (let i = pathStart; ; ) {
    const j = rest.indexOf('/', i);
    // A valid component is checked without slicing it out (this runs for every component
    // of every mention); only an invalid one is sliced, for its message.
    PATH_COMPONENT_AT.lastIndex = i;
    if (!PATH_COMPONENT_AT.test(rest)) {
      const c = j === -1 ? rest.slice(i) : rest.slice(i, j);
      if (PATH_COMPONENT.test(c.toLowerCase())) return fail('uppercase-repository', `repository names must be lowercase: "${rest}"`);
      return fail('invalid-format', `invalid repository path component "${c}" in "${input}"`);
    }
    if (j === -1) break;
    i = j + 1;
  }
  // Stryker disable next-line ConditionalExpression: a shortcut; rest.slice(0) is rest
  const ref: ImageReference = { domain, path: pathStart === 0 ? rest : rest.slice(pathStart) };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return { ok: true, ref };
}

/** The canonical registry host: '' and Docker Hub aliases become docker.io. */
export function normalizeDomain(domain: string): string {
  const d = domain.toLowerCase();
  return d === '' || DOCKER_HUB_ALIASES.has(d) ? DOCKER_HUB : d;
}

/** The path with Docker Hub's implicit `library/` added for one-component names. */
export function normalizePath(domain: string, path: string): string {
  return normalizeDomain(domain) === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path;
}

/** Fully qualified repository name, e.g. `redis` -> `docker.io/library/redis`. */
export function normalizedName(ref: Pick<ImageReference, 'domain' | 'path'>): string {
  return `${normalizeDomain(ref.domain)}/${normalizePath(ref.domain, ref.path)}`;
}

/** The reference as written: [domain/]path[:tag][@digest]. parse(format(r)) equals r. */
export function formatImageReference(ref: ImageReference): string {
  let s = ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** Splits a normalized name `domain/path` into its two parts. */
export function splitName(name: string): { domain: string; path: string } {
  const i = name.indexOf('/');
  return i === -1 ? { domain: DOCKER_HUB, path: name } : { domain: name.slice(0, i), path: name.slice(i + 1) };
}

/**
 * Writes `newName` (normalized) in the style of `written`: when the original left
 * out docker.io (`bitnami/redis`), the new name does too if it is still on Docker Hub,
 * and `library/` is dropped again for official images.
 */
export function nameInStyleOf(written: Pick<ImageReference, 'domain' | 'path'>, newName: string): string {
  const { domain, path } = splitName(newName);
  if (domain === DOCKER_HUB && written.domain === '') {
    // Only an official image (`library/NAME`, one component after it) may drop `library/`:
    // `library/foo/bar` written as `foo/bar` would be docker.io/foo/bar, another repository.
    const official = path.startsWith('library/') && path.indexOf('/', 'library/'.length) === -1;
    return official && !written.path.includes('/') ? path.slice('library/'.length) : path;
  }
  // written.domain is not '' here when the new name is on Docker Hub: the branch above returned.
  if (domain === DOCKER_HUB && normalizeDomain(written.domain) === DOCKER_HUB) {
    return `${written.domain}/${path}`;
  }
  return `${domain}/${path}`;
}
