import * as assert from 'assert';

import { analyzeText } from '../../src/core/analyze';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { VerificationStore, copyCommandFor, verifyFindings, verifyTargets } from '../../src/core/verify/index';
import { freePort, type RunningRegistry, startRegistry } from '../support/registryProcess';
import { AMD64, ARM64, indexImage, pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

/**
 * The core of `scan --verify`: real findings from real text, resolved against a real
 * registry holding an old and a new repository with one tag of each kind.
 */
describe('verifyFindings against a real registry', function () {
  let reg: RunningRegistry;
  const agent = new TestAgent();
  let deadPort: number;
  const children = [
    { image: singleImage('oci', 'vf-amd'), platform: AMD64 },
    { image: singleImage('oci', 'vf-arm', { platform: ARM64 }), platform: ARM64 },
  ];
  let pinned = '';

  before(async function () {
    reg = await startRegistry();
    deadPort = await freePort();
    const pusher = new RegistryClient({ dispatcher: agent, allowPush: true });
    const oldR: Repository = { host: reg.host, path: 'old/app' };
    const newR: Repository = { host: reg.host, path: 'new/app' };
    await pushTestImage(pusher, oldR, '1.0', singleImage('oci', 'vf-1.0'));
    await pushTestImage(pusher, newR, '1.0', singleImage('oci', 'vf-1.0'));
    await pushTestImage(pusher, oldR, '2.0', singleImage('oci', 'vf-2.0'));
    await pushTestImage(pusher, oldR, '3.0', singleImage('oci', 'vf-3.0-old'));
    await pushTestImage(pusher, newR, '3.0', singleImage('oci', 'vf-3.0-new'));
    // The same platforms, re-pushed as an OCI index instead of a Docker list: index bytes differ.
    await pushTestImage(pusher, oldR, 'multi', indexImage('docker', children));
    await pushTestImage(pusher, newR, 'multi', indexImage('oci', children));
    // One platform rebuilt at the new home.
    await pushTestImage(pusher, oldR, 'multi-diff', indexImage('oci', children, { indent: 1 }));
    await pushTestImage(pusher, newR, 'multi-diff', indexImage('oci', [children[0], { image: singleImage('oci', 'vf-md-rebuilt', { platform: ARM64 }), platform: ARM64 }]));
    pinned = await pushTestImage(pusher, oldR, 'pinned', singleImage('oci', 'vf-pinned'));
  });
  after(async function () {
    await agent.close();
    await reg?.stop();
  });

  function findings(extra = '') {
    const { ruleSet, problems } = loadRuleSet({
      rulesFile: {
        path: 'rules.yaml',
        text: `rules:\n  - id: APP\n    from: ${reg.host}/old/app\n    to: ${reg.host}/new/app\n    match: exact\n  - id: DEAD\n    from: 127.0.0.1:${deadPort}/old/app\n    to: 127.0.0.1:${deadPort}/new/app\n    match: exact\n`,
      },
    });
    assert.deepStrictEqual(problems, []);
    const text = [
      `FROM ${reg.host}/old/app:1.0`,
      `FROM ${reg.host}/old/app:2.0`,
      `FROM ${reg.host}/old/app:3.0`,
      `FROM ${reg.host}/old/app:multi`,
      `FROM ${reg.host}/old/app:multi-diff`,
      `FROM ${reg.host}/old/app:9.9`,
      `FROM ${reg.host}/old/app@${pinned}`,
      `FROM 127.0.0.1:${deadPort}/old/app:1.0`,
      `FROM ${reg.host}/old/app:1.0`,
      extra,
    ].join('\n');
    return analyzeText(text, 'Dockerfile', ruleSet).findings;
  }

  it('classifies each finding, resolving each distinct reference once', async function () {
    const seen: string[] = [];
    const client = new RegistryClient({ dispatcher: agent, retries: 0, timeoutMs: 3000 });
    const counting = (repo: Repository) => {
      seen.push(`${repo.host}/${repo.path}`);
      return client;
    };
    const fs = findings();
    assert.strictEqual(fs.length, 9);
    const store = new VerificationStore();
    const batches: number[] = [];
    store.onDidChange((c) => batches.push(c.length));
    const result = await verifyFindings(fs, { clientFor: counting, store, concurrency: 4 });
    const states = fs.map((f) => {
      const v = result.get(f)!;
      return v.checked ? v.verification.state : `unchecked: ${v.reason}`;
    });
    assert.deepStrictEqual(states, ['identical', 'missing-at-new', 'different', 'identical', 'different', 'old-missing', 'missing-at-new', 'unreachable', 'identical']);
    const byState = (i: number) => {
      const v = result.get(fs[i])!;
      assert.ok(v.checked);
      return v.verification;
    };
    assert.match(byState(0).detail, /new\/app:1\.0: same digest as .*old\/app:1\.0, sha256:[0-9a-f]{8}…/);
    assert.strictEqual(byState(0).oldDigest, byState(0).newDigest);
    assert.match(byState(0).oldDigest!, /^sha256:[0-9a-f]{64}$/);
    assert.strictEqual(byState(1).newDigest, null);
    assert.notStrictEqual(byState(2).oldDigest, byState(2).newDigest);
    assert.match(byState(3).detail, /every platform .* same digest \(linux\/amd64, linux\/arm64\/v8\); only the index differs/);
    assert.notStrictEqual(byState(3).oldDigest, byState(3).newDigest);
    assert.deepStrictEqual(byState(4).platforms!.map((p) => `${p.platform} ${p.status}`), ['linux/amd64 identical', 'linux/arm64/v8 different']);
    assert.match(byState(4).detail, /linux\/arm64\/v8 different/);
    assert.match(byState(5).detail, /old\/app:9\.9 does not exist, and neither does .*new\/app:9\.9/);
    assert.match(byState(6).detail, new RegExp(`new/app@${pinned} does not exist`));
    assert.ok(byState(7).cause, 'unreachable carries the error code');
    // Two equal references (lines 1 and 9) are one pair, asked once: 8 distinct pairs, 16 HEADs
    // at most, and the index platforms of `multi` and `multi-diff` (4 GETs).
    assert.strictEqual(store.size, 8);
    assert.ok(seen.length <= 8 * 2 + 4, `${seen.length} lookups`);
    assert.strictEqual(batches.length, 8, 'one change event per pair');
  });

  it('a second run answers from the store without asking the registry, except unreachable ones', async function () {
    const client = new RegistryClient({ dispatcher: agent, retries: 0, timeoutMs: 3000 });
    const store = new VerificationStore();
    await verifyFindings(findings(), { clientFor: () => client, store });
    const asked: string[] = [];
    await verifyFindings(findings(), {
      clientFor: (repo) => {
        asked.push(`${repo.host}/${repo.path}`);
        return client;
      },
      store,
    });
    assert.deepStrictEqual([...new Set(asked)].sort(), [`127.0.0.1:${deadPort}/new/app`, `127.0.0.1:${deadPort}/old/app`].sort());
  });

  it('copy commands: for missing and different tags only', async function () {
    const client = new RegistryClient({ dispatcher: agent, retries: 0, timeoutMs: 3000 });
    const fs = findings();
    const result = await verifyFindings(fs, { clientFor: () => client });
    const cmds = fs.map((f) => {
      const v = result.get(f)!;
      return v.checked ? copyCommandFor(v.target, v.verification) ?? null : null;
    });
    assert.strictEqual(cmds[0], null);
    assert.strictEqual(cmds[1], `registry-migrator copy ${reg.host}/old/app ${reg.host}/new/app --tags '^2\\.0$'`);
    assert.strictEqual(cmds[2], `registry-migrator copy ${reg.host}/old/app ${reg.host}/new/app --tags '^3\\.0$' --force`);
    assert.strictEqual(cmds[6], null, 'a digest-only pin has no tag to copy');
  });

  it('the Tag Explorer writes its answers into the same store', async function () {
    const store = new VerificationStore();
    const changes: string[] = [];
    store.onDidChange((c) => changes.push(...c.map((x) => x.key)));
    const v = store.recordTagParity(`${reg.host}/old/app`, `${reg.host}/new/app`, { tag: '2.0', status: 'missing', old: { digest: 'sha256:' + 'a'.repeat(64), mediaType: 'x' }, new: null, platforms: [] });
    assert.strictEqual(v?.state, 'missing-at-new');
    assert.deepStrictEqual(changes, [`${reg.host}/old/app:2.0 -> ${reg.host}/new/app:2.0`]);
    const client = new RegistryClient({ dispatcher: agent, retries: 0 });
    const asked: string[] = [];
    const out = await verifyTargets([{ old: { repository: `${reg.host}/old/app`, reference: '2.0' }, new: { repository: `${reg.host}/new/app`, reference: '2.0' } }], {
      clientFor: (r) => (asked.push(r.path), client),
      store,
    });
    assert.strictEqual([...out.values()][0].state, 'missing-at-new');
    assert.deepStrictEqual(asked, [], 'answered from the Tag Explorer result');
    store.invalidate(`${reg.host}/new/app`);
    assert.strictEqual(store.size, 0);
  });
});
