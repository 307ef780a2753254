import * as assert from 'assert';

import { staticCredentials } from '../../src/core/registry/credentials';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import type { Result } from '../../src/core/registry/registryError';
import { type Fault, type RegistryProxy, type SeenRequest, startRegistryProxy } from '../support/registryProxy';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

const PASSWORD = 'fault-secret-pw';

/**
 * Each case puts a fault on one tag's manifest (or the manifest by digest), through a
 * loopback proxy in front of a Basic-auth registry, and checks the client's answer.
 * The client retries twice, waits at most 500 ms per attempt, and backs off from 10 ms.
 */
describe('registry client through a fault-injecting proxy', function () {
  let registry: RunningRegistry;
  let proxy: RegistryProxy;
  const agent = new TestAgent();
  const image = singleImage('oci', 'faults');
  // tag -> fault(count): the fault for the count-th time this request is seen
  const faults = new Map<string, (count: number, req: SeenRequest) => Fault | undefined>();

  before(async function () {
    registry = await startRegistry({ auth: 'htpasswd', users: { tester: PASSWORD } });
    const pusher = new RegistryClient({ dispatcher: agent, allowPush: true, credentials: staticCredentials({ [registry.host]: { username: 'tester', password: PASSWORD } }) });
    for (const tag of [...cases.map((c) => c.tag), 'no-digest-header', 'aborted']) await pushTestImage(pusher, { host: registry.host, path: 'faults/app' }, tag, image);
    proxy = await startRegistryProxy(registry.host, {
      fault: (req, count) => {
        const m = /\/manifests\/([^/?]+)/.exec(req.url);
        if (!m) return undefined;
        for (const [tag, f] of faults) if (m[1] === tag || req.url.includes(`#${tag}`)) return f(count, req);
        return undefined;
      },
    });
  });
  after(async function () {
    await agent.close();
    await proxy?.close();
    await registry?.stop();
  });

  const client = () =>
    new RegistryClient({ dispatcher: agent, credentials: staticCredentials({ [proxy.host]: { username: 'tester', password: PASSWORD } }), retries: 2, retryBaseMs: 10, timeoutMs: 500, maxRetryAfterMs: 5000 });
  const repo = (): Repository => ({ host: proxy.host, path: 'faults/app' });

  const once = (f: Fault, times = 1) => (count: number) => (count < times ? f : undefined);
  const always = (f: Fault) => () => f;
  const headOf = (tag: string) => client().headManifest(repo(), tag);
  const getOf = (tag: string) => client().getManifest(repo(), tag);

  const cases: { tag: string; fault: (count: number, req: SeenRequest) => Fault | undefined; call: (tag: string) => Promise<Result<{ digest: string }>>; code?: string; minMs?: number; maxMs?: number }[] = [
    { tag: 'r429-once', fault: once({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }), call: headOf, minMs: 900 },
    { tag: 'r429-long', fault: always({ kind: 'status', status: 429, headers: { 'retry-after': '120' } }), call: headOf, code: 'rate-limited', maxMs: 900 },
    { tag: 'r429-always', fault: always({ kind: 'status', status: 429, headers: { 'retry-after': '0' } }), call: headOf, code: 'rate-limited' },
    { tag: 'r500-once', fault: once({ kind: 'status', status: 500 }), call: headOf },
    { tag: 'r503-twice', fault: once({ kind: 'status', status: 503 }, 2), call: getOf },
    { tag: 'r500-always', fault: always({ kind: 'status', status: 500 }), call: headOf, code: 'server-error' },
    { tag: 'reset-once', fault: once({ kind: 'reset' }), call: headOf },
    { tag: 'reset-always', fault: always({ kind: 'reset' }), call: getOf, code: 'connection-reset' },
    { tag: 'slow-once', fault: once({ kind: 'delay', ms: 1500 }), call: headOf },
    { tag: 'slow-always', fault: always({ kind: 'delay', ms: 1500 }), call: headOf, code: 'timeout' },
    { tag: 'truncated-once', fault: once({ kind: 'truncate' }), call: getOf },
    { tag: 'truncated-always', fault: always({ kind: 'truncate' }), call: getOf, code: 'truncated' },
    { tag: 'corrupt-by-tag', fault: always({ kind: 'corrupt' }), call: getOf, code: 'digest-mismatch' },
    { tag: 'redirected', fault: always({ kind: 'redirect' }), call: getOf },
    // A HEAD goes through undici's dispatch API (headDispatch.ts), not request(): its redirects too.
    { tag: 'redirected-head', fault: always({ kind: 'redirect' }), call: headOf },
    { tag: 'redirected-head-303', fault: always({ kind: 'redirect', status: 303 }), call: headOf },
  ];
  for (const c of cases) faults.set(c.tag, c.fault);

  for (const c of cases) {
    it(`${c.tag}: ${c.code ? `fails with ${c.code}` : 'succeeds with the right digest'}`, async function () {
      const started = Date.now();
      const r = await c.call(c.tag);
      const ms = Date.now() - started;
      if (c.code) {
        assert.ok(!r.ok, 'expected a failure');
        assert.strictEqual(r.error.code, c.code, r.error.message);
        assert.ok(!r.error.message.includes(PASSWORD));
      } else {
        assert.ok(r.ok, !r.ok ? r.error.message : '');
        assert.strictEqual(r.value.digest, image.digest);
      }
      if (c.minMs !== undefined) assert.ok(ms >= c.minMs, `took ${ms} ms, Retry-After asked for ${c.minMs}+`);
      if (c.maxMs !== undefined) assert.ok(ms <= c.maxMs, `took ${ms} ms`);
    });
  }

  it('rejects a manifest fetched by digest whose bytes hash to something else', async function () {
    faults.set(image.digest, always({ kind: 'corrupt' }));
    try {
      const r = await client().getManifest(repo(), image.digest);
      assert.ok(!r.ok);
      assert.strictEqual(r.error.code, 'digest-mismatch');
      assert.match(r.error.message, /hash to sha256:/);
    } finally {
      faults.delete(image.digest);
    }
  });

  it('never sent Authorization to the host a redirect pointed at', function () {
    const redirected = proxy.otherRequests.filter((r) => r.url.startsWith('/parked/'));
    assert.ok(redirected.length >= 1, 'the redirect case reached the other host');
    assert.deepStrictEqual(redirected.map((r) => r.authorization), redirected.map(() => undefined));
    assert.ok(proxy.requests.some((r) => r.authorization?.startsWith('Basic ')), 'the registry itself did get credentials');
  });

  it('without Docker-Content-Digest, HEAD falls back to GET and hashes the bytes', async function () {
    faults.set('no-digest-header', always({ kind: 'stripDigest' }));
    const before = proxy.requests.length;
    const r = await client().headManifest(repo(), 'no-digest-header');
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.strictEqual(r.value.digest, image.digest);
    assert.deepStrictEqual(proxy.requests.slice(before).filter((q) => q.url.endsWith('/no-digest-header') && q.authorization).map((q) => q.method), ['HEAD', 'GET']);
  });

  it('stops when the caller aborts, without retrying', async function () {
    faults.set('aborted', always({ kind: 'delay', ms: 400 }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const r = await client().headManifest(repo(), 'aborted', ac.signal);
    assert.ok(!r.ok);
    assert.strictEqual(r.error.code, 'aborted');
    assert.ok(Date.now() - started < 400);
  });
});
