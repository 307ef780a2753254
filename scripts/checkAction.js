#!/usr/bin/env node
// The GitHub Action (action.yml, action/main.js), run as the runner runs it: every input of
// action.yml is set as INPUT_<NAME> (upper-cased, dashes kept: INPUT_FAIL-ON), with its
// default unless the case overrides it; GITHUB_WORKSPACE is a copy of examples/workspace;
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY are files. Each case asserts the exit code, the
// outputs, annotations and SARIF. The expected counts come from the CLI's own JSON.
// One case runs the entry point from a copy of the repository without dist/, as a fresh
// checkout of the action is, so the first-use build is exercised (with this checkout's
// node_modules linked in: tests stay offline). Prints "action: N passed, N failed" and writes
// the counts to $RM_COUNTS_FILE for scripts/test.js.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const label = process.env.RM_STAGE || 'action';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-action-'));
const results = [];

function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`  ${ok ? '✓' : '✗'} ${name}${ok || !detail ? '' : `: ${detail}`}`);
}

const action = YAML.parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8'));
let caseNo = 0;

/** Runs the action's entry point with `inputs` over action.yml's defaults; returns what a runner would see. */
function runAction(inputs, { entry = path.join(root, action.runs.main) } = {}) {
  const dir = path.join(tmp, `case${++caseNo}`);
  const ws = path.join(dir, 'ws');
  fs.cpSync(path.join(root, 'examples', 'workspace'), ws, { recursive: true });
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary.md');
  fs.writeFileSync(outputFile, '');
  const env = { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: ws, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile };
  for (const k of Object.keys(env)) if (k.startsWith('INPUT_')) delete env[k];
  for (const [name, spec] of Object.entries(action.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = name in inputs ? inputs[name] : String(spec.default ?? '');
  }
  // Anything else is set verbatim (a wrong spelling the runner never produces).
  for (const [k, v] of Object.entries(inputs)) if (!(k in action.inputs)) env[`INPUT_${k}`] = v;
  const r = spawnSync(process.execPath, [entry], { cwd: ws, env, encoding: 'utf8' });
  const outputs = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8') : '';
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary, ws };
}

/** What the CLI itself finds, as the expectation. */
function cliCount(args) {
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'scan', ...args, '--format', 'json'], { cwd: path.join(root, 'examples', 'workspace'), encoding: 'utf8' });
  const found = JSON.parse(r.stdout).mentions.filter((m) => m.deprecated);
  return { findings: found.length, files: new Set(found.map((m) => m.file)).size, fixable: found.filter((m) => m.replacement !== null).length };
}

const annotations = (stdout) => stdout.split('\n').filter((l) => /^::(warning|error|notice) file=/.test(l));

try {
  check('action.yml: node24, main action/main.js, the documented inputs', action.runs.using === 'node24' && action.runs.main === 'action/main.js' &&
    ['paths', 'format', 'fail-on', 'rules', 'exclude', 'sarif-file'].every((i) => i in action.inputs));
  // The example workflow only uses inputs and outputs the action has, and uploads its SARIF.
  const wf = YAML.parse(fs.readFileSync(path.join(root, 'examples', 'workflows', 'registry-migrator.yml'), 'utf8'));
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  const ours = steps.filter((st) => /^registry-migrator\/registry-migrator@/.test(st.uses ?? ''));
  const usedOutputs = [...JSON.stringify(wf).matchAll(/steps\.\w+\.outputs\.([\w-]+)/g)].map((m) => m[1]);
  check('examples/workflows/registry-migrator.yml: known inputs and outputs, SARIF upload, a scheduled verify', ours.length === 2 &&
    ours.every((st) => Object.keys(st.with ?? {}).every((k) => k in action.inputs)) && usedOutputs.every((o) => o in action.outputs) &&
    steps.some((st) => /^github\/codeql-action\/upload-sarif@/.test(st.uses ?? '')) && Boolean(wf.on.schedule) &&
    steps.some((st) => /verify "\$OLD" "\$NEW"/.test(st.run ?? '')), JSON.stringify(usedOutputs));
  const all = cliCount([]);

  let r = runAction({});
  check('defaults: exits 1 on deprecated references (fail-on: deprecated)', r.status === 1, `exit ${r.status}: ${r.stderr}`);
  check('outputs findings, fixable and files as the CLI counts them', r.outputs.findings === String(all.findings) && r.outputs.fixable === String(all.fixable) &&
    r.outputs.files === String(all.files), `${JSON.stringify(r.outputs)} vs ${JSON.stringify(all)}`);
  check('one annotation per finding, at its file, line and column', annotations(r.stdout).length === all.findings &&
    r.stdout.includes('::warning file=deploy/spark-pi.yaml,line=22,col=18,'), annotations(r.stdout).slice(0, 2).join('\n'));
  check('the log shows the text report, and the failure says why', /^deploy\/spark-pi\.yaml:22:18 {2}warning /m.test(r.stdout) &&
    r.stdout.includes(`::error::${all.findings} deprecated image references (fail-on: deprecated)`));
  const version = spawnSync(process.execPath, [r.outputs.cli ?? '', '--version'], { encoding: 'utf8' });
  check('outputs cli, the bundled CLI later steps can run (verify)', version.status === 0 && version.stdout.trim() === require(path.join(root, 'package.json')).version, r.outputs.cli);
  check('the job summary lists the findings', r.summary.includes(`${all.findings} deprecated image references in ${all.files} files`) && r.summary.includes('| `deploy/spark-pi.yaml:22` |'));

  r = runAction({ 'fail-on': 'never', 'sarif-file': 'results/registry-migrator.sarif' });
  check('fail-on: never exits 0 with findings', r.status === 0, `exit ${r.status}`);
  const sarifPath = path.join(r.ws, 'results', 'registry-migrator.sarif');
  let sarif = null;
  try { sarif = JSON.parse(fs.readFileSync(sarifPath, 'utf8')); } catch { /* checked below */ }
  check('sarif-file: writes SARIF 2.1.0 with one result per finding', sarif?.version === '2.1.0' && sarif.runs[0].results.length === all.findings);
  check('and sets the sarif-file output', r.outputs['sarif-file'] === 'results/registry-migrator.sarif');

  const deploy = cliCount(['deploy']);
  r = runAction({ paths: 'deploy', 'fail-on': 'never', 'sarif-file': 'deploy.sarif' });
  const uris = (() => { try { return JSON.parse(fs.readFileSync(path.join(r.ws, 'deploy.sarif'), 'utf8')).runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri); } catch { return []; } })();
  check('paths: one folder scans only it', r.outputs.findings === String(deploy.findings) && deploy.findings > 0 && deploy.findings < all.findings, `${r.outputs.findings} vs ${deploy.findings}`);
  check('its SARIF and annotations name files from the repository root (deploy/…)', uris.length === deploy.findings && uris.every((u) => u.startsWith('deploy/')) &&
    annotations(r.stdout).every((a) => a.includes('file=deploy/')), uris.join(', '));

  const two = cliCount(['deploy', 'Dockerfile']);
  r = runAction({ paths: 'deploy\nDockerfile\n', 'fail-on': 'never' });
  check('paths: one per line', r.outputs.findings === String(two.findings) && two.findings > deploy.findings, `${r.outputs.findings} vs ${two.findings}`);
  r = runAction({ paths: 'deploy Dockerfile', 'fail-on': 'never' });
  check('paths: several on one line', r.outputs.findings === String(two.findings));

  r = runAction({ format: 'json', 'fail-on': 'never' });
  const json = (() => { try { return JSON.parse(r.stdout.slice(r.stdout.indexOf('\n{') + 1)); } catch { return null; } })();
  check('format: json prints the CLI\'s JSON report', json?.mentions?.filter((m) => m.deprecated).length === all.findings);

  r = runAction({ rules: 'no-such-rules.yaml', 'fail-on': 'never' });
  check('rules: an unreadable rules file fails the step even with fail-on: never', r.status === 2 && /::error::.*no-such-rules\.yaml/.test(r.stdout), `exit ${r.status} ${r.stdout}`);
  r = runAction({ 'fail-on': 'sometimes' });
  check('fail-on: a value other than deprecated/never is refused', r.status === 2 && r.stdout.includes('fail-on must be deprecated or never'));
  // The runner keeps the dash: an underscore spelling is a different, unread variable.
  r = runAction({ 'fail-on': 'deprecated', FAIL_ON: 'never' });
  check('reads INPUT_FAIL-ON (dash kept), not INPUT_FAIL_ON', r.status === 1);

  // exclude is passed through as `scan --exclude`, which the CLI may not have yet.
  const help = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'scan', '--help'], { encoding: 'utf8' }).stdout;
  r = runAction({ exclude: 'deploy/**', 'fail-on': 'never' });
  if (/--exclude/.test(help)) {
    check('exclude: skips the matching files', r.status === 0 && Number(r.outputs.findings) === all.findings - deploy.findings && !annotations(r.stdout).some((a) => a.includes('file=deploy/')),
      `${r.outputs.findings} findings`);
  } else {
    console.log('  (this CLI\'s scan has no --exclude yet: checking that the action says so instead of ignoring the input)');
    check('exclude: with a CLI lacking --exclude, fails and says so', r.status === 2 && r.stdout.includes('the exclude input needs a registry-migrator CLI whose scan has --exclude'), r.stdout);
  }

  // A fresh checkout of the action: no dist/. node_modules is linked in (offline tests), so
  // this covers the first-use build; `npm ci` is what fills node_modules on a runner.
  const checkout = path.join(tmp, 'checkout');
  const tracked = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const f of tracked) {
    if (!fs.existsSync(path.join(root, f))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(checkout, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(checkout, f));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(checkout, 'node_modules'));
  check('a fresh checkout has no dist/', !fs.existsSync(path.join(checkout, 'dist')));
  r = runAction({ 'fail-on': 'never' }, { entry: path.join(checkout, action.runs.main) });
  check('first use builds dist/cli.js from the checkout and scans', r.status === 0 && fs.existsSync(path.join(checkout, 'dist', 'cli.js')) &&
    r.outputs.findings === String(all.findings) && r.stdout.includes('::group::Building the registry-migrator CLI'), `exit ${r.status} ${r.stderr.slice(-500)}`);
  const again = runAction({ 'fail-on': 'never' }, { entry: path.join(checkout, action.runs.main) });
  check('a second use reuses that build', again.status === 0 && !again.stdout.includes('::group::Building'));
} catch (e) {
  check('the action check ran to the end', false, e.stack);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${label}: ${passed} passed, ${failed} failed`);
if (process.env.RM_COUNTS_FILE) fs.writeFileSync(process.env.RM_COUNTS_FILE, JSON.stringify({ passed, failed, pending: 0 }));
process.exit(failed === 0 && passed > 0 ? 0 : 1);
