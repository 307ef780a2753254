import * as assert from 'assert';
import { analyzeText, applyEdits } from '../../src/core/analyze';
import { findMentions } from '../../src/core/scan/findMentions';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { assertSpansMatch, prng } from './support/fuzz';

const { ruleSet } = loadRuleSet();
const FILES = ['Dockerfile', 'deploy.yaml', 'chart/values.yaml', 'chart/templates/x.yaml', '.github/workflows/ci.yml', '.gitlab-ci.yml', 'docker-compose.yml', 'kustomization.yaml', 'README.md', 'build.sh', 'Makefile', 'devcontainer.json'];

const OLD = ['k8s.gcr.io/pause:3.2', 'gcr.io/spark-operator/spark-operator:v1beta2-1.3.0', 'bitnami/redis:7.2', 'docker.io/bitnami/redis@sha256:' + 'b'.repeat(64), 'gcr.io/google_containers/busybox', 'ghcr.io/googlecloudplatform/spark-operator:${TAG}', 'quay.io/coreos/flannel:v0.15.1', 'docker.io/kubeflow/spark-operator:2.1.0'];

/** A line that holds `ref` in the idiom of the file's format. */
function lineFor(file: string, ref: string, q: string): string {
  if (file === 'Dockerfile') return `FROM ${ref} AS s${q.length}`;
  if (file.endsWith('.md')) return `Pull it with \`docker pull ${ref}\`.`;
  if (file.endsWith('.sh') || file === 'Makefile') return `\tdocker pull ${ref}`;
  if (file.endsWith('.json')) return `  "image": "${ref}",`;
  return `  image: ${q}${ref}${q}   # pinned`;
}

describe('analyzeText, every format', () => {
  it('rewriting is idempotent and a rewritten text scans clean (generated documents)', () => {
    let fixed = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = prng(seed);
      const file = FILES[rnd(FILES.length)];
      const eol = rnd(2) ? '\r\n' : '\n';
      const lines: string[] = file.endsWith('.json') ? ['{'] : file.includes('workflows') ? ['jobs:', ' t:', '  container:'] : [];
      for (let i = 0; i < 1 + rnd(6); i++) {
        lines.push(lineFor(file, OLD[rnd(OLD.length)], ['', '"', "'"][rnd(3)]));
        if (rnd(2)) lines.push(file.endsWith('.json') ? '  "x": 1,' : '# unrelated: text');
      }
      if (file.endsWith('.json')) lines.push('  "end": true', '}');
      const text = lines.join(eol) + eol;
      const first = analyzeText(text, file, ruleSet);
      assertSpansMatch(text, first.mentions);
      const once = applyEdits(text, first.findings.flatMap((f) => f.edits));
      fixed += first.findings.filter((f) => f.edits.length).length;
      const again = analyzeText(once, file, ruleSet);
      assert.deepStrictEqual(again.findings.filter((f) => f.edits.length).map((f) => f.mention.text), [], `seed ${seed} ${file}: a rewritten text scans clean\n${once}`);
      assert.strictEqual(applyEdits(once, again.findings.flatMap((f) => f.edits)), once, `seed ${seed}: twice = once`);
      assert.strictEqual(once.split(eol).length, text.split(eol).length, `seed ${seed}: line endings kept`);
    }
    assert.ok(fixed > 600, `only ${fixed} references were fixed: the generator no longer exercises the rewrite`);
  });

  describe('never throws, in bounded time, on hostile input', () => {
    const rnd = prng(99);
    const inputs: { name: string; text: string }[] = [
      { name: 'random bytes', text: Buffer.from(Array.from({ length: 200_000 }, () => rnd(256))).toString('latin1') },
      { name: 'random image-ish characters', text: Array.from({ length: 200_000 }, () => 'image: k8s.gcr.io/ab:${{}}[]"\'\n\t#-|>&*!@'[rnd(38)]).join('') },
      { name: 'broken YAML', text: 'image:\n  registry: [k8s.gcr.io\n  repository: "pause\n  tag: {\n- - - :\n\t\timage: k8s.gcr.io/pause:3.2\n' },
      { name: 'a 50 MB single line', text: 'image: k8s.gcr.io/pause:3.2 ' + 'x/'.repeat(25 * 1024 * 1024) },
      { name: 'NUL bytes', text: 'image: k8s.gcr.io/pause:3.2\n\0\0\0image: k8s.gcr.io/a:1\0' },
      { name: 'unclosed everything', text: '```yaml\n' + '[{"\'`$('.repeat(100_000) },
    ];
    for (const c of inputs) {
      it(c.name, function () {
        this.timeout(20000);
        for (const file of FILES) {
          const started = Date.now();
          // The finders themselves, past analyzeText's binary and size guards.
          const mentions = findMentions(c.text, file);
          analyzeText(c.text, file, ruleSet, { maxBytes: Infinity });
          const ms = Date.now() - started;
          assert.ok(ms < 5000, `${file}: ${ms} ms`);
          assertSpansMatch(c.text, mentions);
        }
      });
    }
  });

  it('skips binary and oversized texts with a reason', () => {
    assert.strictEqual(analyzeText('a\0b', 'x.yaml', ruleSet).skippedFile, 'binary file');
    assert.match(analyzeText('image: k8s.gcr.io/pause:3.2\n', 'x.yaml', ruleSet, { maxBytes: 10 }).skippedFile ?? '', /larger than/);
  });

  it('reports templated repositories as skipped and never flags them', () => {
    const r = analyzeText('spec:\n  containers:\n    - image: ${REGISTRY}/k8s.gcr.io/pause:1\n    - image: "{{ .Values.image.repository }}:1"\n', 'deploy.yaml', ruleSet);
    assert.strictEqual(r.findings.length, 0);
    assert.strictEqual(r.mentions.filter((m) => m.skipped).length, 2);
  });

  it('a digest-pinned reference is fixed, and its message asks for verification', () => {
    const r = analyzeText(`FROM k8s.gcr.io/pause@sha256:${'a'.repeat(64)}\n`, 'Dockerfile', ruleSet);
    assert.strictEqual(r.findings.length, 1);
    assert.match(r.findings[0].message, /must exist at the new location/);
    assert.strictEqual(applyEdits(`FROM k8s.gcr.io/pause@sha256:${'a'.repeat(64)}\n`, r.findings[0].edits), `FROM registry.k8s.io/pause@sha256:${'a'.repeat(64)}\n`);
  });
});

describe('shared split fields', () => {
  it('does not rewrite global.imageRegistry for one image, and says what to do', () => {
    const text = 'global:\n  imageRegistry: docker.io\noperator:\n  image:\n    repository: kubeflow/spark-operator\n    tag: 2.1.0\ncache:\n  image:\n    repository: bitnami/redis\n    tag: "7.2"\n';
    const r = analyzeText(text, 'values.yaml', ruleSet);
    const spark = r.findings.find((f) => f.rule.id === 'SO-DOCKERIO');
    const redis = r.findings.find((f) => f.rule.id === 'BITNAMI-LEGACY');
    assert.ok(spark && redis, JSON.stringify(r.findings.map((f) => f.rule.id)));
    assert.deepStrictEqual(spark.edits, []);
    assert.match(spark.message, /shared with other images.*registry ghcr\.io/);
    // The registry stays docker.io for redis, so its repository can still be rewritten; the
    // chart's global: gains security.allowInsecureImages (the Bitnami companion).
    assert.strictEqual(applyEdits(text, redis.edits), text.replace('bitnami/redis', 'bitnamilegacy/redis').replace('global:\n', 'global:\n  security:\n    allowInsecureImages: true\n'));
  });
});

describe('real-world shapes', () => {
  const cases: { name: string; file: string; text: string; want: { rule: string; fixed: string } }[] = [
    {
      name: 'a tool-named image mapping in chart values (`kubectl: {repository, tag}`)',
      file: 'values.yaml',
      text: 'csi:\n  kubectl:\n    repository: bitnami/kubectl\n    tag: latest\n',
      want: { rule: 'BITNAMI-LEGACY', fixed: 'csi:\n  kubectl:\n    repository: bitnamilegacy/kubectl\n    tag: latest\nglobal:\n  security:\n    allowInsecureImages: true\n' },
    },
    {
      name: 'Helm values written by a shell heredoc, split fields included',
      file: 'deploy.sh',
      text: 'cat > "$V" << EOF\nimage:\n  registry: docker.io\n  repository: kubeflow/spark-operator\n  tag: ${VERSION}\nEOF\nhelm install so spark-operator -f "$V"\n',
      want: { rule: 'SO-DOCKERIO', fixed: 'cat > "$V" << EOF\nimage:\n  registry: ghcr.io\n  repository: kubeflow/spark-operator/controller\n  tag: ${VERSION}\nEOF\nhelm install so spark-operator -f "$V"\n' },
    },
    {
      name: 'a manifest applied through a <<- heredoc',
      file: 'apply.sh',
      text: 'kubectl apply -f - <<-EOF\n\tspec:\n\t  containers:\n\t  - image: k8s.gcr.io/echoserver:1.10\n\tEOF\n',
      want: { rule: 'K8S-GCR', fixed: 'kubectl apply -f - <<-EOF\n\tspec:\n\t  containers:\n\t  - image: registry.k8s.io/echoserver:1.10\n\tEOF\n' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = analyzeText(c.text, c.file, ruleSet);
      assert.deepStrictEqual(r.findings.map((f) => f.rule.id), [c.want.rule]);
      assert.strictEqual(applyEdits(c.text, r.findings[0].edits), c.want.fixed);
    });
  }
});
