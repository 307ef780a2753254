/**
 * One `abort` listener per caller signal, however many requests follow it.
 *
 * Why: the CLI passes one AbortSignal (SIGINT) to a copy that has 16+ requests in flight.
 * When each request added its own listener to it, Node printed
 * `MaxListenersExceededWarning: Possible EventTarget memory leak … 11 abort listeners` on
 * every larger copy, and listeners of finished requests stayed. Here the caller's signal
 * gets a single listener while anything follows it; each follower is a callback in a Set,
 * and the listener on the caller's signal is removed with the last one.
 *
 * A follower is a callback, not an AbortController: one controller per request was 7 % of
 * the CPU of a 100,000-tag `verify` (createAbortSignal), and EventTarget's
 * add/removeEventListener another 3 %.
 */

interface Entry {
  subscribers: Set<(reason: unknown) => void>;
  onAbort: () => void;
}

const entries = new WeakMap<AbortSignal, Entry>();

const nothing = (): void => undefined;

/**
 * Calls `onAbort(parent.reason)` when `parent` aborts (at once if it already has), until
 * the returned function is called. That function is idempotent; call it when done. Each
 * call gives its own `onAbort` (a Set holds them: the same function twice follows once).
 */
export function follow(parent: AbortSignal | undefined, onAbort: (reason: unknown) => void): () => void {
  if (!parent) return nothing;
  if (parent.aborted) {
    onAbort(parent.reason);
    return nothing;
  }
  let entry = entries.get(parent);
  if (!entry) {
    const subscribers = new Set<(reason: unknown) => void>();
    const fire = () => {
      entries.delete(parent);
      for (const f of [...subscribers]) f(parent.reason);
    };
    parent.addEventListener('abort', fire, { once: true });
    entry = { subscribers, onAbort: fire };
    entries.set(parent, entry);
  }
  const e = entry;
  e.subscribers.add(onAbort);
  return () => {
    if (!e.subscribers.delete(onAbort)) return;
    if (e.subscribers.size === 0 && entries.get(parent) === e) {
      parent.removeEventListener('abort', e.onAbort);
      entries.delete(parent);
    }
  };
}

/** How many callbacks currently follow `parent` (tests: 0 once an operation settled). */
export function followers(parent: AbortSignal): number {
  return entries.get(parent)?.subscribers.size ?? 0;
}
