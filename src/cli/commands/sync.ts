import * as fs from 'fs';
import * as path from 'path';

import { createDefaultRegistryClient } from '../../core/registry/defaultRegistryClient';
import { RateLimiter } from '../../core/sync/rateLimit';
import { SYNC_CONFIG_FILE_NAME, formatSyncConfigProblem, parseShard, parseSyncConfig } from '../../core/sync/syncConfig';
import { type SyncReport, mergeSyncReports, syncExitCode } from '../../core/sync/syncReport';
import { renderSyncMarkdown, renderSyncText } from '../../core/sync/syncReportFormat';
import { selectShard } from '../../core/sync/syncPlan';
import { runSync } from '../../core/sync/syncRun';
import { oneOf, parseArgs } from '../args';
import type { Command } from '../command';
import { type CliIO, EXIT, UsageError } from '../io';
import { progressBar } from '../progressBar';
import { pushCredentials } from './copy';

const usage = `Usage: registry-migrator sync [--config FILE] [--check] [--shard i/n] [--format text|json|markdown] [--insecure-registry HOST]...
       registry-migrator sync --merge-reports REPORT.json... [--format text|json|markdown]

Keeps every pair of .registry-sync.yaml in step during a parallel period: the tags of
each old repository that its new home lacks are copied digest for digest, with their
signatures and attestations (sha256-<hex>.sig/.att/.sbom tags, and OCI referrers).
HEAD-first: a run with nothing to do costs one tag list and one HEAD per tag per side,
and writes nothing. Never deletes; never replaces a tag that has another digest.
  --config FILE             the config (default: ${SYNC_CONFIG_FILE_NAME} in the current folder)
  --check                   report drift and copy nothing
  --shard i/n               only the pairs of shard i of n (1-based; a pair's shard depends
                            on its names only), for a CI matrix or a Kubernetes indexed Job
  --merge-reports FILES     merge the --format json reports of the shards of one run
  --format text|json|markdown
  --insecure-registry HOST  talk plain HTTP to HOST (loopback registries always are)
Exit codes (as verify): 0 every chosen tag is identical at the new side; 1 drift remains
(missing or different tags, or a pair whose filter chose nothing); 3 something could not
be checked (a registry error, a missing shard report); 2 usage or config errors.
Credentials: as copy (REGISTRY_MIGRATOR_PUSH_USERNAME/PASSWORD, or docker login, for the
new registries; the usual read-only sources for the old ones).
`;

function render(report: SyncReport, format: 'text' | 'json' | 'markdown'): string {
  return format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'markdown' ? renderSyncMarkdown(report) : renderSyncText(report);
}

function readReports(files: string[], io: CliIO): { name: string; report: SyncReport }[] {
  return files.map((f) => {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, f), 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      return { name: f, report: JSON.parse(text) as SyncReport };
    } catch (e) {
      throw new UsageError(`${f} is not JSON (${(e as Error).message}); write reports with --format json`);
    }
  });
}

export const syncCommand: Command = {
  summary: 'keep old and new registries in step from .registry-sync.yaml (--check: report drift)',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { positionals, options } = parseArgs(argv, {
      config: { type: 'string' },
      check: { type: 'boolean' },
      shard: { type: 'string' },
      'merge-reports': { type: 'boolean' },
      format: { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
    });
    const format = oneOf(options.format, ['text', 'json', 'markdown'] as const, 'format', 'text');
    if (options['merge-reports']) {
      if (!positionals.length) throw new UsageError('--merge-reports needs the JSON reports to merge');
      if (options.config || options.check || options.shard) throw new UsageError('--merge-reports takes only report files (and --format)');
      const merged = mergeSyncReports(readReports(positionals, io));
      if (!merged.report) {
        for (const p of merged.problems) io.err(`registry-migrator sync: ${p}\n`);
        return EXIT.usage;
      }
      io.out(render(merged.report, format));
      return syncExitCode(merged.report);
    }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (the pairs come from --config)`);
    const shard = options.shard === undefined ? undefined : parseShard(String(options.shard));
    if (typeof shard === 'string') throw new UsageError(shard);
    const configPath = path.resolve(io.cwd, typeof options.config === 'string' ? options.config : SYNC_CONFIG_FILE_NAME);
    let text: string;
    try {
      text = fs.readFileSync(configPath, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read the config ${configPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const shown = path.relative(io.cwd, configPath) || configPath;
    const { config, problems } = parseSyncConfig(text, shown);
    if (!config) {
      for (const p of problems) io.err(`${formatSyncConfigProblem(p)}\n`);
      io.err(`registry-migrator sync: ${problems.length} problem${problems.length > 1 ? 's' : ''} in ${shown}; nothing was synced\n`);
      return EXIT.usage;
    }
    const d = config.defaults;
    const limiter = new RateLimiter({
      limits: (host) => ({ ...d.host, ...d.hosts[host] }),
      reserve: d.rateLimit.reserve,
      maxWaitMs: d.rateLimit.maxWaitSeconds * 1000,
    });
    const insecureRegistries = [...d.insecureRegistries, ...((options['insecure-registry'] as string[] | undefined) ?? [])];
    const check = options.check === true;
    // The limiter paces per host; the clients' own cap is set above it so it does not queue first.
    const clientConcurrency = Math.max(d.host.concurrency, ...Object.values(d.hosts).map((h) => h.concurrency ?? 0));
    const src = createDefaultRegistryClient({ env: io.env, insecureRegistries, concurrency: clientConcurrency, githubToken: true, hooks: limiter });
    const pushHosts = new Set(config.pairs.map((p) => p.new.host));
    const explicit = pushCredentials(io.env, '');
    const provider = explicit && { get: (h: string, s?: AbortSignal) => (pushHosts.has(h) ? pushCredentials(io.env, h)!.get(h, s) : Promise.resolve(undefined)) };
    const dst = createDefaultRegistryClient({ env: io.env, insecureRegistries, concurrency: clientConcurrency, githubToken: false, allowPush: !check, provider, hooks: limiter });
    const bar = io.isTTY ? progressBar(io, 'pairs') : undefined;
    let done = 0;
    const inShard = selectShard(config.pairs, shard).length;
    try {
      const report = await runSync(config, { source: src.client, destination: dst.client, rateStats: () => limiter.stats() }, {
        check,
        shard,
        signal: io.signal,
        onPair: bar && ((p) => bar.update(++done, inShard, p.key)),
      });
      bar?.clear();
      io.out(render(report, format));
      return syncExitCode(report);
    } finally {
      bar?.clear();
      await Promise.all([src.close(), dst.close()]);
    }
  },
};
