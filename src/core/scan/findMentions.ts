import { findContentMentions } from './contentFinder';
import type { FileFormat } from './fileFormat';
import type { FinderContext } from './finder';
import { detectFormat, finderFor } from './formatTable';
import type { ImageMention } from './imageMention';
import { maskTemplateLines } from './fileFormat';

export interface FindOptions {
  /**
   * Repository prefixes written with their registry host (`k8s.gcr.io`,
   * `quay.io/coreos/prometheus-operator`): the content finder reports any token under them,
   * in any text file, that the format finder did not. Without them only the format finder runs.
   */
  contentPrefixes?: readonly string[];
}

/** Hands embedded slices to the finder of their format; depth-limited against hostile nesting. */
function contextAt(depth: number): FinderContext {
  return {
    find(text, format) {
      if (depth > 3) return [];
      const finder = finderFor(format);
      return finder ? safely(() => finder(text, contextAt(depth + 1))) : [];
    },
  };
}

function safely(run: () => ImageMention[]): ImageMention[] {
  try {
    return run();
  } catch {
    // A finder bug must not hide the rest of the workspace; the content finder still runs.
    return [];
  }
}

/** Mentions in `text` read as `format` by its finder alone (no content finder), sorted. */
export function findFormatMentions(text: string, format: FileFormat): ImageMention[] {
  return sortMentions(contextAt(0).find(text, format));
}

/**
 * Every image reference in one file's text, sorted by offset. The format comes from the
 * path and the content (detectFormat); `format` overrides it. With `contentPrefixes`, the
 * content finder adds every token under a rule's explicit prefix that the format finder
 * did not report. Never throws on user text.
 */
export function findMentions(text: string, filePath: string, format?: FileFormat, options: FindOptions = {}): ImageMention[] {
  let body = text;
  let f = format;
  if (!f) {
    const detected = detectFormat(filePath, text);
    f = detected.format;
    body = detected.text;
  } else if (filePath && /\.(?:tmpl|template|j2|jinja2?|gotmpl)$/i.test(filePath)) {
    body = maskTemplateLines(text);
  }
  const found = contextAt(0).find(body, f);
  if (options.contentPrefixes && options.contentPrefixes.length > 0) {
    for (const m of safely(() => findContentMentions(body, options.contentPrefixes!, found))) found.push(m);
  }
  return sortMentions(found);
}

function sortMentions(found: ImageMention[]): ImageMention[] {
  // Finders mostly report in text order; sort (stable: an ordered array stays as it is)
  // only when needed, as it copies the array and calls the comparator per pair.
  for (let i = 1; i < found.length; i++) {
    const a = found[i - 1].span;
    const b = found[i].span;
    if (a.start - b.start > 0 || (a.start === b.start && a.end - b.end > 0)) return found.sort(byOffset);
  }
  return found;
}

function byOffset(a: ImageMention, b: ImageMention): number {
  return a.span.start - b.span.start || a.span.end - b.span.end;
}
