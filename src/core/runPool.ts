/**
 * Runs `f` over `items` with at most `n` calls in flight, in order of start; `f` gets each
 * item's index so results can be stored in order. One worker at least, none more than items.
 * The registry code's one pool: copy, sync, verify and notice all pace their requests with it.
 */
export async function runPool<T>(items: readonly T[], n: number, f: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await f(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}
