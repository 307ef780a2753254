import type { CliIO } from './io';

/**
 * A one-line bar on stderr (`[#####.....] 7/30 tags, 12.0 MB copying`), redrawn at most
 * every 100 ms and always on the last step, erased by `clear()`. Only for a terminal.
 */
export function progressBar(io: CliIO, unit = 'tags'): { update(done: number, total: number, detail?: string): void; clear(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(done, total, detail) {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      const width = 30;
      const filled = total ? Math.round((done / total) * width) : 0;
      io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}${detail ? `, ${detail}` : ''}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) io.err('\r\x1b[K');
      drawn = false;
    },
  };
}
