import * as vscode from 'vscode';
import { loadRuleSet, RULES_FILE_NAME, type RuleProblem, type RuleSet } from '../core/analyze';
import { Disposable } from './disposable';
import { readSettings, SECTION } from './settings';

/**
 * The rules in force for each workspace folder: built-ins, the user's settings, and the
 * folder's .registry-migrations.yaml (from the editor when it is open, so a fix to the file
 * shows before it is saved). Problems in the file become diagnostics at their line and
 * column; a bad file never takes the built-in rules down. In an untrusted workspace the
 * file is not read at all, and `registryMigrator.rules` is a restricted setting (package.json
 * "capabilities"), so only built-in and user-level rules apply.
 */
export class RuleSets extends Disposable {
  private readonly sets = new Map<string, RuleSet>();
  private readonly fileProblems: vscode.DiagnosticCollection;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires after the rules changed (settings, the rules file, trust). */
  readonly onDidChange = this.changed.event;
  private reloadTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private toldUntrusted = false;
  private lastSettingsProblems = '';

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.fileProblems = this._register(vscode.languages.createDiagnosticCollection('registryMigrator.rules'));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) this.scheduleReload(0);
    }));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleReload(0)));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleReload(0)));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(`**/${RULES_FILE_NAME}`));
    const onFile = (uri: vscode.Uri) => {
      if (this.isRulesFile(uri)) this.scheduleReload(50);
    };
    this._register(watcher.onDidChange(onFile));
    this._register(watcher.onDidCreate(onFile));
    this._register(watcher.onDidDelete(onFile));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && this.isRulesFile(e.document.uri)) this.scheduleReload(250);
    }));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => {
      // Unsaved edits were discarded: the file on disk is the truth again.
      if (this.isRulesFile(d.uri)) this.scheduleReload(0);
    }));
  }

  /** The rule set for a file; built-ins plus settings until the first load finished. */
  get(uri: vscode.Uri | undefined): RuleSet {
    const folder = uri && folderOf(uri);
    const key = folder?.uri.toString() ?? '';
    let set = this.sets.get(key);
    if (!set) {
      const s = readSettings(folder?.uri);
      set = loadRuleSet({ userRules: s.rules, disabledRules: s.disabledRules, severity: s.severity }).ruleSet;
      this.sets.set(key, set);
    }
    return set;
  }

  /** Loads every folder's rules. Resolves when done; the first call is what activation waits for. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.loadAll()).catch((e: unknown) => {
      this.log.error(`loading rules failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    });
    return this.reloading;
  }

  isRulesFile(uri: vscode.Uri): boolean {
    if (!uri.path.endsWith('/' + RULES_FILE_NAME)) return false;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return !!folder && vscode.Uri.joinPath(folder.uri, RULES_FILE_NAME).toString() === uri.toString();
  }

  private scheduleReload(delayMs: number): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload().then(() => this.changed.fire());
    }, delayMs);
  }

  override dispose(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    super.dispose();
  }

  private async loadAll(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const next = new Map<string, RuleSet>();
    const fileDiagnostics: [vscode.Uri, vscode.Diagnostic[]][] = [];
    const settingsProblems: string[] = [];
    for (const folder of [undefined, ...folders]) {
      const s = readSettings(folder?.uri);
      let rulesFile: { text: string; path: string } | undefined;
      let fileUri: vscode.Uri | undefined;
      if (folder) {
        fileUri = vscode.Uri.joinPath(folder.uri, RULES_FILE_NAME);
        const text = await this.readRulesFile(fileUri);
        if (text !== undefined) {
          if (!vscode.workspace.isTrusted) {
            if (!this.toldUntrusted) this.log.info(`The workspace is not trusted: ${fileUri.fsPath} is not applied (built-in and user rules still are).`);
            this.toldUntrusted = true;
          } else {
            rulesFile = { text, path: fileUri.fsPath };
          }
        }
      }
      const loaded = loadRuleSet({ userRules: s.rules, rulesFile, disabledRules: s.disabledRules, severity: s.severity });
      next.set(folder?.uri.toString() ?? '', loaded.ruleSet);
      const inFile: RuleProblem[] = [];
      for (const p of loaded.problems) {
        if (rulesFile && p.path === rulesFile.path) inFile.push(p);
        else settingsProblems.push(`${p.path}: ${p.message}`);
      }
      if (fileUri) fileDiagnostics.push([fileUri, inFile.map(toDiagnostic)]);
    }
    this.sets.clear();
    for (const [k, v] of next) this.sets.set(k, v);
    this.fileProblems.clear();
    for (const [uri, diags] of fileDiagnostics) if (diags.length) this.fileProblems.set(uri, diags);
    const summary = [...new Set(settingsProblems)].join('\n');
    if (summary && summary !== this.lastSettingsProblems) this.log.warn(`Problems in the rules from settings (those rules are left out):\n${summary}`);
    this.lastSettingsProblems = summary;
    this.log.debug(`rules loaded for ${folders.length} folder(s)`);
  }

  private async readRulesFile(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined; // No rules file: only built-ins and settings.
    }
  }
}

/** A file's folder; an untitled document belongs to the only folder, if there is one. */
function folderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return vscode.workspace.getWorkspaceFolder(uri) ?? (uri.scheme === 'untitled' && folders.length === 1 ? folders[0] : undefined);
}

function toDiagnostic(p: RuleProblem): vscode.Diagnostic {
  const pos = new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
  const d = new vscode.Diagnostic(new vscode.Range(pos, pos.translate(0, 1)), p.message, vscode.DiagnosticSeverity.Error);
  d.source = 'Registry Migrator';
  d.code = 'rules-file';
  return d;
}
