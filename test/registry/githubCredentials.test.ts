import * as assert from 'assert';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { staticCredentials } from '../../src/core/registry/credentials';
import { RegistryClient } from '../../src/core/registry/registryClient';
import { fakeGh } from '../support/fakeGh';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { type ScriptedServer, answer, startScriptedServer } from '../support/scriptedServer';
import { pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

const TOKEN = 'ghp_test-secret-token-0123456789';
const GH_TOKEN = 'gho_fake-token-from-gh';

/**
 * ghcr.io's credentials the way CI has them, against a token-auth docker-registry that
 * stands in for ghcr.io (REGISTRY_MIGRATOR_TEST_HOST_MAP, loopback targets only). Its token
 * server accepts `x-access-token` with TOKEN or GH_TOKEN, and nothing anonymous.
 */
describe('ghcr.io credentials: GH_TOKEN, GITHUB_TOKEN, `gh auth token`, pushing, and where tokens may go', function () {
  this.timeout(60000);
  let ghcr: RunningRegistry;
  let open: RunningRegistry;
  let evil: ScriptedServer; // ghcr.io's stand-in whose challenge names another host's realm
  let realm: ScriptedServer; // that other host (127.0.0.2)
  const agent = new TestAgent();

  before(async function () {
    [ghcr, open] = await Promise.all([startRegistry({ auth: 'token', users: { 'x-access-token': TOKEN }, anonymousPull: () => false }), startRegistry()]);
    const p = new RegistryClient({ dispatcher: agent, allowPush: true, credentials: staticCredentials({ [ghcr.host]: { username: 'x-access-token', password: TOKEN } }) });
    for (const path of ['org/app', 'org/app2']) for (const t of ['1.0.0', '1.1.0']) await pushTestImage(p, { host: ghcr.host, path }, t, singleImage('oci', `gh-${t}`));
    await pushTestImage(new RegistryClient({ dispatcher: agent, allowPush: true }), { host: open.host, path: 'src/app' }, '1.0.0', singleImage('oci', 'gh-1.0.0'));
    realm = await startScriptedServer((_req, res) => answer(res, 200, { token: 'whatever' }), '127.0.0.2');
    evil = await startScriptedServer((_req, res) => answer(res, 401, '{}', { 'www-authenticate': `Bearer realm="http://${realm.host}/token",service="ghcr.io"` }));
  });
  after(async function () {
    await agent.close();
    await Promise.all([evil?.close(), realm?.close()]);
    await Promise.all([ghcr?.stop(), open?.stop()]);
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv, map = ghcr.host): Promise<{ code: number; out: string; err: string; ms: number }> {
    let out = '';
    let err = '';
    const io: CliIO = {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      cwd: process.cwd(),
      env: { HOME: '/nonexistent', PATH: '/usr/bin:/bin', REGISTRY_MIGRATOR_TEST_HOST_MAP: `ghcr.io=${map}`, ...env },
      isTTY: false,
      signal: new AbortController().signal,
    };
    const started = Date.now();
    const code = await main(argv, io);
    for (const secret of [TOKEN, GH_TOKEN]) assert.ok(!(out + err).includes(secret), 'no token in the output');
    return { code, out, err, ms: Date.now() - started };
  }
  const users = (from: number) => ghcr.tokenServer!.requests.slice(from).map((q) => q.user ?? 'anonymous');

  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN']) {
    it(`reads ${name} for ghcr.io`, async function () {
      const before = ghcr.tokenServer!.requests.length;
      const r = await run(['tags', 'ghcr.io/org/app'], { [name]: TOKEN });
      assert.strictEqual(r.code, 0, r.err);
      assert.strictEqual(r.out, '1.1.0\n1.0.0\n');
      assert.ok(users(before).includes('x-access-token'));
    });
  }

  it('without a token variable, runs `gh auth token` once (lazily, for ghcr.io only) and uses it', async function () {
    const gh = fakeGh('token', GH_TOKEN);
    const server = await startRegistry({ auth: 'token', users: { 'x-access-token': GH_TOKEN }, anonymousPull: () => false });
    try {
      const p = new RegistryClient({ dispatcher: agent, allowPush: true, credentials: staticCredentials({ [server.host]: { username: 'x-access-token', password: GH_TOKEN } }) });
      for (const path of ['org/app', 'org/app2']) for (const t of ['1.0.0', '1.1.0']) await pushTestImage(p, { host: server.host, path }, t, singleImage('oci', `gh-${t}`));
      const r = await run(['verify', 'ghcr.io/org/app', 'ghcr.io/org/app2'], { PATH: `${gh.binDir}:/usr/bin:/bin` }, server.host);
      assert.strictEqual(r.code, 0, r.out + r.err);
      assert.deepStrictEqual(gh.calls(), ['auth token --hostname github.com'], 'gh ran exactly once for two repositories and four tags');
      const other = await run(['tags', `${open.host}/src/app`], { PATH: `${gh.binDir}:/usr/bin:/bin` });
      assert.strictEqual(other.code, 0, other.err);
      assert.strictEqual(gh.calls().length, 1, 'gh is not run for another registry');
    } finally {
      gh.cleanup();
      await server.stop();
    }
  });

  it('a `gh` that hangs is given up on after its timeout: exit 3 (auth), bounded time', async function () {
    const gh = fakeGh('hang');
    try {
      const r = await run(['tags', 'ghcr.io/org/app'], { PATH: `${gh.binDir}:/usr/bin:/bin` });
      console.log(`      hanging gh: exit ${r.code} after ${r.ms} ms`);
      assert.strictEqual(r.code, 3, r.out + r.err);
      assert.match(r.err, /could not list \(auth\): ghcr\.io refused ghcr\.io\/org\/app \(401\) anonymously \(no credential found for ghcr\.io; .*GH_TOKEN or GITHUB_TOKEN\)/);
      assert.ok(r.ms < 12000, `${r.ms} ms`);
    } finally {
      gh.cleanup();
    }
  });

  it('a token service that refuses anonymous tokens: the message says so once ("anonymous", not "… anonymously")', async function () {
    const refusing = await startScriptedServer((req, res) =>
      req.url.startsWith('/token') ? answer(res, 401, '{}') : answer(res, 401, '{}', { 'www-authenticate': `Bearer realm="http://${refusingHost()}/token",service="x"` }),
    );
    const refusingHost = () => refusing.host;
    try {
      const r = await run(['tags', `${refusing.host}/org/app`], {});
      assert.strictEqual(r.code, 3, r.err);
      assert.match(r.err, /the token service for 127\.0\.0\.1:\d+ refused an anonymous token \(401\): no credential found for 127\.0\.0\.1:\d+; docker login/);
      assert.ok(!/anonymously/.test(r.err), r.err);
    } finally {
      await refusing.close();
    }
  });

  it('no gh installed and no token: a clear auth error, exit 3', async function () {
    const r = await run(['tags', 'ghcr.io/org/app'], {});
    assert.strictEqual(r.code, 3, r.err);
    assert.match(r.err, /GH_TOKEN or GITHUB_TOKEN/);
  });

  it('copy pushes to ghcr.io with GITHUB_TOKEN when there is no other push credential', async function () {
    const before = ghcr.tokenServer!.requests.length;
    const r = await run(['copy', `${open.host}/src/app`, 'ghcr.io/org/pushed'], { GITHUB_TOKEN: TOKEN });
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /push credential: login for ghcr\.io, else GH_TOKEN\/GITHUB_TOKEN/);
    const pushes = ghcr.tokenServer!.requests.slice(before).filter((q) => q.scopes.includes('repository:org/pushed:pull,push'));
    assert.ok(pushes.length > 0 && pushes.every((q) => q.user === 'x-access-token'));
    const head = await new RegistryClient({ dispatcher: agent, credentials: staticCredentials({ [ghcr.host]: { username: 'x-access-token', password: TOKEN } }) }).headManifest({ host: ghcr.host, path: 'org/pushed' }, '1.0.0');
    assert.ok(head.ok, 'the tag is at the destination');
  });

  it('copy without any push credential: exit 3 and the message names REGISTRY_MIGRATOR_PUSH_*', async function () {
    const gh = fakeGh('token', TOKEN);
    try {
      // gh is logged in, but a push needs a credential meant for it: gh is not used for pushing.
      const r = await run(['copy', `${open.host}/src/app`, 'ghcr.io/org/nopush'], { PATH: `${gh.binDir}:/usr/bin:/bin` });
      assert.strictEqual(r.code, 3, r.out + r.err);
      assert.match(r.out, /no push credential for ghcr\.io: set REGISTRY_MIGRATOR_PUSH_USERNAME and REGISTRY_MIGRATOR_PUSH_PASSWORD/);
    } finally {
      gh.cleanup();
    }
  });

  it('GITHUB_TOKEN is not sent to a token realm on another host than ghcr.io', async function () {
    const r = await run(['tags', 'ghcr.io/org/app'], { GITHUB_TOKEN: TOKEN }, evil.host);
    assert.strictEqual(r.code, 3, r.err);
    assert.match(r.err, /could not list \(auth\): ghcr\.io names the token realm 127\.0\.0\.2:\d+, which is not under ghcr\.io: GITHUB_TOKEN is sent only to ghcr\.io's own realm/);
    assert.deepStrictEqual(realm.requests, [], 'the other host was never asked');
  });

  it('… unless REGISTRY_MIGRATOR_TOKEN_REALMS names that host', async function () {
    await run(['tags', 'ghcr.io/org/app'], { GITHUB_TOKEN: TOKEN, REGISTRY_MIGRATOR_TOKEN_REALMS: '127.0.0.2' }, evil.host);
    assert.strictEqual(realm.requests.length, 1);
    assert.strictEqual(realm.requests[0].headers.authorization, 'Basic ' + Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
  });

  it('the host map accepts loopback targets only', function () {
    assert.throws(() => new RegistryClient({ dispatcher: agent, hostOverrides: { 'ghcr.io': 'example.com:443' } }), /loopback/);
    assert.throws(() => new RegistryClient({ dispatcher: agent, hostOverrides: { 'ghcr.io': '10.0.0.1:5000' } }), /loopback/);
  });
});
