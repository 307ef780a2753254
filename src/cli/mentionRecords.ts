import type { Finding } from '../core/analyze';
import type { FindingVerification, VerificationState } from '../core/verify/index';
import type { ImageMention, PartRole } from '../core/scan/imageMention';
import { LineIndex, type Span } from '../core/text/span';
import type { ScannedFile } from './scanFiles';

/** One line of `scan --format json`; the README documents this shape. */
export interface MentionRecord {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
  kind: string;
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
 * the JSON output.
 */
export const lineWindows = new WeakMap<MentionRecord, string>();

/** The finding behind a deprecated record, for the text output's verification line. */
export const recordFindings = new WeakMap<MentionRecord, Finding>();

/** 1-based line and column; the column counts characters (code points), not UTF-16 units. */
export function lineColumn(index: LineIndex, text: string, offset: number): { line: number; column: number } {
  const p = index.positionAt(offset);
  const prefix = text.slice(index.lineStart(p.line), offset);
  let column = prefix.length;
  if (/[\ud800-\udbff]/.test(prefix)) column = Array.from(prefix).length;
  return { line: p.line + 1, column: column + 1 };
}

export function mentionRecords(files: readonly ScannedFile[], all: boolean, verifications?: ReadonlyMap<Finding, FindingVerification>): MentionRecord[] {
  const out: MentionRecord[] = [];
  for (const f of files) {
    const { mentions, findings } = f.analysis;
    const byMention = new Map<ImageMention, Finding>(findings.map((x) => [x.mention, x]));
    const chosen = all ? mentions : mentions.filter((m) => byMention.has(m));
    if (chosen.length === 0) continue;
    const index = new LineIndex(f.text);
    const at = (s: Span) => {
      const a = lineColumn(index, f.text, s.start);
      const b = lineColumn(index, f.text, s.end);
      return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
    };
    const lineText = (line: number) => (line < 0 || line >= index.lineCount ? '' : f.text.slice(index.lineStart(line), index.lineEnd(line)).trim());
    for (const m of chosen) {
      const finding = byMention.get(m);
      const pos = at(m.span);
      const v = finding ? verifications?.get(finding) : undefined;
      const record: MentionRecord = {
        file: f.file.rel,
        ...pos,
        text: m.text,
        kind: m.kind,
        deprecated: Boolean(finding),
        rule: finding?.rule.id ?? null,
        severity: finding?.severity ?? null,
        message: finding?.message ?? null,
        newName: finding?.newName ?? null,
        replacement: finding?.replacement ?? null,
        skipped: m.skipped ?? null,
        parts: m.parts
          ? m.parts.map((p) => {
              const pp = at(p.span);
              const r = finding?.partReplacements?.find((x) => x.part === p);
              return { line: pp.line, column: pp.column, text: p.text, replacement: r ? r.newText : null, role: p.role };
            })
          : null,
        verification: v?.checked ? { state: v.verification.state, oldDigest: v.verification.oldDigest, newDigest: v.verification.newDigest, detail: v.verification.detail } : null,
      };
      lineWindows.set(record, [pos.line - 2, pos.line - 1, pos.line].map(lineText).join('\n'));
      if (finding) recordFindings.set(record, finding);
      out.push(record);
    }
  }
  return out;
}
