#!/usr/bin/env node
// Runs the user's packaging command, `npm run package` (vsce package, whose
// vscode:prepublish makes the production bundle), and checks the VSIX it wrote,
// registry-migrator-<version>.vsix, by reading the archive itself: only the runtime files
// (dist/extension.js minified and its scan worker dist/scanWorker.js, media/, package.json, README, CHANGELOG, LICENSE), no source
// map, the manifest's icon, repository and version, under 1 MB. Then it rebuilds the
// development bundle, which packaging replaced in dist/. The integration harness installs
// this same VSIX in its untrusted leg. Prints "vsix: N passed, N failed" and writes the
// counts to $RM_COUNTS_FILE for scripts/test.js.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const root = path.resolve(__dirname, '..');
const MAX_BYTES = 1024 * 1024;
const label = process.env.RM_STAGE || 'vsix';
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
const results = [];

function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`  ${ok ? '✓' : '✗'} ${name}${detail ? `: ${detail}` : ''}`);
}

/** The entries of a zip archive (a VSIX is one), from its central directory. */
function readZip(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${path.basename(file)} is not a zip archive`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('broken zip central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + compressed);
    entries.set(name, () => (method === 8 ? zlib.inflateRawSync(raw) : raw));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

try {
  fs.rmSync(vsix, { force: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', '--silent', 'package'], { cwd: root, encoding: 'utf8' });
  check('`npm run package` succeeds with no flags', r.status === 0, r.status === 0 ? '' : `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  check(`it writes ${path.basename(vsix)}`, fs.existsSync(vsix));
  if (fs.existsSync(vsix)) {
    const entries = readZip(vsix);
    const files = [...entries.keys()].filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
    const size = fs.statSync(vsix).size;
    console.log(`${path.basename(vsix)}: ${(size / 1024).toFixed(1)} KB, ${files.length} files`);
    for (const f of files) console.log(`    ${f}`);

    // vsce stores README, CHANGELOG and LICENSE as readme.md, changelog.md and LICENSE.txt.
    const top = new Set(['package.json', 'readme.md', 'changelog.md', 'LICENSE.txt']);
    const extra = files.filter((f) => !/^dist\//.test(f) && !/^media\//.test(f) && !top.has(f));
    check('holds only dist/, media/, package.json, README, CHANGELOG, LICENSE', extra.length === 0, extra.join(', '));
    for (const f of ['dist/extension.js', 'dist/scanWorker.js', 'dist/undici.js', ...top]) check(`contains ${f}`, files.includes(f));
    check('dist/ is the extension bundle, its scan worker and undici alone (no CLI, no source map)', files.filter((f) => f.startsWith('dist/')).sort().join() === 'dist/extension.js,dist/scanWorker.js,dist/undici.js');
    check('no source maps, no TypeScript sources, no tests', !files.some((f) => /\.map$|\.ts$|(^|\/)test\//.test(f)));
    check('under 1 MB', size < MAX_BYTES, `${(size / 1024).toFixed(1)} KB`);
    const bundle = entries.get('extension/dist/extension.js')?.().toString('utf8') ?? '';
    // A development bundle ends with a sourceMappingURL comment and marks each module with a
    // `// src/…` line; the minified one has neither.
    check('the bundle is the production build (minified, no sourceMappingURL)', bundle.length > 0 && !bundle.includes('sourceMappingURL') && !/^\/\/ src\//m.test(bundle),
      `${(bundle.length / 1024).toFixed(0)} KB`);
    const manifest = JSON.parse(entries.get('extension/package.json')().toString('utf8'));
    check('main is ./dist/extension.js', manifest.main === './dist/extension.js');
    check(`version ${pkg.version}`, manifest.version === pkg.version);
    check('the icon is packaged', Boolean(manifest.icon) && files.includes(manifest.icon), manifest.icon);
    check('repository, galleryBanner and keywords are set', /^https:\/\/github\.com\//.test(manifest.repository?.url ?? '') && Boolean(manifest.galleryBanner?.color) && manifest.keywords?.length > 0);
    const readme = entries.get('extension/readme.md')().toString('utf8');
    // vsce rewrites relative links against the repository; none may stay relative.
    check('README links are absolute', !/\]\((?!https?:|#|mailto:)[^)]+\)/.test(readme));
  }
} catch (e) {
  check('the VSIX can be read', false, e.message);
} finally {
  // vscode:prepublish left the minified bundle in dist/; the other stages want source maps.
  const dev = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
  if (dev.status !== 0) check('the development build is restored', false);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${label}: ${passed} passed, ${failed} failed`);
if (process.env.RM_COUNTS_FILE) fs.writeFileSync(process.env.RM_COUNTS_FILE, JSON.stringify({ passed, failed, pending: 0 }));
process.exit(failed === 0 && passed > 0 ? 0 : 1);
