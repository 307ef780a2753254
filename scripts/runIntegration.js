#!/usr/bin/env node
// Runs the integration tests (or, with RM_INTEGRATION_ENTRY, a benchmark) inside a real
// VS Code extension host: code-server 4.100.3 (VS Code 1.100.3) on loopback, driven by
// Debian's headless Chromium through playwright-core. The workbench loads this folder as an
// extension in development mode and calls the compiled test module's run() in the Node
// extension host, as @vscode/test-web does.
//
// Two legs, each its own code-server, run one after the other:
//   trusted    out/test/integration/index.js, test/fixtures/workspace, --disable-workspace-trust;
//              loads this folder as the extension under development;
//   untrusted  out/test/integration/untrusted/index.js, test/integration/untrusted/workspace,
//              workspace trust enabled and never granted, no startup prompt: Restricted Mode;
//              runs the extension INSTALLED from the VSIX that `npm run package` writes
//              (code-server --install-extension), so the shipped package is what is tested.
// Their counts add up into the one closing "integration: N passed, N failed" line.
//
// code-server and playwright-core are not in the root package.json: scripts/installHarness.sh
// installs them into .vscode-test/harness (RM_HARNESS_DIR) from test/harness/'s lockfile.
// This script calls it first; it returns at once when that install is current.
//
// False-pass guard: with a remote extension host, any extension-host exit (a crash,
// process.exit(7)) reaches the page as exit code 0. So a leg passes only when the exit
// code is 0 AND the test index printed its marker line with failed == 0 and passed > 0.
//
// Env: RM_INTEGRATION_ENTRY (a compiled module with run(): runs only that, in one trusted leg),
//      RM_INTEGRATION_LEGS (comma-separated, default "trusted,untrusted"),
//      RM_INTEGRATION_VSIX=0 (load the folder in every leg instead of installing the VSIX),
//      RM_HARNESS_DIR (where the harness is installed), RM_INTEGRATION_TIMEOUT_MS (per leg,
//      default 180000), RM_COUNTS_FILE (counts JSON for scripts/test.js), RM_STAGE (label of the closing line), RM_SCREENSHOT_DIR (where test
//      screenshots go), RM_KEEP_TMP=1 (keep the temp dir for debugging).
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { handleUi } = require('./harness/uiDriver');

const root = path.resolve(__dirname, '..');
const label = process.env.RM_STAGE || 'integration';
const timeoutMs = Number(process.env.RM_INTEGRATION_TIMEOUT_MS || 180000);
const screenshotDir = path.resolve(root, process.env.RM_SCREENSHOT_DIR || 'test-results');
// The test index prints this, then one line of JSON counts (see test/integration/index.ts).
const MARKER = '@@RM_COUNTS@@';

/** @type {Record<string, {entry: string, workspace: string, trusted: boolean, vsix?: boolean}>} */
const LEGS = {
  trusted: { entry: 'out/test/integration/index.js', workspace: 'test/fixtures/workspace', trusted: true },
  untrusted: { entry: 'out/test/integration/untrusted/index.js', workspace: 'test/integration/untrusted/workspace', trusted: false, vsix: true },
};
const harnessDir = path.resolve(root, process.env.RM_HARNESS_DIR || path.join('.vscode-test', 'harness'));
const { ensureVsix, installVsix, vsixPath } = require('./vsixLeg');

function selectedLegs() {
  if (process.env.RM_INTEGRATION_ENTRY) {
    return [{ name: 'trusted', entry: process.env.RM_INTEGRATION_ENTRY, workspace: process.env.RM_WORKSPACE || LEGS.trusted.workspace, trusted: true }];
  }
  const names = (process.env.RM_INTEGRATION_LEGS || 'trusted,untrusted').split(',').map((n) => n.trim()).filter(Boolean);
  for (const n of names) if (!LEGS[n]) throw new Error(`unknown leg "${n}" in RM_INTEGRATION_LEGS (known: ${Object.keys(LEGS).join(', ')})`);
  return names.map((name) => ({ name, ...LEGS[name], ...(name === 'trusted' && process.env.RM_WORKSPACE ? { workspace: process.env.RM_WORKSPACE } : {}) }));
}

const total = { passed: 0, failed: 0, pending: 0 };
/** The running leg: its code-server, page and browser context, for cleanup and screenshots. */
let current = null;
let browser = null;
let shotServer = null;
let registries = null;
let finished = false;
// Short: code-server puts IPC sockets under TMPDIR/XDG dirs, limited to ~107 characters.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmi-'));

function log(msg) {
  process.stdout.write(`[harness] ${msg}\n`);
}

/** Ends the run: one closing line with every leg's counts added up. */
function finish(ok, why) {
  if (finished) return;
  finished = true;
  if (why) log(why);
  // A run that ended without any counted failure yet failed (crash, timeout) counts one.
  if (!ok && total.failed === 0) total.failed = 1;
  console.log(`${label}: ${total.passed} passed, ${total.failed} failed` + (total.pending ? `, ${total.pending} skipped` : ''));
  if (process.env.RM_COUNTS_FILE) fs.writeFileSync(process.env.RM_COUNTS_FILE, JSON.stringify(total));
  void cleanup().then(() => process.exit(ok ? 0 : 1));
}

async function cleanup() {
  await stopLeg(current);
  try { if (browser) await Promise.race([browser.close(), sleep(5000)]); } catch { /* already gone */ }
  try { if (shotServer) shotServer.close(); } catch { /* already closed */ }
  try { if (registries) await registries.stop(); } catch { /* already stopped */ }
  if (!process.env.RM_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}

/** Closes a leg's browser context and kills its code-server's process group. */
async function stopLeg(leg) {
  if (!leg) return;
  try { if (leg.context) await Promise.race([leg.context.close(), sleep(3000)]); } catch { /* already gone */ }
  const server = leg.server;
  if (server && server.exitCode === null && server.signalCode === null) {
    // Its own process group: the extension host and the file watcher die with it.
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
    await Promise.race([new Promise((r) => server.once('exit', r)), sleep(3000)]);
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(server, port, deadline) {
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}`);
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => { req.destroy(); resolve(false); });
    });
    if (ok) return;
    await sleep(200);
  }
  throw new Error('code-server did not answer /healthz in time');
}

function writeUserSettings(userDataDir, trusted) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.colorTheme': 'Default Light Modern',
    // The trusted leg also passes --disable-workspace-trust. The untrusted leg turns trust on
    // and opens the folder in Restricted Mode without the startup modal (which would block
    // the tests): "never" means the folder is simply not trusted until someone trusts it.
    'security.workspace.trust.enabled': !trusted,
    ...(trusted ? {} : {
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
      'security.workspace.trust.banner': 'always',
    }),
    'git.enabled': false,
    'editor.minimap.enabled': false,
    'window.zoomLevel': 0,
  }, null, 2));
}

/**
 * A loopback endpoint the tests call to capture the workbench at a moment they choose:
 * GET /screenshot?name=x.png&waitFor=<text> waits until the text is visible, then saves
 * the page to RM_SCREENSHOT_DIR/x.png (or the absolute `path`); with shot=0 it only waits.
 */
function startScreenshotServer(getPage) {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      const u = new URL(req.url, 'http://127.0.0.1');
      const done = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (u.pathname === '/ui') return void handleUi(u, res, getPage); // clicks for tests: scripts/harness/uiDriver.js
      if (u.pathname !== '/screenshot') return done(404, { error: 'not found' });
      const name = path.basename(u.searchParams.get('name') || 'screenshot.png');
      const out = u.searchParams.get('path') ? path.resolve(root, u.searchParams.get('path')) : path.join(screenshotDir, name);
      const waitFor = u.searchParams.get('waitFor');
      void (async () => {
        try {
          const page = getPage();
          if (!page) throw new Error('the workbench page is not open yet');
          if (waitFor) await page.getByText(waitFor, { exact: false }).first().waitFor({ state: 'visible', timeout: 10000 });
          // shot=0: only wait (bench:explorer times "first tags shown" in the real workbench).
          if (u.searchParams.get('shot') === '0') return done(200, { visible: waitFor });
          fs.mkdirSync(path.dirname(out), { recursive: true });
          await page.screenshot({ path: out });
          done(200, { path: out });
        } catch (e) {
          done(500, { error: String(e && e.message || e) });
        }
      })();
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

async function main() {
  const legs = selectedLegs();
  for (const leg of legs) {
    if (!fs.existsSync(path.resolve(root, leg.entry))) return finish(false, `${leg.entry} is missing: run \`npx tsc -p tsconfig.test.json\` first`);
  }
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) return finish(false, 'dist/extension.js is missing: run `node esbuild.js` first');
  const installed = spawnSync('bash', [path.join(root, 'scripts', 'installHarness.sh')], {
    cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, RM_HARNESS_DIR: harnessDir },
  });
  if (installed.status === 3) return finish(false, 'the extension-host harness needs the system packages named above');
  if (installed.status !== 0) return finish(false, `scripts/installHarness.sh failed (exit ${installed.status ?? installed.signal}); its output is above`);
  const codeServer = path.join(harnessDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(codeServer)) return finish(false, `code-server is missing from ${harnessDir}: rerun scripts/installHarness.sh`);
  let chromium;
  try { ({ chromium } = require(path.join(harnessDir, 'node_modules', 'playwright-core'))); } catch (e) { return finish(false, `playwright-core does not load from ${harnessDir}: ${e && e.message || e}`); }
  if (process.env.RM_INTEGRATION_VSIX !== '0' && legs.some((l) => l.vsix)) {
    const why = ensureVsix(log);
    if (why) return finish(false, why);
  }

  shotServer = await startScreenshotServer(() => current?.page);
  // The Tag Explorer tests of both legs read real registries (Debian's docker-registry: one
  // open, one with htpasswd), started and seeded here once, BEFORE code-server, whose
  // extension host inherits their addresses. See test/integration/tagExplorerRegistry.ts.
  // RM_NO_TEST_REGISTRY=1 skips them.
  const seedModule = path.join(root, 'out', 'test', 'integration', 'tagExplorerRegistry.js');
  if (fs.existsSync(seedModule) && !process.env.RM_NO_TEST_REGISTRY) {
    try {
      registries = await require(seedModule).startTagExplorerRegistries();
      log(`test registries: ${registries.open.host} (open), ${registries.auth.host} (htpasswd)`);
    } catch (e) {
      log(`test registries not started, the Tag Explorer tests will fail: ${e && e.message || e}`);
    }
  }
  browser = await chromium.launch({
    executablePath: process.env.RM_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });

  let allOk = true;
  for (const leg of legs) {
    const started = Date.now();
    const r = await runLeg(leg, codeServer);
    if (finished) return; // interrupted
    const c = r.counts ?? { passed: 0, failed: 0, pending: 0 };
    // A leg that ended without counts (crash, timeout) counts as one failure.
    if (!r.ok && c.failed === 0) c.failed = 1;
    total.passed += c.passed;
    total.failed += c.failed;
    total.pending += c.pending || 0;
    if (r.why) log(`${leg.name}: ${r.why}`);
    log(`leg ${leg.name}: ${c.passed} passed, ${c.failed} failed` + (c.pending ? `, ${c.pending} skipped` : '') + ` in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    allOk &&= r.ok;
  }
  finish(allOk && total.failed === 0 && total.passed > 0, total.passed === 0 ? 'no test passed' : undefined);
}

/**
 * One leg: a fresh code-server (own temp dirs, a copy of the leg's workspace), a page that
 * loads the extension and the leg's test index, and the counts that index printed.
 * Resolves {ok, counts, why}; never rejects.
 */
async function runLeg(leg, codeServer) {
  const dir = path.join(tmp, leg.name.slice(0, 1));
  const state = { name: leg.name, server: null, context: null, page: null };
  current = state;
  let counts = null;
  let resolveLeg;
  const done = new Promise((r) => (resolveLeg = r));
  let settled = false;
  const end = (ok, why) => {
    if (settled) return;
    settled = true;
    resolveLeg({ ok, counts, why });
  };
  const timer = setTimeout(() => void onTimeout(), timeoutMs);
  timer.unref();
  const deadline = Date.now() + timeoutMs;

  // Tests change files, so every run gets its own copy of the fixture workspace.
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.resolve(root, leg.workspace), ws, { recursive: true });
  const userData = path.join(dir, 'data');
  const extDir = path.join(dir, 'ext');
  fs.mkdirSync(extDir);
  writeUserSettings(userData, leg.trusted);
  for (const d of ['config', 'cache', 'state', 'run', 't', 'docker']) fs.mkdirSync(path.join(dir, d));

  // The workbench cannot reach the extension gallery offline; that error is noise here.
  let skippingGalleryStack = false;
  const onLog = (type, text) => {
    for (const line of text.split('\n')) {
      if (/ENOTFOUND open-vsx\.org/.test(line)) { skippingGalleryStack = true; continue; }
      if (skippingGalleryStack && /^\s+at /.test(line)) continue;
      skippingGalleryStack = false;
      const at = line.indexOf(MARKER);
      if (at !== -1) {
        try { counts = JSON.parse(line.slice(at + MARKER.length)); } catch { /* malformed: stays null, so the leg fails */ }
        continue;
      }
      if (type === 'error') process.stderr.write(line + '\n');
      else process.stdout.write(line + '\n');
    }
  };
  // The test index appends its report here (see test/integration/index.ts); tailed below.
  const outFile = path.join(dir, 'out.txt');
  fs.writeFileSync(outFile, '');
  let outPos = 0;
  const drainOut = () => {
    let text = '';
    try {
      const buf = fs.readFileSync(outFile);
      text = buf.subarray(outPos).toString('utf8');
      const lastNl = text.lastIndexOf('\n');
      if (lastNl === -1) return;
      text = text.slice(0, lastNl + 1);
      outPos += Buffer.byteLength(text);
    } catch { return; }
    onLog('log', text.replace(/\n$/, ''));
  };
  const tail = setInterval(drainOut, 200);
  tail.unref();

  async function onTimeout() {
    const shot = path.join(screenshotDir, `timeout-${leg.name}.png`);
    try {
      fs.mkdirSync(screenshotDir, { recursive: true });
      if (state.page) await Promise.race([state.page.screenshot({ path: shot }), sleep(5000)]);
      log(`timeout screenshot: ${path.relative(root, shot)}`);
    } catch { /* the page may be gone */ }
    try { process.stdout.write(fs.readFileSync(path.join(dir, 'code-server.log'), 'utf8').slice(-4000)); } catch { /* no log */ }
    end(false, `timed out after ${timeoutMs} ms`);
  }

  const fromVsix = Boolean(leg.vsix) && process.env.RM_INTEGRATION_VSIX !== '0';
  log(`leg ${leg.name}: ${leg.trusted ? 'trusted (--disable-workspace-trust)' : 'untrusted (workspace trust on, Restricted Mode)'}, ${leg.entry}` +
    (fromVsix ? `, extension installed from ${path.basename(vsixPath)}` : ', extension loaded from this folder'));
  const run = async () => {
    const port = await freePort();
    const env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      XDG_STATE_HOME: path.join(dir, 'state'),
      XDG_RUNTIME_DIR: path.join(dir, 'run'),
      TMPDIR: path.join(dir, 't'),
      // Never the developer's `docker login`: the Tag Explorer reads this config.json, and the
      // untrusted leg writes a credential into it that must not be sent.
      DOCKER_CONFIG: path.join(dir, 'docker'),
      // The extension host inherits this: tests ask the harness for screenshots here.
      RM_SCREENSHOT_URL: `http://127.0.0.1:${shotServer.address().port}/screenshot`,
      RM_WORKSPACE_DIR: ws,
      RM_INTEGRATION_OUT: outFile,
      ...(registries ? { RM_TEST_REGISTRY: registries.open.host, RM_TEST_AUTH_REGISTRY: registries.auth.host } : {}),
    };
    delete env.VSCODE_IPC_HOOK_CLI;
    // The VSIX leg: install the package, and give VS Code an EMPTY development folder, since
    // extensionTestsPath is only honoured in extension development mode; the extension that
    // runs is then the installed one. Tests check which one runs (RM_EXPECT_EXTENSION_PATH).
    let devPath = root;
    if (fromVsix) {
      env.RM_EXTENSION_SOURCE = 'vsix';
      env.RM_EXPECT_EXTENSION_PATH = installVsix(codeServer, userData, extDir, env);
      devPath = path.join(dir, 'dev');
      fs.mkdirSync(devPath);
      log(`installed ${path.basename(env.RM_EXPECT_EXTENSION_PATH)} with code-server --install-extension`);
    } else {
      env.RM_EXTENSION_SOURCE = 'folder';
      env.RM_EXPECT_EXTENSION_PATH = root;
    }
    const args = [
      codeServer, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--user-data-dir', userData, '--extensions-dir', extDir,
      '--disable-telemetry', '--disable-update-check',
      ...(leg.trusted ? ['--disable-workspace-trust'] : []),
      '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
      '--disable-file-downloads', '--log', 'warn', ws,
    ];
    const server = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    state.server = server;
    const serverLog = fs.createWriteStream(path.join(dir, 'code-server.log'));
    server.stdout.pipe(serverLog);
    server.stderr.pipe(serverLog);
    server.on('exit', (code, signal) => {
      if (settled) return;
      try { process.stdout.write(fs.readFileSync(path.join(dir, 'code-server.log'), 'utf8').slice(-4000)); } catch { /* no log */ }
      end(false, `code-server exited early (${code ?? signal}); its log is above`);
    });
    await waitHealthy(server, port, deadline);
    log(`code-server 127.0.0.1:${port} is up`);

    state.context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const page = await state.context.newPage();
    state.page = page;
    let exitCode = null;
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      onLog(type, (Array.isArray(logArgs) ? logArgs : [logArgs]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
    // The page's own console, for debugging the workbench (RM_DEBUG=1).
    page.on('console', (msg) => {
      if (process.env.RM_DEBUG) process.stdout.write(`[page ${msg.type()}] ${msg.text()}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => {
      exitCode = code;
      if (process.env.RM_DEBUG) log(`exit code ${code}`);
      void settle();
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(devPath)],
      ['extensionTestsPath', remote(path.resolve(root, leg.entry))],
    ];
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);

    async function settle() {
      // Give the last log lines a moment to arrive through the page.
      await sleep(300);
      drainOut();
      if (exitCode !== 0) return end(false, `extension host exited with ${exitCode}`);
      if (!counts) return end(false, 'no counts line from the test index: a crash or an early exit (false-pass guard)');
      return end(counts.failed === 0 && counts.passed > 0, counts.passed === 0 ? 'no test passed' : undefined);
    }
  };
  run().catch((e) => end(false, `harness error: ${e && e.stack || e}`));
  const result = await done;
  clearTimeout(timer);
  clearInterval(tail);
  drainOut();
  await stopLeg(state);
  current = null;
  return result;
}

process.on('SIGINT', () => finish(false, 'interrupted'));
process.on('SIGTERM', () => finish(false, 'terminated'));
main().catch((e) => finish(false, `harness error: ${e && e.stack || e}`));
