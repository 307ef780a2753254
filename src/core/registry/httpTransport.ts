import { Transform, pipeline } from 'stream';
import type { Readable } from 'stream';
import type { Dispatcher } from 'undici';

import { follow } from './abortFanout';
import { dispatchHead } from './headDispatch';
import { isLoopbackHost, registryOrigin } from './hosts';
import { RegistryError } from './registryError';
import { printable } from './registryPaths';
import { type AttemptSignal, RequestGuard } from './requestGuard';
import { RequestTarget } from './requestTarget';

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path on the registry (`/v2/app/manifests/1.0`, built by registryPaths) or an absolute URL (an upload `Location`). */
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
   * buffering it. The caller must consume or destroy it. No overall deadline applies to
   * the body then (a 1 GB layer takes longer than `timeoutMs`); the minimum speed does.
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
  stream?: Readable;
}

export interface TransportOptions {
  dispatcher: Dispatcher;
  insecure: ReadonlySet<string>;
  overrides: ReadonlyMap<string, string>;
  timeoutMs: number;
  minBytesPerSecond: number;
  speedWindowMs: number;
  userAgent: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A HEAD's body (and a streamed answer's): empty, shared. */
const EMPTY = Buffer.alloc(0);

/** An answer whose `url` is parsed only if the caller asks (RequestTarget). */
class Answer implements RegistryResponse {
  constructor(
    readonly status: number,
    readonly headers: RegistryResponse['headers'],
    readonly body: Buffer,
    private readonly target: RequestTarget,
  ) {}

  get url(): URL {
    return this.target.url;
  }
}

export function header(h: RegistryResponse['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  /** undefined: acquired at once (no promise to wait for, the common case); else wait for it. */
  acquire(): Promise<void> | undefined {
    if (this.active < this.limit) {
      this.active++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

/** Waits `ms`; rejects with `aborted` when `signal` aborts (one follower of it, abortFanout). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new RegistryError('aborted', 'cancelled'));
      return;
    }
    const t = setTimeout(() => {
      unfollow();
      resolve();
    }, ms);
    const unfollow = follow(signal, () => {
      clearTimeout(t);
      reject(new RegistryError('aborted', 'cancelled'));
    });
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
export function untilAborted<T extends { body: { dump(): Promise<void> } }>(p: Promise<T>, signal: AttemptSignal): Promise<T> {
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

/**
 * A whole answer body, but never more than `max` bytes held: past that the stream is
 * destroyed and the answer refused (`what` names it in the error). Each chunk is counted
 * for the guard's minimum-speed check.
 */
export async function readCapped(body: Readable, max: number, guard: RequestGuard, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    n += chunk.length;
    guard.count(chunk.length);
    if (n > max) {
      body.destroy();
      throw new RegistryError('bad-response', `${what} is larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, n);
}

/**
 * One attempt of one registry request over the injected Dispatcher: redirects (credentials
 * only to the registry's own origin), the size cap, Content-Length checks, the deadline and
 * the minimum body speed (RequestGuard), and undici's failures as RegistryErrors.
 */
export class HttpTransport {
  /** Per host: its origin URL (`https://ghcr.io`), as registryOrigin gives it, parsed once. */
  private readonly origins = new Map<string, { base: string; origin: string }>();

  constructor(private readonly o: TransportOptions) {}

  private originOf(host: string): { base: string; origin: string } {
    let o = this.origins.get(host);
    if (!o) {
      const base = registryOrigin(host, this.o.insecure, this.o.overrides);
      o = { base, origin: new URL(base).origin };
      this.origins.set(host, o);
    }
    return o;
  }

  /** `signal`: the caller's; the attempt follows it (abortFanout) and ends with its own deadlines too. */
  async send(host: string, req: RegistryRequest, authorization: string | undefined, signal: AbortSignal | undefined): Promise<RegistryResponse> {
    const { base, origin } = this.originOf(host);
    let target = RequestTarget.of(req.url, base, origin);
    // A relative path must reach the registry exactly as built (registryPaths): no dot
    // segment resolved away, no query or fragment smuggled in by a name.
    if (req.url.startsWith('/') && target.path !== req.url) {
      throw new RegistryError('invalid-reference', `${host}: refusing to request ${printable(req.url)}: the URL parser changes it to ${printable(target.path)}`);
    }
    let method = req.method;
    let body = req.body;
    // Credentials go only to the registry's own origin: not to an absolute URL elsewhere
    // (an upload Location on another host), and once a redirect leaves, not even back.
    let mayAuthorize = target.origin === origin;
    const { timeoutMs, minBytesPerSecond, speedWindowMs } = this.o;
    // An upload must keep the minimum speed too: its deadline grows with its size.
    const sendMs = body && minBytesPerSecond > 0 ? Math.ceil((body.byteLength / minBytesPerSecond) * 1000) : 0;
    const guard = new RequestGuard(signal, {
      where: `${host}${target.pathname}`,
      deadlineMs: req.stream ? undefined : timeoutMs + sendMs,
      // A streamed answer's headers still get `timeoutMs`.
      headersDeadlineMs: req.stream ? timeoutMs + sendMs : undefined,
      minBytesPerSecond,
      windowMs: speedWindowMs,
    });
    let handedOver = false;
    try {
      for (let hop = 0; ; hop++) {
        const headers: Record<string, string> = { 'user-agent': this.o.userAgent, ...req.headers };
        if (authorization && mayAuthorize) headers.authorization = authorization;
        let phase: 'headers' | 'body' = 'headers';
        try {
          const opts = {
            origin: target.origin,
            path: target.path,
            method,
            headers,
            // undici closes the connection after a HEAD unless told otherwise (undici#258).
            reset: false,
            headersTimeout: timeoutMs + sendMs,
            bodyTimeout: timeoutMs,
          };
          // A HEAD through undici's handler API (no body stream), anything else through request().
          const head = method === 'HEAD';
          const res = head
            ? await dispatchHead(this.o.dispatcher, opts, guard.signal)
            : await untilAborted(this.o.dispatcher.request({
                ...opts,
                body: body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
                signal: guard.undiciSignal,
              }), guard.signal);
          const location = header(res.headers, 'location');
          if (REDIRECTS.has(res.statusCode) && location && method !== 'POST' && method !== 'PATCH' && method !== 'DELETE' && !(method === 'PUT' && res.statusCode !== 307 && res.statusCode !== 308)) {
            await res.body.dump();
            if (hop >= 5) throw new RegistryError('too-many-redirects', `${host}: more than 5 redirects for ${target.pathname}`);
            const next = this.redirectTarget(host, target.url, location);
            if (next.origin !== target.origin) mayAuthorize = false;
            if (res.statusCode === 303) {
              method = 'GET';
              body = undefined;
            }
            target = RequestTarget.at(next);
            continue;
          }
          // No body, so no speed check (an interval timer) either: the deadline covers it.
          if (head) return new Answer(res.statusCode, res.headers, EMPTY, target);
          // Not a HEAD, so request()'s answer, with its body stream.
          const full = res as Dispatcher.ResponseData;
          phase = 'body';
          guard.startBody();
          if (req.stream && method === 'GET' && full.statusCode === 200) {
            handedOver = true;
            const where = target;
            return { status: 200, headers: full.headers, body: EMPTY, url: where.url, stream: this.counted(full.body, guard, (e) => this.transportError(e, host, where, 'body', signal, guard)) };
          }
          const max = req.maxBytes ?? 8 * 1024 * 1024;
          const buf = await readCapped(full.body, max, guard, `${host}: answer for ${target.pathname}`);
          const declared = header(full.headers, 'content-length');
          if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) !== buf.length) {
            throw new RegistryError('truncated', `${host}: answer for ${target.pathname} ended after ${buf.length} of ${declared} bytes`);
          }
          return new Answer(full.statusCode, full.headers, buf, target);
        } catch (e) {
          throw this.transportError(e, host, target, phase, signal, guard);
        }
      }
    } finally {
      if (!handedOver) guard.dispose();
    }
  }

  /** Where a redirect from `url` to `location` goes: a URL, https (or http on loopback, or from http). */
  private redirectTarget(host: string, url: URL, location: string): URL {
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new RegistryError('bad-response', `${host}: a redirect to ${printable(location)}, which is not a URL`);
    }
    if (next.protocol !== 'https:' && !(next.protocol === 'http:' && (isLoopbackHost(next.host) || url.protocol === 'http:'))) {
      throw new RegistryError('bad-response', `${host} redirected to a ${next.protocol} URL`);
    }
    return next;
  }

  /**
   * The body as handed to the caller: counted for the speed check, the guard ending with it,
   * and a failure while reading it (a reset, a stall) surfacing as a RegistryError.
   */
  private counted(body: Readable, guard: RequestGuard, asRegistryError: (e: unknown) => RegistryError): Readable {
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        guard.count(chunk.length);
        cb(null, chunk);
      },
    });
    guard.failed = (e) => counter.destroy(e);
    // Before pipeline's own handler, so the caller sees the translated error.
    body.once('error', (e) => counter.destroy(asRegistryError(e)));
    pipeline(body, counter, () => guard.dispose());
    return counter;
  }

  private transportError(e: unknown, host: string, target: RequestTarget, phase: 'headers' | 'body', op: AbortSignal | undefined, guard: RequestGuard): RegistryError {
    if (e instanceof RegistryError) return e;
    if (guard.error) return guard.error;
    if (op?.aborted) return new RegistryError('aborted', 'cancelled');
    const code = (e as { code?: string }).code ?? '';
    const where = `${host}${target.pathname}`;
    if (/TIMEOUT/.test(code)) return new RegistryError('timeout', `${where}: no answer within ${this.o.timeoutMs / 1000} s`);
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
}
