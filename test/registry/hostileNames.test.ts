import * as assert from 'assert';
import * as http from 'http';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { copyRepository } from '../../src/core/registry/copyRepository';
import { OCI_MANIFEST } from '../../src/core/registry/mediaTypes';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import { startMiniRegistry } from '../support/miniRegistry';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import type { ScriptedServer } from '../support/scriptedServer';
import { pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

/** Tag-list entries that must never reach a URL: a query, dot segments into another repository, a fragment, encodings. */
const HOSTILE = [
  'latest?evil=1',
  '../../push-test/manifests/pwned',
  '..',
  'a/b',
  '%2e%2e',
  '%2F..%2Fx',
  'x#frag',
  '.hidden',
  '-dash',
  'sp ace',
  'new\nline',
  'ünï',
  'x'.repeat(129),
  '',
];

/** What the client may send to a registry for `repo`: the grammar, nothing else. */
function allowedPath(repoPath: string): RegExp {
  const name = repoPath.replace(/[/.]/g, (c) => `\\${c}`);
  const ref = '(?:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|sha256:[a-f0-9]{64})';
  return new RegExp(`^/v2/(?:${name}/(?:manifests/${ref}|blobs/sha256:[a-f0-9]{64}|blobs/uploads/(?:[A-Za-z0-9=_-]+)?(?:\\?[^/#]*)?|referrers/sha256:[a-f0-9]{64}|tags/list\\?n=\\d+))?$`);
}

function getJson(url: string): Promise<any> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let t = '';
      res.setEncoding('utf8').on('data', (d: string) => (t += d)).on('end', () => resolve(JSON.parse(t)));
    }).on('error', reject);
  });
}

describe('hostile names from a registry never reach a URL', function () {
  this.timeout(30000);
  let dst: RunningRegistry;
  let mini: ScriptedServer;
  let evil: ScriptedServer;
  const agent = new TestAgent();
  const good = singleImage('oci', 'hostile-good');
  const theirLatest = singleImage('oci', 'hostile-destination-latest');
  const dstRepo = () => ({ host: dst.host, path: 'dst/app' });

  before(async function () {
    dst = await startRegistry();
    const pusher = new RegistryClient({ dispatcher: agent, allowPush: true });
    await pushTestImage(pusher, dstRepo(), 'latest', theirLatest);
    mini = await startMiniRegistry({ repository: 'src/app', tags: { good }, extraTags: HOSTILE });
    // A second source whose manifests and referrers name hostile digests.
    const layerless = singleImage('oci', 'hostile-bad-layer');
    const badLayer = JSON.parse(layerless.bytes.toString('utf8'));
    badLayer.layers[0].digest = 'sha256:../../../dst/other/blobs/x';
    const badSubjectRef = JSON.parse(layerless.bytes.toString('utf8'));
    badSubjectRef.config.digest = 'sha256:' + 'A'.repeat(64);
    evil = await startMiniRegistry({
      repository: 'src/evil',
      tags: { good },
      rawManifests: {
        'bad-layer': { mediaType: OCI_MANIFEST, bytes: Buffer.from(JSON.stringify(badLayer)) },
        'bad-config': { mediaType: OCI_MANIFEST, bytes: Buffer.from(JSON.stringify(badSubjectRef)) },
      },
      referrers: { [good.digest]: [{ mediaType: OCI_MANIFEST, digest: 'sha256:../../x', size: 1 }, { mediaType: OCI_MANIFEST, digest: 'latest?evil=1', size: 1 }] },
    });
  });
  after(async function () {
    await agent.close();
    await Promise.all([mini?.close(), evil?.close()]);
    await dst?.stop();
  });

  it('listTags skips every hostile entry with a warning that names the registry, and keeps the rest', async function () {
    const warnings: string[] = [];
    const client = new RegistryClient({ dispatcher: agent, onWarning: (m) => warnings.push(m) });
    const r = await client.listTags({ host: mini.host, path: 'src/app' });
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.deepStrictEqual(r.value, ['good']);
    assert.strictEqual(warnings.length, HOSTILE.length, warnings.join('\n'));
    for (const w of warnings) assert.match(w, new RegExp(`^${mini.host.replace(/\./g, '\\.')} listed .* not a valid tag name and was skipped$`));
    assert.ok(!warnings.some((w) => w.includes('\n')), 'no raw newline from the registry in a message');
  });

  it('a hostile reference given to the client is refused before any request, naming the registry', async function () {
    const client = new RegistryClient({ dispatcher: agent });
    const before = mini.requests.length;
    for (const ref of HOSTILE) {
      const r = await client.headManifest({ host: mini.host, path: 'src/app' }, ref);
      assert.ok(!r.ok, ref);
      assert.strictEqual(r.error.code, 'invalid-reference', `${JSON.stringify(ref)}: ${r.error.message}`);
      assert.ok(r.error.message.startsWith(mini.host), r.error.message);
    }
    const bad = await client.listTags({ host: mini.host, path: 'src/../app' });
    assert.ok(!bad.ok && bad.error.code === 'invalid-repository', 'a hostile repository name is refused too');
    assert.strictEqual(mini.requests.length, before, 'nothing was sent');
  });

  it('copy (CLI) writes only validated tags, only into the named repository; latest is not replaced; exit 0', async function () {
    let out = '';
    let err = '';
    const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd(), env: { PATH: process.env.PATH, HOME: '/nonexistent' }, isTTY: false, signal: new AbortController().signal };
    const before = mini.requests.length;
    const code = await main(['copy', `${mini.host}/src/app`, `${dst.host}/dst/app`, '--format', 'json'], io);
    assert.strictEqual(code, 0, out + err);
    const j = JSON.parse(out);
    assert.deepStrictEqual(j.results.map((x: { tag: string; action: string }) => [x.tag, x.action]), [['good', 'copied']]);
    assert.strictEqual((err.match(/^warning: .* was skipped$/gm) ?? []).length, HOSTILE.length, err);
    assert.match(err, new RegExp(`warning: ${mini.host.replace(/\./g, '\\.')} listed "latest\\?evil=1"`));
    // The destination: one repository, the valid tag added, its own latest untouched.
    const catalog = await getJson(`${dst.url}/v2/_catalog`);
    assert.deepStrictEqual(catalog.repositories, ['dst/app']);
    const tags = await getJson(`${dst.url}/v2/dst/app/tags/list`);
    assert.deepStrictEqual(tags.tags.sort(), ['good', 'latest']);
    const latest = await new RegistryClient({ dispatcher: agent }).headManifest(dstRepo(), 'latest');
    assert.ok(latest.ok && latest.value.digest === theirLatest.digest, 'latest still the destination\'s own image');
    // What the source saw: only paths in the grammar.
    const re = allowedPath('src/app');
    for (const q of mini.requests.slice(before)) assert.match(q.url, re);
  });

  it('hostile digests in manifests and referrer lists: the tag fails with bad-response, nothing off-path is asked or written', async function () {
    const warnings: string[] = [];
    const source = new RegistryClient({ dispatcher: agent, onWarning: (m) => warnings.push(m) });
    const destination = new RegistryClient({ dispatcher: agent, allowPush: true });
    const to: Repository = { host: dst.host, path: 'dst/evil' };
    const before = evil.requests.length;
    const report = await copyRepository({ source, destination, from: { host: evil.host, path: 'src/evil' }, to });
    const by = new Map(report.results.map((r) => [r.tag, r]));
    assert.strictEqual(by.get('good')?.action, 'copied');
    for (const t of ['bad-layer', 'bad-config']) {
      assert.strictEqual(by.get(t)?.action, 'error', t);
      assert.strictEqual(by.get(t)?.cause?.code, 'bad-response', by.get(t)?.cause?.message);
    }
    assert.strictEqual(report.summary.referrers, 0, 'no hostile referrer was taken');
    for (const q of evil.requests.slice(before)) assert.match(q.url, allowedPath('src/evil'));
    const catalog = await getJson(`${dst.url}/v2/_catalog`);
    assert.deepStrictEqual(catalog.repositories.sort(), ['dst/app', 'dst/evil']);
    const tags = await getJson(`${dst.url}/v2/dst/evil/tags/list`);
    assert.deepStrictEqual(tags.tags, ['good']);
  });
});
