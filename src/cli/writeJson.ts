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
      this.arrayStart(key);
      // A thousand items per serialization: a verify report holds 100,000.
      for (let i = 0; i < value.length; i += 1000) {
        const batch = value.slice(i, i + 1000);
        this.itemsText(arrayItemsText(batch), batch.length);
      }
      this.arrayEnd();
      return;
    }
    this.out(`${this.fields++ ? ',' : ''}\n  ${JSON.stringify(key)}: ${prettyJson(value, '  ')}`);
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

  private flush(): void {
    if (this.chunk) this.out(this.chunk);
    this.chunk = '';
  }
}

export function writeJson(out: (text: string) => void, value: Record<string, unknown>): void {
  const w = new JsonObjectWriter(out);
  for (const k of Object.keys(value)) w.field(k, value[k]);
  w.end();
}
