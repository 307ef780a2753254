/**
 * The `rel="next"` target of a `Link` header (RFC 8288), e.g.
 * `</v2/app/tags/list?last=v1.2&n=100>; rel="next"`, resolved against the request URL.
 * Returns undefined when there is none or it does not parse.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
 */
export function nextLink(header: string | string[] | undefined, base: URL): URL | undefined {
  if (header === undefined) return undefined;
  const values = Array.isArray(header) ? header : [header];
  for (const v of values) {
    const re = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(v))) {
      const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2]);
      if (!rels || !rels[1].toLowerCase().split(/\s+/).includes('next')) continue;
      try {
        return new URL(m[1], base);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
