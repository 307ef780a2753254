import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activated, diagnosticsCount, EXTENSION_ID, readText, waitFor, writeText, wsUri } from './helpers';

interface MigrateResult {
  edit: vscode.WorkspaceEdit;
  references: number;
  files: number;
  groups: { label: string; references: number }[];
  applied: boolean;
}

/** Each fixture file with moved references, and what migrating it must give (exact text). */
const expected: { file: string; replacements: [string, string][] }[] = [
  {
    file: '.github/workflows/ci.yml',
    replacements: [
      ['quay.io/coreos/flannel:v0.15.1', 'docker.io/flannel/flannel:v0.15.1'],
      ['image: bitnami/redis:7.2', 'image: bitnamilegacy/redis:7.2'],
      ['k8s.gcr.io/kube-proxy:v1.27.1', 'registry.k8s.io/kube-proxy:v1.27.1'],
    ],
  },
  {
    file: 'Dockerfile',
    // The removed Spark image (SO-GCR-SPARK) has no target and stays.
    replacements: [['k8s.gcr.io/pause:3.9', 'registry.k8s.io/pause:3.9'], ['docker.io/bitnami/redis:7.2', 'docker.io/bitnamilegacy/redis:7.2']],
  },
  {
    file: 'charts/spark-operator/values.yaml',
    replacements: [
      ['registry: gcr.io', 'registry: ghcr.io'],
      ['repository: spark-operator/spark-operator', 'repository: kubeflow/spark-operator/controller'],
      ['k8s.gcr.io/ingress-nginx/kube-webhook-certgen', 'registry.k8s.io/ingress-nginx/kube-webhook-certgen'],
    ],
  },
  { file: 'deploy/overlays/prod/kustomization.yaml', replacements: [['quay.io/coreos/prometheus-operator', 'quay.io/prometheus-operator/prometheus-operator']] },
  { file: 'docs/install.md', replacements: [['ghcr.io/googlecloudplatform/spark-operator:', 'ghcr.io/kubeflow/spark-operator/controller:']] },
];

describe('registryMigrator.migrateWorkspace', () => {
  const originals = new Map<string, string>();

  before(async () => {
    await activated();
    // Earlier suites fixed some of these files: start again from the fixture.
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const fixture = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test', 'fixtures', 'workspace');
    for (const { file } of expected) {
      const text = fs.readFileSync(path.join(fixture, file), 'utf8');
      originals.set(file, text);
      await writeText(wsUri(file), text);
    }
    for (const { file } of expected) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === wsUri(file).toString());
      if (doc) await waitFor(`${file} reloaded from disk`, () => (doc.isClosed || doc.getText() === originals.get(file) ? true : undefined));
    }
  });

  it('builds one edit over every file with moved references, grouped by rule; applying it migrates them', async () => {
    const files = expected.map((e) => e.file);
    const r = await vscode.commands.executeCommand<MigrateResult>('registryMigrator.migrateWorkspace', { dryRun: true });
    assert.strictEqual(r.applied, false);
    assert.deepStrictEqual(r.edit.entries().map(([u]) => vscode.workspace.asRelativePath(u)).sort(), [...files].sort());
    // A split Helm reference is one reference with two edits.
    assert.deepStrictEqual([r.files, r.references], [5, 9]);
    assert.deepStrictEqual(r.groups.map((g) => [g.label.split(':')[0], g.references]).sort(), [
      ['BITNAMI-LEGACY', 2],
      ['COREOS-FLANNEL', 1],
      ['COREOS-PROMETHEUS-OPERATOR', 1],
      ['K8S-GCR', 3],
      ['SO-GCR-OP', 1],
      ['SO-GHCR-GCP', 1],
    ]);
    assert.ok(r.groups.some((g) => g.label === 'K8S-GCR: k8s.gcr.io → registry.k8s.io'), r.groups.map((g) => g.label).join('; '));
    for (const f of files) assert.strictEqual(await readText(wsUri(f)), originals.get(f), `a dry run leaves ${f} alone`);

    // The command applies it with needsConfirmation (the refactor preview); a test cannot
    // click "Apply", so it applies the same changes without the confirmation.
    const plain = new vscode.WorkspaceEdit();
    for (const [uri, edits] of r.edit.entries()) for (const e of edits) plain.replace(uri, e.range, e.newText);
    assert.ok(await vscode.workspace.applyEdit(plain));
    for (const { file, replacements } of expected) {
      let want = originals.get(file)!;
      for (const [from, to] of replacements) {
        assert.ok(want.includes(from), `${file} holds ${from}`);
        want = want.replace(from, to);
      }
      assert.strictEqual((await vscode.workspace.openTextDocument(wsUri(file))).getText(), want, file);
      await diagnosticsCount(wsUri(file), file === 'Dockerfile' ? 1 : 0);
    }
    await vscode.workspace.saveAll(false);
    const again = await vscode.commands.executeCommand<MigrateResult>('registryMigrator.migrateWorkspace', { dryRun: true });
    assert.deepStrictEqual([again.files, again.references], [0, 0], 'migrating is idempotent');
  });
});
