import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * A stand-in for the GitHub CLI on a temporary PATH entry: `gh auth token …` prints `token`
 * (`token`), hangs (`hang`) or fails (`fail`); every invocation's arguments are appended
 * to `log`, so a test can count how often it was run.
 */
export function fakeGh(behaviour: 'token' | 'hang' | 'fail', token = 'gho_fake-token-from-gh'): { binDir: string; log: string; calls(): string[]; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-fake-gh-'));
  const binDir = path.join(dir, 'bin');
  fs.mkdirSync(binDir);
  const log = path.join(dir, 'calls.log');
  const script = `#!/bin/sh
echo "$*" >> ${JSON.stringify(log)}
case "${behaviour}" in
  token) [ "$1 $2" = "auth token" ] && { echo ${JSON.stringify(token)}; exit 0; }; exit 1 ;;
  hang) exec sleep 30 ;;
  *) echo "You are not logged into any GitHub hosts." >&2; exit 1 ;;
esac
`;
  fs.writeFileSync(path.join(binDir, 'gh'), script, { mode: 0o755 });
  return {
    binDir,
    log,
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
