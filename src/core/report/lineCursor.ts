import { LineIndex } from '../text/span';

/**
 * LineIndex.positionAt for offsets asked mostly in increasing order (a file's mentions, then
 * each one's parts), without an array of every line start: it walks the newlines between
 * the last offset and the next. The line-start array was 3 % of a dense scan's allocation.
 * A caller that jumps around (a shared `global.imageRegistry` far above every image) gets
 * a LineIndex once the walking passes a few lengths of the text, so the cost stays linear.
 */
export class LineCursor {
  /** 0-based line of `lineStart`; the cursor's offset is somewhere on that line. */
  line = 0;
  lineStart = 0;
  /** The offset last sought, clamped to the text. */
  offset = 0;
  /** Where `line` ends (its newline, or the text's end); -1 when not known (after a step back). */
  private lineEnd = -1;
  /** Characters the newline searches have gone over, against the budget for a LineIndex. */
  private walked = 0;
  private index: LineIndex | undefined;

  constructor(private readonly text: string) {}

  /** Moves to `offset` (clamped to the text, as positionAt does); read line and lineStart. */
  seek(offset: number): void {
    const text = this.text;
    const o = Math.max(0, Math.min(offset, text.length));
    this.offset = o;
    if (this.index) {
      const p = this.index.positionAt(o);
      this.line = p.line;
      this.lineStart = this.index.lineStart(p.line);
      return;
    }
    // Still on the same line (many mentions on one line of minified JSON): nothing to search.
    if (o >= this.lineStart && o <= this.lineEnd) return;
    let line = this.line;
    let start = this.lineStart;
    if (o >= start) {
      // Forward: every newline before o starts a line; the first one at or after o ends it.
      let nl = text.indexOf('\n', start);
      for (; nl !== -1 && nl < o; nl = text.indexOf('\n', nl + 1)) {
        line++;
        start = nl + 1;
      }
      const end = nl === -1 ? text.length : nl;
      this.walked += end - this.lineStart;
      this.lineEnd = end;
    } else {
      // Back: start - 1 is the newline ending the previous line.
      this.walked += this.lineStart - o;
      while (o < start) {
        line--;
        const nl = start - 1;
        start = nl === 0 ? 0 : text.lastIndexOf('\n', nl - 1) + 1;
      }
      this.lineEnd = -1;
    }
    this.line = line;
    this.lineStart = start;
    if (this.walked > 4 * text.length + 4096) this.index = new LineIndex(text);
  }
}
