import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

import { nextLink } from '../../src/core/registry/linkHeader';
import { isLoopbackHost, registryOrigin } from '../../src/core/registry/hosts';
import { parsePlatforms, parseRepository, retryAfterMs } from '../../src/core/registry/registryClient';
import { compareTags, sortTags } from '../../src/core/registry/sortTags';
import { comparePlatforms } from '../../src/core/registry/verifyRepositories';
import { type AuthChallenge, parseWwwAuthenticate } from '../../src/core/registry/wwwAuthenticate';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/registry');

describe('parseWwwAuthenticate (catalogue of real challenges)', () => {
  const cases = JSON.parse(fs.readFileSync(path.join(fixtures, 'challenges.json'), 'utf8')) as { name: string; header: string; challenges: AuthChallenge[] }[];
  for (const c of cases) {
    it(c.name, () => assert.deepStrictEqual(parseWwwAuthenticate(c.header), c.challenges));
  }
  it('reads several header values', () => {
    assert.deepStrictEqual(parseWwwAuthenticate(['Basic realm="a"', 'Bearer realm="https://b/t"']).map((c) => c.scheme), ['basic', 'bearer']);
  });
  it('never throws on random input', () => {
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: 1 + (i % 40) }, () => ' ,="\\aZ9='[Math.floor(Math.random() * 10)]).join('');
      parseWwwAuthenticate(s);
    }
  });
});

describe('nextLink', () => {
  const base = new URL('http://127.0.0.1:5000/v2/app/tags/list?n=10');
  const cases: { name: string; header: string | undefined; want: string | undefined }[] = [
    { name: 'relative next', header: '</v2/app/tags/list?n=10&last=b>; rel="next"', want: 'http://127.0.0.1:5000/v2/app/tags/list?n=10&last=b' },
    { name: 'absolute next', header: '<https://r.example/v2/app/tags/list?last=b>; rel=next', want: 'https://r.example/v2/app/tags/list?last=b' },
    { name: 'next among others', header: '</a>; rel="prev", </b>; rel="next"', want: 'http://127.0.0.1:5000/b' },
    { name: 'several rels', header: '</c>; rel="last next"', want: 'http://127.0.0.1:5000/c' },
    { name: 'no next', header: '</a>; rel="prev"', want: undefined },
    { name: 'no header', header: undefined, want: undefined },
    { name: 'garbage', header: '<<>>;;rel', want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.strictEqual(nextLink(c.header, base)?.href, c.want));
});

describe('sortTags', () => {
  // sortTags parses each tag once (a verify sorts 100,000): the order must stay compareTags'.
  it('gives the order of sorting with compareTags, on 6,000 seeded mixed tags with duplicates', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const suffixes = ['', '-rc.1', '-rc.10', '-alpine', '-beta.2', '+build.5', '-debian-12-r3', ''];
    const tags: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const k = rnd(9);
      if (k === 0) tags.push(['latest', 'main', 'edge'][rnd(3)]);
      else if (k === 1) tags.push(`sha-${(rnd(1 << 30)).toString(16)}`);
      else tags.push(`${rnd(2) ? 'v' : ''}${rnd(12)}.${rnd(12)}${k > 4 ? `.${rnd(30)}` : ''}${suffixes[rnd(suffixes.length)]}`);
    }
    assert.deepStrictEqual(sortTags(tags), [...tags].sort(compareTags));
  });
  const cases: { name: string; tags: string[]; want: string[] }[] = [
    { name: 'numeric, not string, order', tags: ['1.9.0', '1.10.0', '1.2.0'], want: ['1.10.0', '1.9.0', '1.2.0'] },
    { name: 'v prefix and short versions', tags: ['v1.2', 'v1.10', 'v1.2.3'], want: ['v1.10', 'v1.2.3', 'v1.2'] },
    { name: 'pre-release below its release', tags: ['2.0.0-rc.1', '2.0.0', '2.0.0-rc.10', '2.0.0-beta'], want: ['2.0.0', '2.0.0-rc.10', '2.0.0-rc.1', '2.0.0-beta'] },
    { name: 'words after versions', tags: ['latest', '1.0', 'sha-abc1234', 'edge'], want: ['1.0', 'edge', 'latest', 'sha-abc1234'] },
    { name: 'variant suffixes', tags: ['3.9-alpine', '3.10', '3.9'], want: ['3.10', '3.9', '3.9-alpine'] },
    { name: 'spark-operator style', tags: ['v1beta2-1.3.0-3.1.1', 'v1beta2-1.3.8-3.1.1', '2.0.2'], want: ['2.0.2', 'v1beta2-1.3.8-3.1.1', 'v1beta2-1.3.0-3.1.1'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepStrictEqual(sortTags(c.tags), c.want));
  it('is a total order (sorting twice is stable, shuffles agree)', () => {
    const tags = ['1.0', '1.0.0', 'v1.0.0', '1.0.0-rc1', 'latest', '10', '2', 'a', 'B', '1.0-x', '0.0.1+build'];
    const once = sortTags(tags);
    for (let i = 0; i < 50; i++) assert.deepStrictEqual(sortTags(tags.slice().sort(() => Math.random() - 0.5)), once);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const cases: { value: string | undefined; want: number | undefined }[] = [
    { value: '2', want: 2000 },
    { value: ' 0 ', want: 0 },
    { value: 'Wed, 01 Jan 2025 00:00:05 GMT', want: 5000 },
    { value: 'Tue, 31 Dec 2024 00:00:05 GMT', want: 0 },
    { value: 'soon', want: undefined },
    { value: undefined, want: undefined },
  ];
  for (const c of cases) it(`${String(c.value)} -> ${String(c.want)}`, () => assert.strictEqual(retryAfterMs(c.value, now), c.want));
});

describe('parseRepository and registryOrigin', () => {
  const cases: { input: string; host?: string; path?: string; code?: string; origin?: string }[] = [
    { input: 'redis', host: 'docker.io', path: 'library/redis', origin: 'https://registry-1.docker.io' },
    { input: 'ghcr.io/kubeflow/spark-operator/controller', host: 'ghcr.io', path: 'kubeflow/spark-operator/controller', origin: 'https://ghcr.io' },
    { input: 'localhost:5000/app', host: 'localhost:5000', path: 'app', origin: 'http://localhost:5000' },
    { input: '127.0.0.1:5000/a/b', host: '127.0.0.1:5000', path: 'a/b', origin: 'http://127.0.0.1:5000' },
    { input: 'registry.internal:5000/app', host: 'registry.internal:5000', path: 'app', origin: 'http://registry.internal:5000' },
    { input: 'registry.k8s.io/pause', host: 'registry.k8s.io', path: 'pause', origin: 'https://registry.k8s.io' },
    { input: 'ghcr.io/a/b:v1', code: 'invalid-repository' },
    { input: 'Upper/Case', code: 'invalid-repository' },
    { input: '', code: 'invalid-repository' },
  ];
  const insecure = new Set(['registry.internal:5000']);
  for (const c of cases) {
    it(JSON.stringify(c.input), () => {
      const r = parseRepository(c.input);
      if (c.code) {
        assert.ok(!r.ok);
        assert.strictEqual(r.error.code, c.code);
        return;
      }
      assert.ok(r.ok);
      assert.deepStrictEqual(r.value, { host: c.host, path: c.path });
      assert.strictEqual(registryOrigin(r.value.host, insecure), c.origin);
    });
  }
  it('knows loopback hosts', () => {
    assert.deepStrictEqual(['localhost', '127.0.0.2:80', '[::1]:5000', '10.0.0.1', 'localhost.example.com'].map(isLoopbackHost), [true, true, true, false, false]);
  });
});

describe('parsePlatforms and comparePlatforms', () => {
  const d = (c: string) => `sha256:${c.repeat(64)}`;
  const index = (entries: [string, string, string?][]) =>
    Buffer.from(JSON.stringify({ manifests: entries.map(([digest, arch, variant]) => ({ digest, mediaType: 'm', platform: { os: 'linux', architecture: arch, ...(variant ? { variant } : {}) } })) }));
  it('names platforms and disambiguates repeats', () => {
    const p = parsePlatforms(Buffer.from(JSON.stringify({ manifests: [{ digest: d('a'), platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }, { digest: d('b') }, { digest: d('c') }] })));
    assert.deepStrictEqual(p.map((x) => x.platform), ['linux/arm/v7', 'unknown', 'unknown#2']);
  });
  it('throws a typed error for a non-index', () => {
    assert.throws(() => parsePlatforms(Buffer.from('{}')), { name: 'RegistryError', code: 'bad-response' } as object);
  });
  const cases: { name: string; old: PlatformArg; new: PlatformArg; want: string[] }[] = [
    { name: 'all identical', old: [[d('a'), 'amd64'], [d('b'), 'arm64']], new: [[d('a'), 'amd64'], [d('b'), 'arm64']], want: ['linux/amd64 identical', 'linux/arm64 identical'] },
    { name: 'one differs, one missing, one new', old: [[d('a'), 'amd64'], [d('b'), 'arm64'], [d('c'), 's390x']], new: [[d('a'), 'amd64'], [d('e'), 'arm64'], [d('f'), 'ppc64le']], want: ['linux/amd64 identical', 'linux/arm64 different', 'linux/s390x missing', 'linux/ppc64le only-in-new'] },
    { name: 'single old manifest inside a new index', old: d('a'), new: [[d('a'), 'amd64'], [d('b'), 'arm64']], want: ['linux/amd64 identical', 'linux/arm64 only-in-new'] },
    { name: 'single new manifest not in the old index', old: [[d('a'), 'amd64']], new: d('z'), want: ['linux/amd64 missing', 'single-platform manifest only-in-new'] },
  ];
  type PlatformArg = [string, string, string?][] | string;
  const side = (a: PlatformArg) => (typeof a === 'string' ? a : parsePlatforms(index(a)));
  for (const c of cases) it(c.name, () => assert.deepStrictEqual(comparePlatforms(side(c.old), side(c.new)).map((p) => `${p.platform} ${p.status}`), c.want));
});
