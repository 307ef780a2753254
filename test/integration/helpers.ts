import * as assert from 'assert';
import * as http from 'http';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'registry-migrator.registry-migrator';
export const SOURCE = 'Registry Migrator';

export function wsUri(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is open');
  return vscode.Uri.joinPath(folder.uri, rel);
}

export async function activated(): Promise<void> {
  const ext = vscode.extensions.getExtension<{ ready: Promise<void> }>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded in development mode`);
  const api = await ext.activate();
  await api.ready;
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE)
    .sort((a, b) => a.range.start.compareTo(b.range.start));
}

/** Polls until `check` returns a value (not undefined), or fails with the last state. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the file has exactly `count` of our diagnostics, and returns them. */
export function diagnosticsCount(uri: vscode.Uri, count: number, timeoutMs?: number): Promise<vscode.Diagnostic[]> {
  return waitFor(`${count} diagnostics on ${vscode.workspace.asRelativePath(uri)} (now ${ours(uri).length}: ${ours(uri).map((d) => codeOf(d)).join(', ')})`, () => {
    const d = ours(uri);
    return d.length === count ? d : undefined;
  }, timeoutMs);
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export function rangeOf(d: { range: vscode.Range }): string {
  const r = d.range;
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
}

/**
 * Asks the harness (scripts/runIntegration.js) to screenshot the workbench once `waitFor`
 * is visible. Outside the harness there is no endpoint and this is a no-op.
 */
export function screenshot(name: string, waitFor: string, path?: string): Promise<string | undefined> {
  const base = process.env.RM_SCREENSHOT_URL;
  if (!base) return Promise.resolve(undefined);
  const url = `${base}?name=${encodeURIComponent(name)}&waitFor=${encodeURIComponent(waitFor)}` + (path ? `&path=${encodeURIComponent(path)}` : '');
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`screenshot failed: ${body}`))));
    }).on('error', reject);
  });
}

export async function setSetting(section: string, key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Workspace);
}

export interface UiQuery {
  css?: string;
  text?: string;
  role?: string;
  name?: string;
  inner?: string;
  nth?: number;
  key?: string;
  state?: string;
  timeout?: number;
}

/** Whether the harness's UI driver (scripts/harness/uiDriver.js) is there: only under scripts/runIntegration.js. */
export const hasUi = () => !!process.env.RM_SCREENSHOT_URL;

/**
 * Acts on the real workbench through the harness (scripts/harness/uiDriver.js): click a
 * button the API cannot press (the refactor preview's Apply), count or read what is shown.
 * Rejects with the driver's message when the locator finds nothing in time.
 */
export function ui<T = { ok: true }>(action: 'click' | 'waitFor' | 'count' | 'text' | 'press', q: UiQuery): Promise<T> {
  const base = process.env.RM_SCREENSHOT_URL;
  if (!base) return Promise.reject(new Error('no UI driver: run through scripts/runIntegration.js'));
  const params = new URLSearchParams({ action });
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const url = `${base.replace(/\/screenshot$/, '/ui')}?${params}`;
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as T) : reject(new Error(`ui ${action} ${JSON.stringify(q)}: ${body}`))));
    }).on('error', reject);
  });
}
