import type { RuleSet } from './migrationRule';
import { normalizeRuleName } from './matchRule';
import { escapeRegExp as escape } from '../text/escapeRegExp';

/** One literal a reference under a rule always spells out, and how it may be bounded. */
export interface RuleNeedle {
  text: string;
  /** A registry host: matched in any case (`K8S.GCR.IO/pause` is k8s.gcr.io/pause). */
  host: boolean;
  /**
   * What may follow the needle: `component` (a path component ends there: `bitnami` in
   * `bitnami/redis`, not in `bitnamilegacy/redis`), `name` (the token ends there: an exact
   * rule's name, or a registry field's path part), or `any` (a pattern's literal before its `*`).
   */
  end: 'component' | 'name' | 'any';
}

/**
 * What at least one of must occur in a file for any rule to match in it: a file without
 * them has no deprecated reference, so a workspace scan can skip it unread by the finders.
 * The needle is the most specific literal part of each `from` that a reference always spells
 * out: the path for names on Docker Hub (`bitnami/redis` omits docker.io) and for split Helm
 * values (`registry: gcr.io` + `repository: spark-operator/spark-operator`, in any order and
 * far apart, so the host cannot be required as well), else the host. test/unit/prefilter.test.ts
 * checks that no file the full scan flags is skipped.
 */
export function ruleNeedleList(ruleSet: RuleSet): RuleNeedle[] {
  const out = new Map<string, RuleNeedle>();
  for (const rule of ruleSet.rules) {
    if (!rule.enabled) continue;
    for (const from of rule.from) {
      // Normalized as a prefix whatever the match: an exact `redis` is written `redis:7`, not
      // `library/redis` (normalizeRuleName reads a pattern as a prefix too).
      const norm = normalizeRuleName(from, 'prefix');
      const slash = norm.indexOf('/');
      const host = slash === -1 ? norm : norm.slice(0, slash);
      let pathPart = slash === -1 ? '' : norm.slice(slash + 1);
      let end: RuleNeedle['end'] = rule.match === 'exact' ? 'name' : 'component';
      const star = pathPart.indexOf('*');
      if (star !== -1) {
        // `docker.io/owasp/zap2docker-*`: the literal before the star, open-ended.
        end = pathPart[star - 1] === '/' ? 'component' : 'any';
        pathPart = pathPart.slice(0, star).replace(/\/$/, '');
      }
      const found: RuleNeedle[] = pathPart ? [{ text: pathPart, host: false, end }] : [{ text: host, host: true, end: 'any' }];
      // A registry field may hold part of the path (`registry: ghcr.io/googlecloudplatform`
      // + `repository: spark-operator`): then each leading part of the path ends a token.
      for (let i = pathPart.indexOf('/'); i !== -1; i = pathPart.indexOf('/', i + 1)) found.push({ text: pathPart.slice(0, i), host: false, end: 'name' });
      for (const n of found) {
        const key = `${n.text}\0${n.end}`;
        if (!out.has(key)) out.set(key, n);
      }
    }
  }
  // The loosest bound wins when two rules share a literal (one exact, one prefix).
  const byText = new Map<string, RuleNeedle>();
  const order = { any: 0, component: 1, name: 2 } as const;
  for (const n of out.values()) {
    const had = byText.get(n.text);
    if (!had || order[n.end] < order[had.end]) byText.set(n.text, n);
  }
  return [...byText.values()];
}

/** The needles as plain strings, e.g. for `rg -F -e …` in bench:scan. */
export function ruleNeedles(ruleSet: RuleSet): string[] {
  return ruleNeedleList(ruleSet).map((n) => n.text);
}

/** Characters of a path component: after a needle ending a component, none may follow. */
const COMPONENT_END = '(?![a-z0-9._-])';
/** After an exact rule's name: neither a name character nor a deeper path. */
const NAME_END = '(?![a-z0-9._/-])';

/**
 * One regular expression of all needles, for a latin1 view of a file's bytes (no UTF-8
 * decoding: needles are ASCII); undefined when no rule is enabled. Hosts match in any case.
 * Path needles are lowercase: the grammar rejects an uppercase repository, so a
 * differently-cased path can never be flagged.
 */
export function needleRegExp(needles: readonly RuleNeedle[]): RegExp | undefined {
  if (needles.length === 0) return undefined;
  const alts = needles.map((n) => {
    // Letters as [kK]: a whole-regex `i` flag costs 75 % more on the bench:scan tree.
    const body = n.host ? escape(n.text).replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`) : escape(n.text);
    return body + (n.end === 'component' ? COMPONENT_END : n.end === 'name' ? NAME_END : '');
  });
  return new RegExp(alts.join('|'));
}
