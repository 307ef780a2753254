import { convertFlow } from './flowCollection';
import type { YDocument, YEntry, YMap, YNode, YScalar, YSeq } from './yamlNodes';

export { mapGet } from './yamlNodes';
export type { YDocument, YEntry, YMap, YNode, YScalar, YSeq } from './yamlNodes';

/**
 * A forgiving outline of YAML (https://yaml.org/spec/1.2.2/) that keeps exact source
 * offsets. It exists because the finders need two things the `yaml` package does not give
 * cheaply: speed (parseAllDocuments takes ~100 ms on a 10,000-line values.yaml, the budget
 * is 20 ms) and tolerance (a half-typed file, or a Helm template whose `{{ }}` lines break
 * the indentation, still yields every `image:` it can).
 *
 * Block mappings, block sequences, block scalars and quoted scalars are read line by line.
 * Flow collections (`{name: x}`, `[a, b]`) are cut out by bracket matching and read by
 * flowCollection.ts (directly, or by the `yaml` package with its ranges shifted back).
 */

/** Bounds for constructs that are cut out before parsing, so hostile input stays linear. */
const MAX_FLOW = 64 * 1024;
const MAX_QUOTED = 64 * 1024;

/**
 * Where a parsed value goes: a mapping entry (the common case) or, as a number, the index of
 * a sequence item in TreeBuilder's `open` array.
 */
type Slot = YEntry | number;

/** Placeholder children of an open container; TreeBuilder.close gives it its own array. */
const OPEN: never[] = [];

/** `?:,[]{}#&*!|>%@` and backquote: https://yaml.org/spec/1.2.2/#53-indicator-characters */
function isIndicator(c: number): boolean {
  switch (c) {
    case 63: case 58: case 44: case 91: case 93: case 123: case 125: case 35:
    case 38: case 42: case 33: case 124: case 62: case 37: case 64: case 96:
      return true;
    default:
      return false;
  }
}

class TreeBuilder {
  readonly docs: YDocument[] = [];
  private doc: YDocument = { roots: [] };
  /**
   * The open containers (a stack, as three arrays: no object per container) and the
   * children of all of them in one array: a container's entries or items start at its
   * base. Only the innermost open container receives children, so on closing it takes
   * `open.slice(base)`, an array of its exact size: pushing onto `[]` reserves 17 slots,
   * and most maps of a values file have one to six entries (1.1 million containers, 7 %
   * of a dense scan's allocation).
   */
  private readonly frameCol: number[] = [];
  private readonly frameNode: (YMap | YSeq)[] = [];
  private readonly frameBase: number[] = [];
  private readonly open: (YEntry | YNode | undefined)[] = [];
  /** Children in use in `open` (a count, not `open.length = n`: setting a length is a runtime call). */
  private openLen = 0;
  /** A key or dash whose value is on a later line: its column and slot (fields, not an object). */
  private pendingSet: Slot | undefined;
  private pendingCol = 0;
  /** A map value may be a sequence at the key's own column (`key:\n- a`). */
  private pendingAllowEqual = false;
  /** The last plain scalar and its key's column (two fields: no object per plain value). */
  private lastPlain: YScalar | undefined;
  private lastPlainCol = 0;
  /** parseKey's result (fields, not an object per line). */
  private keyText = '';
  private keyStart = 0;
  private keyAfter = 0;
  private block: { node: YScalar; col: number } | undefined;
  /** Set by a construct that spans lines: the offset where the next line starts. */
  private resume = -1;

  constructor(private readonly s: string) {
    this.docs.push(this.doc);
  }

  run(): YDocument[] {
    const s = this.s;
    // A byte order mark is not part of the first key (`\uFEFFimage:` is `image:`).
    let pos = s.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (;;) {
      let nl = s.indexOf('\n', pos);
      if (nl === -1) nl = s.length;
      let end = nl;
      if (end > pos && s.charCodeAt(end - 1) === 13) end--;
      this.resume = -1;
      this.line(pos, end);
      if (this.resume > nl) {
        pos = this.resume;
        if (pos >= s.length) break;
        continue;
      }
      if (nl >= s.length) break;
      pos = nl + 1;
    }
    this.endBlock();
    while (this.frameNode.length > 0) this.close();
    return this.docs;
  }

  private assign(slot: Slot, n: YNode): void {
    if (typeof slot === 'number') this.open[slot] = n;
    else slot.value = n;
  }

  private push(col: number, node: YMap | YSeq): void {
    this.frameCol.push(col);
    this.frameNode.push(node);
    this.frameBase.push(this.openLen);
  }

  /** Closes the innermost open container: its children become its own array. */
  private close(): void {
    const node = this.frameNode.pop()!;
    const base = this.frameBase.pop()!;
    this.frameCol.pop();
    const children = this.open.slice(base, this.openLen);
    this.openLen = base;
    if (node.t === 'map') node.entries = children as YEntry[];
    else node.items = children as (YNode | undefined)[];
  }

  private newDocument(): void {
    this.endBlock();
    while (this.frameNode.length > 0) this.close();
    this.doc = { roots: [] };
    this.docs.push(this.doc);
    this.pendingSet = undefined;
    this.lastPlain = undefined;
  }

  private endBlock(): void {
    const b = this.block;
    if (!b) return;
    this.block = undefined;
    if (b.node.start < 0) {
      b.node.start = b.node.end = 0;
      b.node.text = '';
    } else {
      b.node.text = this.s.slice(b.node.start, b.node.end);
    }
  }

  private line(ls: number, le: number): void {
    const s = this.s;
    let i = ls;
    while (i < le && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    const col = i - ls;
    if (i === le) return; // blank lines belong to whatever is open
    if (this.block) {
      if (col > this.block.col) {
        if (this.block.node.start < 0) this.block.node.start = ls;
        this.block.node.end = le;
        return;
      }
      this.endBlock();
    }
    const c = s.charCodeAt(i);
    if (c === 35 /* # */) return;
    if (col === 0 && (s.startsWith('---', i) || s.startsWith('...', i)) && (i + 3 === le || s.charCodeAt(i + 3) === 32 || s.charCodeAt(i + 3) === 9)) {
      if (s.startsWith('---', i) || this.doc.roots.length > 0) this.newDocument();
      return;
    }
    if (col === 0 && c === 37 /* % directive */) return;
    if (this.lastPlain) {
      const lp = this.lastPlain;
      this.lastPlain = undefined;
      if (col > this.lastPlainCol) {
        // A more indented line continues a plain scalar: its value is folded, so the
        // source no longer equals the value.
        lp.exact = false;
        this.lastPlain = lp;
        return;
      }
    }
    this.content(i, col, le);
  }

  private isDash(p: number, le: number): boolean {
    const s = this.s;
    return s.charCodeAt(p) === 45 && (p + 1 === le || s.charCodeAt(p + 1) === 32 || s.charCodeAt(p + 1) === 9);
  }

  /** The content of a line (or of a sequence item's rest) starting at `p`, column `col`. */
  private content(p: number, col: number, le: number): void {
    const dash = this.isDash(p, le);
    const key = !dash && this.parseKey(p, le);
    if (!dash && !key) {
      // `image:\n  gcr.io/a/b:1`: a value on the line after its key. Anything else (a
      // template line, a stray scalar) has nothing to hang on.
      const pd = this.pendingSet;
      if (pd !== undefined && col > this.pendingCol && !this.s.startsWith('{{', p)) {
        this.pendingSet = undefined;
        this.value(p, le, this.pendingCol, false, pd);
      } else {
        this.doc.broken = true;
      }
      return;
    }
    const want = dash ? 'seq' : 'map';

    const pd = this.pendingSet;
    if (pd !== undefined) {
      this.pendingSet = undefined;
      if (col > this.pendingCol || (col === this.pendingCol && dash && this.pendingAllowEqual)) {
        const node: YMap | YSeq = dash ? { t: 'seq', items: OPEN } : { t: 'map', entries: OPEN };
        this.assign(pd, node);
        this.push(col, node);
      }
    }
    const fc = this.frameCol;
    const fn = this.frameNode;
    while (fc.length > 0 && (fc[fc.length - 1] > col || (fc[fc.length - 1] === col && fn[fn.length - 1].t !== want))) this.close();
    if (fc.length === 0 || fc[fc.length - 1] < col) {
      // First line of a document, or indentation no parent explains: keep reading it as an
      // orphan so its `image:` keys are still found.
      const node: YMap | YSeq = dash ? { t: 'seq', items: OPEN } : { t: 'map', entries: OPEN };
      this.doc.roots.push(node);
      this.push(col, node);
    }

    // The innermost open container is a map for a key, a sequence for a dash.
    if (key) {
      const entry: YEntry = { key: this.keyText, keyStart: this.keyStart, value: undefined };
      this.open[this.openLen++] = entry;
      this.value(this.keyAfter, le, col, true, entry);
      return;
    }

    const slot = this.openLen++;
    this.open[slot] = undefined;
    const s = this.s;
    let q = p + 1;
    while (q < le && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
    if (q >= le || s.charCodeAt(q) === 35) {
      this.pendingSet = slot;
      this.pendingCol = col;
      this.pendingAllowEqual = false;
      return;
    }
    const innerCol = col + (q - p);
    if (this.isDash(q, le) || this.parseKey(q, le)) {
      const node: YMap | YSeq = this.isDash(q, le) ? { t: 'seq', items: OPEN } : { t: 'map', entries: OPEN };
      this.open[slot] = node;
      this.push(innerCol, node);
      this.content(q, innerCol, le);
      return;
    }
    this.value(q, le, col, false, slot);
  }

  /**
   * `key:` at `p`, plain or quoted, followed by a space or the end of the line. When true,
   * the key is in keyText/keyStart/keyAfter.
   */
  private parseKey(p: number, le: number): boolean {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === 34 || c === 39) {
      const close = s.indexOf(String.fromCharCode(c), p + 1);
      if (close === -1 || close >= le) return false;
      let j = close + 1;
      while (j < le && s.charCodeAt(j) === 32) j++;
      if (s.charCodeAt(j) !== 58 || (j + 1 < le && s.charCodeAt(j + 1) !== 32 && s.charCodeAt(j + 1) !== 9)) return false;
      this.keyText = s.slice(p + 1, close);
      this.keyStart = p;
      this.keyAfter = j + 1;
      return true;
    }
    // Indicators cannot start a plain key: https://yaml.org/spec/1.2.2/#plain-style
    if (isIndicator(c)) return false;
    for (let j = p; j < le; j++) {
      const ch = s.charCodeAt(j);
      if (ch === 58 && (j + 1 === le || s.charCodeAt(j + 1) === 32 || s.charCodeAt(j + 1) === 9)) {
        this.keyText = s.slice(p, j).trimEnd();
        this.keyStart = p;
        this.keyAfter = j + 1;
        return true;
      }
      if (ch === 35 && j > p && (s.charCodeAt(j - 1) === 32 || s.charCodeAt(j - 1) === 9)) return false;
    }
    return false;
  }

  /** A node's value starting at or after `q`; `col` is the column of its key or dash. */
  private value(q: number, le: number, col: number, allowEqual: boolean, set: Slot): void {
    const s = this.s;
    for (;;) {
      while (q < le && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
      const c = s.charCodeAt(q);
      if (q < le && (c === 38 /* & anchor */ || c === 33 /* ! tag */)) {
        while (q < le && s.charCodeAt(q) !== 32 && s.charCodeAt(q) !== 9) q++;
        continue;
      }
      break;
    }
    if (q >= le || s.charCodeAt(q) === 35) {
      this.pendingSet = set;
      this.pendingCol = col;
      this.pendingAllowEqual = allowEqual;
      return;
    }
    const c = s[q];
    if (c === '*') {
      this.assign(set, { t: 'scalar', start: q, end: le, text: s.slice(q, le), exact: false, style: 'alias' });
      return;
    }
    if (c === '|' || c === '>') {
      const node: YScalar = { t: 'scalar', start: -1, end: -1, text: '', exact: false, style: 'block', folded: c === '>' };
      this.assign(set, node);
      this.block = { node, col };
      return;
    }
    if (c === '"' || c === "'") {
      this.quoted(q, le, col, c, set);
      return;
    }
    if ((c === '{' || c === '[') && !s.startsWith('{{', q)) {
      this.flow(q, col, set);
      return;
    }
    // Plain scalar; `{{ … }}` template values are read as plain text to the end of line.
    if (c === '{') this.doc.broken = true;
    this.plain(q, le, col, set);
  }

  private plain(q: number, le: number, col: number, set: Slot): void {
    const s = this.s;
    let end = le;
    for (let j = q + 1; j < le; j++) {
      if (s.charCodeAt(j) === 35 && (s.charCodeAt(j - 1) === 32 || s.charCodeAt(j - 1) === 9)) {
        end = j;
        break;
      }
    }
    while (end > q && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
    const node: YScalar = { t: 'scalar', start: q, end, text: s.slice(q, end), exact: true, style: 'plain' };
    this.assign(set, node);
    this.lastPlain = node;
    this.lastPlainCol = col;
  }

  /**
   * True when the line after the newline at `nl` is a non-blank line indented at most `col`:
   * continuation lines of a multi-line scalar or flow collection are indented past their
   * key (https://yaml.org/spec/1.2.2/#73-flow-scalar-styles), so such a line means the
   * construct was never closed and must not swallow the rest of the file.
   */
  private endsIndentedBlock(nl: number, col: number): boolean {
    const s = this.s;
    let k = nl + 1;
    while (k < s.length && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
    return k - (nl + 1) <= col && k < s.length && s[k] !== '\n' && s[k] !== '\r' && s[k] !== '#';
  }

  private quoted(q: number, le: number, col: number, quote: string, set: Slot): void {
    const s = this.s;
    const limit = Math.min(s.length, q + MAX_QUOTED);
    let j = q + 1;
    let escaped = false;
    for (; j < limit; j++) {
      const ch = s[j];
      if (ch === '\n' && this.endsIndentedBlock(j, col)) return this.markBroken(); // `name: "half` being typed
      if (quote === '"' && ch === '\\') {
        escaped = true;
        j++;
        continue;
      }
      if (ch === quote) {
        if (quote === "'" && s[j + 1] === "'") {
          escaped = true;
          j++;
          continue;
        }
        break;
      }
    }
    if (j >= limit) return this.markBroken(); // unterminated: a half-typed value, nothing exact to report
    if (j < le) {
      const rest = s.slice(j + 1, le).trim();
      if (rest !== '' && !rest.startsWith('#') && s.includes('{{', q)) {
        // `"{{ include "x" . }}"`: template quotes nest, so read the line as template text.
        this.doc.broken = true;
        const node: YScalar = { t: 'scalar', start: q, end: le, text: s.slice(q, le).trimEnd(), exact: true, style: 'plain' };
        node.end = q + node.text.length;
        this.assign(set, node);
        return;
      }
      this.assign(set, { t: 'scalar', start: q + 1, end: j, text: s.slice(q + 1, j), exact: !escaped, style: quote === '"' ? 'double' : 'single' });
      return;
    }
    // Spans lines: the value is folded, never equal to the source.
    this.assign(set, { t: 'scalar', start: q + 1, end: j, text: s.slice(q + 1, j), exact: false, style: quote === '"' ? 'double' : 'single' });
    this.resumeAfterLineOf(j);
  }

  private markBroken(): void {
    this.doc.broken = true;
  }

  private resumeAfterLineOf(offset: number): void {
    const nl = this.s.indexOf('\n', offset);
    this.resume = nl === -1 ? this.s.length : nl + 1;
  }

  private lineEndOf(p: number): number {
    const nl = this.s.indexOf('\n', p);
    const end = nl === -1 ? this.s.length : nl;
    return end > p && this.s.charCodeAt(end - 1) === 13 ? end - 1 : end;
  }

  private flow(q: number, col: number, set: Slot): void {
    const s = this.s;
    const limit = Math.min(s.length, q + MAX_FLOW);
    let depth = 0;
    let j = q;
    for (; j < limit; j++) {
      const ch = s[j];
      if (ch === '"' || ch === "'") {
        // Quoted text inside a flow collection stays on one line here; a multi-line one is
        // left unread rather than scanned to the end of a hostile file.
        let k = j + 1;
        while (k < limit && s[k] !== ch && s[k] !== '\n') k += ch === '"' && s[k] === '\\' ? 2 : 1;
        if (k >= limit || s[k] === '\n') return this.markBroken();
        j = k;
        continue;
      }
      if (ch === '\n') {
        if (this.endsIndentedBlock(j, col)) return this.markBroken(); // an unterminated `args: [`
        continue;
      }
      if (ch === '#' && (s[j - 1] === ' ' || s[j - 1] === '\t')) {
        const nl = s.indexOf('\n', j);
        j = nl === -1 ? limit : nl - 1;
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (j >= limit) return this.markBroken();
    const nl = s.indexOf('\n', j);
    const rest = s.slice(j + 1, nl === -1 ? s.length : nl).trim();
    if (rest !== '' && !rest.startsWith('#')) {
      // `{IMAGE_REGISTRY}/app:1` is placeholder text, not a flow mapping: YAML would reject
      // it, people still write it. Read the line as a plain value.
      this.doc.broken = true;
      this.plain(q, this.lineEndOf(q), col, set);
      return;
    }
    const node = convertFlow(s, q, j + 1);
    if (node) this.assign(set, node);
    if (s.lastIndexOf('\n', j) >= q) this.resumeAfterLineOf(j);
  }
}

const NO_DOCS: YDocument[] = [];
let lastText: string | undefined;
let lastDocs: YDocument[] = NO_DOCS;

/**
 * Reads every document of `text`. Never throws; unreadable parts are left out. The result
 * is shared and must not be changed: the last text's tree is kept, because the YAML finder
 * and the companion edits of the same analysis both read it (a second parse was 7 % of a
 * dense scan).
 */
export function parseYamlTree(text: string): YDocument[] {
  if (text === lastText) return lastDocs;
  const docs = readYamlTree(text);
  lastText = text;
  lastDocs = docs;
  return docs;
}

/** parseYamlTree without keeping the tree: for YAML inside a file's YAML, read once. */
export function readYamlTree(text: string): YDocument[] {
  return new TreeBuilder(text).run();
}

/**
 * Drops the kept tree once an analysis is done with it: kept, the last file's tree and text
 * outlived the next scavenges of a scan worker's small young generation, and were copied
 * and promoted only to die there.
 */
export function forgetYamlTree(): void {
  lastText = undefined;
  lastDocs = NO_DOCS;
}
