#!/usr/bin/env node
// The GitHub Action's entry point (action.yml: runs.using node24, main action/main.js).
// Plain CommonJS with no dependencies, so it runs from a bare checkout of this repository:
// the runner downloads the repository at the pinned ref, and dist/ (gitignored) is not in
// it. On first use this file builds dist/cli.js from that checkout's sources and lockfile
// (`npm ci --ignore-scripts`, then `node esbuild.js --production`); later steps of the job
// that use the same ref find it built. It then runs the bundled CLI's `scan` and turns its
// JSON into annotations, step outputs, a job summary, the exit code, and optional SARIF.
//
// Inputs come as the runner sets them: INPUT_<NAME> with the name upper-cased, spaces made
// underscores and dashes KEPT (INPUT_FAIL-ON, INPUT_SARIF-FILE).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const actionRoot = path.resolve(__dirname, '..');
const cli = path.join(actionRoot, 'dist', 'cli.js');

function input(name) {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}

/** One per line; a single line may hold several, separated by spaces (paths with spaces: one per line). */
function list(value) {
  if (!value) return [];
  const lines = value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.length === 1 ? lines[0].split(/\s+/) : lines;
}

/** Workflow-command escaping, as @actions/core does it (toCommandValue / escapeProperty). */
const escapeData = (s) => String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function command(name, props, message) {
  const p = Object.entries(props).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',');
  process.stdout.write(`::${name}${p ? ' ' + p : ''}::${escapeData(message)}\n`);
}

function fail(message, code = 2) {
  command('error', {}, message);
  process.exitCode = code;
}

function setOutput(name, value) {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) return;
  const v = String(value);
  if (/[\r\n]/.test(v)) throw new Error(`output ${name} must be one line`);
  fs.appendFileSync(file, `${name}=${v}\n`);
}

function run(cmd, args, options) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...options });
}

/** Builds dist/cli.js from this checkout on first use; returns an error message or undefined. */
function ensureCli() {
  if (fs.existsSync(cli)) return undefined;
  process.stdout.write('::group::Building the registry-migrator CLI from this action\'s checkout (first use of this ref)\n');
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    if (!fs.existsSync(path.join(actionRoot, 'node_modules', 'esbuild'))) {
      // Only the lockfile's packages; no install scripts (esbuild's binary comes in its
      // platform package, and nothing else here needs one). The test harness is not in it.
      const r = run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: actionRoot, stdio: 'inherit' });
      if (r.status !== 0) return `npm ci in ${actionRoot} failed (exit ${r.status ?? r.error?.message})`;
    }
    const b = run(process.execPath, ['esbuild.js', '--production'], { cwd: actionRoot, stdio: 'inherit' });
    if (b.status !== 0 || !fs.existsSync(cli)) return `building dist/cli.js failed (exit ${b.status})`;
    return undefined;
  } finally {
    process.stdout.write('::endgroup::\n');
  }
}

function main() {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const paths = list(input('paths'));
  const format = input('format') || 'text';
  const failOn = input('fail-on') || 'deprecated';
  const rules = input('rules');
  const exclude = list(input('exclude'));
  const sarifFile = input('sarif-file');
  if (!['text', 'json', 'sarif'].includes(format)) return fail(`format must be text, json or sarif, not "${format}"`);
  if (!['deprecated', 'never'].includes(failOn)) return fail(`fail-on must be deprecated or never, not "${failOn}"`);

  const why = ensureCli();
  if (why) return fail(why);
  setOutput('cli', cli);

  const args = [...paths];
  if (rules) args.push('--rules', rules);
  for (const e of exclude) args.push('--exclude', e);
  const scan = (fmt) => run(process.execPath, [cli, 'scan', ...args, '--format', fmt], { cwd: workspace });

  // The CLI reports paths relative to the one folder it was given; annotations and code
  // scanning want them relative to the repository root.
  const single = paths.length === 1 ? path.resolve(workspace, paths[0]) : undefined;
  const base = single && fs.existsSync(single) && fs.statSync(single).isDirectory() ? path.relative(workspace, single).split(path.sep).join('/') : '';
  const repoPath = (file) => (base ? `${base}/${file}` : file);

  const r = scan('json');
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0 && r.status !== 1) {
    if (exclude.length && /unknown option --exclude/.test(r.stderr)) return fail('the exclude input needs a registry-migrator CLI whose scan has --exclude; this one has not');
    return fail(`registry-migrator scan failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(0, 5).join(' | ')}`);
  }
  let report;
  try { report = JSON.parse(r.stdout); } catch (e) { return fail(`registry-migrator scan printed no JSON: ${e.message}`); }

  const found = report.mentions.filter((m) => m.deprecated);
  const level = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };
  for (const m of found) {
    command(level[m.severity] || 'warning', {
      file: repoPath(m.file), line: m.line, col: m.column, endLine: m.endLine, endColumn: m.endColumn, title: `Registry Migrator: ${m.rule}`,
    }, m.message);
  }
  if (format === 'json') process.stdout.write(r.stdout);
  else {
    const shown = scan(format);
    process.stdout.write(shown.stdout);
  }

  if (sarifFile) {
    const s = scan('sarif');
    let sarif;
    try { sarif = JSON.parse(s.stdout); } catch (e) { return fail(`registry-migrator scan --format sarif printed no JSON: ${e.message}`); }
    for (const result of sarif.runs[0].results) {
      for (const loc of result.locations) loc.physicalLocation.artifactLocation.uri = encodeURI(repoPath(decodeURI(loc.physicalLocation.artifactLocation.uri)));
    }
    const out = path.resolve(workspace, sarifFile);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(sarif, null, 2) + '\n');
  }

  const files = new Set(found.map((m) => m.file)).size;
  const fixable = found.filter((m) => m.replacement !== null).length;
  setOutput('findings', found.length);
  setOutput('fixable', fixable);
  setOutput('files', files);
  setOutput('sarif-file', sarifFile);
  if (process.env.GITHUB_STEP_SUMMARY) {
    const rows = found.slice(0, 50).map((m) => `| \`${repoPath(m.file)}:${m.line}\` | \`${m.text}\` | ${m.newName ? `\`${m.newName}\`` : '(no new home)'} | ${m.rule} |`);
    fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, [
      `### Registry Migrator: ${found.length ? `${found.length} deprecated image reference${found.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}` : 'no deprecated image references'}`,
      '',
      ...(found.length ? ['| where | reference | moved to | rule |', '|---|---|---|---|', ...rows, ...(found.length > 50 ? [`\n…and ${found.length - 50} more.`] : []),
        '', `${fixable} fixable with \`npx registry-migrator fix\`.`] : []),
      '',
    ].join('\n'));
  }
  if (report.ruleProblems.length) return fail('the rules file has problems (listed above); the built-in rules were applied');
  if (found.length && failOn === 'deprecated') return fail(`${found.length} deprecated image reference${found.length === 1 ? '' : 's'} (fail-on: deprecated)`, 1);
}

try {
  main();
} catch (e) {
  fail(`registry-migrator action: ${e && e.stack || e}`);
}
