import * as assert from 'assert';

import { oneOf, type OptionSpec, parseArgs, positiveInt, regexOption } from '../../src/cli/args';
import type { CliIO } from '../../src/cli/io';
import { UsageError } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { progressBar } from '../../src/cli/progressBar';
import { registryClientOptions, tagSelectionOptions } from '../../src/cli/registryOptions';

const SPEC: Record<string, OptionSpec> = {
  format: { type: 'string', short: 'f' },
  all: { type: 'boolean', short: 'a' },
  exclude: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
};

function usage(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => e instanceof UsageError && e.message === message, message);
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd(), env: {}, isTTY: false, signal: new AbortController().signal };
  const code = await main(argv, io);
  return { code, out, err };
}

// Every command parses its argv with these, so a typo is refused the same way everywhere (exit 2).
describe('CLI arguments: parseArgs and the option readers', () => {
  it('positionals, --opt value, --opt=value, short options, booleans, repeatable options', () => {
    assert.deepStrictEqual(parseArgs(['a', '--format', 'json', 'b', '-a', '--exclude=x', '--exclude', 'y=z', '--dry-run', 'c'], SPEC), {
      positionals: ['a', 'b', 'c'],
      options: { format: 'json', all: true, exclude: ['x', 'y=z'], 'dry-run': true },
    });
    assert.deepStrictEqual(parseArgs(['-f', 'sarif'], SPEC), { positionals: [], options: { format: 'sarif' } });
    assert.deepStrictEqual(parseArgs(['--format=a=b'], SPEC).options, { format: 'a=b' }, 'only the first = splits');
    assert.deepStrictEqual(parseArgs(['--format='], SPEC).options, { format: '' }, 'an empty inline value is a value');
    assert.deepStrictEqual(parseArgs(['--format', 'x', '--format', 'y'], SPEC).options, { format: 'y' }, 'the last one wins for a single option');
    assert.deepStrictEqual(parseArgs([], SPEC), { positionals: [], options: {} });
  });

  it('a lone - is a positional; -- ends the options', () => {
    assert.deepStrictEqual(parseArgs(['-'], SPEC).positionals, ['-']);
    assert.deepStrictEqual(parseArgs(['a', '--', '--all', '-f', 'x', '--'], SPEC), { positionals: ['a', '--all', '-f', 'x', '--'], options: {} });
    assert.deepStrictEqual(parseArgs(['--format', '--all'], SPEC).options, { format: '--all' }, 'a value may look like an option');
  });

  it('refuses unknown options, a value on a boolean, a missing value', () => {
    usage(() => parseArgs(['--bogus'], SPEC), 'unknown option --bogus');
    usage(() => parseArgs(['--bogus=1'], SPEC), 'unknown option --bogus');
    usage(() => parseArgs(['-x'], SPEC), 'unknown option -x');
    usage(() => parseArgs(['-ab'], SPEC), 'unknown option -ab');
    usage(() => parseArgs(['--all=yes'], SPEC), '--all takes no value');
    usage(() => parseArgs(['--format'], SPEC), '--format needs a value');
    usage(() => parseArgs(['a', '-f'], SPEC), '--format needs a value');
  });

  it('oneOf: the fallback when absent, an allowed value, else a usage error listing them', () => {
    assert.strictEqual(oneOf(undefined, ['text', 'json'] as const, 'format', 'text'), 'text');
    assert.strictEqual(oneOf('json', ['text', 'json'] as const, 'format', 'text'), 'json');
    usage(() => oneOf('xml', ['text', 'json'] as const, 'format', 'text'), '--format must be one of text, json');
    usage(() => oneOf(true, ['text', 'json'] as const, 'format', 'text'), '--format must be one of text, json');
  });

  it('positiveInt: the fallback when absent, whole numbers above 0 only', () => {
    assert.strictEqual(positiveInt(undefined, 'concurrency', 8), 8);
    assert.strictEqual(positiveInt('1', 'concurrency', 8), 1);
    assert.strictEqual(positiveInt('16', 'concurrency', 8), 16);
    for (const bad of ['0', '-1', '1.5', 'abc', 'NaN', 'Infinity']) usage(() => positiveInt(bad, 'concurrency', 8), '--concurrency must be a positive whole number');
  });

  it('regexOption: undefined when absent, a RegExp, or a usage error with the reason', () => {
    assert.strictEqual(regexOption(undefined, 'tags'), undefined);
    const r = regexOption('^v1\\.', 'tags');
    assert.ok(r instanceof RegExp && r.test('v1.2') && !r.test('v2.1'));
    assert.throws(() => regexOption('(', 'tags'), (e: unknown) => e instanceof UsageError && /^--tags: Invalid regular expression/.test(e.message));
  });
});

describe('CLI main(): help, version, unknown commands, usage errors', () => {
  it('no command: the help on stdout, exit 2; --help, -h and help: the same help, exit 0', async () => {
    const none = await run([]);
    assert.strictEqual(none.code, 2);
    assert.match(none.out, /^Usage: registry-migrator <command> \[options\]\n\nCommands:\n {2}scan {5}\S/);
    assert.strictEqual(none.err, '');
    for (const h of ['--help', '-h', 'help']) {
      const r = await run([h]);
      assert.strictEqual(r.code, 0, h);
      assert.strictEqual(r.out, none.out, h);
    }
    assert.match(none.out, /Exit codes:\n {2}0 {2}success[^\n]*\n {2}1 {2}findings[^\n]*\n {2}2 {2}usage error\n {2}3 {2}could not check/);
    assert.match(none.out, /\n\nRun `registry-migrator <command> --help` for a command's options\.\n$/);
    for (const c of ['scan', 'fix', 'tags', 'verify', 'copy', 'sync', 'notice']) assert.match(none.out, new RegExp(`\\n  ${c.padEnd(8)} \\S`), c);
  });

  it('--version prints a version and exits 0', async () => {
    const r = await run(['--version']);
    assert.strictEqual(r.code, 0);
    assert.match(r.out, /^\d+\.\d+\.\d+(-[\w.]+)?\n$/);
  });

  it('an unknown command: exit 2, its name and the help on stderr, nothing on stdout', async () => {
    const r = await run(['scna']);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.out, '');
    assert.match(r.err, /^registry-migrator: unknown command "scna"\n\nUsage: registry-migrator <command>/);
  });

  it('a command\'s --help or -h anywhere: its usage on stdout, exit 0, the command not run', async () => {
    for (const argv of [['scan', '--help'], ['scan', 'no-such-dir', '-h'], ['copy', '--bogus', '--help']]) {
      const r = await run(argv);
      assert.strictEqual(r.code, 0, argv.join(' '));
      assert.match(r.out, new RegExp(`^Usage: registry-migrator ${argv[0]} `), argv.join(' '));
      assert.ok(r.out.endsWith('\n') && !r.out.endsWith('\n\n'), 'one final newline');
      assert.strictEqual(r.err, '');
    }
  });

  it('a usage error: exit 2, "registry-migrator CMD: reason" and the command\'s usage on stderr', async () => {
    const r = await run(['verify', 'a/b', 'c/d', '--concurrency', '0']);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.out, '');
    assert.match(r.err, /^registry-migrator verify: --concurrency must be a positive whole number\nUsage: registry-migrator verify /);
    assert.ok(r.err.endsWith('\n') && !r.err.endsWith('\n\n'));
  });
});

describe('CLI registry options: --timeout, --min-speed, --insecure-registry, --since', () => {
  const io: CliIO = { out: () => undefined, err: () => undefined, cwd: '/', env: { A: '1' }, isTTY: false, signal: new AbortController().signal };

  it('converts seconds to ms and KiB/s to B/s; absent ones stay undefined', () => {
    const o = registryClientOptions({ timeout: '1.5', 'min-speed': '0.5', 'insecure-registry': ['reg.internal:5000'] }, io);
    assert.strictEqual(o.timeoutMs, 1500);
    assert.strictEqual(o.minBytesPerSecond, 512);
    assert.deepStrictEqual(o.insecureRegistries, ['reg.internal:5000']);
    assert.strictEqual(o.env, io.env);
    const d = registryClientOptions({}, io);
    assert.deepStrictEqual([d.timeoutMs, d.minBytesPerSecond, d.insecureRegistries], [undefined, undefined, []]);
    assert.strictEqual(registryClientOptions({ 'min-speed': '0' }, io).minBytesPerSecond, 0, '--min-speed 0 turns the check off');
  });

  it('refuses a zero or negative timeout, a negative speed, and anything not a number', () => {
    for (const t of ['0', '-1', '', ' ', 'abc', 'Infinity', 'NaN']) usage(() => registryClientOptions({ timeout: t }, io), '--timeout must be a positive number');
    usage(() => registryClientOptions({ timeout: true }, io), '--timeout must be a positive number');
    for (const s of ['-1', '', 'fast', 'Infinity']) usage(() => registryClientOptions({ 'min-speed': s }, io), '--min-speed must be a non-negative number');
  });

  it('warnings go to stderr, one line each', () => {
    let err = '';
    const o = registryClientOptions({}, { ...io, err: (t) => void (err += t) });
    o.onWarning!('skipped a tag');
    assert.strictEqual(err, 'warning: skipped a tag\n');
  });

  it('--since must be a version; --tags compiles; --semver is a flag', () => {
    const t = tagSelectionOptions({ since: '1.2.0', tags: '^1\\.', semver: true });
    assert.strictEqual(t.since, '1.2.0');
    assert.ok(t.tags instanceof RegExp && t.tags.source === '^1\\.');
    assert.strictEqual(t.semver, true);
    assert.deepStrictEqual(tagSelectionOptions({}), { tags: undefined, since: undefined, semver: false });
    assert.strictEqual(tagSelectionOptions({ semver: 'yes' }).semver, false, 'only a real flag');
    for (const bad of ['latest', '', true]) usage(() => tagSelectionOptions({ since: bad }), '--since must be a version such as 1.2.0');
  });
});

describe('CLI progress bar on stderr', () => {
  it('draws a 30-wide bar with the count, unit and detail, at most every 100 ms but always the last step; clear() erases it once', async () => {
    let err = '';
    const io: CliIO = { out: () => undefined, err: (t) => void (err += t), cwd: '/', env: {}, isTTY: true, signal: new AbortController().signal };
    const bar = progressBar(io, 'blobs');
    bar.clear();
    assert.strictEqual(err, '', 'nothing drawn, nothing to erase');
    bar.update(1, 4);
    assert.strictEqual(err, `\r[########${'.'.repeat(22)}] 1/4 blobs\x1b[K`);
    err = '';
    bar.update(2, 4, '1.0 MB');
    assert.strictEqual(err, '', 'within 100 ms of the last draw: skipped');
    bar.update(4, 4, '2.0 MB');
    assert.strictEqual(err, `\r[${'#'.repeat(30)}] 4/4 blobs, 2.0 MB\x1b[K`, 'the last step is always drawn');
    err = '';
    await new Promise((r) => setTimeout(r, 110));
    bar.update(3, 4);
    assert.strictEqual(err, `\r[${'#'.repeat(23)}${'.'.repeat(7)}] 3/4 blobs\x1b[K`, 'after 100 ms it draws again');
    err = '';
    bar.clear();
    bar.clear();
    assert.strictEqual(err, '\r\x1b[K', 'erased once');
    err = '';
    progressBar(io).update(0, 0);
    assert.strictEqual(err, `\r[${'.'.repeat(30)}] 0/0 tags\x1b[K`, 'nothing to do: an empty bar, the default unit');
  });
});
