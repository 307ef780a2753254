import type { RegistryRequestHooks } from '../registry/requestHooks';
import { sleep } from '../registry/httpTransport';
import type { HostLimits } from './syncConfig';

export interface RateLimiterOptions {
  /** Limits for a host (`docker.io`, `127.0.0.1:5000`). */
  limits: (host: string) => HostLimits;
  /** Of an announced budget, keep this many requests unused. */
  reserve: number;
  /** A wait longer than this is not taken; the request goes and the registry may refuse it. */
  maxWaitMs: number;
  /** When a registry announces a budget without `w=`, assume this window. Default 60 s. */
  defaultWindowMs?: number;
}

/** What the limiter did for one host, for the report. */
export interface HostRateStats {
  host: string;
  requests: number;
  /** Requests that count against a pull budget (manifest GETs). */
  counted: number;
  /** Lowest `ratelimit-remaining` seen, when the host announces one. */
  lowestRemaining?: number;
  limit?: number;
  /** Times the limiter paused the host to stay inside its budget, and for how long in all. */
  pauses: number;
  pausedMs: number;
  /** 429 answers seen (each is retried by the client after Retry-After). */
  refused: number;
}

interface HostState {
  stats: HostRateStats;
  inflight: number;
  countedInflight: number;
  queue: (() => void)[];
  nextAt: number;
  /** Requests that count, left in the budget: as last announced, minus those sent since that are not in it yet. */
  budget?: number;
  windowMs?: number;
  pausedUntil: number;
}

/** `100;w=21600` -> {n: 100, windowMs: 21600000}. https://docs.docker.com/docker-hub/usage/pulls/ */
export function parseRateLimitHeader(v: string | string[] | undefined): { n: number; windowMs?: number } | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  const m = /^\s*(\d+)\s*(?:;\s*w\s*=\s*(\d+))?/.exec(s);
  if (!m) return undefined;
  return { n: Number(m[1]), windowMs: m[2] ? Number(m[2]) * 1000 : undefined };
}

/**
 * Per-host pacing for a sync: at most `concurrency` requests in flight, at most
 * `requestsPerSecond`, and Docker Hub's pull budget kept. Docker Hub sends
 * `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600` on manifest
 * answers and counts manifest GETs only (HEADs are free), so the limiter counts those
 * too; when the budget left would drop to `reserve`, it pauses that host for one window
 * from then (enough for a fixed window to reset and for a rolling one to drop everything
 * it had counted), instead of running into 429s.
 */
export class RateLimiter implements RegistryRequestHooks {
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly options: RateLimiterOptions) {}

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      s = { stats: { host, requests: 0, counted: 0, pauses: 0, pausedMs: 0, refused: 0 }, inflight: 0, countedInflight: 0, queue: [], nextAt: 0, pausedUntil: 0 };
      this.hosts.set(host, s);
    }
    return s;
  }

  stats(): HostRateStats[] {
    return [...this.hosts.values()].map((s) => ({ ...s.stats }));
  }

  async beforeSend(host: string, method: string, url: string, signal?: AbortSignal): Promise<(answer?: { status: number; headers: Record<string, string | string[] | undefined> }) => void> {
    const s = this.state(host);
    const limits = this.options.limits(host);
    // Concurrency: a slot, FIFO.
    if (s.inflight >= limits.concurrency) await new Promise<void>((go) => s.queue.push(go));
    else s.inflight++;
    let counted = false;
    try {
      counted = method === 'GET' && /\/manifests\/[^/]+$/.test(new URL(url, 'http://x').pathname);
      for (;;) {
        const now = Date.now();
        if (s.pausedUntil > now) {
          const wait = s.pausedUntil - now;
          if (wait > this.options.maxWaitMs) break;
          await sleep(wait, signal);
          continue;
        }
        if (counted && s.budget !== undefined && s.budget <= this.options.reserve) {
          // Out of budget (as far as we know): pause this host for a window from now.
          const windowMs = s.windowMs ?? this.options.defaultWindowMs ?? 60_000;
          s.pausedUntil = now + windowMs;
          s.stats.pauses++;
          s.stats.pausedMs += Math.min(windowMs, this.options.maxWaitMs);
          // After the pause the budget is unknown until an answer says it again.
          s.budget = undefined;
          if (windowMs > this.options.maxWaitMs) break;
          continue;
        }
        if (limits.requestsPerSecond > 0) {
          const gap = 1000 / limits.requestsPerSecond;
          const at = Math.max(now, s.nextAt);
          s.nextAt = at + gap;
          if (at > now) await sleep(at - now, signal);
        }
        break;
      }
    } catch (e) {
      this.release(s);
      throw e;
    }
    s.stats.requests++;
    if (counted) {
      s.stats.counted++;
      s.countedInflight++;
      if (s.budget !== undefined) s.budget--;
    }
    let done = false;
    return (answer) => {
      if (done) return;
      done = true;
      if (counted) s.countedInflight--;
      if (answer) this.observe(s, answer.status, answer.headers);
      this.release(s);
    };
  }

  private release(s: HostState): void {
    const next = s.queue.shift();
    if (next) next();
    else s.inflight--;
  }

  private observe(s: HostState, status: number, headers: Record<string, string | string[] | undefined>): void {
    const remaining = parseRateLimitHeader(headers['ratelimit-remaining']);
    const limit = parseRateLimitHeader(headers['ratelimit-limit']);
    if (limit) s.stats.limit = limit.n;
    if (remaining) {
      // Requests still in flight may not be counted in this answer yet: assume they are not.
      s.budget = remaining.n - s.countedInflight;
      s.windowMs = remaining.windowMs ?? limit?.windowMs ?? s.windowMs;
      s.stats.lowestRemaining = Math.min(s.stats.lowestRemaining ?? Infinity, remaining.n);
    }
    if (status === 429) {
      s.stats.refused++;
      const ra = headers['retry-after'];
      const v = Array.isArray(ra) ? ra[0] : ra;
      const after = v && /^\d+$/.test(v.trim()) ? Number(v.trim()) * 1000 : (s.windowMs ?? this.options.defaultWindowMs ?? 60_000);
      s.pausedUntil = Math.max(s.pausedUntil, Date.now() + after);
      s.budget = undefined;
    }
  }
}
