import * as assert from 'assert';
import type * as http from 'http';

import { MANIFEST_ACCEPT, OCI_INDEX, OCI_MANIFEST } from '../../src/core/registry/mediaTypes';
import { RegistryClient, sha256Digest } from '../../src/core/registry/registryClient';
import { RegistryError } from '../../src/core/registry/registryError';
import { compareTag } from '../../src/core/registry/verifyRepositories';
import { type ScriptedRequest, type ScriptedServer, startScriptedServer } from '../support/scriptedServer';
import { TestAgent } from '../support/testAgent';
import { prng } from '../unit/support/fuzz';

const TOKEN = 'fuzz-secret-token';
const SEED = Number(process.env.RM_FUZZ_SEED ?? 20261201);
const ROUNDS = Number(process.env.RM_FUZZ_ROUNDS ?? 150);

/**
 * The client against a registry that answers at random: statuses, `Link`,
 * `WWW-Authenticate`, `Content-Length`, `Docker-Content-Digest` and `Location` headers,
 * truncated, oversized and stalled bodies, redirects (to itself and to another host). For
 * every call: it never throws past its API (Result methods resolve; `request` rejects only
 * with a RegistryError), never takes longer than its deadline allows, never sends
 * Authorization to the other host, and never reports `identical` for a digest the registry
 * did not vouch for (announced in a header, or the hash of a body it sent whole).
 * RM_FUZZ_SEED / RM_FUZZ_ROUNDS replay or extend a run.
 */
describe(`registry client fuzz (seed ${SEED}, ${ROUNDS} rounds)`, function () {
  this.timeout(300000);
  let registry: ScriptedServer;
  let other: ScriptedServer;
  const agent = new TestAgent();
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)];
  /** Digests the registry vouched for, per repository path. */
  const vouched = new Map<string, Set<string>>();
  const vouch = (path: string, d: string) => {
    const repo = /^\/v2\/(.+?)\/manifests\//.exec(path)?.[1];
    if (!repo) return;
    let s = vouched.get(repo);
    if (!s) vouched.set(repo, (s = new Set()));
    s.add(d);
  };

  const manifests = [
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x', digest: 'sha256:' + 'a'.repeat(64), size: 1 }, layers: [] })),
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: 'sha256:' + 'b'.repeat(64), size: 9, platform: { os: 'linux', architecture: 'amd64' } }] })),
    Buffer.from('not json at all'),
    Buffer.alloc(0),
  ];

  function script(req: ScriptedRequest, res: http.ServerResponse, raw: http.IncomingMessage, self: () => string): void {
    const r = rnd(100);
    const path = new URL(req.url, 'http://x').pathname;
    if (process.env.RM_FUZZ_TRACE) process.stderr.write(`  ${req.method} ${req.url.slice(0, 60)} r=${r}\n`);
    const headers: Record<string, string | string[]> = {};
    if (req.url.startsWith('/token')) {
      if (r < 60) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN, expires_in: pick([1, 60, -5, 'x']) }));
      if (r < 75) return void res.writeHead(pick([401, 403, 500])).end();
      if (r < 85) return void res.writeHead(200).end('{"token":');
      return void res.writeHead(200).end('{}');
    }
    if (r < 8) return void raw.socket.destroy(); // reset
    if (r < 14) {
      headers['www-authenticate'] = pick([
        `Bearer realm="http://${self()}/token",service="fuzz"`,
        `Bearer realm="http://${other.host}/token",service="fuzz"`,
        'Basic realm="fuzz"',
        'Bearer',
        'Negotiate abc==',
        `Bearer realm="file:///etc/passwd"`,
      ]);
      return void res.writeHead(401, headers).end();
    }
    if (r < 20) {
      headers.location = pick([`http://${other.host}${req.url}`, `http://${self()}${req.url}`, 'ftp://x/', '//', `http://${other.host}/v2/`, ':::']);
      return void res.writeHead(pick([301, 302, 303, 307, 308]), headers).end();
    }
    if (r < 26) {
      res.writeHead(pick([429, 500, 502, 503, 504]), { 'retry-after': pick(['0', '1', '999', 'soon']) }).end();
      return;
    }
    if (r < 30) return void res.writeHead(pick([400, 403, 404, 405, 418, 204, 206])).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    if (r < 34) return; // never answers: the deadline must end it
    const body = path.endsWith('/tags/list')
      ? Buffer.from(JSON.stringify(pick([{ tags: ['a', 'b', '../x', 7] }, { tags: ['a', 'b'] }, { tags: null }, { nope: 1 }, 'str'])))
      : pick(manifests);
    headers['content-type'] = pick([OCI_MANIFEST, OCI_INDEX, 'application/json', 'text/plain', '']);
    const d = rnd(4);
    const real = sha256Digest(body);
    if (d === 0) headers['docker-content-digest'] = real;
    if (d === 1) headers['docker-content-digest'] = pick(['sha256:' + 'c'.repeat(64), 'md5:abc', 'garbage']);
    if (rnd(3) === 0) headers.link = pick([`</v2/x/tags/list?last=b>; rel="next"`, `<http://${other.host}/v2/x/tags/list>; rel="next"`, '<<>>', `<${req.url}>; rel=next`]);
    if (rnd(5) === 0) headers.location = `http://${other.host}/upload/1`;
    const mode = rnd(6);
    if (process.env.RM_FUZZ_TRACE) process.stderr.write(`    mode=${mode}\n`);
    const isManifest = /\/manifests\//.test(path);
    if (isManifest && res.statusCode === 200 && typeof headers['docker-content-digest'] === 'string' && headers['docker-content-digest'].startsWith('sha256:')) vouch(path, headers['docker-content-digest']);
    if (mode === 0) {
      // truncated: announce more than is sent
      res.writeHead(200, { ...headers, 'content-length': String(body.length + 10) });
      res.write(body);
      setTimeout(() => raw.socket.destroy(), 5);
      return;
    }
    if (mode === 1) {
      // oversized: far more than a manifest may be (no Content-Length: chunked)
      res.writeHead(200, headers);
      res.end(Buffer.alloc(10 * 1024 * 1024, 0x20));
      return;
    }
    if (mode === 2) {
      // drips: a byte every 50 ms (whole in the end, so its hash is vouched for)
      if (isManifest && req.method === 'GET') vouch(path, real);
      res.writeHead(200, { ...headers, 'content-length': String(body.length) });
      let i = 0;
      const t = setInterval(() => (i < body.length && !res.destroyed ? res.write(body.subarray(i, ++i)) : (clearInterval(t), res.end())), 50);
      res.on('close', () => clearInterval(t));
      return;
    }
    // whole
    if (isManifest && req.method === 'GET') vouch(path, real);
    res.writeHead(200, { ...headers, 'content-length': String(body.length) }).end(req.method === 'HEAD' ? undefined : body);
  }

  before(async function () {
    other = await startScriptedServer((_req, res) => void res.writeHead(rnd(2) ? 200 : 404, { 'docker-content-digest': 'sha256:' + 'c'.repeat(64) }).end('{}'), '127.0.0.2');
    registry = await startScriptedServer((req, res, raw) => script(req, res, raw, () => registry.host));
  });
  after(async function () {
    // destroy, not close: close() waits for answers a stalled server never finishes.
    await agent.destroy();
    await Promise.all([registry?.close(), other?.close()]);
  });

  it('never throws past its API, never overruns its deadline, never leaks Authorization, never claims identical on unvouched digests', async function () {
    const timeoutMs = 300;
    // A fresh client per round: a hostile challenge is remembered per host, and the fuzz
    // should keep reaching every path, not stop at the first refused realm.
    const newClient = () => new RegistryClient({
      dispatcher: agent,
      timeoutMs,
      minBytesPerSecond: 1024,
      retries: 1,
      retryBaseMs: 5,
      maxRetryAfterMs: 50,
      allowPush: true,
      // An environment-style token: only ever for the registry's own host.
      credentials: { get: (h) => Promise.resolve(h === registry.host ? { username: 'u', password: TOKEN, source: 'FUZZ_TOKEN', ownRealmOnly: true } : undefined) },
    });
    let client = newClient();
    const repo = { host: registry.host, path: 'fuzz/app' };
    const newRepo = { host: registry.host, path: 'fuzz/new' };
    // Attempts (2) x (deadline + token fetch deadline + backoff) per request, a few requests per call.
    const boundMs = 12 * (timeoutMs * 2 + 100) + 2000;
    const outcomes = new Map<string, number>();
    let slowest = 0;
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 3 === 0) client = newClient();
      const kind = pick(['listTags', 'headManifest', 'getManifest', 'resolve', 'compareTag', 'request', 'stream'] as const);
      const started = Date.now();
      let label = '';
      // A hang fails this round at once, naming it, instead of mocha's timeout much later.
      let watchdog: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => (watchdog = setTimeout(() => reject(new assert.AssertionError({ message: `round ${i} (${kind}) did not settle within ${boundMs} ms` })), boundMs)));
      if (process.env.RM_FUZZ_TRACE) process.stderr.write(`round ${i} ${kind}\n`);
      const round = async () => {
        if (kind === 'listTags') {
          const r = await client.listTags(repo, { maxPages: 3 });
          label = r.ok ? 'ok' : r.error.code;
        } else if (kind === 'headManifest' || kind === 'getManifest' || kind === 'resolve') {
          const r = await client[kind](repo, pick(['1.0', 'sha256:' + 'a'.repeat(64), 'latest']));
          label = r.ok ? 'ok' : r.error.code;
        } else if (kind === 'compareTag') {
          const t = await compareTag(client, repo, newRepo, '1.0', true, true);
          label = t.status;
          if (t.status === 'identical') {
            assert.ok(t.old && t.new && t.old.digest === t.new.digest);
            assert.ok(vouched.get('fuzz/app')?.has(t.old.digest), `identical on ${t.old.digest}, which the old side never vouched for`);
            assert.ok(vouched.get('fuzz/new')?.has(t.new.digest), `identical on ${t.new.digest}, which the new side never vouched for`);
          }
        } else {
          try {
            const res = await client.request(repo, { method: pick(['GET', 'HEAD', 'PUT', 'POST'] as const), url: `/v2/fuzz/app/blobs/sha256:${'d'.repeat(64)}`, headers: { accept: MANIFEST_ACCEPT }, stream: kind === 'stream', actions: ['pull', 'push'], body: rnd(2) ? Buffer.from('x') : undefined });
            if (res.stream) {
              try {
                for await (const chunk of res.stream) void chunk;
              } catch (e) {
                assert.ok(e instanceof RegistryError, `a streamed body failed with ${String(e)}`);
              }
            }
            label = String(res.status);
          } catch (e) {
            assert.ok(e instanceof RegistryError, `request() threw ${String(e)}`);
            label = e.code;
          }
        }
      };
      try {
        await Promise.race([round(), hung]);
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.fail(`round ${i} (${kind}) threw past the API: ${e instanceof Error ? e.stack : String(e)}`);
      } finally {
        clearTimeout(watchdog);
      }
      const ms = Date.now() - started;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < boundMs, `round ${i} (${kind}) took ${ms} ms (bound ${boundMs})`);
      outcomes.set(`${kind}:${label}`, (outcomes.get(`${kind}:${label}`) ?? 0) + 1);
    }
    const leaked = other.requests.filter((q) => q.headers.authorization !== undefined);
    assert.deepStrictEqual(leaked.map((q) => `${q.method} ${q.url}`), [], 'Authorization reached the other host');
    console.log(`      ${ROUNDS} rounds, slowest ${slowest} ms (bound ${boundMs}); the other host got ${other.requests.length} requests, none with Authorization; outcomes: ${[...outcomes.entries()].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
    assert.ok(outcomes.size >= 8, 'the fuzz reached a variety of outcomes');
  });
});
