/**
 * A unified diff of two texts with the same number of lines, which is what rewrites
 * produce: a reference is replaced inside its line and never spans a line break.
 * Texts whose line counts differ are shown as one whole-file hunk.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  const header = `--- a/${path}\n+++ b/${path}\n`;
  const show = (l: string) => l.replace(/\r$/, '');
  if (a.length !== b.length) {
    return header + `@@ -1,${a.length} +1,${b.length} @@\n` + a.map((l) => `-${show(l)}`).join('\n') + '\n' + b.map((l) => `+${show(l)}`).join('\n') + '\n';
  }
  const changed: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed.push(i);
  let out = header;
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i] - context);
    let j = i;
    while (j + 1 < changed.length && changed[j + 1] - changed[j] <= 2 * context) j++;
    const end = Math.min(a.length - 1, changed[j] + context);
    const len = end - start + 1;
    out += `@@ -${start + 1},${len} +${start + 1},${len} @@\n`;
    const set = new Set(changed.slice(i, j + 1));
    for (let k = start; k <= end; k++) {
      if (set.has(k)) out += `-${show(a[k])}\n+${show(b[k])}\n`;
      else out += ` ${show(a[k])}\n`;
    }
    i = j + 1;
  }
  return out;
}
