import type { Finding } from '../core/analyze';
import { type Verification, type VerificationStore, verificationTarget } from '../core/verify/index';

/** The session's registry answer for a finding, if any: what diagnostics, quick fixes and hovers show. */
export function verificationOf(store: VerificationStore | undefined, f: Finding): Verification | undefined {
  if (!store || !f.newName) return undefined;
  const t = verificationTarget(f);
  return t.ok ? store.get(t.target) : undefined;
}
