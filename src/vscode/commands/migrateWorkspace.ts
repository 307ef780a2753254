import * as vscode from 'vscode';
import type { Finding } from '../../core/analyze';
import { documentPositions, textPositions } from '../convert';
import type { FindingsStore } from '../findingsStore';
import { readTextFile } from '../readTextFile';
import { readSettings } from '../settings';
import { listScannedFiles } from '../workspaceFiles';

export interface MigrateOptions {
  /**
   * Build the edit and return it without applying it. The refactor preview cannot be
   * clicked in a test, so the integration tests apply the returned edit themselves.
   */
  dryRun?: boolean;
}

export interface MigrateResult {
  edit: vscode.WorkspaceEdit;
  references: number;
  files: number;
  /** One entry per rule: its label in the preview and how many references it changes. */
  groups: { label: string; references: number }[];
  applied: boolean;
}

/**
 * registryMigrator.migrateWorkspace: one WorkspaceEdit over every scanned file, each change
 * labelled with its rule and marked needsConfirmation, so VS Code opens the refactor
 * preview grouped by rule before anything changes. Open documents contribute their
 * unsaved text; closed files are read from disk.
 */
export async function migrateWorkspace(store: FindingsStore, log: vscode.LogOutputChannel, options: MigrateOptions = {}): Promise<MigrateResult> {
  const edit = new vscode.WorkspaceEdit();
  const groups = new Map<string, { label: string; references: number }>();
  let references = 0;
  let files = 0;
  const uris = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Registry Migrator: finding moved images', cancellable: true },
    async (_p, token) => {
      const list = await listScannedFiles(token, (u) => store.isExcludedByRules(u));
      const planned: [vscode.Uri, Finding[], (s: Finding['edits'][number]['span']) => vscode.Range][] = [];
      for (const uri of list) {
        if (token.isCancellationRequested) return undefined;
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        let text: string;
        if (doc) text = doc.getText();
        else {
          const read = await readTextFile(uri, readSettings(uri).maxFileSizeKB * 1024);
          if ('skipped' in read) continue;
          text = read.text;
        }
        const findings = store.analyze(text, uri).filter((f) => f.edits.length);
        if (!findings.length) continue;
        const positions = doc ? documentPositions(doc) : textPositions(text);
        planned.push([uri, findings, (s) => positions.range(s)]);
      }
      return planned;
    },
  );
  if (!uris) return { edit, references: 0, files: 0, groups: [], applied: false };
  for (const [uri, findings, range] of uris) {
    files++;
    // A companion edit (the same object on several findings of a file) goes in once.
    const written = new Set<Finding['edits'][number]>();
    for (const f of findings) {
      references++;
      // The preview groups changes by label: one group per rule.
      const label = `${f.rule.id}: ${f.rule.from.join(', ')} → ${f.rule.to ?? ''}`;
      const g = groups.get(f.rule.id) ?? { label, references: 0 };
      g.references++;
      groups.set(f.rule.id, g);
      const metadata: vscode.WorkspaceEditEntryMetadata = { label, description: f.rule.reason, needsConfirmation: true };
      for (const e of f.edits) {
        if (written.has(e)) continue;
        written.add(e);
        const m = f.companions?.some((c) => c.edit === e) ? { ...metadata, label: `${label} (companion)`, description: f.companions.find((c) => c.edit === e)!.description } : metadata;
        edit.replace(uri, range(e.span), e.newText, m);
      }
    }
  }
  const result: MigrateResult = { edit, references, files, groups: [...groups.values()], applied: false };
  if (options.dryRun) return result;
  if (references === 0) {
    void vscode.window.showInformationMessage('Registry Migrator: no moved image references in this workspace.');
    return result;
  }
  result.applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  const summary = `${references} reference${references === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
  log.info(result.applied ? `migrated ${summary}` : `migration of ${summary} was not applied`);
  void vscode.window.showInformationMessage(
    result.applied ? `Registry Migrator: replaced ${summary}. Review and save the changed files.` : `Registry Migrator: nothing changed (${summary} were found).`,
  );
  return result;
}
