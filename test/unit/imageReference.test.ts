import * as assert from 'assert';
import { prng } from './support/fuzz';
import {
  formatImageReference,
  type ImageReference,
  nameInStyleOf,
  normalizedName,
  parseImageReference,
} from '../../src/core/reference/imageReference';

const D = 'sha256:' + 'a'.repeat(64);

describe('parseImageReference', () => {
  // A dot in a one-component name is a path, not a host: only a component before a `/` can
  // be a registry (`my.image:1` is docker.io/library/my.image, `./app` has an invalid host).
  it('reads a host only from a component before a slash', () => {
    assert.deepStrictEqual(parseImageReference('my.image:1'), { ok: true, ref: { domain: '', path: 'my.image', tag: '1' } });
    assert.deepStrictEqual(parseImageReference('a.b'), { ok: true, ref: { domain: '', path: 'a.b' } });
    const dot = parseImageReference('./app');
    assert.ok(!dot.ok && dot.error.message === 'invalid registry host "."', JSON.stringify(dot));
    assert.deepStrictEqual(parseImageReference('x/app'), { ok: true, ref: { domain: '', path: 'x/app' } });
  });

  const good: { input: string; domain: string; path: string; tag?: string; digest?: string; normalized: string }[] = [
    { input: 'redis', domain: '', path: 'redis', normalized: 'docker.io/library/redis' },
    { input: 'redis:7', domain: '', path: 'redis', tag: '7', normalized: 'docker.io/library/redis' },
    { input: 'bitnami/redis:7.2', domain: '', path: 'bitnami/redis', tag: '7.2', normalized: 'docker.io/bitnami/redis' },
    { input: 'docker.io/redis', domain: 'docker.io', path: 'redis', normalized: 'docker.io/library/redis' },
    { input: 'index.docker.io/bitnami/redis', domain: 'index.docker.io', path: 'bitnami/redis', normalized: 'docker.io/bitnami/redis' },
    { input: 'registry-1.docker.io/a/b', domain: 'registry-1.docker.io', path: 'a/b', normalized: 'docker.io/a/b' },
    { input: 'localhost/app', domain: 'localhost', path: 'app', normalized: 'localhost/app' },
    { input: 'localhost:5000/app:1', domain: 'localhost:5000', path: 'app', tag: '1', normalized: 'localhost:5000/app' },
    { input: '127.0.0.1:5000/a/b@' + D, domain: '127.0.0.1:5000', path: 'a/b', digest: D, normalized: '127.0.0.1:5000/a/b' },
    { input: 'gcr.io/spark-operator/spark-operator:v1beta2-1.3.0-3.1.1', domain: 'gcr.io', path: 'spark-operator/spark-operator', tag: 'v1beta2-1.3.0-3.1.1', normalized: 'gcr.io/spark-operator/spark-operator' },
    { input: 'ghcr.io/a/b:v1@' + D, domain: 'ghcr.io', path: 'a/b', tag: 'v1', digest: D, normalized: 'ghcr.io/a/b' },
    { input: 'k8s.gcr.io/pause:3.2', domain: 'k8s.gcr.io', path: 'pause', tag: '3.2', normalized: 'k8s.gcr.io/pause' },
    { input: 'a__b/c-d---e/f.g', domain: '', path: 'a__b/c-d---e/f.g', normalized: 'docker.io/a__b/c-d---e/f.g' },
    { input: 'UPPER.example.com/app', domain: 'UPPER.example.com', path: 'app', normalized: 'upper.example.com/app' },
    { input: '[::1]:5000/app', domain: '[::1]:5000', path: 'app', normalized: '[::1]:5000/app' },
  ];
  for (const c of good) {
    it(`parses ${c.input}`, () => {
      const r = parseImageReference(c.input);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.strictEqual(r.ref.domain, c.domain);
      assert.strictEqual(r.ref.path, c.path);
      assert.strictEqual(r.ref.tag, c.tag);
      assert.strictEqual(r.ref.digest, c.digest);
      assert.strictEqual(normalizedName(r.ref), c.normalized);
      assert.strictEqual(formatImageReference(r.ref), c.input);
    });
  }

  const bad: { input: string; code: string }[] = [
    { input: '', code: 'empty' },
    { input: 'Redis', code: 'uppercase-repository' },
    { input: 'gcr.io/Spark/x', code: 'uppercase-repository' },
    { input: 'a/b:' + 'x'.repeat(129), code: 'tag-too-long' },
    { input: 'a/b:-bad', code: 'invalid-tag' },
    { input: 'a/b@sha256:abc', code: 'invalid-digest' },
    { input: 'a/' + 'b'.repeat(260), code: 'name-too-long' },
    { input: 'a//b', code: 'invalid-format' },
    { input: 'a b', code: 'invalid-format' },
    { input: ':tag', code: 'invalid-format' },
    { input: 'https://github.com/a/b', code: 'invalid-format' },
  ];
  for (const c of bad) {
    it(`rejects ${JSON.stringify(c.input.slice(0, 40))} as ${c.code}`, () => {
      const r = parseImageReference(c.input);
      assert.ok(!r.ok);
      assert.strictEqual(r.error.code, c.code);
      assert.strictEqual(r.error.name, 'ReferenceError');
    });
  }

  it('round-trips parse -> format -> parse on generated references', () => {
    const rnd = prng(42);
    const comp = () => ['a', 'b0', 'x-y', 'p_q', 'm.n', 'z__z'][rnd(6)] + String(rnd(10));
    for (let i = 0; i < 2000; i++) {
      const domain = ['', 'ghcr.io', 'localhost:5000', 'registry.k8s.io', 'docker.io'][rnd(5)];
      const path = Array.from({ length: 1 + rnd(3) }, comp).join('/');
      const tag = rnd(2) ? `v${rnd(100)}.${rnd(9)}` : undefined;
      const digest = rnd(4) === 0 ? 'sha256:' + rnd(1e9).toString(16).padStart(64, '0') : undefined;
      const s = formatImageReference({ domain, path, tag, digest });
      const r1 = parseImageReference(s);
      assert.ok(r1.ok, s);
      const r2 = parseImageReference(formatImageReference(r1.ref));
      assert.deepStrictEqual(r2, r1, s);
    }
  });
});

describe('nameInStyleOf', () => {
  const cases = [
    { written: 'bitnami/redis', next: 'docker.io/bitnamilegacy/redis', want: 'bitnamilegacy/redis' },
    { written: 'docker.io/bitnami/redis', next: 'docker.io/bitnamilegacy/redis', want: 'docker.io/bitnamilegacy/redis' },
    { written: 'redis', next: 'docker.io/library/valkey', want: 'valkey' },
    { written: 'kubeflow/spark-operator', next: 'ghcr.io/kubeflow/spark-operator/controller', want: 'ghcr.io/kubeflow/spark-operator/controller' },
    { written: 'k8s.gcr.io/pause', next: 'registry.k8s.io/pause', want: 'registry.k8s.io/pause' },
    // `foo/bar` would be docker.io/foo/bar, another repository: keep library/ for nested paths.
    { written: 'redis', next: 'docker.io/library/foo/bar', want: 'library/foo/bar' },
    { written: 'library/redis', next: 'docker.io/library/foo/bar', want: 'library/foo/bar' },
  ];
  for (const c of cases) {
    it(`${c.written} -> ${c.want}`, () => {
      // Whatever the style, the written name must normalize back to the new name.
      const back = parseImageReference(nameInStyleOf((parseImageReference(c.written) as { ref: ImageReference }).ref, c.next));
      assert.ok(back.ok);
      assert.strictEqual(normalizedName(back.ref), c.next);
      const r = parseImageReference(c.written);
      assert.ok(r.ok);
      assert.strictEqual(nameInStyleOf(r.ref, c.next), c.want);
    });
  }
});
