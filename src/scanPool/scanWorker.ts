/**
 * A scan worker thread: analyzes batches of files for ScanPool. Bundled by esbuild.js as
 * dist/scanWorker.js next to the CLI and the extension; vscode-free like the pool.
 */
import { parentPort, workerData } from 'worker_threads';
import { analysisFailed, type FileScanResult, prepareRuleSet, type ScanJob, scanOneFile, type ScanSettings } from './scanOneFile';
import type { RuleSet } from '../core/rules/migrationRule';

export interface WorkerInit {
  ruleSets: RuleSet[];
  settings: ScanSettings;
  /** Hand the files that pass the prefilter back while they are rare (ScanPool's rareHitsHere). */
  handBack: boolean;
}

export interface BatchMessage {
  id: number;
  jobs: ScanJob[];
}

export interface ResultMessage {
  id: number;
  results: FileScanResult[];
}

/**
 * A tree where at most one file in this many passes the prefilter is sparse: its hits are
 * handed back. In a dense one (a chart repository, where nearly every file does) each
 * thread analyzes its own, or the pool's thread would be the bottleneck.
 */
const RARE_HITS = 16;

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const prepared = init.ruleSets.map(prepareRuleSet);
  // Files read, and files that passed the prefilter: a hit is handed back while at most
  // one file in RARE_HITS has been one.
  let seen = 0;
  let hits = 0;
  const rare = () => ++hits * RARE_HITS <= seen;
  const handBack = init.handBack ? rare : undefined;
  port.on('message', (batch: BatchMessage) => {
    const results = batch.jobs.map((job) => {
      seen++;
      try {
        return scanOneFile(job, prepared[job.ruleSet], init.settings, handBack);
      } catch (e) {
        return analysisFailed(e);
      }
    });
    port.postMessage({ id: batch.id, results } satisfies ResultMessage);
  });
}
