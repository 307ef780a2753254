import { isMap, isScalar, type Pair, parseAllDocuments, type YAMLMap } from 'yaml';
import type { Finding } from '../analyze';
import type { CompanionEdit } from '../rules/migrationRule';
import type { TextEdit } from '../text/span';

/** A companion edit planned for a file, as the findings that need it carry it. */
export interface PlannedCompanion {
  companion: CompanionEdit;
  /** `global.security.allowInsecureImages: true` */
  description: string;
  edit: TextEdit;
}

/**
 * Adds the rules' companion edits to the findings that need them, once per file (the same
 * edit object on each finding, so a quick fix for one reference brings it and a fix-all,
 * which drops equal edits, writes it once). Only a Helm values file gets one: a single YAML
 * document whose root is a mapping and not a Kubernetes object (values embedded in a
 * HelmRelease or an Argo CD Application are left alone: their `global:` is not the root's),
 * for findings in its Helm image fields. A value the file already sets is never touched.
 */
export function planCompanionEdits(text: string, findings: readonly Finding[]): void {
  const wanted = findings.filter((f) => f.edits.length && f.newName && f.mention.kind.startsWith('helm-values') && f.chain.some((r) => r.companions?.length));
  if (wanted.length === 0) return;
  let root: YAMLMap | undefined;
  try {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || docs.length !== 1 || docs[0].errors.length) return;
    const c = docs[0].contents;
    if (!isMap(c) || c.flow) return;
    if (c.has('apiVersion') && c.has('kind')) return;
    root = c;
  } catch {
    return;
  }
  const planned = new Map<string, PlannedCompanion | null>();
  for (const f of wanted) {
    for (const companion of f.chain.flatMap((r) => r.companions ?? [])) {
      if (companion.whenNewNameStartsWith && !f.newName!.startsWith(companion.whenNewNameStartsWith)) continue;
      const key = `${companion.helmValue}=${companion.value}`;
      if (!planned.has(key)) planned.set(key, plan(text, root, companion));
      const p = planned.get(key);
      if (!p) continue;
      f.edits = [...f.edits, p.edit];
      f.companions = [...(f.companions ?? []), p];
      f.message += ` The fix also sets ${p.description} (${companion.reason}).`;
    }
  }
}

function plan(text: string, root: YAMLMap, c: CompanionEdit): PlannedCompanion | null {
  const path = c.helmValue.split('.');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = indentUnit(text, root);
  const description = `${c.helmValue}: ${c.value}`;
  // Walk down as far as the file goes.
  let map: YAMLMap = root;
  let depth = 0;
  let keyPair: Pair | undefined;
  while (depth < path.length) {
    const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === path[depth]) as Pair | undefined;
    if (!pair) break;
    if (depth === path.length - 1) return null; // already set (to whatever the user chose)
    if (pair.value === null || (isScalar(pair.value) && (pair.value.value === null || pair.value.value === ''))) {
      keyPair = pair;
      depth++;
      map = undefined as unknown as YAMLMap;
      break;
    }
    if (!isMap(pair.value) || pair.value.flow) return null; // `global: {}` or a scalar: a hand fix
    keyPair = pair;
    map = pair.value;
    depth++;
  }
  const rest = path.slice(depth);
  if (!keyPair) {
    // Nothing of the path exists: append it at the end of the file, at the root.
    const lines = rest.map((k, i) => `${unit.repeat(i)}${k}:${i === rest.length - 1 ? ` ${c.value}` : ''}`);
    const start = text.length;
    const lead = text === '' || text.endsWith('\n') ? '' : eol;
    return { companion: c, description, edit: { span: { start, end: start }, newText: lead + lines.join(eol) + eol } };
  }
  const keyStart = (keyPair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
  const keyColumn = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  let childColumn = keyColumn + unit.length;
  if (map && map.items.length) {
    const first = (map.items[0].key as { range?: [number, number, number] }).range?.[0];
    if (first !== undefined) childColumn = first - (text.lastIndexOf('\n', first - 1) + 1);
  }
  let lineEnd = text.indexOf('\n', keyStart);
  if (lineEnd === -1) lineEnd = text.length;
  if (text[lineEnd - 1] === '\r') lineEnd--;
  const step = childColumn - keyColumn > 0 ? ' '.repeat(childColumn - keyColumn) : unit;
  const lines = rest.map((k, i) => `${' '.repeat(childColumn)}${step.repeat(i)}${k}:${i === rest.length - 1 ? ` ${c.value}` : ''}`);
  return { companion: c, description, edit: { span: { start: lineEnd, end: lineEnd }, newText: eol + lines.join(eol) } };
}

/** The file's indentation step: the column of the first nested key, else two spaces. */
function indentUnit(text: string, root: YAMLMap): string {
  for (const p of root.items) {
    if (isMap(p.value) && !p.value.flow && p.value.items.length) {
      const k = p.value.items[0].key as { range?: [number, number, number] };
      const r = (p.key as { range?: [number, number, number] }).range;
      if (k.range && r) {
        const col = (o: number) => o - (text.lastIndexOf('\n', o - 1) + 1);
        const n = col(k.range[0]) - col(r[0]);
        if (n > 0 && n <= 8) return ' '.repeat(n);
      }
    }
  }
  return '  ';
}
