#!/usr/bin/env node
// The npm CLI as a user gets it: `npm pack` (its prepack makes the production bundle), the
// tarball's file list, then `npm install -g` of that tarball into a temporary prefix with
// npm OFFLINE, an empty cache and a registry on a dead loopback port, which only works
// because the package has no runtime dependencies (yaml and undici are bundled into
// dist/cli.js). Then the installed `registry-migrator --version` and `scan` of
// examples/workspace, compared with the repository's own build, and the two pre-commit
// hooks of .pre-commit-hooks.yaml as pre-commit runs them (entry + staged file names). Restores the development
// bundle afterwards (prepack replaced dist/). Prints "pack: N passed, N failed" and writes
// the counts to $RM_COUNTS_FILE for scripts/test.js.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const label = process.env.RM_STAGE || 'pack';
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-pack-'));
const results = [];

function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`  ${ok ? '✓' : '✗'} ${name}${detail ? `: ${detail}` : ''}`);
}

function run(cmd, args, options) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...options });
}

try {
  check('package.json has no runtime dependencies (the CLI bundle carries them)', !pkg.dependencies || Object.keys(pkg.dependencies).length === 0,
    Object.keys(pkg.dependencies || {}).join(', '));

  const packed = run(npm, ['pack', '--json', '--pack-destination', tmp], { cwd: root });
  check('`npm pack` succeeds', packed.status === 0, packed.status === 0 ? '' : packed.stderr);
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0];
  const files = info.files.map((f) => f.path).sort();
  const tarball = path.join(tmp, info.filename);
  console.log(`${info.filename}: ${(info.size / 1024).toFixed(1)} KB packed, ${(info.unpackedSize / 1024).toFixed(1)} KB unpacked`);
  for (const f of files) console.log(`    ${f}`);
  for (const f of ['dist/cli.js', 'dist/scanWorker.js', 'dist/undici.js', 'README.md', 'LICENSE', 'package.json']) check(`contains ${f}`, files.includes(f));
  // pre-commit runs a plain `npm pack` and takes its whole stdout as the tarball's name.
  fs.mkdirSync(path.join(tmp, 'plain'));
  const plainEnv = { ...process.env };
  delete plainEnv.npm_config_foreground_scripts; // set when this runs under `npm test`
  const plain = run(npm, ['pack', '--pack-destination', path.join(tmp, 'plain')], { cwd: root, env: plainEnv });
  check('a plain `npm pack` prints only the tarball name (what pre-commit reads)', plain.stdout.trim() === info.filename, JSON.stringify(plain.stdout));
  const extra = files.filter((f) => !['dist/cli.js', 'dist/scanWorker.js', 'dist/undici.js', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(f));
  check('nothing else (no dist/extension.js, source maps, sources or tests)', extra.length === 0, extra.join(', '));

  // Offline, an empty cache, and a registry nobody listens on: any download fails the install.
  const prefix = path.join(tmp, 'prefix');
  const env = {
    ...process.env, npm_config_offline: 'true', npm_config_cache: path.join(tmp, 'cache'), npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false',
  };
  const inst = run(npm, ['install', '--global', '--prefix', prefix, tarball], { cwd: tmp, env });
  check('installs from the tarball alone, offline', inst.status === 0, inst.status === 0 ? '' : `${inst.stdout}\n${inst.stderr}`);
  const bin = path.join(prefix, 'bin', 'registry-migrator');
  check('puts registry-migrator on the prefix\'s bin/', fs.existsSync(bin));

  // Run from a folder outside the repository, with PATH pointing at the prefix first, so
  // nothing of this checkout's node_modules can be picked up.
  const userEnv = { ...process.env, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`, NODE_PATH: '' };
  const version = run('registry-migrator', ['--version'], { cwd: tmp, env: userEnv });
  check(`\`registry-migrator --version\` prints ${pkg.version}`, version.status === 0 && version.stdout.trim() === pkg.version, JSON.stringify(version.stdout.trim()));

  // A registry command loads undici from dist/undici.js, beside the CLI: nothing listens on
  // port 9, so a working install says "connection refused" (exit 3), a broken one crashes.
  const tags = run('registry-migrator', ['tags', '127.0.0.1:9/app'], { cwd: tmp, env: userEnv });
  check('`registry-migrator tags` loads undici from the package (connection refused, exit 3)', tags.status === 3 && /connection refused/.test(tags.stderr), `exit ${tags.status} ${tags.stderr}`);

  const ws = path.join(tmp, 'workspace');
  fs.cpSync(path.join(root, 'examples', 'workspace'), ws, { recursive: true });
  const scan = run('registry-migrator', ['scan', ws], { cwd: tmp, env: userEnv });
  check('`registry-migrator scan examples/workspace` exits 1 (deprecated references found)', scan.status === 1, `exit ${scan.status} ${scan.stderr}`);
  check('and prints them like a linter', /^deploy\/spark-pi\.yaml:\d+:\d+ {2}warning {2}gcr\.io\/spark-operator\/spark-operator moved to /m.test(scan.stdout));
  const installedJson = run('registry-migrator', ['scan', ws, '--format', 'json'], { cwd: tmp, env: userEnv });
  const ownJson = run(process.execPath, [path.join(root, 'dist', 'cli.js'), 'scan', ws, '--format', 'json'], { cwd: tmp });
  const count = (r) => { try { return JSON.parse(r.stdout).mentions.filter((m) => m.deprecated).length; } catch { return -1; } };
  check('the installed CLI finds what this checkout\'s build finds', count(installedJson) > 0 && installedJson.stdout === ownJson.stdout,
    `${count(installedJson)} vs ${count(ownJson)} deprecated references`);

  // The pre-commit hooks run the installed binary with the staged files as arguments, from
  // the repository root (pre-commit installs the package the same way: npm pack, install -g).
  const hooks = require('yaml').parse(fs.readFileSync(path.join(root, '.pre-commit-hooks.yaml'), 'utf8'));
  const hook = (id) => {
    const h = hooks.find((x) => x.id === id);
    if (!h || h.language !== 'node') throw new Error(`.pre-commit-hooks.yaml has no node hook ${id}`);
    const [cmd, ...args] = h.entry.split(/\s+/);
    return (files) => run(cmd, [...args, ...files], { cwd: ws, env: userEnv });
  };
  fs.writeFileSync(path.join(ws, 'clean.yaml'), 'image: registry.k8s.io/pause:3.9\n');
  let h = hook('registry-migrator')(['clean.yaml', 'Dockerfile']);
  check('pre-commit hook registry-migrator: fails on a staged file with a moved image, naming it', h.status === 1 &&
    /^Dockerfile:2:\d+ {2}warning {2}k8s\.gcr\.io/m.test(h.stdout) && !h.stdout.includes('clean.yaml:'), `exit ${h.status} ${h.stdout}`);
  h = hook('registry-migrator')(['clean.yaml']);
  check('and passes when the staged files are clean', h.status === 0, `exit ${h.status} ${h.stdout}`);
  const before = fs.readFileSync(path.join(ws, 'Dockerfile'), 'utf8');
  h = hook('registry-migrator-fix')(['Dockerfile']);
  const after = fs.readFileSync(path.join(ws, 'Dockerfile'), 'utf8');
  check('pre-commit hook registry-migrator-fix: rewrites the staged file, which then scans clean', after !== before && after.includes('registry.k8s.io/build-image/debian-base') &&
    hook('registry-migrator')(['Dockerfile']).status === 0, `exit ${h.status} ${h.stdout}${h.stderr}`);
} catch (e) {
  check('the pack check ran to the end', false, e.stack);
} finally {
  const dev = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
  if (dev.status !== 0) check('the development build is restored', false);
  fs.rmSync(tmp, { recursive: true, force: true });
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${label}: ${passed} passed, ${failed} failed`);
if (process.env.RM_COUNTS_FILE) fs.writeFileSync(process.env.RM_COUNTS_FILE, JSON.stringify({ passed, failed, pending: 0 }));
process.exit(failed === 0 && passed > 0 ? 0 : 1);
