import type { CopySession } from './copyImage';
import { OCI_INDEX } from './mediaTypes';
import { formatRepository } from './registryClient';
import type { RegistryError } from './registryError';
import { manifestPath, referrersPath } from './registryPaths';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Copies referrers found through the OCI referrers API
 * (`GET /v2/<name>/referrers/<digest>`, distribution-spec 1.1) for `subjects`, and returns
 * them per subject so a report (and the Tag Explorer) can show them under their image.
 * The first 404/400/405 means the source has no such API (distribution 2.8.2): then this
 * stops asking, and the `sha256-<hex>` tag schema, which the engine copies as tags, is all
 * there is. When the destination has no API either, the source's list goes to the fallback
 * `sha256-<hex>` tag there, unless that tag exists (it is never clobbered).
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers
 */
export async function copyReferrersApi(session: CopySession, subjects: string[], concurrency: number, tagsAtDestination: Set<string>): Promise<{ bySubject: Map<string, string[]>; errors: string[] }> {
  const { source, destination, from, to } = session.endpoints;
  const signal = session.options.signal;
  const bySubject = new Map<string, string[]>();
  const errors: string[] = [];
  let supported = true;
  let next = 0;
  const one = async (digest: string) => {
    try {
      const res = await source.request(from, { method: 'GET', url: referrersPath(from, digest), headers: { accept: OCI_INDEX }, signal });
      if (res.status === 404 || res.status === 400 || res.status === 405) {
        supported = false;
        return;
      }
      if (res.status !== 200) return;
      let list: { manifests?: { digest?: unknown }[] };
      try {
        list = JSON.parse(res.body.toString('utf8')) as typeof list;
      } catch {
        return;
      }
      const refs = (Array.isArray(list.manifests) ? list.manifests : []).map((m) => m?.digest).filter((d): d is string => typeof d === 'string' && DIGEST.test(d));
      if (!refs.length) return;
      for (const r of refs) await session.ensureManifest(r);
      bySubject.set(digest, refs);
      if (session.options.dryRun) return;
      const fallbackTag = digest.replace(':', '-');
      if (tagsAtDestination.has(fallbackTag)) return;
      const probe = await destination.request(to, { method: 'GET', url: referrersPath(to, digest), headers: { accept: OCI_INDEX }, signal });
      if (probe.status === 200) return;
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: list.manifests }));
      const put = await destination.request(to, { method: 'PUT', url: manifestPath(to, fallbackTag), actions: ['pull', 'push'], body: index, headers: { 'content-type': OCI_INDEX }, signal });
      if (put.status !== 201) throw destination.statusError(put, `referrers of ${digest}: push ${formatRepository(to)}:${fallbackTag}`);
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'RegistryError') throw e;
      // A referrer that fails is not the image: the image's own result stands, the summary says what failed.
      errors.push(`referrers of ${digest}: ${(e as RegistryError).message}`);
    }
  };
  // The first request alone: on a registry without the API, one 404 is all it costs.
  if (subjects.length) await one(subjects[0]);
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, subjects.length - 1)) }, async () => {
      while (supported && ++next < subjects.length) await one(subjects[next]);
    }),
  );
  return { bySubject, errors };
}
