import * as assert from 'assert';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { copyRepository } from '../../src/core/registry/copyRepository';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import { sortTags } from '../../src/core/registry/sortTags';
import { verifyRepositories } from '../../src/core/registry/verifyRepositories';
import { type RegistryProxy, startRegistryProxy } from '../support/registryProxy';
import { freePort, type RunningRegistry, startRegistry } from '../support/registryProcess';
import { AMD64, ARM64, indexImage, pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

async function run(argv: string[], tty: Partial<Pick<CliIO, 'isTTY' | 'outIsTTY'>> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd(), env: { PATH: process.env.PATH, HOME: '/nonexistent' }, isTTY: false, signal: new AbortController().signal, ...tty };
  const code = await main(argv, io);
  return { code, out, err };
}

/**
 * The migration gate's semantics: every OLD tag identical at NEW passes; NEW's own new
 * releases are reported, not failed (unless --exact); --tags/--since/--semver narrow what
 * must be there; exit 3 says which of auth/network/rate limit stopped the check.
 */
describe('verify and copy as a CI gate (exit codes 0/1/2/3)', function () {
  this.timeout(30000);
  let reg: RunningRegistry;
  let limited: RegistryProxy;
  const agent = new TestAgent();
  const tags = ['1.0.0', '1.1.0', '2.0.0-rc.1', '2.0.0', 'latest'];
  const img = (t: string) => singleImage('oci', `gate-${t}`);
  const amd = singleImage('oci', 'gate-single-amd64');
  const multi = indexImage('oci', [{ image: amd, platform: AMD64 }, { image: singleImage('oci', 'gate-single-arm64', { platform: ARM64 }), platform: ARM64 }]);
  const r = (path: string): Repository => ({ host: reg.host, path });

  before(async function () {
    reg = await startRegistry();
    const p = new RegistryClient({ dispatcher: agent, allowPush: true });
    for (const t of tags) {
      await pushTestImage(p, r('gate/old'), t, img(t));
      await pushTestImage(p, r('gate/new'), t, img(t));
    }
    await pushTestImage(p, r('gate/new'), '3.0.0', img('3.0.0')); // the new home's own release
    await pushTestImage(p, r('gate/old'), 'single', amd); // single-arch at old…
    await pushTestImage(p, r('gate/new'), 'single', multi); // …multi-arch at new, amd64 the same image
    await pushTestImage(p, r('gate/dst'), '2.0.0', singleImage('oci', 'gate-2.0.0-rebuilt'));
    // 429 with a Retry-After too long to wait for, on one tag's manifest only.
    limited = await startRegistryProxy(reg.host, { fault: (q) => (q.url.endsWith('/manifests/1.1.0') ? { kind: 'status', status: 429, headers: { 'retry-after': '120' }, body: '{"errors":[{"code":"TOOMANYREQUESTS"}]}' } : undefined) });
  });
  after(async function () {
    await agent.close();
    await limited?.close();
    await reg?.stop();
  });

  const cases: { name: string; argv: () => string[]; code: number; out?: RegExp; err?: RegExp }[] = [
    { name: '"only in new" is reported, not failed: exit 0', argv: () => ['verify', `${reg.host}/gate/old`, `${reg.host}/gate/new`, '--tags', '^(\\d|latest)'], code: 0, out: /only-in-new +3\.0\.0[\s\S]*gate: holds: 5 of 5 old tags identical at new \(1 only in new, not required\)\n$/ },
    { name: '--exact asks for equality: exit 1', argv: () => ['verify', `${reg.host}/gate/old`, `${reg.host}/gate/new`, '--tags', '^(\\d|latest)', '--exact'], code: 1, out: /gate: incomplete: 1 only in new \(--exact\)\n$/ },
    { name: '--semver: only semantic versions must be there (latest and single left out)', argv: () => ['verify', `${reg.host}/gate/old`, `${reg.host}/gate/new`, '--semver', '--format', 'json'], code: 0, out: /"total": 5,[\s\S]*"onlyInNew": 1,[\s\S]*"outcome": "holds"/ },
    { name: '--since 2.0.0: 2.0.0 and up (the rc is below it)', argv: () => ['verify', `${reg.host}/gate/old`, `${reg.host}/gate/new`, '--since', '2.0.0'], code: 0, out: /2 tags: 1 identical, 0 missing, 0 different, 1 only in new[\s\S]*gate: holds: 1 of 1 old tags/ },
    { name: '--since above every tag: nothing proven, exit 1', argv: () => ['verify', `${reg.host}/gate/old`, `${reg.host}/gate/new`, '--since', '9.0.0'], code: 1, out: /gate: incomplete: no tag was compared/ },
    { name: '--since that is not a version: usage, exit 2', argv: () => ['verify', `${reg.host}/gate/old`, `${reg.host}/gate/new`, '--since', 'latest'], code: 2, err: /--since must be a version/ },
    { name: '--timeout 0: usage, exit 2', argv: () => ['verify', 'a/b', 'c/d', '--timeout', '0'], code: 2, err: /--timeout must be a positive number/ },
    { name: 'single-arch old vs multi-arch new: different, with the platform breakdown: exit 1', argv: () => ['verify', `${reg.host}/gate/old`, `${reg.host}/gate/new`, '--tags', '^single$'], code: 1, out: /different +single .*linux\/arm64\/v8 only-in-new\n +linux\/arm64\/v8: only-in-new[\s\S]*gate: incomplete: 1 different/ },
    { name: 'a rate-limited tag: exit 3 and says rate limit', argv: () => ['verify', `${limited.host}/gate/old`, `${limited.host}/gate/new`, '--tags', '^1\\.'], code: 3, out: /gate: could not check \(rate limit\): 1 of 2 tags: .*1\.1\.0: 429 \(Retry-After 120\)/ },
    { name: 'rate limit and missing together: the migration is known incomplete: exit 1', argv: () => ['verify', `${limited.host}/gate/new`, `${limited.host}/gate/old`, '--tags', '^(1\\.|3)'], code: 1, out: /gate: incomplete: 1 missing, 1 not checked \(rate limit\)/ },
  ];
  for (const c of cases) {
    it(c.name, async function () {
      const res = await run(c.argv());
      assert.strictEqual(res.code, c.code, `exit ${res.code}\nstdout: ${res.out}\nstderr: ${res.err}`);
      if (c.out) assert.match(res.out, c.out);
      if (c.err) assert.match(res.err, c.err);
    });
  }

  it('a registry that is down: exit 3 and says network', async function () {
    const port = await freePort();
    const res = await run(['verify', `127.0.0.1:${port}/gate/old`, `${reg.host}/gate/new`, '--format', 'json']);
    assert.strictEqual(res.code, 3, res.out + res.err);
    assert.strictEqual(JSON.parse(res.out).gate.kinds[0], 'network');
    assert.match(res.err, /could not check \(network\): listing the old repository failed: .*connection refused/);
  });

  it('verifyRepositories: a single-arch old tag against a multi-arch new index gets a per-platform breakdown', async function () {
    const report = await verifyRepositories(new RegistryClient({ dispatcher: agent }), r('gate/old'), r('gate/new'), { tags: /^single$/ });
    assert.strictEqual(report.results.length, 1);
    const t = report.results[0];
    assert.strictEqual(t.status, 'different');
    assert.deepStrictEqual(t.platforms.map((p) => [p.platform, p.status]), [['linux/amd64', 'identical'], ['linux/arm64/v8', 'only-in-new']]);
    assert.strictEqual(t.platforms[0].old, amd.digest);
    assert.strictEqual(t.platformsIdentical, false);
  });

  it('verifyRepositories keep: problems: the same summary and the same results to onResult, and only the problems kept', async function () {
    const client = new RegistryClient({ dispatcher: agent });
    const streamed: string[] = [];
    const all = await verifyRepositories(client, r('gate/old'), r('gate/new'));
    const lean = await verifyRepositories(client, r('gate/old'), r('gate/new'), { keep: 'problems', onResult: (x, i) => (streamed[i] = `${x.tag} ${x.status}`) });
    assert.deepStrictEqual(lean.summary, all.summary);
    assert.deepStrictEqual(streamed, all.results.map((x) => `${x.tag} ${x.status}`), 'every result still reaches onResult, by index');
    assert.deepStrictEqual(lean.results, all.results.filter((x) => x.status !== 'identical'));
    assert.ok(all.summary.identical >= 5 && lean.results.length === all.results.length - all.summary.identical, `${lean.results.length} kept of ${all.results.length}`);
  });

  it('verify --format json: every result is in the output, and the gate is the text format\'s', async function () {
    const json = await run(['verify', `${limited.host}/gate/new`, `${limited.host}/gate/old`, '--tags', '^(1\\.|3|latest)', '--format', 'json']);
    const text = await run(['verify', `${limited.host}/gate/new`, `${limited.host}/gate/old`, '--tags', '^(1\\.|3|latest)']);
    assert.strictEqual(json.code, 1, json.out + json.err);
    assert.strictEqual(text.code, json.code);
    const report = JSON.parse(json.out) as { results: { tag: string; status: string }[]; summary: { total: number; identical: number }; gate: { reason: string } };
    assert.deepStrictEqual(report.results.map((x) => `${x.tag} ${x.status}`).sort(), ['1.0.0 identical', '1.1.0 error', '3.0.0 missing', 'latest identical']);
    assert.deepStrictEqual([report.summary.total, report.summary.identical], [4, 2]);
    const tags = report.results.map((x) => x.tag);
    assert.deepStrictEqual(tags, sortTags(tags), 'streamed in verify\'s tag order');
    assert.ok(text.out.endsWith(`gate: ${report.gate.reason}\n`), `text: ${text.out.slice(-200)}\njson gate: ${report.gate.reason}`);
  });

  it('verify --format json on a terminal draws no progress bar over the streamed results; with stdout elsewhere it does', async function () {
    const argv = ['verify', `${reg.host}/gate/old`, `${reg.host}/gate/new`, '--format', 'json'];
    const both = await run(argv, { isTTY: true, outIsTTY: true });
    assert.doesNotMatch(both.err, /\r\[/, 'a bar on the terminal the JSON goes to');
    assert.ok(JSON.parse(both.out).results.length > 0);
    const piped = await run(argv, { isTTY: true, outIsTTY: false });
    assert.match(piped.err, /\r\[#*\.*\] \d+\/\d+ tags/, 'the bar on stderr when stdout is a pipe');
    assert.strictEqual(piped.out, both.out);
  });

  it('a digest prints as repo@sha256:…, never repo:sha256:…', async function () {
    const d = 'sha256:' + '0'.repeat(64);
    const res = await new RegistryClient({ dispatcher: agent }).headManifest(r('gate/old'), d);
    assert.ok(!res.ok);
    assert.ok(res.error.message.startsWith(`${reg.host}/gate/old@${d}: 404`), res.error.message);
    const tag = await new RegistryClient({ dispatcher: agent }).headManifest(r('gate/old'), 'nope');
    assert.ok(!tag.ok && tag.error.message.startsWith(`${reg.host}/gate/old:nope: 404`), !tag.ok ? tag.error.message : '');
  });

  it('copyRepository with `force` unset never replaces a tag with another digest', async function () {
    const client = new RegistryClient({ dispatcher: agent, allowPush: true });
    const report = await copyRepository({ source: client, destination: client, from: r('gate/old'), to: r('gate/dst') }, { tags: /^2\.0\.0$/ });
    assert.deepStrictEqual(report.results.map((x) => [x.tag, x.action]), [['2.0.0', 'conflict']]);
    const after = await client.headManifest(r('gate/dst'), '2.0.0');
    assert.ok(after.ok);
    assert.strictEqual(after.value.digest, singleImage('oci', 'gate-2.0.0-rebuilt').digest, 'the destination\'s own 2.0.0 is still there');
  });
});
