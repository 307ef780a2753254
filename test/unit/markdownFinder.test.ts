import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { ImageMention } from '../../src/core/scan/imageMention';
import { findFormatMentions } from '../../src/core/scan/findMentions';
import { assertSpansMatch, itRunsWithin, randomTexts } from './support/fuzz';
import { LineIndex } from '../../src/core/text/span';

/** The Markdown finder as the dispatch runs it (fences go to their format's finder). */
const findMarkdownMentions = (text: string): ImageMention[] => findFormatMentions(text, 'markdown');

/** Expected mention by 1-based line and column, as the CLI reports it. */
interface Want {
  line: number;
  column: number;
  kind: string;
  text: string;
  skipped?: boolean;
  /** `role=text@line:column` for split mentions. */
  parts?: string[];
}

interface Case {
  name: string;
  src: string;
  want: Want[];
}

function summarize(src: string, got: ImageMention[]): string[] {
  const idx = new LineIndex(src);
  const at = (o: number): string => {
    const p = idx.positionAt(o);
    return `${p.line + 1}:${p.character + 1}`;
  };
  for (const m of got) {
    assert.strictEqual(src.slice(m.span.start, m.span.end), m.text);
    for (const p of m.parts ?? []) assert.strictEqual(src.slice(p.span.start, p.span.end), p.text);
  }
  return got.map(
    (m) => `${at(m.span.start)} ${m.kind} ${m.text}${m.skipped ? ' skipped' : ''}${m.parts ? ' [' + m.parts.map((p) => `${p.role}=${p.text}@${at(p.span.start)}`).join(' ') + ']' : ''}`,
  );
}

function expect(want: Want[]): string[] {
  return want.map((w) => `${w.line}:${w.column} ${w.kind} ${w.text}${w.skipped ? ' skipped' : ''}${w.parts ? ' [' + w.parts.join(' ') + ']' : ''}`);
}

const cases: Case[] = [
  {
    name: 'prose: an image deep in a long line (user-guide.md line 667 style)',
    src: `${'word '.repeat(99)}If you use the image \`gcr.io/spark-operator/spark:v3.1.1-gcs-prometheus\`, the jar is at \`/prometheus/jmx.jar\`.\n`,
    want: [{ line: 1, column: 518, kind: 'markdown-prose', text: 'gcr.io/spark-operator/spark:v3.1.1-gcs-prometheus' }],
  },
  {
    name: 'prose: URLs, link targets, Go import paths, file names and path patterns are not images',
    src:
      'See [Dockerfile](https://github.com/GoogleCloudPlatform/spark-on-k8s-operator/blob/master/Dockerfile) and <https://gcr.io/v2/x/y>.\n' +
      'Imports: `github.com/x/y`, `k8s.io/api/core/v1`, golang.org/x/net, gopkg.in/yaml.v3, sigs.k8s.io/kind@v0.20.0.\n' +
      'Edit `values.yaml`, [guide](docs/quick-start-guide.md), kubernetes.io/docs/concepts, `gcr.io/spark-operator/*`, `s3a://bucket/path`.\n' +
      'Open `127.0.0.1:<local port>` or `javascript:80/x`; bare `spark:3.5.0` and `bitnami/redis` are not reported.\n',
    want: [],
  },
  {
    name: 'prose: registries with a dot, localhost with a port, and a tagged unknown host',
    src: 'Use ghcr.io/kubeflow/spark-operator/controller, quay.io/jetstack/cert-manager-controller:v1.14.0,\nus-docker.pkg.dev/p/r/i:1, localhost:5000/app and example.com/team/app:1.0. Also docker.io/bitnami/redis.\n',
    want: [
      { line: 1, column: 5, kind: 'markdown-prose', text: 'ghcr.io/kubeflow/spark-operator/controller' },
      { line: 1, column: 49, kind: 'markdown-prose', text: 'quay.io/jetstack/cert-manager-controller:v1.14.0' },
      { line: 2, column: 1, kind: 'markdown-prose', text: 'us-docker.pkg.dev/p/r/i:1' },
      { line: 2, column: 28, kind: 'markdown-prose', text: 'localhost:5000/app' },
      { line: 2, column: 51, kind: 'markdown-prose', text: 'example.com/team/app:1.0' },
      { line: 2, column: 82, kind: 'markdown-prose', text: 'docker.io/bitnami/redis' },
    ],
  },
  {
    name: 'inline code: `image: x` gives a bare name context; a command in inline code is shell',
    src: 'Set `image: spark:3.5.0` or run `docker pull bitnami/redis:7` first.\n',
    want: [
      { line: 1, column: 13, kind: 'markdown-inline-code', text: 'spark:3.5.0' },
      { line: 1, column: 46, kind: 'markdown-inline-code', text: 'bitnami/redis:7' },
    ],
  },
  {
    name: 'helm-docs table: registry and repository rows with one prefix are one split mention',
    src:
      '| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n' +
      '| image.registry | string | `"docker.io"` | Image registry. |\n' +
      '| image.repository | string | `"kubeflow/spark-operator"` | Image repository. |\n' +
      '| image.tag | string | If not set, the chart appVersion will be used. | Image tag. |\n',
    want: [{ line: 4, column: 33, kind: 'split-markdown-table', text: 'kubeflow/spark-operator', parts: ['registry=docker.io@3:31', 'repository=kubeflow/spark-operator@4:33'] }],
  },
  {
    name: 'helm-docs table: a lone repository row is the full name',
    src: '| Key | Type | Default | Description |\n|---|---|---|---|\n| image.repository | string | `"gcr.io/spark-operator/spark-operator"` | Image repository |\n| image.pullPolicy | string | `"IfNotPresent"` | Image pull policy |\n',
    want: [{ line: 3, column: 33, kind: 'markdown-table', text: 'gcr.io/spark-operator/spark-operator' }],
  },
  {
    name: 'helm-docs table: prefixes must match; `*.image` holds a whole reference',
    src: '| Key | Type | Default | Description |\n|---|---|---|---|\n| controller.image.registry | string | `"quay.io"` | |\n| webhook.image.repository | string | `"org/webhook"` | |\n| `sidecar.image` | string | `"busybox:1.36"` | |\n',
    want: [
      { line: 4, column: 41, kind: 'markdown-table', text: 'org/webhook' },
      { line: 5, column: 32, kind: 'markdown-table', text: 'busybox:1.36' },
    ],
  },
  {
    name: 'readme-generator tables (unquoted code values) and plain tables without code spans',
    src:
      '| Name | Description | Value |\n| --- | --- | --- |\n| `image.registry` | Redis image registry | `docker.io` |\n| `image.repository` | Redis image repository | `bitnami/redis` |\n\n' +
      '| Parameter | Description | Default |\n|---|---|---|\n| image.repository | The image | gcr.io/google_containers/pause |\n',
    want: [
      { line: 4, column: 50, kind: 'split-markdown-table', text: 'bitnami/redis', parts: ['registry=docker.io@3:46', 'repository=bitnami/redis@4:50'] },
      { line: 8, column: 34, kind: 'markdown-table', text: 'gcr.io/google_containers/pause' },
    ],
  },
  {
    name: 'bash fence with $ prompts (test/e2e/README.md)',
    src:
      '```bash\n$ docker build -t gcr.io/spark-operator/spark-operator:local .\n$ go test -v ./test/e2e/ --kubeconfig "$HOME/.kube/config" --operator-image=gcr.io/spark-operator/spark-operator:local\n```\n',
    want: [
      { line: 2, column: 19, kind: 'markdown-shell', text: 'gcr.io/spark-operator/spark-operator:local' },
      { line: 3, column: 77, kind: 'markdown-shell', text: 'gcr.io/spark-operator/spark-operator:local' },
    ],
  },
  {
    name: 'console fence: output lines are not commands',
    src: '```console\n$ docker pull quay.io/a/b:1\nStatus: Downloaded newer image for quay.io/a/b:1\n```\n',
    want: [{ line: 2, column: 15, kind: 'markdown-shell', text: 'quay.io/a/b:1' }],
  },
  {
    name: 'shell fence: templated names are skipped, placeholders too',
    src: '```sh\ndocker build -t <image-tag> .\nhelm upgrade r --set image.repository=org/image\n```\n',
    want: [
      { line: 2, column: 17, kind: 'markdown-shell', text: '<image-tag>', skipped: true },
      { line: 3, column: 39, kind: 'markdown-shell', text: 'org/image' },
    ],
  },
  {
    name: 'Dockerfile and Makefile fences',
    src: '```Dockerfile\nFROM k8s.gcr.io/pause:3.2 AS p\nCOPY --from=p / /\n```\n\n~~~makefile\nIMG ?= controller:latest\n~~~\n',
    want: [
      { line: 2, column: 6, kind: 'markdown-dockerfile', text: 'k8s.gcr.io/pause:3.2' },
      { line: 7, column: 8, kind: 'markdown-shell', text: 'controller:latest' },
    ],
  },
  {
    name: 'yaml fence: image lines, even in a snippet that is not valid YAML',
    src: '```yaml\nspec:\n  image: "gcr.io/spark-operator/spark:v3.1.1"\n  ...\n  - image: sidecar1:latest\n```\n',
    want: [
      { line: 3, column: 11, kind: 'markdown-yaml-image', text: 'gcr.io/spark-operator/spark:v3.1.1' },
      { line: 5, column: 12, kind: 'markdown-yaml-image', text: 'sidecar1:latest' },
    ],
  },
  {
    name: 'untagged fences: shell by its first command, yaml by image:, else prose only',
    src: '```\n$ docker pull bitnami/redis:7\n```\n\n```\nimage: nginx:1.25\n```\n\n```\nredis:7 gcr.io/x/y:1\n```\n',
    want: [
      { line: 2, column: 15, kind: 'markdown-shell', text: 'bitnami/redis:7' },
      { line: 6, column: 8, kind: 'markdown-yaml-image', text: 'nginx:1.25' },
      { line: 10, column: 9, kind: 'markdown-code', text: 'gcr.io/x/y:1' },
    ],
  },
  {
    name: 'an unclosed fence runs to the end; indented and blockquoted fences',
    src: '1. Step\n   ```sh\n   docker push ghcr.io/a/b:1\n   ```\n> ```sh\n> docker push ghcr.io/c/d:1\n> ```\n```sh\ndocker pull ghcr.io/e/f:1\n',
    want: [
      { line: 3, column: 16, kind: 'markdown-shell', text: 'ghcr.io/a/b:1' },
      { line: 6, column: 15, kind: 'markdown-shell', text: 'ghcr.io/c/d:1' },
      { line: 9, column: 13, kind: 'markdown-shell', text: 'ghcr.io/e/f:1' },
    ],
  },
  {
    name: 'CRLF line endings keep columns',
    src: 'Use `docker.io/bitnami/redis:7.2` here.\r\n\r\n```bash\r\ndocker pull docker.io/bitnami/redis:7.2\r\n```\r\n',
    want: [
      { line: 1, column: 6, kind: 'markdown-prose', text: 'docker.io/bitnami/redis:7.2' },
      { line: 4, column: 13, kind: 'markdown-shell', text: 'docker.io/bitnami/redis:7.2' },
    ],
  },
];

describe('findMarkdownMentions', () => {
  for (const c of cases) it(c.name, () => assert.deepStrictEqual(summarize(c.src, findMarkdownMentions(c.src)), expect(c.want)));

  it('finds the fixture README images and nothing else', () => {
    const root = [path.resolve(__dirname, '..', '..', '..'), process.cwd()].find((r) => fs.existsSync(path.join(r, 'test', 'fixtures', 'markdown')))!;
    const src = fs.readFileSync(path.join(root, 'test', 'fixtures', 'markdown', 'README.md'), 'utf8');
    const texts = findMarkdownMentions(src).map((m) => `${m.kind} ${m.text}`);
    assert.deepStrictEqual(texts, [
      'markdown-prose gcr.io/spark-operator/spark-operator:v1beta2-1.3.8-3.1.1',
      'markdown-inline-code spark:3.5.0',
      'split-markdown-table kubeflow/spark-operator',
      'markdown-table ghcr.io/googlecloudplatform/spark-operator',
      'markdown-yaml-image gcr.io/spark-operator/spark:v3.1.1',
      'markdown-shell gcr.io/spark-operator/spark-operator:local',
      'markdown-shell org/image',
      'markdown-dockerfile k8s.gcr.io/pause:3.2',
      'markdown-shell quay.io/untagged/fence:1',
      'markdown-code registry.k8s.io/kube-proxy:v1.29.0',
    ]);
  });
});

describe('findMarkdownMentions robustness', () => {
  const bounded: { name: string; build: () => string }[] = [
    { name: 'a 50 MB single line of slashes and registry names', build: () => 'see gcr.io/a/b:1 and x/y '.repeat(2_000_000) },
    { name: 'a 50 MB single line without slashes or backticks', build: () => 'a'.repeat(50_000_000) },
    { name: 'a 50 MB single line of backticks and pipes', build: () => '|`a`|`'.repeat(8_000_000) },
    { name: '50 MB of short lines, one slash at the end', build: () => 'just some prose here\n'.repeat(2_400_000) + 'gcr.io/a/b\n' },
    { name: 'a 50 MB unclosed fence', build: () => '```sh\n' + 'echo hi there\n'.repeat(3_500_000) },
  ];
  itRunsWithin(2000, bounded, (text) => findMarkdownMentions(text));

  it('NUL bytes and random bytes never throw, and every span matches its text', () => {
    const alphabet = '```yaml sh \n\r\t|`"image: docker pull gcr.io/a/b:1 .registry .repository $ ~~~ >\0/:@.-';
    for (const s of randomTexts(4242, alphabet, 300, 500)) assertSpansMatch(s, findMarkdownMentions(s));
  });
});
