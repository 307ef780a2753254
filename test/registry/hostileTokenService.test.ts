import * as assert from 'assert';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { RegistryClient } from '../../src/core/registry/registryClient';
import { type ScriptedServer, answer, startScriptedServer } from '../support/scriptedServer';
import { TestAgent } from '../support/testAgent';

/**
 * A token service is another server the registry names (`WWW-Authenticate: Bearer realm=`),
 * so it gets the same distrust as the registry: an answer that never ends, or never
 * starts, ends the request with a clear error within the client's deadline, and holds no
 * more than 1 MiB in memory.
 */
describe('a hostile token service', function () {
  this.timeout(30000);
  let registry: ScriptedServer;
  let tokens: ScriptedServer;
  /** What the token service does: set per test. */
  let behaviour: 'endless' | 'silent' | 'ok' = 'ok';
  /** Bytes the endless answer wrote before the client hung up. */
  let written = 0;
  const agent = new TestAgent();

  before(async function () {
    tokens = await startScriptedServer((_req, res) => {
      if (behaviour === 'ok') return answer(res, 200, { token: 'tok', expires_in: 300 }, { 'content-type': 'application/json' });
      if (behaviour === 'silent') return; // headers never come
      // An endless JSON string: 64 KB chunks for as long as the client reads.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"token":"');
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    registry = await startScriptedServer((req, res) => {
      if (req.headers.authorization !== 'Bearer tok') return answer(res, 401, '{}', { 'www-authenticate': `Bearer realm="http://${tokens.host}/token",service="test"` });
      return answer(res, 200, { name: 'team/app', tags: ['1.0'] }, { 'content-type': 'application/json' });
    });
  });
  after(async function () {
    await agent.close();
    await Promise.all([registry?.close(), tokens?.close()]);
  });

  const client = (timeoutMs = 10000) => new RegistryClient({ dispatcher: agent, retries: 0, timeoutMs });

  it('an answer that never ends is refused past 1 MiB, not read into memory', async function () {
    behaviour = 'endless';
    written = 0;
    const t = Date.now();
    const r = await client().listTags({ host: registry.host, path: 'team/app' });
    assert.ok(!r.ok, 'expected a failure');
    assert.strictEqual(r.error.code, 'bad-response', r.error.message);
    assert.match(r.error.message, /the token service for 127\.0\.0\.1:\d+ \(127\.0\.0\.1:\d+\): its answer is larger than 1048576 bytes/);
    assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms`);
    // The client hung up soon after the cap, not after the server's 512 MB.
    assert.ok(written < 64 * 1024 * 1024, `the server wrote ${written} bytes before the client hung up`);
  });

  it('`registry-migrator tags` against it: exit 3 with the reason, in seconds, not after reading 512 MB', async function () {
    behaviour = 'endless';
    written = 0;
    let out = '';
    let err = '';
    const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd(), env: { PATH: process.env.PATH, HOME: '/nonexistent' }, isTTY: false, signal: new AbortController().signal };
    const t = Date.now();
    const code = await main(['tags', `${registry.host}/team/app`], io);
    assert.strictEqual(code, 3, `exit ${code}\nstdout: ${out}\nstderr: ${err}`);
    assert.match(err, /the token service for 127\.0\.0\.1:\d+ \(127\.0\.0\.1:\d+\): its answer is larger than 1048576 bytes/);
    assert.ok(Date.now() - t < 10000, `took ${Date.now() - t} ms`);
    assert.ok(written < 64 * 1024 * 1024, `the server wrote ${written} bytes`);
  });

  it('an answer that never starts times out within the deadline', async function () {
    behaviour = 'silent';
    const t = Date.now();
    const r = await client(1500).listTags({ host: registry.host, path: 'team/app' });
    const ms = Date.now() - t;
    assert.ok(!r.ok, 'expected a failure');
    assert.strictEqual(r.error.code, 'timeout', r.error.message);
    assert.ok(ms >= 1400 && ms < 6000, `took ${ms} ms`);
  });

  it('a well-behaved token service still works (the same client code path)', async function () {
    behaviour = 'ok';
    const r = await client().listTags({ host: registry.host, path: 'team/app' });
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.deepStrictEqual(r.value, ['1.0']);
  });
});
