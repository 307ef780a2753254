import { createHash } from 'crypto';
import type { Dispatcher } from 'undici';

import { normalizeDomain, normalizePath, parseImageReference } from '../reference/imageReference';
import type { Credential, CredentialProvider } from './credentials';
import { hostnameOf, isLoopbackHost, isPrivateAddress, registryOrigin } from './hosts';
import { nextLink } from './linkHeader';
import { MANIFEST_ACCEPT, bareMediaType, isIndexMediaType, OCI_INDEX, OCI_MANIFEST } from './mediaTypes';
import { RegistryError, type RegistryErrorCode, type Result, attempt } from './registryError';
import type { RegistryRequestHooks } from './requestHooks';
import { parseWwwAuthenticate } from './wwwAuthenticate';

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
  /** Extra attempts for 429, 5xx, resets, timeouts and truncation on GET/HEAD. Default 3. */
  retries?: number;
  /** First backoff step; attempt n waits a random time up to base * 2^n (full jitter). Default 250 ms. */
  retryBaseMs?: number;
  /** A Retry-After longer than this is not waited for; the 429 is reported instead. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Only the copy command's client may ask for `push` scopes; everything else is read-only. */
  allowPush?: boolean;
  userAgent?: string;
  /** Pacing around each attempt (the sync engine's per-host and rate-limit limiter). */
  hooks?: RegistryRequestHooks;
}

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  /** A path on the registry (`/v2/app/manifests/1.0`) or an absolute URL (an upload `Location`). */
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Token scope actions for the repository. Default `['pull']`. */
  actions?: ('pull' | 'push')[];
  signal?: AbortSignal;
  /** Bodies larger than this are refused (`bad-response`). Default 8 MiB. */
  maxBytes?: number;
  /**
   * GET only: on a 200, hand the body back unread as `stream` (blob copies), instead of
   * buffering it. The caller must consume or destroy it. No overall time limit applies
   * then (a 1 GB layer takes longer than `timeoutMs`); undici's idle timeouts still do.
   */
  stream?: boolean;
}

export interface RegistryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Where the answer finally came from, after redirects. */
  url: URL;
  /** With `stream: true` and a 200: the unread body (then `body` is empty). */
  stream?: Dispatcher.ResponseData['body'];
}

/** What HEAD tells about a manifest. */
export interface ManifestDescriptor {
  digest: string;
  mediaType: string;
}

export interface Manifest extends ManifestDescriptor {
  bytes: Buffer;
}

/** One entry of an index / manifest list. `platform` is `os/arch[/variant]`. */
export interface PlatformManifest {
  platform: string;
  digest: string;
  mediaType: string;
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
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function sha256Digest(bytes: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

function header(h: RegistryResponse['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new RegistryError('aborted', 'cancelled'));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new RegistryError('aborted', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `Retry-After: 2` or an HTTP date, in ms. https://www.rfc-editor.org/rfc/rfc9110#field.retry-after */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * Settles when `p` does or when `signal` aborts, whichever is first. undici 7.30's
 * ProxyAgent does not notice an abort while it keeps re-dialling a proxy that closes the
 * CONNECT (it spins, and the request never settles), so the timeout is enforced here too.
 */
function untilAborted<T extends { body: { dump(): Promise<void> } }>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.then((r) => r.body.dump(), () => undefined).catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.then((r) => r.body.dump(), () => undefined).catch(() => undefined);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

type HostAuth = { kind: 'bearer'; realm: URL; service?: string } | { kind: 'basic' };

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
  private readonly insecure: ReadonlySet<string>;
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
    this.limit = options.maxConcurrencyPerHost ?? 16;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'registry-migrator';
  }

  /**
   * One request with auth, retries and redirects; returns whatever status the registry
   * finally answered and throws a RegistryError only for transport failures (timeout,
   * reset, truncation, refused) and auth failures. Public for push and copy.
   */
  async request(repo: Repository, req: RegistryRequest): Promise<RegistryResponse> {
    const actions = req.actions ?? ['pull'];
    if (actions.includes('push') && !this.options.allowPush) throw new Error('this RegistryClient is read-only: create it with allowPush to push');
    const scope = `repository:${repo.path}:${actions.join(',')}`;
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    let limiter = this.limiters.get(repo.host);
    if (!limiter) this.limiters.set(repo.host, (limiter = new Semaphore(this.limit)));
    await limiter.acquire();
    try {
      let challenged = false;
      for (let attemptNo = 0; ; attemptNo++) {
        if (req.signal?.aborted) throw new RegistryError('aborted', 'cancelled');
        const authorization = await this.authorizationFor(repo.host, scope, req.signal);
        let res: RegistryResponse;
        const sent = await this.options.hooks?.beforeSend(repo.host, req.method, req.url, req.signal);
        try {
          res = await this.send(repo.host, req, authorization);
          sent?.(res);
        } catch (e) {
          sent?.();
          const err = e instanceof RegistryError ? e : new RegistryError('network', String(e));
          const transient = err.code === 'timeout' || err.code === 'connection-reset' || err.code === 'truncated';
          if (transient && idempotent && attemptNo < this.retries) {
            await sleep(this.backoff(attemptNo), req.signal);
            continue;
          }
          throw err;
        }
        if (res.status === 401 && !challenged) {
          challenged = true;
          await this.onChallenge(repo.host, scope, res.headers['www-authenticate'], req.signal);
          attemptNo--;
          continue;
        }
        if (res.status === 401) {
          throw new RegistryError('unauthorized', `${repo.host} refused ${formatRepository(repo)} (401) ${await this.credentialHint(repo.host)}`, 401);
        }
        const retryable = res.status === 429 || res.status === 500 || res.status === 502 || res.status === 503 || res.status === 504;
        if (retryable && idempotent && attemptNo < this.retries) {
          const after = retryAfterMs(header(res.headers, 'retry-after'));
          if (after !== undefined && after > this.maxRetryAfterMs) return res;
          // Honour Retry-After, plus jitter so parallel workers do not return in lockstep.
          await sleep(after !== undefined ? after + Math.random() * this.retryBaseMs : this.backoff(attemptNo), req.signal);
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

  /** One attempt, following redirects; `Authorization` goes only to the registry's own origin. */
  private async send(host: string, req: RegistryRequest, authorization: string | undefined): Promise<RegistryResponse> {
    const base = registryOrigin(host, this.insecure);
    let url = new URL(req.url, base);
    let method = req.method;
    let body = req.body;
    // Once a redirect leaves the registry's origin, no credential follows, even back.
    let mayAuthorize = url.origin === new URL(base).origin;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = req.stream ? req.signal : req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
      if (authorization && mayAuthorize) headers.authorization = authorization;
      let phase: 'headers' | 'body' = 'headers';
      try {
        const res = await untilAborted(this.dispatcher.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method,
          headers,
          body: body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
          signal,
          // undici closes the connection after a HEAD unless told otherwise (undici#258).
          reset: false,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        }), signal);
        const location = header(res.headers, 'location');
        if (REDIRECTS.has(res.statusCode) && location && method !== 'POST' && method !== 'PATCH' && !(method === 'PUT' && res.statusCode !== 307 && res.statusCode !== 308)) {
          await res.body.dump();
          if (hop >= 5) throw new RegistryError('too-many-redirects', `${host}: more than 5 redirects for ${url.pathname}`);
          const next = new URL(location, url);
          if (next.protocol !== 'https:' && !(next.protocol === 'http:' && (isLoopbackHost(next.host) || url.protocol === 'http:'))) {
            throw new RegistryError('bad-response', `${host} redirected to a ${next.protocol} URL`);
          }
          if (next.origin !== url.origin) mayAuthorize = false;
          if (res.statusCode === 303) {
            method = 'GET';
            body = undefined;
          }
          url = next;
          continue;
        }
        phase = 'body';
        if (req.stream && method === 'GET' && res.statusCode === 200) return { status: 200, headers: res.headers, body: Buffer.alloc(0), url, stream: res.body };
        let buf: Buffer;
        if (method === 'HEAD') {
          await res.body.dump();
          buf = Buffer.alloc(0);
        } else {
          const max = req.maxBytes ?? 8 * 1024 * 1024;
          const chunks: Buffer[] = [];
          let n = 0;
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            n += chunk.length;
            if (n > max) {
              res.body.destroy();
              throw new RegistryError('bad-response', `${host}: answer for ${url.pathname} is larger than ${max} bytes`);
            }
            chunks.push(chunk);
          }
          buf = Buffer.concat(chunks, n);
          const declared = header(res.headers, 'content-length');
          if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) !== n) {
            throw new RegistryError('truncated', `${host}: answer for ${url.pathname} ended after ${n} of ${declared} bytes`);
          }
        }
        return { status: res.statusCode, headers: res.headers, body: buf, url };
      } catch (e) {
        throw this.transportError(e, host, url, phase, req.signal, timeout);
      }
    }
  }

  private transportError(e: unknown, host: string, url: URL, phase: 'headers' | 'body', user: AbortSignal | undefined, timeout: AbortSignal): RegistryError {
    if (e instanceof RegistryError) return e;
    if (user?.aborted) return new RegistryError('aborted', 'cancelled');
    const code = (e as { code?: string }).code ?? '';
    const where = `${host}${url.pathname}`;
    if (timeout.aborted || /TIMEOUT/.test(code)) return new RegistryError('timeout', `${where}: no answer within ${this.timeoutMs / 1000} s`);
    if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return new RegistryError('truncated', `${where}: the answer was cut short`);
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') {
      return phase === 'body'
        ? new RegistryError('truncated', `${where}: the connection closed in the middle of the answer`)
        : new RegistryError('connection-reset', `${where}: the connection was reset`);
    }
    if (code === 'ECONNREFUSED') return new RegistryError('network', `${host}: connection refused`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new RegistryError('network', `${host}: host not found`);
    if (/CERT|SSL|TLS/i.test(code)) return new RegistryError('network', `${host}: TLS failed (${code}); for a plain-HTTP registry pass --insecure-registry ${host}`);
    return new RegistryError('network', `${where}: ${code || (e as Error).message || String(e)}`);
  }

  private credentialsFor(host: string, signal?: AbortSignal): Promise<Credential | undefined> {
    let p = this.credentialCache.get(host);
    if (!p) {
      p = this.options.credentials ? this.options.credentials.get(host, signal) : Promise.resolve(undefined);
      this.credentialCache.set(host, p);
    }
    return p;
  }

  private async credentialHint(host: string): Promise<string> {
    const c = await this.credentialsFor(host).catch(() => undefined);
    return c ? `with the credential from ${c.source}` : `anonymously (no credential found for ${host}; docker login ${host}, or set REGISTRY_AUTH_FILE)`;
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
        throw new RegistryError('unauthorized', `${host} asks for a username and password, and none was found (docker login ${host}, or set REGISTRY_AUTH_FILE)`, 401);
      }
      this.hostAuth.set(host, { kind: 'basic' });
      return;
    }
    throw new RegistryError('unauthorized', `${host} answered 401 without a usable WWW-Authenticate challenge`, 401);
  }

  /**
   * The realm is where credentials go, so it must be https, except when a loopback
   * registry names a loopback realm (tests) or the user marked the registry insecure.
   * A public registry may not send us to a private or link-local address.
   */
  private checkRealm(host: string, realm: string): URL {
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

  private async authorizationFor(host: string, scope: string, signal?: AbortSignal): Promise<string | undefined> {
    const auth = this.hostAuth.get(host);
    if (!auth) return undefined;
    if (auth.kind === 'basic') {
      const c = await this.credentialsFor(host, signal);
      return c?.username && c.password ? 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64') : undefined;
    }
    const key = this.tokenKey(auth, scope);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    let pending = this.pendingTokens.get(key);
    if (!pending) {
      pending = this.fetchToken(host, auth, scope, key, signal).finally(() => this.pendingTokens.delete(key));
      this.pendingTokens.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  /** https://distribution.github.io/distribution/spec/auth/token/ and …/auth/oauth/ (identity tokens). */
  private async fetchToken(host: string, auth: HostAuth & { kind: 'bearer' }, scope: string, key: string, signal?: AbortSignal): Promise<string> {
    const cred = await this.credentialsFor(host, signal);
    const u = new URL(auth.realm.href);
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
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await this.dispatcher.request({
        origin: u.origin,
        path: u.pathname + u.search,
        method,
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (e) {
      throw this.transportError(e, u.host, new URL(u.origin + u.pathname), 'headers', signal, timeout);
    }
    if (status === 401 || status === 403) {
      throw new RegistryError(
        'unauthorized',
        cred ? `the token service for ${host} rejected the credential from ${cred.source} (${status})` : `the token service for ${host} refused an anonymous token (${status}) ${await this.credentialHint(host)}`,
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
    const origin = new URL(registryOrigin(repo.host, this.insecure)).origin;
    let url: URL | undefined = new URL(`/v2/${repo.path}/tags/list?n=${n}`, origin);
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
      const fresh = ((tags ?? []) as string[]).filter((t) => !seenTags.has(t));
      for (const t of fresh) seenTags.add(t);
      const next = nextLink(res.headers.link, res.url);
      opts.onPage?.({ tags: fresh, last: !next || seenUrls.has(next.href) || fresh.length === 0 });
      if (fresh.length) yield fresh;
      if (!next) return;
      if (next.origin !== res.url.origin && next.origin !== origin) {
        throw new RegistryError('bad-response', `${what}: the next page link points to another origin (${next.origin})`);
      }
      if (seenUrls.has(next.href) || fresh.length === 0) return;
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

  private manifestPath(repo: Repository, reference: string): string {
    return `/v2/${repo.path}/manifests/${reference}`;
  }

  /** HEAD a manifest: its digest from `Docker-Content-Digest`, or from the bytes of a GET when the header is missing. */
  headManifest(repo: Repository, reference: string, signal?: AbortSignal): Promise<Result<ManifestDescriptor>> {
    return attempt(async () => {
      const what = `${formatRepository(repo)}:${reference}`;
      const res = await this.request(repo, { method: 'HEAD', url: this.manifestPath(repo, reference), headers: { accept: MANIFEST_ACCEPT }, signal });
      if (res.status !== 200) throw this.statusError(res, what, 'manifest-not-found');
      const digest = header(res.headers, 'docker-content-digest');
      const mediaType = bareMediaType(header(res.headers, 'content-type'));
      if (digest && DIGEST.test(digest) && mediaType && mediaType !== 'application/json') return { digest, mediaType };
      const m = await this.fetchManifest(repo, reference, signal);
      return { digest: m.digest, mediaType: m.mediaType };
    });
  }

  /** GET a manifest and check its bytes: against the digest asked for, and against `Docker-Content-Digest`. */
  getManifest(repo: Repository, reference: string, signal?: AbortSignal): Promise<Result<Manifest>> {
    return attempt(() => this.fetchManifest(repo, reference, signal));
  }

  private async fetchManifest(repo: Repository, reference: string, signal?: AbortSignal): Promise<Manifest> {
    const what = `${formatRepository(repo)}:${reference}`;
    const res = await this.request(repo, { method: 'GET', url: this.manifestPath(repo, reference), headers: { accept: MANIFEST_ACCEPT }, signal, maxBytes: 4 * 1024 * 1024 });
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

/** The mediaType a manifest says it has, for registries that send `application/json`. */
function sniffMediaType(bytes: Buffer): string | undefined {
  try {
    const j = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof j.mediaType === 'string') return j.mediaType;
    return Array.isArray(j.manifests) ? OCI_INDEX : OCI_MANIFEST;
  } catch {
    return undefined;
  }
}

/**
 * The entries of an index / list as `os/arch[/variant]`. Entries without a platform, or
 * repeated platforms (attestations are `unknown/unknown`), get `#2`, `#3`… so each key is unique.
 */
export function parsePlatforms(bytes: Buffer): PlatformManifest[] {
  let j: { manifests?: unknown };
  try {
    j = JSON.parse(bytes.toString('utf8')) as typeof j;
  } catch {
    throw new RegistryError('bad-response', 'an index that is not JSON');
  }
  if (!Array.isArray(j.manifests)) throw new RegistryError('bad-response', 'an index without "manifests"');
  const out: PlatformManifest[] = [];
  const count = new Map<string, number>();
  for (const m of j.manifests as { digest?: unknown; mediaType?: unknown; platform?: { os?: string; architecture?: string; variant?: string } }[]) {
    if (!m || typeof m.digest !== 'string') continue;
    const p = m.platform;
    let key = p?.os && p.architecture ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : 'unknown';
    const n = (count.get(key) ?? 0) + 1;
    count.set(key, n);
    if (n > 1) key += `#${n}`;
    out.push({ platform: key, digest: m.digest, mediaType: typeof m.mediaType === 'string' ? m.mediaType : '' });
  }
  return out;
}
