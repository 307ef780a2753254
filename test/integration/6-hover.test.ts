import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, diagnosticsCount, screenshot, writeText, wsUri } from './helpers';

const FILE = 'hover/Dockerfile';
const TEXT = [
  'FROM k8s.gcr.io/pause:3.9 AS pause',
  'FROM redis:7.2',
  'FROM ghcr.io/kubeflow/spark-operator/controller@sha256:' + 'ab'.repeat(32),
  'FROM gcr.io/spark-operator/spark:v3.1.1',
  '',
].join('\n');

async function hoverAt(uri: vscode.Uri, line: number, character: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, character));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n');
}

describe('hover on image references', function () {
  this.timeout(30000);
  const uri = wsUri(FILE);

  before(async () => {
    await activated();
    await writeText(uri, TEXT);
    await vscode.workspace.openTextDocument(uri);
    await diagnosticsCount(uri, 2);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Emptied first: a deleted file's document stays open (without an editor) for a while, with its diagnostics.
    await writeText(uri, '# cleaned\n');
    await diagnosticsCount(uri, 0);
    await vscode.workspace.fs.delete(wsUri('hover'), { recursive: true }).then(undefined, () => undefined);
  });

  it('a moved image: normalized name and tag, old → new, the rule with its source and since when, links, Show in Tag Explorer', async () => {
    const md = await hoverAt(uri, 0, 12);
    assert.match(md, /\*\*k8s\.gcr\.io\/pause\*\* · tag `3\.9`/);
    assert.match(md, /Moved: `k8s\.gcr\.io\/pause` → `registry\.k8s\.io\/pause`/);
    assert.match(md, /Rule `K8S-GCR` \(\[source\]\(https:\/\/[^)]+\)\): [^\n]+, since \d{4}/);
    assert.match(md, /Not verified yet: \[Verify\]\(command:registryMigrator\.verifyReferences /, 'nothing known: no network call was made to find out');
    assert.match(md, /\[\$\(link-external\) New on Registry Explorer\]\(https:\/\/oci\.dag\.dev\/\?image=registry\.k8s\.io%2Fpause%3A3\.9\)/);
    const show = /\(command:registryMigrator\.showInTagExplorer\?([^ )]+)/.exec(md);
    assert.ok(show, md);
    assert.deepStrictEqual(JSON.parse(decodeURIComponent(show[1])), ['k8s.gcr.io/pause', 'registry.k8s.io/pause', '3.9']);
    // The link only runs when the hover trusts that one command.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 12));
    const trusted = hovers.flatMap((h) => h.contents).find((c): c is vscode.MarkdownString => typeof c !== 'string' && c.value.includes('Moved:'));
    assert.deepStrictEqual(trusted?.isTrusted, { enabledCommands: ['registryMigrator.showInTagExplorer', 'registryMigrator.verifyReferences', 'registryMigrator.tagExplorer.copyMissing'] });
  });

  it('an image that did not move: normalized name (docker.io/library/…), tag, Docker Hub link, no rule', async () => {
    const md = await hoverAt(uri, 1, 7);
    assert.match(md, /\*\*docker\.io\/library\/redis\*\* · tag `7\.2`/);
    assert.match(md, /No migration rule applies/);
    assert.doesNotMatch(md, /Moved:|Rule `/);
    assert.match(md, /\[\$\(link-external\) Open on Docker Hub\]\(https:\/\/hub\.docker\.com\/_\/redis\/tags\?name=7\.2\)/);
    assert.match(md, /command:registryMigrator\.showInTagExplorer\?/);
  });

  it('a digest reference shows the digest; a removed image says it has no new home', async () => {
    const digest = await hoverAt(uri, 2, 10);
    assert.match(digest, /\*\*ghcr\.io\/kubeflow\/spark-operator\/controller\*\* · digest `sha256:(ab){32}`/);
    assert.match(digest, /Open on GitHub Packages\]\(https:\/\/ghcr\.io\/kubeflow\/spark-operator\/controller\)/);
    const removed = await hoverAt(uri, 3, 10);
    assert.match(removed, /No new home: /);
    assert.match(removed, /Rule `SO-GCR-SPARK`/);
    assert.doesNotMatch(removed, /Show in Tag Explorer/);
  });

  it('no hover away from a reference', async () => {
    assert.strictEqual(await hoverAt(uri, 0, 1), '');
  });

  it('screenshot: the hover of a moved image', async () => {
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    await vscode.commands.executeCommand('notifications.clearAll');
    editor.selection = new vscode.Selection(0, 12, 0, 12);
    await vscode.commands.executeCommand('editor.action.showHover');
    // RM_README_SCREENSHOT=1 refreshes the README's copy; otherwise it lands in test-results/.
    const saved = await screenshot('hover.png', 'Moved:', process.env.RM_README_SCREENSHOT ? 'media/hover.png' : undefined);
    if (process.env.RM_SCREENSHOT_URL) assert.ok(saved, 'the harness saved the screenshot');
  });
});
