import * as assert from 'assert';
import {
  isDomainComponent,
  nameInStyleOf,
  normalizeDomain,
  normalizePath,
  parseImageReference,
  splitName,
} from '../../../src/core/reference/imageReference';

// The edges of the grammar where an off-by-one or a dropped guard changes which references
// are rewritten (mutation testing found these untested).
function code(input: string): string {
  const r = parseImageReference(input);
  return r.ok ? 'ok' : r.error.code;
}

describe('image reference grammar at its edges (mutation survivors)', () => {
  it('a tag of 128 characters is valid, 129 is too long', () => {
    assert.strictEqual(code('a/b:' + 'x'.repeat(128)), 'ok');
    assert.strictEqual(code('a/b:' + 'x'.repeat(129)), 'tag-too-long');
    assert.strictEqual(code('a/b:_x'), 'ok');
    assert.strictEqual(code('a/b:.x'), 'invalid-tag');
  });

  it('a name of 255 characters is valid, 256 is too long (the tag does not count)', () => {
    const name = (n: number) => 'a/' + 'b'.repeat(n - 2);
    assert.strictEqual(code(name(255)), 'ok');
    assert.strictEqual(code(name(255) + ':v1'), 'ok');
    assert.strictEqual(code(name(256)), 'name-too-long');
  });

  it('a colon before the last slash is a port, not a tag', () => {
    const r = parseImageReference('localhost:5000/app');
    assert.ok(r.ok);
    assert.deepStrictEqual([r.ref.domain, r.ref.path, r.ref.tag], ['localhost:5000', 'app', undefined]);
    const t = parseImageReference('localhost:5000/app:1');
    assert.ok(t.ok);
    assert.deepStrictEqual([t.ref.domain, t.ref.path, t.ref.tag], ['localhost:5000', 'app', '1']);
  });

  it('the first component is a registry only with a dot, a colon or as localhost, and only before a slash', () => {
    assert.deepStrictEqual(['gcr.io', 'host:5000', 'localhost', 'bitnami', 'localhostx'].map(isDomainComponent), [true, true, true, false, false]);
    const single = parseImageReference('localhost');
    assert.ok(single.ok);
    assert.deepStrictEqual([single.ref.domain, single.ref.path], ['', 'localhost']);
    const ns = parseImageReference('bitnami/redis');
    assert.ok(ns.ok);
    assert.strictEqual(ns.ref.domain, '');
  });

  it('registry hosts: each dot-separated label is checked, brackets hold IPv6, a port is digits', () => {
    for (const ok of ['gcr.io/a', 'my-registry.example.com:443/a', '[::1]/a', '[fe80::1]:5000/a', 'a.b-c.d/x', 'Host.Example/x']) assert.strictEqual(code(ok), 'ok', ok);
    for (const bad of ['-gcr.io/a', 'gcr-.io/a', 'gcr..io/a', 'gcr.io:port/a', 'gcr.io:/a', 'gcr_x.io/a']) assert.strictEqual(code(bad), 'invalid-format', bad);
  });

  it('an uppercase path is its own error only when lowercasing would fix it', () => {
    assert.strictEqual(code('ghcr.io/Org/app'), 'uppercase-repository');
    assert.strictEqual(code('ghcr.io/Org!/app'), 'invalid-format');
    const r = parseImageReference('ghcr.io/Org/app');
    assert.ok(!r.ok);
    assert.match(r.error.message, /lowercase: "ghcr.io\/Org\/app"/);
  });

  it('normalizeDomain and normalizePath: only Docker Hub gets library/, for one-component paths', () => {
    assert.deepStrictEqual(['', 'docker.io', 'INDEX.docker.io', 'registry-1.docker.io', 'Ghcr.IO', 'docker.iox'].map(normalizeDomain), ['docker.io', 'docker.io', 'docker.io', 'docker.io', 'ghcr.io', 'docker.iox']);
    assert.strictEqual(normalizePath('', 'redis'), 'library/redis');
    assert.strictEqual(normalizePath('index.docker.io', 'redis'), 'library/redis');
    assert.strictEqual(normalizePath('', 'bitnami/redis'), 'bitnami/redis');
    assert.strictEqual(normalizePath('ghcr.io', 'redis'), 'redis');
  });

  it('splitName: a name without a slash is a Docker Hub path', () => {
    assert.deepStrictEqual(splitName('redis'), { domain: 'docker.io', path: 'redis' });
    assert.deepStrictEqual(splitName('ghcr.io/a/b'), { domain: 'ghcr.io', path: 'a/b' });
  });

  it('nameInStyleOf keeps the Docker Hub alias the reference was written with, and library/ for a two-part name', () => {
    const style = (written: string, next: string) => {
      const r = parseImageReference(written);
      assert.ok(r.ok, written);
      return nameInStyleOf(r.ref, next);
    };
    assert.strictEqual(style('index.docker.io/bitnami/redis', 'docker.io/bitnamilegacy/redis'), 'index.docker.io/bitnamilegacy/redis');
    assert.strictEqual(style('library/redis', 'docker.io/library/valkey'), 'library/valkey');
    assert.strictEqual(style('redis', 'docker.io/bitnami/valkey'), 'bitnami/valkey');
    assert.strictEqual(style('bitnami/redis', 'ghcr.io/x/redis'), 'ghcr.io/x/redis');
    assert.strictEqual(style('ghcr.io/a/b', 'docker.io/library/c'), 'docker.io/library/c');
    // Off Docker Hub, the alias the old reference was written with must not leak into the new host.
    assert.strictEqual(style('docker.io/bitnami/redis', 'ghcr.io/x/redis'), 'ghcr.io/x/redis');
    assert.strictEqual(style('index.docker.io/bitnami/redis', 'quay.io/x/redis'), 'quay.io/x/redis');
  });
});

describe('image reference errors say what is wrong (mutation survivors)', () => {
  // These messages reach users as the reason a reference is skipped (Problems panel, scan --format json).
  const cases: [string, string][] = [
    ['', 'empty image reference'],
    ['a/b@sha512:abc', 'invalid digest "sha512:abc"'],
    ['a/b:' + 'x'.repeat(129), 'tag is longer than 128 characters'],
    ['a/b:-x', 'invalid tag "-x"'],
    [':v1', 'no repository name in ":v1"'],
    ['a/' + 'b'.repeat(300), 'repository name is longer than 255 characters'],
    ['-x.io/a', 'invalid registry host "-x.io"'],
    ['a//b', 'invalid repository path component "" in "a//b"'],
  ];
  for (const [input, message] of cases) {
    it(`${JSON.stringify(input.slice(0, 20))}: ${message.slice(0, 40)}`, () => {
      const r = parseImageReference(input);
      assert.ok(!r.ok);
      assert.strictEqual(r.error.message, message);
    });
  }
});
