import * as vscode from 'vscode';
import { filesExclude, readSettings } from './settings';
import { formatOf } from './findingsStore';

/** The most files one scan looks at; beyond that the scan says so in the log. */
export const MAX_SCANNED_FILES = 50_000;

/**
 * One exclude glob for findFiles. Passing any exclude replaces `files.exclude`, so both
 * lists are joined here: `{**\/node_modules/**,**\/.git/**,**\/dist/**}`.
 */
function excludeGlob(folder: vscode.WorkspaceFolder): string | undefined {
  const globs = [...new Set([...filesExclude(folder.uri), ...readSettings(folder.uri).exclude])]
    // A brace or comma inside one glob would break the joined alternative list.
    .filter((g) => !/[{},]/.test(g));
  return globs.length ? `{${globs.join(',')}}` : undefined;
}

/** Every file in the workspace the engine scans, honouring files.exclude and registryMigrator.exclude. */
export async function listScannedFiles(token?: vscode.CancellationToken, isExcluded?: (uri: vscode.Uri) => boolean): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const exclude = excludeGlob(folder);
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), exclude ?? null, MAX_SCANNED_FILES, token);
    for (const uri of found) if (formatOf(uri) && !isExcluded?.(uri)) out.push(uri);
  }
  return out.sort((a, b) => a.toString().localeCompare(b.toString()));
}

/** True when a single file (from the file watcher) is one a workspace scan would include. */
export async function isScannedFile(uri: vscode.Uri, isExcluded?: (uri: vscode.Uri) => boolean): Promise<boolean> {
  if (!formatOf(uri) || isExcluded?.(uri)) return false;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return false;
  const rel = vscode.workspace.asRelativePath(uri, false);
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, escapeGlob(rel)), excludeGlob(folder) ?? null, 1);
  return found.length > 0;
}

function escapeGlob(path: string): string {
  return path.replace(/[[\]{}*?]/g, (c) => `[${c}]`);
}
