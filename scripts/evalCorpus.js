#!/usr/bin/env node
// Scores `registry-migrator scan --all --format json` against a corpus's expected.tsv:
//   npm run eval:corpus -- ../shared/corpus
// Prints recall of required rows, deprecated rows flagged, false flags, and replacements
// that produce exactly the expected line. Exits 1 when a target is missed.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const dir = path.resolve(process.argv[2] || '../shared/corpus');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('dist/cli.js is missing: run `npm run build` first');
  process.exit(2);
}
const tsv = fs.readFileSync(path.join(dir, 'expected.tsv'), 'utf8').split('\n').filter(Boolean);
const header = tsv.shift().split('\t');
const rows = tsv.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i], v])));

const r = spawnSync(process.execPath, [cli, 'scan', dir, '--all', '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (r.status !== 0 && r.status !== 1) {
  console.error(`scan failed (exit ${r.status}):\n${r.stderr}`);
  process.exit(2);
}
// Only the corpus's repositories count: the corpus's own README.md describes the moves.
const repos = new Set(rows.map((x) => x.file.split('/')[0]));
const mentions = JSON.parse(r.stdout).mentions.filter((m) => repos.has(m.file.split('/')[0]));

// Every place a mention or one of its split parts stands, keyed file:line:column.
const places = new Map();
for (const m of mentions) {
  places.set(`${m.file}:${m.line}:${m.column}`, { m, text: m.text, replacement: m.replacement });
  for (const p of m.parts || []) places.set(`${m.file}:${p.line}:${p.column}`, { m, text: p.text, replacement: p.replacement });
}

const lines = new Map();
const lineOf = (file, n) => {
  if (!lines.has(file)) lines.set(file, fs.readFileSync(path.join(dir, file), 'utf8').split(/\r?\n/));
  return lines.get(file)[n - 1];
};
/** Replaces `text` at 1-based character `column` of `line`. */
const replaceAt = (line, column, text, replacement) => {
  const chars = Array.from(line);
  const before = chars.slice(0, column - 1).join('');
  const rest = chars.slice(column - 1).join('');
  if (!rest.startsWith(text)) return null;
  return before + replacement + rest.slice(text.length);
};

const required = rows.filter((x) => x.required === 'yes');
const missed = [], notFlagged = [], wrongFix = [];
let found = 0, flagged = 0, fixesRight = 0, fixesTotal = 0;
const expectedDeprecated = new Set();
for (const row of rows) {
  const key = `${row.file}:${row.line}:${row.column}`;
  const hit = places.get(key);
  if (row.deprecated === 'yes') expectedDeprecated.add(key);
  if (row.required === 'yes') {
    if (hit && hit.text === row.text) found++;
    else missed.push(`${key}  ${row.text}${hit ? `  (found "${hit.text}")` : ''}`);
  }
  if (row.deprecated !== 'yes') continue;
  if (hit && hit.m.deprecated) flagged++;
  else notFlagged.push(`${key}  ${row.text}`);
  fixesTotal++;
  const noTarget = row.expected_replacement.startsWith('(');
  if (!hit) { wrongFix.push(`${key}  not found`); continue; }
  if (noTarget) {
    if (hit.replacement === null && hit.m.deprecated) fixesRight++;
    else wrongFix.push(`${key}  expected no replacement, got ${JSON.stringify(hit.replacement)}`);
    continue;
  }
  const line = lineOf(row.file, Number(row.line));
  const want = replaceAt(line, Number(row.column), row.text, row.expected_replacement);
  const got = hit.replacement === null ? null : replaceAt(line, Number(row.column), hit.text, hit.replacement);
  if (want !== null && got === want) fixesRight++;
  else wrongFix.push(`${key}\n      want: ${want}\n      got:  ${got}`);
}

// A false flag: a deprecated mention that is not an expected deprecated row (by its own place or any part's).
const falseFlags = mentions
  .filter((m) => m.deprecated)
  .filter((m) => ![`${m.file}:${m.line}:${m.column}`, ...(m.parts || []).map((p) => `${m.file}:${p.line}:${p.column}`)].some((k) => expectedDeprecated.has(k)))
  .map((m) => `${m.file}:${m.line}:${m.column}  ${m.text}  [${m.rule}]`);

const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : '100.0');
console.log(`corpus: ${dir}`);
console.log(`mentions reported: ${mentions.length} (${mentions.filter((m) => m.skipped).length} skipped as templated)`);
console.log(`recall of required rows:   ${found}/${required.length} = ${pct(found, required.length)} %   (target >= 98 %)`);
console.log(`deprecated rows flagged:   ${flagged}/${expectedDeprecated.size} = ${pct(flagged, expectedDeprecated.size)} %   (target 100 %)`);
console.log(`false flags:               ${falseFlags.length}   (target 0)`);
console.log(`replacements exactly right: ${fixesRight}/${fixesTotal} = ${pct(fixesRight, fixesTotal)} %   (target 100 %)`);
const show = (title, list) => list.length && console.log(`\n${title}:\n  ${list.join('\n  ')}`);
show('missed required rows', missed);
show('deprecated rows not flagged', notFlagged);
show('false flags', falseFlags);
show('wrong replacements', wrongFix);
const ok = found / required.length >= 0.98 && flagged === expectedDeprecated.size && falseFlags.length === 0 && fixesRight === fixesTotal;
process.exit(ok ? 0 : 1);
