import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, codeOf, diagnosticsCount, ours, rangeOf, screenshot, wsUri } from './helpers';

describe('diagnostics', () => {
  before(activated);

  const cases: {
    name: string;
    file: string;
    /** rule id, range, severity; in document order */
    expect: [string, string, vscode.DiagnosticSeverity][];
  }[] = [
    {
      name: 'Dockerfile: FROM lines, a removed image is an error',
      file: 'Dockerfile',
      expect: [
        ['K8S-GCR', '1:5-1:25', vscode.DiagnosticSeverity.Warning],
        ['BITNAMI-LEGACY', '2:5-2:32', vscode.DiagnosticSeverity.Warning],
        ['SO-GCR-SPARK', '3:5-3:39', vscode.DiagnosticSeverity.Error],
      ],
    },
    {
      name: 'Helm values: both fields of the split reference, the inline image, not the templated one',
      file: 'charts/spark-operator/values.yaml',
      expect: [
        ['SO-GCR-OP', '5:12-5:18', vscode.DiagnosticSeverity.Warning],
        ['SO-GCR-OP', '7:14-7:43', vscode.DiagnosticSeverity.Warning],
        ['K8S-GCR', '13:10-13:62', vscode.DiagnosticSeverity.Warning],
      ],
    },
    { name: 'Helm template: a templated reference is skipped', file: 'charts/spark-operator/templates/deployment.yaml', expect: [] },
    {
      name: 'GitHub workflow: container, service and run step',
      file: '.github/workflows/ci.yml',
      expect: [
        ['COREOS-FLANNEL', '5:15-5:45', vscode.DiagnosticSeverity.Warning],
        ['BITNAMI-LEGACY', '8:15-8:32', vscode.DiagnosticSeverity.Warning],
        ['K8S-GCR', '11:25-11:54', vscode.DiagnosticSeverity.Warning],
      ],
    },
    { name: 'Markdown: a code block', file: 'docs/install.md', expect: [['SO-GHCR-GCP', '5:12-5:74', vscode.DiagnosticSeverity.Warning]] },
    { name: 'Kustomization: images[].newName', file: 'deploy/overlays/prod/kustomization.yaml', expect: [['COREOS-PROMETHEUS-OPERATOR', '6:13-6:47', vscode.DiagnosticSeverity.Warning]] },
    { name: 'a file that is already migrated', file: 'clean.yaml', expect: [] },
  ];
  for (const c of cases) {
    it(`on open: ${c.name}`, async () => {
      const uri = wsUri(c.file);
      await vscode.window.showTextDocument(uri, { preview: false });
      if (c.expect.length === 0) await new Promise((r) => setTimeout(r, 300));
      const diags = await diagnosticsCount(uri, c.expect.length);
      assert.deepStrictEqual(diags.map((d) => [codeOf(d), rangeOf(d), d.severity]), c.expect);
      for (const d of diags) {
        assert.deepStrictEqual(d.tags, [vscode.DiagnosticTag.Deprecated], 'struck through');
        assert.ok(typeof d.code === 'object' && d.code.target.scheme === 'https', `code links to the rule's source: ${JSON.stringify(d.code)}`);
      }
    });
  }

  it('the message names the old and new location, why, and since when; the code links the source', () => {
    const [d] = ours(wsUri('Dockerfile'));
    assert.strictEqual(
      d.message,
      'k8s.gcr.io/pause moved to registry.k8s.io/pause: k8s.gcr.io is frozen; Kubernetes images are published to registry.k8s.io (since 2023-04-03).',
    );
    assert.ok(typeof d.code === 'object');
    assert.strictEqual(d.code.target.toString(true), 'https://kubernetes.io/blog/2023/03/10/image-registry-redirect/');
  });

  it('each field of a split Helm reference points at the other one', () => {
    const uri = wsUri('charts/spark-operator/values.yaml');
    const [registry, repository] = ours(uri);
    assert.deepStrictEqual(registry.relatedInformation?.map((r) => [r.location.uri.toString(), rangeOf(r.location), r.message]), [
      [uri.toString(), '7:14-7:43', 'the repository field (spark-operator/spark-operator) of the same image'],
    ]);
    assert.deepStrictEqual(repository.relatedInformation?.map((r) => [rangeOf(r.location), r.message]), [['5:12-5:18', 'the registry field (gcr.io) of the same image']]);
  });

  it('an edit updates the diagnostics', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM alpine:3.20\n' });
    await vscode.window.showTextDocument(doc);
    await diagnosticsCount(doc.uri, 0);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(1, 0), 'FROM quay.io/coreos/kube-state-metrics:v1.9.8\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const [d] = await diagnosticsCount(doc.uri, 1);
    assert.deepStrictEqual([codeOf(d), rangeOf(d)], ['COREOS-KUBE-STATE-METRICS', '1:5-1:45']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('the workspace scan reports closed files too', async () => {
    const result = await vscode.commands.executeCommand<{ files: number; findings: number; cancelled: boolean }>('registryMigrator.scanWorkspace');
    assert.strictEqual(result.cancelled, false);
    // Chart.yaml, clean.yaml and the template have no finding; the fixture has 10 findings.
    assert.deepStrictEqual([result.files, result.findings], [8, 10]);
  });

  it('a scan can be cancelled, and keeps what it already published', async () => {
    const before = ours(wsUri('.github/workflows/ci.yml')).length;
    const scan = vscode.commands.executeCommand<{ cancelled: boolean; files: number }>('registryMigrator.scanWorkspace');
    await vscode.commands.executeCommand('registryMigrator.cancelScan');
    const r = await scan;
    assert.strictEqual(r.cancelled, true);
    assert.ok(r.files < 8, `stopped early (${r.files} files)`);
    assert.strictEqual(ours(wsUri('.github/workflows/ci.yml')).length, before);
  });

  const hostile: { name: string; language: string; content: string }[] = [
    { name: 'broken YAML', language: 'yaml', content: 'image: [unclosed\n  - {a: \n\tkey: "x\n' },
    { name: 'binary content', language: 'dockerfile', content: 'FROM k8s.gcr.io/pause:3.9\n\0\0\0\u0001\u0002' },
    { name: 'a 200,000-character line', language: 'yaml', content: 'image: ' + 'a'.repeat(200_000) + '\n' },
  ];
  for (const c of hostile) {
    it(`bad input never breaks the extension: ${c.name}`, async () => {
      const doc = await vscode.workspace.openTextDocument({ language: c.language, content: c.content });
      await new Promise((r) => setTimeout(r, 200));
      assert.deepStrictEqual(ours(doc.uri), []);
      // Still alive: a good document right after gets its diagnostic.
      const good = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM k8s.gcr.io/pause:3.9\n' });
      await diagnosticsCount(good.uri, 1);
    });
  }

  it('registryMigrator.showOutput shows the log', async () => {
    await vscode.commands.executeCommand('registryMigrator.showOutput');
  });

  it('screenshot: struck-through references and the Problems panel', async function () {
    if (!process.env.RM_SCREENSHOT_URL) this.skip();
    await vscode.window.showTextDocument(wsUri('charts/spark-operator/values.yaml'), { preview: false });
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const out = process.env.RM_README_SCREENSHOT ? 'media/editor.png' : undefined;
    const saved = await screenshot('editor.png', 'moved to ghcr.io/kubeflow/spark-operator/controller', out);
    assert.ok(saved && saved.includes('.png'), String(saved));
  });
});
