/**
 * `npm run bench:explorer`, inside a real extension host (bench/explorer.js starts it through
 * scripts/runIntegration.js). Against a local docker-registry it measures:
 *   1. time to first tags shown for a 3,000-tag repository: from expanding the root to the
 *      newest tag being visible in the browser workbench (the harness's wait endpoint), and
 *      the data-provider part alone (getChildren);
 *   2. Verify All on a 300-tag pair (tree visible, nodes updating), against the CLI
 *      `registry-migrator verify` on the same repositories in the same run (whole process,
 *      as users run it), and verifyRepositories in-process as the floor. Target: ≤ 1.5× the CLI.
 * Medians of RUNS samples. Results go to $RM_BENCH_OUT as JSON; progress lines to $RM_INTEGRATION_OUT.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { Agent } from 'undici';
import * as vscode from 'vscode';

import { RegistryClient } from '../src/core/registry/registryClient';
import { type VerifyReport, verifyRepositories } from '../src/core/registry/verifyRepositories';
import type { TagExplorerApi } from '../src/vscode/tagExplorer/tagExplorer';
import { seedManyTags } from '../test/integration/tagExplorerRegistry';
import { startRegistry } from '../test/support/registryProcess';
import { AMD64, ARM64, type TestImage, indexImage, pushTestImage, singleImage } from '../test/support/testImages';

const MARKER = '@@RM_COUNTS@@';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIG = 3000;
const PAIR = 300; // plus one 'warmup' tag on both sides, identical
const root = path.resolve(__dirname, '..', '..');

function emit(line: string): void {
  console.log(line);
  if (process.env.RM_INTEGRATION_OUT) fs.appendFileSync(process.env.RM_INTEGRATION_OUT, line + '\n');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Waits (in the browser) until `text` is visible in the workbench; no screenshot. */
function waitVisible(text: string): Promise<void> {
  const base = process.env.RM_SCREENSHOT_URL;
  if (!base) return Promise.reject(new Error('RM_SCREENSHOT_URL is not set: run through scripts/runIntegration.js'));
  return new Promise((resolve, reject) => {
    http.get(`${base}?shot=0&waitFor=${encodeURIComponent(text)}`, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(body))));
    }).on('error', reject);
  });
}

function runCli(args: string[]): Promise<{ ms: number; code: number | null; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout }));
  });
}

/** 270 identical (every tenth a two-platform index), 20 missing, 10 different. */
function pairSeeds(): { tag: string; old: TestImage; new?: TestImage }[] {
  const out: { tag: string; old: TestImage; new?: TestImage }[] = [];
  for (let i = 0; i < PAIR; i++) {
    const tag = `1.${Math.floor(i / 10)}.${i % 10}`;
    const single = (s: string) => singleImage('oci', s, { layerSeed: 'bench' });
    const img = i % 10 === 0
      ? indexImage('oci', [{ image: single(`${tag}-amd`), platform: AMD64 }, { image: singleImage('oci', `${tag}-arm`, { layerSeed: 'bench', platform: ARM64 }), platform: ARM64 }])
      : single(tag);
    if (i < 270) out.push({ tag, old: img, new: img });
    else if (i < 290) out.push({ tag, old: img });
    else out.push({ tag, old: img, new: single(`${tag}-rebuilt`) });
  }
  return out;
}

async function waitFor<T>(what: string, f: () => T | undefined, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(): Promise<void> {
  let failed = 0;
  const registry = await startRegistry();
  const dispatcher = new Agent();
  try {
    const ext = vscode.extensions.getExtension<{ ready: Promise<void>; tagExplorer: TagExplorerApi }>('registry-migrator.registry-migrator');
    if (!ext) throw new Error('the extension is not loaded');
    const exported = await ext.activate();
    await exported.ready;
    const api = exported.tagExplorer;
    const host = registry.host;

    emit(`seeding ${BIG} tags and a ${PAIR}-tag pair on ${host}…`);
    const t0 = performance.now();
    const pusher = new RegistryClient({ dispatcher, allowPush: true });
    const bigTag = (i: number) => `2.${Math.floor(i / 100)}.${i % 100}`;
    await seedManyTags(pusher, { host, path: 'big/app' }, BIG, bigTag);
    const blobs = new Set<string>();
    const seeds = pairSeeds();
    // The layer every seed shares goes up once per repository first: parallel uploads of one
    // blob into one repository make docker-registry 2.8.2 answer DIGEST_INVALID.
    for (const repo of ['bench/old', 'bench/new']) await pushTestImage(pusher, { host, path: repo }, 'warmup', singleImage('oci', 'warmup', { layerSeed: 'bench' }), blobs);
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < seeds.length) {
        const s = seeds[next++];
        await pushTestImage(pusher, { host, path: 'bench/old' }, s.tag, s.old, blobs);
        if (s.new) await pushTestImage(pusher, { host, path: 'bench/new' }, s.tag, s.new, blobs);
      }
    }));
    emit(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const oldRepo = `${host}/bench/old`;
    const newRepo = `${host}/bench/new`;
    await vscode.workspace.getConfiguration('registryMigrator').update('repositories', [`${host}/big/app`, `${oldRepo} -> ${newRepo}`], vscode.ConfigurationTarget.Workspace);
    const big = await waitFor('the 3,000-tag root', () => api.provider.findRoot(`${host}/big/app`));
    const pair = await waitFor('the pair root', () => api.provider.findRoot(oldRepo, newRepo));
    const newest = bigTag(BIG - 1);
    // The view's own commands (collapseAll) exist once the workbench has shown it.
    await vscode.commands.executeCommand('registryMigrator.tagExplorer.focus');

    // 1. First tags shown: collapse, forget the tags and the connections, expand, wait until visible.
    const firstShown: number[] = [];
    const dataOnly: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await vscode.commands.executeCommand('workbench.actions.treeView.registryMigrator.tagExplorer.collapseAll');
      api.access.reset();
      api.provider.retry(big);
      const t = performance.now();
      await api.view.reveal(big, { expand: true, focus: false, select: false });
      await waitVisible(newest);
      firstShown.push(performance.now() - t);
      api.access.reset();
      api.provider.retry(big);
      const d = performance.now();
      const nodes = await api.provider.getChildren(big);
      dataOnly.push(performance.now() - d);
      if (nodes.filter((n) => n.kind === 'tag').length !== 100) throw new Error(`expected the first 100 of ${BIG} tags, got ${nodes.length} nodes`);
    }
    await vscode.commands.executeCommand('workbench.actions.treeView.registryMigrator.tagExplorer.collapseAll');
    const cliTags: number[] = [];
    for (let i = 0; i < RUNS; i++) cliTags.push((await runCli(['tags', `${host}/big/app`, '--limit', '100'])).ms);

    // 2. Verify All (tree expanded and visible) vs the CLI vs in-process verifyRepositories.
    const explorer: number[] = [];
    const cli: number[] = [];
    const floor: number[] = [];
    let refreshEvents = 0;
    let counts = '';
    for (let i = 0; i < RUNS; i++) {
      api.access.reset();
      api.provider.retry(pair);
      await api.view.reveal(pair, { expand: true, focus: false, select: false });
      const before = api.provider.stats.refreshEvents;
      const t = performance.now();
      const [report] = await vscode.commands.executeCommand<VerifyReport[]>('registryMigrator.tagExplorer.verifyAll', { roots: [pair.id], silent: true });
      explorer.push(performance.now() - t);
      refreshEvents = api.provider.stats.refreshEvents - before;
      const s = report.summary;
      counts = `${s.identical}/${s.missing}/${s.different}`;
      if (counts !== '271/20/10') {
        failed++;
        emit(`Verify All classified ${counts} (identical/missing/different), expected 271/20/10 (with warmup)`);
      }
      const c = await runCli(['verify', oldRepo, newRepo, '--format', 'json']);
      cli.push(c.ms);
      const cs = (JSON.parse(c.stdout) as VerifyReport).summary;
      if (`${cs.identical}/${cs.missing}/${cs.different}` !== counts) {
        failed++;
        emit(`the CLI says ${cs.identical}/${cs.missing}/${cs.different}, the explorer ${counts}`);
      }
      const fd = new Agent();
      const f = performance.now();
      await verifyRepositories(new RegistryClient({ dispatcher: fd }), { host, path: 'bench/old' }, { host, path: 'bench/new' });
      floor.push(performance.now() - f);
      await fd.close();
    }
    const shownTags = (await api.provider.getChildren(pair)).filter((n) => n.kind === 'tag').length;

    const results = {
      runs: RUNS,
      firstTagsShownMs: median(firstShown),
      firstTagsShownSamples: firstShown,
      firstTagsDataMs: median(dataOnly),
      cliTagsProcessMs: median(cliTags),
      verifyAllMs: median(explorer),
      verifyAllSamples: explorer,
      cliVerifyMs: median(cli),
      cliVerifySamples: cli,
      inProcessVerifyMs: median(floor),
      ratioToCli: median(explorer) / median(cli),
      refreshEventsPerVerifyAll: refreshEvents,
      tagNodesShownAfterVerify: shownTags,
      classification: counts,
    };
    emit(JSON.stringify(results));
    if (process.env.RM_BENCH_OUT) fs.writeFileSync(process.env.RM_BENCH_OUT, JSON.stringify(results));
  } catch (e) {
    failed++;
    emit(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  } finally {
    await vscode.workspace.getConfiguration('registryMigrator').update('repositories', undefined, vscode.ConfigurationTarget.Workspace).then(undefined, () => undefined);
    await dispatcher.close();
    await registry.stop();
  }
  emit(MARKER + JSON.stringify({ passed: failed ? 0 : 1, failed, pending: 0 }));
}
