import type { Finding } from '../analyze';
import { isIndexMediaType } from '../registry/mediaTypes';
import { type ManifestDescriptor, type PlatformManifest, type RegistryClient, type Repository, parsePlatforms } from '../registry/registryClient';
import { RegistryError, type Result } from '../registry/registryError';
import { comparePlatforms } from '../registry/verifyRepositories';
import { type Verification, type VerificationTarget, formatSide, shortDigestText, verificationKey } from './verification';
import { VerificationStore } from './verificationStore';
import { verificationTarget } from './verificationTarget';
import { runPool } from '../runPool';

/**
 * Gives the client that may ask a repository's registry. The CLI passes one client for
 * every host (`createDefaultRegistryClient`); the editor passes the Tag Explorer's client,
 * or an anonymous one in an untrusted workspace.
 */
export type RegistryClientFactory = (repository: Repository) => RegistryClient;

export interface VerifyReferencesOptions {
  clientFor: RegistryClientFactory;
  /** Where results and memoized lookups live; pass the session's store to share them. Default: a new one. */
  store?: VerificationStore;
  /** Pairs checked at once (the client also limits requests per host). Default 16. */
  concurrency?: number;
  /** Ask again even when the store has an answer. `unreachable` answers are always asked again. */
  refresh?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** A finding's answer: the pair it was checked as and the result, or why it was not checked. */
export type FindingVerification =
  | { checked: true; key: string; target: VerificationTarget; verification: Verification }
  | { checked: false; reason: string };

/** `registry.k8s.io/pause` -> `{host: 'registry.k8s.io', path: 'pause'}`. */
export function repositoryOf(name: string): Repository {
  const i = name.indexOf('/');
  return { host: name.slice(0, i), path: name.slice(i + 1) };
}

/**
 * Resolves each distinct pair once (and each distinct reference once, through the store's
 * memo) and classifies it. Never throws for registry trouble: it becomes `unreachable`.
 * Results land in the store, whose listeners hear of them in one batch per pair.
 */
export async function verifyTargets(targets: readonly VerificationTarget[], opts: VerifyReferencesOptions): Promise<Map<string, Verification>> {
  const store = opts.store ?? new VerificationStore();
  const distinct = new Map<string, VerificationTarget>();
  for (const t of targets) distinct.set(verificationKey(t), t);
  const out = new Map<string, Verification>();
  const todo: [string, VerificationTarget][] = [];
  for (const [key, t] of distinct) {
    const cached = opts.refresh ? undefined : store.get(key);
    if (cached && cached.state !== 'unreachable') out.set(key, cached);
    else todo.push([key, t]);
  }
  if (opts.refresh) {
    // Manifests by digest never change; what a tag points at may have.
    for (const [, t] of todo) for (const side of [t.old, t.new]) store.heads.delete(`${side.repository}@${side.reference}`);
  }
  let done = out.size;
  opts.onProgress?.(done, distinct.size);
  await runPool(todo, opts.concurrency ?? 16, async ([key, target]) => {
    const v = await classify(target, store, opts);
    out.set(key, v);
    store.set(target, v);
    opts.onProgress?.(++done, distinct.size);
  });
  return out;
}

/** verifyTargets over findings: each finding gets its pair's answer, or why it was not checked. */
export async function verifyFindings(findings: readonly Finding[], opts: VerifyReferencesOptions): Promise<Map<Finding, FindingVerification>> {
  const targets = new Map<Finding, ReturnType<typeof verificationTarget>>();
  for (const f of findings) targets.set(f, verificationTarget(f));
  const results = await verifyTargets(
    [...targets.values()].flatMap((t) => (t.ok ? [t.target] : [])),
    opts,
  );
  const out = new Map<Finding, FindingVerification>();
  for (const [f, t] of targets) {
    if (!t.ok) {
      out.set(f, { checked: false, reason: t.reason });
      continue;
    }
    const key = verificationKey(t.target);
    out.set(f, { checked: true, key, target: t.target, verification: results.get(key)! });
  }
  return out;
}

function head(store: VerificationStore, opts: VerifyReferencesOptions, repository: string, reference: string): Promise<Result<ManifestDescriptor>> {
  const k = `${repository}@${reference}`;
  let p = store.heads.get(k);
  if (!p) {
    const repo = repositoryOf(repository);
    p = opts.clientFor(repo).headManifest(repo, reference, opts.signal);
    store.heads.set(k, p);
    // A failed lookup other than "not found" is not memoized: the next verify asks again.
    void p.then((r) => {
      if (!r.ok && !isNotFound(r.error)) store.heads.delete(k);
    });
  }
  return p;
}

function platformsOf(store: VerificationStore, opts: VerifyReferencesOptions, repository: string, d: ManifestDescriptor): Promise<Result<PlatformManifest[]>> {
  const k = `${repository}@${d.digest}`;
  let p = store.platforms.get(k);
  if (!p) {
    const repo = repositoryOf(repository);
    p = opts
      .clientFor(repo)
      .getManifest(repo, d.digest, opts.signal)
      .then((m): Result<PlatformManifest[]> => {
        if (!m.ok) return m;
        try {
          return { ok: true, value: parsePlatforms(m.value.bytes) };
        } catch (e) {
          if (e instanceof RegistryError) return { ok: false, error: e };
          throw e;
        }
      });
    store.platforms.set(k, p);
    void p.then((r) => {
      if (!r.ok) store.platforms.delete(k);
    });
  }
  return p;
}

function isNotFound(e: RegistryError): boolean {
  return e.code === 'manifest-not-found' || e.code === 'repository-not-found';
}

async function classify(target: VerificationTarget, store: VerificationStore, opts: VerifyReferencesOptions): Promise<Verification> {
  const oldText = formatSide(target.old);
  const newText = formatSide(target.new);
  const checkedAt = Date.now();
  const [o, n] = await Promise.all([
    head(store, opts, target.old.repository, target.old.reference),
    head(store, opts, target.new.repository, target.new.reference),
  ]);
  const oldDigest = o.ok ? o.value.digest : null;
  const newDigest = n.ok ? n.value.digest : null;
  const base = { oldDigest, newDigest, checkedAt };
  if (!o.ok && !isNotFound(o.error)) return { ...base, state: 'unreachable', cause: o.error.code, detail: `${oldText}: ${o.error.message}` };
  if (!n.ok && !isNotFound(n.error)) return { ...base, state: 'unreachable', cause: n.error.code, detail: `${newText}: ${n.error.message}` };
  if (!o.ok) {
    return {
      ...base,
      state: 'old-missing',
      detail: `${oldText} does not exist${n.ok ? `; ${newText} is ${shortDigestText(newDigest)}, but there is nothing to prove it against` : `, and neither does ${newText}`}`,
    };
  }
  if (!n.ok) return { ...base, state: 'missing-at-new', detail: `${newText} does not exist; ${oldText} is ${shortDigestText(oldDigest)}` };
  if (oldDigest === newDigest) return { ...base, state: 'identical', detail: `${newText}: same digest as ${oldText}, ${shortDigestText(newDigest)}` };
  if (!isIndexMediaType(o.value.mediaType) && !isIndexMediaType(n.value.mediaType)) {
    return { ...base, state: 'different', detail: `${newText} is ${shortDigestText(newDigest)}, ${oldText} is ${shortDigestText(oldDigest)}` };
  }
  const [op, np] = await Promise.all([
    isIndexMediaType(o.value.mediaType) ? platformsOf(store, opts, target.old.repository, o.value) : Promise.resolve<Result<string>>({ ok: true, value: o.value.digest }),
    isIndexMediaType(n.value.mediaType) ? platformsOf(store, opts, target.new.repository, n.value) : Promise.resolve<Result<string>>({ ok: true, value: n.value.digest }),
  ]);
  if (!op.ok) return { ...base, state: 'unreachable', cause: op.error.code, detail: `${oldText}: ${op.error.message}` };
  if (!np.ok) return { ...base, state: 'unreachable', cause: np.error.code, detail: `${newText}: ${np.error.message}` };
  const platforms = comparePlatforms(op.value, np.value);
  // Every platform the old reference served pulls the same manifest from the new one; extra
  // platforms at the new home change nothing for existing pulls.
  const served = platforms.filter((p) => p.old !== null);
  const same = served.length > 0 && served.every((p) => p.status === 'identical');
  if (same) {
    return { ...base, state: 'identical', platforms, detail: `${newText}: every platform of ${oldText} has the same digest (${served.map((p) => p.platform).join(', ')}); only the index differs` };
  }
  const bad = platforms.filter((p) => p.status !== 'identical' && p.status !== 'only-in-new').map((p) => `${p.platform} ${p.status}`);
  return { ...base, state: 'different', platforms, detail: `${newText} is ${shortDigestText(newDigest)}, ${oldText} is ${shortDigestText(oldDigest)}: ${bad.join(', ')}` };
}
