import { nameInStyleOf, normalizeDomain, parseImageReference, splitName } from '../reference/imageReference';
import type { ImageMention, MentionPart } from '../scan/imageMention';
import type { TextEdit } from '../text/span';

/** Replacement text for each field of a split reference, by role. */
export interface PlannedRewrite {
  edits: TextEdit[];
  /** The new text of the mention's own `text` (for split references: the repository field). */
  replacement: string;
  /** For split references: each field's new text, in the order of mention.parts. */
  partReplacements?: { part: MentionPart; newText: string }[];
}

/**
 * Minimal edits that move `mention` to `newName` (normalized). Only the repository name is
 * replaced; tag, digest, quotes and everything around stay as written. For a split Helm
 * reference the registry field gets the new host and the repository field the new path.
 */
export function planRewrite(mention: ImageMention, newName: string): PlannedRewrite | undefined {
  if (mention.skipped || !mention.ref) return undefined;
  if (mention.parts) return planSplit(mention, newName);
  if (!mention.nameSpan) return undefined;
  const newText = nameInStyleOf(mention.ref, newName);
  const offset = mention.nameSpan.start - mention.span.start;
  const replacement = mention.text.slice(0, offset) + newText + mention.text.slice(mention.nameSpan.end - mention.span.start);
  return { edits: [{ span: mention.nameSpan, newText }], replacement };
}

function planSplit(mention: ImageMention, newName: string): PlannedRewrite | undefined {
  const parts = mention.parts!;
  const registry = parts.find((p) => p.role === 'registry' && p.text !== '');
  const repository = parts.find((p) => p.role === 'repository');
  if (!repository) return undefined;
  const { domain, path } = splitName(newName);
  const out: { part: MentionPart; newText: string }[] = [];
  if (registry) {
    // Keep the host as written when it is the same registry (`index.docker.io` stays).
    const registryText = normalizeDomain(registry.text.replace(/\/+$/, '')) === domain ? registry.text : domain;
    const repoParsed = parseImageReference(repository.text);
    const repoText = repoParsed.ok && repoParsed.ref.domain === '' ? path : nameInStyleOf({ domain: registryText, path: '' }, newName);
    out.push({ part: registry, newText: registryText });
    out.push({ part: repository, newText: repoText });
  } else {
    const parsed = parseImageReference(repository.text);
    if (!parsed.ok) return undefined;
    out.push({ part: repository, newText: nameInStyleOf(parsed.ref, newName) });
  }
  const edits = out.filter((o) => o.newText !== o.part.text).map((o) => ({ span: o.part.span, newText: o.newText }));
  const replacement = out.find((o) => o.part === repository)!.newText;
  return { edits, replacement, partReplacements: parts.map((p) => ({ part: p, newText: out.find((o) => o.part === p)?.newText ?? p.text })) };
}
