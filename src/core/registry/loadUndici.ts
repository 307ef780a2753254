import type * as Undici from 'undici';

/**
 * undici, loaded on first use rather than at start-up: its module set-up costs ~20 MB and
 * tens of milliseconds that a `scan` without `--verify` (or an extension host that never
 * opens the Tag Explorer) would pay for nothing. In the bundles esbuild.js turns this
 * require into one of dist/undici.js, beside the bundle, so that start-up does not even parse
 * it; from out/ (the tests) it is node_modules' undici.
 */
export function loadUndici(): typeof Undici {
  // A require, not an import: an import would run undici's set-up at start-up.
  return require('undici') as typeof Undici;
}
