import type { TagPolicy } from './migrationRule';

export type TagVerdict = { ok: true; newTag?: string } | { ok: false; problem: string };

type Version = [number, number, number];

/** The version a tag starts with: `v1.9.8` -> [1,9,8], `11.2-debian-10-r5` -> [11,2,0], `latest` -> undefined. */
export function tagVersion(tag: string): Version | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?![\d])/.exec(tag);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** A semver range subset: comparators (`>=1.2.0`, `<2`, `=1.0.0`, `1.0.0`) joined by spaces (and), `||` (or). */
export function parseRange(range: string): ((v: Version) => boolean) | string {
  // Stryker disable next-line Regex: splitting at each blank instead of each run only adds empty words, and filter drops them
  const alternatives = range.split('||').map((alt) => alt.split(/\s+/).filter(Boolean));
  const tests: ((v: Version) => boolean)[][] = [];
  for (const alt of alternatives) {
    if (alt.length === 0) return `empty alternative in "${range}"`;
    const ands: ((v: Version) => boolean)[] = [];
    for (const c of alt) {
      const m = /^(>=|<=|>|<|=)?v?(\d+(?:\.\d+){0,2})$/.exec(c);
      if (!m) return `"${c}" is not a comparator such as >=1.2.0 or <2`;
      const bound = tagVersion(m[2])!;
      // Stryker disable next-line StringLiteral: no operator and '=' both fall to the last branch (d === 0)
      const op = m[1] ?? '=';
      ands.push((v) => {
        const d = compare(v, bound);
        return op === '>=' ? d >= 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : op === '<' ? d < 0 : d === 0;
      });
    }
    tests.push(ands);
  }
  return (v) => tests.some((ands) => ands.every((t) => t(v)));
}

/** Checks a policy's own fields; returns what is wrong, or undefined. */
export function checkTagPolicy(p: TagPolicy): string | undefined {
  for (const k of ['pattern', 'exclude'] as const) {
    if (p[k] === undefined) continue;
    try {
      new RegExp(p[k]);
    } catch (e) {
      return `tags.${k}: ${(e as Error).message}`;
    }
  }
  if (p.range !== undefined) {
    const r = parseRange(p.range);
    if (typeof r === 'string') return `tags.range: ${r}`;
  }
  if (p.until !== undefined && !tagVersion(p.until)) return `tags.until: "${p.until}" is not a version`;
  return undefined;
}

/**
 * Whether the new home carries `tag`, and how it writes it. The checks look at the tag as
 * written at the old home; the transform gives the new home's spelling.
 */
export function checkTag(p: TagPolicy, tag: string, newHome: string): TagVerdict {
  const outside = (why: string): TagVerdict => ({ ok: false, problem: `${why}${p.message ? `: ${p.message}` : ''}` });
  if (p.exclude && compiled(p.exclude).test(tag)) return outside(`tag ${tag} was not copied to ${newHome}`);
  if (p.pattern && !compiled(p.pattern).test(tag)) return outside(`${newHome} does not carry tags like ${tag}`);
  if (p.range !== undefined || p.until !== undefined) {
    const v = tagVersion(tag);
    if (!v) return outside(`tag ${tag} names no version, so it cannot be placed in the versions ${newHome} carries`);
    if (p.range !== undefined) {
      const r = rangeOf(p.range);
      if (typeof r === 'function' && !r(v)) return outside(`${newHome} carries only versions ${p.range}, not ${tag}`);
    }
    if (p.until !== undefined) {
      // `until: 2.4` includes every 2.4.x: compare as many parts as the cut-off names.
      const parts = p.until.split('.').length;
      const cut = tagVersion(p.until)!;
      const trunc = (x: Version): Version => [x[0], parts > 1 ? x[1] : 0, parts > 2 ? x[2] : 0];
      if (compare(trunc(v), cut) > 0) return outside(`${newHome} has no versions after ${p.until}, so not ${tag}`);
    }
  }
  let newTag = tag;
  if (p.transform?.removePrefix && newTag.startsWith(p.transform.removePrefix)) newTag = newTag.slice(p.transform.removePrefix.length);
  if (p.transform?.addPrefix && !newTag.startsWith(p.transform.addPrefix)) newTag = p.transform.addPrefix + newTag;
  return newTag === tag ? { ok: true } : { ok: true, newTag };
}

/**
 * A rule's patterns and ranges, compiled once: checkTag runs for every finding under a rule
 * with a tag policy (every Bitnami reference of a dense chart tree). Bounded, as the rules
 * are few; a rules file cannot grow it without end.
 */
const regexes = new Map<string, RegExp>();
const ranges = new Map<string, ReturnType<typeof parseRange>>();

function compiled(source: string): RegExp {
  let re = regexes.get(source);
  if (!re) {
    if (regexes.size >= 256) regexes.clear();
    // Neither g nor y: test() keeps no state between tags.
    regexes.set(source, (re = new RegExp(source)));
  }
  return re;
}

function rangeOf(range: string): ReturnType<typeof parseRange> {
  let r = ranges.get(range);
  if (r === undefined) {
    if (ranges.size >= 256) ranges.clear();
    ranges.set(range, (r = parseRange(range)));
  }
  return r;
}
