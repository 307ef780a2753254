import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Agent } from 'undici';
import * as vscode from 'vscode';

import { RegistryClient } from '../../../src/core/registry/registryClient';
import type { CopyMissingOutcome } from '../../../src/vscode/tagExplorer/copyMissing';
import type { TagExplorerApi } from '../../../src/vscode/tagExplorer/tagExplorer';
import type { RootNode } from '../../../src/vscode/tagExplorer/tagNodes';
import { type RegistryProxy, startRegistryProxy } from '../../support/registryProxy';
import { pushTestImage, singleImage } from '../../support/testImages';
import { EXTENSION_ID, waitFor } from '../helpers';

/**
 * "Copy Missing Tags" in Restricted Mode: the push client sends no credential either. The
 * destination (behind a proxy in front of the open registry) answers every write without
 * Authorization with a Basic challenge, and both a `docker login` entry and a "Sign In…"
 * entry exist for it: a trusted workspace would answer the challenge; this one must not.
 */
const REG = process.env.RM_TEST_REGISTRY ?? '';
const SRC_PATH = 'anoncopy/src';
const DST_PATH = 'anoncopy/dst';
const USER = 'pusher';
const PASSWORD = 'pusher-secret-pw';

describe('an untrusted workspace: Copy Missing Tags pushes anonymously', function () {
  this.timeout(30000);
  let api: TagExplorerApi;
  let proxy: RegistryProxy | undefined;
  let dockerConfig: string | undefined;
  const dispatcher = new Agent();

  before(async () => {
    assert.ok(REG, 'RM_TEST_REGISTRY is set: run through scripts/runIntegration.js, which starts docker-registry');
    assert.ok(process.env.DOCKER_CONFIG, 'the harness points DOCKER_CONFIG at a temp dir for this leg');
    const ext = vscode.extensions.getExtension<{ ready: Promise<void>; tagExplorer: TagExplorerApi }>(EXTENSION_ID);
    assert.ok(ext);
    const exported = await ext.activate();
    await exported.ready;
    api = exported.tagExplorer;
    await pushTestImage(new RegistryClient({ dispatcher, allowPush: true }), { host: REG, path: SRC_PATH }, '1.0.0', singleImage('oci', 'anon-copy'));
    const writes = (m: string, url: string) => m !== 'GET' && m !== 'HEAD' && url.startsWith(`/v2/${DST_PATH}/`);
    const p = (proxy = await startRegistryProxy(REG, {
      fault: (r) => (writes(r.method, r.url) && !r.authorization ? { kind: 'status', status: 401, headers: { 'www-authenticate': 'Basic realm="push"' }, body: '{"errors":[{"code":"UNAUTHORIZED","message":"push needs a login"}]}' } : undefined),
    }));
    dockerConfig = path.join(process.env.DOCKER_CONFIG, 'config.json');
    fs.writeFileSync(dockerConfig, JSON.stringify({ auths: { [p.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
    await api.access.storeCredential(p.host, USER, PASSWORD);
    await vscode.workspace.getConfiguration('registryMigrator').update('repositories', [`${p.host}/${SRC_PATH} -> ${p.host}/${DST_PATH}`], vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('registryMigrator').update('repositories', undefined, vscode.ConfigurationTarget.Workspace);
    if (dockerConfig) fs.rmSync(dockerConfig, { force: true });
    if (proxy) {
      await api.access.deleteCredential(proxy.host);
      await proxy.close();
    }
    await dispatcher.close();
  });

  it('the copy runs, every push is refused for want of a login, and no request carried Authorization', async () => {
    const p = proxy!;
    const root = await waitFor<RootNode>('the pinned pair', () => api.provider.findRoot(`${p.host}/${SRC_PATH}`, `${p.host}/${DST_PATH}`), 10000);
    const outcome = await vscode.commands.executeCommand<CopyMissingOutcome>('registryMigrator.tagExplorer.copyMissing', root, { confirm: false, silent: true });
    assert.strictEqual(outcome.plans[0]?.summary.copied, 1, 'the plan (read-only, anonymous) finds the tag to copy');
    const results = outcome.reports[0]?.results ?? [];
    assert.deepStrictEqual(results.map((r) => [r.tag, r.action, r.cause?.code]), [['1.0.0', 'error', 'unauthorized']]);
    const pushes = p.requests.filter((r) => r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH');
    assert.ok(pushes.length >= 1, `the push client asked (${pushes.length} write requests)`);
    assert.deepStrictEqual(p.requests.filter((r) => r.authorization !== undefined).map((r) => `${r.method} ${r.url}: ${r.authorization}`), [], 'requests that carried a credential');
  });
});
