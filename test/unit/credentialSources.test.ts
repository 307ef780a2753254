import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { chainCredentialProviders, fileCredentials, githubTokenCredentials, runCredentialHelper, staticCredentials } from '../../src/core/registry/credentials';
import { RegistryError } from '../../src/core/registry/registryError';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** fileCredentials over an in-memory file table and a recorded helper. */
function provider(files: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, helpers: Record<string, string | undefined> = {}) {
  const asked: string[] = [];
  const p = fileCredentials({
    env,
    homedir: '/home/u',
    readText: (f) => Promise.resolve(f in files ? (typeof files[f] === 'string' ? (files[f] as string) : JSON.stringify(files[f])) : undefined),
    runHelper: (name, serverUrl) => {
      asked.push(`${name} ${serverUrl}`);
      return Promise.resolve(helpers[name]);
    },
  });
  return { p, asked };
}

const DOCKER = '/home/u/.docker/config.json';

// Where credentials come from decides where a secret may go: each source, its precedence, its keys.
describe('credential sources: Docker and Podman files, helpers, environment tokens', () => {
  it('auths: base64 user:pass (a colon in the password kept), username/password, identitytoken; the source is the file', async () => {
    const { p } = provider({ [DOCKER]: { auths: { 'reg.example': { auth: b64('me:pa:ss') }, 'two.example': { username: 'u2', password: 'p2' }, 'id.example': { identitytoken: 'refresh', username: 'ignored-user' } } } });
    assert.deepStrictEqual(await p.get('reg.example'), { username: 'me', password: 'pa:ss', source: DOCKER });
    assert.deepStrictEqual(await p.get('two.example'), { username: 'u2', password: 'p2', source: DOCKER });
    assert.deepStrictEqual(await p.get('id.example'), { identityToken: 'refresh', username: 'ignored-user', source: DOCKER });
    assert.strictEqual(await p.get('other.example'), undefined);
  });

  it('auths entries that hold nothing usable are skipped, not errors', async () => {
    const { p } = provider({ [DOCKER]: { auths: { 'a.example': { auth: b64(':nouser') }, 'b.example': { auth: b64('nocolon') }, 'c.example': { username: 'only' }, 'd.example': {} } } });
    for (const h of ['a.example', 'b.example', 'c.example', 'd.example']) assert.strictEqual(await p.get(h), undefined, h);
  });

  it('config keys: scheme and path ignored, case-insensitive; Docker Hub under its three names', async () => {
    const { p } = provider({ [DOCKER]: { auths: { 'https://Reg.Example/v1/': { auth: b64('a:1') }, 'https://index.docker.io/v1/': { auth: b64('hub:2') } } } });
    assert.strictEqual((await p.get('reg.example'))?.username, 'a');
    assert.strictEqual((await p.get('docker.io'))?.username, 'hub');
    assert.strictEqual(await p.get('reg.example:5000'), undefined, 'another port is another registry');
    for (const key of ['docker.io', 'registry-1.docker.io', 'index.docker.io']) {
      assert.strictEqual((await provider({ [DOCKER]: { auths: { [key]: { auth: b64('hub:1') } } } }).p.get('docker.io'))?.username, 'hub', key);
    }
    assert.strictEqual(await provider({ [DOCKER]: { auths: { 'evil-docker.io': { auth: b64('x:1') }, 'docker.io.evil': { auth: b64('y:1') } } } }).p.get('docker.io'), undefined);
  });

  it('credHelpers[host] first, then auths, then credsStore; a helper is asked with Docker\'s server URL', async () => {
    const secret = JSON.stringify({ ServerURL: 'x', Username: 'hu', Secret: 'hs' });
    const files = { [DOCKER]: { credHelpers: { 'reg.example': 'pass' }, auths: { 'reg.example': { auth: b64('file:1') }, 'plain.example': { auth: b64('file:2') } }, credsStore: 'desktop' } };
    const { p, asked } = provider(files, {}, { pass: secret, desktop: JSON.stringify({ Username: '<token>', Secret: 'idt' }) });
    assert.deepStrictEqual(await p.get('reg.example'), { username: 'hu', password: 'hs', source: 'docker-credential-pass' });
    assert.deepStrictEqual(await p.get('plain.example'), { username: 'file', password: '2', source: DOCKER });
    assert.deepStrictEqual(await p.get('docker.io'), { identityToken: 'idt', source: 'docker-credential-desktop' }, 'Username <token>: an identity token');
    assert.deepStrictEqual(asked, ['pass reg.example', 'desktop https://index.docker.io/v1/']);
  });

  it('a helper that knows nothing, or answers without a Secret: none; one that answers garbage: an error', async () => {
    const files = { [DOCKER]: { credsStore: 's' } };
    assert.strictEqual(await provider(files, {}, { s: undefined }).p.get('a.example'), undefined);
    assert.strictEqual(await provider(files, {}, { s: JSON.stringify({ Username: 'u' }) }).p.get('a.example'), undefined);
    await assert.rejects(provider(files, {}, { s: 'not json' }).p.get('a.example'), (e: unknown) => e instanceof RegistryError && e.code === 'credential-helper' && e.message === 'docker-credential-s get did not answer JSON');
  });

  it('$DOCKER_CONFIG replaces ~/.docker; Podman: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json, after Docker', async () => {
    const cred = (u: string) => ({ auths: { 'reg.example': { auth: b64(`${u}:1`) } } });
    assert.strictEqual((await provider({ '/cfg/config.json': cred('dc'), [DOCKER]: cred('home') }, { DOCKER_CONFIG: '/cfg' }).p.get('reg.example'))?.username, 'dc');
    assert.strictEqual((await provider({ '/auth.json': cred('pod') }, { REGISTRY_AUTH_FILE: '/auth.json', XDG_RUNTIME_DIR: '/run' }).p.get('reg.example'))?.source, '/auth.json');
    assert.strictEqual((await provider({ '/run/containers/auth.json': cred('xdg') }, { XDG_RUNTIME_DIR: '/run' }).p.get('reg.example'))?.username, 'xdg');
    assert.strictEqual((await provider({ [DOCKER]: cred('docker'), '/run/containers/auth.json': cred('xdg') }, { XDG_RUNTIME_DIR: '/run' }).p.get('reg.example'))?.username, 'docker', 'Docker first');
    assert.strictEqual(await provider({ '/run/containers/auth.json': cred('xdg') }, {}).p.get('reg.example'), undefined, 'no XDG_RUNTIME_DIR: no Podman file');
    assert.strictEqual((await provider({ [DOCKER]: { auths: {} }, '/a.json': { auths: { 'x.example': { auth: b64(':bad') }, 'reg.example': { auth: b64('p:1') } } } }, { REGISTRY_AUTH_FILE: '/a.json' }).p.get('reg.example'))?.username, 'p');
  });

  it('a broken or non-object config file is the same as none', async () => {
    for (const text of ['{', 'null', '"text"', '42']) assert.strictEqual(await provider({ [DOCKER]: text }).p.get('reg.example'), undefined, text);
  });

  it('GH_TOKEN before GITHUB_TOKEN, for ghcr.io only, sent to its own realm only (plus REGISTRY_MIGRATOR_TOKEN_REALMS)', async () => {
    assert.deepStrictEqual(await githubTokenCredentials({ GH_TOKEN: 'gh', GITHUB_TOKEN: 'ga' }).get('ghcr.io'), { username: 'x-access-token', password: 'gh', source: 'GH_TOKEN', ownRealmOnly: true, realmHosts: undefined });
    assert.strictEqual((await githubTokenCredentials({ GITHUB_TOKEN: 'ga' }).get('ghcr.io'))?.source, 'GITHUB_TOKEN');
    assert.strictEqual(await githubTokenCredentials({}).get('ghcr.io'), undefined);
    assert.strictEqual(await githubTokenCredentials({ GH_TOKEN: 'gh' }).get('docker.io'), undefined);
    assert.deepStrictEqual((await githubTokenCredentials({ GH_TOKEN: 'gh', REGISTRY_MIGRATOR_TOKEN_REALMS: ' Auth.Example , ,login.example' }).get('ghcr.io'))?.realmHosts, ['auth.example', 'login.example']);
    assert.strictEqual((await githubTokenCredentials({ GH_TOKEN: 'gh', REGISTRY_MIGRATOR_TOKEN_REALMS: ' , ' }).get('ghcr.io'))?.realmHosts, undefined);
  });

  it('the chain: the first provider that knows the host; undefined providers are skipped', async () => {
    const chain = chainCredentialProviders(undefined, staticCredentials({ 'a.example': { username: 'first', password: '1' } }, 'vscode'), staticCredentials({ 'a.example': { username: 'second', password: '2' }, 'b.example': { username: 'b', password: '3' } }));
    assert.deepStrictEqual(await chain.get('a.example'), { username: 'first', password: '1', source: 'vscode' });
    assert.strictEqual((await chain.get('b.example'))?.source, 'provided');
    assert.strictEqual(await chain.get('c.example'), undefined);
  });

  describe('runCredentialHelper (a real docker-credential-* program on PATH)', function () {
    this.timeout(10000);
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-helper-'));
      const write = (name: string, body: string) => fs.writeFileSync(path.join(dir, `docker-credential-${name}`), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      write('good', 'read url; printf \'{"ServerURL":"%s","Username":"u","Secret":"s"}\' "$url"');
      write('none', 'echo "credentials not found in native keychain"; exit 1');
      write('broken', 'echo "secret-looking output" >&2; exit 4');
      env = { PATH: `${dir}:/usr/bin:/bin` };
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('passes the server URL on stdin and returns stdout', async () => {
      assert.strictEqual(await runCredentialHelper(env)('good', 'reg.example'), '{"ServerURL":"reg.example","Username":"u","Secret":"s"}');
    });
    it('"credentials not found": none', async () => {
      assert.strictEqual(await runCredentialHelper(env)('none', 'reg.example'), undefined);
    });
    it('another failure: an error with the exit code, not the helper\'s output', async () => {
      await assert.rejects(runCredentialHelper(env)('broken', 'reg.example'), (e: unknown) => e instanceof RegistryError && e.code === 'credential-helper' && e.message === 'docker-credential-broken get exited with code 4');
    });
    it('a helper not on PATH, or a name that is not a plain program name', async () => {
      await assert.rejects(runCredentialHelper(env)('missing', 'reg.example'), (e: unknown) => e instanceof RegistryError && e.message === 'docker-credential-missing is not on PATH');
      for (const name of ['../good', 'a b', 'x;rm', '']) {
        await assert.rejects(runCredentialHelper(env)(name, 'reg.example'), (e: unknown) => e instanceof RegistryError && e.code === 'credential-helper' && e.message === `credential helper name "${name}" is not a plain program name`, name);
      }
    });
  });
});
