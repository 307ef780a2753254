import type { Finding } from '../analyze';
import { checkTag } from '../rules/tagPolicy';
import { templateStart } from '../scan/imageMention';
import type { Span } from '../text/span';
import { escapeRegExp } from '../text/escapeRegExp';

/**
 * Applies the tag knowledge of the finding's rules (the first rule of the chain that has
 * any): a tag outside what the new home carries takes the edits away and says why; a tag
 * transform adds the tag edit (`:0.49.0` -> `:v0.49.0`). A digest pin is checked by digest
 * (verify), and a templated or empty tag cannot be judged, so the message says to check it.
 */
export function applyTagPolicy(f: Finding): void {
  if (f.newName === null) return;
  const policy = f.chain.find((r) => r.tags)?.tags;
  if (!policy) return;
  const ref = f.mention.ref!;
  if (ref.digest && !ref.tag) return;
  const tagPart = f.mention.parts?.find((p) => p.role === 'tag');
  let tag = ref.tag;
  if (tag === undefined || tag === '') {
    const written = tagPart?.text ?? (f.mention.parts ? '' : f.mention.text);
    if (f.mention.parts ? written !== '' && templateStart(written) !== -1 : templateStart(written) !== -1) {
      f.message += ` Its tag is templated: check that ${f.newName} carries it${policy.message ? ` (${policy.message})` : ''}.`;
      return;
    }
    if (f.mention.parts) {
      f.message += ` No tag is written here (the chart's appVersion decides): check that ${f.newName} carries it${policy.message ? ` (${policy.message})` : ''}.`;
      return;
    }
    tag = 'latest';
  }
  const verdict = checkTag(policy, tag, f.newName);
  if (!verdict.ok) {
    f.tagProblem = verdict.problem;
    f.edits = [];
    f.replacement = null;
    f.partReplacements = undefined;
    f.message += ` Not rewritten: ${verdict.problem}.`;
    return;
  }
  if (!verdict.newTag) return;
  const span = tagSpan(f, tag);
  if (!span) {
    f.edits = [];
    f.message += ` The new home writes the tag ${verdict.newTag}; change it by hand.`;
    return;
  }
  f.newTag = verdict.newTag;
  f.edits = [...f.edits, { span, newText: verdict.newTag }];
  f.message += ` The new home writes the tag as ${verdict.newTag}.`;
  if (tagPart) {
    f.partReplacements = f.partReplacements?.map((r) => (r.part === tagPart ? { ...r, newText: verdict.newTag! } : r));
  } else if (f.replacement !== null) {
    f.replacement = f.replacement.replace(new RegExp(`:${escapeRegExp(tag)}(?=@|$)`), `:${verdict.newTag}`);
  }
}

/** Where the tag is written: its split field, or `:tag` right after the name. */
function tagSpan(f: Finding, tag: string): Span | undefined {
  const part = f.mention.parts?.find((p) => p.role === 'tag');
  if (part) return part.text === tag ? part.span : undefined;
  const name = f.mention.nameSpan;
  if (!name) return undefined;
  const after = f.mention.text.slice(name.end - f.mention.span.start);
  if (!after.startsWith(`:${tag}`)) return undefined;
  return { start: name.end + 1, end: name.end + 1 + tag.length };
}
