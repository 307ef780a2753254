import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { findFormatMentions } from '../../src/core/scan/findMentions';
import type { FileFormat } from '../../src/core/scan/fileFormat';
import type { ImageMention } from '../../src/core/scan/imageMention';
import { LineIndex } from '../../src/core/text/span';

/** The YAML finder as the dispatch runs it (run: blocks go to the shell finder). */
const findYamlMentions = (text: string, format: FileFormat): ImageMention[] => findFormatMentions(text, format);

/** A mention as the tests spell it: 1-based line and column, like the CLI prints. */
interface Seen {
  text: string;
  kind: string;
  at: string;
  skipped?: true;
  parts?: string[];
}

function describeMentions(source: string, found: ImageMention[]): Seen[] {
  const idx = new LineIndex(source);
  const at = (o: number): string => {
    const p = idx.positionAt(o);
    return `${p.line + 1}:${p.character + 1}`;
  };
  return [...found]
    .sort((a, b) => a.span.start - b.span.start)
    .map((m) => {
      assert.strictEqual(source.slice(m.span.start, m.span.end), m.text, `span of ${m.kind} matches its text`);
      const s: Seen = { text: m.text, kind: m.kind, at: at(m.span.start) };
      if (m.skipped) s.skipped = true;
      if (m.parts) {
        s.parts = m.parts.map((p) => {
          assert.strictEqual(source.slice(p.span.start, p.span.end), p.text, `span of part ${p.role} matches its text`);
          return `${p.role}@${at(p.span.start)}=${p.text}`;
        });
      }
      return s;
    });
}

interface Case {
  name: string;
  format: FileFormat;
  text: string;
  want: Seen[];
}

const k8s = (text: string, at: string, kind = 'k8s-image'): Seen => ({ text, kind, at });

const cases: Case[] = [
  // Kubernetes and CRDs
  {
    name: 'Deployment containers and initContainers, quoted and plain',
    format: 'yaml',
    text: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: app',
      '  labels:',
      '    image: not-a-label-we-skip',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '      - name: init',
      '        image: "k8s.gcr.io/busybox:1.28" # trailing comment',
      '      containers:',
      '        - name: gcr.io/not/an-image',
      "          image: 'gcr.io/spark-operator/spark-operator:v1beta2-1.3.0-3.1.1'",
      '          imagePullPolicy: Always',
      '        - image: registry.k8s.io/pause:3.9',
      '          name: pause',
      '',
    ].join('\n'),
    want: [
      k8s('k8s.gcr.io/busybox:1.28', '12:17'),
      k8s('gcr.io/spark-operator/spark-operator:v1beta2-1.3.0-3.1.1', '15:19'),
      k8s('registry.k8s.io/pause:3.9', '17:18'),
    ],
  },
  {
    name: 'multi-document file: CronJob, SparkApplication (crd-image), list separators',
    format: 'yaml',
    text: [
      '---',
      'apiVersion: batch/v1',
      'kind: CronJob',
      'spec:',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          containers:',
      '          - image: k8s.gcr.io/kubectl:v1.20.0',
      '---',
      'apiVersion: "sparkoperator.k8s.io/v1beta2"',
      'kind: SparkApplication',
      'spec:',
      '  image: "gcr.io/spark-operator/spark:v3.1.1"',
      '  driver:',
      '    image: "spark"',
      '  executor:',
      '    sidecarImage: gcr.io/x/sidecar:1',
      '...',
      '---',
      'kind: Pod',
      'apiVersion: v1',
      'spec: {containers: [{name: a, image: "quay.io/coreos/flannel:v0.14.0"}]}',
    ].join('\n'),
    want: [
      k8s('k8s.gcr.io/kubectl:v1.20.0', '10:20'),
      k8s('gcr.io/spark-operator/spark:v3.1.1', '15:11', 'crd-image'),
      k8s('spark', '17:13', 'crd-image'),
      k8s('gcr.io/x/sidecar:1', '19:19', 'crd-image'),
      k8s('quay.io/coreos/flannel:v0.14.0', '24:39'),
    ],
  },
  {
    name: 'templated tags are mentions, templated repositories are skipped, placeholders skipped',
    format: 'yaml',
    text: [
      'kind: Pod',
      'spec:',
      '  containers:',
      '  - image: gcr.io/spark-operator/spark-operator:${DOCKER_TAG}',
      '  - image: ${REGISTRY}/app:1',
      '  - image: {IMAGE_REGISTRY}/{IMAGE_REPOSITORY}/spark:3.5.5',
    ].join('\n'),
    want: [
      k8s('gcr.io/spark-operator/spark-operator:${DOCKER_TAG}', '4:12'),
      { ...k8s('${REGISTRY}/app:1', '5:12'), skipped: true },
      { ...k8s('{IMAGE_REGISTRY}/{IMAGE_REPOSITORY}/spark:3.5.5', '6:12'), skipped: true },
    ],
  },
  {
    name: 'values that are not images: pictures, paths, URLs, booleans, escapes, folded, aliases',
    format: 'yaml',
    text: [
      'image: /static/logo.png',
      'ogImage: https://example.com/card.jpg',
      'buildImage: ./Dockerfile',
      'useImage: true',
      'escaped: ',
      '  image: "gcr.io/a\\u002fb:1"',
      'folded:',
      '  image: gcr.io/a/b',
      '    :1',
      'base: &base',
      '  image: gcr.io/anchored/image:1',
      'other:',
      '  <<: *base',
      '  image: *ref',
      'go: github.com/org/repo/pkg',
      'url: https://gcr.io/v2/x/tags/list',
    ].join('\n'),
    want: [k8s('gcr.io/anchored/image:1', '11:10', 'yaml-image')],
  },
  {
    name: 'block scalar holding one reference',
    format: 'yaml',
    text: 'kind: Pod\nspec:\n  image: |\n    k8s.gcr.io/pause:3.2\n  name: x\n',
    want: [k8s('k8s.gcr.io/pause:3.2', '4:5')],
  },
  {
    name: 'a value on the line after its key, and nested sequences',
    format: 'yaml',
    text: 'kind: Pod\nspec:\n  image:\n    "k8s.gcr.io/pause:3.2"\n  list:\n  - - image: gcr.io/a/b:1\n    - image:\n        ghcr.io/c/d:2\n',
    want: [k8s('k8s.gcr.io/pause:3.2', '4:6'), k8s('gcr.io/a/b:1', '6:14'), k8s('ghcr.io/c/d:2', '8:9')],
  },
  {
    name: 'CRLF line endings keep exact spans',
    format: 'yaml',
    text: 'kind: Pod\r\nspec:\r\n  containers:\r\n  - image: k8s.gcr.io/pause:3.2\r\n  - image: "gcr.io/a/b:1"\r\n',
    want: [k8s('k8s.gcr.io/pause:3.2', '4:12'), k8s('gcr.io/a/b:1', '5:13')],
  },
  {
    name: 'Skaffold artifacts',
    format: 'yaml',
    text: 'apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n  - image: gcr.io/k8s-skaffold/leeroy-web\n    context: web\n',
    want: [k8s('gcr.io/k8s-skaffold/leeroy-web', '5:12', 'skaffold-image')],
  },
  {
    name: 'Cloud Build steps, docker args and images',
    format: 'yaml',
    text: [
      'steps:',
      "- name: 'gcr.io/cloud-builders/docker'",
      "  args: ['build', '-t', 'gcr.io/google_containers/app:1', '--tag=k8s.gcr.io/x:2', '.']",
      '- name: gcr.io/cloud-builders/docker',
      '  args:',
      '  - push',
      '  - gcr.io/google-containers/pushed:3',
      '- name: ubuntu',
      '  entrypoint: bash',
      'images:',
      "- 'gcr.io/$PROJECT_ID/app'",
      '- k8s.gcr.io/app:2',
    ].join('\n'),
    want: [
      k8s('gcr.io/cloud-builders/docker', '2:10', 'cloudbuild-step'),
      k8s('gcr.io/google_containers/app:1', '3:26', 'cloudbuild-docker'),
      k8s('k8s.gcr.io/x:2', '3:66', 'cloudbuild-docker'),
      k8s('gcr.io/cloud-builders/docker', '4:9', 'cloudbuild-step'),
      k8s('gcr.io/google-containers/pushed:3', '7:5', 'cloudbuild-docker'),
      k8s('ubuntu', '8:9', 'cloudbuild-step'),
      { ...k8s('gcr.io/$PROJECT_ID/app', '11:4', 'cloudbuild-image'), skipped: true },
      k8s('k8s.gcr.io/app:2', '12:3', 'cloudbuild-image'),
    ],
  },

  // Helm values
  {
    name: 'Helm split registry/repository/tag; tag "" kept as an empty part',
    format: 'helm-values',
    text: [
      'image:',
      '  # -- Image registry.',
      '  registry: docker.io',
      '  repository: kubeflow/spark-operator',
      '  tag: ""',
      '  pullPolicy: IfNotPresent',
    ].join('\n'),
    want: [
      {
        text: 'kubeflow/spark-operator',
        kind: 'helm-values-repository',
        at: '4:15',
        parts: ['registry@3:13=docker.io', 'repository@4:15=kubeflow/spark-operator', 'tag@5:9='],
      },
    ],
  },
  {
    name: 'Helm repository alone holding a full reference; any key ending in image; digest',
    format: 'helm-values',
    text: [
      'image:',
      '  repository: ghcr.io/googlecloudplatform/spark-operator',
      'controller:',
      '  webhookImage:',
      "    repository: 'bitnami/kubectl'",
      '    tag: 1.25',
      '    digest: sha256:' + 'a'.repeat(64),
      '  sidecar:',
      '    image: "k8s.gcr.io/git-sync:v3.1.6"',
      'images:',
      '  exporter: {repository: quay.io/coreos/kube-state-metrics, tag: v1.9.8}',
      'imageOnly:',
      '  tag: "7"',
    ].join('\n'),
    want: [
      { text: 'ghcr.io/googlecloudplatform/spark-operator', kind: 'helm-values-repository', at: '2:15', parts: ['repository@2:15=ghcr.io/googlecloudplatform/spark-operator'] },
      {
        text: 'bitnami/kubectl',
        kind: 'helm-values-repository',
        at: '5:18',
        parts: ['repository@5:18=bitnami/kubectl', 'tag@6:10=1.25', `digest@7:13=sha256:${'a'.repeat(64)}`],
      },
      k8s('k8s.gcr.io/git-sync:v3.1.6', '9:13', 'helm-values-image'),
      {
        text: 'quay.io/coreos/kube-state-metrics',
        kind: 'helm-values-repository',
        at: '11:26',
        parts: ['repository@11:26=quay.io/coreos/kube-state-metrics', 'tag@11:66=v1.9.8'],
      },
    ],
  },
  {
    name: 'global.imageRegistry stands in when the image has no registry of its own',
    format: 'helm-values',
    text: [
      'global:',
      '  imageRegistry: "docker.io"',
      'image:',
      '  repository: bitnami/redis',
      '  tag: 7.2.4',
      'metrics:',
      '  image:',
      '    registry: quay.io',
      '    repository: oliver006/redis_exporter',
    ].join('\n'),
    want: [
      { text: 'bitnami/redis', kind: 'helm-values-repository', at: '4:15', parts: ['registry@2:19=docker.io', 'repository@4:15=bitnami/redis', 'tag@5:8=7.2.4'] },
      { text: 'oliver006/redis_exporter', kind: 'helm-values-repository', at: '9:17', parts: ['registry@8:15=quay.io', 'repository@9:17=oliver006/redis_exporter'] },
    ],
  },
  {
    name: 'global.image.registry form, and a templated repository is skipped',
    format: 'yaml',
    text: ['global:', '  image:', '    registry: gcr.io', 'image:', '  repository: "{{ .Values.x }}"', 'other:', '  image:', '    repository: google_containers/pause'].join('\n'),
    want: [
      { text: '{{ .Values.x }}', kind: 'helm-values-repository', at: '5:16', skipped: true, parts: ['registry@3:15=gcr.io', 'repository@5:16={{ .Values.x }}'] },
      { text: 'google_containers/pause', kind: 'helm-values-repository', at: '8:17', parts: ['registry@3:15=gcr.io', 'repository@8:17=google_containers/pause'] },
    ],
  },

  {
    name: 'flat imageRegistry/imageRepository/imageTag fields and the `repo` spelling',
    format: 'helm-values',
    text: [
      'imageRegistry: k8s.gcr.io',
      'imageRepository: ingress-nginx/controller',
      'imageTag: v1.1.0',
      'env:',
      '  IMAGE_NAME: ghcr.io/acme/app',
      '  IMAGE_TAG: "1.0"',
      'backend:',
      '  image_name: gcr.io/google_containers/defaultbackend',
      'sidecar:',
      '  image:',
      '    repo: quay.io/coreos/configmap-reload',
      '    tag: v0.0.1',
    ].join('\n'),
    want: [
      { text: 'ingress-nginx/controller', kind: 'helm-values-repository', at: '2:18', parts: ['registry@1:16=k8s.gcr.io', 'repository@2:18=ingress-nginx/controller', 'tag@3:11=v1.1.0'] },
      { text: 'ghcr.io/acme/app', kind: 'env-image', at: '5:15', parts: ['repository@5:15=ghcr.io/acme/app', 'tag@6:15=1.0'] },
      { text: 'gcr.io/google_containers/defaultbackend', kind: 'helm-values-repository', at: '8:15', parts: ['repository@8:15=gcr.io/google_containers/defaultbackend'] },
      { text: 'quay.io/coreos/configmap-reload', kind: 'helm-values-repository', at: '11:11', parts: ['repository@11:11=quay.io/coreos/configmap-reload', 'tag@12:10=v0.0.1'] },
    ],
  },
  {
    name: 'an empty own registry gives way to global.imageRegistry',
    format: 'helm-values',
    text: 'global:\n  imageRegistry: my.mirror.io\nimage:\n  registry: ""\n  repository: bitnami/redis\n',
    want: [{ text: 'bitnami/redis', kind: 'helm-values-repository', at: '5:15', parts: ['registry@2:18=my.mirror.io', 'repository@5:15=bitnami/redis'] }],
  },
  {
    name: 'env lists and env maps: *_IMAGE values and REGISTRY/REPOSITORY pairs',
    format: 'yaml',
    text: [
      'kind: Deployment',
      'apiVersion: apps/v1',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: op',
      '        image: ghcr.io/kubeflow/spark-operator/controller:2.1.0',
      '        env:',
      '        - name: SPARK_IMAGE',
      '          value: gcr.io/spark-operator/spark:v3.1.1',
      '        - name: IMAGE_REGISTRY',
      '          value: docker.io',
      '        - name: IMAGE_REPOSITORY',
      '          value: kubeflow/spark-operator',
      '        - name: LOG_LEVEL',
      '          value: info',
      '---',
      'variables:',
      '  CI_REGISTRY: k8s.gcr.io',
      '  CI_REPO: pause',
      '  CI_TAG: "3.2"',
    ].join('\n'),
    want: [
      k8s('ghcr.io/kubeflow/spark-operator/controller:2.1.0', '8:16'),
      k8s('gcr.io/spark-operator/spark:v3.1.1', '11:18', 'k8s-env-image'),
      { text: 'kubeflow/spark-operator', kind: 'env-split', at: '15:18', parts: ['registry@13:18=docker.io', 'repository@15:18=kubeflow/spark-operator'] },
      { text: 'pause', kind: 'env-split', at: '21:12', parts: ['registry@20:16=k8s.gcr.io', 'repository@21:12=pause', 'tag@22:12=3.2'] },
    ],
  },
  {
    name: 'YAML inside literal blocks: Argo CD helm values and a ConfigMap; folded blocks are not re-read',
    format: 'yaml',
    text: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'spec:',
      '  source:',
      '    helm:',
      '      values: |',
      '        image:',
      '          registry: docker.io',
      '          repository: bitnami/redis',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      '  pod.yaml: |-',
      '    spec:',
      '      containers:',
      '      - image: "k8s.gcr.io/pause:3.2"',
      '  note: >',
      '    image: not/re-read:1',
      '  description: |-',
      '    The source image to create this disk. For a public operating system',
      '    image: projects/debian- cloud/global/images/debian-9-stretch-',
      '    vYYYYMMDD, specify the image name.',
    ].join('\n'),
    want: [
      { text: 'bitnami/redis', kind: 'helm-values-repository', at: '9:23', parts: ['registry@8:21=docker.io', 'repository@9:23=bitnami/redis'] },
      k8s('k8s.gcr.io/pause:3.2', '17:17', 'yaml-image'),
    ],
  },

  // Helm templates
  {
    name: 'Helm template values are skipped; literal ones are found; control lines ignored',
    format: 'helm-template',
    text: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      {{- with .Values.imagePullSecrets }}',
      '      imagePullSecrets:',
      '        {{- toYaml . | nindent 8 }}',
      '      {{- end }}',
      '      containers:',
      '      - name: {{ .Chart.Name }}',
      '        image: {{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}',
      '        imagePullPolicy: {{ .Values.image.pullPolicy }}',
      '    {{- if .Values.sidecar }}',
      '      - name: sidecar',
      '        image: "{{ include "chart.image" . }}"',
      '      - name: literal',
      '        image: k8s.gcr.io/pause:3.1',
      '    {{- end }}',
    ].join('\n'),
    want: [
      { ...k8s('{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}', '12:16', 'helm-template-image'), skipped: true },
      { ...k8s('"{{ include "chart.image" . }}"', '16:16', 'helm-template-image'), skipped: true },
      k8s('k8s.gcr.io/pause:3.1', '18:16', 'helm-template-image'),
    ],
  },

  // Kustomize
  {
    name: 'Kustomize images: name, newName with newTag and digest',
    format: 'kustomization',
    text: [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'images:',
      '- name: gcr.io/spark-operator/spark-operator',
      '  newName: ghcr.io/kubeflow/spark-operator/controller',
      '  newTag: "2.1.0"',
      '- name: nginx',
      '  newTag: 1.25',
      '- name: k8s.gcr.io/pause',
      '  newName: registry.k8s.io/pause',
      `  digest: sha256:${'b'.repeat(64)}`,
    ].join('\n'),
    want: [
      k8s('gcr.io/spark-operator/spark-operator', '4:9', 'kustomize-name'),
      { text: 'ghcr.io/kubeflow/spark-operator/controller', kind: 'kustomize-newName', at: '5:12', parts: ['repository@5:12=ghcr.io/kubeflow/spark-operator/controller', 'tag@6:12=2.1.0'] },
      k8s('nginx', '7:9', 'kustomize-name'),
      k8s('k8s.gcr.io/pause', '9:9', 'kustomize-name'),
      { text: 'registry.k8s.io/pause', kind: 'kustomize-newName', at: '10:12', parts: ['repository@10:12=registry.k8s.io/pause', `digest@11:11=sha256:${'b'.repeat(64)}`] },
    ],
  },

  // GitHub Actions
  {
    name: 'GitHub workflow: container short and long form, services, docker://, with inputs',
    format: 'github-workflow',
    text: [
      'on: push',
      'jobs:',
      '  short:',
      '    runs-on: ubuntu-latest',
      '    container: node:18',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: docker://alpine:3.8',
      '      - name: container: not-a-job-container',
      '  long:',
      '    container:',
      '      image: ghcr.io/owner/build:1',
      '      options: --cpus 1',
      '    services:',
      '      redis:',
      '        image: bitnami/redis:7.2',
      '    steps:',
      '      - uses: some/action@v1',
      '        with:',
      '          image: k8s.gcr.io/kind-node:v1.20',
      '          tags: |',
      '            user/app:latest',
      '            # user/commented:1',
      '            ghcr.io/user/app:${{ github.sha }}',
      '            type=ref,event=branch',
      '      - uses: docker/build-push-action@v5',
      '        with:',
      '          tags: user/a:1,user/b:2',
      '          cache-from: type=registry,ref=k8s.gcr.io/app:cache',
      '      - uses: docker/metadata-action@v5',
      '        with:',
      '          images: |',
      '            ghcr.io/user/app',
      '          tags: ${{ steps.meta.outputs.tags }}',
    ].join('\n'),
    want: [
      k8s('node:18', '5:16', 'github-container-image'),
      k8s('alpine:3.8', '8:24', 'github-uses-docker'),
      k8s('ghcr.io/owner/build:1', '12:14', 'github-container-image'),
      k8s('bitnami/redis:7.2', '16:16', 'github-service-image'),
      k8s('k8s.gcr.io/kind-node:v1.20', '20:18', 'github-with-image'),
      k8s('user/app:latest', '22:13', 'github-with-tags'),
      k8s('ghcr.io/user/app:${{ github.sha }}', '24:13', 'github-with-tags'),
      k8s('user/a:1', '28:17', 'github-with-tags'),
      k8s('user/b:2', '28:26', 'github-with-tags'),
      k8s('k8s.gcr.io/app:cache', '29:41', 'github-with-cache-ref'),
      k8s('ghcr.io/user/app', '33:13', 'github-with-images'),
    ],
  },
  {
    name: 'action.yml runs.image: docker:// is a reference, Dockerfile is not',
    format: 'github-workflow',
    text: "name: a\nruns:\n  using: docker\n  image: 'docker://k8s.gcr.io/pause:3.2'\n---\nruns:\n  using: docker\n  image: Dockerfile\n",
    want: [k8s('k8s.gcr.io/pause:3.2', '4:20', 'github-action-image')],
  },

  // Compose
  {
    name: 'Compose services with ${VAR:-default} tags and build-only services',
    format: 'compose',
    text: [
      'services:',
      '  nexus:',
      '    image: sonatype/nexus3:${NEXUS_VERSION:-latest}',
      '    volumes:',
      '      - "./data:/nexus-data"',
      '    ports:',
      '      - "8081:8081"',
      '  app:',
      '    build: .',
      '    image: ${REGISTRY:-docker.io}/me/app',
      '    labels:',
      '      com.example.image: "not/flagged"',
    ].join('\n'),
    want: [
      k8s('sonatype/nexus3:${NEXUS_VERSION:-latest}', '3:12', 'compose-image'),
      { ...k8s('${REGISTRY:-docker.io}/me/app', '10:12', 'compose-image'), skipped: true },
    ],
  },

  // GitLab CI
  {
    name: 'GitLab CI image string and {name}, services strings and {name}',
    format: 'gitlab-ci',
    text: [
      'image: ruby:3.2',
      'variables:',
      '  DOCKER_HOST: tcp://docker:2375',
      'services:',
      '  - postgres:14',
      '  - name: docker:24-dind',
      '    alias: docker',
      'build:',
      '  image:',
      '    name: gcr.io/kaniko-project/executor:debug',
      '    entrypoint: [""]',
      '  services: [redis:7]',
    ].join('\n'),
    want: [
      k8s('ruby:3.2', '1:8', 'gitlab-ci-image'),
      k8s('postgres:14', '5:5', 'gitlab-ci-service'),
      k8s('docker:24-dind', '6:11', 'gitlab-ci-service'),
      k8s('gcr.io/kaniko-project/executor:debug', '10:11', 'gitlab-ci-image'),
      k8s('redis:7', '12:14', 'gitlab-ci-service'),
    ],
  },

  // Robustness
  {
    name: 'broken YAML still yields the image lines it can read',
    format: 'yaml',
    text: [
      'kind: Pod',
      'spec:',
      '  containers:',
      '  - name: a',
      '    image: k8s.gcr.io/pause:3.2',
      '    args: [--unterminated',
      '  - name: "half',
      '     bad: indentation: here',
      '    image: gcr.io/x/y:1',
      '\tfoo: [}',
      'image: "unterminated',
    ].join('\n'),
    want: [k8s('k8s.gcr.io/pause:3.2', '5:12'), k8s('gcr.io/x/y:1', '9:12')],
  },
  {
    name: 'anchors and aliases do not crash and are not expanded',
    format: 'compose',
    text: ['x-base: &base', '  image: &img gcr.io/base/img:1', 'services:', '  a:', '    <<: *base', '  b:', '    image: *img', '  c: *base'].join('\n'),
    want: [k8s('gcr.io/base/img:1', '2:15', 'compose-image')],
  },
  {
    name: 'NUL bytes and binary noise',
    format: 'yaml',
    text: 'kind: Pod\0\0\nspec:\n  image: k8s.gcr.io/pause:3.2\n\u0000\u0001\u00ff: [\n',
    want: [k8s('k8s.gcr.io/pause:3.2', '3:10')],
  },
  {
    name: "Chart.yaml: Artifact Hub's and Bitnami's images annotations are read, other annotations are not",
    format: 'yaml',
    text: [
      'apiVersion: v2',
      'name: redis',
      'annotations:',
      '  category: Database',
      '  example.com/image: not/read:1',
      '  images: |',
      '    - name: redis',
      '      image: docker.io/bitnami/redis:7.2.4-debian-12-r9',
      '  artifacthub.io/images: |',
      '    - name: redis',
      '      image: docker.io/bitnami/redis:7.2.4-debian-12-r9',
    ].join('\n'),
    want: [k8s('docker.io/bitnami/redis:7.2.4-debian-12-r9', '8:14', 'yaml-image'), k8s('docker.io/bitnami/redis:7.2.4-debian-12-r9', '11:14', 'yaml-image')],
  },
  {
    name: 'a byte order mark does not hide the first key; {name: …} outside GitLab needs a path',
    format: 'yaml',
    text: '\uFEFFimage: registry.k8s.io/pause:3.2\ndisk:\n  image:\n    name: image\n    collection: compute.images\nvm:\n  image: {name: "gcr.io/a/b"}\n',
    want: [k8s('registry.k8s.io/pause:3.2', '1:9', 'yaml-image'), k8s('gcr.io/a/b', '7:18', 'yaml-image')],
  },
  { name: 'empty text', format: 'yaml', text: '', want: [] },
  { name: 'no images at all', format: 'helm-values', text: 'replicaCount: 1\nservice:\n  port: 80\n', want: [] },
];

/** Deterministic noise: every byte value, NULs and broken UTF-16 included. */
function randomText(length: number): string {
  const buf = Buffer.alloc(length);
  let x = 2463534242;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  // Keys the finders react to, so the noise reaches the readers instead of the cheap exit.
  const hooks = ['\nimage: ', '\n- image: "', '\n  image: [{', '\nrun: |\n  ', '\nimage:\n  repository: '];
  for (let i = 0, k = 0; i + 32 < length; i += 4096, k++) buf.write(hooks[k % hooks.length], i, 'latin1');
  return buf.toString('latin1');
}

describe('findYamlMentions', () => {
  for (const c of cases) {
    it(`${c.format}: ${c.name}`, () => {
      assert.deepStrictEqual(describeMentions(c.text, findYamlMentions(c.text, c.format)), c.want);
    });
  }

  it('github-workflow: shell in run: blocks, with spans into the workflow text', () => {
    const text = ['jobs:', '  b:', '    steps:', '      - run: |', '          docker pull k8s.gcr.io/pause:3.2', '          echo done', "      - run: 'docker push gcr.io/a/b:1'"].join('\n');
    const found = describeMentions(text, findYamlMentions(text, 'github-workflow')).map((m) => `${m.at} ${m.text}`);
    assert.deepStrictEqual(found, ['5:23 k8s.gcr.io/pause:3.2', '7:27 gcr.io/a/b:1']);
  });

  it('gitlab-ci: shell in script, before_script and after_script', () => {
    const text = ['build:', '  before_script:', '    - docker login', '  script:', '    - docker build -t k8s.gcr.io/app:1 .', '    - >', '      docker push gcr.io/google_containers/app:1', '  after_script: docker rmi ghcr.io/a/b:2'].join('\n');
    const found = describeMentions(text, findYamlMentions(text, 'gitlab-ci')).map((m) => `${m.at} ${m.text}`);
    assert.deepStrictEqual(found, ['5:23 k8s.gcr.io/app:1', '7:19 gcr.io/google_containers/app:1', '8:28 ghcr.io/a/b:2']);
  });

  const fixtures = ['values-split.yaml', 'workflow.yml', 'manifests.yaml'];
  for (const name of fixtures) {
    it(`fixture ${name}: every line marked "# want: TEXT…" yields exactly those texts`, () => {
      const root = [path.resolve(__dirname, '..', '..', '..'), process.cwd()].find((r) => fs.existsSync(path.join(r, 'test', 'fixtures', 'yaml')))!;
      const file = path.join(root, 'test', 'fixtures', 'yaml', name);
      const text = fs.readFileSync(file, 'utf8');
      const format: FileFormat = name.startsWith('values') ? 'helm-values' : name.startsWith('workflow') ? 'github-workflow' : 'yaml';
      const idx = new LineIndex(text);
      const got = new Set<string>();
      for (const m of findYamlMentions(text, format)) {
        if (m.skipped) continue; // templated text has spaces a marker cannot hold; the table tests cover it
        // Empty parts (`digest: ""`) cannot be written as a marker; the table tests cover them.
        for (const p of m.parts ?? [{ span: m.span, text: m.text }]) if (p.text) got.add(`${idx.positionAt(p.span.start).line + 1} ${p.text}`);
      }
      const want = new Set<string>();
      // `# want: A B` lists what the line holds; `# want+1:` is for the body of a block
      // scalar, where a comment would be content.
      text.split('\n').forEach((l, i) => {
        const w = / # want(\+1)?: (.+?)\s*$/.exec(l);
        if (w) for (const t of w[2].split(/\s+/)) want.add(`${i + 1 + (w[1] ? 1 : 0)} ${t}`);
      });
      assert.ok(want.size > 0, 'the fixture declares what it wants');
      assert.deepStrictEqual([...got].sort(), [...want].sort());
    });
  }

  const bounded: { name: string; text: () => string; ms: number }[] = [
    { name: '5 MB manifest', text: () => 'kind: Pod\nspec:\n  containers:\n' + '  - name: a\n    image: k8s.gcr.io/pause:3.2\n    args: ["--x", "y"]\n'.repeat(90_000), ms: 3000 },
    { name: '50 MB single line', text: () => 'image: ' + 'x'.repeat(50 * 1024 * 1024), ms: 3000 },
    { name: '5 MB of unterminated flow collections', text: () => 'image: [\n'.repeat(600_000), ms: 3000 },
    { name: '5 MB of unterminated quotes', text: () => '- image: "\n'.repeat(500_000), ms: 3000 },
    { name: '5 MB of random bytes', text: () => randomText(5 * 1024 * 1024), ms: 3000 },
  ];
  for (const b of bounded) {
    it(`never throws and stays bounded in time: ${b.name}`, function () {
      this.timeout(20_000);
      const text = b.text();
      const t0 = Date.now();
      // One outline reader serves every format; two formats cover both walkers' extra paths.
      const formats: FileFormat[] = ['yaml', 'github-workflow'];
      for (const f of formats) {
        const found = findYamlMentions(text, f);
        for (const m of found) assert.strictEqual(text.slice(m.span.start, m.span.end), m.text);
      }
      const ms = (Date.now() - t0) / formats.length;
      assert.ok(ms < b.ms, `${b.name}: ${ms.toFixed(0)} ms per scan, bound ${b.ms} ms`);
    });
  }

  it('a 10,000-line values.yaml scans in well under 100 ms (the bench target is 20 ms)', () => {
    let text = '';
    for (let i = 0; i < 1000; i++) text += `c${i}:\n  image:\n    registry: docker.io\n    repository: bitnami/redis\n    tag: "7.0.${i}"\n  replicas: 1\n  resources:\n    limits: {cpu: 1}\n  # comment\n  labels: [a, b]\n`;
    const times: number[] = [];
    let n = 0;
    for (let k = 0; k < 9; k++) {
      const t0 = process.hrtime.bigint();
      n = findYamlMentions(text, 'helm-values').length;
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    assert.strictEqual(n, 1000);
    assert.ok(times[4] < 100, `median ${times[4].toFixed(1)} ms`);
  });
});
