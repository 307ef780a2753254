import { runDirectory } from '../index';

/**
 * extensionTestsPath of the untrusted leg: scripts/runIntegration.js opens
 * test/integration/untrusted/workspace in a code-server with workspace trust enabled and
 * never granted (Restricted Mode), and runs the *.test.js files of this folder only.
 */
export function run(): Promise<void> {
  return runDirectory(__dirname);
}
