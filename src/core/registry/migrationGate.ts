import type { CopyReport } from './copyRepository';
import type { RegistryErrorCode } from './registryError';
import type { VerifyReport } from './verifyRepositories';

/**
 * The answer a CI gate needs, as one of three outcomes (and the CLI's exit code):
 * - `holds` (0): every tag asked about is at the new place with the same digest;
 * - `incomplete` (1): a tag is missing or different at the new place (or nothing was compared);
 * - `unchecked` (3): the answer is not known, because a registry could not be asked
 *   (auth, network, rate limit…); `kinds` says which.
 * The seed's question is "is every historical version available at the new place?": a tag
 * that only the new place has does not change that answer, unless `exact` asks for equality.
 */
export type GateOutcome = 'holds' | 'incomplete' | 'unchecked';

/** Why a registry could not be asked, in the words a CI log should show. */
export type FailureKind = 'auth' | 'network' | 'rate limit' | 'not found' | 'registry' | 'cancelled' | 'invalid name';

export interface GateVerdict {
  outcome: GateOutcome;
  /** 0, 1 or 3. */
  exitCode: 0 | 1 | 3;
  /** One line: `holds: 41 of 41 old tags identical at new (2 only in new, not required)`. */
  reason: string;
  /** For `unchecked` (and an `incomplete` run that also had errors): what went wrong, each once. */
  kinds: FailureKind[];
}

export function failureKind(code: RegistryErrorCode | string): FailureKind {
  switch (code) {
    case 'unauthorized':
    case 'forbidden':
    case 'credential-helper':
    case 'insecure-realm':
      return 'auth';
    case 'timeout':
    case 'connection-reset':
    case 'truncated':
    case 'network':
      return 'network';
    case 'rate-limited':
      return 'rate limit';
    case 'repository-not-found':
    case 'not-found':
      return 'not found';
    case 'aborted':
      return 'cancelled';
    case 'invalid-reference':
    case 'invalid-repository':
      return 'invalid name';
    default:
      return 'registry'; // 5xx, bad answers, digest mismatches, redirect and paging loops
  }
}

const EXIT = { holds: 0, incomplete: 1, unchecked: 3 } as const;

function verdict(outcome: GateOutcome, reason: string, kinds: Iterable<FailureKind> = []): GateVerdict {
  return { outcome, exitCode: EXIT[outcome], reason, kinds: [...new Set(kinds)] };
}

function kindsText(kinds: FailureKind[]): string {
  return kinds.length ? ` (${kinds.join(', ')})` : '';
}

/**
 * verify's gate. Missing or different tags make it `incomplete` even when other tags could
 * not be checked (the migration is known to be incomplete); errors alone make it `unchecked`.
 */
export function verifyGate(report: VerifyReport, opts: { exact?: boolean } = {}): GateVerdict {
  const s = report.summary;
  if (s.listingError) {
    const k = failureKind(s.listingError.code);
    return verdict('unchecked', `could not check${kindsText([k])}: listing the ${s.listingError.side} repository failed: ${s.listingError.message}`, [k]);
  }
  const errors = report.results.filter((r) => r.status === 'error');
  const kinds = errors.map((r) => failureKind(r.cause?.code ?? 'registry'));
  const onlyNew = s.onlyInNew;
  const oldTags = s.total - onlyNew;
  const bad = s.missing + s.different + (opts.exact ? onlyNew : 0);
  if (bad > 0) {
    const parts = [s.missing && `${s.missing} missing`, s.different && `${s.different} different`, opts.exact && onlyNew && `${onlyNew} only in new (--exact)`, errors.length && `${errors.length} not checked${kindsText([...new Set(kinds)])}`].filter(Boolean);
    return verdict('incomplete', `incomplete: ${parts.join(', ')}`, kinds);
  }
  if (errors.length) {
    const uniq = [...new Set(kinds)];
    return verdict('unchecked', `could not check${kindsText(uniq)}: ${errors.length} of ${s.total} tags: ${errors[0].cause?.message ?? ''}`, uniq);
  }
  if (oldTags === 0) return verdict('incomplete', s.total === 0 ? 'incomplete: no tag was compared (nothing matches the selection), so nothing is proven' : 'incomplete: the old repository has no tag in the selection, so nothing is proven');
  const extra = onlyNew ? ` (${onlyNew} only in new${opts.exact ? '' : ', not required'})` : '';
  return verdict('holds', `holds: ${s.identical} of ${oldTags} old tags identical at new${extra}`);
}

/** copy's gate, from its closing re-verification: every chosen tag identical afterwards. */
export function copyGate(report: CopyReport): GateVerdict {
  const s = report.summary;
  if (s.listingError) {
    const k = failureKind(s.listingError.code);
    return verdict('unchecked', `could not check${kindsText([k])}: listing the ${s.listingError.side} repository failed: ${s.listingError.message}`, [k]);
  }
  const v = s.verify;
  const kinds = [...report.results.filter((r) => r.action === 'error').map((r) => r.cause?.code ?? 'registry'), ...(v.errorCodes ?? [])].map(failureKind);
  if (v.missing || v.different) {
    const parts = [v.missing && `${v.missing} missing`, v.different && `${v.different} different`, v.error && `${v.error} not checked`].filter(Boolean);
    return verdict('incomplete', `incomplete: ${parts.join(', ')}${s.dryRun ? ' (dry run: nothing was written)' : ''}`, kinds);
  }
  if (v.error) {
    const uniq = [...new Set(kinds)];
    return verdict('unchecked', `could not check${kindsText(uniq)}: ${v.error} of ${v.total} tags`, uniq);
  }
  if (v.total === 0) return verdict('incomplete', 'incomplete: no tag was compared (nothing matches the selection), so nothing is proven');
  return verdict('holds', `holds: ${v.identical} of ${v.total} tags identical at the destination`);
}
