/**
 * A unified diff that `git apply` and `patch -p1` accept: line-based (Myers' O(ND)
 * algorithm, so a rewrite that inserts a line, such as Kustomize's `newName:` or a
 * companion Helm value, is a small hunk), hunks with `context` lines around them, and
 * "\ No newline at end of file" after a last line that has no line break. Lines keep their
 * `\r`, so a CRLF file's patch applies to it byte for byte.
 * https://www.gnu.org/software/diffutils/manual/html_node/Detailed-Unified.html
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const header = `--- a/${path}\n+++ b/${path}\n`;
  let out = '';
  // Group changes into hunks: changes closer than 2*context lines share a hunk.
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].t === ' ') i++;
    if (i >= ops.length) break;
    let start = i;
    let ctx = 0;
    while (start > 0 && ops[start - 1].t === ' ' && ctx < context) {
      start--;
      ctx++;
    }
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end].t !== ' ') end++;
      let run = 0;
      while (end + run < ops.length && ops[end + run].t === ' ') run++;
      if (end + run < ops.length && run <= 2 * context) end += run;
      else {
        end += Math.min(run, context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const aStart = hunk[0].ai;
    const bStart = hunk[0].bi;
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out += `@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@\n`;
    for (const o of hunk) {
      const line = o.t === '+' ? b[o.bi] : a[o.ai];
      out += o.t + line.text + '\n';
      if (!line.eol) out += '\\ No newline at end of file\n';
    }
    i = end;
  }
  return header + out;
}

interface Line {
  text: string;
  /** False for a last line without a line break. */
  eol: boolean;
}

function splitLines(s: string): Line[] {
  if (s === '') return [];
  const parts = s.split('\n');
  const last = parts.pop()!;
  const lines: Line[] = parts.map((text) => ({ text, eol: true }));
  if (last !== '') lines.push({ text: last, eol: false });
  return lines;
}

/** `start,len` of a hunk side; an empty side names the line before it, as diff does. */
function range(start: number, len: number): string {
  return len === 0 ? `${start},0` : `${start + 1},${len}`;
}

interface Op {
  t: ' ' | '-' | '+';
  /** Index in a (for ' ' and '-'), or the count of a lines before (for '+'). */
  ai: number;
  bi: number;
}

const same = (x: Line, y: Line) => x.text === y.text && x.eol === y.eol;

/** The edit script from a to b: common prefix and suffix trimmed, Myers in between. */
export function diffLines(a: Line[], b: Line[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && same(a[pre], b[pre])) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && same(a[a.length - 1 - suf], b[b.length - 1 - suf])) suf++;
  const ops: Op[] = [];
  for (let k = 0; k < pre; k++) ops.push({ t: ' ', ai: k, bi: k });
  const mid = myers(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf));
  for (const o of mid) ops.push({ t: o.t, ai: o.ai + pre, bi: o.bi + pre });
  for (let k = suf; k > 0; k--) ops.push({ t: ' ', ai: a.length - k, bi: b.length - k });
  return ops;
}

function myers(a: Line[], b: Line[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (max === 0) return [];
  // Past this many differing lines a replace-the-middle script is as good a patch and far
  // cheaper; the saved V rows grow with d², so this also bounds memory (about 4 MB).
  const limit = Math.min(max, 1000);
  const offset = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= limit && !found; d++) {
    // Row d only needs k in [-d-1, d+1]: keep that window, indexed like v.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && same(a[x], b[y])) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) {
    return [...a.map((_, i) => ({ t: '-' as const, ai: i, bi: 0 })), ...b.map((_, j) => ({ t: '+' as const, ai: n, bi: j }))];
  }
  // Walk back through the saved V arrays.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const row = trace[d];
    const at = (k: number) => row[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ t: ' ', ai: x, bi: y });
    }
    if (d === 0) break;
    if (x === prevX) {
      y--;
      ops.push({ t: '+', ai: x, bi: y });
    } else {
      x--;
      ops.push({ t: '-', ai: x, bi: y });
    }
  }
  return ops.reverse();
}
