import * as assert from 'assert';
import { parse } from 'yaml';

import { analyzeText } from '../../src/core/analyze';
import { applyEdits, dedupeEdits } from '../../src/core/rewrite/applyEdits';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';

const { ruleSet } = loadRuleSet();

function fix(text: string, file: string): { text: string; findings: ReturnType<typeof analyzeText>['findings'] } {
  const r = analyzeText(text, file, ruleSet);
  return { text: applyEdits(text, dedupeEdits(r.findings.flatMap((f) => f.edits)).edits), findings: r.findings };
}

/**
 * What Kustomize does with an `images:` entry: an image in the resources whose name equals
 * `name` becomes `newName` (or stays `name`) with `newTag` (or its own tag).
 * https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/
 */
function rendered(kustomization: string, baseImage: string): string {
  const k = parse(kustomization) as { images: { name: string; newName?: string; newTag?: string }[] };
  const colon = baseImage.lastIndexOf(':');
  const [name, tag] = colon > baseImage.lastIndexOf('/') ? [baseImage.slice(0, colon), baseImage.slice(colon + 1)] : [baseImage, undefined];
  const e = k.images.find((i) => i.name === name);
  if (!e) return baseImage;
  const t = e.newTag ?? tag;
  return `${e.newName ?? name}${t ? `:${t}` : ''}`;
}

describe('Kustomize images: keep name:, set newName:', function () {
  // A remote base that still says k8s.gcr.io: rewriting name: would stop the override matching.
  const text = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.6.1/components.yaml',
    'images:',
    '    - name: k8s.gcr.io/metrics-server/metrics-server  # from the remote base',
    '      newTag: v0.6.2',
    '    - newTag: "3.9"',
    '      name: "k8s.gcr.io/pause"',
    '    - name: k8s.gcr.io/coredns/coredns',
    '      newName: k8s.gcr.io/coredns/coredns-mirror',
    '    - name: k8s.gcr.io/etcd',
    '      newName: registry.k8s.io/etcd',
    '',
  ].join('\n');

  it('inserts newName: under an old name:, with the entry\'s indentation; rewrites an old newName:', function () {
    const { text: out, findings } = fix(text, 'overlays/prod/kustomization.yaml');
    assert.strictEqual(
      out,
      text
        .replace('  # from the remote base', '  # from the remote base\n      newName: registry.k8s.io/metrics-server/metrics-server')
        .replace('      name: "k8s.gcr.io/pause"', '      name: "k8s.gcr.io/pause"\n      newName: registry.k8s.io/pause')
        .replace('newName: k8s.gcr.io/coredns/coredns-mirror', 'newName: registry.k8s.io/coredns/coredns-mirror'),
    );
    // The etcd entry already overrides its name: no finding for that name:.
    assert.ok(!findings.some((f) => f.mention.text === 'k8s.gcr.io/etcd'), findings.map((f) => f.mention.text).join(', '));
    assert.ok(findings.some((f) => /name: stays and newName: is set/.test(f.message)));
  });

  it('renders the names Kustomize would use for the remote base\'s images', function () {
    const { text: out } = fix(text, 'kustomization.yaml');
    assert.strictEqual(rendered(out, 'k8s.gcr.io/metrics-server/metrics-server:v0.6.1'), 'registry.k8s.io/metrics-server/metrics-server:v0.6.2');
    assert.strictEqual(rendered(out, 'k8s.gcr.io/pause:3.2'), 'registry.k8s.io/pause:3.9');
    assert.strictEqual(rendered(out, 'k8s.gcr.io/coredns/coredns:v1.8.6'), 'registry.k8s.io/coredns/coredns-mirror:v1.8.6');
    assert.strictEqual(rendered(out, 'k8s.gcr.io/etcd:3.5.1-0'), 'registry.k8s.io/etcd:3.5.1-0');
  });

  it('is idempotent, and a fixed kustomization scans clean', function () {
    const once = fix(text, 'kustomization.yaml').text;
    assert.strictEqual(fix(once, 'kustomization.yaml').text, once);
    assert.deepStrictEqual(analyzeText(once, 'kustomization.yaml', ruleSet).findings.map((f) => f.message), []);
  });

  it('keeps CRLF line endings', function () {
    const crlf = 'images:\r\n- name: k8s.gcr.io/pause\r\n  newTag: "3.9"\r\n';
    assert.strictEqual(fix(crlf, 'kustomization.yaml').text, 'images:\r\n- name: k8s.gcr.io/pause\r\n  newName: registry.k8s.io/pause\r\n  newTag: "3.9"\r\n');
  });

  it('a flow mapping is left for a hand fix', function () {
    const flow = 'images:\n- {name: k8s.gcr.io/pause, newTag: "3.9"}\n';
    const { text: out, findings } = fix(flow, 'kustomization.yaml');
    assert.strictEqual(out, flow);
    assert.match(findings[0].message, /keep name: .* add newName: by hand/);
  });
});

describe('companion edits: Bitnami charts get global.security.allowInsecureImages', function () {
  const cases: { name: string; file: string; text: string; want: string }[] = [
    {
      name: 'under an existing global.security, at its children\'s indentation',
      file: 'values.yaml',
      text: 'global:\n    imageRegistry: ""\n    security:\n        allowInsecureImagesX: 1\nimage:\n    registry: docker.io\n    repository: bitnami/redis\n    tag: 7.2.4-debian-12-r0\n',
      want: 'global:\n    imageRegistry: ""\n    security:\n        allowInsecureImages: true\n        allowInsecureImagesX: 1\nimage:\n    registry: docker.io\n    repository: bitnamilegacy/redis\n    tag: 7.2.4-debian-12-r0\n',
    },
    {
      name: 'under an existing global:, a new security: block',
      file: 'values-prod.yaml',
      text: 'global:\n  storageClass: fast\nredis:\n  image:\n    repository: bitnami/redis\n',
      want: 'global:\n  security:\n    allowInsecureImages: true\n  storageClass: fast\nredis:\n  image:\n    repository: bitnamilegacy/redis\n',
    },
    {
      name: 'no global: at all: appended at the root, once for two images',
      file: 'values.yaml',
      text: 'image:\n  repository: bitnami/postgresql\nmetrics:\n  image:\n    repository: bitnami/postgres-exporter',
      want: 'image:\n  repository: bitnamilegacy/postgresql\nmetrics:\n  image:\n    repository: bitnamilegacy/postgres-exporter\nglobal:\n  security:\n    allowInsecureImages: true\n',
    },
    {
      name: 'already set (even to false): left as the user wrote it',
      file: 'values.yaml',
      text: 'global:\n  security:\n    allowInsecureImages: false\nimage:\n  repository: bitnami/redis\n',
      want: 'global:\n  security:\n    allowInsecureImages: false\nimage:\n  repository: bitnamilegacy/redis\n',
    },
    {
      name: 'not in a Kubernetes manifest',
      file: 'deploy.yaml',
      text: 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: bitnami/redis:7.2\n',
      want: 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: bitnamilegacy/redis:7.2\n',
    },
    {
      name: 'not into a HelmRelease whose values embed the image',
      file: 'release.yaml',
      text: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  values:\n    image:\n      repository: bitnami/redis\n',
      want: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  values:\n    image:\n      repository: bitnamilegacy/redis\n',
    },
  ];
  for (const c of cases) {
    it(c.name, function () {
      const { text: out, findings } = fix(c.text, c.file);
      assert.strictEqual(out, c.want, findings.map((f) => f.message).join('\n'));
      assert.doesNotThrow(() => parse(out));
      assert.strictEqual(fix(out, c.file).text, out, 'a second fix changes nothing');
    });
  }

  // The companion is planned from the finders' own line reader, not a full YAML parse: each
  // shape YAML rejects (or Helm would read otherwise) must leave the structure alone, while
  // the image itself is still rewritten.
  const untouched: [string, string][] = [
    ['a key twice at the root', 'global:\n  a: 1\nimage:\n  repository: bitnami/redis\nglobal:\n  b: 2\n'],
    ['a key twice deeper down', 'global:\n  security:\n    x: 1\n  security:\n    y: 2\nimage:\n  repository: bitnami/redis\n'],
    ['an unterminated quote', 'image:\n  repository: bitnami/redis\nnote: "half\nother: 1\n'],
    ['a template line', 'image:\n  repository: bitnami/redis\n{{- if .Values.x }}\nx: 1\n{{- end }}\n'],
    ['a template value', 'image:\n  repository: bitnami/redis\nname: {{ .Release.Name }}\n'],
    ['two documents', 'image:\n  repository: bitnami/redis\n---\nother: 1\n'],
    ['a trailing empty document', 'image:\n  repository: bitnami/redis\n---\n'],
    ['global: as a flow mapping', 'global: {storageClass: fast}\nimage:\n  repository: bitnami/redis\n'],
    ['global: as an empty flow mapping', 'global: {}\nimage:\n  repository: bitnami/redis\n'],
    ['global: as a flow mapping written over lines', 'global: {\n    imageRegistry: "",\n  }\nimage:\n  repository: bitnami/redis\n'],
    ['global: as a scalar', 'global: yes\nimage:\n  repository: bitnami/redis\n'],
    ['global.security: as a sequence', 'global:\n  security:\n  - a\nimage:\n  repository: bitnami/redis\n'],
    ['indentation no key explains', '  stray: 1\nimage:\n  repository: bitnami/redis\n'],
    ['global: with its empty value on a line of its own', 'global:\n  ~\nimage:\n  repository: bitnami/redis\n'],
    ['global: with null on a line of its own, CRLF', 'global:\r\n  null\r\nimage:\r\n  repository: bitnami/redis\r\n'],
  ];
  for (const [name, text] of untouched) {
    it(`no companion for ${name}; the image is still rewritten`, function () {
      const r = analyzeText(text, 'values.yaml', ruleSet);
      assert.ok(r.findings.length > 0, 'a finding');
      assert.ok(r.findings.every((f) => !f.companions && !f.edits.some((e) => e.newText.includes('allowInsecureImages'))), JSON.stringify(r.findings.map((f) => f.edits)));
      assert.ok(r.findings.some((f) => f.edits.length > 0), 'the image is rewritten');
    });
  }
  const emptyValues: [string, string, string][] = [
    ['global:', 'global:\nimage:\n  repository: bitnami/redis\n', 'global:\n  security:\n    allowInsecureImages: true\nimage:\n  repository: bitnamilegacy/redis\n'],
    // The empty value goes: `global: ~` with children under it would be invalid YAML.
    ['global: ~', 'global: ~\nimage:\n  repository: bitnami/redis\n', 'global:\n  security:\n    allowInsecureImages: true\nimage:\n  repository: bitnamilegacy/redis\n'],
    ['global: null, CRLF', 'global: null\r\nimage:\r\n  repository: bitnami/redis\r\n', 'global:\r\n  security:\r\n    allowInsecureImages: true\r\nimage:\r\n  repository: bitnamilegacy/redis\r\n'],
    ['security: "" under a 4-space global:', 'global:\n    security: ""\nimage:\n    repository: bitnami/redis\n', 'global:\n    security:\n        allowInsecureImages: true\nimage:\n    repository: bitnamilegacy/redis\n'],
    ['global: ~ with a comment after it', 'global: ~  # set per cluster\nimage:\n  repository: bitnami/redis\n', 'global: # set per cluster\n  security:\n    allowInsecureImages: true\nimage:\n  repository: bitnamilegacy/redis\n'],
    ['quoted keys', '"global":\n  "imageRegistry": ""\nimage:\n  repository: bitnami/redis\n', '"global":\n  security:\n    allowInsecureImages: true\n  "imageRegistry": ""\nimage:\n  repository: bitnamilegacy/redis\n'],
    ['a leading ---', '---\nimage:\n  repository: bitnami/redis\n', '---\nimage:\n  repository: bitnamilegacy/redis\nglobal:\n  security:\n    allowInsecureImages: true\n'],
  ];
  for (const [name, text, want] of emptyValues) {
    it(`a companion under ${name}`, function () {
      const out = fix(text, 'values.yaml').text;
      assert.strictEqual(out, want);
      // What is written must still be YAML, with the image where Helm reads it.
      const values = parse(out) as { image: { repository: string } };
      assert.strictEqual(values.image.repository, 'bitnamilegacy/redis');
    });
  }

  it('one finding\'s own fix (a quick fix) brings the companion, and its message says so', function () {
    const text = 'image:\n  repository: bitnami/redis\nother:\n  image:\n    repository: bitnami/nginx\n';
    const r = analyzeText(text, 'values.yaml', ruleSet);
    assert.strictEqual(r.findings.length, 2);
    assert.strictEqual(applyEdits(text, r.findings[0].edits), 'image:\n  repository: bitnamilegacy/redis\nother:\n  image:\n    repository: bitnami/nginx\nglobal:\n  security:\n    allowInsecureImages: true\n');
    assert.strictEqual(r.findings[0].companions?.[0].edit, r.findings[1].companions?.[0].edit, 'one shared edit');
    assert.match(r.findings[0].message, /also sets global\.security\.allowInsecureImages: true/);
  });
});
