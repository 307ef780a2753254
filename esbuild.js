// Bundles the extension and the CLI. The 'coreFence' plugin makes the build fail when
// anything under src/core, src/cli or src/scanPool imports 'vscode' (design.md, dependency direction).
const esbuild = require('esbuild');
const path = require('path');

const fs = require('fs');

// --production (vscode:prepublish, prepack): minified, no source maps, as shipped in the
// VSIX and the npm tarball. The default is the development build (source maps).
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const fenced = ['core', 'cli', 'scanPool'].map((d) => path.join(__dirname, 'src', d) + path.sep);
const coreFence = {
  name: 'core-fence',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => {
      if (fenced.some((dir) => args.importer.startsWith(dir))) {
        return { errors: [{ text: `${path.relative(__dirname, args.importer)} imports 'vscode': src/core, src/cli and src/scanPool must stay vscode-free` }] };
      }
      return { path: 'vscode', external: true };
    });
  },
};

// undici is most of the CLI's and the extension's bundle (~1 MB of ~1.7 MB), and only a
// registry command or the Tag Explorer needs it: it is its own file, dist/undici.js, which
// loadUndici requires on first use, so that a scan (a pre-commit hook, an activation)
// does not parse it. ~20 ms off every start.
const undiciApart = {
  name: 'undici-apart',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [coreFence],
  // `registry-migrator --version` and the SARIF driver version come from package.json.
  define: { __VERSION__: JSON.stringify(require('./package.json').version) },
};

async function main() {
  const contexts = await Promise.all([
    esbuild.context({ ...common, plugins: [coreFence, undiciApart], entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' }),
    esbuild.context({ ...common, plugins: [coreFence, undiciApart], entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
    esbuild.context({ ...common, entryPoints: [require.resolve('undici')], outfile: 'dist/undici.js' }),
    // The scan pool's thread: ScanPool loads it from next to the bundle that runs it.
    esbuild.context({ ...common, entryPoints: ['src/scanPool/scanWorker.ts'], outfile: 'dist/scanWorker.js' }),
  ]);
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  // A production build over a development one would leave its maps behind, next to
  // bundles they no longer describe.
  if (production) for (const f of ['extension.js.map', 'cli.js.map', 'scanWorker.js.map', 'undici.js.map']) fs.rmSync(path.join(__dirname, 'dist', f), { force: true });
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  fs.chmodSync(path.join(__dirname, 'dist', 'cli.js'), 0o755);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
