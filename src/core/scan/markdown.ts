import { type ImageMention, type MentionPart, makeMention, makeSplitMention, shiftMention } from './imageMention';
import type { FinderContext } from './finder';
import { isPathArgument } from './notAnImage';
import { isUnambiguousImage } from './shellWords';

/**
 * Image references in Markdown: fenced code by its info string (yaml, shell, Dockerfile,
 * Makefile), helm-docs tables (`| image.repository | string | `"x/y"` | … |`, with a
 * `.registry` row of the same prefix making one split mention), `image: x` and commands in
 * inline code, and in prose only references that are images beyond doubt
 * (`gcr.io/spark-operator/spark:v3.1.1`, not `github.com/x/y` or `kubernetes.io/docs/…`).
 * Never throws on user text.
 */
export function findMarkdownMentions(text: string, ctx: FinderContext = NO_EMBEDDING): ImageMention[] {
  const scan = new MarkdownScan(text, ctx);
  try {
    scan.run();
  } catch {
    // Keep what was found; a bug in one block must not hide the rest of the file.
  }
  return scan.finish();
}

/** Without a dispatch, code blocks are read as prose only. */
const NO_EMBEDDING: FinderContext = { find: () => [] };

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'zsh', 'shell-session', 'shellsession', 'terminal', 'ksh', 'fish', 'bat', 'cmd', 'powershell', 'ps1', 'pwsh']);
const CONSOLE_LANGS = new Set(['console', 'shell-session', 'shellsession', 'terminal']);
const YAML_LANGS = new Set(['yaml', 'yml']);
const DOCKERFILE_LANGS = new Set(['dockerfile', 'docker', 'containerfile']);
const MAKE_LANGS = new Set(['make', 'makefile', 'mk']);
/** Commands whose image arguments the shell finder knows; an untagged fence starting so is shell. */
const COMMAND_START = /^[ \t]*(?:[$%#>][ \t]+)?(?:sudo[ \t]+)?(?:(?:docker|podman|nerdctl|buildah|helm|kind|minikube|k3d|crane|gcrane|skopeo|regctl|kubectl|make|export)[ \t]|[A-Z_][A-Z0-9_]*=)/m;

/** Longer lines are not tables; their cells are never parsed (prose is still scanned). */
const MAX_TABLE_LINE = 8192;
const MAX_TOKEN = 600;
const MAX_PROSE_PER_LINE = 2000;

class MarkdownScan {
  /** Mentions from fences, tables and inline code: they win over prose finds at the same place. */
  private readonly specific: ImageMention[] = [];
  private readonly prose: ImageMention[] = [];
  private table: { key: string; part: MentionPart; row: number }[] = [];
  private row = 0;

  /** Per character: where the last search started and what it found (see next()). */
  private readonly searches = new Map<string, { from: number; at: number }>();

  constructor(
    private readonly text: string,
    private readonly ctx: FinderContext,
  ) {}

  /**
   * text.indexOf(ch, from), remembered: lines ask for the next '/' or '`' in increasing
   * order, and re-searching the rest of a file that has none, line after line, is quadratic.
   */
  private next(ch: string, from: number): number {
    const s = this.searches.get(ch);
    if (s && s.from <= from && (s.at === -1 || s.at >= from)) return s.at;
    const at = this.text.indexOf(ch, from);
    this.searches.set(ch, { from, at });
    return at;
  }

  run(): void {
    const text = this.text;
    let pos = 0;
    while (pos < text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl === -1) nl = text.length;
      const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const fence = openingFence(text, pos, end);
      if (fence) {
        pos = this.fence(fence, nl + 1);
        this.endTable();
        continue;
      }
      this.line(pos, end);
      pos = nl + 1;
    }
    this.endTable();
  }

  finish(): ImageMention[] {
    const taken = this.specific.flatMap((m) => [m.span, ...(m.parts ?? []).map((p) => p.span)]).sort((a, b) => a.start - b.start);
    const overlaps = (s: { start: number; end: number }): boolean => {
      let lo = 0;
      let hi = taken.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (taken[mid].end <= s.start) lo = mid + 1;
        else hi = mid;
      }
      // `taken` is sorted by start; ends are not monotonic, so look a little further.
      for (let k = Math.max(0, lo - 8); k < taken.length && taken[k].start < s.end; k++) {
        if (taken[k].end > s.start && taken[k].start < s.end) return true;
      }
      return false;
    };
    const out = [...this.specific];
    for (const m of this.prose) if (!overlaps(m.span)) out.push(m);
    const seen = new Set<string>();
    return out
      .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end)
      .filter((m) => {
        const key = `${m.span.start}:${m.span.end}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }

  // ---- Fenced code -----------------------------------------------------------------------

  /** Scans one fenced block; returns the offset after its closing line (or the text's end). */
  private fence(f: Fence, contentStart: number): number {
    const text = this.text;
    let pos = contentStart;
    let contentEnd = text.length;
    let after = text.length;
    while (pos < text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl === -1) nl = text.length;
      if (isClosingFence(text, pos, nl, f)) {
        contentEnd = pos;
        after = nl + 1;
        break;
      }
      pos = nl + 1;
    }
    if (contentStart >= contentEnd) return after;
    this.code(f.lang, contentStart, contentEnd);
    return after;
  }

  private code(lang: string, start: number, end: number): void {
    const body = this.text.slice(start, end);
    let kind = lang;
    if (!kind) {
      if (/^[ \t]*-?[ \t]*image:/m.test(body)) kind = 'yaml';
      else if (COMMAND_START.test(body)) kind = 'sh';
      else if (/^[ \t]*FROM[ \t]/m.test(body)) kind = 'dockerfile';
    }
    if (YAML_LANGS.has(kind)) {
      this.addAll(this.ctx.find(body, 'yaml'), start, (m) => (m.parts ? 'markdown-yaml-split' : 'markdown-yaml-image'));
      this.yamlImageLines(body, start);
      this.scanProse(start, end, 'markdown-code');
    } else if (SHELL_LANGS.has(kind)) {
      this.addAll(this.ctx.find(maskPrompts(body, CONSOLE_LANGS.has(kind)), 'shell'), start, () => 'markdown-shell');
    } else if (MAKE_LANGS.has(kind)) {
      this.addAll(this.ctx.find(body, 'makefile'), start, () => 'markdown-shell');
    } else if (DOCKERFILE_LANGS.has(kind)) {
      this.addAll(this.ctx.find(body, 'dockerfile'), start, () => 'markdown-dockerfile');
    } else {
      this.scanProse(start, end, 'markdown-code');
    }
  }

  private addAll(found: ImageMention[], offset: number, kind: (m: ImageMention) => string): void {
    for (const m of found) this.specific.push({ ...shiftMention(m, offset), kind: kind(m) });
  }

  /**
   * `image: x` lines in a YAML fence, for snippets the YAML finder cannot parse (an
   * ellipsis, a half manifest). The YAML finder's answer wins where both report.
   */
  private yamlImageLines(body: string, offset: number): void {
    const re = /^([ \t]*(?:-[ \t]+)?image:[ \t]*)(["']?)([^"'\s#]+)\2[ \t]*(?:#.*)?$/gm;
    for (const m of body.matchAll(re)) {
      const start = offset + m.index + m[1].length + m[2].length;
      const found = makeMention(this.text, start, start + m[3].length, 'markdown-yaml-image', { strict: true });
      if (found) this.prose.push(found);
    }
  }

  // ---- Lines outside fences --------------------------------------------------------------

  private line(start: number, end: number): void {
    const text = this.text;
    let first = start;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    if (text.charCodeAt(first) === 124 /* | */ && end - start < MAX_TABLE_LINE) this.tableRow(first, end);
    else this.endTable();
    const tick = this.next('`', start);
    if (tick !== -1 && tick < end) this.inlineCode(tick, end);
    this.scanProse(start, end, 'markdown-prose');
  }

  /**
   * A helm-docs row: `| image.repository | string | `"gcr.io/x/y"` | … |`. The key decides:
   * `*image.repository` / `*image.registry` are collected for pairing at the table's end,
   * `*image` holds a whole reference.
   */
  private tableRow(start: number, end: number): void {
    this.row++;
    const cells = splitCells(this.text, start, end);
    if (cells.length < 2) return;
    const key = this.text.slice(cells[0].start, cells[0].end).trim().replace(/^`|`$/g, '').toLowerCase();
    if (!/image/.test(key) || /[\s|]/.test(key)) return;
    const role = /(?:^|\.)(registry|repository)$|imageregistry$/.exec(key);
    const whole = /(?:^|\.)image$/.test(key);
    if (!role && !whole) return;
    // The value is the row's first code span (helm-docs: `"x"`; readme-generator: `x`); in a
    // table without code spans, the first plain cell that looks like a name.
    const values: ({ start: number; end: number } | undefined)[] = cells.slice(1).map((c) => codeValue(this.text, c.start, c.end));
    if (!values.some((v) => v !== undefined)) {
      const plain = cells.slice(1).map((c) => plainValue(this.text, c.start, c.end));
      const looks = whole || role![1] === 'repository' ? /[/:]/ : /\./;
      const i = plain.findIndex((v) => v !== undefined && looks.test(this.text.slice(v.start, v.end)));
      if (i !== -1) values[i] = plain[i];
    }
    for (const value of values) {
      if (!value) continue;
      if (value.end === value.start) return;
      const valueText = this.text.slice(value.start, value.end);
      if (whole) {
        const m = makeMention(this.text, value.start, value.end, 'markdown-table', { strict: true });
        if (m) this.specific.push(m);
        return;
      }
      const r = role![1] === 'repository' ? 'repository' : 'registry';
      const prefix = key.slice(0, key.length - (role![1] ?? 'registry').length);
      this.table.push({ key: prefix, part: { role: r, span: value, text: valueText }, row: this.row });
      return;
    }
  }

  /** At a table's end: pair `x.registry` with `x.repository`; a lone repository is whole. */
  private endTable(): void {
    if (this.table.length === 0) return;
    const rows = this.table;
    this.table = [];
    for (const r of rows) {
      if (r.part.role !== 'repository') continue;
      const reg = rows.find((x) => x.part.role === 'registry' && x.key === r.key);
      if (reg) {
        const m = makeSplitMention('split-markdown-table', [reg.part, r.part]);
        if (m) this.specific.push(m);
      } else {
        const m = makeMention(this.text, r.part.span.start, r.part.span.end, 'markdown-table', { strict: true });
        if (m) this.specific.push(m);
      }
    }
  }

  /** Inline code: `image: spark:3.5.0` and `docker pull x` give context that prose lacks. */
  private inlineCode(start: number, end: number): void {
    const text = this.text;
    let i = start;
    while (i !== -1 && i < end) {
      let run = 1;
      while (text.charCodeAt(i + run) === 96) run++;
      const fence = '`'.repeat(run);
      // Searches stay inside the line: indexOf over the rest of a big file per line is quadratic.
      const line = text.slice(i + run, end);
      let close = line.indexOf(fence);
      while (close !== -1 && line.charCodeAt(close + run) === 96) close = line.indexOf(fence, close + run + 1);
      if (close === -1) return;
      close += i + run;
      this.inlineSpan(i + run, close);
      i = this.next('`', close + run);
    }
  }

  private inlineSpan(start: number, end: number): void {
    if (end - start > 2048 || end - start < 3) return;
    const body = this.text.slice(start, end);
    const image = /^(\s*-?\s*image:\s*)(["']?)([^"'\s]+)\2\s*$/.exec(body);
    if (image) {
      const s = start + image[1].length + image[2].length;
      const m = makeMention(this.text, s, s + image[3].length, 'markdown-inline-code', { strict: true });
      if (m) this.specific.push(m);
      return;
    }
    if (COMMAND_START.test(body)) {
      this.addAll(this.ctx.find(body, 'shell'), start, () => 'markdown-inline-code');
    } else if (/^\s*FROM\s/i.test(body)) {
      this.addAll(this.ctx.find(body, 'dockerfile'), start, () => 'markdown-inline-code');
    }
  }

  /**
   * Unambiguous references in free text. It visits each `/` and grows the token around it,
   * so it is linear even on a 50 MB line (no regex backtracking over the line).
   */
  private scanProse(from: number, to: number, kind: string): void {
    const text = this.text;
    let i = this.next('/', from);
    const limit = this.prose.length + MAX_PROSE_PER_LINE;
    while (i !== -1 && i < to) {
      // A line with thousands of references is data (a minified blob), not documentation.
      if (this.prose.length > limit) return;
      let s = i;
      while (s > from && isTokenChar(text.charCodeAt(s - 1))) s--;
      let e = i + 1;
      while (e < to && isTokenChar(text.charCodeAt(e))) e++;
      this.proseToken(s, e, kind);
      i = this.next('/', e);
    }
  }

  private proseToken(s: number, e: number, kind: string): void {
    const text = this.text;
    if (e - s > MAX_TOKEN || e - s < 4) return;
    const first = text.charCodeAt(s);
    // Paths (`/prometheus/x`, `./x`) and patterns (`gcr.io/spark-operator/*`) are not images.
    if (first === 47 || first === 46 || first === 45 || first === 58 || first === 64) return;
    if (text.charCodeAt(e - 1) === 47 || text.charCodeAt(e) === 42 /* * */) return;
    const token = text.slice(s, e);
    // The first component must be a host (`gcr.io`, `localhost:5000`); `x/y` is cheap to drop.
    const slash = token.indexOf('/');
    const host = token.slice(0, slash);
    if (!host.includes('.') && !host.startsWith('localhost')) return;
    if (token.includes('://') || token.includes('//')) return;
    // `](gcr.io/x)` and `<https://…>` targets are links; a scheme-less one is still rare enough to check.
    let end = e;
    while (end > s && isTrailingPunct(text.charCodeAt(end - 1))) end--;
    if (end - s < 4) return;
    if (isPathArgument(text, s)) return;
    const m = makeMention(text, s, end, kind);
    if (m && isUnambiguousImage(m)) this.prose.push(m);
  }
}

interface Fence {
  char: number;
  length: number;
  lang: string;
}

/** ``` or ~~~ (three or more), optionally indented, with an info string whose first word is the language. */
function openingFence(text: string, start: number, end: number): Fence | undefined {
  let i = start;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  // List items and blockquotes indent fences: `> ```yaml`, `1. ```sh`.
  if (text.charCodeAt(i) === 62 /* > */) {
    i++;
    while (i < end && text.charCodeAt(i) === 32) i++;
  }
  const c = text.charCodeAt(i);
  if (c !== 96 && c !== 126) return undefined;
  let n = 0;
  while (text.charCodeAt(i + n) === c) n++;
  if (n < 3) return undefined;
  const info = text.slice(i + n, Math.min(end, i + n + 256)).trim();
  if (c === 96 && info.includes('`')) return undefined;
  const lang = /^\{?\.?([A-Za-z0-9_+-]*)/.exec(info)?.[1].toLowerCase() ?? '';
  return { char: c, length: n, lang };
}

function isClosingFence(text: string, start: number, nl: number, f: Fence): boolean {
  let i = start;
  while (i < nl && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (text.charCodeAt(i) === 62 /* > */) {
    i++;
    while (i < nl && text.charCodeAt(i) === 32) i++;
  }
  let n = 0;
  while (text.charCodeAt(i + n) === f.char) n++;
  if (n < f.length) return false;
  for (let k = i + n; k < nl; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * Blanks shell prompts (`$ `, `% `, `> `) so the commands after them parse, keeping offsets.
 * In console transcripts the lines without a prompt are output and are blanked too.
 */
function maskPrompts(body: string, console: boolean): string {
  if (!/^[ \t]*[$%][ \t]/m.test(body)) return body;
  const lines = body.split('\n');
  const hasPrompt = lines.some((l) => /^\s*[$%][ \t]/.test(l));
  let continued = false;
  return lines
    .map((l) => {
      const m = /^(\s*)([$%])([ \t])/.exec(l);
      const wasContinued = continued;
      continued = /\\\r?$/.test(l);
      if (m) return m[1] + '  ' + l.slice(m[0].length);
      if (console && hasPrompt && !wasContinued) return ' '.repeat(l.length);
      return l;
    })
    .join('\n');
}

/** Cells of a table row between unescaped pipes, as [start, end) spans. */
function splitCells(text: string, start: number, end: number): { start: number; end: number }[] {
  const cells: { start: number; end: number }[] = [];
  let cellStart = start + 1;
  let inCode = false;
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 96) inCode = !inCode;
    else if (c === 92) i++;
    else if (c === 124 && !inCode) {
      cells.push({ start: cellStart, end: i });
      cellStart = i + 1;
    }
  }
  if (cellStart < end && text.slice(cellStart, end).trim()) cells.push({ start: cellStart, end });
  return cells;
}

/** The value inside a cell that is one code span: `` `"docker.io"` `` → `docker.io`'s span. */
function codeValue(text: string, start: number, end: number): { start: number; end: number } | undefined {
  let s = start;
  let e = end;
  while (s < e && text.charCodeAt(s) === 32) s++;
  while (e > s && text.charCodeAt(e - 1) === 32) e--;
  if (e - s < 2 || text.charCodeAt(s) !== 96 || text.charCodeAt(e - 1) !== 96) return undefined;
  s++;
  e--;
  if (e - s >= 2 && text.charCodeAt(s) === 34 && text.charCodeAt(e - 1) === 34) {
    s++;
    e--;
  }
  if (text.slice(s, e).includes('`')) return undefined;
  return { start: s, end: e };
}

/** A cell holding one bare word, quotes stripped: `| image.repository | gcr.io/x/y |`. */
function plainValue(text: string, start: number, end: number): { start: number; end: number } | undefined {
  const raw = text.slice(start, end);
  const m = /^\s*(["']?)([^\s"'`|<>]+)\1\s*$/.exec(raw);
  if (!m) return undefined;
  const s = start + raw.indexOf(m[2], m[1].length ? raw.indexOf(m[1]) + 1 : 0);
  return { start: s, end: s + m[2].length };
}

function isTokenChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 46 || // .
    c === 95 || // _
    c === 45 || // -
    c === 47 || // /
    c === 58 || // :
    c === 64 // @
  );
}

function isTrailingPunct(c: number): boolean {
  return c === 46 || c === 58 || c === 45 || c === 64 || c === 95;
}
