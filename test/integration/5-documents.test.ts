import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activated, diagnosticsCount, ours, setSetting, waitFor, writeText, wsUri } from './helpers';

interface GitApi {
  repositories: { rootUri: vscode.Uri }[];
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
  openRepository?(root: vscode.Uri): Promise<unknown>;
}

const FILE = 'git-diff/Dockerfile';
const COMMITTED = 'FROM k8s.gcr.io/pause:3.9\nFROM k8s.gcr.io/kube-proxy:v1.27.1\n';
const CHANGED = 'FROM k8s.gcr.io/pause:3.9\n';

/** Diagnostics of ours on any document that is not a file or an untitled document. */
function onVirtualDocuments(): string[] {
  return vscode.languages.getDiagnostics()
    .filter(([u, d]) => !['file', 'untitled'].includes(u.scheme) && d.some((x) => x.source === 'Registry Migrator'))
    .map(([u]) => u.toString());
}

describe('diagnostics only for real documents', function () {
  this.timeout(40000);
  const wsDir = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: wsDir(), stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } });

  before(activated);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setSetting('git', 'enabled', undefined);
    fs.rmSync(path.join(wsDir(), '.git'), { recursive: true, force: true });
    // Emptied first: a deleted file's document stays open (without an editor) for a while, with its diagnostics.
    await writeText(wsUri(FILE), '# cleaned\n');
    await diagnosticsCount(wsUri(FILE), 0);
    await vscode.workspace.fs.delete(wsUri('git-diff'), { recursive: true }).then(undefined, () => undefined);
  });

  it('a git diff view (the git extension\'s git: document of HEAD) gets none; the file beside it does', async () => {
    // A real repository and the built-in git extension (the harness turns git off for speed).
    await writeText(wsUri(FILE), COMMITTED);
    git('init', '-q');
    git('add', FILE);
    git('commit', '-q', '-m', 'fixture');
    await writeText(wsUri(FILE), CHANGED);
    await setSetting('git', 'enabled', true);
    const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
    assert.ok(ext, 'the built-in git extension is there');
    const exports = await ext.activate();
    const api = await waitFor('the git API (git.enabled)', () => {
      try {
        return exports.getAPI(1);
      } catch {
        return undefined;
      }
    }, 15000);
    await api.openRepository?.(vscode.Uri.file(wsDir()));
    await waitFor('the repository to open', () => (api.repositories.length ? true : undefined), 15000);

    const file = wsUri(FILE);
    const head = api.toGitUri(file, 'HEAD');
    assert.strictEqual(head.scheme, 'git');
    await vscode.commands.executeCommand('vscode.diff', head, file, 'Dockerfile (HEAD ↔ working tree)');
    const gitDoc = await waitFor('the git: document of the diff', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === head.toString() && d.getText() === COMMITTED), 15000);
    // The working-tree side is the file: its one reference is flagged, so analysis did run.
    await diagnosticsCount(file, 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(ours(gitDoc.uri), [], 'the HEAD side holds two moved references and gets no diagnostic');
    assert.deepStrictEqual(onVirtualDocuments(), []);
    // Neither does it get hovers or quick fixes: the providers answer only for real documents.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', gitDoc.uri, new vscode.Range(0, 6, 0, 10));
    assert.deepStrictEqual((actions ?? []).filter((a) => /^Replace with|^Fix all/.test(a.title)).map((a) => a.title), []);
  });

  it('an untitled document is analysed (by its language)', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM k8s.gcr.io/pause:3.9\n' });
    await vscode.window.showTextDocument(doc);
    await diagnosticsCount(doc.uri, 1);
    assert.strictEqual(doc.uri.scheme, 'untitled');
  });
});
