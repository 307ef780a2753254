import * as assert from 'assert';
import { Agent } from 'undici';
import * as vscode from 'vscode';

import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import type { CopyMissingOutcome } from '../../src/vscode/tagExplorer/copyMissing';
import type { TagExplorerApi } from '../../src/vscode/tagExplorer/tagExplorer';
import type { RootNode, TagNode } from '../../src/vscode/tagExplorer/tagNodes';
import { AMD64, ARM64, type TestImage, indexImage, pushTestImage, singleImage } from '../support/testImages';
import { EXTENSION_ID, setSetting, waitFor } from './helpers';

// The open docker-registry scripts/runIntegration.js started; this file seeds its own pair
// there (copysrc/app -> copydst/app), so the seeded truth of old/app and new/app stays put.
const REG = process.env.RM_TEST_REGISTRY ?? '';
const C = 'registryMigrator.tagExplorer.';
const SRC_PATH = 'copysrc/app';
const DST_PATH = 'copydst/app';

const image = (seed: string, platform = AMD64) => singleImage('oci', `copy-${seed}`, { layerSeed: 'copy', platform });
/** Every image shares one layer (already at the destination through `shared`): the plan sends only configs. */
const SOURCE: Record<string, TestImage> = {
  '1.0.0': image('1.0.0'),
  '1.1.0': image('1.1.0'),
  '2.0.0': indexImage('oci', [{ image: image('2.0.0-amd64'), platform: AMD64 }, { image: image('2.0.0-arm64', ARM64), platform: ARM64 }]),
  shared: image('shared'),
  diverged: image('diverged'),
};
const DESTINATION: Record<string, TestImage> = { shared: SOURCE.shared, diverged: image('diverged-rebuilt') };
const MISSING = ['1.0.0', '1.1.0', '2.0.0'];

describe('Tag Explorer: Copy Missing Tags to New Location', function () {
  this.timeout(30000);
  let api: TagExplorerApi;
  let root: RootNode;
  const dispatcher = new Agent();
  const client = new RegistryClient({ dispatcher, allowPush: true });
  const src: Repository = { host: REG, path: SRC_PATH };
  const dst: Repository = { host: REG, path: DST_PATH };

  const copy = (opts: object) => vscode.commands.executeCommand<CopyMissingOutcome>(C + 'copyMissing', root, opts);
  const states = async () => Object.fromEntries(((await Promise.resolve(api.provider.getChildren(root))).filter((n): n is TagNode => n.kind === 'tag')).map((n) => [n.tag, n.state]));
  const destinationTags = async () => {
    const r = await client.listTags(dst);
    assert.ok(r.ok, 'the destination lists');
    return [...r.value].sort();
  };

  before(async () => {
    assert.ok(REG, 'RM_TEST_REGISTRY is set: run through scripts/runIntegration.js, which starts docker-registry');
    const ext = vscode.extensions.getExtension<{ ready: Promise<void>; tagExplorer: TagExplorerApi }>(EXTENSION_ID);
    assert.ok(ext);
    const exported = await ext.activate();
    await exported.ready;
    api = exported.tagExplorer;
    const blobs = new Set<string>();
    for (const [tag, img] of Object.entries(SOURCE)) await pushTestImage(client, src, tag, img, blobs);
    for (const [tag, img] of Object.entries(DESTINATION)) await pushTestImage(client, dst, tag, img, blobs);
    await setSetting('registryMigrator', 'repositories', [`${REG}/${SRC_PATH} -> ${REG}/${DST_PATH}`]);
    root = await waitFor('the pinned pair', () => api.provider.findRoot(`${REG}/${SRC_PATH}`, `${REG}/${DST_PATH}`), 10000);
  });

  after(async () => {
    await setSetting('registryMigrator', 'repositories', undefined);
    await dispatcher.close();
  });

  it('the dry run returns the plan (tags, manifests, blobs, bytes) and writes nothing', async () => {
    const outcome = await copy({ dryRun: true });
    assert.deepStrictEqual([outcome.plans.length, outcome.reports.length, outcome.declined, outcome.cancelled], [1, 0, false, false]);
    const s = outcome.plans[0].summary;
    assert.deepStrictEqual([s.dryRun, s.tags, s.copied, s.identical, s.conflicts, s.errors], [true, 5, 3, 1, 1, 0]);
    assert.deepStrictEqual(outcome.plans[0].results.filter((r) => r.action === 'would-copy').map((r) => r.tag).sort(), MISSING);
    assert.deepStrictEqual(outcome.plans[0].results.find((r) => r.action === 'conflict')?.tag, 'diverged');
    // 1.0.0, 1.1.0, the 2.0.0 index and its two children; four configs to mount (same registry), the shared layer already there.
    const configs = ['1.0.0', '1.1.0'].map((t) => SOURCE[t].blobs[0].length).concat(SOURCE['2.0.0'].children.map((c) => c.blobs[0].length));
    const st = s.stats;
    assert.deepStrictEqual(
      [st.manifestsPushed, st.blobsMounted, st.bytesMounted, st.blobsUploaded, st.blobsPresent],
      [5, 4, configs.reduce((a, b) => a + b, 0), 0, 1],
    );
    assert.deepStrictEqual(await destinationTags(), ['diverged', 'shared'], 'nothing written');
  });

  it('copies the missing tags (a multi-arch index whole), leaves the different one alone, and the nodes turn identical in batches', async () => {
    const before = await states();
    assert.deepStrictEqual(Object.keys(before).sort(), [...MISSING, 'diverged', 'shared'].sort());
    assert.ok(MISSING.every((t) => before[t] !== 'identical'), JSON.stringify(before));
    const stats = { ...api.provider.stats };
    const outcome = await copy({ confirm: false, silent: true });
    assert.strictEqual(outcome.reports.length, 1);
    const s = outcome.reports[0].summary;
    assert.deepStrictEqual([s.copied, s.identical, s.conflicts, s.errors], [3, 1, 1, 0], JSON.stringify(outcome.reports[0].results.filter((r) => r.cause)));
    assert.deepStrictEqual(s.verify, { total: 5, identical: 4, missing: 0, different: 1, error: 0 });

    assert.deepStrictEqual(await states(), { '2.0.0': 'identical', '1.1.0': 'identical', '1.0.0': 'identical', diverged: 'different', shared: 'identical' });
    assert.strictEqual(api.provider.stats.treeRefreshes, stats.treeRefreshes, 'tags refresh their nodes, never the whole tree');
    assert.ok(api.provider.stats.refreshEvents - stats.refreshEvents < 5, `batched: ${api.provider.stats.refreshEvents - stats.refreshEvents} refresh events for 5 tags`);

    // The proof, from the registry itself: every tag at the destination has the source's digest, except the one left alone.
    for (const tag of Object.keys(SOURCE)) {
      const [a, b] = await Promise.all([client.headManifest(src, tag), client.headManifest(dst, tag)]);
      assert.ok(a.ok && b.ok, tag);
      const expected = tag === 'diverged' ? DESTINATION.diverged.digest : SOURCE[tag].digest;
      assert.deepStrictEqual([a.value.digest, b.value.digest], [SOURCE[tag].digest, expected], tag);
    }
    const index = await client.getManifest(dst, SOURCE['2.0.0'].digest);
    assert.ok(index.ok && index.value.bytes.equals(SOURCE['2.0.0'].bytes), 'the index bytes are the source\'s');
    for (const child of SOURCE['2.0.0'].children) assert.ok((await client.headManifest(dst, child.digest)).ok, `child ${child.digest}`);
  });

  it('a second run finds nothing to copy and writes nothing', async () => {
    const outcome = await copy({ confirm: false, silent: true });
    assert.strictEqual(outcome.reports.length, 0, 'an empty plan copies nothing');
    const s = outcome.plans[0].summary;
    assert.deepStrictEqual([s.copied, s.identical, s.conflicts, s.stats.manifestsPushed, s.stats.blobsMounted + s.stats.blobsUploaded], [0, 4, 1, 0, 0]);
  });
});
