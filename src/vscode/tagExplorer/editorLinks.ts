import * as vscode from 'vscode';
import type { Finding } from '../../core/analyze';
import { Disposable } from '../disposable';
import { DIAGNOSTIC_SOURCE, diagnosticKey, type FindingsStore, formatOf } from '../findingsStore';
import { CMD } from './tagNodes';

/** The arguments of registryMigrator.showInTagExplorer for a finding: old name, new name, tag. */
export function showArgs(f: Finding): [string, string, string | undefined] {
  return [f.oldName, f.newName ?? '', f.mention.ref?.tag];
}

/**
 * "Show in Tag Explorer" on a deprecated reference: a link in its hover and an entry in its
 * quick-fix menu, both revealing the pair and the tag. Only for rules with a new home (a
 * removed image has no pair to show).
 */
export class EditorLinks extends Disposable implements vscode.HoverProvider, vscode.CodeActionProvider {
  constructor(private readonly store: FindingsStore) {
    super();
    const selector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];
    this._register(vscode.languages.registerHoverProvider(selector, this));
    this._register(vscode.languages.registerCodeActionsProvider(selector, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    try {
      if (!formatOf(doc.uri, doc.languageId)) return undefined;
      const offset = doc.offsetAt(pos);
      const f = this.store.current(doc)?.findings.find((x) => x.newName && x.spans.some((s) => s.start <= offset && offset <= s.end));
      if (!f) return undefined;
      const span = f.spans.find((s) => s.start <= offset && offset <= s.end)!;
      const md = new vscode.MarkdownString(`[$(list-tree) Show in Tag Explorer](command:${CMD.showInTagExplorer}?${encodeURIComponent(JSON.stringify(showArgs(f)))} "Compare the tags of ${f.oldName} and ${f.newName}")`, true);
      md.isTrusted = { enabledCommands: [CMD.showInTagExplorer] };
      return new vscode.Hover(md, new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end)));
    } catch {
      return undefined;
    }
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    try {
      if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
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
