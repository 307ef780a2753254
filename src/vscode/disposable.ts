import type * as vscode from 'vscode';

/**
 * Base for every long-lived object: what it creates it registers, and disposing it disposes
 * those in reverse order. After disposal, a late registration is disposed at once, so a
 * watcher created by a slow async load cannot leak (pattern of src/common/lifecycle.ts in
 * microsoft/vscode-pull-request-github).
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // One failing dispose must not keep the rest alive.
      }
    }
  }
}
