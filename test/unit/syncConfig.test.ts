import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

import { parseSemverRange, satisfiesRange } from '../../src/core/sync/semverRange';
import { parseShard, parseSyncConfig } from '../../src/core/sync/syncConfig';
import { mergeSyncReports, syncExitCode, type SyncReport, type PairReport, summarizePair } from '../../src/core/sync/syncReport';
import { selectShard, shardOf, tagWanted } from '../../src/core/sync/syncPlan';
import { parseRateLimitHeader } from '../../src/core/sync/rateLimit';

describe('sync config (.registry-sync.yaml)', () => {
  it('reads the least a config must accept (the issue\'s example)', () => {
    const text = `sync:
  - old: ghcr.io/googlecloudplatform/spark-operator
    new: ghcr.io/kubeflow/spark-operator/controller
    tags: { allow: ['^v1beta2-'], deny: ['-rc'], semver: '>=1.1.0' }   # all optional
`;
    const { config, problems } = parseSyncConfig(text, '.registry-sync.yaml');
    assert.deepStrictEqual(problems, []);
    assert.ok(config);
    assert.strictEqual(config.pairs.length, 1);
    const p = config.pairs[0];
    assert.strictEqual(p.key, 'ghcr.io/googlecloudplatform/spark-operator -> ghcr.io/kubeflow/spark-operator/controller');
    assert.strictEqual(p.tags.allow.length, 1);
    assert.strictEqual(p.tags.deny.length, 1);
    assert.strictEqual(p.tags.semver?.text, '>=1.1.0');
    assert.strictEqual(p.referrers, true);
    assert.strictEqual(p.line, 2);
  });

  it('reads defaults: concurrency, hosts, rate limit, default tag filter; bare names are Docker Hub', () => {
    const text = `version: 1
defaults:
  concurrency: 4
  pairs: 3
  referrers: false
  tags: { deny: ['-debug$'] }
  hosts:
    index.docker.io: { requestsPerSecond: 5, concurrency: 2 }
  rateLimit: { reserve: 10, maxWaitSeconds: 60 }
sync:
  - old: bitnami/redis
    new: bitnamilegacy/redis
  - old: k8s.gcr.io/pause
    new: registry.k8s.io/pause
    referrers: true
    tags: { semver: '^3' }
`;
    const { config, problems } = parseSyncConfig(text, 'c.yaml');
    assert.deepStrictEqual(problems, []);
    assert.ok(config);
    assert.strictEqual(config.defaults.concurrency, 4);
    assert.strictEqual(config.defaults.pairs, 3);
    assert.deepStrictEqual(config.defaults.hosts['docker.io'], { requestsPerSecond: 5, concurrency: 2 });
    assert.deepStrictEqual(config.defaults.rateLimit, { reserve: 10, maxWaitSeconds: 60 });
    assert.strictEqual(config.pairs[0].key, 'docker.io/bitnami/redis -> docker.io/bitnamilegacy/redis');
    assert.strictEqual(config.pairs[0].referrers, false);
    assert.strictEqual(config.pairs[0].tags.deny.length, 1, 'the default filter applies');
    assert.strictEqual(config.pairs[1].referrers, true);
    assert.ok(config.pairs[1].tags.semver && !config.pairs[1].tags.deny.length, 'a pair filter replaces the default one');
  });

  const bad: { name: string; text: string; want: [number, number, RegExp][] }[] = [
    { name: 'broken YAML', text: 'sync:\n  - old: a/b\n    new: [c\n', want: [[4, 1, /flow sequence|Missing|closing|Unexpected/i]] },
    { name: 'no sync list', text: 'defaults: {}\n', want: [[1, 1, /no `sync:` list/]] },
    { name: 'a typo in a key', text: 'sync:\n  - old: a/b\n    nwe: c/d\n', want: [[2, 5, /no `new` repository/], [3, 5, /unknown key "nwe"/]] },
    { name: 'a bad regex', text: 'sync:\n  - old: a/b\n    new: c/d\n    tags:\n      allow: ["(v1"]\n', want: [[5, 15, /tags.allow.*Unterminated group/]] },
    { name: 'a bad semver range', text: 'sync:\n  - old: a/b\n    new: c/d\n    tags: { semver: ">=one" }\n', want: [[4, 21, /tags.semver.*not a version/]] },
    { name: 'a tag in a repository', text: 'sync:\n  - old: a/b:1.0\n    new: c/d\n', want: [[2, 10, /names an image, not a repository/]] },
    { name: 'the same repository twice', text: 'sync:\n  - old: a/b\n    new: docker.io/a/b\n', want: [[3, 10, /the same repository/]] },
    { name: 'a duplicate pair', text: 'sync:\n  - old: a/b\n    new: c/d\n  - old: docker.io/a/b\n    new: c/d\n', want: [[4, 5, /already listed on line 2/]] },
    { name: 'platforms other than all', text: 'sync:\n  - old: a/b\n    new: c/d\n    platforms: [linux/amd64]\n', want: [[4, 16, /can only be `all`/]] },
    { name: 'a bad number', text: 'defaults:\n  concurrency: 0\nsync:\n  - old: a/b\n    new: c/d\n', want: [[2, 16, /concurrency.*at least 1/]] },
    { name: 'a bad host key', text: 'defaults:\n  hosts:\n    "https://x": { concurrency: 2 }\nsync:\n  - old: a/b\n    new: c/d\n', want: [[3, 5, /not a registry host/]] },
    { name: 'a duplicate key', text: 'sync:\n  - old: a/b\n    old: c/d\n    new: e/f\n', want: [[3, 5, /unique/i]] },
  ];
  for (const c of bad) {
    it(`reports ${c.name} with its line and column, and returns no config`, () => {
      const { config, problems } = parseSyncConfig(c.text, 'c.yaml');
      assert.strictEqual(config, undefined);
      assert.strictEqual(problems.length, c.want.length, JSON.stringify(problems));
      c.want.forEach(([line, column, re], i) => {
        assert.deepStrictEqual([problems[i].line, problems[i].column], [line, column], problems[i].message);
        assert.match(problems[i].message, re);
        assert.strictEqual(problems[i].path, 'c.yaml');
      });
    });
  }
});

describe('semver ranges for tag filters', () => {
  const cases: [string, string, boolean][] = [
    ['>=1.1.0', '1.1.0', true],
    ['>=1.1.0', 'v1.2', true],
    ['>=1.1.0', '1.0.9', false],
    ['>=1.1.0', '1.2.0-rc.1', false],
    ['>=1.2.0-rc.0', '1.2.0-rc.1', true],
    ['>=1.2.0-rc.0', '1.3.0-rc.1', false],
    ['^1.2.3', '1.9.0', true],
    ['^1.2.3', '2.0.0', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['~1.2', '1.2.9', true],
    ['~1.2', '1.3.0', false],
    ['1.x', '1.7.2', true],
    ['1.2.*', '1.3.0', false],
    ['>=1.2 <1.5', '1.4.99', true],
    ['>=1.2 <1.5', '1.5.0', false],
    ['>= 1.2', '1.2.0', true],
    ['1.2.3 - 1.4', '1.4.7', true],
    ['1.2.3 - 1.4', '1.5.0', false],
    ['<1 || >=3', '0.9.0', true],
    ['<1 || >=3', '2.0.0', false],
    ['>1.2', '1.2.5', false],
    ['>1.2', '1.3.0', true],
    ['<=1.2', '1.2.9', true],
    ['*', '4.0.0', true],
    ['>=1.0.0', 'latest', false],
    ['>=1.0.0', 'v1beta2-1.3.8-3.1.1', false],
    ['>=1.0.0', '1.0.0+build.5', true],
  ];
  for (const [range, tag, want] of cases) {
    it(`${tag} ${want ? 'is' : 'is not'} in ${range}`, () => {
      const r = parseSemverRange(range);
      assert.ok(typeof r !== 'string', String(r));
      assert.strictEqual(satisfiesRange(tag, r), want);
    });
  }
  for (const bad of ['', '>=', '1.2.3.4', 'abc', '>=1 ||']) it(`rejects "${bad}"`, () => assert.strictEqual(typeof parseSemverRange(bad), 'string'));

  it('allow, deny and semver combine', () => {
    const semver = parseSemverRange('>=1.1.0');
    assert.ok(typeof semver !== 'string');
    const f = { allow: [/^v/], deny: [/-rc/], semver: { text: '>=1.1.0', range: semver } };
    assert.deepStrictEqual(['v1.0.0', 'v1.1.0', 'v1.2.0-rc1', '1.3.0', 'v2.0.0'].filter((t) => tagWanted(t, f)), ['v1.1.0', 'v2.0.0']);
  });
});

describe('shards and merged reports', () => {
  const pairs = Array.from({ length: 40 }, (_, i) => ({ key: `r.example/old/app${i} -> r.example/new/app${i}` }));

  it('parses i/n (1-based) and refuses the rest', () => {
    assert.deepStrictEqual(parseShard('2/3'), { index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '1/3/4']) assert.strictEqual(typeof parseShard(bad), 'string', bad);
  });

  it('the shards of any n are disjoint and their union is the whole; adding a pair moves no other', () => {
    for (const n of [1, 2, 3, 7]) {
      const parts = Array.from({ length: n }, (_, i) => selectShard(pairs, { index: i + 1, count: n }).map((p) => p.key));
      const union = parts.flat();
      assert.strictEqual(union.length, pairs.length, `n=${n}: no pair twice`);
      assert.deepStrictEqual(new Set(union), new Set(pairs.map((p) => p.key)), `n=${n}: every pair once`);
    }
    const before = pairs.map((p) => shardOf(p, 5));
    const more = [...pairs, { key: 'x -> y' }];
    assert.deepStrictEqual(more.slice(0, pairs.length).map((p) => shardOf(p, 5)), before);
  });

  const pair = (key: string, statuses: ('identical' | 'missing' | 'error')[]): PairReport => {
    const results = statuses.map((status, i) => ({ tag: `t${i}`, status, old: 'sha256:a', new: status === 'identical' ? 'sha256:a' : null }));
    return { key, old: key.split(' -> ')[0], new: key.split(' -> ')[1], results, summary: summarizePair(results, 0, 0), warnings: [], seconds: 1 };
  };
  const report = (index: number, ps: PairReport[]): SyncReport => ({
    schema: 1, mode: 'check', config: { path: 'c.yaml', fingerprint: 'f1', pairs: 3 }, shard: { index, count: 2 }, pairs: ps,
    totals: { ...summarizePair([], 0, 0), pairs: ps.length }, rate: [{ host: 'h', requests: 5, counted: 1, pauses: 0, pausedMs: 0, refused: 0 }], seconds: index,
  });

  it('merges shards: totals add up, exit code from the whole', () => {
    const m = mergeSyncReports([{ name: 'a.json', report: report(1, [pair('a -> b', ['identical', 'identical'])]) }, { name: 'b.json', report: report(2, [pair('c -> d', ['identical']), pair('e -> f', ['missing'])]) }]);
    assert.deepStrictEqual(m.problems, []);
    assert.ok(m.report);
    assert.strictEqual(m.report.totals.pairs, 3);
    assert.strictEqual(m.report.totals.total, 4);
    assert.strictEqual(m.report.totals.missing, 1);
    assert.strictEqual(m.report.rate[0].requests, 10);
    assert.strictEqual(syncExitCode(m.report), 1);
  });

  it('a missing shard makes the merge "could not check" (3); another config or a repeated shard is refused', () => {
    const m = mergeSyncReports([{ name: 'a.json', report: report(1, [pair('a -> b', ['identical'])]) }]);
    assert.deepStrictEqual(m.report?.missingShards, [2]);
    assert.strictEqual(syncExitCode(m.report!), 3);
    const other = { ...report(2, []), config: { path: 'c.yaml', fingerprint: 'f2', pairs: 3 } };
    assert.match(mergeSyncReports([{ name: 'a.json', report: report(1, []) }, { name: 'b.json', report: other }]).problems.join(), /another config/);
    assert.match(mergeSyncReports([{ name: 'a.json', report: report(1, []) }, { name: 'b.json', report: report(1, []) }]).problems.join(), /shard 1\/2 is also a.json/);
    assert.match(mergeSyncReports([{ name: 'x.json', report: {} as SyncReport }]).problems.join(), /not a registry-migrator sync report/);
  });

  it('exit codes: drift wins over trouble; trouble alone is 3; all identical is 0', () => {
    assert.strictEqual(syncExitCode({ ...report(1, [pair('a -> b', ['identical'])]), shard: undefined }), 0);
    assert.strictEqual(syncExitCode({ ...report(1, [pair('a -> b', ['identical', 'error'])]), shard: undefined }), 3);
    assert.strictEqual(syncExitCode({ ...report(1, [pair('a -> b', ['missing', 'error'])]), shard: undefined }), 1);
    assert.strictEqual(syncExitCode({ ...report(1, [pair('a -> b', [])]), shard: undefined }), 1, 'a pair whose filter chose nothing');
  });

  it('reads Docker Hub rate-limit headers', () => {
    assert.deepStrictEqual(parseRateLimitHeader('100;w=21600'), { n: 100, windowMs: 21600000 });
    assert.deepStrictEqual(parseRateLimitHeader(['76;w=21600']), { n: 76, windowMs: 21600000 });
    assert.deepStrictEqual(parseRateLimitHeader('5'), { n: 5, windowMs: undefined });
    assert.strictEqual(parseRateLimitHeader('abc'), undefined);
  });
});

describe('the shipped example config', () => {
  it('examples/workflows/.registry-sync.yaml is valid', () => {
    const file = path.resolve(__dirname, '../../../examples/workflows/.registry-sync.yaml');
    const { config, problems } = parseSyncConfig(fs.readFileSync(file, 'utf8'), file);
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(config?.pairs.length, 3);
    assert.deepStrictEqual(config?.defaults.hosts['docker.io'], { requestsPerSecond: 5, concurrency: 4 });
  });
});
