import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { FindingsStore } from '../findingsStore';

/** At most one analysis of a document per this many times its last duration, while typing. */
const BUSY_FACTOR = 3;
/** An analysis that takes under a millisecond still waits this long between runs while typing. */
const MIN_GAP_MS = 10;

/**
 * Diagnostics for open documents, on open and on change. Changes are coalesced per
 * document: the first change after a quiet spell is analyzed on the next tick (so a single
 * edit updates in about the analysis time), and while changes keep coming the document is
 * analyzed at most once per BUSY_FACTOR × its own analysis time, so a 10,000-line file
 * does not pin the extension host at every keystroke.
 */
export class DocumentDiagnostics extends Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastRun = new Map<string, { at: number; ms: number }>();

  constructor(private readonly store: FindingsStore) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) this.schedule(e.document);
    }));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => {
      const key = d.uri.toString();
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
      this.lastRun.delete(key);
      // An untitled document has no file behind it; a file keeps its diagnostics until
      // the workspace scan or the file watcher says otherwise.
      if (d.uri.scheme !== 'file') store.delete(d.uri);
      // Deleted while open: the file watcher skipped it then (the document won), so nobody else will.
      else void vscode.workspace.fs.stat(d.uri).then(undefined, () => store.delete(d.uri));
    }));
  }

  /** Analyzes every open document now (after a rules or settings change). */
  analyzeAll(): void {
    for (const d of vscode.workspace.textDocuments) this.run(d);
  }

  private schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.timers.has(key)) return; // already due: it will read the latest text
    const last = this.lastRun.get(key);
    const gap = last ? Math.max(MIN_GAP_MS, last.ms * BUSY_FACTOR) : 0;
    const wait = last ? Math.max(0, last.at + gap - Date.now()) : 0;
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!doc.isClosed) this.run(doc);
    }, wait));
  }

  private run(doc: vscode.TextDocument): void {
    const started = performance.now();
    this.store.analyzeDocument(doc);
    const ms = performance.now() - started;
    this.lastRun.set(doc.uri.toString(), { at: Date.now(), ms });
  }

  override dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    super.dispose();
  }
}
