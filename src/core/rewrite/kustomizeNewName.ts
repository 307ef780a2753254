import type { Finding } from '../analyze';
import type { ImageMention } from '../scan/imageMention';

/**
 * Kustomize `images:` entries select images by `name:` and override them with `newName:`
 * (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/).
 * Rewriting `name:` breaks the selector when the image comes from a remote base that still
 * says `k8s.gcr.io/x`: the override stops matching and the old image is pulled. So:
 * - `name:` old, no `newName:` -> keep `name:`, insert `newName: <new>` below it, at the
 *   indentation of `name:` (the file's own), with its line ending;
 * - `name:` old, `newName:` present -> the entry already overrides it: not a finding (the
 *   `newName:` value is a mention of its own and is rewritten when it is old);
 * - a flow mapping (`- {name: x}`) cannot take a new line: left for a hand fix.
 * Returns the findings to keep.
 */
export function planKustomizeNewName(text: string, findings: Finding[]): Finding[] {
  return findings.filter((f) => {
    if (f.mention.kind !== 'kustomize-name' || f.newName === null) return true;
    const entry = entryOf(text, f.mention);
    if (!entry) {
      if (f.edits.length) {
        f.edits = [];
        f.message += ' In a Kustomize images: entry, keep name: (it selects the image) and add newName: by hand.';
      }
      return true;
    }
    if (entry.hasNewName) return false;
    if (f.edits.length === 0) return true;
    const nameEdit = f.edits.find((e) => e.span.start === f.mention.nameSpan?.start);
    if (!nameEdit) return true;
    const newValue = f.replacement ?? nameEdit.newText;
    f.edits = [{ span: { start: entry.lineEnd, end: entry.lineEnd }, newText: `${entry.eol}${' '.repeat(entry.keyColumn)}newName: ${newValue}` }];
    f.replacement = newValue;
    f.message += ' Kustomize selects images by name:, so name: stays and newName: is set.';
    return true;
  });
}

interface Entry {
  keyColumn: number;
  lineEnd: number;
  eol: string;
  hasNewName: boolean;
}

const KEY = /^([ ]*)(-[ ]+)?(["']?)([A-Za-z]+)\3[ ]*:/;

function entryOf(text: string, m: ImageMention): Entry | undefined {
  const lineStart = text.lastIndexOf('\n', m.span.start - 1) + 1;
  let lineEnd = text.indexOf('\n', m.span.start);
  if (lineEnd === -1) lineEnd = text.length;
  const eol = lineEnd < text.length ? (text[lineEnd - 1] === '\r' ? '\r\n' : '\n') : text.includes('\r\n') ? '\r\n' : '\n';
  if (text[lineEnd - 1] === '\r') lineEnd--;
  const line = text.slice(lineStart, lineEnd);
  const k = KEY.exec(line);
  if (!k || k[4] !== 'name') return undefined;
  const keyColumn = k[1].length + (k[2]?.length ?? 0);
  // The entry's other keys sit at the same column, below (and above, when name: is not first).
  const lines = text.split('\n');
  const at = text.slice(0, lineStart).split('\n').length - 1;
  let hasNewName = false;
  /** Looks at line i; false ends the walk. Going up, the entry's own `- key:` line is the last one. */
  const visit = (i: number, up: boolean): boolean => {
    const l = lines[i].replace(/\r$/, '');
    if (l.trim() === '' || l.trim().startsWith('#')) return true;
    const km = KEY.exec(l);
    const indent = l.length - l.trimStart().length;
    const col = km ? km[1].length + (km[2]?.length ?? 0) : -1;
    if (indent < keyColumn) {
      if (up && km?.[2] && col === keyColumn && km[4] === 'newName') hasNewName = true;
      return false;
    }
    if (indent === keyColumn && km && km[4] === 'newName') hasNewName = true;
    return true;
  };
  for (let i = at + 1; i < lines.length && visit(i, false); i++);
  if (!k[2]) for (let i = at - 1; i >= 0 && visit(i, true); i--);
  return { keyColumn, lineEnd, eol, hasNewName };
}
