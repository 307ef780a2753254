import type * as vscode from 'vscode';

// Wiring only; the editor surface lands with the editor issue.
export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
