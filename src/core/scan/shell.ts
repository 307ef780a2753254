import type { ImageMention } from './imageMention';
export interface ShellOptions { make: boolean }
// placeholder until the shell/Makefile finder lands
export function findShellMentions(_text: string, _options: ShellOptions): ImageMention[] { return []; }
