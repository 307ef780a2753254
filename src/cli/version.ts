declare const __VERSION__: string | undefined;

/** The package's version, set by esbuild.js at build time (`0.0.0-dev` when run from out/). */
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
