import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * A fake `docker-credential-test` on a temporary PATH entry: answers `get` for the
 * server URLs in `table` with `{ServerURL, Username, Secret}`, "credentials not found"
 * (exit 1) otherwise, and appends each asked URL to `log`.
 */
export function fakeCredentialHelper(table: Record<string, { username: string; secret: string }>): { binDir: string; log: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-cred-helper-'));
  const binDir = path.join(dir, 'bin');
  fs.mkdirSync(binDir);
  const log = path.join(dir, 'asked.log');
  fs.writeFileSync(path.join(dir, 'table.json'), JSON.stringify(table));
  const script = `#!/usr/bin/env node
const fs = require('fs');
if (process.argv[2] !== 'get') { process.stderr.write('only get is supported\\n'); process.exit(2); }
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', () => {
  const url = input.trim();
  fs.appendFileSync(${JSON.stringify(log)}, url + '\\n');
  const table = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(dir, 'table.json'))}, 'utf8'));
  const c = table[url];
  if (!c) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
  process.stdout.write(JSON.stringify({ ServerURL: url, Username: c.username, Secret: c.secret }));
});
`;
  fs.writeFileSync(path.join(binDir, 'docker-credential-test'), script, { mode: 0o755 });
  return { binDir, log, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A DOCKER_CONFIG directory holding `config` as config.json. */
export function dockerConfigDir(config: unknown): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-docker-config-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
