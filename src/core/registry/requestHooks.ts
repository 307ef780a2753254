/**
 * Lets a caller pace a client's requests without owning its transport: the sync engine's
 * per-host limiter (src/core/sync/rateLimit.ts) waits in `beforeSend` and reads Docker Hub's
 * `ratelimit-remaining` from the answer it is handed. The wait happens before the attempt's
 * timeout starts, so a long pause for a rate-limit window is not mistaken for a dead registry.
 */
export interface RegistryRequestHooks {
  /**
   * Called before each attempt of a request (retries included). Resolves when the request
   * may go; the returned function is called once with the answer, or with undefined when
   * the attempt failed without one.
   */
  beforeSend(host: string, method: string, url: string, signal?: AbortSignal): Promise<(answer?: { status: number; headers: Record<string, string | string[] | undefined> }) => void>;
}
