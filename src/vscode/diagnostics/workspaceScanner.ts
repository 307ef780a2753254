import * as vscode from 'vscode';
import * as path from 'path';
import type { Finding, RuleSet } from '../../core/analyze';
import type { FileScanResult } from '../../scanPool/scanOneFile';
import { ScanPool } from '../../scanPool/scanPool';
import { Disposable } from '../disposable';
import type { FindingsStore } from '../findingsStore';
import { type ReadResult, readTextFile } from '../readTextFile';
import { readSettings } from '../settings';
import { isScannedFile, listScannedFiles } from '../workspaceFiles';

export interface ScanResult {
  files: number;
  findings: number;
  filesWithFindings: number;
  cancelled: boolean;
  ms: number;
}

/** Yield to the event loop after this much work, so typing and hovers stay responsive. */
const SLICE_MS = 15;
/** Files read concurrently by a scan. */
const CHUNK = 16;

/**
 * Scans the whole workspace in the background, and keeps closed files current through a
 * file watcher. Open documents are left to DocumentDiagnostics (their text may be unsaved).
 * Progress shows in the status bar; clicking it cancels.
 */
export class WorkspaceScanner extends Disposable {
  private running: { cts: vscode.CancellationTokenSource; done: Promise<ScanResult> } | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly scanned = new Set<string>();
  private readonly pendingFiles = new Map<string, vscode.Uri>();
  private watchTimer: NodeJS.Timeout | undefined;
  /** The watcher's updates, one batch after the other: two at once could publish out of order. */
  private flushing: Promise<void> = Promise.resolve();
  /** True once a scan ran: rule changes then rescan, even when scanning on startup is off. */
  private hasScanned = false;
  /** Counts scans started, so a watcher update can tell that a newer scan overtook it. */
  private scansStarted = 0;

  /** dist/scanWorker.js, next to the extension bundle. */
  private readonly workerFile = path.join(__dirname, 'scanWorker.js');

  constructor(private readonly store: FindingsStore, private readonly log: vscode.LogOutputChannel) {
    super();
    this.status = this._register(vscode.window.createStatusBarItem('registryMigrator.scan', vscode.StatusBarAlignment.Left, 0));
    this.status.name = 'Registry Migrator scan';
    this.status.command = 'registryMigrator.cancelScan';
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*'));
    this._register(watcher.onDidChange((u) => this.onFileEvent(u)));
    this._register(watcher.onDidCreate((u) => this.onFileEvent(u)));
    this._register(watcher.onDidDelete((u) => this.onFileEvent(u)));
    this._register({ dispose: () => this.cancel() });
  }

  get wantsRescan(): boolean {
    return this.hasScanned || readSettings().scanWorkspaceOnStartup;
  }

  /** Starts a scan (cancelling one in progress) and resolves with its counts. */
  scan(): Promise<ScanResult> {
    this.cancel();
    const cts = new vscode.CancellationTokenSource();
    const done = this.run(cts.token).finally(() => {
      cts.dispose();
      if (this.running?.cts === cts) {
        this.running = undefined;
        this.status.hide();
        void vscode.commands.executeCommand('setContext', 'registryMigrator.scanning', false);
      }
    });
    this.running = { cts, done };
    return done;
  }

  cancel(): void {
    this.running?.cts.cancel();
  }

  private async run(token: vscode.CancellationToken): Promise<ScanResult> {
    const started = performance.now();
    this.hasScanned = true;
    this.scansStarted++;
    void vscode.commands.executeCommand('setContext', 'registryMigrator.scanning', true);
    this.status.text = '$(sync~spin) Registry Migrator: listing files';
    this.status.tooltip = 'Scanning the workspace for moved container images. Click to cancel.';
    this.status.show();
    const result: ScanResult = { files: 0, findings: 0, filesWithFindings: 0, cancelled: false, ms: 0 };
    let files: vscode.Uri[] = [];
    try {
      files = await listScannedFiles(token, (u) => this.store.isExcludedByRules(u));
    } catch (e) {
      this.log.error(`listing workspace files failed: ${String(e)}`);
    }
    const seen = new Set<string>();
    // Settings per folder, read once per scan rather than once per file.
    const maxBytes = new Map<string, number>();
    const maxBytesFor = (uri: vscode.Uri): number => {
      const key = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() ?? '';
      let v = maxBytes.get(key);
      if (v === undefined) maxBytes.set(key, (v = readSettings(uri).maxFileSizeKB * 1024));
      return v;
    };
    const count = (findings: readonly Finding[]) => {
      result.files++;
      result.findings += findings.length;
      if (findings.length) result.filesWithFindings++;
    };
    let slice = performance.now();
    const progress = async () => {
      if (performance.now() - slice > SLICE_MS) {
        this.status.text = `$(sync~spin) Registry Migrator: ${result.files}/${files.length} files`;
        await new Promise((r) => setImmediate(r));
        slice = performance.now();
      }
    };
    // Files on disk go to the scan pool (worker threads, the CLI's engine): this thread only
    // publishes. Open documents are analyzed here (their text may be unsaved); other schemes
    // are read through workspace.fs.
    const onDisk: vscode.Uri[] = [];
    const other: vscode.Uri[] = [];
    for (const uri of files) {
      seen.add(uri.toString());
      if (openDocument(uri)) count(this.publishRead(uri, undefined));
      else (uri.scheme === 'file' ? onDisk : other).push(uri);
    }
    const ruleSets: RuleSet[] = [];
    const jobs = onDisk.map((uri) => {
      const rs = this.store.ruleSetFor(uri);
      let k = ruleSets.indexOf(rs);
      if (k === -1) k = ruleSets.push(rs) - 1;
      return { abs: uri.fsPath, rel: uri.path, ruleSet: k, maxBytes: maxBytesFor(uri) };
    });
    const pool = new ScanPool({ ruleSets, mode: 'analysis', all: false, workerFile: this.workerFile });
    try {
      await pool.run(
        jobs,
        (i, r) => {
          if (token.isCancellationRequested) return;
          const uri = onDisk[i];
          count(this.publishScanResult(uri, r));
          if (performance.now() - slice > SLICE_MS) {
            this.status.text = `$(sync~spin) Registry Migrator: ${result.files}/${files.length} files`;
            slice = performance.now();
          }
        },
        () => token.isCancellationRequested,
      );
    } catch (e) {
      this.log.error(`workspace scan failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    } finally {
      void pool.dispose();
    }
    // Reads go CHUNK at a time (fs calls are latency-bound: one at a time leaves the disk
    // and the thread pool idle); analysis stays sequential on this thread.
    for (let i = 0; i < other.length && !token.isCancellationRequested; i += CHUNK) {
      const chunk = other.slice(i, i + CHUNK);
      const reads = await Promise.all(chunk.map((uri) => readTextFile(uri, maxBytesFor(uri))));
      chunk.forEach((uri, j) => count(this.publishRead(uri, reads[j])));
      await progress();
    }
    result.cancelled = token.isCancellationRequested;
    if (!result.cancelled) {
      // Files that left the scan (deleted, newly excluded) lose their diagnostics.
      for (const key of this.scanned) {
        const uri = vscode.Uri.parse(key);
        if (!seen.has(key) && !openDocument(uri)) this.store.delete(uri);
      }
      this.scanned.clear();
      for (const k of seen) this.scanned.add(k);
    }
    result.ms = Math.round(performance.now() - started);
    this.log.info(`workspace scan ${result.cancelled ? 'cancelled' : 'done'}: ${result.files} files, ${result.findings} findings in ${result.filesWithFindings} files, ${result.ms} ms`);
    return result;
  }

  /**
   * Publishes a closed file's findings from what was read from disk. If the file is open
   * now, its document wins: the disk text may be older than the editor's (unsaved edits).
   */
  private publishRead(uri: vscode.Uri, read: ReadResult | undefined): Finding[] {
    const doc = openDocument(uri);
    if (doc) return this.store.analyzeDocument(doc)?.findings ?? [];
    if (!read) return [];
    if ('skipped' in read) {
      this.log.debug(`skipped ${uri.fsPath}: ${read.skipped}`);
      this.store.delete(uri);
      return [];
    }
    // readTextFile already enforced registryMigrator.maxFileSizeKB on the file's bytes.
    return this.store.analyzeFileText(uri, read.text, Number.MAX_SAFE_INTEGER);
  }

  /** Publishes what the scan pool found in a closed file; an open document wins, as above. */
  private publishScanResult(uri: vscode.Uri, r: FileScanResult): Finding[] {
    const doc = openDocument(uri);
    if (doc) return this.store.analyzeDocument(doc)?.findings ?? [];
    if (r.skipped) {
      this.log.debug(`skipped ${uri.fsPath}: ${r.skipped}`);
      this.store.delete(uri);
      return [];
    }
    if (r.analysis && r.text !== undefined) return this.store.publishScanned(uri, r.analysis.findings, r.text);
    this.store.publishClean(uri);
    return [];
  }

  /** Closed files changed on disk: re-analyze them, a few hundred ms after the last event. */
  private onFileEvent(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    this.pendingFiles.set(uri.toString(), uri);
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.watchTimer = setTimeout(() => {
      this.watchTimer = undefined;
      this.flushing = this.flushing.then(() => this.flushFileEvents()).catch((e: unknown) => this.log.debug(`watcher update failed: ${String(e)}`));
    }, 200);
  }

  private async flushFileEvents(): Promise<void> {
    const uris = [...this.pendingFiles.values()];
    this.pendingFiles.clear();
    for (const uri of uris) {
      // A running scan may have listed the files before this event and, when it ends,
      // replaces the set of scanned files with what it saw: let it finish first, or this
      // file would drop out of that set and keep its diagnostics after it is excluded.
      while (this.running) await this.running.done.catch(() => undefined);
      if (this.isDisposed) return;
      const key = uri.toString();
      if (openDocument(uri)) continue;
      if (!this.wantsRescan) continue;
      const scans = this.scansStarted;
      try {
        const included = await isScannedFile(uri, (u) => this.store.isExcludedByRules(u));
        const read = included ? await readTextFile(uri, readSettings(uri).maxFileSizeKB * 1024) : undefined;
        // A scan that started meanwhile lists the disk and reads the settings after this
        // event (an exclude that just changed): its answer stands, not this older one.
        if (scans !== this.scansStarted) continue;
        if (included) {
          this.scanned.add(key);
          this.publishRead(uri, read);
        } else {
          // Deleted, or now excluded.
          this.scanned.delete(key);
          this.store.delete(uri);
        }
      } catch (e) {
        this.log.debug(`watcher update of ${uri.fsPath} failed: ${String(e)}`);
      }
    }
  }

  override dispose(): void {
    if (this.watchTimer) clearTimeout(this.watchTimer);
    super.dispose();
  }
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === key);
}
