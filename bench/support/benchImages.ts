import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { DOCKER_CONFIG, DOCKER_LAYER, DOCKER_LIST, DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST } from '../../src/core/registry/mediaTypes';
import { sha256Digest } from '../../src/core/registry/registryClient';
import { AMD64, ARM64, type Platform, type TestImage } from '../../test/support/testImages';

/** The repository root (benches run from out/bench/). */
export const root = path.resolve(__dirname, '..', '..', '..');

/** `size` bytes that depend only on `seed`, so every run pushes the same images. */
export function seeded(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, n = 0; i < size; i += 32, n++) createHash('sha256').update(`${seed}:${n}`).digest().copy(out, i, 0, Math.min(32, size - i));
  return out;
}

/**
 * The copy and sync benches' images: a shared 1 MiB base layer (seeded by `baseSeed`), each
 * image's own 64 KiB layer and its own config; `multiArch` is an index of amd64 and arm64.
 */
export function benchImages(baseSeed: string): { image: (format: 'oci' | 'docker', seed: string, platform?: Platform) => TestImage; multiArch: (format: 'oci' | 'docker', seed: string) => TestImage } {
  const base = seeded(baseSeed, 1024 * 1024);
  const image = (format: 'oci' | 'docker', seed: string, platform: Platform = AMD64): TestImage => {
    const oci = format === 'oci';
    const own = seeded(`own:${seed}`, 64 * 1024);
    const config = Buffer.from(JSON.stringify({ architecture: platform.architecture, os: platform.os, config: { Labels: { seed } }, rootfs: { type: 'layers', diff_ids: [sha256Digest(base), sha256Digest(own)] } }));
    const d = (mediaType: string, b: Buffer) => ({ mediaType, digest: sha256Digest(b), size: b.length });
    const layer = oci ? OCI_LAYER : DOCKER_LAYER;
    const manifest = { schemaVersion: 2, mediaType: oci ? OCI_MANIFEST : DOCKER_MANIFEST, config: d(oci ? OCI_CONFIG : DOCKER_CONFIG, config), layers: [d(layer, base), d(layer, own)] };
    const bytes = Buffer.from(JSON.stringify(manifest));
    return { mediaType: manifest.mediaType, bytes, digest: sha256Digest(bytes), blobs: [config, base, own], children: [] };
  };
  const multiArch = (format: 'oci' | 'docker', seed: string): TestImage => {
    const kids = [AMD64, ARM64].map((p) => ({ image: image(format, `${seed}/${p.architecture}`, p), platform: p }));
    const mediaType = format === 'oci' ? OCI_INDEX : DOCKER_LIST;
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: kids.map((k) => ({ mediaType: k.image.mediaType, digest: k.image.digest, size: k.image.bytes.length, platform: k.platform })) }));
    return { mediaType, bytes, digest: sha256Digest(bytes), blobs: [], children: kids.map((k) => k.image) };
  };
  return { image, multiArch };
}

/** Runs `f` over `items`, `n` at a time. */
export async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

/**
 * A child process, awaited: the registries and proxies of the bench process are drained by
 * its event loop, so it must not block (spawnSync would stall them).
 */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A fresh HOME (and XDG dirs) under `work`: no credentials, no skopeo blob-info cache. */
export function freshEnv(work: string): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(work, 'home-'));
  return { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, '.local/share'), XDG_CACHE_HOME: path.join(home, '.cache') };
}
