import { arrayItemsText, prettyJson } from '../core/report/jsonItems';

/**
 * Writes an object as `JSON.stringify(value, null, 2) + '\n'` would, one chunk at a time:
 * `scan --format json` streams a dense repository's 60,000 mention records as the scan
 * yields them instead of holding them, and one string of tens of MB, in memory.
 */
export class JsonObjectWriter {
  private fields = 0;
  /** Items in the open array; -1 when none is open. */
  private count = -1;
  private chunk = '';

  constructor(private readonly out: (text: string) => void) {
    this.out('{');
  }

  field(key: string, value: unknown): void {
    if (value === undefined) return;
    if (Array.isArray(value) && value.length) {
      this.arrayStart(key);
      this.items(value, 0, value.length);
      this.arrayEnd();
      return;
    }
    this.out(`${this.fields++ ? ',' : ''}\n  ${JSON.stringify(key)}: ${prettyJson(value, '  ')}`);
  }

  /**
   * values[start, end) as items of the open array, serialized a thousand at a time (one
   * native stringify per batch; a verify report holds 100,000 of them).
   */
  items(values: readonly unknown[], start: number, end: number): void {
    for (let i = start; i < end; i += 1000) {
      const n = Math.min(end, i + 1000) - i;
      this.itemsText(arrayItemsText(values.slice(i, i + n)), n);
    }
  }

  arrayStart(key: string): void {
    this.out(`${this.fields++ ? ',' : ''}\n  ${JSON.stringify(key)}: [`);
    this.count = 0;
  }

  /** `count` items already serialized by arrayItemsText (by a scan worker). */
  itemsText(text: string, count: number): void {
    if (count === 0) return;
    this.chunk += this.count ? ',' + text : text;
    this.count += count;
    if (this.chunk.length > 1 << 16) this.flush();
  }

  arrayEnd(): void {
    this.flush();
    this.out(this.count ? '\n  ]' : ']');
    this.count = -1;
  }

  end(): void {
    this.out(this.fields ? '\n}\n' : '}\n');
  }

  /** Hands what is buffered to `out` now (before a wait for the pipe to drain). */
  flushNow(): void {
    this.flush();
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

/**
 * A report's first field, an array whose items finish out of order (verify's results, by tag
 * index): written in index order while the work goes on, a thousand at a time, once every
 * item before them is in and while the reader keeps up (`backedUp` false), so that
 * serializing overlaps the work's waits instead of following it. `finish` writes the rest,
 * paced by `drain` (the output leaves as it is written instead of all waiting in memory
 * behind a slow pipe), and hands back the writer for the other fields. The text is
 * writeJson's. Items are never `undefined`.
 */
export class InOrderArrayField {
  private readonly values: unknown[] = [];
  /** values[0, ready) are all in; values[0, written) are out. */
  private ready = 0;
  private written = 0;
  private writer: JsonObjectWriter | undefined;

  constructor(
    private readonly out: (text: string) => void,
    private readonly key: string,
    private readonly backedUp: () => boolean = () => false,
  ) {}

  /** After abandon(): the work failed, and nothing more is written. */
  private abandoned = false;

  put(index: number, item: unknown): void {
    if (this.abandoned) return;
    this.values[index] = item;
    while (this.ready < this.values.length && this.values[this.ready] !== undefined) this.ready++;
    if (this.ready - this.written >= 1000 && !this.backedUp()) this.writeTo(this.ready);
  }

  /** The work failed: what is still running may put more, and none of it is written. */
  abandon(): void {
    this.abandoned = true;
    this.values.length = 0;
  }

  /** `total`: how many items there are (the last ones may never have come); default, up to the highest index put. */
  async finish(drain: (() => Promise<void>) | undefined, total = this.values.length): Promise<JsonObjectWriter> {
    if (this.ready !== total || this.values.length !== total) throw new Error(`InOrderArrayField: item ${this.ready} of ${total} never came`);
    while (this.written < this.values.length) {
      this.writeTo(Math.min(this.values.length, this.written + 1000));
      if (drain) await drain();
    }
    const w = this.start();
    w.arrayEnd();
    return w;
  }

  private start(): JsonObjectWriter {
    if (!this.writer) {
      this.writer = new JsonObjectWriter(this.out);
      this.writer.arrayStart(this.key);
    }
    return this.writer;
  }

  private writeTo(end: number): void {
    const w = this.start();
    w.items(this.values, this.written, end);
    w.flushNow();
    // Written items are let go: `ready` never looks back, and 100,000 kept results were
    // ~90 MB that every collection walked.
    this.values.fill(undefined, this.written, end);
    this.written = end;
  }
}
