import * as vscode from 'vscode';
import type { Finding } from '../../core/analyze';
import { dedupeEdits } from '../../core/rewrite/applyEdits';
import { ANALYZABLE_SELECTOR, isAnalyzableUri } from '../analyzableDocument';
import { documentPositions, sourceUri } from '../convert';
import { Disposable } from '../disposable';
import { DIAGNOSTIC_SOURCE, diagnosticKey, type FindingsStore, formatOf } from '../findingsStore';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('registryMigrator');

/**
 * Quick fixes from the edits recorded with each diagnostic:
 * - "Replace with `<new>`" (preferred) for a diagnostic whose rule has a target;
 * - "Open the rule's source" for a rule with no target (an image removed upstream);
 * - "Fix all registry references in this file", offered with any of our diagnostics;
 * - `source.fixAll.registryMigrator`, for "editor.codeActionsOnSave".
 */
export class MigrationCodeActions extends Disposable implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly store: FindingsStore) {
    super();
    this._register(vscode.languages.registerCodeActionsProvider(ANALYZABLE_SELECTOR, this, MigrationCodeActions.metadata));
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    try {
      if (!isAnalyzableUri(doc.uri) || !formatOf(doc.uri, doc.languageId)) return [];
      const record = this.store.current(doc);
      if (!record) return [];
      const only = context.only;
      if (only && FIX_ALL_KIND.intersects(only) && !vscode.CodeActionKind.QuickFix.intersects(only)) {
        return this.fixAll(doc, record.findings, FIX_ALL_KIND, 'Fix all registry references');
      }
      const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
      const actions: vscode.CodeAction[] = [];
      const done = new Set<Finding>();
      for (const d of ours) {
        const f = record.byKey.get(diagnosticKey(d));
        if (!f || done.has(f)) continue;
        done.add(f);
        const related = ours.filter((o) => record.byKey.get(diagnosticKey(o)) === f);
        const action = this.fixOne(doc, f, related);
        if (action) actions.push(action);
      }
      if (done.size && (!only || vscode.CodeActionKind.QuickFix.intersects(only))) {
        actions.push(...this.fixAll(doc, record.findings, vscode.CodeActionKind.QuickFix, 'Fix all registry references in this file'));
      }
      return actions;
    } catch {
      // A code action request must never surface an error from us.
      return [];
    }
  }

  private fixOne(doc: vscode.TextDocument, f: Finding, diagnostics: vscode.Diagnostic[]): vscode.CodeAction | undefined {
    if (f.edits.length) {
      const a = new vscode.CodeAction(fixTitle(f), vscode.CodeActionKind.QuickFix);
      a.edit = this.editFor(doc, [f]);
      a.diagnostics = diagnostics;
      // The one preferred action of the diagnostic ("Fix all" and "Show in Tag Explorer" never are):
      // with two, Auto Fix (⇧⌥.) applies neither. None when the registry said the new
      // reference is missing or a different image: Auto Fix must not break a pull.
      const state = this.store.verificationOf(f)?.state;
      a.isPreferred = state !== 'missing-at-new' && state !== 'different';
      return a;
    }
    const target = sourceUri(f.rule.source);
    if (f.newName === null && target) {
      const a = new vscode.CodeAction(`Open the rule's source (${f.rule.id})`, vscode.CodeActionKind.QuickFix);
      a.command = { command: 'vscode.open', title: "Open the rule's source", arguments: [target] };
      a.diagnostics = diagnostics;
      return a;
    }
    return undefined;
  }

  private fixAll(doc: vscode.TextDocument, findings: readonly Finding[], kind: vscode.CodeActionKind, title: string): vscode.CodeAction[] {
    const fixable = findings.filter((f) => f.edits.length);
    if (!fixable.length) return [];
    const a = new vscode.CodeAction(title, kind);
    a.edit = this.editFor(doc, fixable);
    return [a];
  }

  private editFor(doc: vscode.TextDocument, findings: readonly Finding[]): vscode.WorkspaceEdit {
    const positions = documentPositions(doc);
    const edit = new vscode.WorkspaceEdit();
    // Companion edits (Bitnami's allowInsecureImages) ride on several findings: write each once.
    for (const e of dedupeEdits(findings.flatMap((f) => f.edits)).edits) edit.replace(doc.uri, positions.range(e.span), e.newText);
    return edit;
  }
}

/**
 * "Replace with `registry.k8s.io/pause:3.9`"; for a split reference, every field it changes:
 * "Replace with `ghcr.io` + `kubeflow/spark-operator/controller`" (the registry field changes too).
 */
export function fixTitle(f: Finding): string {
  const changed = f.partReplacements?.filter((r) => r.newText !== r.part.text && f.edits.some((e) => e.span.start === r.part.span.start && e.span.end === r.part.span.end));
  const shown = changed?.length ? changed.map((r) => `\`${r.newText}\``).join(' + ') : `\`${f.replacement ?? f.newName ?? ''}\``;
  return `Replace with ${shown}`;
}
