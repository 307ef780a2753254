/** A half-open range [start, end) of UTF-16 offsets into one scanned text. */
export interface Span {
  start: number;
  end: number;
}

/** A replacement of one span of the original text. Edits of one text never overlap. */
export interface TextEdit {
  span: Span;
  newText: string;
}

/** 0-based line, 0-based character (UTF-16 code units), as VS Code counts them. */
export interface Position {
  line: number;
  character: number;
}

/**
 * Maps offsets to line/character and back. Lines end at "\n"; a "\r" before it belongs
 * to the line ending, so CRLF files report the same columns as LF files.
 */
export class LineIndex {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    return Math.min(this.starts[Math.max(0, pos.line)] + pos.character, this.lineEnd(pos.line));
  }

  lineStart(line: number): number {
    return this.starts[line];
  }

  /** Offset of the end of the line's content, before any "\r\n" or "\n". */
  lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return next > this.starts[line] && this.text.charCodeAt(next - 1) === 13 && next < this.text.length ? next - 1 : next;
  }

  lineText(line: number): string {
    return this.text.slice(this.starts[line], this.lineEnd(line));
  }
}
