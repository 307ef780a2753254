import type { CliIO } from './io';

/** A CLI command: src/cli/commands/<name>.ts exports one, src/cli/commands/index.ts lists it. */
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}
