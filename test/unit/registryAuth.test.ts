import * as assert from 'assert';
import { MockAgent } from 'undici';

import { type Credential, chainCredentialProviders, fileCredentials, githubTokenCredentials, staticCredentials } from '../../src/core/registry/credentials';
import { RegistryClient } from '../../src/core/registry/registryClient';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('fileCredentials (fake files and helper)', () => {
  const cases: { name: string; host: string; docker?: unknown; podman?: unknown; helper?: Record<string, string>; want: Partial<Credential> | undefined; asked?: string[] }[] = [
    { name: 'auths[host].auth', host: 'ghcr.io', docker: { auths: { 'ghcr.io': { auth: b64('u:p:with:colons') } } }, want: { username: 'u', password: 'p:with:colons' } },
    { name: 'Docker Hub under https://index.docker.io/v1/', host: 'docker.io', docker: { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } }, want: { username: 'hub', password: 'pw' } },
    { name: 'identitytoken', host: 'r.example', docker: { auths: { 'https://r.example': { identitytoken: 'idt' } } }, want: { identityToken: 'idt' } },
    { name: 'credHelpers before auths', host: 'gcr.io', docker: { credHelpers: { 'gcr.io': 'gcloud' }, auths: { 'gcr.io': { auth: b64('a:b') } } }, helper: { gcloud: '{"Username":"oauth2accesstoken","Secret":"tok"}' }, want: { username: 'oauth2accesstoken', password: 'tok' }, asked: ['gcloud gcr.io'] },
    { name: 'credsStore as the fallback, Docker Hub URL', host: 'docker.io', docker: { credsStore: 'desktop' }, helper: { desktop: '{"Username":"hub","Secret":"s"}' }, want: { username: 'hub', password: 's' }, asked: ['desktop https://index.docker.io/v1/'] },
    { name: 'helper <token> username is an identity token', host: 'r.example', docker: { credsStore: 'x' }, helper: { x: '{"Username":"<token>","Secret":"refresh"}' }, want: { identityToken: 'refresh' } },
    { name: 'helper says not found', host: 'r.example', docker: { credsStore: 'x' }, want: undefined },
    { name: 'Podman auth.json', host: 'quay.io', podman: { auths: { 'quay.io': { auth: b64('q:w') } } }, want: { username: 'q', password: 'w' } },
    { name: 'another host is not matched by prefix', host: 'ghcr.io', docker: { auths: { 'ghcr.io.evil.example': { auth: b64('u:p') } } }, want: undefined },
    { name: 'broken JSON is no credential', host: 'ghcr.io', docker: '{"auths": {', want: undefined },
    { name: 'no files', host: 'ghcr.io', want: undefined },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const asked: string[] = [];
      const files: Record<string, string> = {};
      if (c.docker !== undefined) files['/cfg/config.json'] = typeof c.docker === 'string' ? c.docker : JSON.stringify(c.docker);
      if (c.podman !== undefined) files['/run/containers/auth.json'] = JSON.stringify(c.podman);
      const p = fileCredentials({
        env: { DOCKER_CONFIG: '/cfg', XDG_RUNTIME_DIR: '/run' },
        readText: (f) => Promise.resolve(files[f]),
        runHelper: (name, url) => {
          asked.push(`${name} ${url}`);
          return Promise.resolve(c.helper?.[name]);
        },
      });
      const got = await p.get(c.host);
      if (c.want === undefined) assert.strictEqual(got, undefined);
      else {
        assert.ok(got);
        for (const [k, v] of Object.entries(c.want)) assert.strictEqual(got[k as keyof Credential], v, k);
        assert.ok(got.source.length > 0);
      }
      if (c.asked) assert.deepStrictEqual(asked, c.asked);
    });
  }
  it('GITHUB_TOKEN only for ghcr.io, after the injected provider', async () => {
    const chain = chainCredentialProviders(staticCredentials({ 'ghcr.io': { username: 'me', password: 'secret-from-vscode' } }), githubTokenCredentials({ GITHUB_TOKEN: 'ght' }));
    assert.strictEqual((await chain.get('ghcr.io'))?.password, 'secret-from-vscode');
    assert.strictEqual((await githubTokenCredentials({ GITHUB_TOKEN: 'ght' }).get('ghcr.io'))?.password, 'ght');
    assert.strictEqual(await githubTokenCredentials({ GITHUB_TOKEN: 'ght' }).get('docker.io'), undefined);
  });
});

describe('RegistryClient auth (undici MockAgent)', () => {
  type Seen = { origin: string; path: string; authorization?: string };
  function setup(opts: { challenge: string; registry?: string; credential?: Omit<Credential, 'source'> }) {
    const registry = opts.registry ?? 'https://r.example';
    const host = new URL(registry).host;
    const mock = new MockAgent();
    mock.disableNetConnect();
    const seen: Seen[] = [];
    const record = (origin: string) => (o: { path: string; headers?: unknown }) => {
      const h = o.headers as Record<string, string> | undefined;
      seen.push({ origin, path: o.path, authorization: h?.authorization });
    };
    let authorized = false;
    mock
      .get(registry)
      .intercept({ path: /\/v2\/.*/, method: 'HEAD' })
      .reply((o) => {
        record(registry)(o);
        const h = o.headers as Record<string, string> | undefined;
        authorized = Boolean(h?.authorization);
        return authorized
          ? { statusCode: 200, data: '', responseOptions: { headers: { 'docker-content-digest': 'sha256:' + 'a'.repeat(64), 'content-type': 'application/vnd.oci.image.manifest.v1+json' } } }
          : { statusCode: 401, data: '', responseOptions: { headers: { 'www-authenticate': opts.challenge } } };
      })
      .persist();
    for (const realmOrigin of ['https://auth.example', 'http://127.0.0.1:9', 'https://10.0.0.1', 'http://auth.example']) {
      mock
        .get(realmOrigin)
        .intercept({ path: /.*/, method: /GET|POST/ })
        .reply((o) => {
          record(realmOrigin)(o);
          return { statusCode: 200, data: JSON.stringify({ access_token: 'tok-1', expires_in: 300 }) };
        })
        .persist();
    }
    const client = new RegistryClient({ dispatcher: mock, credentials: opts.credential ? staticCredentials({ [host]: opts.credential }) : undefined, retries: 0 });
    return { client, seen, host };
  }

  const cases: { name: string; challenge: string; registry?: string; credential?: Omit<Credential, 'source'>; code?: string; tokenPath?: RegExp; tokenAuth?: RegExp; finalAuth?: RegExp }[] = [
    { name: 'Docker Hub style (no scope): asks for a pull scope of the repository', challenge: 'Bearer realm="https://auth.example/token",service="registry.docker.io"', tokenPath: /^\/token\?service=registry\.docker\.io&scope=repository%3Aa%2Fb%3Apull$/, finalAuth: /^Bearer tok-1$/ },
    { name: 'a push scope in the challenge is not asked for', challenge: 'Bearer realm="https://auth.example/token",service="s",scope="repository:a/b:pull,push"', tokenPath: /scope=repository%3Aa%2Fb%3Apull$/ },
    { name: 'Bearer with credentials sends Basic to the realm only', challenge: 'Bearer realm="https://auth.example/token",service="s"', credential: { username: 'u', password: 'pw' }, tokenAuth: /^Basic /, finalAuth: /^Bearer tok-1$/ },
    { name: 'Bearer and Basic in one header: Bearer wins', challenge: 'Bearer realm="https://auth.example/token",service="s", Basic realm="s"', finalAuth: /^Bearer / },
    { name: 'Basic with credentials', challenge: 'Basic realm="x"', credential: { username: 'u', password: 'pw' }, finalAuth: new RegExp(`^Basic ${b64('u:pw')}$`) },
    { name: 'Basic without credentials', challenge: 'Basic realm="x"', code: 'unauthorized' },
    { name: 'identity token: POST to the realm', challenge: 'Bearer realm="https://auth.example/token",service="s"', credential: { identityToken: 'idt' }, tokenPath: /^\/token$/, finalAuth: /^Bearer tok-1$/ },
    { name: 'plain-HTTP realm for a TLS registry is refused', challenge: 'Bearer realm="http://auth.example/token",service="s"', code: 'insecure-realm' },
    { name: 'loopback realm for a public registry is refused', challenge: 'Bearer realm="http://127.0.0.1:9/token",service="s"', code: 'insecure-realm' },
    { name: 'private-address realm for a public registry is refused', challenge: 'Bearer realm="https://10.0.0.1/token",service="s"', code: 'insecure-realm' },
    { name: 'loopback realm for a loopback registry is fine', registry: 'http://127.0.0.1:9', challenge: 'Bearer realm="http://127.0.0.1:9/token",service="s"', finalAuth: /^Bearer / },
    { name: 'a 401 without a challenge', challenge: 'Negotiate', code: 'unauthorized' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { client, seen, host } = setup(c);
      const r = await client.headManifest({ host, path: 'a/b' }, 'v1');
      if (c.code) {
        assert.ok(!r.ok, 'expected a failure');
        assert.strictEqual(r.error.code, c.code);
        assert.ok(!seen.some((s) => s.origin !== `https://${host}` && s.origin !== `http://${host}`), 'nothing sent to a refused realm');
        return;
      }
      assert.ok(r.ok, !r.ok ? r.error.message : '');
      const token = seen.find((s) => !s.path.startsWith('/v2/'));
      if (c.tokenPath) assert.match(token?.path ?? '', c.tokenPath);
      if (c.tokenAuth) assert.match(token?.authorization ?? '', c.tokenAuth);
      const last = seen.filter((s) => s.path.startsWith('/v2/')).pop();
      if (c.finalAuth) assert.match(last?.authorization ?? '', c.finalAuth);
      // The registry never sees the password itself under Bearer.
      if (/^Bearer/.test(c.challenge) && c.credential?.password) assert.ok(!seen.filter((s) => s.path.startsWith('/v2/')).some((s) => s.authorization?.startsWith('Basic ')));
    });
  }

  it('a read-only client refuses to ask for push', async () => {
    const { client, host } = setup({ challenge: 'Basic realm="x"' });
    await assert.rejects(client.request({ host, path: 'a/b' }, { method: 'HEAD', url: '/v2/a/b/blobs/x', actions: ['pull', 'push'] }), /read-only/);
  });
});
