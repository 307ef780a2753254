#!/usr/bin/env node
// `npm run bench:explorer`: the Tag Explorer benchmark in a real extension host (code-server,
// as the integration tests). bench/explorer.ts does the work against its own docker-registry;
// this prints the medians against the target and writes bench/results/explorer.json.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const out = path.join(os.tmpdir(), `rm-bench-explorer-${process.pid}.json`);
const r = spawnSync(process.execPath, ['scripts/runIntegration.js'], {
  cwd: root, stdio: 'inherit',
  env: { ...process.env, RM_STAGE: 'bench:explorer', RM_INTEGRATION_ENTRY: 'out/bench/explorer.js', RM_BENCH_OUT: out,
    RM_NO_TEST_REGISTRY: '1', RM_COUNTS_FILE: '', RM_INTEGRATION_TIMEOUT_MS: process.env.RM_INTEGRATION_TIMEOUT_MS || '300000' },
});
if (r.status !== 0 || !fs.existsSync(out)) { console.error(`bench:explorer failed (exit ${r.status})`); process.exit(1); }
const res = JSON.parse(fs.readFileSync(out, 'utf8'));
fs.rmSync(out, { force: true });
const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`\nbench:explorer (VS Code 1.100.3 extension host via code-server, local docker-registry, medians of ${res.runs})`);
console.log(`  first tags shown, 3,000-tag repository: ${ms(res.firstTagsShownMs)} from expanding the root to the newest tag visible in the workbench` +
  ` (data provider alone ${ms(res.firstTagsDataMs)}; CLI \`tags --limit 100\` as a process ${ms(res.cliTagsProcessMs)})`);
console.log(`  Verify All, 300 tags (${res.classification} identical/missing/different): ${ms(res.verifyAllMs)}; CLI \`verify\` ${ms(res.cliVerifyMs)};` +
  ` ratio ${res.ratioToCli.toFixed(2)}x (target <= 1.5x); verifyRepositories in-process ${ms(res.inProcessVerifyMs)}`);
console.log(`  tree refresh events during one Verify All: ${res.refreshEventsPerVerifyAll} for 300 results (batched)`);
fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench', 'results', 'explorer.json'), JSON.stringify(res, null, 2));
process.exit(res.ratioToCli <= 1.5 ? 0 : 1);
