import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, codeActions, codeOf, diagnosticsCount } from './helpers';

// The editor applies "the" preferred fix on Ctrl+. / "Auto Fix": with two preferred
// actions for one diagnostic it has no single answer (VS Code then offers none). So each
// fixable diagnostic has exactly one preferred action, its own "Replace with", and "Fix
// all" (quick fix or source.fixAll) is never preferred.
describe('preferred quick fixes', () => {
  before(activated);

  it('exactly one preferred action per fixable diagnostic, and none for a rule with no target', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'dockerfile',
      content: 'FROM k8s.gcr.io/pause:3.9 AS pause\nFROM docker.io/bitnami/redis:7.2 AS cache\nFROM gcr.io/spark-operator/spark:v3.1.1\n',
    });
    const diags = await diagnosticsCount(doc.uri, 3);
    const seen: string[] = [];
    for (const d of diags) {
      const actions = await codeActions(doc.uri, d.range);
      const ours = actions.filter((a) => /^(Replace with|Fix all|Open the rule's source)/.test(a.title));
      assert.ok(ours.some((a) => a.title.startsWith('Fix all')), `${codeOf(d)}: Fix all is offered (${ours.map((a) => a.title).join(', ')})`);
      const preferred = actions.filter((a) => a.isPreferred).map((a) => a.title);
      if (codeOf(d) === 'SO-GCR-SPARK') {
        assert.deepStrictEqual(preferred, [], `${codeOf(d)} has no fix to prefer`);
      } else {
        assert.strictEqual(preferred.length, 1, `${codeOf(d)}: preferred ${JSON.stringify(preferred)}`);
        assert.match(preferred[0], /^Replace with `/);
      }
      seen.push(codeOf(d));
    }
    assert.deepStrictEqual(seen.sort(), ['BITNAMI-LEGACY', 'K8S-GCR', 'SO-GCR-SPARK']);
  });

  it('source.fixAll.registryMigrator is not preferred either', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM k8s.gcr.io/pause:3.9\n' });
    await diagnosticsCount(doc.uri, 1);
    const all = await codeActions(doc.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.registryMigrator');
    assert.deepStrictEqual(all.map((a) => [a.title, Boolean(a.isPreferred)]), [['Fix all registry references', false]]);
  });
});
