/**
 * The formats the scanner reads. Each has one finder and one row in FORMAT_TABLE
 * (formatTable.ts), which also says how a file of that format is recognised. `text` has no
 * format finder: only the content finder reads it (TOML, INI, source code, unknown files).
 */
export type FileFormat =
  | 'dockerfile'
  | 'yaml'
  | 'helm-values'
  | 'helm-template'
  | 'github-workflow'
  | 'gitlab-ci'
  | 'compose'
  | 'kustomization'
  | 'markdown'
  | 'shell'
  | 'makefile'
  | 'json'
  | 'unit'
  | 'text';

/** What the detection rows look at: the path, its base name, and the extension chain. */
export interface PathFacts {
  /** `/`-separated, as given. */
  path: string;
  /** The base name as written (`Dockerfile.prod`). */
  base: string;
  /** The base name lowercased. */
  lower: string;
}

/** Template suffixes: `pod.yaml.tmpl` is YAML with template parts (https://pkg.go.dev/text/template, Jinja). */
const TEMPLATE_SUFFIX = /\.(?:tmpl|template|tpl|j2|jinja2?|gotmpl|erb|mustache|hbs|in)$/i;

/**
 * The path facts, and whether the file is a template of another format. `addon.yaml.tmpl`
 * is read as `addon.yaml`; `values.yaml.gotmpl` as `values.yaml`. Helm's `_helpers.tpl`
 * keeps its own name: it has no inner extension.
 */
export function pathFacts(filePath: string): { facts: PathFacts; template: boolean } {
  const p = filePath.replace(/\\/g, '/');
  let base = p.slice(p.lastIndexOf('/') + 1);
  let template = false;
  const m = TEMPLATE_SUFFIX.exec(base);
  const inner = m ? base.slice(0, m.index) : '';
  if (m && (inner.includes('.') || /^(?:docker|container|make)file$/i.test(inner))) {
    base = base.slice(0, m.index);
    template = true;
  }
  const dir = p.slice(0, p.lastIndexOf('/') + 1);
  return { facts: { path: dir + base, base, lower: base.toLowerCase() }, template };
}

/**
 * The keys of a YAML text's root mappings (every document), read from lines that start in
 * column 0, within the first 256 KB: enough to tell a workflow from a pipeline without
 * parsing. Values are the text of the rest of the line.
 */
export function rootKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  const limit = Math.min(text.length, 256 * 1024);
  // Tried at each line start only (a multiline `^` regex tries every offset of the text);
  // line starts are where JavaScript's `^` with the m flag matches.
  const re = /(["']?)([A-Za-z0-9_.$/-][^:#\n\r]*?)\1[ \t]*:(?:[ \t]+([^\n\r]*)|[ \t]*(?=[\r\n\u2028\u2029]|$))/y;
  for (let start = 0; start < limit; ) {
    const c = text.charCodeAt(start);
    // A key starts with a quote or [A-Za-z0-9_.$/-]: most lines (indented ones) fail here.
    if (c === 34 || c === 39 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36 || c === 47 || c === 45) {
      re.lastIndex = start;
      const m = re.exec(text);
      if (m) {
        if (!keys.has(m[2])) keys.set(m[2], (m[3] ?? '').trim());
        if (keys.size > 500) break;
        // A value may run over a U+2028 line start: go on after the match, as a /gm search does.
        const end = re.lastIndex;
        if (/[\n\r\u2028\u2029]/.test(text[end - 1])) {
          start = end;
          continue;
        }
        start = afterLineEnd(text, end);
        if (start === -1) break;
        continue;
      }
    }
    start = afterLineEnd(text, start);
    if (start === -1) break;
  }
  return keys;
}

/**
 * The offset after the first line terminator (\n, \r, U+2028, U+2029) at or after `from`, or -1:
 * what /[\n\r\u2028\u2029]/g.exec gives as lastIndex, without a match array per line.
 */
function afterLineEnd(text: string, from: number): number {
  for (let k = from; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return k + 1;
  }
  return -1;
}

/**
 * Template parts that would break the reading of the inner format: lines holding nothing but
 * template tags (`{{- if .Values.x }}`, `{% for x in y %}`, `{# note #}`, `<% end %>`) become
 * spaces of the same length, so every offset stays exact. Inline tags (`image: "{{ reg }}/x"`)
 * stay: the finders report such references as templated, never rewrite them.
 */
export function maskTemplateLines(text: string): string {
  if (!/\{\{|\{%|\{#|<%/.test(text)) return text;
  return text.replace(/^[ \t]*(?:(?:\{\{[^\n]*?\}\}|\{%[^\n]*?%\}|\{#[^\n]*?#\}|<%[^\n]*?%>)[ \t]*)+(?=\r?$)/gm, (s) => ' '.repeat(s.length));
}
