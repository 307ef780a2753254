#!/usr/bin/env node
// The README's test command (`npm test`). Runs every stage in order and ends with one
// closing line that CI reads: "total: N passed, N failed". A stage that fails to build
// or lint fails the whole run; a test stage's counts come from scripts/countingReporter.js
// (mocha) or from the integration harness, through $RM_COUNTS_FILE.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2); // e.g. `npm test -- unit` runs the build steps and that stage

/** @type {{name: string, cmd: string[], counts?: boolean, when?: () => boolean}[]} */
const stages = [
  { name: 'fence', cmd: [bin('tsc'), '-p', 'tsconfig.core.json'] },
  { name: 'compile', cmd: [bin('tsc'), '-p', 'tsconfig.test.json'] },
  { name: 'lint', cmd: [bin('eslint'), '.'] },
  { name: 'build', cmd: [process.execPath, 'esbuild.js'] },
  { name: 'unit', counts: true, cmd: [bin('mocha'), '--reporter', './scripts/countingReporter.js', 'out/test/unit/**/*.test.js'] },
  { name: 'registry', counts: true, when: () => fs.existsSync(path.join(root, 'test', 'registry')),
    cmd: [bin('mocha'), '--reporter', './scripts/countingReporter.js', '--timeout', '60000', 'out/test/registry/**/*.test.js'] },
  // npm run package -> the VSIX (the integration stage's untrusted leg installs this file).
  { name: 'vsix', counts: true, cmd: [process.execPath, 'scripts/checkVsix.js'] },
  // npm pack -> the tarball, installed offline into a temp prefix and run.
  { name: 'pack', counts: true, cmd: [process.execPath, 'scripts/checkPack.js'] },
  // action.yml's entry point with INPUT_* set as the runner sets them.
  { name: 'action', counts: true, cmd: [process.execPath, 'scripts/checkAction.js'] },
  { name: 'integration', counts: true, when: () => fs.existsSync(path.join(root, 'scripts', 'runIntegration.js')),
    cmd: [process.execPath, 'scripts/runIntegration.js'] },
];

let passed = 0, failed = 0, skipped = 0;
const broken = [];
for (const stage of stages) {
  if (only.length && stage.counts && !only.includes(stage.name)) { console.log(`(${stage.name}: not selected)`); continue; }
  if (stage.when && !stage.when()) { console.log(`(${stage.name}: nothing to run yet)`); continue; }
  console.log(`\n== ${stage.name}`);
  const countsFile = path.join(os.tmpdir(), `rm-counts-${process.pid}-${stage.name}.json`);
  fs.rmSync(countsFile, { force: true });
  const started = Date.now();
  const r = spawnSync(stage.cmd[0], stage.cmd.slice(1), {
    // RM_REGISTRY_POOL: suites share docker-registry processes (test/support/registryProcess.ts), as under Stryker.
    cwd: root, stdio: 'inherit', env: { ...process.env, RM_COUNTS_FILE: countsFile, RM_STAGE: stage.name, ...(stage.name === 'unit' || stage.name === 'registry' ? { RM_REGISTRY_POOL: '1' } : {}) },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (stage.counts) {
    let c = null;
    try { c = JSON.parse(fs.readFileSync(countsFile, 'utf8')); } catch { /* no counts: the stage crashed */ }
    fs.rmSync(countsFile, { force: true });
    if (!c) { broken.push(`${stage.name} (exit ${r.status}, no result)`); continue; }
    passed += c.passed; failed += c.failed; skipped += c.pending || 0;
    if (r.status !== 0 && c.failed === 0) broken.push(`${stage.name} (exit ${r.status})`);
  } else if (r.status !== 0) {
    broken.push(`${stage.name} (exit ${r.status})`);
    break; // nothing after a failed build step means anything
  }
  console.log(`== ${stage.name} done in ${secs}s`);
}
if (broken.length) console.log(`\nbroken stages: ${broken.join(', ')}`);
console.log(`total: ${passed} passed, ${failed + broken.length} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed || broken.length || passed === 0 ? 1 : 0);
