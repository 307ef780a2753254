import type { Command } from '../command';

// One entry per command, in the order `--help` lists them.
// (scan, fix: core engine issue; tags, verify: registry issue; copy: copy issue)
export const commands: Record<string, Command> = {};
