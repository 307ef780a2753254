// The VSIX leg of scripts/runIntegration.js: the package `npm run package` writes, kept
// current, and installed into a leg's own extensions dir with code-server --install-extension.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
// What `npm run package` (vsce) writes; its default name is <name>-<version>.vsix.
const vsixPath = path.join(root, `${pkg.name}-${pkg.version}.vsix`);

/**
 * Makes sure the VSIX the vsix leg installs is the package of the current sources: when it
 * is missing or older than what goes into it, runs `npm run package` (the user's command),
 * then the development build again, because vscode:prepublish leaves the minified bundle
 * in dist/ and the folder-loaded leg wants source maps in its stack traces. Returns why it
 * failed, or undefined.
 */
function ensureVsix(log) {
  const inputs = ['src', 'media', 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'esbuild.js'];
  const newest = (p) => {
    const st = fs.statSync(p);
    if (!st.isDirectory()) return st.mtimeMs;
    return fs.readdirSync(p).reduce((m, f) => Math.max(m, newest(path.join(p, f))), st.mtimeMs);
  };
  const sourcesAt = Math.max(...inputs.map((f) => path.join(root, f)).filter((f) => fs.existsSync(f)).map(newest));
  if (fs.existsSync(vsixPath) && fs.statSync(vsixPath).mtimeMs >= sourcesAt) return undefined;
  log(`packaging ${path.basename(vsixPath)} (npm run package) for the VSIX leg`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', '--silent', 'package'], { cwd: root, encoding: 'utf8' });
  const dev = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) return `npm run package failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`;
  if (dev.status !== 0) return 'the development build after packaging failed';
  return fs.existsSync(vsixPath) ? undefined : `npm run package did not write ${path.basename(vsixPath)}`;
}

/** `code-server --install-extension`: the VSIX into the leg's own extensions dir, as a user installs it. */
function installVsix(codeServer, userData, extDir, env) {
  const r = spawnSync(process.execPath, [codeServer, '--user-data-dir', userData, '--extensions-dir', extDir, '--install-extension', vsixPath],
    { env, encoding: 'utf8', timeout: 120000 });
  const out = `${r.stdout || ''}${r.stderr || ''}`.trim();
  if (r.status !== 0) throw new Error(`code-server --install-extension ${path.basename(vsixPath)} failed (${r.status ?? r.signal}): ${out}`);
  const id = `${pkg.publisher}.${pkg.name}-${pkg.version}`;
  if (!fs.existsSync(path.join(extDir, id, 'package.json'))) throw new Error(`the VSIX did not install as ${id} in ${extDir}: ${out}`);
  return path.join(extDir, id);
}

module.exports = { ensureVsix, installVsix, vsixPath };
