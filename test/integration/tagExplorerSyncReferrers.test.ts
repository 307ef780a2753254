import * as assert from 'assert';
import { Agent } from 'undici';
import * as vscode from 'vscode';

import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import type { CopyMissingOutcome } from '../../src/vscode/tagExplorer/copyMissing';
import type { TagExplorerApi } from '../../src/vscode/tagExplorer/tagExplorer';
import type { RootNode, TagNode } from '../../src/vscode/tagExplorer/tagNodes';
import { pushTestImage, singleImage } from '../support/testImages';
import { EXTENSION_ID, setSetting, waitFor } from './helpers';

// Its own pair on the harness's registry (refsrc/app -> refdst/app): an image and its cosign signature.
const REG = process.env.RM_TEST_REGISTRY ?? '';
const SRC_PATH = 'refsrc/app';
const DST_PATH = 'refdst/app';

describe('Tag Explorer: Copy Missing Tags runs the sync engine, and signatures follow their image', function () {
  this.timeout(30000);
  const dispatcher = new Agent();
  const client = new RegistryClient({ dispatcher, allowPush: true });
  const src: Repository = { host: REG, path: SRC_PATH };
  const dst: Repository = { host: REG, path: DST_PATH };
  const img = singleImage('oci', 'refs-1.0.0');
  const sig = singleImage('oci', 'refs-1.0.0-signature');
  const sigTag = `${img.digest.replace(':', '-')}.sig`;
  let api: TagExplorerApi;
  let root: RootNode;

  before(async () => {
    assert.ok(REG, 'RM_TEST_REGISTRY is set: run through scripts/runIntegration.js, which starts docker-registry');
    const ext = vscode.extensions.getExtension<{ ready: Promise<void>; tagExplorer: TagExplorerApi }>(EXTENSION_ID);
    assert.ok(ext);
    const exported = await ext.activate();
    await exported.ready;
    api = exported.tagExplorer;
    await pushTestImage(client, src, '1.0.0', img);
    await pushTestImage(client, src, sigTag, sig);
    await pushTestImage(client, dst, 'other', singleImage('oci', 'refs-other'));
    await setSetting('registryMigrator', 'repositories', [`${REG}/${SRC_PATH} -> ${REG}/${DST_PATH}`]);
    root = await waitFor('the pinned pair', () => api.provider.findRoot(`${REG}/${SRC_PATH}`, `${REG}/${DST_PATH}`), 10000);
  });
  after(async () => {
    await setSetting('registryMigrator', 'repositories', undefined);
    await dispatcher.close();
  });

  it('copies the image and its .sig tag, and the image node shows the referrer it brought', async () => {
    const nodes = (await Promise.resolve(api.provider.getChildren(root))).filter((n): n is TagNode => n.kind === 'tag');
    assert.ok(nodes.some((n) => n.tag === '1.0.0'), 'the tag is listed');
    const outcome = await vscode.commands.executeCommand<CopyMissingOutcome>('registryMigrator.tagExplorer.copyMissing', root, { confirm: false, silent: true });
    assert.strictEqual(outcome.reports.length, 1);
    const results = outcome.reports[0].results;
    assert.deepStrictEqual(results.map((r) => [r.tag, r.action]).sort(), [['1.0.0', 'copied'], [sigTag, 'copied']].sort());
    assert.strictEqual(results.find((r) => r.tag === sigTag)?.referrerOf, img.digest);
    const head = await client.headManifest(dst, sigTag);
    assert.ok(head.ok && head.value.digest === sig.digest, 'the signature is at the new location with its digest');
    const node = api.provider.loadedTags(root).find((n) => n.tag === '1.0.0')!;
    assert.deepStrictEqual(node.referrers, [sigTag]);
    const item = api.provider.getTreeItem(node);
    assert.match(String(item.description), /identical · 1 referrer/);
    assert.match((item.tooltip as vscode.MarkdownString).value, new RegExp(`Signatures and attestations at the new location:[\\s\\S]*${sigTag}`));
  });
});
