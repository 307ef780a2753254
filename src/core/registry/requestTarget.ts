/**
 * Where one request goes. A path as registryPaths builds it is sent as it is and parsed
 * into a URL only when something needs one: a redirect, an error message, the caller's
 * `res.url`. Why: `new URL` for every request was 3 % of the CPU of a 100,000-tag verify.
 */
export class RequestTarget {
  private parsed: URL | undefined;

  private constructor(
    readonly origin: string,
    /** Path and query, as sent. */
    readonly path: string,
    private readonly base: string,
    parsed: URL | undefined,
  ) {
    this.parsed = parsed;
  }

  /** `path` on the registry at `base` (its origin is `origin`), or any URL (parsed now). */
  static of(ref: string, base: string, origin: string): RequestTarget {
    if (isPlainPath(ref)) return new RequestTarget(origin, ref, base, undefined);
    const u = new URL(ref, base);
    return new RequestTarget(u.origin, u.pathname + u.search, base, u);
  }

  static at(url: URL): RequestTarget {
    return new RequestTarget(url.origin, url.pathname + url.search, url.href, url);
  }

  get url(): URL {
    return (this.parsed ??= new URL(this.path, this.base));
  }

  get pathname(): string {
    const q = this.path.indexOf('?');
    return q === -1 ? this.path : this.path.slice(0, q);
  }
}

/**
 * Characters the URL parser leaves as they are in a path (no `%`: `%2e` is a dot segment),
 * and in a query (no `'`: encoded there). A loop over a table, not a regex: this runs for
 * every request.
 */
const PATH_CHARS = table("A-Za-z0-9._~:@!$&()*+,;=/-");
const QUERY_CHARS = table("A-Za-z0-9._~:@!$&()*+,;=/?%-");

function table(spec: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      for (let c = spec.charCodeAt(i); c <= spec.charCodeAt(i + 2); c++) t[c] = 1;
      i += 2;
    } else t[spec.charCodeAt(i)] = 1;
  }
  return t;
}

const SLASH = 0x2f;
const DOT = 0x2e;
const QUESTION = 0x3f;

/**
 * Whether `new URL(ref, base)` gives `ref` back as its pathname + search, for any http(s)
 * base: `/` then plain characters, not `//` at the start (another host), no `.` or `..`
 * segment, and a query, if any, not empty (`?` alone is dropped). test/unit/requestTarget.test.ts
 * checks this against the parser.
 */
export function isPlainPath(ref: string): boolean {
  const n = ref.length;
  if (n === 0 || ref.charCodeAt(0) !== SLASH || ref.charCodeAt(1) === SLASH) return false;
  let segment = 1;
  let i = 1;
  for (; i <= n; i++) {
    const c = i < n ? ref.charCodeAt(i) : SLASH;
    if (c === SLASH || c === QUESTION) {
      const len = i - segment;
      if ((len === 1 || len === 2) && ref.charCodeAt(segment) === DOT && (len === 1 || ref.charCodeAt(segment + 1) === DOT)) return false;
      if (c === QUESTION) break;
      segment = i + 1;
    } else if (c >= 128 || PATH_CHARS[c] === 0) return false;
  }
  if (i >= n) return true;
  if (i === n - 1) return false;
  for (let k = i + 1; k < n; k++) {
    const c = ref.charCodeAt(k);
    if (c >= 128 || QUERY_CHARS[c] === 0) return false;
  }
  return true;
}
