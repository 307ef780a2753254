/**
 * A scan worker thread: analyzes batches of files for ScanPool. Bundled by esbuild.js as
 * dist/scanWorker.js next to the CLI and the extension; vscode-free like the pool.
 */
import { parentPort, workerData } from 'worker_threads';
import { type FileScanResult, prepareRuleSet, type ScanJob, scanOneFile, type ScanSettings } from './scanOneFile';
import type { RuleSet } from '../core/rules/migrationRule';

export interface WorkerInit {
  ruleSets: RuleSet[];
  settings: ScanSettings;
}

export interface BatchMessage {
  id: number;
  jobs: ScanJob[];
}

export interface ResultMessage {
  id: number;
  results: FileScanResult[];
}

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const prepared = init.ruleSets.map(prepareRuleSet);
  port.on('message', (batch: BatchMessage) => {
    const results = batch.jobs.map((job) => {
      try {
        return scanOneFile(job, prepared[job.ruleSet], init.settings);
      } catch (e) {
        // The core promises not to throw on user text; if it does, one file is skipped.
        return { skipped: `analysis failed: ${e instanceof Error ? e.message : String(e)}` };
      }
    });
    port.postMessage({ id: batch.id, results } satisfies ResultMessage);
  });
}
