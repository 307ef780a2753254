import { createHash } from 'crypto';
import type { Dispatcher } from 'undici';

import { HttpTransport, type RegistryRequest, type RegistryResponse, Semaphore, header, readCapped, retryAfterMs, sleep, untilAborted } from './httpTransport';
import { type PlatformManifest, parsePlatforms, sniffMediaType } from './manifestParsing';

import { normalizeDomain, normalizePath, parseImageReference } from '../reference/imageReference';
import type { Credential, CredentialProvider } from './credentials';
import { checkHostOverrides, hostnameOf, isLoopbackHost, isPrivateAddress, realmUnderHost, registryOrigin } from './hosts';
import { nextLink } from './linkHeader';
import { MANIFEST_ACCEPT, bareMediaType, isIndexMediaType } from './mediaTypes';
import { RegistryError, type RegistryErrorCode, type Result, attempt } from './registryError';
import { RequestGuard } from './requestGuard';
import { isValidRepositoryPath, isValidTag, manifestPath, printable, tagListPath } from './registryPaths';
import type { RegistryRequestHooks } from './requestHooks';
import { parseWwwAuthenticate } from './wwwAuthenticate';

/** The most a token service may answer: tokens are a few KB (a JWT with its claims). */
const TOKEN_MAX_BYTES = 1024 * 1024;
/** The default token scope actions: one array, not one per request. */
const PULL: readonly ('pull' | 'push')[] = ['pull'];

/** A repository on a registry: `{host: 'ghcr.io', path: 'kubeflow/spark-operator/controller'}`. */
export interface Repository {
  /** Normalized registry host (`docker.io`, `127.0.0.1:5000`). */
  host: string;
  path: string;
}

/** Parses `ghcr.io/a/b` (no tag, no digest) into a Repository; bare names are Docker Hub's. */
export function parseRepository(input: string): Result<Repository> {
  const r = parseImageReference(input.trim());
  if (!r.ok) return { ok: false, error: new RegistryError('invalid-repository', r.error.message) };
  if (r.ref.tag !== undefined || r.ref.digest !== undefined) {
    return { ok: false, error: new RegistryError('invalid-repository', `"${input}" names an image, not a repository: leave out the tag or digest`) };
  }
  return { ok: true, value: { host: normalizeDomain(r.ref.domain), path: normalizePath(r.ref.domain, r.ref.path) } };
}

export function formatRepository(repo: Repository): string {
  return `${repo.host}/${repo.path}`;
}

/** `ghcr.io/app:1.0`, or `ghcr.io/app@sha256:…` for a digest (never `app:sha256:…`). */
export function formatReference(repo: Repository, reference: string): string {
  return `${formatRepository(repo)}${/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:/.test(reference) ? '@' : ':'}${reference}`;
}

export type { PlatformManifest, RegistryRequest, RegistryResponse };
export { parsePlatforms, retryAfterMs };

export interface RegistryClientOptions {
  /** The transport; the CLI passes an EnvHttpProxyAgent, tests a plain Agent. The client never closes it. */
  dispatcher: Dispatcher;
  credentials?: CredentialProvider;
  /** Hosts (`host` or `host:port`) that are spoken to over plain HTTP, besides loopback. */
  insecureRegistries?: Iterable<string>;
  /** At most this many requests in flight per registry host. Default 16. */
  maxConcurrencyPerHost?: number;
  /** Per attempt: connecting, the headers and the body each get this long. Default 30 s. */
  timeoutMs?: number;
  /** Bodies slower than this many bytes per second over `speedWindowMs` are aborted and retried like a reset. Default 10 KiB/s; 0 turns it off. */
  minBytesPerSecond?: number;
  /** The window the minimum speed is measured over. Default 30 s. */
  speedWindowMs?: number;
  /** Extra attempts for 429, 5xx, resets, timeouts and truncation on GET/HEAD. Default 3. */
  retries?: number;
  /** First backoff step; attempt n waits a random time up to base * 2^n (full jitter). Default 250 ms. */
  retryBaseMs?: number;
  /** A Retry-After longer than this is not waited for; the 429 is reported instead. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Only the copy command's client may ask for `push` scopes; everything else is read-only. */
  allowPush?: boolean;
  userAgent?: string;
  /**
   * Tests only: registry host -> the loopback `host:port` that serves it (`ghcr.io` ->
   * `127.0.0.1:5000`), so host-specific rules (ghcr.io credentials) can be tested against a
   * local registry. Loopback targets only; anything else throws.
   */
  hostOverrides?: Record<string, string>;
  /** Something the user should know that is not a failure (a skipped tag-list entry). The CLI prints it on stderr. */
  onWarning?: (message: string) => void;
  /** Pacing around each attempt (the sync engine's per-host and rate-limit limiter). */
  hooks?: RegistryRequestHooks;
}

/** What HEAD tells about a manifest. */
export interface ManifestDescriptor {
  digest: string;
  mediaType: string;
}

export interface Manifest extends ManifestDescriptor {
  bytes: Buffer;
}


export interface ResolvedManifest extends ManifestDescriptor {
  /** For an index or list: its per-platform manifests. */
  platforms?: PlatformManifest[];
}

export interface TagPageOptions {
  /** `n` on the request; registries may ignore it. Default 1000 (ECR rejects more). */
  pageSize?: number;
  /** Stop with `too-many-pages` after this many. Default 1000. */
  maxPages?: number;
  signal?: AbortSignal;
  /**
   * Called with each page before it is yielded; `last` says no page follows, so a lazy
   * reader (the Tag Explorer's "Load more…") knows without asking for another one.
   */
  onPage?: (page: { tags: string[]; last: boolean }) => void;
  /** A listed entry that is not a valid tag was skipped; default: the client's `onWarning`. */
  onWarning?: (message: string) => void;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(bytes: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}


/** How a host authenticates, once its challenge is known; Basic keeps its header, built once. */
type HostAuth = { kind: 'bearer'; realm: URL; service?: string } | { kind: 'basic'; header: string };

/**
 * Talks to OCI / Docker registries over an injected undici Dispatcher.
 *
 * Auth follows the Docker token flow: try anonymously, read the 401's `WWW-Authenticate`,
 * get a token for `repository:<name>:pull` from the realm (anonymously or with a stored
 * credential) and cache it per scope until it expires. After the first challenge from a
 * host, later requests fetch their token up front instead of paying for another 401.
 * https://distribution.github.io/distribution/spec/auth/token/
 */
export class RegistryClient {
  private readonly dispatcher: Dispatcher;
  private readonly transport: HttpTransport;
  private readonly insecure: ReadonlySet<string>;
  private readonly overrides: ReadonlyMap<string, string>;
  private readonly limit: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly userAgent: string;
  private readonly limiters = new Map<string, Semaphore>();
  private readonly hostAuth = new Map<string, HostAuth>();
  private readonly tokens = new Map<string, { value: string; expiresAt: number }>();
  private readonly pendingTokens = new Map<string, Promise<string>>();
  private readonly credentialCache = new Map<string, Promise<Credential | undefined>>();

  constructor(private readonly options: RegistryClientOptions) {
    this.dispatcher = options.dispatcher;
    this.insecure = new Set([...(options.insecureRegistries ?? [])].map((h) => h.toLowerCase()));
    this.overrides = checkHostOverrides(options.hostOverrides);
    this.limit = options.maxConcurrencyPerHost ?? 16;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'registry-migrator';
    this.transport = new HttpTransport({
      dispatcher: this.dispatcher,
      insecure: this.insecure,
      overrides: this.overrides,
      timeoutMs: this.timeoutMs,
      minBytesPerSecond: options.minBytesPerSecond ?? 10 * 1024,
      speedWindowMs: options.speedWindowMs ?? this.timeoutMs,
      userAgent: this.userAgent,
    });
  }

  /**
   * One request with auth, retries and redirects; returns whatever status the registry
   * finally answered and throws a RegistryError only for transport failures (timeout,
   * reset, truncation, refused) and auth failures. Public for push and copy.
   */
  async request(repo: Repository, req: RegistryRequest): Promise<RegistryResponse> {
    const actions = req.actions ?? PULL;
    if (actions.includes('push') && !this.options.allowPush) throw new Error('this RegistryClient is read-only: create it with allowPush to push');
    if (!isValidRepositoryPath(repo.path)) throw new RegistryError('invalid-repository', `${repo.host}: ${printable(repo.path)} is not a valid repository name`);
    const scope = `repository:${repo.path}:${actions === PULL ? 'pull' : actions.join(',')}`;
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    // The caller's signal: each attempt follows it (RequestGuard, through abortFanout: one
    // listener on it however many requests are in flight), and so do the back-off sleeps.
    const signal = req.signal;
    let limiter = this.limiters.get(repo.host);
    if (!limiter) this.limiters.set(repo.host, (limiter = new Semaphore(this.limit)));
    const wait = limiter.acquire();
    if (wait) await wait;
    try {
      let challenged = false;
      for (let attemptNo = 0; ; attemptNo++) {
        if (signal?.aborted) throw new RegistryError('aborted', 'cancelled');
        // Awaited only when there is something to wait for: a verify makes 200,000 requests.
        const known = this.authorizationFor(repo.host, scope, signal);
        const authorization = typeof known === 'string' || known === undefined ? known : await known;
        let res: RegistryResponse;
        const hooks = this.options.hooks;
        const sent = hooks ? await hooks.beforeSend(repo.host, req.method, req.url, signal) : undefined;
        try {
          res = await this.transport.send(repo.host, req, authorization, signal);
          sent?.(res);
        } catch (e) {
          sent?.();
          const err = e instanceof RegistryError ? e : new RegistryError('network', String(e));
          const transient = err.code === 'timeout' || err.code === 'connection-reset' || err.code === 'truncated';
          if (transient && idempotent && attemptNo < this.retries) {
            await sleep(this.backoff(attemptNo), signal);
            continue;
          }
          throw err;
        }
        if (res.status === 401 && !challenged) {
          res.stream?.destroy();
          challenged = true;
          await this.onChallenge(repo.host, scope, res.headers['www-authenticate'], signal);
          attemptNo--;
          continue;
        }
        if (res.status === 401) {
          throw new RegistryError('unauthorized', `${repo.host} refused ${formatRepository(repo)} (401) ${await this.credentialHint(repo.host, actions.includes('push'))}`, 401);
        }
        const retryable = res.status === 429 || res.status === 500 || res.status === 502 || res.status === 503 || res.status === 504;
        if (retryable && idempotent && attemptNo < this.retries) {
          const after = retryAfterMs(header(res.headers, 'retry-after'));
          if (after !== undefined && after > this.maxRetryAfterMs) return res;
          // Honour Retry-After, plus jitter so parallel workers do not return in lockstep.
          await sleep(after !== undefined ? after + Math.random() * this.retryBaseMs : this.backoff(attemptNo), signal);
          continue;
        }
        return res;
      }
    } finally {
      limiter.release();
    }
  }

  private backoff(attemptNo: number): number {
    return Math.random() * this.retryBaseMs * 2 ** attemptNo;
  }

  private credentialsFor(host: string, signal?: AbortSignal): Promise<Credential | undefined> {
    let p = this.credentialCache.get(host);
    if (!p) {
      p = this.options.credentials ? this.options.credentials.get(host, signal) : Promise.resolve(undefined);
      this.credentialCache.set(host, p);
    }
    return p;
  }

  private async credentialHint(host: string, push = false): Promise<string> {
    const c = await this.credentialsFor(host).catch(() => undefined);
    return c ? `with the credential from ${c.source}` : `anonymously (${this.noCredentialHint(host, push)})`;
  }

  /** What to do about a missing credential; for a push, the explicit push variables first. */
  private noCredentialHint(host: string, push: boolean): string {
    // The copy command's destination client is built to push: its hints are about pushing.
    push ||= this.options.allowPush === true;
    const login = `docker login ${host}, or set REGISTRY_AUTH_FILE`;
    if (!push) return `no credential found for ${host}; ${login}${host === 'ghcr.io' ? ', GH_TOKEN or GITHUB_TOKEN' : ''}`;
    return `no push credential for ${host}: set REGISTRY_MIGRATOR_PUSH_USERNAME and REGISTRY_MIGRATOR_PUSH_PASSWORD, or ${login}${host === 'ghcr.io' ? ', or set GITHUB_TOKEN/GH_TOKEN' : ''}`;
  }

  private async onChallenge(host: string, scope: string, raw: string | string[] | undefined, signal?: AbortSignal): Promise<void> {
    const challenges = parseWwwAuthenticate(raw);
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) {
      const realm = this.checkRealm(host, bearer.params.realm);
      const auth: HostAuth = { kind: 'bearer', realm, service: bearer.params.service };
      this.hostAuth.set(host, auth);
      // The token we sent (if any) was not enough: forget it so the retry asks again.
      this.tokens.delete(this.tokenKey(auth, scope));
      return;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const c = await this.credentialsFor(host, signal);
      if (!c?.username || !c.password) {
        throw new RegistryError('unauthorized', `${host} asks for a username and password, and none was found (${this.noCredentialHint(host, scope.endsWith(',push'))})`, 401);
      }
      this.hostAuth.set(host, { kind: 'basic', header: 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64') });
      return;
    }
    throw new RegistryError('unauthorized', `${host} answered 401 without a usable WWW-Authenticate challenge`, 401);
  }

  /**
   * The realm is where credentials go, so it must be https, except when a loopback
   * registry names a loopback realm (tests) or the user marked the registry insecure.
   * A public registry may not send us to a private or link-local address.
   */
  private checkRealm(registryHost: string, realm: string): URL {
    // A test's mapped host is judged by the loopback address that really serves it.
    const host = this.overrides.get(registryHost) ?? registryHost;
    let u: URL;
    try {
      u = new URL(realm);
    } catch {
      throw new RegistryError('insecure-realm', `${host}: token realm is not a URL`);
    }
    const registryLocal = isLoopbackHost(host) || isPrivateAddress(host);
    if (u.protocol === 'http:') {
      const allowed = (isLoopbackHost(host) && isLoopbackHost(u.host)) || ((this.insecure.has(host) || this.insecure.has(hostnameOf(host))) && u.hostname === hostnameOf(host));
      if (!allowed) throw new RegistryError('insecure-realm', `${host}: refusing token realm ${u.origin}: not https`);
    } else if (u.protocol !== 'https:') {
      throw new RegistryError('insecure-realm', `${host}: refusing token realm with scheme ${u.protocol}`);
    }
    if (!registryLocal && (isLoopbackHost(u.host) || isPrivateAddress(u.host))) {
      throw new RegistryError('insecure-realm', `${host}: refusing token realm ${u.host}: a private or loopback address`);
    }
    return u;
  }

  private tokenKey(auth: HostAuth & { kind: 'bearer' }, scope: string): string {
    return `${auth.realm.href}\n${auth.service ?? ''}\n${scope}`;
  }

  /** The Authorization header for `scope`: at once when it is known (none, or a cached token), else a promise. */
  private authorizationFor(host: string, scope: string, signal?: AbortSignal): string | undefined | Promise<string | undefined> {
    const auth = this.hostAuth.get(host);
    if (!auth) return undefined;
    // Built from the credential when the challenge came (onChallenge): no promise per request.
    if (auth.kind === 'basic') return auth.header;
    const key = this.tokenKey(auth, scope);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    let pending = this.pendingTokens.get(key);
    if (!pending) {
      pending = this.fetchToken(host, auth, scope, key, signal).finally(() => this.pendingTokens.delete(key));
      this.pendingTokens.set(key, pending);
    }
    return pending.then((token) => `Bearer ${token}`);
  }

  /** https://distribution.github.io/distribution/spec/auth/token/ and …/auth/oauth/ (identity tokens). */
  private async fetchToken(host: string, auth: HostAuth & { kind: 'bearer' }, scope: string, key: string, signal?: AbortSignal): Promise<string> {
    const cred = await this.credentialsFor(host, signal);
    const u = new URL(auth.realm.href);
    if (cred?.ownRealmOnly) {
      const own = this.overrides.get(host) ?? host;
      const allowed = realmUnderHost(u.hostname, own) || (cred.realmHosts ?? []).some((h) => realmUnderHost(u.hostname, h));
      if (!allowed) {
        throw new RegistryError('insecure-realm', `${host} names the token realm ${u.host}, which is not under ${host}: ${cred.source} is sent only to ${host}'s own realm (REGISTRY_MIGRATOR_TOKEN_REALMS=${u.hostname} allows it)`);
      }
    }
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    if (cred?.identityToken) {
      method = 'POST';
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'registry-migrator', scope });
      if (auth.service) form.set('service', auth.service);
      body = form.toString();
    } else {
      if (auth.service) u.searchParams.set('service', auth.service);
      u.searchParams.set('scope', scope);
      if (cred?.username && cred.password) headers.authorization = 'Basic ' + Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
    }
    let status: number;
    let text: string;
    const guard = new RequestGuard(signal, { where: `${u.host}${u.pathname}`, deadlineMs: this.timeoutMs, minBytesPerSecond: 0, windowMs: this.timeoutMs });
    try {
      // untilAborted: the deadline holds even when undici does not notice the abort (a proxy
      // re-dialled forever), or every request waiting on this token would hang with it.
      const res = await untilAborted(
        this.dispatcher.request({ origin: u.origin, path: u.pathname + u.search, method, headers, body, signal: guard.undiciSignal, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs }),
        guard.signal,
      );
      status = res.statusCode;
      // A token is a few KB: a service that streams more is refused, not held in memory.
      text = (await readCapped(res.body, TOKEN_MAX_BYTES, guard, `the token service for ${host} (${u.host}): its answer`)).toString('utf8');
    } catch (e) {
      if (guard.error) throw guard.error;
      if (e instanceof RegistryError) throw e;
      if (signal?.aborted) throw new RegistryError('aborted', 'cancelled');
      const code = (e as { code?: string }).code ?? '';
      throw new RegistryError(code === 'ECONNREFUSED' || code === 'ENOTFOUND' ? 'network' : /TIMEOUT/.test(code) ? 'timeout' : 'network', `the token service for ${host} (${u.host}) could not be reached: ${code || (e as Error).message}`);
    } finally {
      guard.dispose();
    }
    if (status === 401 || status === 403) {
      throw new RegistryError(
        'unauthorized',
        cred ? `the token service for ${host} rejected the credential from ${cred.source} (${status})` : `the token service for ${host} refused an anonymous token (${status}): ${this.noCredentialHint(host, scope.endsWith(',push'))}`,
        status,
      );
    }
    if (status !== 200) throw new RegistryError('unauthorized', `the token service for ${host} answered ${status}`, status);
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new RegistryError('bad-response', `the token service for ${host} did not answer JSON`);
    }
    const token = typeof parsed.token === 'string' ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : undefined;
    if (!token) throw new RegistryError('bad-response', `the token service for ${host} answered without a token`);
    // expires_in defaults to 60 s; renew a little early so a token does not expire in flight.
    const life = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    this.tokens.set(key, { value: token, expiresAt: Date.now() + Math.max(life - 10, life / 2) * 1000 });
    return token;
  }

  /** Turns a non-success status into a RegistryError naming what was asked for. */
  statusError(res: RegistryResponse, what: string, notFound: RegistryErrorCode = 'not-found'): RegistryError {
    let detail = '';
    let code: string | undefined;
    try {
      const j = JSON.parse(res.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
      code = j.errors?.[0]?.code;
      if (code) detail = ` ${code}`;
    } catch {
      /* not JSON: the status says enough */
    }
    const s = res.status;
    const c: RegistryErrorCode =
      s === 404 ? (code === 'NAME_UNKNOWN' ? 'repository-not-found' : code === 'MANIFEST_UNKNOWN' ? 'manifest-not-found' : notFound)
      : s === 401 ? 'unauthorized'
      : s === 403 ? 'forbidden'
      : s === 429 ? 'rate-limited'
      : s >= 500 ? 'server-error'
      : 'unexpected-status';
    const after = s === 429 ? header(res.headers, 'retry-after') : undefined;
    return new RegistryError(c, `${what}: ${s}${detail}${after ? ` (Retry-After ${after})` : ''}`, s);
  }

  /**
   * The tags of a repository, one page at a time. Follows `Link: <…>; rel="next"` only on
   * the registry's own origin, stops when a link repeats or a page adds nothing new (one
   * registry sends `Link` on its last page), and gives up after `maxPages`.
   * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
   */
  async *tagPages(repo: Repository, opts: TagPageOptions = {}): AsyncGenerator<string[], void, undefined> {
    const n = opts.pageSize ?? 1000;
    const maxPages = opts.maxPages ?? 1000;
    const origin = new URL(registryOrigin(repo.host, this.insecure, this.overrides)).origin;
    let url: URL | undefined = new URL(tagListPath(repo, n), origin);
    const seenUrls = new Set<string>();
    const seenTags = new Set<string>();
    const what = `tags of ${formatRepository(repo)}`;
    for (let page = 0; url; page++) {
      if (page >= maxPages) throw new RegistryError('too-many-pages', `${what}: more than ${maxPages} pages`);
      seenUrls.add(url.href);
      const res = await this.request(repo, { method: 'GET', url: url.href, signal: opts.signal, headers: { accept: 'application/json' }, maxBytes: 64 * 1024 * 1024 });
      if (res.status !== 200) throw this.statusError(res, what, 'repository-not-found');
      let tags: unknown;
      try {
        tags = (JSON.parse(res.body.toString('utf8')) as { tags?: unknown }).tags;
      } catch {
        throw new RegistryError('bad-response', `${what}: the answer is not JSON`);
      }
      if (tags !== null && tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) {
        throw new RegistryError('bad-response', `${what}: "tags" is not a list of strings`);
      }
      const fresh: string[] = [];
      let added = 0;
      for (const t of (tags ?? []) as string[]) {
        if (seenTags.has(t)) continue;
        seenTags.add(t);
        added++;
        // A tag outside the grammar would become a query string or a path of another
        // repository in the URLs built from it: skip it, say so, and go on with the rest.
        if (isValidTag(t)) fresh.push(t);
        else (opts.onWarning ?? this.options.onWarning)?.(`${repo.host} listed ${printable(t)} as a tag of ${repo.path}; it is not a valid tag name and was skipped`);
      }
      const next = nextLink(res.headers.link, res.url);
      opts.onPage?.({ tags: fresh, last: !next || seenUrls.has(next.href) || added === 0 });
      if (fresh.length) yield fresh;
      if (!next) return;
      if (next.origin !== res.url.origin && next.origin !== origin) {
        throw new RegistryError('bad-response', `${what}: the next page link points to another origin (${next.origin})`);
      }
      if (seenUrls.has(next.href) || added === 0) return;
      url = next;
    }
  }

  /** Every tag, in the registry's order (see sortTags for a useful one). */
  listTags(repo: Repository, opts: TagPageOptions = {}): Promise<Result<string[]>> {
    return attempt(async () => {
      const all: string[] = [];
      for await (const page of this.tagPages(repo, opts)) all.push(...page);
      return all;
    });
  }

  /** HEAD a manifest: its digest from `Docker-Content-Digest`, or from the bytes of a GET when the header is missing. */
  async headManifest(repo: Repository, reference: string, signal?: AbortSignal): Promise<Result<ManifestDescriptor>> {
    // attempt() spelled out: two promises fewer for each of a large verify's 200,000 HEADs.
    try {
      const res = await this.request(repo, { method: 'HEAD', url: manifestPath(repo, reference), headers: { accept: MANIFEST_ACCEPT }, signal });
      if (res.status !== 200) throw this.statusError(res, formatReference(repo, reference), 'manifest-not-found');
      const digest = header(res.headers, 'docker-content-digest');
      const mediaType = bareMediaType(header(res.headers, 'content-type'));
      if (digest && DIGEST.test(digest) && mediaType && mediaType !== 'application/json') return { ok: true, value: { digest, mediaType } };
      const m = await this.fetchManifest(repo, reference, signal);
      return { ok: true, value: { digest: m.digest, mediaType: m.mediaType } };
    } catch (e) {
      if (e instanceof RegistryError) return { ok: false, error: e };
      throw e;
    }
  }

  /** GET a manifest and check its bytes: against the digest asked for, and against `Docker-Content-Digest`. */
  getManifest(repo: Repository, reference: string, signal?: AbortSignal): Promise<Result<Manifest>> {
    return attempt(() => this.fetchManifest(repo, reference, signal));
  }

  private async fetchManifest(repo: Repository, reference: string, signal?: AbortSignal): Promise<Manifest> {
    const what = formatReference(repo, reference);
    const res = await this.request(repo, { method: 'GET', url: manifestPath(repo, reference), headers: { accept: MANIFEST_ACCEPT }, signal, maxBytes: 4 * 1024 * 1024 });
    if (res.status !== 200) throw this.statusError(res, what, 'manifest-not-found');
    const digest = sha256Digest(res.body);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new RegistryError('digest-mismatch', `${formatRepository(repo)}@${reference}: the registry sent bytes that hash to ${digest}`);
    }
    const announced = header(res.headers, 'docker-content-digest');
    if (announced && announced.startsWith('sha256:') && announced !== digest) {
      throw new RegistryError('digest-mismatch', `${what}: Docker-Content-Digest says ${announced} but the bytes hash to ${digest}`);
    }
    let mediaType = bareMediaType(header(res.headers, 'content-type'));
    if (!mediaType || mediaType === 'application/json' || mediaType === 'text/plain') {
      mediaType = sniffMediaType(res.body) ?? mediaType ?? 'application/octet-stream';
    }
    return { digest, mediaType, bytes: res.body };
  }

  /**
   * A manifest's digest and, for an index or list, its per-platform manifests (fetched by
   * digest, so the bytes are checked against what HEAD said).
   */
  resolve(repo: Repository, reference: string, signal?: AbortSignal): Promise<Result<ResolvedManifest>> {
    return attempt(async () => {
      const head = await this.headManifest(repo, reference, signal);
      if (!head.ok) throw head.error;
      if (!isIndexMediaType(head.value.mediaType)) return head.value;
      const m = await this.fetchManifest(repo, head.value.digest, signal);
      return { ...head.value, platforms: parsePlatforms(m.bytes) };
    });
  }
}
