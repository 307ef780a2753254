#!/usr/bin/env node
// Packages the extension with @vscode/vsce from a staging copy (so the working tree's
// development build is left alone), lists the VSIX, and checks that it holds only the
// runtime files: dist/ (the minified extension bundle and its scan worker), media/, package.json, README,
// CHANGELOG and LICENSE, in under 1 MB. Prints "vsix: N passed, N failed" and writes the
// counts to $RM_COUNTS_FILE for scripts/test.js.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const MAX_BYTES = 1024 * 1024;
const label = process.env.RM_STAGE || 'vsix';
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-vsix-'));
const results = [];

function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`  ${ok ? '✓' : '✗'} ${name}${detail ? `: ${detail}` : ''}`);
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

try {
  // The production bundle: minified, no source map. Built into the staging dir.
  // The extension and the workspace scan's worker thread, which it loads from next to itself.
  for (const [entry, out] of [['src/extension.ts', 'extension.js'], ['src/scanPool/scanWorker.ts', 'scanWorker.js']]) {
    run(process.execPath, ['-e', `
    require('esbuild').build({ entryPoints: [${JSON.stringify(entry)}], outfile: ${JSON.stringify(path.join(stage, 'dist', out))},
      bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, external: ['vscode'], logLevel: 'warning' })
      .catch((e) => { console.error(e.message); process.exit(1); });`], root);
  }
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) fs.copyFileSync(path.join(root, f), path.join(stage, f));
  if (fs.existsSync(path.join(root, 'media'))) fs.cpSync(path.join(root, 'media'), path.join(stage, 'media'), { recursive: true });
  // Noise a careless allowlist would ship: it must stay out.
  fs.mkdirSync(path.join(stage, 'src'));
  fs.writeFileSync(path.join(stage, 'src', 'extension.ts'), '// must not be packaged\n');

  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = path.join(stage, 'registry-migrator.vsix');
  // The repository URL is a placeholder, so relative README links get an explicit base.
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license',
    '--baseContentUrl', 'https://example.invalid/registry-migrator/blob/main',
    '--baseImagesUrl', 'https://example.invalid/registry-migrator/raw/main', '--out', out], stage);
  const listing = run(process.execPath, [vsce, 'ls', '--no-dependencies'], stage).split('\n').map((l) => l.trim()).filter(Boolean);
  const size = fs.statSync(out).size;
  console.log(`${path.basename(out)}: ${(size / 1024).toFixed(1)} KB, ${listing.length} files`);
  for (const f of listing) console.log(`    ${f}`);

  const allowed = (f) => /^dist\//.test(f) || /^media\//.test(f) || ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].includes(f);
  const extra = listing.filter((f) => !allowed(f));
  check('lists only dist/, media/, package.json, README, CHANGELOG, LICENSE', extra.length === 0, extra.join(', '));
  for (const f of ['dist/extension.js', 'dist/scanWorker.js', 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) check(`contains ${f}`, listing.includes(f));
  check('no source maps', !listing.some((f) => f.endsWith('.map')));
  check('under 1 MB', size < MAX_BYTES, `${(size / 1024).toFixed(1)} KB`);
  const manifest = JSON.parse(fs.readFileSync(path.join(stage, 'package.json'), 'utf8'));
  check('main is dist/extension.js', manifest.main === './dist/extension.js');
} catch (e) {
  check('vsce packages the extension', false, e.message);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${label}: ${passed} passed, ${failed} failed`);
if (process.env.RM_COUNTS_FILE) fs.writeFileSync(process.env.RM_COUNTS_FILE, JSON.stringify({ passed, failed, pending: 0 }));
process.exit(failed === 0 && passed > 0 ? 0 : 1);
