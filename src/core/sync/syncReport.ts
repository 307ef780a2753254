import type { CopyStats } from '../registry/copyImage';
import type { HostRateStats } from './rateLimit';

/**
 * One tag of a pair after a sync or a check.
 * - `identical`: the new side has the old digest; nothing written.
 * - `copied`: written in this run, then re-resolved at the new side with the old digest.
 * - `missing` (check): not at the new side. `different`: there with another digest; a sync
 *   leaves it alone (it never clobbers) and reports it, as a check does.
 * - `error`: see `cause`; the next run picks up from there.
 */
export type SyncTagStatus = 'identical' | 'copied' | 'missing' | 'different' | 'error';

export interface SyncTagResult {
  tag: string;
  status: SyncTagStatus;
  /** Digest at the old side (null: could not be read). */
  old: string | null;
  /** Digest at the new side after the run (null: not there). */
  new: string | null;
  mediaType?: string;
  /** For a referrer tag (`sha256-<hex>.sig`): the digest it refers to, and the tag that has that digest. */
  referrerOf?: { digest: string; tag?: string };
  /** For an image tag: the referrer tags and OCI-referrer digests that follow it (copied or already there). */
  referrers?: string[];
  cause?: { code: string; message: string };
}

export interface PairSummary {
  /** Tags looked at: the filter's image tags and the referrer tags that follow them. */
  total: number;
  identical: number;
  copied: number;
  missing: number;
  different: number;
  error: number;
  /** Tags only the new side has (not looked at further; never a failure). */
  onlyInNew: number;
  /** Referrers copied through the OCI referrers API. */
  referrersApi: number;
}

export interface PairReport {
  key: string;
  old: string;
  new: string;
  results: SyncTagResult[];
  summary: PairSummary;
  /** Blob and manifest work (zero for a check, and for a run with nothing to do). */
  stats?: CopyStats;
  listingError?: { side: 'old' | 'new'; code: string; message: string };
  warnings: string[];
  seconds: number;
}

export interface SyncReport {
  /** Bumped when the JSON shape changes incompatibly; `--merge-reports` checks it. */
  schema: 1;
  mode: 'sync' | 'check';
  config: { path: string; fingerprint: string; pairs: number };
  shard?: { index: number; count: number };
  pairs: PairReport[];
  totals: PairSummary & { pairs: number };
  rate: HostRateStats[];
  seconds: number;
  /** For merged reports: shards that were expected but not given. */
  missingShards?: number[];
}

export function emptyPairSummary(): PairSummary {
  return { total: 0, identical: 0, copied: 0, missing: 0, different: 0, error: 0, onlyInNew: 0, referrersApi: 0 };
}

export function summarizePair(results: SyncTagResult[], onlyInNew: number, referrersApi: number): PairSummary {
  const s = emptyPairSummary();
  s.onlyInNew = onlyInNew;
  s.referrersApi = referrersApi;
  for (const r of results) {
    s.total++;
    s[r.status]++;
  }
  return s;
}

export function totalsOf(pairs: PairReport[]): SyncReport['totals'] {
  const t = { ...emptyPairSummary(), pairs: pairs.length };
  const keys = Object.keys(emptyPairSummary()) as (keyof PairSummary)[];
  for (const p of pairs) for (const k of keys) t[k] += p.summary[k] ?? 0;
  return t;
}

/** Exit codes shared with `verify`: 0 in step, 1 incomplete (drift found), 3 could not check. */
export const SYNC_EXIT = { ok: 0, incomplete: 1, couldNotCheck: 3 } as const;

/**
 * Drift that was seen wins over trouble: a check that found a missing tag and also hit a
 * timeout elsewhere is incomplete (1) for certain. A pair whose filter chose no tag at all
 * counts as incomplete: nothing compared is not a proof (a typo in `allow` looks like this).
 */
export function syncExitCode(report: SyncReport): number {
  const drift = report.pairs.some((p) => p.summary.missing + p.summary.different > 0 || (!p.listingError && p.summary.total === 0));
  if (drift) return SYNC_EXIT.incomplete;
  const trouble = report.pairs.some((p) => p.listingError || p.summary.error > 0) || (report.missingShards?.length ?? 0) > 0;
  return trouble ? SYNC_EXIT.couldNotCheck : SYNC_EXIT.ok;
}

/**
 * Merges the JSON reports of the shards of one run (`sync --merge-reports a.json b.json`).
 * Problems (another config, the same shard twice, a pair in two reports) are returned as
 * messages; shards that are absent are listed in `missingShards`, which makes the merged
 * exit code 3 (could not check everything).
 */
export function mergeSyncReports(reports: { name: string; report: SyncReport }[]): { report?: SyncReport; problems: string[] } {
  const problems: string[] = [];
  if (!reports.length) return { problems: ['no reports to merge'] };
  for (const { name, report } of reports) {
    if (!report || report.schema !== 1 || !Array.isArray(report.pairs)) problems.push(`${name}: not a registry-migrator sync report (schema 1)`);
  }
  if (problems.length) return { problems };
  const first = reports[0].report;
  const pairs: PairReport[] = [];
  const seenPairs = new Map<string, string>();
  const seenShards = new Map<number, string>();
  let count: number | undefined;
  for (const { name, report } of reports) {
    if (report.config.fingerprint !== first.config.fingerprint) problems.push(`${name}: made from another config (pairs ${report.config.fingerprint}, ${reports[0].name} has ${first.config.fingerprint})`);
    if (report.mode !== first.mode) problems.push(`${name}: a ${report.mode} report, ${reports[0].name} is a ${first.mode} report`);
    if (report.shard) {
      if (count !== undefined && report.shard.count !== count) problems.push(`${name}: shard ${report.shard.index}/${report.shard.count}, but other reports split into ${count}`);
      count = report.shard.count;
      const dup = seenShards.get(report.shard.index);
      if (dup) problems.push(`${name}: shard ${report.shard.index}/${report.shard.count} is also ${dup}`);
      seenShards.set(report.shard.index, name);
    }
    for (const p of report.pairs) {
      const dup = seenPairs.get(p.key);
      if (dup) problems.push(`${name}: the pair ${p.key} is also in ${dup}`);
      seenPairs.set(p.key, name);
      pairs.push(p);
    }
  }
  if (problems.length) return { problems };
  const missingShards = count === undefined ? [] : Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seenShards.has(i));
  const merged: SyncReport = {
    schema: 1,
    mode: first.mode,
    config: first.config,
    pairs: pairs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    totals: totalsOf(pairs),
    rate: mergeRates(reports.map((r) => r.report.rate ?? [])),
    seconds: Math.max(...reports.map((r) => r.report.seconds ?? 0)),
  };
  if (missingShards.length) merged.missingShards = missingShards;
  return { report: merged, problems };
}

function mergeRates(lists: HostRateStats[][]): HostRateStats[] {
  const by = new Map<string, HostRateStats>();
  for (const list of lists) {
    for (const r of list) {
      const m = by.get(r.host);
      if (!m) by.set(r.host, { ...r });
      else {
        m.requests += r.requests;
        m.counted += r.counted;
        m.pauses += r.pauses;
        m.pausedMs += r.pausedMs;
        m.refused += r.refused;
        if (r.lowestRemaining !== undefined) m.lowestRemaining = Math.min(m.lowestRemaining ?? Infinity, r.lowestRemaining);
        m.limit ??= r.limit;
      }
    }
  }
  return [...by.values()];
}
