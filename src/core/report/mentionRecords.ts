import type { FileAnalysis, Finding } from '../analyze';
import type { ImageMention, PartRole } from '../scan/imageMention';
import type { FindingVerification, VerificationState } from '../verify/index';
import { LineIndex } from '../text/span';
import { LineCursor } from './lineCursor';

/** One line of `scan --format json`; the README documents this shape. */
export interface MentionRecord {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
  kind: string;
  /** Set for an OCI artifact (a Helm chart at oci://, a Tekton bundle…). */
  artifact: string | null;
  deprecated: boolean;
  rule: string | null;
  severity: string | null;
  message: string | null;
  newName: string | null;
  replacement: string | null;
  skipped: string | null;
  parts: { line: number; column: number; text: string; replacement: string | null; role: PartRole }[] | null;
  /** `scan --verify`: what the registries said; null when not checked (offline, or nothing to resolve). */
  verification: { state: VerificationState; oldDigest: string | null; newDigest: string | null; detail: string } | null;
}

/**
 * The trimmed text of a record's line and its neighbours: what a SARIF fingerprint hashes,
 * so an alert survives lines inserted elsewhere in the file. Kept beside the record, not in
 * the JSON output (so only records made on the main thread have it: SARIF asks for those).
 */
export const lineWindows = new WeakMap<MentionRecord, string>();

/** The finding behind a deprecated record, for the text output's verification line. */
export const recordFindings = new WeakMap<MentionRecord, Finding>();

/** 1-based line and column; the column counts characters (code points), not UTF-16 units. */
export function lineColumn(index: LineIndex, text: string, offset: number): { line: number; column: number } {
  const p = index.positionAt(offset);
  return { line: p.line + 1, column: codePointColumn(text, index.lineStart(p.line), offset, p.character) + 1 };
}

/** `character` (UTF-16 units from `lineStart` to `offset`) less one per surrogate pair: 0-based. */
function codePointColumn(text: string, lineStart: number, offset: number, character: number): number {
  // Count surrogate pairs once each, without slicing the line (this runs per mention).
  let column = character;
  for (let i = lineStart; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) column--;
    }
  }
  return column;
}

/**
 * One file's records: its findings, or with `all` every mention. Computed where the file
 * was analyzed (a scan worker), so only these small objects travel, not the text.
 */
export function mentionRecords(
  rel: string,
  text: string,
  analysis: FileAnalysis,
  all: boolean,
  verifications?: ReadonlyMap<Finding, FindingVerification>,
  /**
   * Fill lineWindows and recordFindings (the default). A scan worker says no: WeakMap
   * entries do not travel with a record, and the three line slices per record were garbage.
   */
  links = true,
): MentionRecord[] {
  const out: MentionRecord[] = [];
  const { mentions, findings } = analysis;
  // Filled in loops: a [mention, finding] pair array per finding was garbage.
  const byMention = new Map<ImageMention, Finding>();
  for (const x of findings) byMention.set(x.mention, x);
  const noteOf = new Map<ImageMention, Finding>();
  for (const x of analysis.notes ?? []) noteOf.set(x.mention, x);
  const chosen = all ? mentions : mentions.filter((m) => byMention.has(m) || noteOf.has(m));
  if (chosen.length === 0) return out;
  const cursor = new LineCursor(text);
  // 1-based line and code-point column of an offset, through the cursor (lineColumn's
  // clamping included: positionAt clamps the offset, the column loop stops at it).
  let line = 0;
  let column = 0;
  const seek = (offset: number) => {
    cursor.seek(offset);
    line = cursor.line + 1;
    column = codePointColumn(text, cursor.lineStart, offset, cursor.offset - cursor.lineStart) + 1;
  };
  let index: LineIndex | undefined;
  const lineText = (n: number) => {
    index ??= new LineIndex(text);
    return n < 0 || n >= index.lineCount ? '' : text.slice(index.lineStart(n), index.lineEnd(n)).trim();
  };
  for (const m of chosen) {
    const finding = byMention.get(m);
    const note = noteOf.get(m);
    seek(m.span.start);
    const startLine = line;
    const startColumn = column;
    seek(m.span.end);
    const v = finding ? verifications?.get(finding) : undefined;
    const record: MentionRecord = {
      file: rel,
      line: startLine,
      column: startColumn,
      endLine: line,
      endColumn: column,
      text: m.text,
      kind: m.kind,
      artifact: m.artifact ?? null,
      deprecated: Boolean(finding),
      rule: (finding ?? note)?.rule.id ?? null,
      severity: finding?.severity ?? (note ? 'note' : null),
      message: (finding ?? note)?.message ?? null,
      newName: (finding ?? note)?.newName ?? null,
      replacement: finding?.replacement ?? null,
      skipped: m.skipped ?? null,
      parts: m.parts
        ? m.parts.map((p) => {
            seek(p.span.start);
            const r = finding?.partReplacements?.find((x) => x.part === p);
            return { line, column, text: p.text, replacement: r ? r.newText : null, role: p.role };
          })
        : null,
      verification: v?.checked ? { state: v.verification.state, oldDigest: v.verification.oldDigest, newDigest: v.verification.newDigest, detail: v.verification.detail } : null,
    };
    if (links) {
      lineWindows.set(record, [startLine - 2, startLine - 1, startLine].map(lineText).join('\n'));
      if (finding) recordFindings.set(record, finding);
    }
    out.push(record);
  }
  return out;
}
