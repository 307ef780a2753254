import type { Verification, VerificationTarget } from './verification';
import { escapeRegExp } from '../text/escapeRegExp';

/** Single-quotes a word for a POSIX shell: `a'b` -> `'a'\''b'`. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `registry-migrator copy` command that makes a pair identical, or undefined when no
 * copy can: an old reference that does not exist, an unreachable registry, a digest-only
 * pin (copy works on tags), or a tag that changes name on the way (`0.49.0` -> `v0.49.0`,
 * the new home publishes its own). `different` needs `--force`, which replaces the tag at
 * the new home.
 */
export function copyCommandFor(target: VerificationTarget, v: Pick<Verification, 'state'>): string | undefined {
  if (v.state !== 'missing-at-new' && v.state !== 'different') return undefined;
  const ref = target.old.reference;
  if (/^[a-z0-9]+:[a-f0-9]{32,}$/.test(ref) || ref !== target.new.reference) return undefined;
  const tags = `^${escapeRegExp(ref)}$`;
  const words = ['registry-migrator', 'copy', target.old.repository, target.new.repository, '--tags', tags];
  if (v.state === 'different') words.push('--force');
  return words.map(shellQuote).join(' ');
}
