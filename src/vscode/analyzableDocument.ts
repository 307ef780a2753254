import * as vscode from 'vscode';

/** Schemes whose documents are files a user edits; everything else is a view of something. */
const LOCAL_SCHEMES = new Set(['file', 'untitled']);
/** Remote and virtual workspaces (Remote-SSH/WSL, github.dev): files only when in the workspace. */
const WORKSPACE_SCHEMES = new Set(['vscode-remote', 'vscode-vfs']);

/**
 * Whether a document is a real document to diagnose. The refactor preview
 * (`vscode-bulkeditpreview-editor:`), git's diff sides (`git:`), the output channel
 * (`output:`), settings and every other virtual document are views of text that already
 * has, or will have, its own diagnostics: analysing them shows every problem twice
 * (PROBLEMS 42 instead of 21 while the preview is open).
 */
export function isAnalyzableUri(uri: vscode.Uri): boolean {
  if (LOCAL_SCHEMES.has(uri.scheme)) return true;
  return WORKSPACE_SCHEMES.has(uri.scheme) && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

/**
 * The selector for providers (code actions, hovers). The workspace-folder check of
 * isAnalyzableUri still applies inside them: a selector cannot express it.
 */
export const ANALYZABLE_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file' },
  { scheme: 'untitled' },
  { scheme: 'vscode-remote' },
  { scheme: 'vscode-vfs' },
];
