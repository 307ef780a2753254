import * as assert from 'assert';
import { Agent } from 'undici';

import { MANIFEST_ACCEPT } from '../../src/core/registry/mediaTypes';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import { verifyRepositories } from '../../src/core/registry/verifyRepositories';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { AMD64, ARM64, type TestImage, indexImage, multiArchImage, pushTestImage, singleImage } from '../support/testImages';

describe('registry client against an open docker-registry', function () {
  let registry: RunningRegistry;
  let agent: Agent;
  let client: RegistryClient;
  const repo = (path: string): Repository => ({ host: registry.host, path });

  before(async function () {
    registry = await startRegistry();
    agent = new Agent();
    client = new RegistryClient({ dispatcher: agent, allowPush: true, retryBaseMs: 10 });
  });
  after(async function () {
    await agent?.close();
    await registry?.stop();
  });

  const kinds: { name: string; image: () => TestImage; platforms?: string[] }[] = [
    { name: 'single-arch OCI manifest', image: () => singleImage('oci', 'kinds-oci') },
    { name: 'single-arch Docker v2 manifest', image: () => singleImage('docker', 'kinds-docker') },
    { name: 'OCI index', image: () => multiArchImage('oci', 'kinds-index', [AMD64, ARM64]), platforms: ['linux/amd64', 'linux/arm64/v8'] },
    { name: 'Docker manifest list', image: () => multiArchImage('docker', 'kinds-list', [AMD64, ARM64]), platforms: ['linux/amd64', 'linux/arm64/v8'] },
    { name: 're-serialized OCI manifest', image: () => singleImage('oci', 'kinds-oci', { indent: 2 }) },
  ];
  for (const k of kinds) {
    it(`pushes and resolves a ${k.name} by HEAD with its exact digest`, async function () {
      const image = k.image();
      const r = repo('kinds/app');
      const tag = k.name.replace(/[^a-z0-9]+/gi, '-');
      assert.strictEqual(await pushTestImage(client, r, tag, image), image.digest);
      const resolved = await client.resolve(r, tag);
      assert.ok(resolved.ok, !resolved.ok ? resolved.error.message : '');
      assert.strictEqual(resolved.value.digest, image.digest);
      assert.strictEqual(resolved.value.mediaType, image.mediaType);
      assert.deepStrictEqual(resolved.value.platforms?.map((p) => p.platform), k.platforms);
      if (k.platforms) assert.deepStrictEqual(resolved.value.platforms?.map((p) => p.digest), image.children.map((c) => c.digest));
      const got = await client.getManifest(r, image.digest);
      assert.ok(got.ok);
      assert.ok(got.value.bytes.equals(image.bytes), 'GET by digest returns the exact bytes');
    });
  }

  it('needs the full Accept list: without it 2.8.2 answers a Docker v2 manifest with a schema1 rewrite', async function () {
    const r = repo('accept/app');
    const image = singleImage('docker', 'accept');
    await pushTestImage(client, r, 'v1', image);
    const bare = await client.request(r, { method: 'HEAD', url: `/v2/${r.path}/manifests/v1` });
    assert.notStrictEqual(bare.headers['docker-content-digest'], image.digest, 'the registry rewrites without Accept');
    const head = await client.headManifest(r, 'v1');
    assert.ok(head.ok);
    assert.strictEqual(head.value.digest, image.digest);
    assert.strictEqual(MANIFEST_ACCEPT.split(', ').length, 4);
  });

  const failures: { name: string; path: string; ref: string; code: string }[] = [
    { name: 'an unknown tag', path: 'kinds/app', ref: 'no-such-tag', code: 'manifest-not-found' },
    { name: 'an unknown repository', path: 'never/pushed', ref: 'latest', code: 'manifest-not-found' },
    { name: 'an unknown digest', path: 'kinds/app', ref: 'sha256:' + '0'.repeat(64), code: 'manifest-not-found' },
  ];
  for (const f of failures) {
    it(`returns a typed failure for ${f.name}`, async function () {
      const r = await client.headManifest(repo(f.path), f.ref);
      assert.ok(!r.ok);
      assert.strictEqual(r.error.name, 'RegistryError');
      assert.strictEqual(r.error.code, f.code);
    });
  }

  it('lists tags, and reports an unknown repository as repository-not-found', async function () {
    const r = repo('list/app');
    const img = singleImage('oci', 'list');
    for (const t of ['1.0.0', '1.10.0', '1.9.0', 'latest']) await pushTestImage(client, r, t, img);
    const tags = await client.listTags(r);
    assert.ok(tags.ok);
    assert.deepStrictEqual(tags.value.slice().sort(), ['1.0.0', '1.10.0', '1.9.0', 'latest']);
    const none = await client.listTags(repo('list/nothing-here'));
    assert.ok(!none.ok);
    assert.strictEqual(none.error.code, 'repository-not-found');
  });

  describe('verifyRepositories', function () {
    const oldR = () => repo('verify/old');
    const newR = () => repo('verify/new');
    const children = () => [
      { image: singleImage('oci', 'v-amd'), platform: AMD64 },
      { image: singleImage('oci', 'v-arm', { platform: ARM64 }), platform: ARM64 },
    ];
    // tag -> [old image, new image | undefined, expected status, expected platformsIdentical]
    const seeds: { tag: string; old?: () => TestImage; new?: () => TestImage; status: string; platformsIdentical?: boolean; platformStatuses?: string[] }[] = [
      { tag: 'same-oci', old: () => singleImage('oci', 'a'), new: () => singleImage('oci', 'a'), status: 'identical' },
      { tag: 'same-docker', old: () => singleImage('docker', 'b'), new: () => singleImage('docker', 'b'), status: 'identical' },
      { tag: 'same-index', old: () => multiArchImage('oci', 'c', [AMD64, ARM64]), new: () => multiArchImage('oci', 'c', [AMD64, ARM64]), status: 'identical' },
      { tag: 'gone', old: () => singleImage('oci', 'd'), status: 'missing' },
      { tag: 'reserialized', old: () => singleImage('oci', 'e'), new: () => singleImage('oci', 'e', { indent: 3 }), status: 'different' },
      {
        tag: 'list-to-index',
        old: () => indexImage('docker', children()),
        new: () => indexImage('oci', children()),
        status: 'different',
        platformsIdentical: true,
        platformStatuses: ['identical', 'identical'],
      },
      {
        tag: 'one-platform-rebuilt',
        old: () => indexImage('oci', children()),
        new: () => indexImage('oci', [children()[0], { image: singleImage('oci', 'v-arm-rebuilt', { platform: ARM64 }), platform: ARM64 }]),
        status: 'different',
        platformsIdentical: false,
        platformStatuses: ['identical', 'different'],
      },
      { tag: 'new-only', new: () => singleImage('oci', 'f'), status: 'only-in-new' },
    ];

    before(async function () {
      for (const s of seeds) {
        if (s.old) await pushTestImage(client, oldR(), s.tag, s.old());
        if (s.new) await pushTestImage(client, newR(), s.tag, s.new());
      }
    });

    it('classifies every seeded tag', async function () {
      const report = await verifyRepositories(client, oldR(), newR());
      const byTag = new Map(report.results.map((r) => [r.tag, r]));
      assert.strictEqual(report.results.length, seeds.length);
      for (const s of seeds) {
        const r = byTag.get(s.tag)!;
        assert.strictEqual(r.status, s.status, `${s.tag}: ${JSON.stringify(r)}`);
        if (s.platformsIdentical !== undefined) assert.strictEqual(r.platformsIdentical, s.platformsIdentical, s.tag);
        if (s.platformStatuses) assert.deepStrictEqual(r.platforms.map((p) => p.status), s.platformStatuses, s.tag);
        if (s.old) assert.strictEqual(r.old?.digest, s.old().digest, s.tag);
        if (s.new && s.status !== 'missing') assert.strictEqual(r.new?.digest, s.new().digest, s.tag);
      }
      assert.deepStrictEqual(
        { identical: report.summary.identical, missing: report.summary.missing, different: report.summary.different, onlyInNew: report.summary.onlyInNew, error: report.summary.error },
        { identical: 3, missing: 1, different: 3, onlyInNew: 1, error: 0 },
      );
    });

    it('applies the tag filter to both sides', async function () {
      const report = await verifyRepositories(client, oldR(), newR(), { tags: /^same-/ });
      assert.deepStrictEqual(report.results.map((r) => r.status), ['identical', 'identical', 'identical']);
    });

    it('reports every tag missing when the new repository does not exist', async function () {
      const report = await verifyRepositories(client, oldR(), repo('verify/not-there'), { tags: /^same-oci$/ });
      assert.strictEqual(report.summary.newRepositoryMissing, true);
      assert.deepStrictEqual(report.results.map((r) => r.status), ['missing']);
    });

    it('reports a listing error when the old repository does not exist', async function () {
      const report = await verifyRepositories(client, repo('verify/not-there'), newR());
      assert.strictEqual(report.summary.listingError?.code, 'repository-not-found');
      assert.strictEqual(report.results.length, 0);
    });
  });
});
