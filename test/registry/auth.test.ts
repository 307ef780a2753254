import * as assert from 'assert';
import * as fs from 'fs';

import { type CredentialProvider, fileCredentials, staticCredentials } from '../../src/core/registry/credentials';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import { dockerConfigDir, fakeCredentialHelper } from '../support/credentialHelper';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

const PASSWORD = 'test-secret-pw';
const USERS = { tester: PASSWORD };
const IDENTITY_TOKEN = 'refresh-token-secret-42';

describe('registry auth: htpasswd (Basic) and token (Bearer) registries', function () {
  let basic: RunningRegistry;
  let token: RunningRegistry;
  const agent = new TestAgent();
  const image = singleImage('oci', 'auth');

  before(async function () {
    [basic, token] = await Promise.all([
      startRegistry({ auth: 'htpasswd', users: USERS }),
      startRegistry({ auth: 'token', users: USERS, anonymousPull: (name) => name.startsWith('public/'), refreshTokens: { [IDENTITY_TOKEN]: 'tester' } }),
    ]);
    for (const reg of [basic, token]) {
      const pusher = new RegistryClient({ dispatcher: agent, allowPush: true, credentials: staticCredentials({ [reg.host]: { username: 'tester', password: PASSWORD } }) });
      for (const path of ['public/app', 'private/app', 'private/other']) await pushTestImage(pusher, { host: reg.host, path }, 'v1', image);
    }
  });
  after(async function () {
    await agent.close();
    await Promise.all([basic?.stop(), token?.stop()]);
  });

  const reader = (credentials?: CredentialProvider) => new RegistryClient({ dispatcher: agent, credentials, retryBaseMs: 10 });
  const good = (host: string) => staticCredentials({ [host]: { username: 'tester', password: PASSWORD } });
  const wrong = (host: string) => staticCredentials({ [host]: { username: 'tester', password: 'not-the-password' } });

  const cases: { name: string; registry: () => RunningRegistry; path: string; creds?: (host: string) => CredentialProvider; code?: string; hint?: RegExp }[] = [
    { name: 'basic: anonymous is refused with a login hint', registry: () => basic, path: 'public/app', code: 'unauthorized', hint: /docker login 127\.0\.0\.1:\d+/ },
    { name: 'basic: the right password works', registry: () => basic, path: 'private/app', creds: good },
    { name: 'basic: a wrong password is refused', registry: () => basic, path: 'private/app', creds: wrong, code: 'unauthorized' },
    { name: 'token: anonymous pull of a public repository', registry: () => token, path: 'public/app' },
    { name: 'token: anonymous pull of a private repository is refused', registry: () => token, path: 'private/app', code: 'unauthorized', hint: /anonymously/ },
    { name: 'token: the right password works', registry: () => token, path: 'private/app', creds: good },
    { name: 'token: a wrong password is refused by the token server', registry: () => token, path: 'private/app', creds: wrong, code: 'unauthorized' },
  ];
  for (const c of cases) {
    it(c.name, async function () {
      const reg = c.registry();
      const r = await reader(c.creds?.(reg.host)).headManifest({ host: reg.host, path: c.path }, 'v1');
      if (c.code) {
        assert.ok(!r.ok, 'expected a failure');
        assert.strictEqual(r.error.code, c.code);
        if (c.hint) assert.match(r.error.message, c.hint);
        assert.ok(!r.error.message.includes(PASSWORD) && !r.error.message.includes('not-the-password'), `no secret in: ${r.error.message}`);
        assert.ok(!r.error.message.includes(Buffer.from(`tester:${PASSWORD}`).toString('base64')));
      } else {
        assert.ok(r.ok, !r.ok ? r.error.message : '');
        assert.strictEqual(r.value.digest, image.digest);
      }
    });
  }

  it('token: asks for one pull-only token per scope and reuses it until it expires', async function () {
    const client = reader(good(token.host));
    const before = token.tokenServer!.requests.length;
    const app: Repository = { host: token.host, path: 'private/app' };
    const other: Repository = { host: token.host, path: 'private/other' };
    for (let i = 0; i < 5; i++) assert.ok((await client.headManifest(app, 'v1')).ok);
    assert.ok((await client.headManifest(other, 'v1')).ok);
    const asked = token.tokenServer!.requests.slice(before);
    assert.deepStrictEqual(asked.map((a) => a.scopes), [['repository:private/app:pull'], ['repository:private/other:pull']]);
    assert.ok(asked.every((a) => a.user === 'tester'));
  });

  it('token: fetches a new token after the cached one expires', async function () {
    token.tokenServer!.setLifetimeSeconds(2); // cached for max(2-10, 2/2) = 1 s
    try {
      const client = reader(good(token.host));
      const app: Repository = { host: token.host, path: 'private/app' };
      const before = token.tokenServer!.requests.length;
      assert.ok((await client.headManifest(app, 'v1')).ok);
      assert.ok((await client.headManifest(app, 'v1')).ok);
      assert.strictEqual(token.tokenServer!.requests.length - before, 1);
      await new Promise((r) => setTimeout(r, 1100));
      assert.ok((await client.headManifest(app, 'v1')).ok);
      assert.strictEqual(token.tokenServer!.requests.length - before, 2);
    } finally {
      token.tokenServer!.setLifetimeSeconds(300);
    }
  });

  describe('credentials from files and helpers', function () {
    const cleanups: (() => void)[] = [];
    after(() => cleanups.forEach((c) => c()));

    const fileCases: { name: string; registry: () => RunningRegistry; config: (host: string) => unknown; helper?: boolean; podman?: (host: string) => unknown }[] = [
      { name: 'docker config auths[host].auth (basic registry)', registry: () => basic, config: (h) => ({ auths: { [h]: { auth: Buffer.from(`tester:${PASSWORD}`).toString('base64') } } }) },
      { name: 'docker config auths["http://host/v1/"] (token registry)', registry: () => token, config: (h) => ({ auths: { [`http://${h}/v1/`]: { auth: Buffer.from(`tester:${PASSWORD}`).toString('base64') } } }) },
      { name: 'docker config identitytoken (OAuth2 refresh token at the realm)', registry: () => token, config: (h) => ({ auths: { [h]: { identitytoken: IDENTITY_TOKEN } } }) },
      { name: 'credHelpers[host] = test (docker-credential-test on PATH)', registry: () => token, config: (h) => ({ credHelpers: { [h]: 'test' } }), helper: true },
      { name: 'credsStore = test (basic registry)', registry: () => basic, config: () => ({ credsStore: 'test' }), helper: true },
      { name: 'REGISTRY_AUTH_FILE (Podman auth.json)', registry: () => basic, config: () => ({}), podman: (h) => ({ auths: { [h]: { auth: Buffer.from(`tester:${PASSWORD}`).toString('base64') } } }) },
    ];
    for (const c of fileCases) {
      it(`reads ${c.name}`, async function () {
        const reg = c.registry();
        const conf = dockerConfigDir(c.config(reg.host));
        cleanups.push(conf.cleanup);
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, DOCKER_CONFIG: conf.dir, HOME: conf.dir };
        let helper: ReturnType<typeof fakeCredentialHelper> | undefined;
        if (c.helper) {
          helper = fakeCredentialHelper({ [reg.host]: { username: 'tester', secret: PASSWORD } });
          cleanups.push(helper.cleanup);
          env.PATH = `${helper.binDir}:${process.env.PATH}`;
        }
        if (c.podman) {
          const p = dockerConfigDir(c.podman(reg.host));
          cleanups.push(p.cleanup);
          env.REGISTRY_AUTH_FILE = `${p.dir}/config.json`;
        }
        const r = await reader(fileCredentials({ env })).headManifest({ host: reg.host, path: 'private/app' }, 'v1');
        assert.ok(r.ok, !r.ok ? r.error.message : '');
        assert.strictEqual(r.value.digest, image.digest);
        if (helper) assert.deepStrictEqual(fs.readFileSync(helper.log, 'utf8').trim().split('\n'), [reg.host], 'asked once, with the host');
      });
    }

    it('a helper that does not know the host means anonymous, and the failure names no secret', async function () {
      const conf = dockerConfigDir({ credHelpers: { [basic.host]: 'test' } });
      const helper = fakeCredentialHelper({ 'some.other.host': { username: 'tester', secret: PASSWORD } });
      cleanups.push(conf.cleanup, helper.cleanup);
      const env = { PATH: `${helper.binDir}:${process.env.PATH}`, DOCKER_CONFIG: conf.dir };
      const r = await reader(fileCredentials({ env })).headManifest({ host: basic.host, path: 'private/app' }, 'v1');
      assert.ok(!r.ok);
      assert.strictEqual(r.error.code, 'unauthorized');
    });

    it('a missing helper program is a credential-helper failure', async function () {
      const conf = dockerConfigDir({ credHelpers: { [basic.host]: 'not-installed-anywhere' } });
      cleanups.push(conf.cleanup);
      const r = await reader(fileCredentials({ env: { PATH: '/nonexistent', DOCKER_CONFIG: conf.dir } })).headManifest({ host: basic.host, path: 'private/app' }, 'v1');
      assert.ok(!r.ok);
      assert.strictEqual(r.error.code, 'credential-helper');
      assert.match(r.error.message, /docker-credential-not-installed-anywhere is not on PATH/);
    });
  });
});
