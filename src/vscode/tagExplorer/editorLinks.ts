import * as vscode from 'vscode';
import type { Finding } from '../../core/analyze';
import { ANALYZABLE_SELECTOR, isAnalyzableUri } from '../analyzableDocument';
import { Disposable } from '../disposable';
import { DIAGNOSTIC_SOURCE, diagnosticKey, type FindingsStore } from '../findingsStore';
import { CMD } from './tagNodes';

/** The arguments of registryMigrator.showInTagExplorer for a finding: old name, new name, tag. */
export function showArgs(f: Finding): [string, string, string | undefined] {
  return [f.oldName, f.newName ?? '', f.mention.ref?.tag];
}

/**
 * "Show in Tag Explorer" on a deprecated reference: an entry in its quick-fix menu (never
 * preferred) that reveals the pair and the tag; the hover (src/vscode/hover) links to the same
 * command. Only for rules with a new home (a removed image has no pair to show).
 */
export class EditorLinks extends Disposable implements vscode.CodeActionProvider {
  constructor(private readonly store: FindingsStore) {
    super();
    this._register(vscode.languages.registerCodeActionsProvider(ANALYZABLE_SELECTOR, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    try {
      if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
      if (!isAnalyzableUri(doc.uri)) return [];
      const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
      if (!ours.length) return [];
      const record = this.store.current(doc);
      const seen = new Set<string>();
      const out: vscode.CodeAction[] = [];
      for (const d of ours) {
        const f = record?.byKey.get(diagnosticKey(d));
        if (!f?.newName) continue;
        const args = showArgs(f);
        const key = JSON.stringify(args);
        if (seen.has(key)) continue;
        seen.add(key);
        const a = new vscode.CodeAction('Show in Tag Explorer', vscode.CodeActionKind.QuickFix);
        a.command = { command: CMD.showInTagExplorer, title: 'Show in Tag Explorer', arguments: args };
        a.diagnostics = [d];
        out.push(a);
      }
      return out;
    } catch {
      return [];
    }
  }
}
