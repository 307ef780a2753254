import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText } from '../../src/core/analyze';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { findContentMentions } from '../../src/core/scan/contentFinder';
import { assertSpansMatch, itRunsWithin } from './support/fuzz';

const { ruleSet } = loadRuleSet();
const PREFIXES = ['k8s.gcr.io', 'gcr.io/google_containers', 'gcr.io/google-containers', 'quay.io/coreos/prometheus-operator', 'docker.io/bitnami'];
const FIXTURES = path.join(__dirname, '../../../test/fixtures/content');

/**
 * A fixture line's `want: TEXT` / `note: TEXT` marker says what the line holds; the marker is
 * blanked (same length, so offsets stay) before the scan, or its own text would be found.
 */
function loadFixture(name: string): { text: string; want: string[]; notes: string[] } {
  const raw = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const want: string[] = [];
  const notes: string[] = [];
  const text = raw.replace(/(want|note): ([^\n]*)/g, (s, k: string, v: string) => {
    (k === 'want' ? want : notes).push(v.trim());
    return ' '.repeat(s.length);
  });
  return { text, want, notes };
}

describe('content finder: every text file', () => {
  for (const name of fs.readdirSync(FIXTURES).sort()) {
    it(`fixture ${name}: finds exactly the marked references and notes`, () => {
      const { text, want, notes } = loadFixture(name);
      const a = analyzeText(text, `repo/${name}`, ruleSet);
      assertSpansMatch(text, a.mentions);
      assert.deepStrictEqual(a.findings.map((f) => f.mention.text).sort(), [...want].sort(), 'deprecated references');
      assert.deepStrictEqual((a.notes ?? []).map((f) => f.mention.text).sort(), [...notes].sort(), 'namespace notes');
      for (const n of a.notes ?? []) assert.deepStrictEqual(n.edits, [], 'a note is never rewritten');
      for (const f of a.findings) assert.ok(f.edits.length > 0 || f.mention.skipped, `${f.mention.text} has a fix`);
    });
  }

  const cases: { name: string; text: string; want: string[] }[] = [
    { name: 'TOML, INI and env values', text: 'sandbox_image = "k8s.gcr.io/pause:3.6"\n[a]\nimage=k8s.gcr.io/b:1\nIMG=gcr.io/google_containers/c:2\n', want: ['k8s.gcr.io/pause:3.6', 'k8s.gcr.io/b:1', 'gcr.io/google_containers/c:2'] },
    { name: 'string literals in Go, Rust, Java, Jsonnet, CUE, Starlark', text: 'x := "k8s.gcr.io/a:1"\nlet y = r#"k8s.gcr.io/b"#;\nString z = "k8s.gcr.io/c@sha256:' + 'a'.repeat(64) + '";\nimage: \'k8s.gcr.io/d:1\',\ne: "k8s.gcr.io/e:\\(tag)"\nf = "k8s.gcr.io/f:%s" % v\n', want: ['k8s.gcr.io/a:1', 'k8s.gcr.io/b', 'k8s.gcr.io/c@sha256:' + 'a'.repeat(64), 'k8s.gcr.io/d:1', 'k8s.gcr.io/e', 'k8s.gcr.io/f'] },
    { name: 'templated tags stay mentions; the repository is exact', text: 'img = "k8s.gcr.io/pause:${PAUSE_VERSION}"\nimg2 = "k8s.gcr.io/pause:{{ .Version }}"\n', want: ['k8s.gcr.io/pause:${PAUSE_VERSION}', 'k8s.gcr.io/pause:{{ .Version }}'] },
    { name: 'docker:// and oci:// transports are references', text: 'skopeo copy docker://k8s.gcr.io/a:1 dir:x\nchart = "oci://k8s.gcr.io/charts/b"\n', want: ['k8s.gcr.io/a:1', 'k8s.gcr.io/charts/b'] },
    { name: 'URLs, e-mail, longer hosts and look-alike paths are not', text: 'https://k8s.gcr.io/v2/a/tags/list\nhttp://gcr.io/google_containers/x\nops@k8s.gcr.io\nmirror.k8s.gcr.io/x:1\nk8s.gcr.io.cn/x:1\neu.gcr.io/google_containers/y\n/mnt/k8s.gcr.io/z\n', want: [] },
    { name: 'file paths: known extensions and file commands', text: 'k8s.gcr.io/images/k8s-staging-kops/images.yaml\n`cd k8s.gcr.io/images/k8s-staging-kops`\nls -la k8s.gcr.io/x\ngit add k8s.gcr.io/y\ncat k8s.gcr.io/z\n', want: [] },
    { name: 'a prefix rule only matches at a path boundary', text: 'quay.io/coreos/prometheus-operator-x:1\nquay.io/coreos/prometheus-operator:v0.1\nquay.io/coreos/etcd:v3\n', want: ['quay.io/coreos/prometheus-operator:v0.1'] },
    { name: 'names written without a host are left to the format finders', text: 'bitnami/redis:7\ndocker.io/bitnami/redis:7\n', want: ['docker.io/bitnami/redis:7'] },
    {
      name: 'a Docker Hub name without its host: quoted whole, with a tag or digest',
      text: 'a = "bitnami/redis:7"\nb = \'bitnami/kafka:3.5\'\nc := `bitnami/nginx@sha256:' + 'b'.repeat(64) + '`\nFrom("bitnami/kubectl:latest")\nd = "bitnami/redis:${TAG}"\n',
      want: ['bitnami/redis:7', 'bitnami/kafka:3.5', 'bitnami/nginx@sha256:' + 'b'.repeat(64), 'bitnami/kubectl:latest', 'bitnami/redis:${TAG}'],
    },
    {
      name: '… or without a tag when an image key is given it',
      text: 'image = "bitnami/redis"\nRedisImage: "bitnami/redis"\n"image": "bitnami/kafka"\nREDIS_IMAGE=\'bitnami/redis\'\nimage_name := "bitnami/nginx"\nx = foo("image", "bitnami/spark")\n',
      want: ['bitnami/redis', 'bitnami/redis', 'bitnami/kafka', 'bitnami/redis', 'bitnami/nginx'],
    },
    {
      name: '… or unquoted, given to an image key: INI and properties lines, XML elements',
      text: '[server]\nimage=bitnami/redis:7\napp.redis.image = bitnami/redis # pinned\nworker_image: bitnami/kafka:3.5;\n<from><image>bitnami/java:11</image></from>\n<baseImage>bitnami/node</baseImage>\n',
      want: ['bitnami/redis:7', 'bitnami/redis', 'bitnami/kafka:3.5', 'bitnami/java:11', 'bitnami/node'],
    },
    {
      name: 'unquoted names without an image key, or with more on the line, are not',
      text: 'chart=bitnami/redis\nhelm install x bitnami/redis\nimage=bitnami/redis:7 extra\nimage: bitnami/redis/values.yaml\n<chart>bitnami/redis</chart>\n<image>bitnami/redis:7</name>\nsee image: bitnami/redis:7.\n',
      want: [],
    },
    {
      name: 'a Docker Hub name that is not an image: a chart, a repository, a path, part of a longer string',
      text: 'chart = "bitnami/redis"\nrepo = "bitnami/charts"\nf = "bitnami/redis/values.yaml"\nargs = "bitnami/redis --version 1"\nu = "https://hub.docker.com/r/bitnami/redis:7"\nm = "github.com/bitnami/x:1"\nl = "bitnamilegacy/redis:7"\nn = "bitnami/redis:7\n',
      want: [],
    },
    { name: 'CRLF and lone CR line ends keep exact spans', text: 'a = "k8s.gcr.io/a:1"\r\nb = "k8s.gcr.io/b:2"\rc = "k8s.gcr.io/c:3"\n', want: ['k8s.gcr.io/a:1', 'k8s.gcr.io/b:2', 'k8s.gcr.io/c:3'] },
    { name: 'sentence punctuation is not part of the name', text: 'Pull k8s.gcr.io/pause:3.2. Or k8s.gcr.io/etcd, or (k8s.gcr.io/coredns:1.6).\n', want: ['k8s.gcr.io/pause:3.2', 'k8s.gcr.io/etcd', 'k8s.gcr.io/coredns:1.6'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = findContentMentions(c.text, PREFIXES, []).filter((m) => !m.namespaceOnly);
      assertSpansMatch(c.text, found);
      assert.deepStrictEqual(found.map((m) => m.text), c.want);
    });
  }

  it('a Docker Hub short name under an exact-repository rule (no namespace to end in /), and nothing beside it', () => {
    const prefixes = ['docker.io/kubeflow/spark-operator', 'docker.io/flannelcni/flannel'];
    const text = 'a = "kubeflow/spark-operator:v1beta2-1.3.8-3.1.1"\nb = "flannelcni/flannel:v0.20.0"\nimage: kubeflow/spark-operator\nc = "kubeflow/spark-operator/x:1"\nd = "kubeflow/spark-operator-x:1"\ne = "kubeflow/notebooks:1"\n';
    const found = findContentMentions(text, prefixes, []);
    assertSpansMatch(text, found);
    // Under a prefix as the host path reads it (the rule decides: /x is not the exact name).
    assert.deepStrictEqual(found.map((m) => m.text), ['kubeflow/spark-operator:v1beta2-1.3.8-3.1.1', 'flannelcni/flannel:v0.20.0', 'kubeflow/spark-operator', 'kubeflow/spark-operator/x:1']);
    // With the built-in rules, end to end: the exact names are deprecated references with a fix.
    const a = analyzeText(text, 'deploy/images.go', ruleSet);
    assert.deepStrictEqual(a.findings.map((f) => `${f.mention.text} ${f.rule.id}`), ['kubeflow/spark-operator:v1beta2-1.3.8-3.1.1 SO-DOCKERIO', 'flannelcni/flannel:v0.20.0 FLANNELCNI', 'kubeflow/spark-operator SO-DOCKERIO']);
  });

  it('image keys: dashed and dotted keys are image keys, a virtual machine\'s are not', () => {
    const text = 'my-image-name: bitnami/redis\npacker.source_image = "bitnami/redis"\n<vmImage>bitnami/redis</vmImage>\nsource_image=bitnami/redis\n';
    const found = findContentMentions(text, PREFIXES, []);
    assert.deepStrictEqual(found.map((m) => m.text), ['bitnami/redis']);
    assert.strictEqual(found[0].span.start, text.indexOf('bitnami/redis'));
  });

  it('bare hosts and namespaces are notes with the new namespace, never rewrites', () => {
    for (const text of ['Use `registry.k8s.io` instead of `k8s.gcr.io`.\n', 'FROM gcr.io/google-containers\n', 'mirror: gcr.io/google_containers\n']) {
      for (const file of ['notes.txt', 'README.md', 'Dockerfile', 'x.yaml']) {
        const a = analyzeText(text, file, ruleSet);
        assert.deepStrictEqual(a.findings.map((f) => f.mention.text), [], `${file}: ${text} is not a deprecated image`);
        assert.ok((a.notes ?? []).length === 1, `${file}: ${text} gives one note`);
        assert.match(a.notes![0].message, /registry namespace, not an image: its images moved to registry\.k8s\.io/);
        assert.deepStrictEqual(a.notes![0].edits, []);
      }
    }
  });

  it('does not report twice what a format finder reports', () => {
    const text = 'image: k8s.gcr.io/pause:3.2\netcd:\n  repository: k8s.gcr.io/etcd\n  tag: 3.5.0\n';
    const a = analyzeText(text, 'values.yaml', ruleSet);
    assert.deepStrictEqual(a.mentions.map((m) => m.text), ['k8s.gcr.io/pause:3.2', 'k8s.gcr.io/etcd']);
    assert.ok(a.mentions.every((m) => !m.kind.startsWith('content')), 'the YAML finder owns both');
  });

  it('rules files and VS Code settings are not scanned for their own `from` names', () => {
    const rules = 'rules:\n  - id: X\n    from: quay.io/coreos/prometheus-operator\n    to: quay.io/prometheus-operator/prometheus-operator\n  - from: k8s.gcr.io\n';
    const settings = '{ "registryMigrator.rules": [{ "from": "quay.io/coreos/prometheus-operator", "to": "x" }] }\n';
    assert.deepStrictEqual(analyzeText(rules, 'repo/.registry-migrations.yaml', ruleSet).mentions, []);
    assert.deepStrictEqual(analyzeText(settings, 'repo/.vscode/settings.json', ruleSet).mentions, []);
    assert.strictEqual(analyzeText(settings, 'repo/other.json', ruleSet).findings.length, 1, 'the same text elsewhere is found');
  });

  it('a user rule with its own registry is found in any file', () => {
    const { ruleSet: rs } = loadRuleSet({ rulesFile: { path: 'r.yaml', text: 'rules:\n  - id: ACME\n    from: registry.acme.example/team\n    to: ghcr.io/acme\n' } });
    const a = analyzeText('base = "registry.acme.example/team/base:1"\n', 'build.gradle', rs);
    assert.deepStrictEqual(a.findings.map((f) => f.replacement), ['ghcr.io/acme/base:1']);
  });

  // Realistic density: a reference every kilobyte or so. Dense inputs are the bench's job.
  const bounded = [
    { name: 'a 5 MB one-line minified JSON', build: () => '{"a":[' + ('{"name":"x","url":"https://k8s.gcr.io/v2","v":"' + 'abcdefgh'.repeat(120) + '"},{"image":"k8s.gcr.io/x:1"},').repeat(5_000) + '1]}' },
    { name: 'a 100,000-line TOML', build: () => Array.from({ length: 100_000 }, (_, i) => (i % 100 === 0 ? `image${i} = "k8s.gcr.io/img${i % 50}:v${i}"` : `key${i} = "value ${i} for k8s.gcr.io"`)).join('\n') },
    { name: '5 MB of one host name repeated without separators', build: () => 'k8s.gcr.io'.repeat(500_000) },
    { name: 'mixed CRLF and lone CR, 5 MB', build: () => ('a = "k8s.gcr.io/a:1"\r\n' + 'b = "x"\r'.repeat(100)).repeat(6_000) },
    { name: 'a 7 MB line of quoted short names with unclosed templates', build: () => '"bitnami/x:${T" image="bitnami/y:{{ v" <image>bitnami/z</image> '.repeat(120_000) },
  ];
  itRunsWithin(5000, bounded, (text) => {
    const a = analyzeText(text, 'big.toml', ruleSet, { maxBytes: 64 * 1024 * 1024 });
    assertSpansMatch(text, a.mentions);
  });

  it('a UTF-16 text (as the editor decodes it) has exact spans', () => {
    const text = '\ufeffsandbox_image = "k8s.gcr.io/pause:3.6"\r\n'.slice(1);
    const a = analyzeText(text, 'config.toml', ruleSet);
    assert.deepStrictEqual(a.findings.map((f) => f.replacement), ['registry.k8s.io/pause:3.6']);
  });
});
