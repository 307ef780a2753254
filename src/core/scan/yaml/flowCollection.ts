import type * as Yaml from 'yaml';
import { loadYaml } from '../../text/loadYaml';
import type { YEntry, YNode } from './yamlNodes';

/**
 * Flow collections of the YAML outline (`{name: x}`, `[a, b]`), cut out of the source by
 * bracket matching (yamlTree.ts): the everyday ones read here directly, the rest by the
 * `yaml` package, whose node ranges are shifted back into the source.
 */

/** The collection in `s` from `offset` to `end`, or undefined when it cannot be read. */
export function convertFlow(s: string, offset: number, end: number): YNode | undefined {
  // `{}` and `[]` (empty annotations, pull secrets): most collections of a values file.
  if (end - offset === 2) {
    const open = s.charCodeAt(offset);
    const close = s.charCodeAt(offset + 1);
    if (open === 123 && close === 125) return { t: 'map', entries: [], flow: true };
    if (open === 91 && close === 93) return { t: 'seq', items: [] };
  }
  const quick = new FlowReader(s, offset, end).read();
  if (quick) return quick;
  const src = s.slice(offset, end);
  try {
    const y = loadYaml();
    const doc = y.parseDocument(src, { strict: false, uniqueKeys: false, prettyErrors: false });
    return convertNode(y, doc.contents, src, offset);
  } catch {
    return undefined;
  }
}

function convertNode(y: typeof Yaml, n: unknown, src: string, offset: number): YNode | undefined {
  if (y.isMap(n)) {
    const entries: YEntry[] = [];
    for (const pair of n.items) {
      const k = pair.key;
      if (!y.isScalar(k) || !k.range) continue;
      entries.push({ key: String(k.value), keyStart: k.range[0] + offset, value: convertNode(y, pair.value, src, offset) });
    }
    return { t: 'map', entries, flow: true };
  }
  if (y.isSeq(n)) {
    return { t: 'seq', items: n.items.map((it) => (y.isPair(it) ? undefined : convertNode(y, it, src, offset))) };
  }
  if (y.isAlias(n) && n.range) {
    return { t: 'scalar', start: n.range[0] + offset, end: n.range[1] + offset, text: src.slice(n.range[0], n.range[1]), exact: false, style: 'alias' };
  }
  if (y.isScalar(n) && n.range) {
    let [a, b] = n.range;
    const quoted = n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE';
    if (quoted) {
      a += 1;
      b -= 1;
    }
    const text = src.slice(a, b);
    const style = n.type === 'QUOTE_DOUBLE' ? 'double' : n.type === 'QUOTE_SINGLE' ? 'single' : n.type === 'PLAIN' ? 'plain' : 'block';
    const exact = typeof n.source === 'string' ? text === n.source : style === 'plain' && !text.includes('\n');
    return { t: 'scalar', start: a + offset, end: b + offset, text, exact, style };
  }
  return undefined;
}

/**
 * Children of the flow collections FlowReader has open, one array for all (a collection's
 * start at its base), so that each collection gets an array of its exact size: most are
 * `{}`, `[]` or two entries (`{cpu: 1, memory: 2Gi}`). Reset per read (one never nests).
 */
const flowOpen: (YEntry | YNode)[] = [];
/** Children in use in flowOpen (a count: setting an array's length is a runtime call). */
let flowLen = 0;

/**
 * The everyday subset of flow collections (`{cpu: 1}`, `["--x", "y"]`, `{name: a, alias: b}`)
 * read directly; anything else (anchors, tags, pairs in sequences, explicit keys) returns
 * undefined and goes to the `yaml` package. About 20x faster than a parseDocument per value.
 * It reads `src` between `start` and `end` in place (offsets are the source's), so values
 * are slices of the source, not of a copy of the collection.
 */
class FlowReader {
  private i: number;

  constructor(
    private readonly src: string,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.i = start;
  }

  read(): YNode | undefined {
    flowLen = 0;
    const n = this.node();
    this.ws();
    return n && this.i === this.end ? n : undefined;
  }

  /** The character at `i`, or undefined outside the collection (as past the end of a copy). */
  private at(i: number): string | undefined {
    return i >= this.start && i < this.end ? this.src[i] : undefined;
  }

  private ws(): void {
    const s = this.src;
    while (this.i < this.end) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else if (c === 35 /* # */) {
        const nl = s.indexOf('\n', this.i);
        this.i = nl === -1 || nl > this.end ? this.end : nl;
      } else break;
    }
  }

  private node(): YNode | undefined {
    this.ws();
    const s = this.src;
    const end = this.end;
    const c = this.at(this.i);
    if (c === '{' || c === '[') {
      const map = c === '{';
      const close = map ? '}' : ']';
      this.i++;
      const base = flowLen;
      for (;;) {
        this.ws();
        if (this.at(this.i) === close) {
          this.i++;
          const children = flowOpen.slice(base, flowLen);
          flowLen = base;
          return map ? { t: 'map', entries: children as YEntry[], flow: true } : { t: 'seq', items: children as YNode[] };
        }
        const k = this.node();
        if (!k) return undefined;
        this.ws();
        if (map) {
          if (k.t !== 'scalar' || k.style === 'alias') return undefined;
          let value: YNode | undefined;
          if (this.at(this.i) === ':') {
            this.i++;
            this.ws();
            if (this.at(this.i) !== ',' && this.at(this.i) !== close) {
              value = this.node();
              if (!value) return undefined;
              this.ws();
            }
          }
          flowOpen[flowLen++] = { key: k.text, keyStart: k.style === 'plain' ? k.start : k.start - 1, value };
        } else {
          if (this.at(this.i) === ':') return undefined;
          flowOpen[flowLen++] = k;
        }
        if (this.at(this.i) === ',') this.i++;
        else if (this.at(this.i) !== close) return undefined;
      }
    }
    if (c === '"' || c === "'") {
      const start = this.i + 1;
      let j = start;
      let escaped = false;
      for (; j < end; j++) {
        if (c === '"' && s[j] === '\\') {
          escaped = true;
          j++;
        } else if (s[j] === c) {
          if (c === "'" && this.at(j + 1) === "'") {
            escaped = true;
            j++;
          } else break;
        }
      }
      if (j >= end) return undefined;
      this.i = j + 1;
      const text = s.slice(start, j);
      return { t: 'scalar', start, end: j, text, exact: !escaped && !text.includes('\n'), style: c === '"' ? 'double' : 'single' };
    }
    if (c === undefined || '&!*?|>%@`,]}:'.includes(c)) return undefined;
    // Plain: ends at a flow indicator, at ": " / ":," and at " #".
    const start = this.i;
    let j = start;
    // Character codes, not one-character strings: this loop reads every plain value.
    for (; j < end; j++) {
      const ch = s.charCodeAt(j);
      if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break; // , [ ] { }
      if (ch === 58 && (j + 1 === end || endsPlainAfterColon(s.charCodeAt(j + 1)))) break;
      if (ch === 35 && j > this.start && (s.charCodeAt(j - 1) === 32 || s.charCodeAt(j - 1) === 9)) break;
    }
    let e = j;
    while (e > start && isSpaceOrBreak(s.charCodeAt(e - 1))) e--;
    this.i = j;
    const text = s.slice(start, e);
    return { t: 'scalar', start, end: e, text, exact: !text.includes('\n'), style: 'plain' };
  }
}

/** After a `:`, these end a plain scalar in a flow collection: blanks, breaks and `,[]{}`. */
function endsPlainAfterColon(c: number): boolean {
  return isSpaceOrBreak(c) || c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

function isSpaceOrBreak(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
