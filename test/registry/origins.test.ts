import * as assert from 'assert';

import { staticCredentials } from '../../src/core/registry/credentials';
import { pushBlob } from '../../src/core/registry/pushImage';
import { RegistryClient } from '../../src/core/registry/registryClient';
import { type ScriptedServer, answer, startScriptedServer } from '../support/scriptedServer';
import { TestAgent } from '../support/testAgent';

const PASSWORD = 'origin-secret-pw';
const BASIC = 'Basic ' + Buffer.from(`tester:${PASSWORD}`).toString('base64');

/**
 * Same origin means scheme, host AND port. A registry on 127.0.0.1:A may not page us to
 * 127.0.0.1:B or to https://127.0.0.1:A, and its credentials never go to a URL on another
 * origin, not even one the registry itself handed out (an upload Location).
 */
describe('origins: Link paging and Authorization stay on the registry\'s own origin', function () {
  let registry: ScriptedServer;
  let samePortless: ScriptedServer; // 127.0.0.1, another port
  let otherHost: ScriptedServer; // 127.0.0.2
  let nextLink = '';
  const agent = new TestAgent();

  before(async function () {
    samePortless = await startScriptedServer((_req, res) => answer(res, 200, { name: 'app', tags: ['stolen'] }, { 'content-type': 'application/json' }));
    otherHost = await startScriptedServer((req, res) => answer(res, req.method === 'PUT' ? 201 : 404, ''), '127.0.0.2');
    registry = await startScriptedServer((req, res) => {
      if (req.headers.authorization !== BASIC) return answer(res, 401, '{}', { 'www-authenticate': 'Basic realm="test"' });
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/v2/team/app/tags/list') return answer(res, 200, { name: 'team/app', tags: ['1.0'] }, { 'content-type': 'application/json', link: `<${nextLink}>; rel="next"` });
      if (req.method === 'HEAD' && url.pathname.startsWith('/v2/team/app/blobs/')) return answer(res, 404, '');
      if (req.method === 'POST' && url.pathname === '/v2/team/app/blobs/uploads/') return answer(res, 202, '', { location: `http://${otherHost.host}/upload/1` });
      return answer(res, 404, '');
    });
  });
  after(async function () {
    await agent.close();
    await Promise.all([registry?.close(), samePortless?.close(), otherHost?.close()]);
  });

  const client = (allowPush = false) => new RegistryClient({ dispatcher: agent, allowPush, retries: 0, credentials: staticCredentials({ [registry.host]: { username: 'tester', password: PASSWORD } }) });

  const pagingCases: { name: string; link: () => string }[] = [
    { name: 'same host, another port', link: () => `http://${samePortless.host}/v2/team/app/tags/list?last=1.0` },
    { name: 'same host and port, another scheme', link: () => `https://${registry.host}/v2/team/app/tags/list?last=1.0` },
    { name: 'another host', link: () => `http://${otherHost.host}/v2/team/app/tags/list?last=1.0` },
  ];
  for (const c of pagingCases) {
    it(`a next-page Link to ${c.name} is refused`, async function () {
      nextLink = c.link();
      const before = samePortless.requests.length + otherHost.requests.length;
      const r = await client().listTags({ host: registry.host, path: 'team/app' });
      assert.ok(!r.ok, 'expected a failure');
      assert.strictEqual(r.error.code, 'bad-response', r.error.message);
      assert.match(r.error.message, /the next page link points to another origin/);
      assert.strictEqual(samePortless.requests.length + otherHost.requests.length, before, 'the other origin was never asked');
    });
  }

  it('an upload Location on another host gets the blob but not the Authorization header', async function () {
    const before = otherHost.requests.length;
    const r = await pushBlob(client(true), { host: registry.host, path: 'team/app' }, Buffer.from('blob bytes'));
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    const puts = otherHost.requests.slice(before);
    assert.deepStrictEqual(puts.map((q) => q.method), ['PUT']);
    assert.strictEqual(puts[0].headers.authorization, undefined, 'the credential went to another origin');
    assert.ok(registry.requests.some((q) => q.headers.authorization === BASIC), 'the registry itself got it');
  });
});
