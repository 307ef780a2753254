import { once } from 'events';

import { type CliIO, EXIT, UsageError } from './io';

import { commands } from './commands/index';
import { VERSION } from './version';

function help(): string {
  const lines = ['Usage: registry-migrator <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push(
    '',
    'Exit codes:',
    '  0  success: no deprecated reference (scan); the gate holds (verify, copy)',
    '  1  findings: deprecated references (scan, fix); migration incomplete, a tag missing or different (verify, copy)',
    '  2  usage error',
    '  3  could not check: a registry could not be asked (auth, network, rate limit, not found); the message says which',
    '',
    'Run `registry-migrator <command> --help` for a command\'s options.',
  );
  return lines.join('\n') + '\n';
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version') {
    io.out(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = commands[name];
  if (!command) {
    io.err(`registry-migrator: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage.trimEnd() + '\n');
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`registry-migrator ${name}: ${e.message}\n${command.usage.trimEnd()}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const io: CliIO = {
    out: (t) => process.stdout.write(t),
    // The stream knows whether a write is waiting for the reader (writableNeedDrain).
    drain: () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => undefined) : Promise.resolve()),
    backedUp: () => process.stdout.writableNeedDrain,
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
    outIsTTY: Boolean(process.stdout.isTTY),
    signal: controller.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`registry-migrator: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
