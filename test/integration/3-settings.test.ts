import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, codeOf, diagnosticsCount, ours, rangeOf, setSetting, waitFor, writeText, wsUri } from './helpers';

const RULES = '.registry-migrations.yaml';

describe('settings and the rules file', () => {
  before(activated);
  after(async () => {
    for (const key of ['severity', 'disabledRules', 'rules', 'exclude', 'maxFileSizeKB']) await setSetting('registryMigrator', key, undefined);
    await setSetting('files', 'exclude', undefined);
    await vscode.workspace.fs.delete(wsUri(closedFile)).then(undefined, () => undefined);
  });

  it('registryMigrator.severity overrides every rule, and back', async () => {
    const uri = wsUri('docs/install.md');
    await vscode.workspace.openTextDocument(uri);
    const [d] = await diagnosticsCount(uri, 1);
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Warning);
    await setSetting('registryMigrator', 'severity', 'error');
    await waitFor('severity error', () => (ours(uri)[0]?.severity === vscode.DiagnosticSeverity.Error ? true : undefined));
    await setSetting('registryMigrator', 'severity', 'rule');
    await waitFor('severity warning', () => (ours(uri)[0]?.severity === vscode.DiagnosticSeverity.Warning ? true : undefined));
  });

  it('registryMigrator.disabledRules removes that rule\'s diagnostics, also in closed files', async () => {
    const md = wsUri('docs/install.md');
    const kustomization = wsUri('deploy/overlays/prod/kustomization.yaml');
    await diagnosticsCount(md, 1);
    await setSetting('registryMigrator', 'disabledRules', ['SO-GHCR-GCP']);
    await diagnosticsCount(md, 0);
    assert.strictEqual(ours(kustomization).length, 1, 'other rules stay');
    await setSetting('registryMigrator', 'disabledRules', undefined);
    await diagnosticsCount(md, 1);
  });

  it('registryMigrator.rules adds a rule', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM registry.acme.example/team/app:1.0\n' });
    await diagnosticsCount(doc.uri, 0);
    await setSetting('registryMigrator', 'rules', [
      { id: 'ACME-MOVE', from: 'registry.acme.example/team', to: 'ghcr.io/acme/team', reason: 'the team moved', since: '2025-01', source: 'https://example.com/acme' },
    ]);
    const [d] = await diagnosticsCount(doc.uri, 1);
    assert.deepStrictEqual([codeOf(d), d.message], ['ACME-MOVE', 'registry.acme.example/team/app moved to ghcr.io/acme/team/app: the team moved (since 2025-01).']);
    await setSetting('registryMigrator', 'rules', undefined);
    await diagnosticsCount(doc.uri, 0);
  });

  const closedFile = 'generated/Dockerfile';
  const scopeCases: { name: string; section: string; key: string; value: unknown }[] = [
    { name: 'registryMigrator.exclude', section: 'registryMigrator', key: 'exclude', value: ['**/generated/**'] },
    { name: 'files.exclude', section: 'files', key: 'exclude', value: { '**/generated': true } },
    { name: 'registryMigrator.maxFileSizeKB', section: 'registryMigrator', key: 'maxFileSizeKB', value: 1 },
  ];
  for (const c of scopeCases) {
    it(`${c.name} takes a closed file out of the workspace scan, and back`, async () => {
      const uri = wsUri(closedFile);
      // Over 1 KB, never opened: only the scan and the watcher see it.
      await writeText(uri, '# generated\n'.repeat(100) + 'FROM k8s.gcr.io/etcd:3.5.9-0\n');
      await diagnosticsCount(uri, 1);
      await setSetting(c.section, c.key, c.value);
      await diagnosticsCount(uri, 0);
      await setSetting(c.section, c.key, undefined);
      await diagnosticsCount(uri, 1);
    });
  }

  it('an invalid rules file gets a diagnostic at the error, and the built-in rules keep working', async () => {
    const rules = wsUri(RULES);
    await writeText(rules, 'rules:\n  - id: ACME-MOVE\n    from: registry.acme.example/team\n    to: ghcr.io/acme/team\n    severity: loud\n');
    const problems = await waitFor('a rules-file diagnostic', () => {
      const d = vscode.languages.getDiagnostics(rules);
      return d.length ? d : undefined;
    });
    assert.deepStrictEqual(problems.map((p) => [rangeOf(p).split('-')[0], p.severity]), [['4:14', vscode.DiagnosticSeverity.Error]]);
    assert.match(problems[0].message, /severity/);
    assert.strictEqual(ours(wsUri('docs/install.md')).length, 1, 'built-in rules still apply');
  });

  it('fixing the rules file re-evaluates: its rule applies, its diagnostic goes', async () => {
    const rules = wsUri(RULES);
    const image = wsUri('acme/Dockerfile');
    await writeText(image, 'FROM registry.acme.example/team/app:1.0\n');
    const doc = await vscode.workspace.openTextDocument(image);
    await writeText(rules, 'rules:\n  - id: ACME-MOVE\n    from: registry.acme.example/team\n    to: ghcr.io/acme/team\n    severity: error\n');
    const [d] = await diagnosticsCount(doc.uri, 1);
    assert.deepStrictEqual([codeOf(d), d.severity], ['ACME-MOVE', vscode.DiagnosticSeverity.Error]);
    await waitFor('no rules-file diagnostic', () => (vscode.languages.getDiagnostics(rules).length === 0 ? true : undefined));
    await vscode.workspace.fs.delete(rules);
    await diagnosticsCount(doc.uri, 0);
  });

  it('registryMigrator.openRulesFile creates a commented template that loads cleanly', async () => {
    await vscode.workspace.fs.delete(wsUri(RULES)).then(undefined, () => undefined);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('registryMigrator.openRulesFile');
    assert.strictEqual(uri?.toString(), wsUri(RULES).toString());
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /^# Registry Migrator/);
    assert.match(text, /^rules: \[\]$/m);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepStrictEqual(vscode.languages.getDiagnostics(uri), []);
    await vscode.workspace.fs.delete(uri);
  });
});
