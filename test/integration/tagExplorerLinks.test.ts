import * as assert from 'assert';

import type { Repository } from '../../src/core/registry/registryClient';
import { type RootNode, shortNames } from '../../src/vscode/tagExplorer/tagNodes';
import { browserUrl, copyCommand, parsePinnedEntry, pinnedReference, rateLimitReset, tagFilter } from '../../src/vscode/tagExplorer/imageLinks';

// The Tag Explorer's pure helpers (they live in src/vscode, so they are tested in the extension host).
const repo = (host: string, path: string): Repository => ({ host, path });
const DIGEST = 'sha256:' + 'ab'.repeat(32);

describe('Tag Explorer links and references', () => {
  const urls: { name: string; repo: Repository; tag?: string; expected: string | undefined }[] = [
    { name: 'ghcr.io goes through ghcr.io, which sends browsers to the package page', repo: repo('ghcr.io', 'kubeflow/spark-operator/controller'), tag: '2.0.0', expected: 'https://ghcr.io/kubeflow/spark-operator/controller' },
    { name: 'Docker Hub official image', repo: repo('docker.io', 'library/redis'), tag: '7.2', expected: 'https://hub.docker.com/_/redis/tags?name=7.2' },
    { name: 'Docker Hub user image', repo: repo('docker.io', 'bitnamilegacy/redis'), expected: 'https://hub.docker.com/r/bitnamilegacy/redis' },
    { name: 'Quay tag', repo: repo('quay.io', 'prometheus-operator/prometheus-operator'), tag: 'v0.70.0', expected: 'https://quay.io/repository/prometheus-operator/prometheus-operator?tab=tags&tag=v0.70.0' },
    { name: 'registry.k8s.io has no web UI of its own: Registry Explorer (oci.dag.dev) browses it', repo: repo('registry.k8s.io', 'pause'), tag: '3.9', expected: 'https://oci.dag.dev/?image=registry.k8s.io%2Fpause%3A3.9' },
    { name: 'registry.k8s.io repository', repo: repo('registry.k8s.io', 'ingress-nginx/controller'), expected: 'https://oci.dag.dev/?repo=registry.k8s.io%2Fingress-nginx%2Fcontroller' },
    { name: 'a private registry gets no third-party link', repo: repo('registry.acme.example:5000', 'team/app'), tag: '1.0', expected: undefined },
  ];
  for (const c of urls) it(`browserUrl: ${c.name}`, () => assert.strictEqual(browserUrl(c.repo, c.tag), c.expected));

  const from = repo('k8s.gcr.io', 'pause');
  const to = repo('registry.k8s.io', 'pause');
  const local = repo('127.0.0.1:5000', 'old/app');
  const commands: { name: string; tool: 'crane' | 'skopeo' | 'registry-migrator'; from: Repository; to: Repository; expected: string }[] = [
    { name: 'crane', tool: 'crane', from, to, expected: 'crane copy k8s.gcr.io/pause:3.9 registry.k8s.io/pause:3.9' },
    { name: 'skopeo copies every platform', tool: 'skopeo', from, to, expected: 'skopeo copy --all docker://k8s.gcr.io/pause:3.9 docker://registry.k8s.io/pause:3.9' },
    { name: 'skopeo from a loopback (plain HTTP) registry', tool: 'skopeo', from: local, to, expected: 'skopeo copy --all --src-tls-verify=false docker://127.0.0.1:5000/old/app:3.9 docker://registry.k8s.io/pause:3.9' },
    { name: 'registry-migrator copy with an anchored tag regex', tool: 'registry-migrator', from, to, expected: "registry-migrator copy k8s.gcr.io/pause registry.k8s.io/pause --tags '^3\\.9$'" },
  ];
  for (const c of commands) it(`copyCommand: ${c.name}`, () => assert.strictEqual(copyCommand(c.tool, c.from, c.to, '3.9'), c.expected));

  it('pinnedReference keeps the tag, or gives the digest alone', () => {
    assert.deepStrictEqual([pinnedReference(to, '3.9', DIGEST), pinnedReference(to, '3.9', DIGEST, false)], [`registry.k8s.io/pause:3.9@${DIGEST}`, `registry.k8s.io/pause@${DIGEST}`]);
  });

  const entries: { input: string; expected: string | undefined }[] = [
    { input: 'redis', expected: 'docker.io/library/redis' },
    { input: 'k8s.gcr.io/pause -> registry.k8s.io/pause', expected: 'k8s.gcr.io/pause → registry.k8s.io/pause' },
    { input: 'a/b → c/d', expected: 'docker.io/a/b → docker.io/c/d' },
    { input: 'ghcr.io/Org/App', expected: undefined },
    { input: 'ghcr.io/org/app:1.0', expected: undefined },
    { input: 'a -> b -> c', expected: undefined },
    { input: ' -> b', expected: undefined },
  ];
  for (const c of entries) {
    it(`parsePinnedEntry: "${c.input}"`, () => {
      const r = parsePinnedEntry(c.input);
      const shown = r.ok ? [r.value.old, r.value.new].filter((x) => x).map((x) => `${x!.host}/${x!.path}`).join(' → ') : undefined;
      assert.strictEqual(shown, c.expected, r.ok ? '' : r.message);
    });
  }

  const filters: { filter: string; tags: string[] }[] = [
    { filter: '1.2', tags: ['1.2.0', 'v1.2.3-rc.1'] },
    { filter: 'RC', tags: ['v1.2.3-rc.1'] },
    { filter: '/^v/', tags: ['v1.2.3-rc.1'] },
    { filter: '/[/', tags: [] }, // not a valid expression: matched as text
    { filter: '', tags: ['1.2.0', 'v1.2.3-rc.1', 'latest'] },
  ];
  for (const c of filters) {
    it(`tagFilter "${c.filter}"`, () => {
      const f = tagFilter(c.filter);
      assert.deepStrictEqual(['1.2.0', 'v1.2.3-rc.1', 'latest'].filter((t) => !f || f(t)), c.tags);
    });
  }

  const resets: { message: string; expected: number | undefined }[] = [
    { message: 'tags of x: 429 TOOMANYREQUESTS (Retry-After 3600)', expected: 1_000 + 3_600_000 },
    { message: 'tags of x: 429 (Retry-After Thu, 01 Jan 1970 00:01:00 GMT)', expected: 60_000 },
    { message: 'tags of x: 429 TOOMANYREQUESTS', expected: undefined },
  ];
  for (const c of resets) it(`rateLimitReset: ${c.message}`, () => assert.strictEqual(rateLimitReset(c.message, 1_000)?.getTime(), c.expected));

  it('shortNames: the last path component, longer only where two roots would read the same', () => {
    const root = (old: string, id = old): RootNode => {
      const [host, ...path] = old.split('/');
      return { kind: 'root', id, old: { host, path: path.join('/') }, origin: 'workspace', ruleIds: [], references: 0, tagsInUse: new Set() };
    };
    const roots = [root('docker.io/bitnami/postgresql'), root('docker.io/bitnami/redis'), root('docker.io/library/redis'), root('k8s.gcr.io/pause'), root('quay.io/x/pause'), root('a.io/team/app'), root('b.io/team/app'), root('k8s.gcr.io/pause', 'pinned')];
    assert.deepStrictEqual([...shortNames(roots).values()], ['postgresql', 'bitnami/redis', 'library/redis', 'k8s.gcr.io/pause', 'x/pause', 'a.io/team/app', 'b.io/team/app', 'k8s.gcr.io/pause']);
  });
});
