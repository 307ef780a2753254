import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { getEventListeners } from 'events';

import { type NoticeRow, renderNotice } from '../../src/core/sync/notice';
import { followers } from '../../src/core/registry/abortFanout';
import { RateLimiter } from '../../src/core/sync/rateLimit';

/** Abort listeners on a signal, as Node counts them for its MaxListeners warning. */
const abortListeners = (s: AbortSignal): number => getEventListeners(s, 'abort').length;

const MANIFEST = '/v2/app/manifests/1.0';
const limits = (over: Partial<{ requestsPerSecond: number; concurrency: number }> = {}) => () => ({ requestsPerSecond: 0, concurrency: 16, ...over });
const hub = (remaining: number, w = 1) => ({ status: 200, headers: { 'ratelimit-limit': `10;w=${w}`, 'ratelimit-remaining': `${remaining};w=${w}` } });

describe('RateLimiter (per-host pacing for sync)', () => {
  it('pauses a host for a window when the announced budget would fall to the reserve, and only for counted GETs', async () => {
    const l = new RateLimiter({ limits: limits(), reserve: 1, maxWaitMs: 5000 });
    (await l.beforeSend('h', 'GET', MANIFEST))(hub(3));
    // HEADs are free on Docker Hub: they never wait, and do not spend the budget.
    for (let i = 0; i < 5; i++) (await l.beforeSend('h', 'HEAD', MANIFEST))(hub(3));
    const t0 = Date.now();
    (await l.beforeSend('h', 'GET', MANIFEST))(); // budget 3 -> 2
    (await l.beforeSend('h', 'GET', MANIFEST))(); // 2 -> 1
    assert.ok(Date.now() - t0 < 800, 'no wait (a pause is a 1 s window) while the budget lasts');
    (await l.beforeSend('h', 'GET', MANIFEST))(); // 1 <= reserve: waits a window (1 s)
    const waited = Date.now() - t0;
    assert.ok(waited >= 950, `paused ${waited} ms`);
    const s = l.stats()[0];
    assert.deepStrictEqual([s.requests, s.counted, s.pauses, s.lowestRemaining, s.limit], [9, 4, 1, 3, 10]);
    // Another host is not paused.
    const t1 = Date.now();
    (await l.beforeSend('other', 'GET', MANIFEST))();
    assert.ok(Date.now() - t1 < 800);
  });

  it('a 429 pauses the host for its Retry-After', async () => {
    const l = new RateLimiter({ limits: limits(), reserve: 0, maxWaitMs: 5000 });
    (await l.beforeSend('h', 'GET', MANIFEST))({ status: 429, headers: { 'retry-after': '1' } });
    const t0 = Date.now();
    (await l.beforeSend('h', 'GET', MANIFEST))();
    assert.ok(Date.now() - t0 >= 950);
    assert.strictEqual(l.stats()[0].refused, 1);
  });

  it('a wait longer than maxWait is not taken (the registry answers for itself)', async () => {
    const l = new RateLimiter({ limits: limits(), reserve: 5, maxWaitMs: 100 });
    (await l.beforeSend('h', 'GET', MANIFEST))(hub(5, 3600));
    const t0 = Date.now();
    (await l.beforeSend('h', 'GET', MANIFEST))();
    assert.ok(Date.now() - t0 < 1000, 'not the hour-long window');
  });

  it('per-host concurrency and requests per second', async () => {
    const l = new RateLimiter({ limits: limits({ concurrency: 2 }), reserve: 0, maxWaitMs: 5000 });
    const a = await l.beforeSend('h', 'GET', '/v2/x/blobs/sha256:1');
    await l.beforeSend('h', 'GET', '/v2/x/blobs/sha256:2');
    let third = false;
    const p = l.beforeSend('h', 'GET', '/v2/x/blobs/sha256:3').then((done) => ((third = true), done));
    await new Promise((r) => setTimeout(r, 30));
    assert.strictEqual(third, false, 'the third waits for a slot');
    a();
    (await p)();
    assert.strictEqual(third, true);
    const paced = new RateLimiter({ limits: limits({ requestsPerSecond: 20 }), reserve: 0, maxWaitMs: 5000 });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) (await paced.beforeSend('h', 'HEAD', MANIFEST))();
    assert.ok(Date.now() - t0 >= 190, `5 requests at 20/s took ${Date.now() - t0} ms`);
  });

  it('cancelling stops a pause at once', async () => {
    const l = new RateLimiter({ limits: limits(), reserve: 0, maxWaitMs: 60_000 });
    (await l.beforeSend('h', 'GET', MANIFEST))({ status: 429, headers: { 'retry-after': '30' } });
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(l.beforeSend('h', 'GET', MANIFEST, ac.signal), { name: 'RegistryError', code: 'aborted' });
    assert.ok(Date.now() - t0 < 1000);
  });

  it('many requests waiting on one signal share one abort listener, which is gone once they are through', async () => {
    const l = new RateLimiter({ limits: limits({ requestsPerSecond: 1000 }), reserve: 0, maxWaitMs: 5000 });
    const ac = new AbortController();
    const paused = new RateLimiter({ limits: limits({ concurrency: 64 }), reserve: 0, maxWaitMs: 60_000 });
    (await paused.beforeSend('h', 'GET', MANIFEST))({ status: 429, headers: { 'retry-after': '30' } });
    const waiting = Array.from({ length: 40 }, () => paused.beforeSend('h', 'GET', MANIFEST, ac.signal).then(() => 'went', (e: { code?: string }) => e.code));
    await new Promise((r) => setTimeout(r, 20));
    assert.strictEqual(followers(ac.signal), 40, 'each waiter follows the signal');
    assert.strictEqual(abortListeners(ac.signal), 1, 'through one listener on it');
    ac.abort();
    assert.deepStrictEqual(new Set(await Promise.all(waiting)), new Set(['aborted']));
    // Paced sleeps that end on their own leave nothing on the signal.
    const ac2 = new AbortController();
    await Promise.all(Array.from({ length: 20 }, async () => (await l.beforeSend('h', 'HEAD', MANIFEST, ac2.signal))()));
    assert.strictEqual(followers(ac2.signal), 0);
    assert.strictEqual(abortListeners(ac2.signal), 0);
  });
});

describe('notice: rendering', () => {
  const verify = (total: number) => ({ results: [], summary: { old: 'o', new: 'n', total, identical: total, missing: 0, different: 0, onlyInNew: 0, error: 0 } });
  const row = (tag: string, status: NoticeRow['status'] = 'identical'): NoticeRow => ({ tag, status, digest: `sha256:${'a'.repeat(64)}`, newDigest: status === 'identical' ? `sha256:${'a'.repeat(64)}` : null, platforms: [] });
  const bitnami = { old: { host: 'docker.io', path: 'bitnami/redis' }, new: { host: 'docker.io', path: 'bitnamilegacy/redis' } };

  it('folds a long table, adds Bitnami\'s companion setting, and uses the built-in rule\'s id and date when given', () => {
    const rows = Array.from({ length: 25 }, (_, i) => row(`7.${i}.0`));
    const md = renderNotice({ oldName: 'docker.io/bitnami/redis', newName: 'docker.io/bitnamilegacy/redis', since: '2025-09-29', rows, verify: verify(25), referrers: { total: 0, identical: 0 }, input: { ...bitnami, now: new Date('2026-12-01T00:00:00Z') },
      rule: { id: 'BITNAMI-LEGACY', from: ['docker.io/bitnami'], match: 'prefix', reason: 'frozen', since: '2025-09-29', source: 'https://github.com/bitnami/charts/issues/35164', severity: 'warning', enabled: true, origin: 'builtin' } });
    assert.match(md, /<details><summary>All 25 tags<\/summary>/);
    assert.match(md, /All 25 tags of `docker.io\/bitnami\/redis` are at `docker.io\/bitnamilegacy\/redis` with the \*\*same digest\*\*.*checked 2026-12-01/);
    assert.match(md, /global:\n  security:\n.*\n    allowInsecureImages: true/);
    assert.match(md, /  - id: BITNAMI-LEGACY\n    from: docker.io\/bitnami\/redis\n    to: docker.io\/bitnamilegacy\/redis/);
    assert.match(md, /\[source\]\(https:\/\/github.com\/bitnami\/charts\/issues\/35164\)/);
    const short = renderNotice({ oldName: 'ghcr.io/a/b', newName: 'ghcr.io/c/d', since: '', rows: [row('1'), row('2', 'missing')], verify: verify(2), referrers: { total: 0, identical: 0 }, input: { old: { host: 'ghcr.io', path: 'a/b' }, new: { host: 'ghcr.io', path: 'c/d' } } });
    assert.doesNotMatch(short, /<details>|allowInsecureImages/);
    assert.match(short, /1 of 2 tags .* \*\*1 are not\*\*/);
    assert.match(short, /\| `2` \| `aaaaaaaaaaaa` \| — \| \*\*missing\*\* \|/);
  });

  it('the sed lines it prints rewrite exactly the old name, in every spelling a file uses (run by bash)', function () {
    const md = renderNotice({ oldName: 'docker.io/bitnami/redis', newName: 'docker.io/bitnamilegacy/redis', since: '', rows: [], verify: verify(0), referrers: { total: 0, identical: 0 }, input: bitnami });
    const block = /```sh\n(grep[\s\S]*?)```/.exec(md);
    assert.ok(block, md);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-notice-sed-'));
    try {
      const before = [
        'image: docker.io/bitnami/redis:7.2',
        'FROM bitnami/redis@sha256:abc',
        'image: "bitnami/redis"',
        "- 'bitnami/redis:7'",
        'bitnami/redis',
        'image: bitnami/redis-cluster:7', // another repository
        'image: myorg/bitnami/redis:1', // another repository
        'image: docker.io/bitnami/redis-sentinel', // another repository
      ].join('\n') + '\n';
      fs.writeFileSync(path.join(dir, 'values.yaml'), before);
      execFileSync('bash', ['-c', `set -euo pipefail\n${block[1]}`], { cwd: dir });
      assert.strictEqual(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8'), [
        'image: docker.io/bitnamilegacy/redis:7.2',
        'FROM docker.io/bitnamilegacy/redis@sha256:abc',
        'image: "docker.io/bitnamilegacy/redis"',
        "- 'docker.io/bitnamilegacy/redis:7'",
        'docker.io/bitnamilegacy/redis',
        'image: bitnami/redis-cluster:7',
        'image: myorg/bitnami/redis:1',
        'image: docker.io/bitnami/redis-sentinel',
      ].join('\n') + '\n');
      // An official image: the one-word spelling only with a tag or digest, never in prose.
      const lib = renderNotice({ oldName: 'docker.io/library/nginx', newName: 'ghcr.io/acme/nginx', since: '', rows: [], verify: verify(0), referrers: { total: 0, identical: 0 }, input: { old: { host: 'docker.io', path: 'library/nginx' }, new: { host: 'ghcr.io', path: 'acme/nginx' } } });
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM nginx:1.25\n# nginx serves the app\nFROM docker.io/library/nginx@sha256:abc\nFROM nginx-unprivileged:1\n');
      execFileSync('bash', ['-c', `set -euo pipefail\n${/```sh\n(grep[\s\S]*?)```/.exec(lib)![1]}`], { cwd: dir });
      assert.strictEqual(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), 'FROM ghcr.io/acme/nginx:1.25\n# nginx serves the app\nFROM ghcr.io/acme/nginx@sha256:abc\nFROM nginx-unprivileged:1\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
