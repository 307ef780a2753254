import { follow } from './abortFanout';
import { RegistryError } from './registryError';

/**
 * The deadlines of one attempt of one request.
 *
 * Why: undici's idle timeouts fire only when nothing arrives for a while, so a registry
 * (or a proxy) that drips one byte a second kept a `copy` busy for days. An attempt now
 * ends, with a RegistryError that callers retry like a reset, when
 *  - it has not finished within `deadlineMs` (everything but a streamed blob body), or
 *  - its body is slower than `minBytesPerSecond` over any `windowMs` (a streamed blob
 *    body, which has no overall deadline because a 1 GiB layer on a slow link may
 *    rightly take an hour; at 10 KiB/s it has to keep moving).
 */
export interface GuardOptions {
  /** `registry.example/v2/app/blobs/…`, for messages. */
  where: string;
  /** The whole attempt (connect, headers, body) must be done by then; undefined: no overall limit. */
  deadlineMs?: number;
  /** The headers must have arrived by then (a streamed answer's only overall limit). */
  headersDeadlineMs?: number;
  /** 0 turns the speed check off. */
  minBytesPerSecond: number;
  windowMs: number;
}

/**
 * The signal of one attempt, as undici (`request({ signal })`) and the transport use it:
 * `aborted`, `reason` and `abort` listeners, no more. Not an AbortController: creating one
 * per request was 7 % of the CPU of a 100,000-tag `verify`, and EventTarget's
 * add/removeEventListener another 3 %. Listeners are called once, with no event.
 */
export class AttemptSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | undefined;

  /** Every listener is a `{ once: true }` one: the signal aborts only once. */
  addEventListener(type: 'abort', f: () => void, _options?: { once?: boolean }): void {
    if (type !== 'abort' || this.aborted) return;
    (this.listeners ??= []).push(f);
  }

  removeEventListener(type: 'abort', f: () => void): void {
    const i = type === 'abort' && this.listeners ? this.listeners.indexOf(f) : -1;
    if (i !== -1) this.listeners!.splice(i, 1);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const fs = this.listeners;
    this.listeners = undefined;
    if (fs) for (const f of fs) f();
  }
}

export class RequestGuard {
  private readonly attempt = new AttemptSignal();
  /** In its duration's DeadlineList while armed: when it is due (performance.now()), and its neighbours. */
  due = 0;
  prev: RequestGuard | undefined;
  next: RequestGuard | undefined;
  private deadline: DeadlineList | undefined;
  private headersTimer: NodeJS.Timeout | undefined;
  private speedTimer: NodeJS.Timeout | undefined;
  private failure: RegistryError | undefined;
  private bytes = 0;
  private readonly unfollow: () => void;
  private onFail: ((e: RegistryError) => void) | undefined;

  /** `parent`: the caller's signal (undefined: only the guard's own deadlines end the attempt). */
  constructor(
    parent: AbortSignal | undefined,
    private readonly opts: GuardOptions,
  ) {
    this.unfollow = follow(parent, (reason) => this.attempt.abort(reason));
    // The guard as the timer's argument, not a closure per timer: a large verify arms 200,000.
    if (opts.deadlineMs !== undefined) (this.deadline = DeadlineList.of(opts.deadlineMs)).add(this);
    if (opts.headersDeadlineMs !== undefined) this.headersTimer = setTimeout(RequestGuard.headersLate, opts.headersDeadlineMs, this);
  }

  /** DeadlineList calls this when the overall deadline has passed. */
  deadlinePassed(): void {
    this.deadline = undefined;
    this.fail(new RegistryError('timeout', `${this.opts.where}: no complete answer within ${seconds(this.opts.deadlineMs!)}`));
  }

  private static headersLate(g: RequestGuard): void {
    g.fail(new RegistryError('timeout', `${g.opts.where}: no answer within ${seconds(g.opts.headersDeadlineMs!)}`));
  }

  /** What undici is given: aborted by the caller, the deadline or the speed check. */
  get signal(): AttemptSignal {
    return this.attempt;
  }

  /** The same, as `request({ signal })` is typed: an EventTarget-like object is all undici asks of it (api-request.js). */
  get undiciSignal(): AbortSignal {
    return this.attempt as unknown as AbortSignal;
  }

  /** Why the guard ended the attempt, if it did (undefined: the caller aborted, or nothing happened). */
  get error(): RegistryError | undefined {
    return this.failure;
  }

  /** Called when the guard fails, e.g. to destroy a body stream that the caller is reading. */
  set failed(f: (e: RegistryError) => void) {
    this.onFail = f;
  }

  /** The body starts arriving: from now on it must keep `minBytesPerSecond` over each window. */
  startBody(): void {
    if (this.headersTimer) clearTimeout(this.headersTimer);
    const { minBytesPerSecond, windowMs, where } = this.opts;
    if (minBytesPerSecond <= 0 || this.failure) return;
    const tick = Math.max(10, Math.floor(windowMs / 10));
    const ticksPerWindow = Math.max(1, Math.round(windowMs / tick));
    // Cumulative byte counts, one per tick, for the sliding window.
    const samples = [this.bytes];
    const t = setInterval(() => {
      samples.push(this.bytes);
      if (samples.length <= ticksPerWindow) return;
      samples.shift();
      const got = this.bytes - samples[0];
      const need = (minBytesPerSecond * windowMs) / 1000;
      if (got < need) {
        this.fail(new RegistryError('timeout', `${where}: too slow: ${got} bytes in the last ${seconds(windowMs)}, below the minimum ${formatSpeed(minBytesPerSecond)} (--min-speed)`));
      }
    }, tick);
    t.unref();
    if (this.speedTimer) clearInterval(this.speedTimer);
    this.speedTimer = t;
  }

  count(n: number): void {
    this.bytes += n;
  }

  /** The body was read and the attempt is over: stop every timer, drop the listener. */
  dispose(): void {
    if (this.deadline) {
      this.deadline.remove(this);
      this.deadline = undefined;
    }
    if (this.speedTimer) clearInterval(this.speedTimer);
    if (this.headersTimer) clearTimeout(this.headersTimer);
    this.unfollow();
  }

  private fail(e: RegistryError): void {
    if (this.failure || this.attempt.aborted) return;
    this.failure = e;
    // Timers and the caller's listener go first: a listener that throws must not leave them.
    this.dispose();
    this.attempt.abort(e);
    this.onFail?.(e);
  }
}

/**
 * The armed overall deadlines of one duration, in one Node timer instead of one per attempt:
 * a 100,000-tag verify arms 200,000 of them, and a Timeout each was ~300 bytes and a
 * native call to read the clock. Guards of one duration fall due in the order they were
 * armed, so the list, appended at its tail, stays sorted, and its timer waits for the head.
 * When the head is removed early (the common case: the answer came), the timer is left
 * as it is; when it fires it expires what is due and waits again for the new head.
 */
class DeadlineList {
  private static readonly lists = new Map<number, DeadlineList>();
  private head: RequestGuard | undefined;
  private tail: RequestGuard | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly ms: number) {}

  static of(ms: number): DeadlineList {
    let l = DeadlineList.lists.get(ms);
    if (!l) DeadlineList.lists.set(ms, (l = new DeadlineList(ms)));
    return l;
  }

  add(g: RequestGuard): void {
    g.due = performance.now() + this.ms;
    g.prev = this.tail;
    g.next = undefined;
    if (this.tail) this.tail.next = g;
    else this.head = g;
    this.tail = g;
    this.timer ??= setTimeout(DeadlineList.fire, this.ms, this);
  }

  remove(g: RequestGuard): void {
    if (g.prev) g.prev.next = g.next;
    else if (this.head === g) this.head = g.next;
    else return; // not in this list (already expired)
    if (g.next) g.next.prev = g.prev;
    else this.tail = g.prev;
    g.prev = g.next = undefined;
    if (!this.head) this.stop();
  }

  private static fire(l: DeadlineList): void {
    l.timer = undefined;
    const now = performance.now();
    try {
      while (l.head && l.head.due <= now) {
        const g = l.head;
        l.remove(g);
        g.deadlinePassed();
      }
    } finally {
      // Even if an abort listener threw, the guards still listed keep their deadline; and a
      // guard armed by a listener (a retry) must not leave the timer waiting for its own.
      if (l.timer) clearTimeout(l.timer);
      l.timer = undefined;
      if (l.head) l.timer = setTimeout(DeadlineList.fire, Math.max(1, Math.ceil(l.head.due - performance.now())), l);
      else l.stop();
    }
  }

  /** Nothing armed: no timer keeps the process alive, and the list is forgotten. */
  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (DeadlineList.lists.get(this.ms) === this) DeadlineList.lists.delete(this.ms);
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond >= 1024 ? `${+(bytesPerSecond / 1024).toFixed(1)} KiB/s` : `${bytesPerSecond} B/s`;
}
