import type { Span } from '../text/span';
import { type ImageReference, parseImageReference } from '../reference/imageReference';
import { isImageId, isPathLike } from './notAnImage';

export type PartRole = 'registry' | 'repository' | 'tag' | 'digest';

/** One field of a split reference, e.g. Helm's `image.registry`. */
export interface MentionPart {
  role: PartRole;
  span: Span;
  /** The field's value as written (without quotes). */
  text: string;
}

/**
 * One image reference found in a text. Spans are offsets into the text the finder was
 * given; `text` is exactly `source.slice(span.start, span.end)` (quotes excluded).
 */
export interface ImageMention {
  /** Which format and field it came from: `dockerfile-from`, `k8s-image`, `helm-values-repository`… */
  kind: string;
  span: Span;
  text: string;
  /** The literal reference. A templated tag is left out (`x/y:${TAG}` has ref {path:'x/y'}). */
  ref?: ImageReference;
  /** Where the repository name (domain and path) is written; what a rewrite replaces. */
  nameSpan?: Span;
  /** Why this mention is reported but never flagged or rewritten (templated repository…). */
  skipped?: string;
  /** Split references (Helm registry/repository/tag…): each field with its own span. */
  parts?: MentionPart[];
  /**
   * A registry host or namespace with no repository (`k8s.gcr.io`, `gcr.io/google-containers`
   * in prose): reported as a note with the new namespace, never rewritten. `text` is the name.
   */
  namespaceOnly?: true;
  /** The thing referenced is an OCI artifact, not a container image (a Helm chart, a Tekton bundle…). */
  artifact?: 'helm-chart' | 'tekton-bundle' | 'crossplane-package' | 'devcontainer-feature' | 'oci-artifact';
}

/** Where template syntax starts: ${X} $X $(X) {{ x }} %{x} <x> {X}. */
const TEMPLATE_START = /\$\{|\$\(|\$[A-Za-z_]|\{\{|%\{|<[A-Za-z_]|\{[A-Za-z_]/;

export function templateStart(s: string): number {
  const m = TEMPLATE_START.exec(s);
  return m ? m.index : -1;
}

export interface MentionOptions {
  /**
   * The field is known to hold an image (`image:`, `FROM`): a templated repository or an
   * unparseable value is reported as skipped instead of being dropped.
   */
  strict?: boolean;
}

/**
 * Makes a mention of `source.slice(start, end)`, or returns undefined when that text is
 * not an image reference. The literal part decides: `gcr.io/x/y:${TAG}` is a mention whose
 * repository can be rewritten; `${REGISTRY}/app` is skipped with a reason.
 */
export function makeMention(
  source: string,
  start: number,
  end: number,
  kind: string,
  options: MentionOptions = {},
): ImageMention | undefined {
  const text = source.slice(start, end);
  if (text.length === 0) return undefined;
  // `docker run 1a3f…` (an image ID) and `…/images.yaml` (a file) name no repository.
  if (isImageId(text) || isPathLike(text)) return undefined;
  const t = templateStart(text);
  let literal = text;
  let templatedTail = false;
  if (t !== -1) {
    const prefix = text.slice(0, t);
    const slash = prefix.lastIndexOf('/');
    const colon = prefix.indexOf(':', slash + 1);
    const at = prefix.indexOf('@');
    const cut = [colon, at].filter((i) => i > 0).sort((a, b) => a - b)[0];
    if (cut === undefined) {
      if (!options.strict && !looksLikeTemplatedImage(text)) return undefined;
      return { kind, span: { start, end }, text, skipped: `the repository is templated ("${text}"); only literal names are rewritten` };
    }
    literal = prefix.slice(0, cut);
    // Stryker disable next-line BooleanLiteral: the literal is cut before the first ":" or "@", so it never parses with a tag to delete
    templatedTail = true;
  }
  const parsed = parseImageReference(literal);
  if (!parsed.ok) {
    if (!options.strict) return undefined;
    return { kind, span: { start, end }, text, skipped: `not a valid image reference: ${parsed.error.message}` };
  }
  const ref = parsed.ref;
  const nameLength = (ref.domain ? ref.domain.length + 1 : 0) + ref.path.length;
  const mention: ImageMention = { kind, span: { start, end }, text, ref, nameSpan: { start, end: start + nameLength } };
  if (templatedTail) delete ref.tag;
  return mention;
}

function looksLikeTemplatedImage(text: string): boolean {
  return /[/:]/.test(text) && !/\s/.test(text);
}

/** A split reference from its fields. Returns undefined when the fields do not make a name. */
export function makeSplitMention(kind: string, parts: MentionPart[]): ImageMention | undefined {
  // The first part of each role, and the first templated registry or repository, in one
  // loop (this runs for every split reference: no closures, no spread of a base object).
  let registry: MentionPart | undefined;
  let repository: MentionPart | undefined;
  let tag: MentionPart | undefined;
  let digest: MentionPart | undefined;
  let templated: MentionPart | undefined;
  for (const p of parts) {
    if (p.role === 'registry') registry ??= p;
    else if (p.role === 'repository') repository ??= p;
    else if (p.role === 'tag') tag ??= p;
    else if (p.role === 'digest') digest ??= p;
    if (!templated && (p.role === 'registry' || p.role === 'repository') && templateStart(p.text) !== -1) templated = p;
  }
  if (!repository) return undefined;
  const main = repository;
  if (templated) return { kind, span: main.span, text: main.text, parts, skipped: `the ${templated.role} is templated ("${templated.text}")` };
  let name = repository.text;
  if (registry && registry.text) {
    const host = registry.text.charCodeAt(registry.text.length - 1) === 47 ? registry.text.replace(/\/+$/, '') : registry.text;
    name = `${host}/${repository.text}`;
  }
  const parsed = parseImageReference(name);
  if (!parsed.ok) return { kind, span: main.span, text: main.text, parts, skipped: `not a valid image reference: ${parsed.error.message}` };
  const ref = parsed.ref;
  if (tag && tag.text && templateStart(tag.text) === -1) ref.tag = tag.text;
  if (digest && digest.text && templateStart(digest.text) === -1) ref.digest = digest.text;
  return { kind, span: main.span, text: main.text, parts, ref };
}

/** Moves every span of a mention found in an embedded slice by `offset`. */
export function shiftMention(m: ImageMention, offset: number): ImageMention {
  const shift = (s: Span): Span => ({ start: s.start + offset, end: s.end + offset });
  return {
    ...m,
    span: shift(m.span),
    nameSpan: m.nameSpan && shift(m.nameSpan),
    parts: m.parts?.map((p) => ({ ...p, span: shift(p.span) })),
  };
}
