import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';
import { staticCredentials } from '../../src/core/registry/credentials';
import { RegistryClient, type Repository } from '../../src/core/registry/registryClient';
import { dockerConfigDir } from '../support/credentialHelper';
import { startRegistryProxy } from '../support/registryProxy';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { AMD64, ARM64, indexImage, pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

const PASSWORD = 'cli-secret-pw';

async function run(argv: string[], opts: { env?: NodeJS.ProcessEnv; isTTY?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    cwd: process.cwd(),
    env: opts.env ?? { PATH: process.env.PATH, HOME: '/nonexistent' },
    isTTY: opts.isTTY ?? false,
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('CLI tags and verify against real registries', function () {
  let open: RunningRegistry;
  let token: RunningRegistry;
  const agent = new TestAgent();
  let config: { dir: string; cleanup(): void };
  const children = [
    { image: singleImage('oci', 'cli-amd'), platform: AMD64 },
    { image: singleImage('oci', 'cli-arm', { platform: ARM64 }), platform: ARM64 },
  ];

  before(async function () {
    [open, token] = await Promise.all([startRegistry(), startRegistry({ auth: 'token', users: { tester: PASSWORD }, anonymousPull: () => false })]);
    for (const reg of [open, token]) {
      const pusher = new RegistryClient({ dispatcher: agent, allowPush: true, credentials: staticCredentials({ [reg.host]: { username: 'tester', password: PASSWORD } }) });
      const oldR: Repository = { host: reg.host, path: 'cli/old' };
      const newR: Repository = { host: reg.host, path: 'cli/new' };
      for (const t of ['1.9.0', '1.10.0', '2.0.0-rc.1', '2.0.0', 'latest']) {
        await pushTestImage(pusher, oldR, t, singleImage('oci', `cli-${t}`));
        await pushTestImage(pusher, newR, t, singleImage('oci', `cli-${t}`));
      }
      await pushTestImage(pusher, oldR, 'gone', singleImage('docker', 'cli-gone'));
      await pushTestImage(pusher, oldR, 'multi', indexImage('docker', children));
      await pushTestImage(pusher, newR, 'multi', indexImage('oci', children));
    }
    config = dockerConfigDir({ auths: { [token.host]: { auth: Buffer.from(`tester:${PASSWORD}`).toString('base64') } } });
  });
  after(async function () {
    config?.cleanup();
    await agent.close();
    await Promise.all([open?.stop(), token?.stop()]);
  });

  const cases: { name: string; argv: () => string[]; code: number; out?: RegExp; err?: RegExp; json?: (j: any) => void; tty?: boolean; auth?: boolean }[] = [
    { name: 'tags: newest version first', argv: () => ['tags', `${open.host}/cli/old`], code: 0, out: /^2\.0\.0\n2\.0\.0-rc\.1\n1\.10\.0\n1\.9\.0\ngone\nlatest\nmulti\n$/ },
    { name: 'tags --filter --limit --format json', argv: () => ['tags', `${open.host}/cli/old`, '--filter', '^1\\.', '--limit', '1', '--format', 'json'], code: 0, json: (j) => assert.deepStrictEqual(j, { repository: `${open.host}/cli/old`, tags: ['1.10.0'] }) },
    { name: 'tags of an unknown repository: exit 3 (could not list) with the cause', argv: () => ['tags', `${open.host}/cli/none`], code: 3, err: /could not list \(not found\): .*404 NAME_UNKNOWN/ },
    { name: 'verify identical tags: exit 0', argv: () => ['verify', `${open.host}/cli/old`, `${open.host}/cli/new`, '--tags', '^[0-9l]'], code: 0, out: /5 tags: 5 identical, 0 missing/ },
    {
      name: 'verify text: summary and the non-identical tags',
      argv: () => ['verify', `${open.host}/cli/old`, `${open.host}/cli/new`],
      code: 1,
      out: /7 tags: 5 identical, 1 missing, 1 different[\s\S]*missing +gone  old [a-f0-9]{12}  new -\n[\s\S]*different +multi .*every platform identical; only the index differs[\s\S]*\ngate: incomplete: 1 missing, 1 different\n$/,
    },
    {
      name: 'verify --format json: the documented shape',
      argv: () => ['verify', `${open.host}/cli/old`, `${open.host}/cli/new`, '--format', 'json', '--concurrency', '2'],
      code: 1,
      json: (j) => {
        assert.deepStrictEqual(Object.keys(j), ['results', 'summary', 'gate']);
        assert.deepStrictEqual({ ...j.gate, reason: undefined }, { outcome: 'incomplete', exitCode: 1, reason: undefined, kinds: [] });
        const byTag = new Map((j.results as any[]).map((r) => [r.tag, r]));
        for (const r of j.results) for (const k of ['tag', 'status', 'old', 'new', 'platforms']) assert.ok(k in r, k);
        assert.strictEqual(byTag.get('gone').status, 'missing');
        assert.strictEqual(byTag.get('gone').new, null);
        assert.match(byTag.get('gone').old.digest, /^sha256:/);
        assert.strictEqual(byTag.get('multi').status, 'different');
        assert.strictEqual(byTag.get('multi').platformsIdentical, true);
        assert.deepStrictEqual(byTag.get('multi').platforms.map((p: any) => [p.platform, p.status, p.old === p.new]), [['linux/amd64', 'identical', true], ['linux/arm64/v8', 'identical', true]]);
        assert.strictEqual(j.summary.total, 7);
        assert.strictEqual(j.summary.identical, 5);
      },
    },
    { name: 'verify --format markdown: a table', argv: () => ['verify', `${open.host}/cli/old`, `${open.host}/cli/new`, '--format', 'markdown'], code: 1, out: /\| Tag \| Status \| Old digest \| New digest \| Notes \|\n\|---\|[\s\S]*\| `gone` \| missing \|/ },
    { name: 'verify on a terminal: a progress bar on stderr', argv: () => ['verify', `${open.host}/cli/old`, `${open.host}/cli/new`], code: 1, tty: true, err: /\r\[#+\] 7\/7 tags/ },
    { name: 'verify off a terminal: nothing on stderr', argv: () => ['verify', `${open.host}/cli/old`, `${open.host}/cli/new`], code: 1, err: /^$/ },
    { name: 'verify with no matching tags proves nothing: exit 1', argv: () => ['verify', `${open.host}/cli/old`, `${open.host}/cli/new`, '--tags', '^nomatch$'], code: 1, out: /0 tags[\s\S]*gate: incomplete: no tag was compared/ },
    { name: 'verify of an unknown old repository: exit 3, not found', argv: () => ['verify', `${open.host}/cli/none`, `${open.host}/cli/new`], code: 3, out: /could not list the old repository: .*404 NAME_UNKNOWN[\s\S]*gate: could not check \(not found\)/ },
    { name: 'verify on a token registry with docker config credentials', argv: () => ['verify', `${token.host}/cli/old`, `${token.host}/cli/new`, '--tags', '^2\\.'], code: 0, auth: true, out: /2 tags: 2 identical/ },
    { name: 'verify on a token registry without credentials: exit 3 (auth), no secret', argv: () => ['verify', `${token.host}/cli/old`, `${token.host}/cli/new`], code: 3, out: /could not list the old repository: .*anonymous[\s\S]*gate: could not check \(auth\)/ },
    { name: 'usage: one repository', argv: () => ['verify', `${open.host}/cli/old`], code: 2, err: /give the old and the new repository/ },
    { name: 'usage: unknown format', argv: () => ['verify', 'a/b', 'c/d', '--format', 'xml'], code: 2, err: /--format must be one of text, json, markdown/ },
    { name: 'usage: a regex that does not compile', argv: () => ['verify', 'a/b', 'c/d', '--tags', '('], code: 2, err: /--tags/ },
    { name: 'usage: a tag instead of a repository', argv: () => ['verify', 'a/b:1', 'c/d'], code: 2, err: /leave out the tag/ },
    { name: 'usage: --concurrency 0', argv: () => ['verify', 'a/b', 'c/d', '--concurrency', '0'], code: 2, err: /--concurrency/ },
    { name: 'usage: tags without a repository', argv: () => ['tags'], code: 2, err: /exactly one repository/ },
  ];
  for (const c of cases) {
    it(c.name, async function () {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent' };
      if (c.auth) env.DOCKER_CONFIG = config.dir;
      const r = await run(c.argv(), { env, isTTY: c.tty });
      assert.strictEqual(r.code, c.code, `exit ${r.code}\nstdout: ${r.out}\nstderr: ${r.err}`);
      if (c.out) assert.match(r.out, c.out);
      if (c.err) assert.match(r.err, c.err);
      if (c.json) c.json(JSON.parse(r.out));
      assert.ok(!(r.out + r.err).includes(PASSWORD), 'no password in output');
      assert.ok(!(r.out + r.err).includes(Buffer.from(`tester:${PASSWORD}`).toString('base64')), 'no encoded credential in output');
    });
  }

  const proxyCases: { name: string; noProxy?: string; viaProxy: boolean }[] = [
    { name: 'HTTP_PROXY is honoured', viaProxy: true },
    { name: 'NO_PROXY bypasses it', noProxy: '127.0.0.1', viaProxy: false },
  ];
  for (const c of proxyCases) {
    it(c.name, async function () {
      const proxy = await startRegistryProxy(open.host);
      try {
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent', HTTP_PROXY: `http://${proxy.host}` };
        if (c.noProxy) env.NO_PROXY = c.noProxy;
        const r = await run(['tags', `${open.host}/cli/old`, '--format', 'json'], { env });
        assert.strictEqual(r.code, 0, r.err);
        assert.strictEqual(JSON.parse(r.out).tags.length, 7);
        const proxied = proxy.requests.filter((q) => q.url.startsWith(`http://${open.host}/v2/`) || (q.method === 'CONNECT' && q.url === open.host));
        assert.strictEqual(proxied.length > 0, c.viaProxy, JSON.stringify(proxy.requests));
      } finally {
        await proxy.close();
      }
    });
  }

  it('the bundled CLI (dist/cli.js) verifies too', async function () {
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    assert.ok(fs.existsSync(cli), `${cli} is missing: run \`node esbuild.js\` (npm test builds it first)`);
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [cli, 'verify', `${open.host}/cli/old`, `${open.host}/cli/new`, '--format', 'json'], (e, stdout) => resolve({ code: e ? ((e as { code?: number }).code ?? 3) : 0, out: stdout })),
    );
    assert.strictEqual(r.code, 1);
    assert.strictEqual(JSON.parse(r.out).summary.missing, 1);
  });
});
