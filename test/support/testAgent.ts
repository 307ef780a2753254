import { Agent, Dispatcher } from 'undici';

/**
 * An undici Agent that a suite may close in its `after` hook and use again.
 *
 * Why: Stryker's mocha runner loads the test files once per worker and runs them again
 * for every mutant, so a `describe` body (and a `const agent = new Agent()` in it) runs
 * once, but `after(() => agent.close())` runs every time. A plain Agent is then destroyed
 * in the second run, every registry suite fails in its `before` hook with
 * UND_ERR_DESTROYED, and Stryker counts the mutant as killed by a test that never ran.
 * This one opens a fresh Agent on the first request after a close.
 */
export class TestAgent extends Dispatcher {
  private inner: Agent | undefined;

  constructor(private readonly options?: Agent.Options) {
    super();
  }

  private get agent(): Agent {
    return (this.inner ??= new Agent(this.options));
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.agent.dispatch(options, handler);
  }

  override close(callback: () => void): void;
  override close(): Promise<void>;
  override close(callback?: () => void): Promise<void> | void {
    const a = this.inner;
    this.inner = undefined;
    const done = a ? a.close() : Promise.resolve();
    if (!callback) return done;
    void done.then(callback, callback);
  }

  override destroy(err: Error | null, callback: () => void): void;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null): Promise<void>;
  override destroy(): Promise<void>;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    const inner = this.inner;
    this.inner = undefined;
    const done = inner ? inner.destroy(err) : Promise.resolve();
    if (!callback) return done;
    void done.then(callback, callback);
  }
}
