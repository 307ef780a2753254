import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { ImageMention } from '../../src/core/scan/imageMention';
import { findFormatMentions } from '../../src/core/scan/findMentions';
import { assertSpansMatch, itRunsWithin, randomTexts } from './support/fuzz';

/** The shell finder as the dispatch runs it (heredoc YAML goes to the YAML finder). */
const findShellMentions = (text: string, o: { make: boolean }): ImageMention[] => findFormatMentions(text, o.make ? 'makefile' : 'shell');

/** One expected mention: `at` is the offset, or the first occurrence of `text` (after `after`). */
interface Want {
  kind: string;
  text: string;
  at?: number;
  after?: string;
  skipped?: boolean;
  parts?: string[];
}

interface Case {
  name: string;
  src: string;
  make?: boolean;
  want: Want[];
}

function offsetOf(src: string, w: Want): number {
  if (w.at !== undefined) return w.at;
  const from = w.after ? src.indexOf(w.after) + w.after.length : 0;
  const i = src.indexOf(w.text, from);
  assert.ok(i !== -1, `test bug: "${w.text}" is not in the source`);
  return i;
}

function check(src: string, got: ImageMention[], want: Want[]): void {
  for (const m of got) {
    assert.strictEqual(src.slice(m.span.start, m.span.end), m.text, `span and text of ${m.kind} agree`);
    for (const p of m.parts ?? []) assert.strictEqual(src.slice(p.span.start, p.span.end), p.text);
  }
  const summary = (m: ImageMention): string => `${m.kind} ${m.text}@${m.span.start}${m.skipped ? ' skipped' : ''}${m.parts ? ' [' + m.parts.map((p) => `${p.role}=${p.text}@${p.span.start}`).join(' ') + ']' : ''}`;
  const expected = want
    .map((w) => {
      const at = offsetOf(src, w);
      const parts = w.parts?.map((p) => {
        const [role, text] = p.split('=');
        return `${role}=${text}@${src.indexOf(text)}`;
      });
      return { at, s: `${w.kind} ${w.text}@${at}${w.skipped ? ' skipped' : ''}${parts ? ' [' + parts.join(' ') + ']' : ''}` };
    })
    .sort((a, b) => a.at - b.at)
    .map((x) => x.s);
  const actual = [...got].sort((a, b) => a.span.start - b.span.start).map(summary);
  assert.deepStrictEqual(actual, expected);
}

const cases: Case[] = [
  {
    name: 'docker build -t with a literal name (Markdown e2e README)',
    src: 'docker build -t gcr.io/spark-operator/spark-operator:local .\n',
    want: [{ kind: 'shell-build-tag', text: 'gcr.io/spark-operator/spark-operator:local' }],
  },
  {
    name: 'a pasted $ prompt is not the command',
    src: '$ docker push ghcr.io/a/b:1\n',
    want: [{ kind: 'shell-push', text: 'ghcr.io/a/b:1' }],
  },
  {
    name: 'buildx build with several tags, --tag= form and a registry cache ref',
    src: 'docker buildx build --platform linux/amd64,linux/arm64 --push -t ghcr.io/a/b:1 --tag=ghcr.io/a/b:latest --cache-from type=registry,ref=ghcr.io/a/b:cache .',
    want: [
      { kind: 'shell-build-tag', text: 'ghcr.io/a/b:1' },
      { kind: 'shell-build-tag', text: 'ghcr.io/a/b:latest' },
      { kind: 'shell-argument', text: 'ghcr.io/a/b:cache' },
    ],
  },
  {
    name: 'docker pull and push; podman and nerdctl too',
    src: 'docker pull --platform linux/arm64 k8s.gcr.io/pause:3.2\npodman push quay.io/x/y\nnerdctl pull redis:7',
    want: [
      { kind: 'shell-pull', text: 'k8s.gcr.io/pause:3.2' },
      { kind: 'shell-push', text: 'quay.io/x/y' },
      { kind: 'shell-pull', text: 'redis:7' },
    ],
  },
  {
    name: 'docker tag reports both names',
    src: 'docker tag bitnami/redis:7 registry.example.com/cache/redis:7 && docker image tag a b/c',
    want: [
      { kind: 'shell-tag', text: 'bitnami/redis:7' },
      { kind: 'shell-tag', text: 'registry.example.com/cache/redis:7' },
      { kind: 'shell-tag', text: 'a', after: 'image tag ' },
      { kind: 'shell-tag', text: 'b/c' },
    ],
  },
  {
    name: 'docker run skips option values (-e, -v, --name, -p clusters) and the command',
    src: 'sudo docker run --rm -it -e A=1 -v /x:/y --name web -dp 8080:80 --network=host nginx:1.25 nginx -g "daemon off;"',
    want: [{ kind: 'shell-run', text: 'nginx:1.25' }],
  },
  {
    name: 'docker run: option-valued Make variables are not the image',
    src: '\tdocker run $(DOCKER_ARGS) $${CI:+-e CI=1} $(IMG) test\n',
    make: true,
    want: [{ kind: 'shell-run', text: '$(IMG)', skipped: true }],
  },
  {
    name: 'quoted image with a templated tag is a real mention; quotes are excluded',
    src: 'docker run "quay.io/a/b:${TAG}" sh',
    want: [{ kind: 'shell-run', text: 'quay.io/a/b:${TAG}' }],
  },
  {
    name: 'templated repository is skipped with a reason',
    src: 'docker build -t ${REGISTRY}/app:${TAG} .\ndocker push "$IMAGE"',
    want: [
      { kind: 'shell-build-tag', text: '${REGISTRY}/app:${TAG}', skipped: true },
      { kind: 'shell-push', text: '$IMAGE', skipped: true },
    ],
  },
  {
    name: 'line continuations and comments',
    src: 'docker build \\\n  --build-arg A=1 \\\n  -t registry.k8s.io/foo/bar:v1 \\\n  .  # not gcr.io/x/y:1\n# docker pull gcr.io/nope/nope:1\n',
    want: [{ kind: 'shell-build-tag', text: 'registry.k8s.io/foo/bar:v1' }],
  },
  {
    name: 'CRLF line endings',
    src: 'docker pull gcr.io/a/b:1\r\ndocker push gcr.io/a/b:2\r\n',
    want: [
      { kind: 'shell-pull', text: 'gcr.io/a/b:1' },
      { kind: 'shell-push', text: 'gcr.io/a/b:2' },
    ],
  },
  {
    name: '--operator-image= and --image flags',
    src: 'go test ./test/e2e/ --kubeconfig "$HOME/.kube/config" --operator-image=gcr.io/spark-operator/spark-operator:local\nkubectl run x --image=busybox:1.36\nkind create cluster --image kindest/node:v1.29.2',
    want: [
      { kind: 'shell-image-flag', text: 'gcr.io/spark-operator/spark-operator:local' },
      { kind: 'shell-image-flag', text: 'busybox:1.36' },
      { kind: 'shell-image-flag', text: 'kindest/node:v1.29.2' },
    ],
  },
  {
    name: 'minikube image load, kind load docker-image, k3d image import',
    src: 'minikube image load gcr.io/x/y:1\nkind load docker-image a/b:1 c/d:2 --name dev\nk3d image import e/f:3 -c dev',
    want: [
      { kind: 'shell-minikube-load', text: 'gcr.io/x/y:1' },
      { kind: 'shell-kind-load', text: 'a/b:1' },
      { kind: 'shell-kind-load', text: 'c/d:2' },
      { kind: 'shell-k3d-import', text: 'e/f:3' },
    ],
  },
  {
    name: 'crane copy and digest',
    src: 'crane copy gcr.io/a/b:1 ghcr.io/a/b:1\ncrane digest --platform linux/amd64 quay.io/c/d:2',
    want: [
      { kind: 'shell-crane', text: 'gcr.io/a/b:1' },
      { kind: 'shell-crane', text: 'ghcr.io/a/b:1' },
      { kind: 'shell-crane', text: 'quay.io/c/d:2' },
    ],
  },
  {
    name: 'skopeo docker:// transport is excluded from the span',
    src: 'skopeo copy --all docker://k8s.gcr.io/pause:3.2 docker://registry.k8s.io/pause:3.2\nskopeo inspect docker://quay.io/a/b',
    want: [
      { kind: 'shell-docker-transport', text: 'k8s.gcr.io/pause:3.2' },
      { kind: 'shell-docker-transport', text: 'registry.k8s.io/pause:3.2' },
      { kind: 'shell-docker-transport', text: 'quay.io/a/b' },
    ],
  },
  {
    name: 'helm --set image.repository alone is a mention',
    src: 'helm upgrade <YOUR-HELM-RELEASE-NAME> --set image.repository=org/image --set image.tag=newTag',
    want: [{ kind: 'shell-helm-set', text: 'org/image' }],
  },
  {
    name: 'helm --set registry and repository in one command are one split mention',
    src: 'helm install so chart --set image.registry=docker.io --set-string image.repository=kubeflow/spark-operator,image.tag=v2',
    want: [{ kind: 'shell-helm-set-split', text: 'kubeflow/spark-operator', parts: ['registry=docker.io', 'repository=kubeflow/spark-operator'] }],
  },
  {
    name: 'shell assignments: IMAGE= is strict, ${X:-default} yields the default, export',
    src: 'IMAGE=gcr.io/a/b:1\nIMG="${IMG:-ghcr.io/c/d:2}"\nexport CONTROLLER_IMAGE=quay.io/e/f\nBASE_IMAGE=${REGISTRY}/base\n',
    want: [
      { kind: 'shell-assignment', text: 'gcr.io/a/b:1' },
      { kind: 'shell-assignment', text: 'ghcr.io/c/d:2' },
      { kind: 'shell-assignment', text: 'quay.io/e/f' },
      { kind: 'shell-assignment', text: '${REGISTRY}/base', skipped: true },
    ],
  },
  {
    name: 'IMAGE_REGISTRY + IMAGE_REPOSITORY in one file are one split mention',
    src: 'IMAGE_REGISTRY=docker.io\nIMAGE_TAG=v1\nexport IMAGE_REPOSITORY="bitnami/redis"\n',
    want: [{ kind: 'split-env', text: 'bitnami/redis', parts: ['registry=docker.io', 'repository=bitnami/redis'] }],
  },
  {
    name: 'non-image assignments and words are not mentions',
    src: 'GOPROXY=proxy.golang.org\nIMAGE_TAG=v1.2.3\nVERSION=1.0\ngit clone https://github.com/x/y\ngo install sigs.k8s.io/kind@v0.20.0\necho github.com/x/y k8s.io/api golang.org/x/net values.yaml\ncurl -sSL https://gcr.io/v2/x/y/tags/list\n',
    want: [],
  },
  {
    name: 'an obvious image anywhere in a command is found',
    src: 'trivy image --severity HIGH registry.k8s.io/kube-apiserver:v1.29.0\nkubectl set image deploy/x app=gcr.io/a/b:2',
    want: [
      { kind: 'shell-word', text: 'registry.k8s.io/kube-apiserver:v1.29.0' },
      { kind: 'shell-kubectl-set-image', text: 'gcr.io/a/b:2' },
    ],
  },
  {
    name: 'image: lines of a YAML heredoc',
    src: 'cat <<EOF | kubectl apply -f -\nspec:\n  containers:\n  - image: nginx:1.25\n    name: web\nEOF\n',
    want: [{ kind: 'shell-heredoc-image', text: 'nginx:1.25' }],
  },
  {
    name: 'a build-arg placeholder split by spaces is not reported',
    src: 'docker build --build-arg SPARK_IMAGE=<your Spark image> -t <image-tag> .',
    want: [{ kind: 'shell-build-tag', text: '<image-tag>', skipped: true }],
  },
  {
    name: 'Makefile: IMG ?= strict, templated IMG skipped, comments stripped, := and override',
    make: true,
    src: 'IMG ?= controller:latest # the image\nBUNDLE_IMG ?= $(IMAGE_TAG_BASE)-bundle:v$(VERSION)\noverride BASE_IMAGE := gcr.io/distroless/static:nonroot\nVERSION ?= 0.0.1\n',
    want: [
      { kind: 'make-assignment', text: 'controller:latest' },
      { kind: 'make-assignment', text: '$(IMAGE_TAG_BASE)-bundle:v$(VERSION)', skipped: true },
      { kind: 'make-assignment', text: 'gcr.io/distroless/static:nonroot' },
    ],
  },
  {
    name: 'Makefile recipes: $(CONTAINER_TOOL) build, @-prefixed commands, make IMG=… arguments',
    make: true,
    src: 'docker-build: ## Build\n\t$(CONTAINER_TOOL) build -t ${IMG} .\n\t@docker push quay.io/a/b:$(VERSION)\n\t-$(KIND) load docker-image ghcr.io/x/y:dev\ne2e:\n\t$(MAKE) deploy IMG=gcr.io/p/q:1\n',
    want: [
      { kind: 'shell-build-tag', text: '${IMG}', skipped: true },
      { kind: 'shell-push', text: 'quay.io/a/b:$(VERSION)' },
      { kind: 'shell-kind-load', text: 'ghcr.io/x/y:dev' },
      { kind: 'shell-argument', text: 'gcr.io/p/q:1' },
    ],
  },
  {
    name: 'Makefile: REGISTRY/REPOSITORY pair with the same (empty) prefix',
    make: true,
    src: 'REGISTRY ?= gcr.io\nREPOSITORY ?= spark-operator/spark-operator\nTAG ?= $(shell git describe)\n',
    want: [{ kind: 'split-env', text: 'spark-operator/spark-operator', parts: ['registry=gcr.io', 'repository=spark-operator/spark-operator'] }],
  },
  {
    name: 'Makefile: a lone REGISTRY with a namespace is a name; a bare host is not',
    make: true,
    src: 'REGISTRY ?= gcr.io/k8s-staging-foo\nOTHER_REGISTRY ?= quay.io\n',
    want: [{ kind: 'shell-registry', text: 'gcr.io/k8s-staging-foo' }],
  },
];

describe('findShellMentions', () => {
  for (const c of cases) {
    it(c.name, () => check(c.src, findShellMentions(c.src, { make: c.make ?? false }), c.want));
  }

  it('finds the same images in a fixture script and Makefile', () => {
    const root = [path.resolve(__dirname, '..', '..', '..'), process.cwd()].find((r) => fs.existsSync(path.join(r, 'test', 'fixtures', 'shell')))!;
    const dir = path.join(root, 'test', 'fixtures', 'shell');
    const sh = fs.readFileSync(path.join(dir, 'release.sh'), 'utf8');
    const mk = fs.readFileSync(path.join(dir, 'Makefile'), 'utf8');
    const texts = (ms: ImageMention[]): string[] => ms.filter((m) => !m.skipped).map((m) => m.text).sort();
    assert.deepStrictEqual(texts(findShellMentions(sh, { make: false })), ['gcr.io/spark-operator/spark-operator:v1beta2-1.3.8-3.1.1', 'ghcr.io/kubeflow/spark-operator/controller:2.0.0', 'k8s.gcr.io/pause:3.2']);
    assert.deepStrictEqual(texts(findShellMentions(mk, { make: true })), ['controller:latest', 'gcr.io/spark-operator', 'kubeflow/spark-operator']);
    const split = findShellMentions(mk, { make: true }).find((m) => m.kind === 'split-env');
    assert.deepStrictEqual(split?.parts?.map((p) => p.text), ['docker.io', 'kubeflow/spark-operator']);
  });
});

describe('findShellMentions robustness', () => {
  const bounded: { name: string; make: boolean; build: () => string }[] = [
    { name: 'a 50 MB single line of words', make: false, build: () => 'docker run a/b:1 '.repeat(3_000_000) },
    { name: 'a 50 MB single line without breaks', make: false, build: () => 'x/'.repeat(25_000_000) },
    { name: 'a 50 MB Makefile line of quotes and $(', make: true, build: () => 'IMG ?= "$('.repeat(6_000_000) },
    { name: '50 MB of short lines with no slash', make: false, build: () => 'echo hello world\n'.repeat(3_000_000) },
  ];
  itRunsWithin(2000, bounded, (text, b) => findShellMentions(text, { make: b.make }));

  it('NUL bytes and random bytes never throw, and every span matches its text', () => {
    const alphabet = 'docker pull run build -t --tag= $(){}"\'\\\n\r\t#;&|=:/@.IMAGE_REGISTRY gcr.io a/b \0';
    for (const s of randomTexts(12345, alphabet)) for (const make of [false, true]) assertSpansMatch(s, findShellMentions(s, { make }));
    // A NUL inside a known image argument makes it invalid: reported as skipped, never as an image.
    assert.ok(findShellMentions('docker pull \0gcr.io/a/b\0', { make: false }).every((m) => m.skipped));
  });
});
