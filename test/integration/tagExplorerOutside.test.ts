import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { Agent } from 'undici';
import * as vscode from 'vscode';

import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import type { TagExplorerApi } from '../../src/vscode/tagExplorer/tagExplorer';
import type { RootNode, TagNode } from '../../src/vscode/tagExplorer/tagNodes';
import { pushTestImage, singleImage } from '../support/testImages';
import { EXTENSION_ID, diagnosticsCount, setSetting, waitFor, writeText, wsUri } from './helpers';

// Its own pair on the open docker-registry of scripts/runIntegration.js (outside/src -> outside/dst),
// so the seeded truth of old/app and new/app stays put.
const REG = process.env.RM_TEST_REGISTRY ?? '';
const C = 'registryMigrator.tagExplorer.';
const SRC = `${REG}/outside/src`;
const DST = `${REG}/outside/dst`;
const FILE = 'outside/Dockerfile';
const SKOPEO = ['/usr/bin/skopeo', '/usr/local/bin/skopeo'].find((p) => fs.existsSync(p));

async function hover(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('Tag Explorer: a tag copied from outside', function () {
  this.timeout(40000);
  let api: TagExplorerApi;
  let root: RootNode;
  const dispatcher = new Agent();
  const client = new RegistryClient({ dispatcher, allowPush: true });
  const src: Repository = { host: REG, path: 'outside/src' };
  const dst: Repository = { host: REG, path: 'outside/dst' };
  const image = singleImage('oci', 'outside-1.0.0', { layerSeed: 'outside' });
  const uri = wsUri(FILE);

  const node = async (tag: string): Promise<TagNode> => {
    const n = (await Promise.resolve(api.provider.getChildren(root))).find((x): x is TagNode => x.kind === 'tag' && x.tag === tag);
    assert.ok(n, `${tag} is listed`);
    return n;
  };

  before(async () => {
    assert.ok(REG, 'RM_TEST_REGISTRY is set: run through scripts/runIntegration.js, which starts docker-registry');
    const ext = vscode.extensions.getExtension<{ ready: Promise<void>; tagExplorer: TagExplorerApi }>(EXTENSION_ID);
    assert.ok(ext);
    const exported = await ext.activate();
    await exported.ready;
    api = exported.tagExplorer;
    const blobs = new Set<string>();
    await pushTestImage(client, src, '1.0.0', image, blobs);
    // The destination exists (another tag), without 1.0.0.
    await pushTestImage(client, dst, 'other', singleImage('oci', 'outside-other', { layerSeed: 'outside' }), blobs);
    await setSetting('registryMigrator', 'rules', [{ id: 'TEST-OUTSIDE', from: SRC, to: DST, match: 'exact', reason: 'the outside app moved', since: '2025-06' }]);
    await writeText(uri, `FROM ${SRC}:1.0.0\n`);
    await vscode.workspace.openTextDocument(uri);
    await diagnosticsCount(uri, 1, 10000);
    root = await waitFor('the workspace pair', () => api.provider.findRoot(SRC, DST), 10000);
  });

  after(async () => {
    await setSetting('registryMigrator', 'rules', undefined);
    await writeText(uri, '# cleaned\n');
    await vscode.workspace.fs.delete(wsUri('outside'), { recursive: true }).then(undefined, () => undefined);
    await dispatcher.close();
  });

  it('Verify Tag asks both registries again: missing, then (after skopeo copies the tag) identical; the hover follows', async () => {
    const n = await node('1.0.0');
    assert.deepStrictEqual([n.inOld, n.inNew], [true, false], 'listed at the old home only');
    await vscode.commands.executeCommand(C + 'verifyTag', n);
    assert.strictEqual(n.state, 'missing');
    const at = new vscode.Position(0, 8);
    assert.match(await hover(uri, at), /outside\/dst:1\.0\.0 does not exist; /);

    // From outside the extension: skopeo when installed, else the test's own registry client.
    if (SKOPEO) execFileSync(SKOPEO, ['copy', '--all', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${SRC}:1.0.0`, `docker://${DST}:1.0.0`], { stdio: 'pipe', env: { ...process.env, HOME: process.env.TMPDIR ?? '/tmp' } });
    else await pushTestImage(client, dst, '1.0.0', image);
    const there = await client.headManifest(dst, '1.0.0');
    assert.ok(there.ok && there.value.digest === image.digest, `copied with ${SKOPEO ?? 'the registry client'}`);

    // The node still says inNew=false from the listing: Verify Tag must not trust it.
    assert.strictEqual(n.inNew, false);
    await vscode.commands.executeCommand(C + 'verifyTag', n);
    assert.strictEqual(n.state, 'identical', JSON.stringify(n.parity));
    assert.deepStrictEqual([n.inOld, n.inNew, n.parity?.new?.digest], [true, true, image.digest]);
    assert.match(String(api.provider.getTreeItem(n).description), /identical/);
    const md = await hover(uri, at);
    assert.match(md, new RegExp(`outside/dst:1\\.0\\.0: same digest as ${SRC.replace(/\./g, '\\.')}:1\\.0\\.0, sha256:${image.digest.slice(7, 15)}…`));
  });

  it('Verify All after the copy agrees, from fresh listings', async () => {
    const reports = await vscode.commands.executeCommand<{ summary: { identical: number; missing: number } }[]>(C + 'verifyAll', { roots: [root.id], silent: true });
    assert.deepStrictEqual([reports[0].summary.identical, reports[0].summary.missing], [1, 0]);
    assert.strictEqual((await node('1.0.0')).state, 'identical');
  });
});
