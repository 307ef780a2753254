import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// scripts/installHarness.sh --check: what the extension-host harness needs from the system,
// named as Debian packages in one line (exit 3), before any download.
const SCRIPT = path.resolve(__dirname, '../../../scripts/installHarness.sh');

function check(env: Record<string, string>) {
  const r = spawnSync('bash', [SCRIPT, '--check'], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, err: r.stderr };
}

describe('installHarness.sh --check', () => {
  it('names a missing Chromium as the apt package to install, in one line, with exit 3', () => {
    const r = check({ RM_CHROMIUM: path.join(os.tmpdir(), 'no-such-chromium') });
    assert.strictEqual(r.code, 3, r.err);
    const lines = r.err.trim().split('\n');
    assert.strictEqual(lines.length, 1, r.err);
    assert.match(lines[0], /install them with: sudo apt-get install -y (\S+ )*chromium( |$)/);
  });

  it('does not install anything when a package is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-harness-'));
    const r = spawnSync('bash', [SCRIPT], { encoding: 'utf8', env: { ...process.env, RM_CHROMIUM: '/nonexistent', RM_HARNESS_DIR: dir } });
    assert.strictEqual(r.status, 3, r.stderr);
    assert.deepStrictEqual(fs.readdirSync(dir), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
