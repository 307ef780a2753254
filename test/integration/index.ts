import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

/** The harness (scripts/runIntegration.js) reads the counts from the line after this marker. */
const MARKER = '@@RM_COUNTS@@';

/**
 * Every line goes to the console and, when the harness set RM_INTEGRATION_OUT, to that file:
 * the remote extension host's console does not reliably reach the page, and the file is
 * what the harness prints and where it finds the counts.
 */
function emit(line: string): void {
  console.log(line);
  const out = process.env.RM_INTEGRATION_OUT;
  if (out) fs.appendFileSync(out, line + '\n');
}

/** The repository root, from out/test/integration/. */
const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Called by VS Code in the extension host (extensionTestsPath) for the trusted leg: the
 * *.test.js files of this folder only (the untrusted leg's files live in untrusted/, which
 * has its own index; scripts/runIntegration.js runs each leg in its own code-server).
 */
export function run(): Promise<void> {
  return runDirectory(__dirname);
}

/**
 * Runs the *.test.js files directly in `dir` (a folder under out/). Reports each test, then
 * a closing "extension host: N passed, N failed" line and the marker line with JSON counts:
 * the exit code alone cannot be trusted here (see the harness's false-pass guard).
 */
export async function runDirectory(dir: string): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20000, reporter: 'base' });
  const only = process.env.RM_INTEGRATION_GREP;
  if (only) mocha.grep(only);
  // out/ is not cleaned between builds: run only tests whose source still exists.
  const sources = path.join(ROOT, path.relative(path.join(ROOT, 'out'), dir));
  const files = fs.readdirSync(dir)
    .filter((f) => f.endsWith('.test.js') && fs.existsSync(path.join(sources, f.replace(/\.js$/, '.ts'))))
    .sort();
  for (const f of files) mocha.addFile(path.join(dir, f));
  let passed = 0;
  let failed = 0;
  let pending = 0;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('suite', (s) => { if (s.title) emit(`${'  '.repeat(depth(s))}${s.title}`); });
    runner.on('pass', (t) => {
      passed++;
      emit(`${'  '.repeat(depth(t))}✓ ${t.title} (${t.duration ?? 0} ms)`);
    });
    runner.on('fail', (t, err: Error) => {
      failed++;
      emit(`${'  '.repeat(depth(t))}✗ ${t.title}\n${indent(err?.stack ?? String(err), depth(t) + 2)}`);
    });
    runner.on('pending', (t) => {
      pending++;
      emit(`${'  '.repeat(depth(t))}- skipped: ${t.fullTitle()}`);
    });
  });
  emit(`extension host: ${passed} passed, ${failed} failed` + (pending ? `, ${pending} skipped` : ''));
  emit(MARKER + JSON.stringify({ passed, failed, pending }));
}

function depth(r: Mocha.Runnable | Mocha.Suite): number {
  let d = 0;
  for (let p = r.parent; p && !p.root; p = p.parent) d++;
  return d;
}

function indent(text: string, n: number): string {
  return text.split('\n').map((l) => '  '.repeat(n) + l).join('\n');
}
