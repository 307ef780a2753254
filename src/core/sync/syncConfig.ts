import type { Node, Pair } from 'yaml';
import { loadYaml } from '../text/loadYaml';

import { type Repository, formatRepository, parseRepository } from '../registry/registryClient';
import { type SemverRange, parseSemverRange } from './semverRange';

export const SYNC_CONFIG_FILE_NAME = '.registry-sync.yaml';

/** Which tags of a pair are kept in step. Every part is optional; all given parts must agree. */
export interface TagFilter {
  /** A tag must match one of these (when any are given). */
  allow: RegExp[];
  /** A tag matching one of these is left out. */
  deny: RegExp[];
  /** A tag must be a version in this range; the text as written, for reports. */
  semver?: { text: string; range: SemverRange };
}

export interface SyncPair {
  old: Repository;
  new: Repository;
  /** `old -> new`, as written in reports and used for sharding. */
  key: string;
  tags: TagFilter;
  /** Copy `sha256-<hex>.sig/.att/.sbom` tags and OCI referrers of the synced images. */
  referrers: boolean;
  /** Where the pair is in the config file (1-based), for messages. */
  line: number;
}

/** Per-host limits. `requestsPerSecond: 0` means no pacing. */
export interface HostLimits {
  requestsPerSecond: number;
  /** Requests in flight to the host at once. */
  concurrency: number;
}

export interface SyncDefaults {
  /** Tags in flight per pair. */
  concurrency: number;
  /** Pairs worked on at once. */
  pairs: number;
  referrers: boolean;
  /** Ask the OCI referrers API for every synced image on every run (one GET each), not only for images copied in this run. */
  recheckReferrers: boolean;
  /** Limits for hosts not listed in `hosts`. */
  host: HostLimits;
  hosts: Record<string, Partial<HostLimits>>;
  rateLimit: {
    /** Of a budget announced in `ratelimit-remaining`, keep this many requests unused. */
    reserve: number;
    /** A wait for the budget longer than this is not taken: the request goes and may be refused. */
    maxWaitSeconds: number;
  };
  insecureRegistries: string[];
}

export interface SyncConfig {
  path: string;
  defaults: SyncDefaults;
  pairs: SyncPair[];
}

export interface SyncConfigProblem {
  name: 'SyncConfigProblem';
  path: string;
  line: number;
  column: number;
  message: string;
}

export function defaultSyncDefaults(): SyncDefaults {
  return {
    concurrency: 8,
    pairs: 2,
    referrers: true,
    recheckReferrers: false,
    host: { requestsPerSecond: 0, concurrency: 16 },
    hosts: {},
    rateLimit: { reserve: 2, maxWaitSeconds: 900 },
    insecureRegistries: [],
  };
}

const TOP_KEYS = ['version', 'defaults', 'sync'];
const DEFAULT_KEYS = ['concurrency', 'pairs', 'referrers', 'recheckReferrers', 'platforms', 'tags', 'hosts', 'requestsPerSecond', 'hostConcurrency', 'rateLimit', 'insecureRegistries'];
const PAIR_KEYS = ['old', 'new', 'tags', 'platforms', 'referrers'];
const TAG_KEYS = ['allow', 'deny', 'semver'];
const HOST_KEYS = ['requestsPerSecond', 'concurrency'];
const RATE_KEYS = ['reserve', 'maxWaitSeconds'];

/** `1/3` -> {index: 1, count: 3} (1-based, as Playwright's `--shard`), or a message. */
export function parseShard(text: string): { index: number; count: number } | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `--shard must be i/n, e.g. 1/3 (got "${text}")`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `--shard ${text}: i must be between 1 and n`;
  return { index, count };
}

/**
 * Reads `.registry-sync.yaml`. Never throws on user input: every problem comes back with
 * its line and column, and a config with problems is not returned (a half-read config
 * could sync the wrong tags, so nothing runs until it is fixed).
 */
export function parseSyncConfig(text: string, path: string): { config?: SyncConfig; problems: SyncConfigProblem[] } {
  const { LineCounter, parseDocument, isMap, isScalar, isSeq } = loadYaml();
  const problems: SyncConfigProblem[] = [];
  const lc = new LineCounter();
  const at = (node: Node | null | undefined, message: string, offset?: number) => {
    const p = lc.linePos(Math.max(0, offset ?? node?.range?.[0] ?? 0));
    problems.push({ name: 'SyncConfigProblem', path, line: p.line, column: p.col, message });
  };
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) at(undefined, e.message.split('\n')[0], e.pos[0]);
    return { problems };
  }
  const root = doc.contents as Node | null;
  if (!root || !isMap(root)) {
    at(root, 'expected a mapping with a `sync:` list of pairs (old, new)');
    return { problems };
  }
  const keysOf = (map: Node, allowed: string[], what: string) => {
    if (!isMap(map)) return;
    for (const pair of map.items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) at(pair.key, `unknown key "${key}" in ${what} (expected one of ${allowed.join(', ')})`);
    }
  };
  keysOf(root, TOP_KEYS, 'the config');
  const get = (map: Node, key: string) => (isMap(map) ? (map.get(key, true) as Node | undefined) : undefined);

  const version = get(root, 'version');
  if (version && !(isScalar(version) && (version.value === 1 || version.value === '1'))) at(version, '`version` must be 1');

  const int = (node: Node | undefined, what: string, min: number, fallback: number): number => {
    if (!node) return fallback;
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (min >= 1 && !Number.isInteger(v))) {
      at(node, `\`${what}\` must be a number${min >= 1 ? ` (a whole number, at least ${min})` : ' (0 or more)'}`);
      return fallback;
    }
    return v;
  };
  const bool = (node: Node | undefined, what: string, fallback: boolean): boolean => {
    if (!node) return fallback;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    at(node, `\`${what}\` must be true or false`);
    return fallback;
  };
  const platforms = (node: Node | undefined) => {
    // A subset of an index's platforms cannot be copied without changing the index's
    // digest, and then no digest proves the new home serves the same image.
    if (node && !(isScalar(node) && node.value === 'all')) at(node, '`platforms` can only be `all`: copying some platforms of an index would change its digest, and verify could no longer prove the copy');
  };
  const regexList = (node: Node | undefined, what: string): RegExp[] => {
    if (!node) return [];
    const items = isSeq(node) ? (node.items as Node[]) : [node];
    const out: RegExp[] = [];
    for (const item of items) {
      if (!isScalar(item) || typeof item.value !== 'string') {
        at(item, `\`${what}\` must be a regular expression or a list of them`);
        continue;
      }
      try {
        out.push(new RegExp(item.value));
      } catch (e) {
        at(item, `\`${what}\`: ${(e as Error).message}`);
      }
    }
    return out;
  };
  const tagFilter = (node: Node | undefined, fallback: TagFilter): TagFilter => {
    if (!node) return fallback;
    if (!isMap(node)) {
      at(node, '`tags` must be a mapping: { allow: [regex…], deny: [regex…], semver: ">=1.0.0" }');
      return fallback;
    }
    keysOf(node, TAG_KEYS, '`tags`');
    const f: TagFilter = { allow: regexList(get(node, 'allow'), 'tags.allow'), deny: regexList(get(node, 'deny'), 'tags.deny') };
    const s = get(node, 'semver');
    if (s) {
      if (!isScalar(s) || (typeof s.value !== 'string' && typeof s.value !== 'number')) at(s, '`tags.semver` must be a range such as ">=1.1.0 <2"');
      else {
        const text = String(s.value);
        const range = parseSemverRange(text);
        if (typeof range === 'string') at(s, `\`tags.semver\`: ${range}`);
        else f.semver = { text, range };
      }
    }
    return f;
  };
  const hostLimits = (node: Node, what: string): Partial<HostLimits> => {
    keysOf(node, HOST_KEYS, what);
    const out: Partial<HostLimits> = {};
    const rps = get(node, 'requestsPerSecond');
    if (rps) out.requestsPerSecond = int(rps, `${what}.requestsPerSecond`, 0, 0);
    const c = get(node, 'concurrency');
    if (c) out.concurrency = int(c, `${what}.concurrency`, 1, 16);
    return out;
  };

  const defaults = defaultSyncDefaults();
  let defaultTags: TagFilter = { allow: [], deny: [] };
  const d = get(root, 'defaults');
  if (d) {
    if (!isMap(d)) at(d, '`defaults` must be a mapping');
    else {
      keysOf(d, DEFAULT_KEYS, '`defaults`');
      defaults.concurrency = int(get(d, 'concurrency'), 'defaults.concurrency', 1, defaults.concurrency);
      defaults.pairs = int(get(d, 'pairs'), 'defaults.pairs', 1, defaults.pairs);
      defaults.referrers = bool(get(d, 'referrers'), 'defaults.referrers', true);
      defaults.recheckReferrers = bool(get(d, 'recheckReferrers'), 'defaults.recheckReferrers', false);
      platforms(get(d, 'platforms'));
      defaultTags = tagFilter(get(d, 'tags'), defaultTags);
      defaults.host.requestsPerSecond = int(get(d, 'requestsPerSecond'), 'defaults.requestsPerSecond', 0, 0);
      defaults.host.concurrency = int(get(d, 'hostConcurrency'), 'defaults.hostConcurrency', 1, defaults.host.concurrency);
      const hosts = get(d, 'hosts');
      if (hosts) {
        if (!isMap(hosts)) at(hosts, '`defaults.hosts` must map a registry host to { requestsPerSecond, concurrency }');
        else {
          for (const pair of hosts.items as Pair<Node, Node | null>[]) {
            const host = isScalar(pair.key) ? String(pair.key.value).toLowerCase() : '';
            if (!/^[a-z0-9.-]+(:\d+)?$/.test(host)) at(pair.key, `"${host}" is not a registry host (e.g. docker.io, ghcr.io, 127.0.0.1:5000)`);
            if (!pair.value || !isMap(pair.value)) at(pair.value ?? pair.key, `\`defaults.hosts.${host}\` must be a mapping: { requestsPerSecond, concurrency }`);
            else defaults.hosts[host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host] = hostLimits(pair.value, `defaults.hosts.${host}`);
          }
        }
      }
      const rl = get(d, 'rateLimit');
      if (rl) {
        if (!isMap(rl)) at(rl, '`defaults.rateLimit` must be a mapping: { reserve, maxWaitSeconds }');
        else {
          keysOf(rl, RATE_KEYS, '`defaults.rateLimit`');
          defaults.rateLimit.reserve = int(get(rl, 'reserve'), 'defaults.rateLimit.reserve', 0, defaults.rateLimit.reserve);
          defaults.rateLimit.maxWaitSeconds = int(get(rl, 'maxWaitSeconds'), 'defaults.rateLimit.maxWaitSeconds', 0, defaults.rateLimit.maxWaitSeconds);
        }
      }
      const insecure = get(d, 'insecureRegistries');
      if (insecure) {
        if (!isSeq(insecure) || !(insecure.items as Node[]).every((i) => isScalar(i) && typeof i.value === 'string')) at(insecure, '`defaults.insecureRegistries` must be a list of hosts');
        else defaults.insecureRegistries = (insecure.items as Node[]).map((i) => String((i as { value: unknown }).value));
      }
    }
  }

  const list = get(root, 'sync');
  const pairs: SyncPair[] = [];
  if (!list) at(root, 'the config has no `sync:` list (each entry: old: REPO, new: REPO)');
  else if (!isSeq(list)) at(list, '`sync` must be a list of pairs (old, new)');
  else {
    const seen = new Map<string, number>();
    for (const item of list.items as Node[]) {
      if (!isMap(item)) {
        at(item, 'each `sync` entry must be a mapping with `old` and `new`');
        continue;
      }
      keysOf(item, PAIR_KEYS, 'a `sync` entry');
      const repo = (key: 'old' | 'new'): Repository | undefined => {
        const n = get(item, key);
        if (!n) return void at(item, `this entry has no \`${key}\` repository`);
        if (!isScalar(n) || typeof n.value !== 'string') return void at(n, `\`${key}\` must be a repository such as ghcr.io/org/app`);
        const r = parseRepository(n.value);
        if (!r.ok) return void at(n, `\`${key}\`: ${r.error.message}`);
        return r.value;
      };
      const oldRepo = repo('old');
      const newRepo = repo('new');
      platforms(get(item, 'platforms'));
      const tags = tagFilter(get(item, 'tags'), defaultTags);
      const referrers = bool(get(item, 'referrers'), 'referrers', defaults.referrers);
      if (!oldRepo || !newRepo) continue;
      const line = lc.linePos(item.range?.[0] ?? 0).line;
      const key = `${formatRepository(oldRepo)} -> ${formatRepository(newRepo)}`;
      if (formatRepository(oldRepo) === formatRepository(newRepo)) {
        at(get(item, 'new'), '`old` and `new` are the same repository');
        continue;
      }
      const dup = seen.get(key);
      if (dup !== undefined) {
        at(item, `the pair ${key} is already listed on line ${dup}`);
        continue;
      }
      seen.set(key, line);
      pairs.push({ old: oldRepo, new: newRepo, key, tags, referrers, line });
    }
    if (!(list.items as Node[]).length) at(list, '`sync` is empty: list at least one pair');
  }
  if (problems.length) return { problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
  return { config: { path, defaults, pairs }, problems };
}

/** `file:3:5: message`, the form editors and CI annotations understand. */
export function formatSyncConfigProblem(p: SyncConfigProblem): string {
  return `${p.path}:${p.line}:${p.column}: ${p.message}`;
}
