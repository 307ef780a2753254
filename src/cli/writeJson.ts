import { arrayItemsText, prettyJson } from '../core/report/jsonItems';

/**
 * Writes an object as `JSON.stringify(value, null, 2) + '\n'` would, one chunk at a time:
 * `scan --format json` streams a dense repository's 60,000 mention records as the scan
 * yields them instead of holding them, and one string of tens of MB, in memory.
 */
export class JsonObjectWriter {
  private fields = 0;
  private items = -1;
  private chunk = '';

  constructor(private readonly out: (text: string) => void) {
    this.out('{');
  }

  field(key: string, value: unknown): void {
    if (value === undefined) return;
    if (Array.isArray(value) && value.length) {
      // To the end at once: nothing to wait for between batches here (writeJsonPaced waits).
      for (const _ of this.arrayField(key, value)) continue;
      return;
    }
    this.out(`${this.fields++ ? ',' : ''}\n  ${JSON.stringify(key)}: ${prettyJson(value, '  ')}`);
  }

  /**
   * `key: [values]`, serialized a thousand items at a time (a verify report holds 100,000);
   * yields after each batch is buffered, so that a caller may flush and wait for a drain.
   */
  *arrayField(key: string, values: readonly unknown[]): Generator<void> {
    this.arrayStart(key);
    for (let i = 0; i < values.length; i += 1000) {
      const batch = values.slice(i, i + 1000);
      this.itemsText(arrayItemsText(batch), batch.length);
      yield;
    }
    this.arrayEnd();
  }

  arrayStart(key: string): void {
    this.out(`${this.fields++ ? ',' : ''}\n  ${JSON.stringify(key)}: [`);
    this.items = 0;
  }

  item(x: unknown): void {
    this.chunk += `${this.items++ ? ',' : ''}\n    ${prettyJson(x, '    ')}`;
    if (this.chunk.length > 1 << 16) this.flush();
  }

  /** `count` items already serialized by arrayItemsText (by a scan worker). */
  itemsText(text: string, count: number): void {
    if (count === 0) return;
    this.chunk += this.items ? ',' + text : text;
    this.items += count;
    if (this.chunk.length > 1 << 16) this.flush();
  }

  arrayEnd(): void {
    this.flush();
    this.out(this.items ? '\n  ]' : ']');
    this.items = -1;
  }

  end(): void {
    this.out(this.fields ? '\n}\n' : '}\n');
  }

  /** Hands what is buffered to `out` now (writeJsonPaced, before it waits for a drain). */
  flushNow(): void {
    this.flush();
  }

  private flush(): void {
    if (this.chunk) this.out(this.chunk);
    this.chunk = '';
  }
}

/**
 * writeJson for a large report, waiting for `drain` after each 1,000 array items (CliIO.drain):
 * the output leaves as it is written instead of all waiting in memory behind a slow pipe.
 */
export async function writeJsonPaced(out: (text: string) => void, drain: (() => Promise<void>) | undefined, value: Record<string, unknown>): Promise<void> {
  const w = new JsonObjectWriter(out);
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (!drain || !Array.isArray(v) || v.length === 0) {
      w.field(k, v);
      continue;
    }
    for (const _ of w.arrayField(k, v)) {
      w.flushNow();
      await drain();
    }
  }
  w.end();
}

export function writeJson(out: (text: string) => void, value: Record<string, unknown>): void {
  const w = new JsonObjectWriter(out);
  for (const k of Object.keys(value)) w.field(k, value[k]);
  w.end();
}
