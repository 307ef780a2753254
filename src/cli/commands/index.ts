import type { Command } from '../command';
import { copyCommand } from './copy';
import { fixCommand } from './fix';
import { noticeCommand } from './notice';
import { scanCommand } from './scan';
import { syncCommand } from './sync';
import { tagsCommand } from './tags';
import { verifyCommand } from './verify';

// One entry per command, in the order `--help` lists them.
// (tags, verify: registry issue; copy: copy issue)
export const commands: Record<string, Command> = {
  scan: scanCommand,
  fix: fixCommand,
  tags: tagsCommand,
  verify: verifyCommand,
  copy: copyCommand,
  sync: syncCommand,
  notice: noticeCommand,
};
