import type { TextEdit } from '../text/span';

/**
 * Applies non-overlapping edits to `text`. Everything outside the edited spans is kept
 * byte for byte (comments, quoting, CRLF). Overlapping edits are a programmer error.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.span.start < pos) throw new Error(`overlapping edits at offset ${e.span.start}`);
    out += text.slice(pos, e.span.start) + e.newText;
    pos = e.span.end;
  }
  return out + text.slice(pos);
}

/** Drops later edits that overlap an earlier one, and exact duplicates. */
export function dedupeEdits(edits: readonly TextEdit[]): { edits: TextEdit[]; dropped: TextEdit[] } {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const kept: TextEdit[] = [];
  const dropped: TextEdit[] = [];
  for (const e of sorted) {
    const last = kept[kept.length - 1];
    if (last && last.span.start === e.span.start && last.span.end === e.span.end && last.newText === e.newText) continue;
    if (last && e.span.start < last.span.end) dropped.push(e);
    else kept.push(e);
  }
  return { edits: kept, dropped };
}
