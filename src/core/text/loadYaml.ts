import type * as Yaml from 'yaml';

/**
 * The `yaml` package, evaluated on first use rather than at start-up: only a rules file, a
 * sync config and the rare flow collection that the YAML outline cannot read itself need
 * it, and its module set-up ran in the CLI and in every scan thread at start. esbuild
 * bundles it as a module that runs when first required.
 */
export function loadYaml(): typeof Yaml {
  // A require, not an import: an import would run the package's set-up at start-up.
  return require('yaml') as typeof Yaml;
}
