/**
 * One `abort` listener per caller signal, however many requests share it.
 *
 * Why: the CLI passes one AbortSignal (SIGINT) to a copy that has 16+ requests in flight.
 * When each request added its own listener to it, Node printed
 * `MaxListenersExceededWarning: Possible EventTarget memory leak … 11 abort listeners` on
 * every larger copy, and listeners of finished requests stayed. Here the caller's signal
 * gets a single listener while any request derived from it is running; each request gets
 * its own AbortController (which undici may listen on), released when the request settles,
 * and the listener on the caller's signal is removed with the last release.
 */
export interface AbortChild {
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
  /** The work settled: stop following the parent. Idempotent. */
  release(): void;
}

interface Entry {
  subscribers: Set<(reason: unknown) => void>;
  onAbort: () => void;
}

const entries = new WeakMap<AbortSignal, Entry>();

/** A controller that aborts when `parent` does; call `release()` when done with it. */
export function abortChild(parent: AbortSignal | undefined): AbortChild {
  const c = new AbortController();
  const own = { signal: c.signal, abort: (r: unknown) => c.abort(r) };
  if (!parent) return { ...own, release: () => undefined };
  if (parent.aborted) {
    c.abort(parent.reason);
    return { ...own, release: () => undefined };
  }
  let entry = entries.get(parent);
  if (!entry) {
    const subscribers = new Set<(reason: unknown) => void>();
    const onAbort = () => {
      entries.delete(parent);
      for (const f of [...subscribers]) f(parent.reason);
    };
    parent.addEventListener('abort', onAbort, { once: true });
    entry = { subscribers, onAbort };
    entries.set(parent, entry);
  }
  const e = entry;
  const follow = (r: unknown) => c.abort(r);
  e.subscribers.add(follow);
  let released = false;
  return {
    ...own,
    release() {
      if (released) return;
      released = true;
      e.subscribers.delete(follow);
      if (e.subscribers.size === 0 && entries.get(parent) === e) {
        parent.removeEventListener('abort', e.onAbort);
        entries.delete(parent);
      }
    },
  };
}

/** How many requests currently follow `parent` (tests: 0 once an operation settled). */
export function followers(parent: AbortSignal): number {
  return entries.get(parent)?.subscribers.size ?? 0;
}
