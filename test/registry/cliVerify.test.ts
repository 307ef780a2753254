import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import { freePort, type RunningRegistry, startRegistry } from '../support/registryProcess';
import { AMD64, ARM64, indexImage, pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

async function run(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    cwd,
    env: { PATH: process.env.PATH, HOME: '/nonexistent' },
    isTTY: false,
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

/**
 * `scan --verify` and `fix --verify` on a workspace that names one tag of each kind, mapped
 * by a user rule from 127.0.0.1:PORT/old/app to 127.0.0.1:PORT/new/app on a real registry.
 */
describe('CLI scan --verify and fix --verify against a real registry', function () {
  let reg: RunningRegistry;
  const agent = new TestAgent();
  let dir: string;
  let deadPort: number;
  const children = [
    { image: singleImage('oci', 'cv-amd'), platform: AMD64 },
    { image: singleImage('oci', 'cv-arm', { platform: ARM64 }), platform: ARM64 },
  ];
  const files = () => ({
    '.registry-migrations.yaml': `rules:\n  - id: APP\n    from: ${reg.host}/old/app\n    to: ${reg.host}/new/app\n    match: exact\n`,
    'Dockerfile': `FROM ${reg.host}/old/app:identical\nFROM ${reg.host}/old/app:missing AS b\nFROM ${reg.host}/old/app:different\nFROM ${reg.host}/old/app:multi`,
    'deploy/app.yaml': `spec:\n  containers:\n    - image: ${reg.host}/old/app:identical\n    - image: "${reg.host}/old/app:missing"\n`,
  });

  before(async function () {
    reg = await startRegistry();
    deadPort = await freePort();
    const pusher = new RegistryClient({ dispatcher: agent, allowPush: true });
    const oldR: Repository = { host: reg.host, path: 'old/app' };
    const newR: Repository = { host: reg.host, path: 'new/app' };
    await pushTestImage(pusher, oldR, 'identical', singleImage('docker', 'cv-same'));
    await pushTestImage(pusher, newR, 'identical', singleImage('docker', 'cv-same'));
    await pushTestImage(pusher, oldR, 'missing', singleImage('oci', 'cv-missing'));
    await pushTestImage(pusher, oldR, 'different', singleImage('oci', 'cv-diff-old'));
    await pushTestImage(pusher, newR, 'different', singleImage('oci', 'cv-diff-new'));
    await pushTestImage(pusher, oldR, 'multi', indexImage('docker', children));
    await pushTestImage(pusher, newR, 'multi', indexImage('oci', children));
  });
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-cliverify-'));
    for (const [rel, text] of Object.entries(files())) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  after(async function () {
    await agent.close();
    await reg?.stop();
  });

  it('scan --verify --format json: each mention carries its state', async function () {
    const r = await run(['scan', '--verify', '--format', 'json'], dir);
    assert.strictEqual(r.code, 1, r.err);
    const byLine = (file: string) =>
      (JSON.parse(r.out).mentions as { file: string; line: number; verification: { state: string; oldDigest: string | null; newDigest: string | null; detail: string } }[])
        .filter((m) => m.file === file)
        .map((m) => [m.line, m.verification.state]);
    assert.deepStrictEqual(byLine('Dockerfile'), [[1, 'identical'], [2, 'missing-at-new'], [3, 'different'], [4, 'identical']]);
    assert.deepStrictEqual(byLine('deploy/app.yaml'), [[3, 'identical'], [4, 'missing-at-new']]);
    const m = JSON.parse(r.out).mentions[0];
    assert.deepStrictEqual(Object.keys(m.verification), ['state', 'oldDigest', 'newDigest', 'detail']);
    assert.match(m.verification.oldDigest, /^sha256:[0-9a-f]{64}$/);
  });

  it('scan --verify text: the state under each finding, with the copy command', async function () {
    const r = await run(['scan', '--verify'], dir);
    assert.strictEqual(r.code, 1);
    assert.match(r.out, /^Dockerfile:2:6  warning .*\n    missing-at-new: .*new\/app:missing does not exist; .*; to make it identical: registry-migrator copy 127\.0\.0\.1:\d+\/old\/app 127\.0\.0\.1:\d+\/new\/app --tags '\^missing\$'$/m);
    assert.match(r.out, /^    different: .*--tags '\^different\$' --force$/m);
  });

  it('scan --verify --format sarif carries the state', async function () {
    const r = await run(['scan', '--verify', '--format', 'sarif'], dir);
    const results = JSON.parse(r.out).runs[0].results as { properties?: { verification: { state: string } }; message: { text: string } }[];
    assert.deepStrictEqual(results.map((x) => x.properties?.verification.state), ['identical', 'missing-at-new', 'different', 'identical', 'identical', 'missing-at-new']);
    assert.match(results[1].message.text, /Registry check: missing-at-new: /);
  });

  it('fix --verify rewrites only identical references and lists the rest with the copy command (exit 1)', async function () {
    const r = await run(['fix', '--verify'], dir);
    assert.strictEqual(r.code, 1, r.err);
    assert.strictEqual(
      fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'),
      `FROM ${reg.host}/new/app:identical\nFROM ${reg.host}/old/app:missing AS b\nFROM ${reg.host}/old/app:different\nFROM ${reg.host}/new/app:multi`,
    );
    assert.strictEqual(fs.readFileSync(path.join(dir, 'deploy/app.yaml'), 'utf8'), `spec:\n  containers:\n    - image: ${reg.host}/new/app:identical\n    - image: "${reg.host}/old/app:missing"\n`);
    assert.match(r.err, /^Dockerfile:2:6: .*old\/app:missing: not rewritten: missing-at-new: .*registry-migrator copy .* --tags '\^missing\$'$/m);
    assert.match(r.err, /^Dockerfile:3:6: .*not rewritten: different: .*--force$/m);
    assert.match(r.err, /^fixed 3 references in 2 files; 3 need a hand fix\.$/m);
    // What is left is exactly what the registry does not prove.
    const again = await run(['scan', '--verify', '--format', 'json'], dir);
    assert.deepStrictEqual((JSON.parse(again.out).mentions as { verification: { state: string } }[]).map((m) => m.verification.state), ['missing-at-new', 'different', 'missing-at-new']);
  });

  it('fix --verify --allow missing,different rewrites those too (exit 0)', async function () {
    const r = await run(['fix', '--verify', '--allow', 'missing,different'], dir);
    assert.strictEqual(r.code, 0, r.err);
    assert.ok(!fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8').includes('/old/app'));
  });

  it('fix --verify --dry-run: a diff of the identical ones only, exit 1', async function () {
    const r = await run(['fix', '--verify', '--dry-run'], dir);
    assert.strictEqual(r.code, 1);
    assert.strictEqual((r.out.match(/^\+FROM /gm) ?? []).length, 2);
    assert.strictEqual((r.out.match(/^\+ {4}- image: /gm) ?? []).length, 1);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), files().Dockerfile, 'nothing written');
  });

  it('an unreachable registry: exit 3 (could not check), nothing rewritten', async function () {
    fs.writeFileSync(path.join(dir, '.registry-migrations.yaml'), `rules:\n  - id: DEAD\n    from: 127.0.0.1:${deadPort}/old/app\n    to: 127.0.0.1:${deadPort}/new/app\n    match: exact\n`);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM 127.0.0.1:${deadPort}/old/app:1\n`);
    const scan = await run(['scan', '--verify', '--format', 'json', 'Dockerfile'], dir);
    assert.strictEqual(scan.code, 3);
    assert.strictEqual(JSON.parse(scan.out).mentions[0].verification.state, 'unreachable');
    const fix = await run(['fix', '--verify', 'Dockerfile'], dir);
    assert.strictEqual(fix.code, 3);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), `FROM 127.0.0.1:${deadPort}/old/app:1\n`);
    assert.match(fix.err, /not rewritten: unreachable: /);
  });

  it('offline (no --verify) the default is unchanged: every fixable reference is rewritten', async function () {
    const r = await run(['fix'], dir);
    assert.strictEqual(r.code, 0, r.err);
    assert.ok(!fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8').includes('/old/app'));
  });
});
