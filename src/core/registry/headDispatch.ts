import type { Dispatcher } from 'undici';

import type { AttemptSignal } from './requestGuard';

/** What a HEAD answers: a status and headers (as `request()` parses them), and no body. */
export interface HeadAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: { dump(): Promise<void> };
}

const NO_BODY = { dump: (): Promise<void> => Promise.resolve() };

/**
 * One HEAD through undici's handler API (`dispatch`) instead of `request()`: no body
 * stream, no request wrapper. A HEAD has no body to read, and `verify` sends 200,000 of
 * them for 100,000 tags; this took a bare undici loop of them from 6.8 to 5.6 s of CPU
 * (bench/verifyFloor.js against the same loop over dispatch). Aborted through
 * the attempt's signal (deadline or caller), settling at once with its reason; other errors
 * are undici's own, as `request()` rejects with them.
 */
export function dispatchHead(dispatcher: Dispatcher, opts: Dispatcher.DispatchOptions, signal: AttemptSignal): Promise<HeadAnswer> {
  // Already over: not sent at all, so that it holds no connection of the pool.
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<HeadAnswer>((resolve, reject) => {
    const handler = new HeadHandler(resolve, reject, signal);
    try {
      dispatcher.dispatch(opts, handler);
    } catch (e) {
      handler.onResponseError(undefined, e as Error);
    }
  });
}

class HeadHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private statusCode = 0;
  private headers: HeadAnswer['headers'] = {};
  private settled = false;
  /**
   * The attempt ends at once, as untilAborted makes request() do: whatever undici does with
   * the abort later (a ProxyAgent re-dialling a dead proxy may never call back) is ignored.
   */
  private readonly onAbort = (): void => {
    this.controller?.abort(this.signal.reason as Error);
    if (this.settle()) this.reject(this.signal.reason as Error);
  };

  constructor(
    private readonly resolve: (a: HeadAnswer) => void,
    private readonly reject: (e: Error) => void,
    private readonly signal: AttemptSignal,
  ) {
    signal.addEventListener('abort', this.onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal.aborted) controller.abort(this.signal.reason as Error);
  }

  /** Called again after a 1xx: the last status is the answer. */
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: HeadAnswer['headers']): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(): void {
    // A HEAD's answer has no body; a registry that sends one anyway is not read.
  }

  onResponseEnd(): void {
    if (this.settle()) this.resolve({ statusCode: this.statusCode, headers: this.headers, body: NO_BODY });
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, e: Error): void {
    if (this.settle()) this.reject(e);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.signal.removeEventListener('abort', this.onAbort);
    return true;
  }
}
