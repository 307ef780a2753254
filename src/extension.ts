import * as vscode from 'vscode';
import { MigrationCodeActions } from './vscode/codeActions/migrationCodeActions';
import { migrateWorkspace, type MigrateOptions } from './vscode/commands/migrateWorkspace';
import { openRulesFile } from './vscode/commands/openRulesFile';
import { DocumentDiagnostics } from './vscode/diagnostics/documentDiagnostics';
import { WorkspaceScanner } from './vscode/diagnostics/workspaceScanner';
import { FindingsStore } from './vscode/findingsStore';
import { ImageHover } from './vscode/hover/imageHover';
import { VerificationStore } from './core/verify/index';
import { ReferenceVerifier } from './vscode/verification/referenceVerifier';
import { verificationOf } from './vscode/verificationOf';
import { RuleSets } from './vscode/ruleSets';
import { filesExclude, readSettings, SECTION } from './vscode/settings';
import { TagExplorer, type TagExplorerApi } from './vscode/tagExplorer/tagExplorer';

/** What activate() returns; the benchmark reads activationMs. */
export interface RegistryMigratorApi {
  activationMs: number;
  /** Resolves when the rules are loaded and the open documents have diagnostics. */
  ready: Promise<void>;
  /** The Tag Explorer's tree, for integration tests and bench:explorer. */
  tagExplorer: TagExplorerApi;
}

// Wiring only: every piece lives in src/vscode and owns what it creates.
export function activate(context: vscode.ExtensionContext): RegistryMigratorApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Registry Migrator', { log: true });
  const rules = new RuleSets(log);
  const store = new FindingsStore(rules, log);
  const documents = new DocumentDiagnostics(store);
  const scanner = new WorkspaceScanner(store, log);
  context.subscriptions.push(log, rules, store, documents, scanner, new MigrationCodeActions(store));
  // One store of registry results this session (core/verify, as the CLI's --verify): the Tag
  // Explorer and the reference check write it; diagnostics, quick fixes and hovers read it.
  const verifications = new VerificationStore();
  store.verificationOf = (f) => verificationOf(verifications, f);
  const tagExplorer = new TagExplorer(context, store, log, verifications);
  const verifier = new ReferenceVerifier(store, verifications, () => tagExplorer.access.client, () => documents.analyzeAll(), log);
  context.subscriptions.push(tagExplorer, new ImageHover(store, verifications), verifier);

  const reanalyze = () => {
    documents.analyzeAll();
    if (scanner.wantsRescan) void scanner.scan();
  };
  context.subscriptions.push(
    rules.onDidChange(reanalyze),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Rule settings reload the rules (RuleSets fires onDidChange); what is scanned changes here.
      if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration(`${SECTION}.exclude`) || e.affectsConfiguration(`${SECTION}.maxFileSizeKB`)) {
        if (scanner.wantsRescan) void scanner.scan();
      }
    }),
    vscode.commands.registerCommand('registryMigrator.migrateWorkspace', (options?: MigrateOptions) => migrateWorkspace(store, log, options)),
    vscode.commands.registerCommand('registryMigrator.scanWorkspace', () => scanner.scan()),
    vscode.commands.registerCommand('registryMigrator.cancelScan', () => scanner.cancel()),
    vscode.commands.registerCommand('registryMigrator.openRulesFile', () => openRulesFile()),
    vscode.commands.registerCommand('registryMigrator.showOutput', () => log.show()),
  );

  // The heavy work starts after activate() returns: rules from disk, then open documents,
  // then (if enabled) the background workspace scan.
  const ready = rules.reload().then(() => {
    documents.analyzeAll();
    if (readSettings().scanWorkspaceOnStartup) void scanner.scan();
  });
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (files.exclude: ${filesExclude().length} globs)`);
  return { activationMs, ready, tagExplorer: tagExplorer.api };
}

export function deactivate(): void {}
