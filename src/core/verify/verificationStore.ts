import type { ManifestDescriptor, PlatformManifest } from '../registry/registryClient';
import type { Result } from '../registry/registryError';
import type { TagParity } from '../registry/verifyRepositories';
import { type Verification, type VerificationTarget, shortDigestText, verificationKey } from './verification';

export interface VerificationChange {
  key: string;
  target: VerificationTarget;
  verification: Verification | undefined;
}

export interface StoreListener {
  (changes: readonly VerificationChange[]): void;
}

/**
 * The session's verification results, one per old → new reference pair, shared by every
 * surface: the CLI's `scan --verify`/`fix --verify`, the editor's diagnostics and hovers,
 * and the Tag Explorer (whose Verify All writes its tag answers here through
 * `recordTagParity`, so the diagnostics update too). vscode-free: listeners are plain
 * callbacks, and `onDidChange` returns a `{dispose()}` the editor can own.
 *
 * It also memoizes registry lookups (a HEAD per reference, an index's platforms per
 * digest) so each distinct reference is resolved once per session, however many files
 * and pairs name it. `unreachable` results are kept for display but are asked again by
 * the next verify: a network blip must not stick for the whole session.
 */
export class VerificationStore {
  private readonly results = new Map<string, { target: VerificationTarget; verification: Verification }>();
  private readonly listeners = new Set<StoreListener>();
  /** `host/path@reference` -> HEAD answer (in flight or settled). */
  readonly heads = new Map<string, Promise<Result<ManifestDescriptor>>>();
  /** `host/path@digest` -> the index's platforms. */
  readonly platforms = new Map<string, Promise<Result<PlatformManifest[]>>>();

  get(target: VerificationTarget | string): Verification | undefined {
    return this.results.get(typeof target === 'string' ? target : verificationKey(target))?.verification;
  }

  /** Every result, for a report or to rebuild a view. */
  entries(): { key: string; target: VerificationTarget; verification: Verification }[] {
    return [...this.results].map(([key, v]) => ({ key, ...v }));
  }

  get size(): number {
    return this.results.size;
  }

  set(target: VerificationTarget, verification: Verification): void {
    this.setMany([{ target, verification }]);
  }

  /** Stores several results and tells listeners once. */
  setMany(items: readonly { target: VerificationTarget; verification: Verification }[]): void {
    const changes: VerificationChange[] = [];
    for (const { target, verification } of items) {
      const key = verificationKey(target);
      this.results.set(key, { target, verification });
      changes.push({ key, target, verification });
    }
    if (changes.length) this.fire(changes);
  }

  /**
   * Forgets results and memoized lookups: all of them, or those that involve `repository`
   * on either side (after a copy to it, say).
   */
  invalidate(repository?: string): void {
    const changes: VerificationChange[] = [];
    for (const [key, v] of this.results) {
      if (repository === undefined || v.target.old.repository === repository || v.target.new.repository === repository) {
        this.results.delete(key);
        changes.push({ key, target: v.target, verification: undefined });
      }
    }
    for (const m of [this.heads, this.platforms] as Map<string, unknown>[]) {
      for (const k of [...m.keys()]) if (repository === undefined || k.startsWith(`${repository}@`)) m.delete(k);
    }
    if (changes.length) this.fire(changes);
  }

  onDidChange(listener: StoreListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * The Tag Explorer's answer for one tag of a repository pair, as a Verification under
   * the pair `old:tag -> new:tag`. Repositories are normalized names (`registry.k8s.io/pause`).
   */
  recordTagParity(oldRepository: string, newRepository: string, parity: TagParity): Verification | undefined {
    const v = verificationFromParity(oldRepository, newRepository, parity);
    if (!v) return undefined;
    this.set({ old: { repository: oldRepository, reference: parity.tag }, new: { repository: newRepository, reference: parity.tag } }, v);
    return v;
  }

  private fire(changes: VerificationChange[]): void {
    for (const l of [...this.listeners]) {
      try {
        l(changes);
      } catch {
        // One broken listener (a disposed view) must not stop the others.
      }
    }
  }
}

/** TagParity (repository-wide verify) -> Verification; `only-in-new` has no old reference to prove, so none. */
export function verificationFromParity(oldRepository: string, newRepository: string, p: TagParity): Verification | undefined {
  const oldRef = `${oldRepository}:${p.tag}`;
  const newRef = `${newRepository}:${p.tag}`;
  const base = { oldDigest: p.old?.digest ?? null, newDigest: p.new?.digest ?? null, checkedAt: Date.now() };
  switch (p.status) {
    case 'identical':
      return { ...base, state: 'identical', detail: `${newRef}: same digest as ${oldRef}, ${shortDigestText(p.new?.digest)}` };
    case 'missing':
      return { ...base, state: 'missing-at-new', detail: `${newRef} does not exist; ${oldRef} is ${shortDigestText(p.old?.digest)}` };
    case 'different':
      if (p.platformsIdentical) {
        return { ...base, state: 'identical', platforms: p.platforms, detail: `${newRef}: every platform has the same digest as ${oldRef} (only the index differs)` };
      }
      return { ...base, state: 'different', platforms: p.platforms, detail: `${newRef} is ${shortDigestText(p.new?.digest)}, ${oldRef} is ${shortDigestText(p.old?.digest)}` };
    case 'error':
      return { ...base, state: 'unreachable', cause: p.cause?.code, detail: p.cause?.message ?? 'the registry could not be asked' };
    default:
      return undefined;
  }
}
