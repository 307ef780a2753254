import { Agent } from 'undici';

import { staticCredentials } from '../../src/core/registry/credentials';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import type { ParityStatus } from '../../src/core/registry/verifyRepositories';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { AMD64, ARM64, type TestImage, indexImage, pushTestImage, singleImage } from '../support/testImages';

/**
 * The registries the Tag Explorer tests read, started and seeded by scripts/runIntegration.js
 * BEFORE code-server starts (the extension host inherits RM_TEST_REGISTRY and
 * RM_TEST_AUTH_REGISTRY from it). Loaded by the harness from out/, and by the tests for
 * the seeded truth.
 */
export const OLD_PATH = 'old/app';
export const NEW_PATH = 'new/app';
export const PRIVATE_PATH = 'private/app';
export const AUTH_USER = 'explorer';
export const AUTH_PASSWORD = 'explorer-secret-pw';

/** Every tag of old/app ∪ new/app and what verify must say about it. */
export const TRUTH: Record<string, ParityStatus> = {
  '1.0.0': 'identical',
  '1.1.0': 'identical',
  '1.2.0': 'identical', // a multi-arch index on both sides
  '1.10.0': 'identical',
  latest: 'identical',
  '2.0.0': 'missing',
  '2.0.1': 'missing',
  '2.1.0': 'different', // rebuilt
  '2.2.0': 'different', // an index whose arm64 image was rebuilt
  '3.0.0': 'only-in-new',
};

export const PRIVATE_TAGS = ['0.9.0', '1.0.0'];

function seeds(): { tag: string; old?: TestImage; new?: TestImage }[] {
  const single = (seed: string) => singleImage('oci', seed, { layerSeed: 'explorer' });
  const multi = (seed: string, armSeed = seed) =>
    indexImage('oci', [
      { image: singleImage('oci', `${seed}-amd64`, { layerSeed: 'explorer' }), platform: AMD64 },
      { image: singleImage('oci', `${armSeed}-arm64`, { layerSeed: 'explorer', platform: ARM64 }), platform: ARM64 },
    ]);
  return Object.entries(TRUTH).map(([tag, truth]) => {
    const base = tag === '1.2.0' || tag === '2.2.0' ? multi(tag) : single(tag);
    switch (truth) {
      case 'identical':
        return { tag, old: base, new: base };
      case 'missing':
        return { tag, old: base };
      case 'different':
        return { tag, old: base, new: tag === '2.2.0' ? multi(tag, `${tag}-rebuilt`) : single(`${tag}-rebuilt`) };
      default:
        return { tag, new: base };
    }
  });
}

/** Pushes `count` tags that all point at one small image: cheap, and enough to page through. */
export async function seedManyTags(client: RegistryClient, repo: Repository, count: number, tagOf: (i: number) => string): Promise<void> {
  const image = singleImage('oci', 'many', { layerSeed: 'explorer' });
  const blobs = new Set<string>();
  await pushTestImage(client, repo, tagOf(0), image, blobs);
  let next = 1;
  const worker = async () => {
    while (next < count) await pushTestImage(client, repo, tagOf(next++), image, blobs);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

export interface TagExplorerRegistries {
  open: RunningRegistry;
  auth: RunningRegistry;
  stop(): Promise<void>;
}

export async function startTagExplorerRegistries(): Promise<TagExplorerRegistries> {
  const open = await startRegistry();
  let auth: RunningRegistry | undefined;
  const dispatcher = new Agent();
  try {
    auth = await startRegistry({ auth: 'htpasswd', users: { [AUTH_USER]: AUTH_PASSWORD } });
    const client = new RegistryClient({ dispatcher, allowPush: true, credentials: staticCredentials({ [auth.host]: { username: AUTH_USER, password: AUTH_PASSWORD } }) });
    const blobs = new Set<string>();
    const oldRepo = { host: open.host, path: OLD_PATH };
    const newRepo = { host: open.host, path: NEW_PATH };
    for (const s of seeds()) {
      if (s.old) await pushTestImage(client, oldRepo, s.tag, s.old, blobs);
      if (s.new) await pushTestImage(client, newRepo, s.tag, s.new, blobs);
    }
    for (const tag of PRIVATE_TAGS) await pushTestImage(client, { host: auth.host, path: PRIVATE_PATH }, tag, singleImage('oci', `private-${tag}`), blobs);
    const registries = { open, auth };
    return {
      ...registries,
      stop: async () => {
        await Promise.all([open.stop(), registries.auth.stop()]);
      },
    };
  } catch (e) {
    await Promise.all([open.stop(), auth?.stop()]);
    throw e;
  } finally {
    await dispatcher.close();
  }
}
