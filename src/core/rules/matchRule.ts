import { DOCKER_HUB, isDomainComponent, normalizeDomain } from '../reference/imageReference';
import type { MigrationRule, RuleSet } from './migrationRule';
import { escapeRegExp as escape } from '../text/escapeRegExp';

/** What a repository name resolves to: the rule that matched it and the final new name. */
export interface RuleMatch {
  rule: MigrationRule;
  /** The final new repository name after following chains, or null for a rule with no target. */
  newName: string | null;
  /** Every rule followed, first to last (`SO-GCR-OP` alone, or a chain). */
  chain: MigrationRule[];
  /**
   * The name is the rule's prefix itself, with no repository under it (`gcr.io/google-containers`
   * for the k8s.gcr.io move): a namespace, not an image. Its new name is a namespace too.
   */
  namespaceOnly?: boolean;
}

interface CompiledFrom {
  rule: MigrationRule;
  regex: RegExp;
  /** exact 3, pattern 2, prefix 1; then longer `from` wins. */
  rank: number;
  length: number;
  /** The registry host of this `from`: a name on any other host cannot match. */
  host: string;
}

/**
 * Normalizes a rule's `from` the way image names are normalized, without adding
 * `library/` to prefixes: `bitnami` -> `docker.io/bitnami`, `K8S.GCR.IO` -> `k8s.gcr.io`,
 * `redis` (exact) -> `docker.io/library/redis`.
 */
export function normalizeRuleName(from: string, match: MigrationRule['match']): string {
  const parts = from.split('/');
  if (isDomainComponent(parts[0])) {
    const domain = normalizeDomain(parts[0]);
    const rest = parts.slice(1);
    if (domain === DOCKER_HUB && rest.length === 1 && match === 'exact') rest.unshift('library');
    return [domain, ...rest].join('/');
  }
  if (parts.length === 1 && match === 'exact') return `${DOCKER_HUB}/library/${from}`;
  return `${DOCKER_HUB}/${from}`;
}


function compile(rule: MigrationRule, from: string): CompiledFrom {
  const norm = normalizeRuleName(from, rule.match);
  let body: string;
  if (rule.match === 'pattern') body = norm.split('*').map(escape).join('([a-z0-9._-]+)');
  else body = escape(norm);
  const regex = new RegExp(rule.match === 'prefix' ? `^${body}(/.*)?$` : `^${body}$`);
  return { rule, regex, rank: rule.match === 'exact' ? 3 : rule.match === 'pattern' ? 2 : 1, length: norm.length, host: norm.split('/')[0] };
}

/** Matches normalized repository names against a rule set; build once, use per file. */
export class RuleMatcher {
  private readonly compiled: CompiledFrom[];
  /** Cheap first test: the registry hosts any rule can match. */
  private readonly hosts: Set<string>;

  constructor(ruleSet: RuleSet) {
    this.compiled = [];
    for (const rule of ruleSet.rules) {
      if (!rule.enabled) continue;
      for (const from of rule.from) this.compiled.push(compile(rule, from));
    }
    this.compiled.sort((a, b) => b.rank - a.rank || b.length - a.length);
    this.hosts = new Set(this.compiled.map((c) => c.host));
  }

  /** The registry hosts the rules cover, e.g. for a ripgrep-style prefilter. */
  get ruleHosts(): ReadonlySet<string> {
    return this.hosts;
  }

  /**
   * The rules' names as written with their host, for the content finder: `k8s.gcr.io`,
   * `gcr.io/google_containers`, `quay.io/coreos/prometheus-operator`; a pattern up to its
   * first wildcard's component (`docker.pkg.github.com`). Names written without a host
   * (`bitnami/…` on Docker Hub) are left to the format finders: bare, they are everywhere.
   */
  get contentPrefixes(): readonly string[] {
    if (!this.prefixes) {
      const out = new Set<string>();
      for (const c of this.compiled) {
        for (const from of c.rule.from) {
          const first = from.split('/')[0];
          if (!isDomainComponent(first)) continue;
          let p = from.toLowerCase();
          const star = p.indexOf('*');
          if (star !== -1) p = p.slice(0, p.lastIndexOf('/', star));
          if (p.includes('.')) out.add(p.replace(/\/+$/, ''));
        }
      }
      this.prefixes = [...out];
    }
    return this.prefixes;
  }

  private prefixes: string[] | undefined;

  private best(name: string, exclude: Set<MigrationRule>): { c: CompiledFrom; m: RegExpExecArray } | undefined {
    const slash = name.indexOf('/');
    const host = slash === -1 ? name : name.slice(0, slash);
    if (!this.hosts.has(host)) return undefined;
    for (const c of this.compiled) {
      // Stryker disable next-line ConditionalExpression: a shortcut; each regex is anchored at its own literal host (loadRuleSet refuses a * in a host)
      if (c.host !== host || exclude.has(c.rule)) continue;
      const m = c.regex.exec(name);
      if (m) return { c, m };
    }
    return undefined;
  }

  /** Resolves `name` (normalized, `domain/path`) through every chained rule. */
  match(name: string): RuleMatch | undefined {
    // A chart names the same repositories again and again (and so do the files of a
    // tree): each distinct name runs the host's regexes once. The results are read-only to
    // callers; the cache is bounded so a hostile tree cannot grow it without end.
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit ?? undefined;
    const m = this.resolve(name);
    if (this.cache.size >= MATCH_CACHE_SIZE) this.cache.clear();
    this.cache.set(name, m ?? null);
    return m;
  }

  private readonly cache = new Map<string, RuleMatch | null>();

  private resolve(name: string): RuleMatch | undefined {
    const first = this.best(name, new Set());
    if (!first) return undefined;
    const chain: MigrationRule[] = [first.c.rule];
    const namespaceOnly = first.c.rule.match === 'prefix' && !first.m[1];
    let current = apply(first.c.rule, first.m);
    if (current === null) return { rule: first.c.rule, newName: null, chain, namespaceOnly };
    if (namespaceOnly) return { rule: first.c.rule, newName: current, chain, namespaceOnly };
    const seen = new Set<MigrationRule>(chain);
    for (let hop = 0; hop < 16; hop++) {
      const next = this.best(current, seen);
      if (!next || !next.c.rule.to) break;
      const mapped = apply(next.c.rule, next.m);
      if (mapped === null || mapped === current) break;
      chain.push(next.c.rule);
      seen.add(next.c.rule);
      current = mapped;
    }
    return { rule: first.c.rule, newName: current, chain };
  }
}

const MATCH_CACHE_SIZE = 10000;

function apply(rule: MigrationRule, m: RegExpExecArray): string | null {
  if (!rule.to) return null;
  const to = normalizeRuleName(rule.to, rule.match === 'prefix' ? 'prefix' : 'exact');
  if (rule.match === 'prefix') return to + (m[1] ?? '');
  // Stryker disable next-line ConditionalExpression: only a pattern's `to` may hold $1… (loadRuleSet refuses them elsewhere), so replacing in an exact target changes nothing
  if (rule.match === 'pattern') return to.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
  return to;
}
