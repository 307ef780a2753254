import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, diagnosticsCount, readText, wsUri } from './helpers';

interface MigrateResult {
  edit: vscode.WorkspaceEdit;
  references: number;
  files: number;
  groups: { label: string; references: number }[];
  applied: boolean;
}

describe('registryMigrator.migrateWorkspace', () => {
  before(activated);

  it('builds one edit over every file with moved references, grouped by rule; applying it migrates them', async () => {
    // Earlier suites fixed values.yaml, ci.yml and the K8S-GCR line of the Dockerfile.
    const files = ['Dockerfile', 'docs/install.md', 'deploy/overlays/prod/kustomization.yaml'];
    const before = await Promise.all(files.map((f) => readText(wsUri(f))));
    const r = await vscode.commands.executeCommand<MigrateResult>('registryMigrator.migrateWorkspace', { dryRun: true });
    assert.strictEqual(r.applied, false);
    assert.deepStrictEqual([r.files, r.references], [3, 3]);
    assert.deepStrictEqual(r.groups.map((g) => g.label).sort(), [
      'BITNAMI-LEGACY: docker.io/bitnami → docker.io/bitnamilegacy',
      'COREOS-PROMETHEUS-OPERATOR: quay.io/coreos/prometheus-operator → quay.io/prometheus-operator/prometheus-operator',
      'SO-GHCR-GCP: ghcr.io/googlecloudplatform/spark-operator → ghcr.io/kubeflow/spark-operator/controller',
    ]);
    assert.deepStrictEqual(r.edit.entries().map(([u]) => vscode.workspace.asRelativePath(u)).sort(), [...files].sort());
    assert.deepStrictEqual(await Promise.all(files.map((f) => readText(wsUri(f)))), before, 'a dry run changes nothing');

    // The command applies it with needsConfirmation (the refactor preview); a test cannot
    // click "Apply", so it applies the same changes without the confirmation.
    const plain = new vscode.WorkspaceEdit();
    for (const [uri, edits] of r.edit.entries()) for (const e of edits) plain.replace(uri, e.range, e.newText);
    assert.ok(await vscode.workspace.applyEdit(plain));
    const after = await Promise.all(files.map(async (f) => (await vscode.workspace.openTextDocument(wsUri(f))).getText()));
    assert.deepStrictEqual(after, [
      before[0].replace('docker.io/bitnami/redis:7.2', 'docker.io/bitnamilegacy/redis:7.2'),
      before[1].replace('ghcr.io/googlecloudplatform/spark-operator:', 'ghcr.io/kubeflow/spark-operator/controller:'),
      before[2].replace('newName: quay.io/coreos/prometheus-operator', 'newName: quay.io/prometheus-operator/prometheus-operator'),
    ]);
    for (const f of files.slice(1)) await diagnosticsCount(wsUri(f), 0);
    await diagnosticsCount(wsUri('Dockerfile'), 1); // the removed Spark image has no target
    await vscode.workspace.saveAll(false);
    const again = await vscode.commands.executeCommand<MigrateResult>('registryMigrator.migrateWorkspace', { dryRun: true });
    assert.deepStrictEqual([again.files, again.references], [0, 0], 'migrating is idempotent');
  });
});
