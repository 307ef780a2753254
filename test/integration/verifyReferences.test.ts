import * as assert from 'assert';
import * as vscode from 'vscode';

import { Agent } from 'undici';
import { RegistryClient } from '../../src/core/registry/registryClient';
import type { TagExplorerApi } from '../../src/vscode/tagExplorer/tagExplorer';
import type { VerifyOutcome } from '../../src/vscode/verification/referenceVerifier';
import { EXTENSION_ID, codeActions, diagnosticsCount, ours, setSetting, waitFor, writeText, wsUri } from './helpers';
import { pushTestImage, singleImage } from '../support/testImages';

// Its own pair on the open docker-registry of scripts/runIntegration.js, seeded here so that no
// earlier Verify All already knows the answers: 1.0.0, 1.1.0 and latest identical, 2.0.0
// missing at new, 2.1.0 different.
const REG = process.env.RM_TEST_REGISTRY ?? '';
const OLD = `${REG}/verify/old`;
const NEW = `${REG}/verify/new`;
const FILE = 'verify/Dockerfile';
const LINES = ['1.0.0', '2.0.0', '2.1.0'].map((t) => `FROM ${OLD}:${t}`);

async function hover(uri: vscode.Uri, line: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 8));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('registryMigrator.verifyReferences (against the local docker-registry)', function () {
  this.timeout(40000);
  const uri = wsUri(FILE);
  let api: TagExplorerApi;

  before(async () => {
    assert.ok(REG, 'RM_TEST_REGISTRY is set: run through scripts/runIntegration.js, which starts docker-registry');
    const ext = vscode.extensions.getExtension<{ ready: Promise<void>; tagExplorer: TagExplorerApi }>(EXTENSION_ID);
    assert.ok(ext);
    const exported = await ext.activate();
    await exported.ready;
    api = exported.tagExplorer;
    const dispatcher = new Agent();
    const client = new RegistryClient({ dispatcher, allowPush: true });
    const blobs = new Set<string>();
    const img = (seed: string) => singleImage('oci', `verify-${seed}`, { layerSeed: 'verify' });
    for (const tag of ['1.0.0', '1.1.0', 'latest', '2.0.0', '2.1.0']) await pushTestImage(client, { host: REG, path: 'verify/old' }, tag, img(tag), blobs);
    for (const tag of ['1.0.0', '1.1.0', 'latest']) await pushTestImage(client, { host: REG, path: 'verify/new' }, tag, img(tag), blobs);
    await pushTestImage(client, { host: REG, path: 'verify/new' }, '2.1.0', img('2.1.0-rebuilt'), blobs);
    await dispatcher.close();
    await setSetting('registryMigrator', 'rules', [{ id: 'TEST-VERIFY', from: OLD, to: NEW, match: 'exact', reason: 'the test app moved', since: '2025-01' }]);
    await writeText(uri, LINES.join('\n') + '\n');
    await vscode.workspace.openTextDocument(uri);
    await diagnosticsCount(uri, 3, 10000);
  });

  after(async () => {
    await setSetting('registryMigrator', 'verifyReferences', undefined);
    await writeText(uri, '# cleaned\n');
    await setSetting('registryMigrator', 'rules', undefined);
    await vscode.workspace.fs.delete(wsUri('verify'), { recursive: true }).then(undefined, () => undefined);
  });

  it('off: the command asks nothing, and the diagnostics say nothing of the registry', async () => {
    await setSetting('registryMigrator', 'verifyReferences', 'off');
    const r = await vscode.commands.executeCommand<VerifyOutcome>('registryMigrator.verifyReferences');
    assert.deepStrictEqual([r.skipped, r.checked], ['off', 0]);
    assert.ok(ours(uri).every((d) => !/same digest|does not exist/.test(d.message)));
  });

  it('onDemand (default): the command checks each reference; the diagnostic says what it found', async () => {
    await setSetting('registryMigrator', 'verifyReferences', undefined);
    const r = await vscode.commands.executeCommand<VerifyOutcome>('registryMigrator.verifyReferences');
    assert.strictEqual(r.skipped, undefined);
    assert.deepStrictEqual(r.states, { identical: 1, 'missing-at-new': 1, different: 1 }, JSON.stringify(r));
    const byLine = await waitFor('diagnostics with the results', () => {
      const d = ours(uri);
      return d.length === 3 && d.every((x) => /same digest|does not exist| is sha256:/.test(x.message)) ? d : undefined;
    });
    assert.match(byLine[0].message, new RegExp(`${esc(NEW)}:1\\.0\\.0: same digest as ${esc(OLD)}:1\\.0\\.0, sha256:[0-9a-f]{8}…\\.$`));
    assert.match(byLine[1].message, new RegExp(`${esc(NEW)}:2\\.0\\.0 does not exist; ${esc(OLD)}:2\\.0\\.0 is sha256:`));
    assert.match(byLine[2].message, new RegExp(`${esc(NEW)}:2\\.1\\.0 is sha256:[0-9a-f]{8}…, ${esc(OLD)}:2\\.1\\.0 is sha256:`));
  });

  it('the quick fix is preferred only when the new reference is not known missing or different', async () => {
    const d = ours(uri);
    const preferred = [];
    for (const diag of d) {
      const fix = (await codeActions(uri, diag.range)).find((a) => a.title.startsWith('Replace with'));
      assert.ok(fix, `a fix is still offered on line ${diag.range.start.line}`);
      preferred.push(!!fix.isPreferred);
    }
    assert.deepStrictEqual(preferred, [true, false, false]);
  });

  it('the hover shows the result; for a missing tag it offers Copy to the new location… and Show in Tag Explorer', async () => {
    assert.match(await hover(uri, 0), /\$\(pass-filled\) [^\n]*1\.0\.0: same digest as /);
    const missing = await hover(uri, 1);
    assert.match(missing, /\$\(circle-slash\) [^\n]*2\.0\.0 does not exist/);
    const copy = /\[\$\(cloud-upload\) Copy to the new location…\]\(command:registryMigrator\.tagExplorer\.copyMissing\?([^ )]+)/.exec(missing);
    assert.ok(copy, missing);
    assert.deepStrictEqual(JSON.parse(decodeURIComponent(copy[1])), [{ roots: [`${OLD}→${NEW}`] }]);
    // Roots follow the findings after a short debounce.
    await waitFor('the root the link names', () => api.provider.findRoot(OLD, NEW), 10000);
    assert.match(missing, /Show in Tag Explorer\]\(command:registryMigrator\.showInTagExplorer\?/);
    assert.doesNotMatch(await hover(uri, 0), /Copy to the new location/);
  });

  it('one store: a Tag Explorer Verify All updates the diagnostics of a reference the command never checked', async () => {
    await writeText(uri, [...LINES, `FROM ${OLD}:latest`].join('\n') + '\n');
    const latest = await waitFor('the latest reference', () => ours(uri).find((d) => d.range.start.line === 3));
    assert.doesNotMatch(latest.message, /same digest/);
    const root = await waitFor('the pair', () => api.provider.findRoot(OLD, NEW), 10000);
    await vscode.commands.executeCommand('registryMigrator.tagExplorer.verifyAll', { roots: [root.id], silent: true });
    await waitFor('the latest diagnostic to show the Verify All result', () => (ours(uri).find((d) => d.range.start.line === 3 && /latest: same digest as/.test(d.message)) ? true : undefined));
  });

  it('auto: a reference typed into an open file is checked without asking', async () => {
    await setSetting('registryMigrator', 'verifyReferences', 'auto');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(doc.lineCount - 1, 0), `FROM ${OLD}:1.1.0\n`));
    await waitFor('1.1.0 verified by itself', () => (ours(uri).some((d) => /1\.1\.0: same digest as/.test(d.message)) ? true : undefined), 10000);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
