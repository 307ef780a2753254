import * as vscode from 'vscode';
import type { Finding } from '../../core/analyze';
import type { RegistryClient } from '../../core/registry/index';
import { type VerificationStore, verifyFindings } from '../../core/verify/index';
import { isAnalyzableUri } from '../analyzableDocument';
import { Disposable } from '../disposable';
import type { FindingsStore } from '../findingsStore';
import { readSettings, SECTION } from '../settings';

/** After the last edit or open, auto mode waits this long before asking the registries. */
const AUTO_DELAY_MS = 800;

export interface VerifyOutcome {
  /** Why nothing was asked: the setting is off, the workspace is not trusted, nothing to check. */
  skipped?: 'off' | 'untrusted' | 'nothing';
  /** Findings checked, and how many of each state. */
  checked: number;
  states: Record<string, number>;
}

/**
 * registryMigrator.verifyReferences: the registry check of `scan --verify` for the references
 * of open files, with the Tag Explorer's client (its credentials: SecretStorage, GitHub,
 * docker login). Only in a trusted workspace: an untrusted one must not make the editor send
 * credentials, or requests at all, for names a stranger's files chose. Results go in the
 * session's VerificationStore, shared with the Tag Explorer; the diagnostics and hovers of
 * open documents are redrawn when it changes (so a Verify All updates them too).
 * - `off`: never; `onDemand` (default): the command, or the hover's Verify link;
 * - `auto`: also as documents open and change, each distinct reference once per session.
 */
export class ReferenceVerifier extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running: AbortController | undefined;

  constructor(
    private readonly store: FindingsStore,
    private readonly verifications: VerificationStore,
    private readonly client: () => RegistryClient,
    private readonly redraw: () => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(verifications.onDidChange(() => this.scheduleRedraw()));
    this._register(vscode.commands.registerCommand('registryMigrator.verifyReferences', () => this.verifyOpen(true)));
    this._register(vscode.workspace.onDidOpenTextDocument(() => this.scheduleAuto()));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.scheduleAuto()));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.verifyReferences`) && this.scheduleAuto()));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleAuto()));
    this._register({ dispose: () => {
      if (this.timer) clearTimeout(this.timer);
      if (this.redrawTimer) clearTimeout(this.redrawTimer);
      this.running?.abort();
    } });
  }

  /** Verifies the findings of every open document. `asked`: the user asked (the command), so known answers are asked again. */
  async verifyOpen(asked: boolean): Promise<VerifyOutcome> {
    const mode = readSettings().verifyReferences;
    const outcome: VerifyOutcome = { checked: 0, states: {} };
    if (mode === 'off') {
      if (asked) void vscode.window.showInformationMessage('Registry Migrator: registryMigrator.verifyReferences is off.');
      return { ...outcome, skipped: 'off' };
    }
    if (!vscode.workspace.isTrusted) {
      if (asked) void vscode.window.showWarningMessage('Registry Migrator: references are verified only in a trusted workspace.');
      return { ...outcome, skipped: 'untrusted' };
    }
    const findings: Finding[] = [];
    for (const doc of vscode.workspace.textDocuments) {
      if (!isAnalyzableUri(doc.uri)) continue;
      findings.push(...(this.store.current(doc)?.findings.filter((f) => f.newName) ?? []));
    }
    if (!findings.length) return { ...outcome, skipped: 'nothing' };
    this.running?.abort();
    const ac = new AbortController();
    this.running = ac;
    const client = this.client();
    const work = verifyFindings(findings, { clientFor: () => client, store: this.verifications, refresh: asked, signal: ac.signal });
    const results = asked
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Verifying image references' }, () => work)
      : await work;
    for (const r of results.values()) {
      if (!r.checked) continue;
      outcome.checked++;
      outcome.states[r.verification.state] = (outcome.states[r.verification.state] ?? 0) + 1;
    }
    this.log.info(`verified ${outcome.checked} references: ${JSON.stringify(outcome.states)}`);
    // Redraw now rather than after the debounce: the caller may read the diagnostics next.
    this.redraw();
    return outcome;
  }

  private scheduleAuto(): void {
    if (readSettings().verifyReferences !== 'auto' || !vscode.workspace.isTrusted) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.verifyOpen(false).catch((e: unknown) => this.log.warn(`verifying references failed: ${String(e)}`));
    }, AUTO_DELAY_MS);
  }

  private redrawTimer: NodeJS.Timeout | undefined;

  /** Many results arrive in a burst (a Verify All): one redraw for them. */
  private scheduleRedraw(): void {
    if (this.redrawTimer) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      if (!this.isDisposed) this.redraw();
    }, 100);
  }
}
