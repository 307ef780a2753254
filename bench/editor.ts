// The in-host half of `npm run bench:editor` (bench/editor.js starts it in a real extension
// host through scripts/runIntegration.js). Measures, each against a floor measured in the
// same host:
//   1. edit -> updated diagnostics on a 10,000-line manifest and a 10,000-line chart
//      values.yaml (floor: analyzeText alone),
//   2. activate() duration (read from the extension's API),
//   3. workspace scan rate in files/s (floor: reading the same files with workspace.fs).
// Results go to $RM_BENCH_OUT as JSON; progress lines to $RM_INTEGRATION_OUT.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { analyzeText, loadRuleSet } from '../src/core/analyze';

const MARKER = '@@RM_COUNTS@@';
const EXTENSION_ID = 'registry-migrator.registry-migrator';

function emit(line: string): void {
  console.log(line);
  if (process.env.RM_INTEGRATION_OUT) fs.appendFileSync(process.env.RM_INTEGRATION_OUT, line + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 10,000-line multi-document manifest: 200 Deployments of 50 lines, one image each. */
export function bigYaml(): string {
  const docs: string[] = [];
  for (let i = 0; i < 200; i++) {
    const image = i % 4 === 0 ? `k8s.gcr.io/app-${i}:v1.${i}.0` : `registry.k8s.io/app-${i}:v1.${i}.0`;
    const lines = [
      '---', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: app-${i}`, '  labels:', `    app: app-${i}`,
      'spec:', '  replicas: 2', '  selector:', '    matchLabels:', `      app: app-${i}`, '  template:', '    metadata:',
      '      labels:', `        app: app-${i}`, '    spec:', '      containers:', `        - name: app-${i}`, `          image: ${image}`,
      '          ports:', '            - containerPort: 8080', '          env:',
    ];
    while (lines.length < 50) lines.push(`            - { name: VAR_${lines.length}, value: "x" }`);
    docs.push(lines.join('\n'));
  }
  return docs.join('\n') + '\n';
}

/**
 * A 10,000-line chart values.yaml, the case: split image fields (registry /
 * repository / tag) for every service, and an inline `image:` every 97th block.
 */
export function bigValues(): string {
  let values = '';
  for (let i = 0; values.split('\n').length < 10000; i++) {
    values += `svc${i}:\n  image:\n    registry: docker.io\n    repository: acme/svc${i}\n    tag: "1.${i}"\n  resources: {}\n`;
    if (i % 97 === 0) values += `legacy${i}:\n  image: k8s.gcr.io/pause:3.${i % 10}\n`;
    if (i === 800) values += `toggle:\n  image: registry.k8s.io/toggle:1.0\n`;
  }
  return values;
}

interface EditResult {
  file: string;
  /** From the change event reaching the extension host to the diagnostics being published. */
  medianMs: number;
  /** From the editor.edit() call, through the workbench and back, to the diagnostics. */
  roundTripMs: number;
  floorMs: number;
  samples: number;
  lines: number;
}

/** Edits that toggle one reference between its old and new registry, so each changes the diagnostics by one. */
async function editLatency(ws: vscode.Uri, file: string, text: string): Promise<EditResult> {
  const uri = vscode.Uri.joinPath(ws, file);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const editor = await vscode.window.showTextDocument(uri);
  const doc = editor.document;
  const { ruleSet } = loadRuleSet({});
  // What the extension will show: one diagnostic per span of each finding.
  const expected = analyzeText(text, uri.path, ruleSet).findings.reduce((n, f) => n + f.spans.length, 0);
  const count = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Registry Migrator').length;
  // Polls getDiagnostics on every turn of the event loop: onDidChangeDiagnostics is itself
  // debounced by VS Code (50 ms in extHostDiagnostics), which would hide our own latency.
  const waitCount = async (n: number) => {
    const deadline = performance.now() + 10000;
    while (count() !== n) {
      if (performance.now() > deadline) throw new Error(`${file}: diagnostics never reached ${n} (now ${count()}, version ${doc.version})`);
      await new Promise((r) => setImmediate(r));
    }
  };
  await waitCount(expected);
  // The first line holding a moved reference's new home: toggled to the old registry and back.
  const line = text.split('\n').findIndex((l) => l.includes('registry.k8s.io/'));
  if (line < 0) throw new Error(`${file}: no registry.k8s.io line to toggle`);
  const samples: number[] = [];
  const roundTrips: number[] = [];
  let changedAt = 0;
  const onChange = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document === doc && !changedAt) changedAt = performance.now();
  });
  for (let i = 0; i < 30; i++) {
    const old = i % 2 === 0;
    const from = old ? 'registry.k8s.io' : 'k8s.gcr.io';
    const to = old ? 'k8s.gcr.io' : 'registry.k8s.io';
    const l = doc.lineAt(line).text;
    const at = l.indexOf(from);
    if (at < 0) throw new Error(`${file}: unexpected line ${line}: ${l}`);
    changedAt = 0;
    const t0 = performance.now();
    const done = waitCount(old ? expected + 1 : expected);
    await editor.edit((b) => b.replace(new vscode.Range(line, at, line, at + from.length), to));
    await done;
    const t1 = performance.now();
    roundTrips.push(t1 - t0);
    samples.push(t1 - changedAt);
    await sleep(150); // an isolated edit, as after a pause in typing
  }
  onChange.dispose();
  const floor: number[] = [];
  const current = doc.getText();
  // out/src/core is a second, cold copy of the engine (the extension runs its bundle):
  // warm it up before timing, as the extension's copy is warm by now.
  for (let i = 0; i < 10; i++) analyzeText(current, uri.path, ruleSet);
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    analyzeText(current, uri.path, ruleSet);
    floor.push(performance.now() - t0);
  }
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.workspace.fs.delete(uri);
  return { file, medianMs: median(samples), roundTripMs: median(roundTrips), floorMs: median(floor), samples: samples.length, lines: doc.lineCount };
}

async function scanRate(ws: vscode.Uri): Promise<{ files: number; filesPerSecond: number; floorFilesPerSecond: number }> {
  const dir = vscode.Uri.joinPath(ws, 'bench-scan');
  const n = 1000;
  for (let i = 0; i < n; i++) {
    const sub = vscode.Uri.joinPath(dir, `svc-${Math.floor(i / 10)}`);
    const kind = i % 3;
    const name = kind === 0 ? `${i}.Dockerfile` : kind === 1 ? `deploy-${i}.yaml` : `values-${i}.yaml`;
    const body =
      kind === 0 ? `FROM ${i % 2 ? 'k8s.gcr.io' : 'registry.k8s.io'}/pause:3.9\nRUN echo ${i}\n`
      : kind === 1 ? `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: docker.io/bitnami/redis:7.${i % 10}\n`
      : `image:\n  registry: gcr.io\n  repository: spark-operator/spark-operator\n  tag: v${i}\n`;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(sub, name), new TextEncoder().encode(body));
  }
  await sleep(500); // let the watcher's burst settle before timing
  const rates: number[] = [];
  let files = 0;
  for (let i = 0; i < 5; i++) {
    const r = await vscode.commands.executeCommand<{ files: number; ms: number }>('registryMigrator.scanWorkspace');
    files = r.files;
    rates.push(r.files / (r.ms / 1000));
  }
  const all = await vscode.workspace.findFiles('**/*');
  emit(`  (the workspace holds ${all.length} files)`);
  const floor: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    for (const u of all) await fs.promises.readFile(u.fsPath);
    floor.push(all.length / ((performance.now() - t0) / 1000));
  }
  return { files, filesPerSecond: median(rates), floorFilesPerSecond: median(floor) };
}

export async function run(): Promise<void> {
  const results: Record<string, unknown> = {};
  let failed = 0;
  try {
    const ext = vscode.extensions.getExtension<{ activationMs: number; ready: Promise<void> }>(EXTENSION_ID);
    if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
    const api = await ext.activate();
    await api.ready;
    results.activationMs = api.activationMs;
    emit(`activate(): ${api.activationMs.toFixed(2)} ms`);
    const ws = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!ws) throw new Error('no workspace folder');
    if (process.env.RM_BENCH_ONLY !== 'activation') {
      const edits = [await editLatency(ws, 'bench-big.yaml', bigYaml()), await editLatency(ws, 'values.yaml', bigValues())];
      results.edit = edits[0];
      results.editValues = edits[1];
      for (const edit of edits) {
        emit(`edit -> diagnostics (${edit.file}, ${edit.lines} lines): median ${edit.medianMs.toFixed(1)} ms from the change event, ${edit.roundTripMs.toFixed(1)} ms from editor.edit() through the workbench, over ${edit.samples} edits; analyzeText alone ${edit.floorMs.toFixed(1)} ms (ratio ${(edit.medianMs / edit.floorMs).toFixed(2)})`);
      }
      const scan = await scanRate(ws);
      results.scan = scan;
      emit(`workspace scan: ${scan.files} files, median ${scan.filesPerSecond.toFixed(0)} files/s; reading them alone ${scan.floorFilesPerSecond.toFixed(0)} files/s (ratio ${(scan.floorFilesPerSecond / scan.filesPerSecond).toFixed(2)})`);
    }
  } catch (e) {
    failed = 1;
    emit(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
  if (process.env.RM_BENCH_OUT) fs.writeFileSync(process.env.RM_BENCH_OUT, JSON.stringify(results));
  emit(MARKER + JSON.stringify({ passed: failed ? 0 : 1, failed, pending: 0 }));
}
