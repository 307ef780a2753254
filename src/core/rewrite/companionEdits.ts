import type { Finding } from '../analyze';
import type { CompanionEdit } from '../rules/migrationRule';
import { type YEntry, type YMap, type YNode, mapGet, parseYamlTree } from '../scan/yaml/yamlTree';
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
 * document whose root is a block mapping and not a Kubernetes object (values embedded in a
 * HelmRelease or an Argo CD Application are left alone: their `global:` is not the root's),
 * for findings in its Helm image fields. A value the file already sets is never touched.
 *
 * The file is read with the finders' own line reader (yamlTree), not the `yaml` package:
 * a full parse of every Bitnami values file was 68 % of a dense scan's time. Where that
 * reader sees anything doubtful (more than one document, indentation it cannot place, a
 * key twice in one mapping anywhere, a flow mapping) no edit is planned: the user adds it by hand.
 */
export function planCompanionEdits(text: string, findings: readonly Finding[]): void {
  const wanted = findings.filter((f) => f.edits.length && f.newName && f.mention.kind.startsWith('helm-values') && f.chain.some((r) => r.companions?.length));
  if (wanted.length === 0) return;
  const root = valuesRoot(text);
  if (!root) return;
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

/** The root mapping of a file that is one YAML document of Helm values, else undefined. */
function valuesRoot(text: string): YMap | undefined {
  const docs = parseYamlTree(text);
  // Leading empty documents come from a `---` first line; any document after the one with
  // content (even an empty one, after `---` or `...`) makes this a multi-document file.
  const last = docs[docs.length - 1];
  if (last.broken || last.roots.length !== 1 || docs.some((d) => d !== last && d.roots.length > 0)) return undefined;
  const root = last.roots[0];
  if (root.t !== 'map' || !isBlockMap(root) || hasDuplicateKey(root)) return undefined;
  if (mapGet(root, 'apiVersion') && mapGet(root, 'kind')) return undefined;
  return root;
}

/** A block mapping with entries: one a child line can be added to (not `{}` or `{a: 1}`). */
function isBlockMap(map: YMap): boolean {
  return map.entries.length > 0 && !map.flow;
}

/** YAML forbids a key twice in one mapping (and Helm would read only one of them). */
function hasDuplicateKey(n: YNode | undefined): boolean {
  if (!n || n.t === 'scalar') return false;
  if (n.t === 'seq') return n.items.some(hasDuplicateKey);
  const e = n.entries;
  if (e.length > 16) {
    const seen = new Set<string>();
    for (const x of e) {
      if (seen.has(x.key)) return true;
      seen.add(x.key);
    }
  } else {
    // Most mappings of a values file are small: pairwise, without a Set per mapping.
    for (let i = 1; i < e.length; i++) for (let j = 0; j < i; j++) if (e[i].key === e[j].key) return true;
  }
  for (const x of e) if (x.value && x.value.t !== 'scalar' && hasDuplicateKey(x.value)) return true;
  return false;
}

/** The entry named `key` (valuesRoot has made sure no mapping holds a key twice). */
function entryOf(map: YMap, key: string): YEntry | undefined {
  for (const e of map.entries) if (e.key === key) return e;
  return undefined;
}

/** `key:`, `key: null`, `key: ~`, `key: ""`: a key with no value yet, that a child can go under. */
function isEmptyValue(v: YNode | undefined): boolean {
  if (!v) return true;
  if (v.t !== 'scalar') return false;
  if (v.style === 'plain') return v.text === '' || v.text === '~' || v.text === 'null' || v.text === 'Null' || v.text === 'NULL';
  return (v.style === 'single' || v.style === 'double') && v.text === '';
}

function plan(text: string, root: YMap, c: CompanionEdit): PlannedCompanion | null {
  const path = c.helmValue.split('.');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = indentUnit(text, root);
  const description = `${c.helmValue}: ${c.value}`;
  // Walk down as far as the file goes.
  let map: YMap | undefined = root;
  let depth = 0;
  let keyEntry: YEntry | undefined;
  while (map && depth < path.length) {
    const entry = entryOf(map, path[depth]);
    if (!entry) break;
    if (depth === path.length - 1) return null; // already set (to whatever the user chose)
    keyEntry = entry;
    depth++;
    if (isEmptyValue(entry.value)) {
      map = undefined;
      break;
    }
    if (entry.value?.t !== 'map' || !isBlockMap(entry.value)) return null; // `global: {}` or a scalar: a hand fix
    map = entry.value;
  }
  const rest = path.slice(depth);
  if (!keyEntry) {
    // Nothing of the path exists: append it at the end of the file, at the root.
    const lines = rest.map((k, i) => `${unit.repeat(i)}${k}:${i === rest.length - 1 ? ` ${c.value}` : ''}`);
    const start = text.length;
    const lead = text === '' || text.endsWith('\n') ? '' : eol;
    return { companion: c, description, edit: { span: { start, end: start }, newText: lead + lines.join(eol) + eol } };
  }
  const keyStart = keyEntry.keyStart;
  const keyColumn = column(text, keyStart);
  const childColumn = map ? column(text, map.entries[0].keyStart) : keyColumn + unit.length;
  let lineEnd = text.indexOf('\n', keyStart);
  if (lineEnd === -1) lineEnd = text.length;
  if (text[lineEnd - 1] === '\r') lineEnd--;
  const step = childColumn - keyColumn > 0 ? ' '.repeat(childColumn - keyColumn) : unit;
  const lines = rest.map((k, i) => `${' '.repeat(childColumn)}${step.repeat(i)}${k}:${i === rest.length - 1 ? ` ${c.value}` : ''}`);
  const empty = map ? undefined : keyEntry.value;
  // `global:\n  ~`: the empty value on a line of its own; the children would go before it.
  if (empty?.t === 'scalar' && empty.start > lineEnd) return null;
  if (empty?.t === 'scalar') {
    // `global: ~`, `null` or `""`: the empty value goes, or the children would be part of a
    // scalar (invalid YAML). A comment after it stays on the key's line.
    const quoted = empty.style === 'single' || empty.style === 'double' ? 1 : 0;
    let start = empty.start - quoted;
    while (text[start - 1] === ' ' || text[start - 1] === '\t') start--;
    const after = text.slice(empty.end + quoted, lineEnd).trim();
    return { companion: c, description, edit: { span: { start, end: lineEnd }, newText: (after ? ' ' + after : '') + eol + lines.join(eol) } };
  }
  return { companion: c, description, edit: { span: { start: lineEnd, end: lineEnd }, newText: eol + lines.join(eol) } };
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** The file's indentation step: the column of the first nested key, else two spaces. */
function indentUnit(text: string, root: YMap): string {
  for (const e of root.entries) {
    const v = e.value;
    if (v?.t === 'map' && isBlockMap(v)) {
      const n = column(text, v.entries[0].keyStart) - column(text, e.keyStart);
      if (n > 0 && n <= 8) return ' '.repeat(n);
    }
  }
  return '  ';
}
