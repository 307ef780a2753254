/**
 * The nodes of the YAML outline (yamlTree.ts): source offsets kept, values as written.
 * A file of their own so that the outline and its flow reader (flowCollection.ts) share
 * them without importing each other.
 */

export interface YScalar {
  t: 'scalar';
  /** Source span of the value: quotes excluded; for block scalars the body lines. */
  start: number;
  end: number;
  /** `source.slice(start, end)`. */
  text: string;
  /** True when the source slice is exactly the scalar's value (no escapes, no folding). */
  exact: boolean;
  style: 'plain' | 'single' | 'double' | 'block' | 'alias';
  /** A `>` block scalar: its lines are joined, so its body is not text to re-read as YAML. */
  folded?: boolean;
}

export interface YEntry {
  key: string;
  /** Where the key starts in the source, its opening quote included: its column is the entry's. */
  keyStart: number;
  value: YNode | undefined;
}

export interface YMap {
  t: 'map';
  entries: YEntry[];
  /** A flow mapping (`{a: 1}`): an editor cannot add a block child to it. */
  flow?: true;
}

export interface YSeq {
  t: 'seq';
  items: (YNode | undefined)[];
}

export type YNode = YScalar | YMap | YSeq;

export interface YDocument {
  /** Usually one root; broken indentation leaves extra orphan containers here. */
  roots: YNode[];
  /**
   * Set when the reader skipped something YAML would reject (an unterminated quote or flow
   * collection, a `{{ }}` template, a line no key explains). The finders still read what
   * they can; an editor of the structure (companion edits) leaves such a file alone.
   */
  broken?: true;
}

export function mapGet(map: YMap, key: string): YNode | undefined {
  for (const e of map.entries) if (e.key === key) return e.value;
  return undefined;
}
