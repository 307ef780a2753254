/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  /**
   * Resolves once what `out` was given has been handed to the OS (stdout a pipe that the
   * reader has not emptied yet). A command writing a large report in one go awaits it
   * between chunks: a pipe does not block, so the whole report waited in memory (+200 MB
   * for a 100,000-tag verify, 45 MB of JSON). Absent: nothing to wait for (tests).
   */
  drain?(): Promise<void>;
  /** True while what `out` was given waits for the reader (the case in which drain waits). */
  backedUp?(): boolean;
  err(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: progress bars and colour are allowed there. */
  isTTY: boolean;
  /** stdout is a terminal too (then a bar on stderr would draw over output streamed meanwhile). */
  outIsTTY?: boolean;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
}

/**
 * Exit codes shared by every command. For the registry gates (verify, copy): 0 the gate
 * holds, 1 migration incomplete (missing or different), 3 could not check (auth, network,
 * rate limit: the message says which), 2 usage. With `--verify`,
 * scan and fix exit 3 when a registry could not be asked (network, credentials, 5xx after retries).
 */
export const EXIT = { ok: 0, findings: 1, usage: 2, unchecked: 3 } as const;

/** A usage mistake: printed with the command's help hint, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
