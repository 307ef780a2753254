import * as vscode from 'vscode';
import { RULES_FILE_NAME } from '../../core/analyze';

/** What a new .registry-migrations.yaml starts with: valid, empty, and self-explaining. */
export const RULES_TEMPLATE = `# Registry Migrator: this workspace's own image moves.
# The built-in rules (k8s.gcr.io -> registry.k8s.io, the Spark Operator, Bitnami…) always
# apply; rules here add to them, and a rule with a built-in's id overrides it.
rules: []
#  - id: ACME-MOVE
#    from: registry.acme.example/team     # a repository, or a prefix of one
#    to: ghcr.io/acme/team
#    match: prefix                        # exact | prefix | pattern
#    reason: the team publishes to GitHub Container Registry now
#    since: 2025-01
#    source: https://example.com/announcement
#    severity: warning                    # error | warning | info | hint
#  - id: K8S-GCR                           # change one field of a built-in rule
#    severity: error

# Rule ids to turn off in this workspace:
# disabledRules:
#   - BITNAMI-LEGACY
`;

/**
 * registryMigrator.openRulesFile: opens the rules file of the active editor's folder (or
 * the only one), creating it from the template when it is missing. Returns its URI.
 */
export async function openRulesFile(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const active = vscode.window.activeTextEditor?.document.uri;
  let folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? (folders.length === 1 ? folders[0] : undefined);
  if (!folder && folders.length > 1) folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: `Folder whose ${RULES_FILE_NAME} to open` });
  if (!folder) {
    void vscode.window.showWarningMessage(`Registry Migrator: open a folder to keep a ${RULES_FILE_NAME} in it.`);
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder.uri, RULES_FILE_NAME);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(RULES_TEMPLATE));
  }
  await vscode.window.showTextDocument(uri);
  return uri;
}
