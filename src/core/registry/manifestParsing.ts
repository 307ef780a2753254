import { OCI_INDEX, OCI_MANIFEST } from './mediaTypes';
import { RegistryError } from './registryError';

/** One entry of an index / manifest list. `platform` is `os/arch[/variant]`. */
export interface PlatformManifest {
  platform: string;
  digest: string;
  mediaType: string;
}

/** The mediaType a manifest says it has, for registries that send `application/json`. */
export function sniffMediaType(bytes: Buffer): string | undefined {
  try {
    const j = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof j.mediaType === 'string') return j.mediaType;
    return Array.isArray(j.manifests) ? OCI_INDEX : OCI_MANIFEST;
  } catch {
    return undefined;
  }
}

/**
 * The entries of an index / list as `os/arch[/variant]`. Entries without a platform, or
 * repeated platforms (attestations are `unknown/unknown`), get `#2`, `#3`… so each key is unique.
 */
export function parsePlatforms(bytes: Buffer): PlatformManifest[] {
  let j: { manifests?: unknown };
  try {
    j = JSON.parse(bytes.toString('utf8')) as typeof j;
  } catch {
    throw new RegistryError('bad-response', 'an index that is not JSON');
  }
  if (!Array.isArray(j.manifests)) throw new RegistryError('bad-response', 'an index without "manifests"');
  const out: PlatformManifest[] = [];
  const count = new Map<string, number>();
  for (const m of j.manifests as { digest?: unknown; mediaType?: unknown; platform?: { os?: string; architecture?: string; variant?: string } }[]) {
    if (!m || typeof m.digest !== 'string') continue;
    const p = m.platform;
    let key = p?.os && p.architecture ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : 'unknown';
    const n = (count.get(key) ?? 0) + 1;
    count.set(key, n);
    if (n > 1) key += `#${n}`;
    out.push({ platform: key, digest: m.digest, mediaType: typeof m.mediaType === 'string' ? m.mediaType : '' });
  }
  return out;
}
