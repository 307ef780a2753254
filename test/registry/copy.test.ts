import * as assert from 'assert';
import { execFile } from 'child_process';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { staticCredentials } from '../../src/core/registry/credentials';
import { DOCKER_CONFIG, DOCKER_LAYER, DOCKER_MANIFEST, OCI_INDEX } from '../../src/core/registry/mediaTypes';
import { RegistryClient, type Repository, sha256Digest } from '../../src/core/registry/registryClient';
import { dockerConfigDir } from '../support/credentialHelper';
import { type RegistryProxy, type SeenRequest, startRegistryProxy } from '../support/registryProxy';
import { type RunningRegistry, startRegistry } from '../support/registryProcess';
import { AMD64, ARM64, type TestImage, multiArchImage, pushTestImage, singleImage } from '../support/testImages';
import { TestAgent } from '../support/testAgent';

const PASSWORD = 'copy-secret-pw';
const CHUNKED_LAYER = 10 * 1024 * 1024; // above the 4 MiB monolithic limit: two PATCH chunks of 8 MiB + 2 MiB

/** A Docker v2 image with one layer of `size` deterministic bytes (for chunked uploads). */
function sizedImage(seed: string, size: number): TestImage {
  const layer = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) layer.writeUInt32LE((Math.imul(i, 2654435761) ^ seed.length) >>> 0, i);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { seed } }, rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] } }));
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: DOCKER_LAYER, digest: sha256Digest(layer), size }],
    }),
  );
  return { mediaType: DOCKER_MANIFEST, bytes, digest: sha256Digest(bytes), blobs: [config, layer], children: [] };
}

/** Every manifest (by digest) and blob of an image, children included. */
function contents(img: TestImage, manifests = new Set<string>(), blobs = new Map<string, number>()): { manifests: Set<string>; blobs: Map<string, number> } {
  manifests.add(img.digest);
  for (const b of img.blobs) blobs.set(sha256Digest(b), b.length);
  for (const c of img.children) contents(c, manifests, blobs);
  return { manifests, blobs };
}

function skopeoDigest(ref: string, creds?: string): Promise<string> {
  // `skopeo inspect --raw … | sha256sum` as a user would, with pipefail so a failure is not the empty string's hash.
  const cmd = `set -o pipefail; skopeo inspect --raw --tls-verify=false ${creds ? `--creds '${creds}' ` : ''}docker://${ref} | sha256sum`;
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', cmd], (e, stdout, stderr) => (e ? reject(new Error(`skopeo failed for ${ref}: ${stderr}`)) : resolve('sha256:' + stdout.split(' ')[0]))),
  );
}

describe('copy: missing tags to the new location, digest for digest (two real registries)', function () {
  this.timeout(60000);
  let open: RunningRegistry; // source; no auth
  let token: RunningRegistry; // destination; token auth, nothing anonymous
  let proxyOpen: RegistryProxy; // in front of `open`: the mount test's request log
  let proxyToken: RegistryProxy; // in front of `token`: dry run and the reset mid-blob
  let config: { dir: string; cleanup(): void };
  const agent = new TestAgent();
  let failing: ((req: SeenRequest) => boolean) | undefined;

  const multiOci = multiArchImage('oci', 'copy-multi-oci', [AMD64, ARM64]);
  const multiDocker = multiArchImage('docker', 'copy-multi-docker', [AMD64, ARM64]);
  const images: Record<string, TestImage> = {
    '1.0.0': singleImage('oci', 'copy-1.0.0'),
    '1.1.0': singleImage('oci', 'copy-1.1.0'),
    '2.0.0': singleImage('docker', 'copy-2.0.0'),
    'multi-oci': multiOci,
    'multi-docker': multiDocker,
  };
  // A cosign-style signature of 1.0.0 under the referrers tag schema (`sha256-<hex>.sig`).
  const signature = singleImage('oci', 'copy-signature-of-1.0.0');
  const sigTag = `${images['1.0.0'].digest.replace(':', '-')}.sig`;
  const big = sizedImage('copy-big', CHUNKED_LAYER);

  const pusher = (reg: RunningRegistry) => new RegistryClient({ dispatcher: agent, allowPush: true, credentials: staticCredentials({ [reg.host]: { username: 'tester', password: PASSWORD } }) });
  const reader = (host: string) => new RegistryClient({ dispatcher: agent, credentials: staticCredentials({ [host]: { username: 'tester', password: PASSWORD } }) });

  before(async function () {
    [open, token] = await Promise.all([startRegistry(), startRegistry({ auth: 'token', users: { tester: PASSWORD }, anonymousPull: () => false })]);
    for (const reg of [open, token]) {
      const p = pusher(reg);
      const src: Repository = { host: reg.host, path: 'src/app' };
      for (const [tag, img] of Object.entries(images)) await pushTestImage(p, src, tag, img);
      await pushTestImage(p, src, sigTag, signature);
    }
    await pushTestImage(pusher(open), { host: open.host, path: 'src/big' }, 'big', big);
    await pushTestImage(pusher(open), { host: open.host, path: 'src/big' }, 'small', singleImage('oci', 'copy-small'));
    // The conflict repository: 1.0.0 already identical, 2.0.0 a different image.
    const conflict: Repository = { host: token.host, path: 'dst/conflict' };
    await pushTestImage(pusher(token), conflict, '1.0.0', images['1.0.0']);
    await pushTestImage(pusher(token), conflict, '2.0.0', singleImage('docker', 'copy-2.0.0-rebuilt'));
    proxyOpen = await startRegistryProxy(open.host);
    proxyToken = await startRegistryProxy(token.host, { forwardedHost: true, fault: (req) => (failing?.(req) ? { kind: 'reset' } : undefined) });
    config = dockerConfigDir({ auths: { [token.host]: { auth: Buffer.from(`tester:${PASSWORD}`).toString('base64') } } });
  });
  after(async function () {
    config?.cleanup();
    await agent.close();
    await Promise.all([proxyOpen?.close(), proxyToken?.close()]);
    await Promise.all([open?.stop(), token?.stop()]);
  });

  async function copy(argv: string[], opts: { isTTY?: boolean; readCreds?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent', REGISTRY_MIGRATOR_PUSH_USERNAME: 'tester', REGISTRY_MIGRATOR_PUSH_PASSWORD: PASSWORD };
    if (opts.readCreds) env.DOCKER_CONFIG = config.dir;
    const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd(), env, isTTY: opts.isTTY ?? false, signal: new AbortController().signal };
    const code = await main(['copy', ...argv], io);
    assert.ok(!(out + err).includes(PASSWORD), 'no password in output');
    assert.ok(!(out + err).includes(Buffer.from(`tester:${PASSWORD}`).toString('base64')), 'no encoded credential in output');
    return { code, out, err };
  }

  async function digestAt(repo: Repository, tag: string): Promise<string | undefined> {
    const r = await reader(repo.host).headManifest(repo, tag);
    return r.ok ? r.value.digest : undefined;
  }

  const allTags = [...Object.keys(images), sigTag];

  it('--dry-run prints the plan (tags, blobs, bytes) and writes nothing', async function () {
    const before = proxyToken.requests.length;
    const r = await copy([`${open.host}/src/app`, `${proxyToken.host}/dst/dry`, '--dry-run', '--format', 'json'], { isTTY: true });
    assert.strictEqual(r.code, 1, r.out + r.err);
    const j = JSON.parse(r.out);
    const want = new Map<string, number>();
    const manifests = new Set<string>();
    for (const img of [...Object.values(images), signature]) contents(img, manifests, want);
    assert.strictEqual(j.summary.dryRun, true);
    assert.strictEqual(j.summary.copied, allTags.length);
    assert.deepStrictEqual(j.results.map((x: { action: string }) => x.action), allTags.map(() => 'would-copy'));
    assert.strictEqual(j.summary.stats.blobsUploaded, want.size);
    assert.strictEqual(j.summary.stats.bytesUploaded, [...want.values()].reduce((a, b) => a + b, 0));
    assert.strictEqual(j.summary.stats.manifestsPushed, manifests.size);
    const writes = proxyToken.requests.slice(before).filter((q) => q.method !== 'GET' && q.method !== 'HEAD');
    assert.deepStrictEqual(writes, [], 'a dry run sends no POST/PUT/PATCH');
    const listed = await reader(token.host).listTags({ host: token.host, path: 'dst/dry' });
    assert.ok(!listed.ok && listed.error.code === 'repository-not-found', 'the destination repository still does not exist');
    assert.match(r.err, /\r\[#+\] 6\/6 tags/, 'a progress bar on a terminal');
    // Text form: the plan with counts and sizes.
    const t = await copy([`${open.host}/src/app`, `${token.host}/dst/dry`, '--dry-run']);
    assert.match(t.out, /^plan \(dry run, nothing written\)/);
    assert.match(t.out, new RegExp(`would send: ${manifests.size} manifests, ${want.size} blobs \\(\\d+\\.\\d KB\\)`));
  });

  it('copies the missing tags (multi-arch indexes whole, the signature along) with equal digests, also per skopeo', async function () {
    const to: Repository = { host: token.host, path: 'dst/clean' };
    const before = token.tokenServer!.requests.length;
    const r = await copy([`${open.host}/src/app`, `${to.host}/${to.path}`, '--tags', '^(1\\.0|2|multi)', '--format', 'json']);
    assert.strictEqual(r.code, 0, r.out + r.err);
    const j = JSON.parse(r.out);
    const copied = ['1.0.0', '2.0.0', 'multi-oci', 'multi-docker', sigTag];
    assert.deepStrictEqual(j.results.map((x: { tag: string }) => x.tag).sort(), copied.slice().sort());
    assert.deepStrictEqual(j.summary.verify, { total: 5, identical: 5, missing: 0, different: 0, error: 0 });
    assert.strictEqual(j.results.find((x: { tag: string }) => x.tag === sigTag).referrerOf, images['1.0.0'].digest);
    for (const tag of copied) {
      const want = tag === sigTag ? signature.digest : images[tag].digest;
      assert.strictEqual(await digestAt(to, tag), want, tag);
      assert.strictEqual(await skopeoDigest(`${to.host}/${to.path}:${tag}`, `tester:${PASSWORD}`), want, `skopeo: ${tag}`);
    }
    for (const child of [...multiOci.children, ...multiDocker.children]) assert.strictEqual(await digestAt(to, child.digest), child.digest, 'index child by digest');
    assert.strictEqual(await digestAt(to, '1.1.0'), undefined, '--tags left 1.1.0 out');
    const scopes = token.tokenServer!.requests.slice(before).flatMap((q) => q.scopes);
    assert.ok(scopes.length > 0);
    assert.ok(scopes.every((s) => s === 'repository:dst/clean:pull' || s === 'repository:dst/clean:pull,push'), `only the destination, pull,push: ${scopes.join(' ')}`);
  });

  it('on one token registry: the source is read with pull only, push is asked for the destination only', async function () {
    const before = token.tokenServer!.requests.length;
    const r = await copy([`${token.host}/src/app`, `${token.host}/dst/same`, '--tags', '^1\\.'], { readCreds: true });
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /verify: 3 tags: 3 identical/);
    const asked = token.tokenServer!.requests.slice(before);
    const scopes = new Set(asked.flatMap((q) => q.scopes));
    assert.ok(scopes.has('repository:src/app:pull'));
    assert.ok(scopes.has('repository:dst/same:pull,push'));
    for (const s of scopes) assert.ok(s === 'repository:src/app:pull' || s.startsWith('repository:dst/same:'), `unexpected scope ${s}`);
    for (const tag of ['1.0.0', '1.1.0']) assert.strictEqual(await digestAt({ host: token.host, path: 'dst/same' }, tag), images[tag].digest);
  });

  it('on one registry, blobs are mounted across repositories, not uploaded', async function () {
    const before = proxyOpen.requests.length;
    const r = await copy([`${proxyOpen.host}/src/app`, `${proxyOpen.host}/dst/mounted`, '--format', 'json']);
    assert.strictEqual(r.code, 0, r.out + r.err);
    const blobs = new Map<string, number>();
    for (const img of [...Object.values(images), signature]) contents(img, undefined, blobs);
    const seen = proxyOpen.requests.slice(before);
    const mounts = seen.filter((q) => q.method === 'POST' && /\/v2\/dst\/mounted\/blobs\/uploads\/\?mount=sha256:[a-f0-9]{64}&from=src%2Fapp$/.test(q.url));
    assert.strictEqual(mounts.length, blobs.size, 'one mount per blob');
    assert.deepStrictEqual(seen.filter((q) => q.method === 'PATCH' || (q.method === 'PUT' && q.url.includes('/blobs/'))), [], 'no blob bytes sent');
    const j = JSON.parse(r.out);
    assert.strictEqual(j.summary.stats.blobsMounted, blobs.size);
    assert.strictEqual(j.summary.stats.blobsUploaded, 0);
    for (const tag of Object.keys(images)) assert.strictEqual(await digestAt({ host: open.host, path: 'dst/mounted' }, tag), images[tag].digest);
  });

  const conflictCases: { name: string; argv: string[]; code: number; out: RegExp; want: string }[] = [
    { name: 'a destination tag with another digest is reported and left alone without --force', argv: [], code: 1, out: /conflict +2\.0\.0 .*left alone[\s\S]*1 conflicts[\s\S]*verify: 6 tags: 5 identical, 0 missing, 1 different/, want: 'rebuilt' },
    { name: '--force replaces it, and nothing else changes', argv: ['--force'], code: 0, out: /replaced +2\.0\.0 .*was [a-f0-9]{12}[\s\S]*verify: 6 tags: 6 identical/, want: 'source' },
  ];
  for (const c of conflictCases) {
    it(c.name, async function () {
      const to: Repository = { host: token.host, path: 'dst/conflict' };
      const r = await copy([`${open.host}/src/app`, `${to.host}/${to.path}`, ...c.argv]);
      assert.strictEqual(r.code, c.code, r.out + r.err);
      assert.match(r.out, c.out);
      const want = c.want === 'source' ? images['2.0.0'].digest : singleImage('docker', 'copy-2.0.0-rebuilt').digest;
      assert.strictEqual(await digestAt(to, '2.0.0'), want);
      assert.strictEqual(await digestAt(to, '1.1.0'), images['1.1.0'].digest, 'the missing tags were copied anyway');
    });
  }

  it('a connection reset mid-blob fails the run; a re-run finishes without sending anything twice', async function () {
    const to: Repository = { host: proxyToken.host, path: 'dst/resumed' };
    // Reset every second PATCH (the 8 MiB chunk went through, the rest does not), on every attempt.
    let patches = 0;
    failing = (q) => q.method === 'PATCH' && q.url.includes('/dst/resumed/') && patches++ % 2 === 1;
    let first: { code: number; out: string };
    try {
      first = await copy([`${open.host}/src/big`, `${to.host}/${to.path}`, '--format', 'json']);
    } finally {
      failing = undefined;
    }
    assert.strictEqual(first.code, 1, first.out);
    const j1 = JSON.parse(first.out);
    assert.strictEqual(j1.results.find((x: { tag: string }) => x.tag === 'big').action, 'error');
    assert.strictEqual(j1.results.find((x: { tag: string }) => x.tag === 'small').action, 'copied');
    assert.ok(patches >= 4, `retried mid-blob (${patches} PATCHes)`);
    // What is still missing at the destination is exactly what the re-run may upload.
    const dst = reader(token.host);
    const missing: string[] = [];
    for (const b of big.blobs) {
      const h = await dst.request({ host: token.host, path: 'dst/resumed' }, { method: 'HEAD', url: `/v2/dst/resumed/blobs/${sha256Digest(b)}` });
      if (h.status !== 200) missing.push(sha256Digest(b));
    }
    assert.ok(missing.includes(sha256Digest(big.blobs[1])), 'the big layer never landed');
    const before = proxyToken.requests.length;
    const second = await copy([`${open.host}/src/big`, `${to.host}/${to.path}`, '--format', 'json']);
    assert.strictEqual(second.code, 0, second.out);
    const seen = proxyToken.requests.slice(before);
    const uploads = seen.filter((q) => q.method === 'POST' && /\/blobs\/uploads\/$/.test(q.url));
    assert.strictEqual(uploads.length, missing.length, 'one upload per blob still missing, none for blobs already there');
    assert.deepStrictEqual(seen.filter((q) => q.method === 'PUT' && q.url.includes('/manifests/')).map((q) => q.url), ['/v2/dst/resumed/manifests/big'], 'only the failed tag is pushed again');
    const j2 = JSON.parse(second.out);
    assert.deepStrictEqual(j2.summary.verify, { total: 2, identical: 2, missing: 0, different: 0, error: 0 });
    const listed = await dst.listTags({ host: token.host, path: 'dst/resumed' });
    assert.ok(listed.ok);
    assert.deepStrictEqual(listed.value.slice().sort(), ['big', 'small'], 'no duplicate or extra tags');
    assert.strictEqual(await skopeoDigest(`${token.host}/dst/resumed:big`, `tester:${PASSWORD}`), big.digest);
  });

  it('a single reset mid-blob is retried within the run', async function () {
    let patches = 0;
    failing = (q) => q.method === 'PATCH' && q.url.includes('/dst/retried/') && ++patches === 2;
    try {
      const r = await copy([`${open.host}/src/big`, `${proxyToken.host}/dst/retried`, '--tags', '^big$']);
      assert.strictEqual(r.code, 0, r.out);
      assert.match(r.out, /1 blob uploads retried/);
    } finally {
      failing = undefined;
    }
    assert.strictEqual(await digestAt({ host: token.host, path: 'dst/retried' }, 'big'), big.digest);
  });

  it('referrers through the referrers API are copied by digest, with the fallback tag on a registry without the API', async function () {
    // distribution 2.8.2 has no referrers API: the proxy answers for the source, as a 1.1 registry would.
    const sbom = singleImage('oci', 'copy-sbom-of-1.1.0');
    await pushTestImage(pusher(open), { host: open.host, path: 'src/app' }, undefined, sbom);
    const subject = images['1.1.0'].digest;
    const list = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: sbom.mediaType, digest: sbom.digest, size: sbom.bytes.length, artifactType: 'application/spdx+json' }] };
    const referrers = await startRegistryProxy(open.host, {
      fault: (q) => (q.method === 'GET' && q.url === `/v2/src/app/referrers/${subject}` ? { kind: 'status', status: 200, headers: { 'content-type': OCI_INDEX }, body: JSON.stringify(list) } : undefined),
    });
    try {
      const to: Repository = { host: token.host, path: 'dst/referrers' };
      const r = await copy([`${referrers.host}/src/app`, `${to.host}/${to.path}`, '--tags', '^1\\.1\\.0$', '--format', 'json']);
      assert.strictEqual(r.code, 0, r.out);
      const j = JSON.parse(r.out);
      assert.strictEqual(j.summary.referrers, 1);
      assert.strictEqual(j.summary.referrerErrors, undefined);
      assert.strictEqual(await digestAt(to, sbom.digest), sbom.digest, 'the referrer, by digest');
      const fallback = await reader(to.host).getManifest(to, subject.replace(':', '-'));
      assert.ok(fallback.ok, 'the sha256-<hex> fallback tag');
      assert.deepStrictEqual(JSON.parse(fallback.value.bytes.toString('utf8')).manifests.map((m: { digest: string }) => m.digest), [sbom.digest]);
    } finally {
      await referrers.close();
    }
  });

  const usageCases: { name: string; argv: string[]; err: RegExp }[] = [
    { name: 'one repository', argv: ['a/b'], err: /give the old and the new repository/ },
    { name: 'the same repository twice', argv: ['a/b', 'docker.io/a/b'], err: /the same repository/ },
    { name: 'an unknown format', argv: ['a/b', 'c/d', '--format', 'xml'], err: /--format must be one of text, json/ },
    { name: 'a tag instead of a repository', argv: ['a/b:1', 'c/d'], err: /leave out the tag/ },
    { name: '--concurrency 0', argv: ['a/b', 'c/d', '--concurrency', '0'], err: /--concurrency/ },
    { name: 'an unknown option', argv: ['a/b', 'c/d', '--delete'], err: /unknown option --delete/ },
  ];
  for (const c of usageCases) {
    it(`usage: ${c.name} exits 2`, async function () {
      const r = await copy(c.argv);
      assert.strictEqual(r.code, 2);
      assert.match(r.err, c.err);
    });
  }

  it('an unknown source repository: exit 3 (could not check: not found) with the cause', async function () {
    const r = await copy([`${open.host}/src/none`, `${token.host}/dst/none`]);
    assert.strictEqual(r.code, 3, r.out);
    assert.match(r.out, /could not list the source repository: .*404 NAME_UNKNOWN\ngate: could not check \(not found\)/);
  });

  it('a --tags filter that matches nothing proves nothing: exit 1, not 0', async function () {
    const r = await copy([`${open.host}/src/app`, `${token.host}/dst/clean`, '--tags', '^no-such-tag$']);
    assert.strictEqual(r.code, 1, r.out + r.err);
    assert.match(r.out, /verify: 0 tags[\s\S]*gate: incomplete: no tag was compared/);
  });
});
