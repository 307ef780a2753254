#!/usr/bin/env node
// Stryker's buildCommand (stryker.config.json), run once inside its sandbox on the
// instrumented sources: compiles the tests to out/ and bundles dist/ (the CLI unit tests
// run dist/cli.js). Stryker runs a build command without a shell, hence this file.
const { execFileSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.test.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
