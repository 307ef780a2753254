import type { Span } from '../text/span';
import { type ImageMention, makeMention } from './imageMention';
import { isPathArgument, isPathLike, isVmImageKey, lineBefore } from './notAnImage';
import { escapeRegExp } from '../text/escapeRegExp';

/** Characters of a reference token: name, tag and digest. */
const REF_CHAR = /[A-Za-z0-9._\-/:@]/;
/** Before a token: anything that cannot continue a host name, URL path or e-mail address. */
const HOST_CHAR = /[A-Za-z0-9_.\-@%]/;

/**
 * The safety net under every format finder: any token in any text file (TOML, INI, Go or
 * Python string literals, Terraform, an extensionless script…) that names a repository under
 * one of `prefixes`, the rules' names written with their host (`k8s.gcr.io`,
 * `gcr.io/google_containers`, `quay.io/coreos/prometheus-operator`). Tokens the format finder
 * already reported (any overlap with `existing`) are left out.
 *
 * Not images: URLs (`https://k8s.gcr.io/v2/…`, except `docker://` and `oci://`), file paths
 * (a known file extension, or an argument of `cd`/`ls`/`cat`/`git add`), a host inside a
 * longer host or e-mail address. A bare host or namespace (`k8s.gcr.io` alone,
 * `gcr.io/google-containers`) is reported with `namespaceOnly`: a note, never rewritten.
 *
 * Docker Hub names are mostly written without their host (`bitnami/kubectl:1.25`), and
 * `bitnami/redis` alone is as often a Helm chart or a GitHub repository: such a name is
 * read only as a whole quoted string (`Image: "bitnami/kubectl:1.25"`, `image =
 * 'bitnami/redis:7'`, `From("bitnami/kubectl:latest")`) that carries a tag or digest, or
 * as the value an image key is given, quoted or not (`image = "bitnami/kubectl"`,
 * `RedisImage: "bitnami/redis"`, `test.image=bitnami/redis:7`, `<image>bitnami/java:17</image>`).
 */
export function findContentMentions(text: string, prefixes: readonly string[], existing: readonly ImageMention[]): ImageMention[] {
  const { hosts, anyHost, hub } = hostsOf(prefixes);
  if (hosts.length === 0) return [];
  let covered: Span[] | undefined;
  const out: ImageMention[] = [];
  const seen = new Set<number>();
  // Per host, where its next occurrence may start: an occurrence overlapping the previous
  // one of the same host is skipped, as indexOf(host, i + host.length) skipped it.
  const from: number[] = new Array<number>(hosts.length).fill(0);
  // One regex pass finds every offset where some host starts (it resumes one character
  // after each hit, so a host inside another, `gcr.io` in `k8s.gcr.io`, is still seen):
  // an indexOf pass per host was 6 passes over every text. At each offset the hosts are
  // tried in their order, as the per-host passes did (the first token read at i wins).
  anyHost.lastIndex = 0;
  for (let r = anyHost.exec(text); r !== null; r = anyHost.exec(text)) {
    const i = r.index;
    anyHost.lastIndex = i + 1;
    for (let h = 0; h < hosts.length; h++) {
      const { host, under } = hosts[h];
      if (i < from[h] || !text.startsWith(host, i)) continue;
      from[h] = i + host.length;
      covered ??= coveredRanges(existing);
      // A token found here starts at i: when a reported mention already covers i, the token
      // overlaps it whatever its end, so it is not read at all (most hosts in a dense file).
      if (seen.has(i) || overlaps(covered, i, i + 1)) continue;
      const m = tokenAt(text, i, host, under);
      if (!m || overlaps(covered, m.span.start, m.span.end)) continue;
      seen.add(i);
      out.push(m);
    }
  }
  if (hub) {
    hub.start.lastIndex = 0;
    for (let r = hub.start.exec(text); r !== null; r = hub.start.exec(text)) {
      const i = r.index + 1;
      covered ??= coveredRanges(existing);
      if (overlaps(covered, i, i + 1)) continue;
      const before = text[r.index];
      const m = before === '"' || before === "'" || before === '`' ? quotedHubName(text, i, before, hub.under) : keyedHubName(text, i, before, hub.under);
      if (m && !overlaps(covered, m.span.start, m.span.end)) out.push(m);
    }
  }
  return out;
}

/**
 * A Docker Hub name without its host, quoted whole (findContentMentions): `quote` opened
 * at i - 1 and closes right after the token; it carries a tag or digest, or an image key
 * is given it on its line.
 */
function quotedHubName(text: string, i: number, quote: string, under: readonly string[]): ImageMention | undefined {
  const end = tokenEnd(text, i);
  if (text[end] !== quote) return undefined;
  const token = text.slice(i, end);
  const literal = literalName(token);
  if (literal.length === token.length && !imageKeyBefore(lineBefore(text, i - 1, 120))) return undefined;
  return hubMention(text, i, end, literal, under);
}

/**
 * A Docker Hub name without its host and without quotes, given to an image key: an INI or
 * properties line (`image=bitnami/redis:7`, `app.image: bitnami/redis`) up to the end of
 * its value, or an XML element (`<image>bitnami/java:11</image>`, Jib's `<from>`).
 */
function keyedHubName(text: string, i: number, before: string, under: readonly string[]): ImageMention | undefined {
  const end = tokenEnd(text, i);
  // Ending in a separator, it is prose (`see image: bitnami/redis:7.`), not a value.
  if (/[.:,/\-]/.test(text[end - 1])) return undefined;
  const line = lineBefore(text, i, 120);
  if (before === '>') {
    const tag = XML_IMAGE_TAG_BEFORE.exec(line)?.[1];
    if (!tag || isVmImageKey(tag) || !text.startsWith(`</${tag}>`, end)) return undefined;
  } else if (!imageKeyBefore(line) || !valueEndsAt(text, end)) {
    return undefined;
  }
  const token = text.slice(i, end);
  return hubMention(text, i, end, literalName(token), under);
}

/** The unquoted value ends at `end`: blanks, then the line's end, a comment or a separator. */
function valueEndsAt(text: string, end: number): boolean {
  let p = end;
  while (text[p] === ' ' || text[p] === '\t') p++;
  const c = text[p];
  return c === undefined || c === '\n' || c === '\r' || c === '#' || c === ';' || c === ',';
}

/** An XML element whose name ends in `image`, opened right before the value. */
const XML_IMAGE_TAG_BEFORE = /<([A-Za-z0-9_.:-]*image)>[ \t]*$/i;

/** A key naming an image, right before its value: `image =`, `RedisImage:`, `"image": `, `app.image=`, `image-name :=`. */
const IMAGE_KEY_BEFORE = /(?:^|[^A-Za-z0-9_.-])(?:[A-Za-z0-9_-]*\.)*([A-Za-z0-9_-]*image(?:[_-]?name)?)["']?[ \t]*(?::=|=>|=|:)[ \t]*$/i;

/** `line` ends with an image key and its `=` or `:`; not a virtual machine's (`source_image =`). */
function imageKeyBefore(line: string): boolean {
  const key = IMAGE_KEY_BEFORE.exec(line)?.[1];
  return key !== undefined && !isVmImageKey(key);
}

/**
 * The short name at [i, end) as a mention: it has a namespace, and with docker.io before it
 * is under one of `under` (`kubeflow/spark-operator:v1` under docker.io/kubeflow/spark-operator,
 * not `kubeflow/spark-operator/x:1`); not a path; and it parses.
 */
function hubMention(text: string, i: number, end: number, literal: string, under: readonly string[]): ImageMention | undefined {
  if (!literal.includes('/') || literal.includes('//') || literal.includes('..')) return undefined;
  const name = `docker.io/${literal.toLowerCase()}`;
  if (!under.some((p) => name === p || name.startsWith(p + '/'))) return undefined;
  const m = makeMention(text, i, end, 'content-reference');
  return m?.ref ? m : undefined;
}

interface Hosts {
  hosts: { host: string; under: string[] }[];
  /** Any of the hosts (global; findContentMentions resets lastIndex, it never nests). */
  anyHost: RegExp;
  /**
   * Docker Hub names under a prefix written without their host (`bitnami/…` for
   * docker.io/bitnami, `kubeflow/spark-operator:…`): `start` finds where one may start,
   * after a quote (quotedHubName) or after `=`, `:`, `>` or a blank (keyedHubName), the
   * character before being part of the match; `under`, the prefixes themselves. Undefined
   * when no prefix is on Docker Hub.
   */
  hub: { start: RegExp; under: string[] } | undefined;
}

const hostCache = new WeakMap<readonly string[], Hosts>();

/** The prefixes' hosts, each with the prefixes under it; once per rule set, not per file. */
function hostsOf(prefixes: readonly string[]): Hosts {
  let r = hostCache.get(prefixes);
  if (r) return r;
  const norm = [...new Set(prefixes.map((p) => p.toLowerCase().replace(/\/+$/, '')))].filter((p) => p.includes('.'));
  const hosts = [...new Set(norm.map((p) => p.split('/')[0]))];
  // `docker.io/bitnami` is written `bitnami/…`; `docker.io/library/x` as `x`, too loose to read.
  const hub = norm.filter((p) => p.startsWith('docker.io/') && !p.startsWith('docker.io/library/'));
  const short = hub.map((p) => escapeRegExp(p.slice('docker.io/'.length))).join('|');
  r = {
    hosts: hosts.map((host) => ({ host, under: norm.filter((p) => p === host || p.startsWith(host + '/')) })),
    anyHost: new RegExp(hosts.map(escapeRegExp).join('|') || '(?!)', 'g'),
    // The name ends there or goes on with a path, tag or digest: not `bitnamilegacy/…`.
    hub: hub.length ? { start: new RegExp(`[=:> \t"'\`](?:${short})(?![A-Za-z0-9._-])`, 'g'), under: hub } : undefined,
  };
  hostCache.set(prefixes, r);
  return r;
}

function tokenAt(text: string, i: number, host: string, prefixes: readonly string[]): ImageMention | undefined {
  let kind = 'content-reference';
  const before = text.charCodeAt(i - 1);
  if (i > 0 && HOST_CHAR.test(text[i - 1])) return undefined;
  if (before === 47 /* / */) {
    if (text.startsWith('docker://', i - 9)) kind = 'content-docker-transport';
    else if (text.startsWith('oci://', i - 6)) kind = 'oci-artifact';
    else return undefined; // https://k8s.gcr.io/v2/…, ./k8s.gcr.io/…
  } else if (before === 58 /* : */ && /[A-Za-z]$/.test(text.slice(Math.max(0, i - 2), i - 1))) {
    return undefined; // `mailto:`, `scheme:host`
  }
  const after = text[i + host.length] ?? '';
  if (/[A-Za-z0-9_-]/.test(after) || (after === '.' && /[A-Za-z0-9]/.test(text[i + host.length + 1] ?? ''))) return undefined; // k8s.gcr.io.cn, gcr.io-mirror
  let end = tokenEnd(text, i + host.length);
  const raw = text.slice(i, end);
  // A trailing slash or separator belongs to the sentence or the path, not the name.
  while (end > i && /[.:,/\-]/.test(text[end - 1]) && !isTemplateEnd(text, end)) end--;
  const token = text.slice(i, end);
  const literal = literalName(token);
  if (literal.includes('//') || literal.includes('..')) return undefined;
  if (isPathLike(raw) || isPathLike(token) || isPathArgument(text, i)) return undefined;
  const name = literal.toLowerCase();
  const under = prefixes.some((p) => name === p || name.startsWith(p + '/'));
  if (!under) {
    // A namespace above a rule (`quay.io/coreos` for quay.io/coreos/prometheus-operator) names no move.
    return undefined;
  }
  if (name === host) {
    // `k8s.gcr.io` alone: a registry host, not an image (a namespace such as
    // `gcr.io/google-containers` parses as a name; the rule match makes it a note).
    return { kind: 'content-namespace', span: { start: i, end: i + literal.length }, text: literal, namespaceOnly: true };
  }
  const m = makeMention(text, i, end, kind);
  if (!m?.ref) return m?.skipped ? m : undefined;
  return m;
}

/** The end of a reference token from `p`, through template parts (`:${TAG}`, `:{{ .Tag }}`). */
function tokenEnd(text: string, p: number): number {
  const limit = Math.min(text.length, p + 512);
  while (p < limit) {
    const c = text[p];
    if (REF_CHAR.test(c)) {
      p++;
      continue;
    }
    const close = templateClose(text, p);
    if (close === -1) break;
    p = close;
  }
  return p;
}

/** Where a template part starting at `p` ends (`${X}`, `$(X)`, `{{ x }}`, `$X`), or -1. */
function templateClose(text: string, p: number): number {
  if (text.startsWith('${', p)) return closeAt(text, p, '}');
  if (text.startsWith('$(', p)) return closeAt(text, p, ')');
  if (text.startsWith('{{', p)) return closeAt(text, p, '}}');
  const v = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(p, p + 64));
  return v ? p + v[0].length : -1;
}

/**
 * After `close`, when it ends the template part at `p` within 200 characters on its line;
 * else -1. Only that window is searched: an unclosed `${` before every reference of a 5 MB
 * line would otherwise search to its end each time.
 */
function closeAt(text: string, p: number, close: string): number {
  const window = text.slice(p, p + 200 + close.length);
  const e = window.indexOf(close);
  return e === -1 || window.slice(0, e).includes('\n') ? -1 : p + e + close.length;
}

function isTemplateEnd(text: string, end: number): boolean {
  // Stryker disable next-line all: only called on a character in [.:,/-] (tokenAt's trim loop), never } or ), so always false: dead code, left for the lead
  return text[end - 1] === '}' || text[end - 1] === ')';
}

/** The name part of a token: up to a tag, digest or template. */
function literalName(token: string): string {
  let s = token;
  const t = s.search(/\$|\{\{/);
  if (t !== -1) s = s.slice(0, t);
  const at = s.indexOf('@');
  if (at !== -1) s = s.slice(0, at);
  const slash = s.lastIndexOf('/');
  const colon = s.indexOf(':', slash + 1);
  if (colon !== -1) s = s.slice(0, colon);
  return s.replace(/[/.\-:]+$/, '');
}

function coveredRanges(existing: readonly ImageMention[]): Span[] {
  const spans: Span[] = [];
  for (const m of existing) {
    spans.push(m.span);
    for (const p of m.parts ?? []) spans.push(p.span);
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * Whether [start, end) overlaps a span of `sorted` (by start). Binary search: a minified JSON
 * line holds 100,000 mentions, and a linear test per token is quadratic. Numbers, not a
 * span: it runs once per host occurrence, before any mention exists.
 */
function overlaps(sorted: readonly Span[], start: number, end: number): boolean {
  // The last span starting before end, then back while spans may still reach start.
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].start < end) lo = mid + 1;
    else hi = mid;
  }
  // Spans do not nest deeply (a mention and its parts), so a few steps back suffice.
  for (let k = lo - 1, steps = 0; k >= 0 && steps < 64; k--, steps++) if (sorted[k].end > start) return true;
  return false;
}
