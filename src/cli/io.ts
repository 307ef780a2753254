/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: progress bars and colour are allowed there. */
  isTTY: boolean;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
}

/**
 * Exit codes shared by every command. 3 is "could not check": with `--verify`, a registry
 * that could not be asked (network, credentials, 5xx after retries).
 */
export const EXIT = { ok: 0, findings: 1, usage: 2, unchecked: 3 } as const;

/** A usage mistake: printed with the command's help hint, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
