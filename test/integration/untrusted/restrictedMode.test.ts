import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as vscode from 'vscode';

import { fileCredentials } from '../../../src/core/registry/credentials';
import type { TagExplorerApi } from '../../../src/vscode/tagExplorer/tagExplorer';
import type { ExplorerNode, MessageNode, RootNode } from '../../../src/vscode/tagExplorer/tagNodes';
import { type RegistryProxy, startRegistryProxy } from '../../support/registryProxy';
import { EXTENSION_ID, codeOf, diagnosticsCount, ours, screenshot, waitFor, wsUri } from '../helpers';
import { AUTH_PASSWORD, AUTH_USER, PRIVATE_PATH } from '../tagExplorerRegistry';

/**
 * The security standard: "An untrusted workspace's own rules file is not applied, and such a
 * workspace cannot send credentials anywhere." scripts/runIntegration.js runs this file in its
 * untrusted leg: workspace trust enabled, no startup prompt, and test/integration/untrusted/
 * workspace never trusted, so VS Code opens it in Restricted Mode.
 */
const AUTH = process.env.RM_TEST_AUTH_REGISTRY ?? '';
const C = 'registryMigrator.tagExplorer.';

describe('an untrusted workspace (Restricted Mode)', function () {
  this.timeout(30000);
  let api: TagExplorerApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<{ ready: Promise<void>; tagExplorer: TagExplorerApi }>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded in development mode`);
    const exported = await ext.activate();
    await exported.ready;
    api = exported.tagExplorer;
  });

  it('the workspace is not trusted, and the extension is active ("limited" support)', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this leg must run in Restricted Mode; a trusted run proves nothing');
    assert.strictEqual(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    // What the user sees: the workbench's Restricted Mode indicator, with no modal in the way.
    const saved = await screenshot('restrictedMode.png', 'Restricted Mode');
    if (process.env.RM_SCREENSHOT_URL) assert.ok(saved, 'the harness saw "Restricted Mode" and saved the screenshot');
  });

  it('registryMigrator.verifyReferences asks no registry in an untrusted workspace', async () => {
    const r = await vscode.commands.executeCommand<{ skipped?: string; checked: number }>('registryMigrator.verifyReferences');
    assert.deepStrictEqual([r.skipped, r.checked], ['untrusted', 0]);
    assert.ok(ours(wsUri('Dockerfile')).every((d) => !/same digest|does not exist|unreachable/.test(d.message)));
  });

  describe('rules', () => {
    after(() => vscode.workspace.getConfiguration('registryMigrator').update('rules', undefined, vscode.ConfigurationTarget.Global));

    // One reference per rule source, in the order of the workspace's Dockerfile.
    const cases: { name: string; line: number; rule: string | undefined }[] = [
      { name: 'a built-in rule applies', line: 1, rule: 'K8S-GCR' },
      { name: 'the workspace\'s .registry-migrations.yaml is not applied', line: 3, rule: undefined },
      { name: 'workspace-level registryMigrator.rules (a restricted setting) is not applied', line: 5, rule: undefined },
      { name: 'user-level registryMigrator.rules applies', line: 7, rule: 'UNTRUSTED-USER-SETTING' },
    ];
    let found: Map<number, string>;
    before(async () => {
      // The rules file and the workspace setting are in the fixture from the start; the user
      // rule is added here, so the wait below also sees a reload after a settings change.
      await vscode.workspace.getConfiguration('registryMigrator').update('rules', [
        { id: 'UNTRUSTED-USER-SETTING', from: 'registry.acme.example/user', to: 'ghcr.io/acme/user', reason: 'the user\'s own settings say so' },
      ], vscode.ConfigurationTarget.Global);
      const uri = wsUri('Dockerfile');
      await vscode.workspace.openTextDocument(uri);
      const expected = cases.filter((c) => c.rule).length;
      await diagnosticsCount(uri, expected, 10000);
      // A late reload (the rules-file watcher) must not add the workspace's rules either.
      await new Promise((r) => setTimeout(r, 750));
      found = new Map(ours(uri).map((d) => [d.range.start.line, codeOf(d)]));
    });
    for (const c of cases) {
      it(c.name, () => assert.strictEqual(found.get(c.line), c.rule, `line ${c.line + 1}; all: ${JSON.stringify([...found])}`));
    }

    it('a rules file written while untrusted is not applied either, and gets no diagnostics', async () => {
      const rules = wsUri('.registry-migrations.yaml');
      await vscode.workspace.fs.writeFile(rules, new TextEncoder().encode(
        'rules:\n  - id: UNTRUSTED-FILE-RULE\n    from: registry.acme.example/file\n    to: ghcr.io/acme/file\n  - id: BROKEN\n    severity: loud\n'));
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepStrictEqual(ours(wsUri('Dockerfile')).map(codeOf), ['K8S-GCR', 'UNTRUSTED-USER-SETTING']);
      assert.deepStrictEqual(vscode.languages.getDiagnostics(rules), [], 'the file is not read, so its problems are not reported');
    });
  });

  describe('Tag Explorer credentials', () => {
    let proxy: RegistryProxy | undefined;
    let dockerConfig: string | undefined;

    before(async () => {
      assert.ok(AUTH, 'RM_TEST_AUTH_REGISTRY is set: run through scripts/runIntegration.js, which starts docker-registry');
      assert.ok(process.env.DOCKER_CONFIG, 'the harness points DOCKER_CONFIG at a temp dir for this leg');
      // Every request the Tag Explorer makes to the htpasswd registry goes through this proxy,
      // which records each request's Authorization header.
      const p = (proxy = await startRegistryProxy(AUTH));
      // Two stored credentials for the proxy's host, either of which a trusted workspace sends:
      // a `docker login` entry, and the SecretStorage entry "Sign In…" saves after its prompts.
      dockerConfig = path.join(process.env.DOCKER_CONFIG, 'config.json');
      fs.writeFileSync(dockerConfig, JSON.stringify({ auths: { [p.host]: { auth: Buffer.from(`${AUTH_USER}:${AUTH_PASSWORD}`).toString('base64') } } }));
      await api.access.storeCredential(p.host, AUTH_USER, AUTH_PASSWORD);
    });

    after(async () => {
      await vscode.workspace.getConfiguration('registryMigrator').update('repositories', undefined, vscode.ConfigurationTarget.Workspace);
      if (dockerConfig) fs.rmSync(dockerConfig, { force: true });
      if (proxy) {
        await api.access.deleteCredential(proxy.host);
        await proxy.close();
      }
    });

    /** The proxy in front of the htpasswd registry (started in before()). */
    const px = (): RegistryProxy => {
      assert.ok(proxy, 'the proxy started');
      return proxy;
    };

    it('the docker login credential is there to be found (so sending none is a choice)', async () => {
      const c = await fileCredentials({ env: process.env }).get(px().host);
      assert.deepStrictEqual(c && 'username' in c ? [c.username, c.password] : c, [AUTH_USER, AUTH_PASSWORD]);
    });

    it('"Sign In…" refuses to store a credential', async () => {
      const ok = await vscode.commands.executeCommand(C + 'signIn', { host: px().host, username: AUTH_USER, password: AUTH_PASSWORD });
      assert.strictEqual(ok, false);
    });

    it('listing the htpasswd registry\'s tags ends at the Sign In node, and no request carried Authorization', async () => {
      await vscode.workspace.getConfiguration('registryMigrator').update('repositories', [`${px().host}/${PRIVATE_PATH}`], vscode.ConfigurationTarget.Workspace);
      const root = await waitFor<RootNode>(`the pinned root (roots now: ${api.provider.rootNodes().map((r) => r.id).join(', ')})`,
        () => api.provider.findRoot(`${px().host}/${PRIVATE_PATH}`), 10000);
      const listings: ExplorerNode[][] = [];
      for (const attempt of ['first listing', 'after Retry']) {
        const nodes = await Promise.resolve(api.provider.getChildren(root));
        listings.push(nodes);
        if (attempt === 'first listing' && nodes[0]?.kind === 'message') await vscode.commands.executeCommand(C + 'retry', nodes[0]);
      }
      const asked = px().requests.filter((r) => r.url.startsWith('/v2/'));
      assert.ok(asked.length >= 2, `the registry was asked (${asked.length} requests)`);
      assert.deepStrictEqual(asked.filter((r) => r.authorization !== undefined).map((r) => `${r.method} ${r.url}: ${r.authorization}`), [], 'requests that carried a credential');
      for (const [i, nodes] of listings.entries()) {
        const attempt = i ? 'after Retry' : 'first listing';
        assert.deepStrictEqual(nodes.map((n) => String(api.provider.getTreeItem(n).label)), [`${px().host} needs sign-in`], attempt);
        const e = nodes[0] as MessageNode;
        assert.deepStrictEqual([e.kind, e.severity, e.actions, e.host], ['message', 'error', ['retry', 'signIn'], px().host], attempt);
      }
    });

    it('the proxy does record an Authorization header when one is sent (the check above can fail)', async () => {
      const before = px().requests.length;
      await new Promise<void>((resolve, reject) => {
        const [host, port] = px().host.split(':');
        http.get({ host, port: Number(port), path: `/v2/${PRIVATE_PATH}/tags/list`, auth: `${AUTH_USER}:${AUTH_PASSWORD}` }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        }).on('error', reject);
      });
      assert.match(String(px().requests[before]?.authorization), /^Basic /);
    });
  });
});
