import type { Finding } from '../analyze';
import { templateStart } from '../scan/imageMention';
import type { VerificationTarget } from './verification';

export type TargetResult = { ok: true; target: VerificationTarget } | { ok: false; reason: string };

/**
 * Which old and new references a finding's rewrite would pull: the digest when one is
 * pinned (a pull with `tag@digest` uses the digest), else the tag, else `latest`, as
 * `docker pull` does. The new tag is the rule's transformed tag when it has one
 * (`0.49.0` -> `v0.49.0`). A finding that cannot be checked says why: no target, a
 * templated tag, or a split Helm reference with an empty tag (the chart's appVersion
 * decides, and that is not in the file).
 */
export function verificationTarget(finding: Finding): TargetResult {
  const ref = finding.mention.ref;
  if (!ref || finding.newName === null) return { ok: false, reason: 'the rule has no new location' };
  if (finding.tagProblem) return { ok: false, reason: finding.tagProblem };
  let oldRef: string;
  let newRef: string;
  if (ref.digest) {
    oldRef = newRef = ref.digest;
  } else if (ref.tag !== undefined && ref.tag !== '') {
    oldRef = ref.tag;
    newRef = finding.newTag ?? ref.tag;
  } else {
    const tagPart = finding.mention.parts?.find((p) => p.role === 'tag');
    if (finding.mention.parts && (!tagPart || tagPart.text === '')) {
      return { ok: false, reason: 'no tag is written here (a Helm chart falls back to its appVersion), so there is nothing to resolve' };
    }
    if (tagPart && templateStart(tagPart.text) !== -1) return { ok: false, reason: `the tag is templated ("${tagPart.text}")` };
    if (!finding.mention.parts && templateStart(finding.mention.text) !== -1) return { ok: false, reason: `the tag is templated ("${finding.mention.text}")` };
    oldRef = 'latest';
    newRef = finding.newTag ?? 'latest';
  }
  return { ok: true, target: { old: { repository: finding.oldName, reference: oldRef }, new: { repository: finding.newName, reference: newRef } } };
}
