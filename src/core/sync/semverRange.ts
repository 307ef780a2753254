/**
 * A small semver range matcher for tag filters (`tags.semver` in .registry-sync.yaml), in
 * the grammar users know from npm and regsync's `semverRange`:
 * `>=1.1.0`, `<2`, `>=1.2 <1.5`, `^1.2.3`, `~1.2`, `1.x`, `1.2.*`, `1.2.3 - 1.4`, joined by `||`.
 * https://github.com/npm/node-semver#ranges
 *
 * Tags are read leniently, as registries spell them: a leading `v`, and missing minor or
 * patch parts (`v1.2` is 1.2.0). A pre-release tag (`1.3.0-rc.1`) matches only when a
 * comparator of the range names a pre-release of the same major.minor.patch, as in npm,
 * so `>=1.1.0` does not drag every release candidate along.
 */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

type Op = '<' | '<=' | '>' | '>=' | '=';
interface Comparator {
  op: Op;
  v: SemVer;
}

export type SemverRange = Comparator[][];

const TAG = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** A tag as a version, or undefined (`latest`, `sha-abc123`, `v1beta2-1.3.8-3.1.1`). */
export function parseTagVersion(tag: string): SemVer | undefined {
  const m = TAG.exec(tag);
  if (!m) return undefined;
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  if (![m[1], m[2], m[3]].every((s) => s === undefined || Number.isSafeInteger(Number(s)))) return undefined;
  return { major: n(m[1]), minor: n(m[2]), patch: n(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

export function compareSemVer(a: SemVer, b: SemVer): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d) return d;
  if (!a.pre.length || !b.pre.length) return (a.pre.length ? -1 : 0) + (b.pre.length ? 1 : 0);
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const PART = /^(?:x|X|\*|\d+)$/;
const WILD = (s: string | undefined) => s === undefined || s === 'x' || s === 'X' || s === '*';

/** `1.2.x` → its parts; undefined parts are wildcards. */
function parsePartial(text: string): { parts: (number | undefined)[]; pre: string[] } | string {
  const m = /^v?([^-+]+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) return `"${text}" is not a version`;
  const raw = m[1].split('.');
  if (raw.length > 3 || !raw.every((p) => PART.test(p))) return `"${text}" is not a version (expected MAJOR[.MINOR[.PATCH]])`;
  const parts: (number | undefined)[] = [0, 1, 2].map((i) => (WILD(raw[i]) ? undefined : Number(raw[i])));
  // `1.x.3` means `1.x`: everything after the first wildcard is a wildcard.
  const firstWild = parts.findIndex((p) => p === undefined);
  if (firstWild !== -1) for (let i = firstWild; i < 3; i++) parts[i] = undefined;
  return { parts, pre: m[2] && firstWild === -1 ? m[2].split('.') : [] };
}

const ver = (major: number, minor: number, patch: number, pre: string[] = []): SemVer => ({ major, minor, patch, pre });

/** The comparators one `op version` stands for (x-ranges, `^`, `~` expand to two). */
function expand(op: string, text: string): Comparator[] | string {
  const p = parsePartial(text);
  if (typeof p === 'string') return p;
  const [M, m, pa] = p.parts;
  const lo = ver(M ?? 0, m ?? 0, pa ?? 0, p.pre);
  if (M === undefined) return op === '<' || op === '>' ? [{ op: '<', v: ver(0, 0, 0, ['0']) }] : [];
  const nextUp = (): SemVer => (m === undefined ? ver(M + 1, 0, 0, ['0']) : pa === undefined ? ver(M, m + 1, 0, ['0']) : ver(M, m, pa + 1, ['0']));
  switch (op) {
    case '':
    case '=':
      return pa === undefined ? [{ op: '>=', v: lo }, { op: '<', v: nextUp() }] : [{ op: '=', v: lo }];
    case '^': {
      const up = M > 0 || m === undefined ? ver(M + 1, 0, 0, ['0']) : m > 0 || pa === undefined ? ver(0, m + 1, 0, ['0']) : ver(0, 0, pa + 1, ['0']);
      return [{ op: '>=', v: lo }, { op: '<', v: up }];
    }
    case '~':
      return [{ op: '>=', v: lo }, { op: '<', v: m === undefined ? ver(M + 1, 0, 0, ['0']) : ver(M, m + 1, 0, ['0']) }];
    case '>=':
      return [{ op: '>=', v: lo }];
    case '<':
      return [{ op: '<', v: lo }];
    case '>':
      return pa === undefined ? [{ op: '>=', v: nextUp() }] : [{ op: '>', v: lo }];
    case '<=':
      return pa === undefined ? [{ op: '<', v: nextUp() }] : [{ op: '<=', v: lo }];
    default:
      return `unknown operator "${op}"`;
  }
}

/** Parses a range; a string is the problem, for a config error message. */
export function parseSemverRange(range: string): SemverRange | string {
  if (!range.trim()) return 'the range is empty';
  const sets: SemverRange = [];
  for (const alt of range.split('||')) {
    const text = alt.trim();
    if (!text) return 'an empty alternative around "||"';
    const set: Comparator[] = [];
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) {
      const a = expand('>=', hyphen[1]);
      const b = expand('<=', hyphen[2]);
      if (typeof a === 'string') return a;
      if (typeof b === 'string') return b;
      sets.push([...a, ...b]);
      continue;
    }
    // `>= 1.2` is allowed: glue an operator to the version after it.
    const tokens = text.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
    for (const t of tokens) {
      const m = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(t)!;
      const c = expand(m[1] ?? '', m[2]);
      if (typeof c === 'string') return c;
      set.push(...c);
    }
    sets.push(set);
  }
  return sets;
}

function test(c: Comparator, v: SemVer): boolean {
  const d = compareSemVer(v, c.v);
  return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : c.op === '>=' ? d >= 0 : d === 0;
}

/** Whether `tag` is a version inside `range`. Non-version tags never match. */
export function satisfiesRange(tag: string, range: SemverRange): boolean {
  const v = parseTagVersion(tag);
  if (!v) return false;
  return range.some((set) => {
    if (!set.every((c) => test(c, v))) return false;
    if (!v.pre.length) return true;
    // npm's rule: a pre-release only through a comparator naming a pre-release of the same
    // version (the `-0` lower bounds added by `^`/`~`/x-ranges do not count).
    return set.some((c) => c.v.pre.length > 0 && !(c.v.pre.length === 1 && c.v.pre[0] === '0' && c.op === '<') && c.v.major === v.major && c.v.minor === v.minor && c.v.patch === v.patch);
  });
}
