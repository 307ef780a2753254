import * as assert from 'assert';

import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import { sortTags } from '../../src/core/registry/sortTags';
import { type RegistryProxy, startRegistryProxy } from '../support/registryProxy';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

/** distribution 2.8.2 never pages tags, so these go through a loopback proxy that does. */
describe('tag paging through Link', function () {
  let registry: RunningRegistry;
  const proxies: Record<string, RegistryProxy> = {};
  const agent = new TestAgent();
  const tags = Array.from({ length: 25 }, (_, i) => `1.${i}.0`);

  before(async function () {
    registry = await startRegistry();
    const pusher = new RegistryClient({ dispatcher: agent, allowPush: true });
    const image = singleImage('oci', 'paging');
    for (const t of tags) await pushTestImage(pusher, { host: registry.host, path: 'paging/app' }, t, image);
    for (const mode of ['correct', 'forever', 'offOrigin'] as const) proxies[mode] = await startRegistryProxy(registry.host, { paging: { size: 10, mode } });
  });
  after(async function () {
    await agent.close();
    for (const p of Object.values(proxies)) await p.close();
    await registry?.stop();
  });

  const cases: { name: string; mode: string; maxPages?: number; pages?: number[]; code?: string; maxRequests?: number }[] = [
    { name: 'follows Link across three pages', mode: 'correct', pages: [10, 10, 5], maxRequests: 3 },
    { name: 'stops on a registry that sends Link forever', mode: 'forever', pages: [10, 10, 5], maxRequests: 4 },
    { name: 'refuses a Link to another origin', mode: 'offOrigin', code: 'bad-response' },
    { name: 'gives up after the page cap', mode: 'correct', maxPages: 2, code: 'too-many-pages' },
  ];
  for (const c of cases) {
    it(c.name, async function () {
      const proxy = proxies[c.mode];
      const before = proxy.requests.length;
      const client = new RegistryClient({ dispatcher: agent });
      const repo: Repository = { host: proxy.host, path: 'paging/app' };
      const pages: string[][] = [];
      let error: { code?: string } | undefined;
      try {
        for await (const page of client.tagPages(repo, { pageSize: 100, maxPages: c.maxPages })) pages.push(page);
      } catch (e) {
        error = e as { code?: string };
      }
      if (c.code) {
        assert.strictEqual(error?.code, c.code);
      } else {
        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(pages.map((p) => p.length), c.pages);
        assert.deepStrictEqual(sortTags(pages.flat()), sortTags(tags));
      }
      if (c.maxRequests) assert.ok(proxy.requests.length - before <= c.maxRequests, `${proxy.requests.length - before} requests`);
      assert.ok(proxy.otherRequests.length === 0, 'never followed a link off the origin');
    });
  }

  it('listTags collects every page', async function () {
    const client = new RegistryClient({ dispatcher: agent });
    const r = await client.listTags({ host: proxies.correct.host, path: 'paging/app' }, { pageSize: 7 });
    assert.ok(r.ok);
    assert.strictEqual(r.value.length, 25);
    assert.strictEqual(new Set(r.value).size, 25);
  });
});
