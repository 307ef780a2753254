import type { Span } from '../text/span';
import type { ImageMention } from './imageMention';

/**
 * A shell word with its unquoted value. `"gcr.io/a/b":1` has the value `gcr.io/a/b:1`;
 * `segs` maps value offsets back to the source when quotes or escapes were removed.
 */
export interface ShellWord {
  start: number;
  end: number;
  value: string;
  /** Present only when the value is not a plain copy of source[start, end). */
  segs?: { v: number; s: number; len: number }[];
}

/** A simple command: its words, in order, and the span of the whole command. */
export interface ShellCommand {
  words: ShellWord[];
  start: number;
  end: number;
}

/** Longer words are never image references (255-character names, 128-character tags). */
const MAX_WORD = 2048;
const MAX_WORDS = 4096;

/**
 * The source span of value[a, b), or undefined when that slice is not written contiguously
 * (`gcr.io/"a"/b` has no single span for `gcr.io/a/b`).
 */
export function wordSpan(w: ShellWord, a: number, b: number): Span | undefined {
  if (!w.segs) return { start: w.start + a, end: w.start + b };
  let start: number | undefined;
  let expect = -1;
  for (const g of w.segs) {
    const gEnd = g.v + g.len;
    if (start === undefined) {
      if (a >= g.v && a <= gEnd && (a < gEnd || a === b)) {
        start = g.s + (a - g.v);
        if (b <= gEnd) return { start, end: g.s + (b - g.v) };
        expect = g.s + g.len;
      }
    } else {
      if (g.s !== expect) return undefined;
      if (b <= gEnd) return { start, end: g.s + (b - g.v) };
      expect = g.s + g.len;
    }
  }
  return undefined;
}

/** True for characters that end an unquoted word: blanks and the control operators. */
function isBreak(c: number): boolean {
  // space, tab, \r, \n, ; & | ( )
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 59 || c === 38 || c === 124 || c === 40 || c === 41;
}

/**
 * Splits shell text into simple commands. It is a lexer, not a shell: it knows quotes,
 * backslash escapes, `\`-newline continuations, `#` comments, `$(…)`, `${…}` and backticks
 * (kept inside the word), and the operators `; & | && || ( )`. Make recipes use it too, so
 * Make's `$(VAR)` stays one word. Linear in the text length; overlong words are dropped.
 */
export function splitShellCommands(text: string, from = 0, to = text.length): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let cmdStart = -1;
  const endCommand = (end: number): void => {
    if (words.length > 0) commands.push({ words, start: cmdStart, end });
    words = [];
    cmdStart = -1;
  };
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 92 /* \ */ && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
      i += text.charCodeAt(i + 1) === 10 ? 2 : 3;
      continue;
    }
    if (c === 10 || c === 59 || c === 38 || c === 124 || c === 40 || c === 41) {
      endCommand(i);
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      // A comment runs to the end of the line; a continuation does not extend it.
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl > to ? to : nl;
      continue;
    }
    const w = readWord(text, i, to);
    if (cmdStart === -1) cmdStart = i;
    // A "command" of thousands of words is data (a minified blob), not something to parse.
    if (w.word && words.length < MAX_WORDS) words.push(w.word);
    i = w.end;
  }
  endCommand(to);
  return commands;
}

function readWord(text: string, start: number, to: number): { word?: ShellWord; end: number } {
  let value = '';
  let segs: { v: number; s: number; len: number }[] | undefined;
  let plainFrom = start; // start of the current run copied verbatim
  let rewritten = false;
  let tooLong = false;
  const flush = (upTo: number): void => {
    if (upTo > plainFrom) {
      if (!tooLong) {
        (segs ??= []).push({ v: value.length, s: plainFrom, len: upTo - plainFrom });
        value += text.slice(plainFrom, upTo);
      }
    }
  };
  let i = start;
  while (i < to) {
    if (i - start > MAX_WORD && !tooLong) tooLong = true;
    const c = text.charCodeAt(i);
    if (isBreak(c)) break;
    if (c === 39 /* ' */ || c === 34 /* " */) {
      flush(i);
      rewritten = true;
      const close = findQuoteEnd(text, i, to);
      plainFrom = i + 1;
      // Inside double quotes a backslash only escapes $ ` " \ and newline; treat it as literal
      // text, which keeps spans contiguous for the usual `"gcr.io/a/b:${TAG}"`.
      flush(close);
      i = close < to ? close + 1 : to;
      plainFrom = i;
      continue;
    }
    if (c === 92 /* \ */) {
      flush(i);
      rewritten = true;
      const next = text.charCodeAt(i + 1);
      if (next === 10 || (next === 13 && text.charCodeAt(i + 2) === 10)) {
        // `\`-newline: a continuation, which ends the word here.
        i += next === 10 ? 2 : 3;
        plainFrom = i;
        break;
      }
      plainFrom = i + 1;
      i += 2;
      continue;
    }
    if (c === 36 /* $ */ && (text.charCodeAt(i + 1) === 40 || text.charCodeAt(i + 1) === 123)) {
      i = skipBalanced(text, i + 1, to);
      continue;
    }
    if (c === 96 /* ` */) {
      const close = text.indexOf('`', i + 1);
      i = close === -1 || close >= to ? to : close + 1;
      continue;
    }
    i++;
  }
  const end = Math.min(i, to);
  if (tooLong || end - start > MAX_WORD) return { end };
  if (!rewritten) return { word: { start, end, value: text.slice(start, end) }, end };
  flush(end);
  return { word: { start, end, value, segs: segs ?? [] }, end };
}

function findQuoteEnd(text: string, open: number, to: number): number {
  const q = text.charAt(open);
  if (q === "'") {
    const close = text.indexOf("'", open + 1);
    return close === -1 || close >= to ? to : close;
  }
  let i = open + 1;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 34) return i;
    if (c === 92) i += 2;
    else i++;
  }
  return to;
}

/** From `(` or `{` right after `$`, returns the offset after the matching close. */
function skipBalanced(text: string, openAt: number, to: number): number {
  const open = text.charCodeAt(openAt);
  const close = open === 40 ? 41 : 125;
  let depth = 0;
  let i = openAt;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === 10 && text.charCodeAt(i - 1) !== 92) {
      // Never run past the end of the line on unbalanced text.
      return i;
    }
    i++;
  }
  return to;
}

/**
 * Hosts that serve source code or Go packages, not images: `github.com/x/y`,
 * `k8s.io/api`, `golang.org/x/net` and `sigs.k8s.io/kind` are import paths or URLs.
 */
const NOT_REGISTRIES = new Set([
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'k8s.io',
  'sigs.k8s.io',
  'golang.org',
  'go.dev',
  'pkg.go.dev',
  'gopkg.in',
  'google.golang.org',
  'go.uber.org',
  'go.opentelemetry.io',
  'go.etcd.io',
  'kubernetes.io',
  'helm.sh',
  'cloud.google.com',
  'storage.googleapis.com',
  'raw.githubusercontent.com',
  'objects.githubusercontent.com',
  'www.github.com',
]);

/** Registries whose names say so: a reference on them needs no tag to be unambiguous. */
const KNOWN_REGISTRIES = new Set([
  'gcr.io',
  'ghcr.io',
  'quay.io',
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.k8s.io',
  'public.ecr.aws',
  'mcr.microsoft.com',
  'nvcr.io',
  'icr.io',
  'cgr.dev',
  'docker.elastic.co',
  'lscr.io',
]);

/** True when `host` is a code host or Go vanity domain, never a registry. */
export function isCodeHost(host: string): boolean {
  const h = host.toLowerCase();
  return NOT_REGISTRIES.has(h) || h.endsWith('.github.io') || h.endsWith('.githubusercontent.com') || (h.endsWith('.k8s.io') && !h.startsWith('registry.'));
}

/** True when `host` is certainly an image registry (gcr.io, *.pkg.dev, localhost:5000…). */
export function isKnownRegistry(host: string): boolean {
  const h = host.toLowerCase();
  if (KNOWN_REGISTRIES.has(h)) return true;
  if (h === 'localhost' || h.includes(':')) return true;
  return (
    h.endsWith('.gcr.io') ||
    h.endsWith('.pkg.dev') ||
    h.endsWith('.azurecr.io') ||
    h.endsWith('.icr.io') ||
    /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(h) ||
    /(^|[.-])(registry|docker|harbor|cr)([.-]|$)/.test(h)
  );
}

/**
 * True when a mention found in free text is an image beyond doubt: it names a registry
 * host that is not a code host, and either the host is a known registry or a tag or
 * digest is written (`example.com/app:1.0`). `kubernetes.io/docs/concepts` and
 * `github.com/x/y` are not; `gcr.io/spark-operator/spark` is.
 */
export function isUnambiguousImage(m: ImageMention): boolean {
  const ref = m.ref;
  if (!ref || !ref.domain || m.skipped) return false;
  if (isCodeHost(ref.domain)) return false;
  // `javascript:80/x` is a URI fragment; a registry host has a dot or is localhost.
  const host = ref.domain.replace(/:\d+$/, '');
  if (!host.includes('.') && host !== 'localhost' && !host.startsWith('[')) return false;
  if (isKnownRegistry(ref.domain)) return true;
  const nameLength = ref.domain.length + 1 + ref.path.length;
  return ref.tag !== undefined || ref.digest !== undefined || m.text.length > nameLength;
}
