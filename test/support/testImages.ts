import { createHash } from 'crypto';

import { DOCKER_CONFIG, DOCKER_LAYER, DOCKER_LIST, DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST } from '../../src/core/registry/mediaTypes';
import { pushBlob, pushManifest } from '../../src/core/registry/pushImage';
import { type RegistryClient, type Repository, sha256Digest } from '../../src/core/registry/registryClient';

/** An image ready to push: its manifest's exact bytes, the blobs it needs, and children for an index. */
export interface TestImage {
  mediaType: string;
  bytes: Buffer;
  digest: string;
  blobs: Buffer[];
  children: TestImage[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

function descriptor(mediaType: string, bytes: Buffer) {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length };
}

/** Deterministic bytes from a seed: the same seed gives the same blob (and shares it). */
function seeded(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += 32) {
    block.copy(out, i, 0, Math.min(32, size - i));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/**
 * A single-platform image. `seed` makes the config (and so the digest) unique; the layer
 * is shared by `layerSeed` so large seeds push quickly. `indent` re-serializes the same
 * JSON with different whitespace: equal content, a different digest.
 */
export function singleImage(format: 'oci' | 'docker', seed: string, opts: { platform?: Platform; layerSeed?: string; indent?: number } = {}): TestImage {
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const layer = seeded(`layer:${opts.layerSeed ?? seed}`, 256);
  const config = Buffer.from(
    JSON.stringify({ architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}), config: { Labels: { seed } }, rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] } }),
  );
  const oci = format === 'oci';
  const manifest = {
    schemaVersion: 2,
    mediaType: oci ? OCI_MANIFEST : DOCKER_MANIFEST,
    config: descriptor(oci ? OCI_CONFIG : DOCKER_CONFIG, config),
    layers: [descriptor(oci ? OCI_LAYER : DOCKER_LAYER, layer)],
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, opts.indent));
  return { mediaType: manifest.mediaType, bytes, digest: sha256Digest(bytes), blobs: [config, layer], children: [] };
}

/** An OCI index or Docker manifest list over `children`, one per platform. */
export function indexImage(format: 'oci' | 'docker', children: { image: TestImage; platform: Platform }[], opts: { indent?: number } = {}): TestImage {
  const mediaType = format === 'oci' ? OCI_INDEX : DOCKER_LIST;
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c) => ({ ...descriptor(c.image.mediaType, c.image.bytes), platform: c.platform })),
  };
  const bytes = Buffer.from(JSON.stringify(index, null, opts.indent));
  return { mediaType, bytes, digest: sha256Digest(bytes), blobs: [], children: children.map((c) => c.image) };
}

/** A multi-arch image: one child per platform, in `format` (children use the matching manifest format). */
export function multiArchImage(format: 'oci' | 'docker', seed: string, platforms: Platform[], opts: { indent?: number } = {}): TestImage {
  return indexImage(
    format,
    platforms.map((p) => ({ image: singleImage(format, `${seed}/${p.os}/${p.architecture}${p.variant ?? ''}`, { platform: p, layerSeed: seed }), platform: p })),
    opts,
  );
}

export const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
export const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };

/**
 * Pushes blobs, then an index's children by digest, then the manifest under `tag`, through
 * the project's own push code. The client must allow push. Returns the digest.
 */
export async function pushTestImage(client: RegistryClient, repo: Repository, tag: string | undefined, image: TestImage, pushedBlobs?: Set<string>): Promise<string> {
  for (const child of image.children) await pushTestImage(client, repo, undefined, child, pushedBlobs);
  for (const blob of image.blobs) {
    const key = `${repo.host}/${repo.path}@${sha256Digest(blob)}`;
    if (pushedBlobs?.has(key)) continue;
    const r = await pushBlob(client, repo, blob);
    if (!r.ok) throw r.error;
    pushedBlobs?.add(key);
  }
  const r = await pushManifest(client, repo, tag ?? image.digest, image.bytes, image.mediaType);
  if (!r.ok) throw r.error;
  return r.value;
}
