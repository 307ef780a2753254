import * as vscode from 'vscode';
import type { Finding } from '../../core/analyze';
import { documentPositions, type Positions, textPositions } from '../convert';
import type { FindingsStore } from '../findingsStore';
import { readTextFile } from '../readTextFile';
import { type MigratePreview, readSettings } from '../settings';
import { listScannedFiles } from '../workspaceFiles';

export interface MigrateOptions {
  /** Build the edit and return it without applying it (tests, and callers that apply it themselves). */
  dryRun?: boolean;
  /** This run only: `preview` opens the refactor preview, `apply` applies at once; default from registryMigrator.migratePreview. */
  mode?: 'preview' | 'apply';
}

export interface MigrateResult {
  edit: vscode.WorkspaceEdit;
  references: number;
  files: number;
  /** One entry per rule: its label in the preview and how many references it changes. */
  groups: { label: string; references: number }[];
  applied: boolean;
  /** What really changed: references that no longer need a fix, and the files they are in. */
  appliedReferences: number;
  appliedFiles: number;
  /** How it was applied: in the preview, at once, or not at all (cancelled, nothing to do, dry run). */
  mode: 'preview' | 'apply' | 'none';
}

interface PlannedFile {
  uri: vscode.Uri;
  findings: Finding[];
  /** Ranges in the text the findings were planned from (the document's, or the file's on disk). */
  positions: Positions;
}

const APPLY = 'Apply';
const PREVIEW = 'Preview…';

/**
 * registryMigrator.migrateWorkspace: one WorkspaceEdit over every scanned file, each change
 * labelled with its rule, so the refactor preview groups it by rule. A modal asks Apply or
 * Preview… (registryMigrator.migratePreview can answer for good). Open documents contribute
 * their unsaved text; closed files are read from disk. The closing message counts what was
 * really applied, re-read from the documents: the user may have unticked changes.
 */
export async function migrateWorkspace(store: FindingsStore, log: vscode.LogOutputChannel, options: MigrateOptions = {}): Promise<MigrateResult> {
  const planned = await planWorkspace(store);
  const result = buildEdit(planned ?? []);
  if (!planned || options.dryRun) return result;
  if (result.references === 0) {
    void vscode.window.showInformationMessage('Registry Migrator: no moved image references in this workspace.');
    return result;
  }
  const summary = counted(result.references, result.files);
  const mode = options.mode ?? (await chooseMode(readSettings().migratePreview, summary, result.groups));
  if (!mode) return result;
  result.mode = mode;
  // Every change needsConfirmation=false, so every row of the preview starts ticked.
  if (mode === 'preview') requestPreview(result.edit, planned[0].uri);
  result.applied = await vscode.workspace.applyEdit(result.edit, { isRefactoring: true });
  if (result.applied) await countApplied(store, planned, result);
  const left = result.references - result.appliedReferences;
  log.info(`migrate workspace (${mode}): ${result.appliedReferences} of ${summary} applied`);
  if (!result.applied || result.appliedReferences === 0) {
    void vscode.window.showInformationMessage(`Registry Migrator: nothing changed (${summary} ${result.references === 1 ? 'was' : 'were'} found).`);
    return result;
  }
  const text = `Registry Migrator: migrated ${counted(result.appliedReferences, result.appliedFiles)}` + (left ? ` (${left} left unchanged)` : '') + '. Review and save the changed files.';
  void vscode.window.showInformationMessage(text, 'Save All').then((c) => (c ? vscode.workspace.saveAll(false) : undefined));
  return result;
}

function counted(references: number, files: number): string {
  return `${references} reference${references === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
}

async function chooseMode(setting: MigratePreview, summary: string, groups: MigrateResult['groups']): Promise<'preview' | 'apply' | undefined> {
  if (setting === 'always') return 'preview';
  if (setting === 'never') return 'apply';
  const detail = groups.map((g) => `${g.label} (${g.references})`).join('\n') + '\n\nSet registryMigrator.migratePreview to skip this question.';
  const choice = await vscode.window.showInformationMessage(`Migrate ${summary} to their new registries?`, { modal: true, detail }, APPLY, PREVIEW);
  return choice === APPLY ? 'apply' : choice === PREVIEW ? 'preview' : undefined;
}

/**
 * Makes VS Code open the refactor preview with every change ticked. The preview opens only
 * when some entry needsConfirmation, and starts each row ticked exactly when its entry does
 * NOT (BulkFileOperations._init in vs/workbench/contrib/bulkEdit/browser/preview/
 * bulkEditPreview.ts: `checked.updateChecked(edit, !edit.metadata?.needsConfirmation)`), so
 * marking the changes themselves leaves every row unticked. The one entry that asks for
 * confirmation is a create of a file that exists, with ignoreIfExists: the preview leaves
 * such an entry out of its tree, and applied anyway it changes nothing.
 */
function requestPreview(edit: vscode.WorkspaceEdit, existing: vscode.Uri): void {
  edit.createFile(existing, { ignoreIfExists: true }, { label: 'Registry Migrator', needsConfirmation: true });
}

async function planWorkspace(store: FindingsStore): Promise<PlannedFile[] | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Registry Migrator: finding moved images', cancellable: true },
    async (_p, token) => {
      const list = await listScannedFiles(token, (u) => store.isExcludedByRules(u));
      const planned: PlannedFile[] = [];
      for (const uri of list) {
        if (token.isCancellationRequested) return undefined;
        const doc = openDocument(uri);
        const text = doc ? doc.getText() : await currentText(uri);
        if (text === undefined) continue;
        const findings = store.analyze(text, uri).filter((f) => f.edits.length);
        if (findings.length) planned.push({ uri, findings, positions: doc ? documentPositions(doc) : textPositions(text) });
      }
      return planned;
    },
  );
}

/** An open document's text (unsaved edits included), else the file's; undefined when skipped. */
async function currentText(uri: vscode.Uri): Promise<string | undefined> {
  const doc = openDocument(uri);
  if (doc) return doc.getText();
  const read = await readTextFile(uri, readSettings(uri).maxFileSizeKB * 1024);
  return 'skipped' in read ? undefined : read.text;
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

function buildEdit(planned: PlannedFile[]): MigrateResult {
  const edit = new vscode.WorkspaceEdit();
  const groups = new Map<string, { label: string; references: number }>();
  let references = 0;
  for (const { uri, findings, positions } of planned) {
    // A companion edit (the same object on several findings of a file) goes in once.
    const written = new Set<Finding['edits'][number]>();
    for (const f of findings) {
      references++;
      // The preview groups changes by label: one group per rule.
      const label = `${f.rule.id}: ${f.rule.from.join(', ')} → ${f.rule.to ?? ''}`;
      const g = groups.get(f.rule.id) ?? { label, references: 0 };
      g.references++;
      groups.set(f.rule.id, g);
      const metadata: vscode.WorkspaceEditEntryMetadata = { label, description: f.rule.reason, needsConfirmation: false };
      for (const e of f.edits) {
        if (written.has(e)) continue;
        written.add(e);
        const m = f.companions?.some((c) => c.edit === e) ? { ...metadata, label: `${label} (companion)`, description: f.companions.find((c) => c.edit === e)!.description } : metadata;
        edit.replace(uri, positions.range(e.span), e.newText, m);
      }
    }
  }
  return { edit, references, files: planned.length, groups: [...groups.values()], applied: false, appliedReferences: 0, appliedFiles: 0, mode: 'none' };
}

/** After applying: how many planned references no longer need a fix, per file, from the documents' text now. */
async function countApplied(store: FindingsStore, planned: PlannedFile[], result: MigrateResult): Promise<void> {
  for (const { uri, findings } of planned) {
    const text = await currentText(uri);
    if (text === undefined) continue;
    const remaining = store.analyze(text, uri).filter((f) => f.edits.length).length;
    const done = Math.max(0, findings.length - remaining);
    result.appliedReferences += done;
    if (done) result.appliedFiles++;
  }
}
