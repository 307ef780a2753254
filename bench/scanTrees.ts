/**
 * The two generated trees of bench:scan.
 *   - sparse: 20,000 files, 150 MB, about one deprecated reference in 100 files (manifests,
 *     values, Dockerfiles, docs, shell, JSON, Go, TypeScript);
 *   - dense: 20,000 files shaped like a charts repository (Bitnami's charts, kops before its
 *     migration): chart values with 5–30 image references each (split registry/repository/tag,
 *     inline `image:`), Chart.yaml with an `images` annotation, manifests with several
 *     containers, docs, Dockerfiles, some code. About 30 % of the references are deprecated;
 *     most current ones still contain a rule's host or a near miss (`bitnamilegacy/…`,
 *     `registry.k8s.io`), so a substring prefilter passes nearly every file.
 * Both return the number of deprecated references planted, which the scan must find exactly.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Tree {
  files: number;
  bytes: number;
  planted: number;
}

// mulberry32: the low bits of a plain LCG are not random enough for "1 in 100".
function prng(seed0: number): (n: number) => number {
  let seed = seed0;
  return (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
  };
}

const deprecated = [
  'k8s.gcr.io/pause:3.2',
  'gcr.io/spark-operator/spark-operator:v1beta2-1.3.8-3.1.1',
  'bitnami/redis:7.2',
  'gcr.io/google_containers/busybox:1.27',
  'ghcr.io/googlecloudplatform/spark-operator:v1beta2-1.3.8-3.1.1',
];
const current = ['registry.k8s.io/pause:3.9', 'nginx:1.25', 'ghcr.io/acme/api:1.4.0', 'quay.io/prometheus/node-exporter:v1.7.0', 'postgres:16'];

type Kind = { ext: string; line: (i: number) => string; ref: (r: string) => string };
const kinds: Kind[] = [
  { ext: 'yaml', line: (i) => `      - name: c${i}\n        image: ${current[i % current.length]}\n        args: ["--port=${8000 + i}", "--verbose"]\n`, ref: (r) => `        image: ${r}\n` },
  { ext: 'values.yaml', line: (i) => `key${i}:\n  enabled: true\n  replicas: ${i % 5}\n  image:\n    repository: acme/svc${i}\n    tag: "1.${i}"\n`, ref: (r) => `legacy:\n  image: "${r}"\n` },
  { ext: 'Dockerfile', line: (i) => `RUN apt-get update && apt-get install -y pkg${i} && rm -rf /var/lib/apt/lists/*\n`, ref: (r) => `FROM ${r} AS legacy\n` },
  { ext: 'md', line: (i) => `Paragraph ${i} explains how the controller reconciles resources and why it matters for https://example.com/docs/${i}.\n`, ref: (r) => `Run \`docker pull ${r}\` first.\n` },
  { ext: 'sh', line: (i) => `echo "step ${i}" && kubectl apply -f manifests/part-${i}.yaml --namespace ns${i % 7}\n`, ref: (r) => `docker pull ${r}\n` },
  { ext: 'json', line: (i) => `  "key${i}": { "value": ${i}, "name": "item-${i}", "image": "${current[i % current.length]}" },\n`, ref: (r) => `  "legacyImage": { "image": "${r}" },\n` },
  { ext: 'go', line: (i) => `func f${i}(x int) int { return x * ${i} } // github.com/acme/pkg${i}\n`, ref: () => '' },
  { ext: 'ts', line: (i) => `export const value${i} = compute(${i}, "label-${i}");\n`, ref: () => '' },
];

function sparseName(k: Kind, i: number): string {
  if (k.ext === 'Dockerfile') return `Dockerfile.svc${i}`;
  if (k.ext === 'values.yaml') return `values-${i}.yaml`;
  return `file${i}.${k.ext}`;
}

export function generateSparse(dir: string, files: number, targetBytes: number): Tree {
  const rnd = prng(12345);
  fs.rmSync(dir, { recursive: true, force: true });
  const avg = targetBytes / files;
  let bytes = 0;
  let planted = 0;
  for (let i = 0; i < files; i++) {
    const k = kinds[i % kinds.length];
    const sub = path.join(dir, `pkg${i % 200}`, `mod${i % 13}`);
    fs.mkdirSync(sub, { recursive: true });
    const size = avg * (0.5 + rnd(1000) / 1000);
    let body = k.ext === 'json' ? '{\n' : '';
    let j = 0;
    while (body.length < size) body += k.line(j++);
    if (rnd(100) === 0 && k.ref('x')) {
      const at = body.lastIndexOf('\n', Math.floor(body.length / 2)) + 1;
      body = body.slice(0, at) + k.ref(deprecated[rnd(deprecated.length)]) + body.slice(at);
      planted++;
    }
    if (k.ext === 'json') body += '  "end": true\n}\n';
    fs.writeFileSync(path.join(sub, sparseName(k, i)), body);
    bytes += body.length;
  }
  return { files, bytes, planted };
}

/** An image as a chart writes it: registry, repository, tag, and whether a rule flags it. */
interface ChartImage {
  registry: string;
  repository: string;
  tag: string;
  deprecated: boolean;
}

const APPS = ['redis', 'postgresql', 'mongodb', 'kafka', 'zookeeper', 'rabbitmq', 'nginx', 'mariadb', 'etcd', 'memcached', 'os-shell', 'kubectl', 'minio', 'keycloak', 'grafana'];

function chartImage(rnd: (n: number) => number): ChartImage {
  const app = APPS[rnd(APPS.length)];
  const tag = `${1 + rnd(9)}.${rnd(20)}.${rnd(10)}-debian-12-r${rnd(40)}`;
  const d = rnd(100) < 30;
  switch (rnd(6)) {
    case 0:
    case 1: // Bitnami before and after its move
      return { registry: 'docker.io', repository: d ? `bitnami/${app}` : `bitnamilegacy/${app}`, tag, deprecated: d };
    case 2:
      return { registry: d ? 'k8s.gcr.io' : 'registry.k8s.io', repository: `ingress-nginx/${app}`, tag: `v1.${rnd(12)}.${rnd(5)}`, deprecated: d };
    case 3:
      return { registry: d ? 'gcr.io' : 'ghcr.io', repository: d ? 'spark-operator/spark-operator' : 'kubeflow/spark-operator/controller', tag: `2.${rnd(3)}.${rnd(9)}`, deprecated: d };
    case 4:
      return { registry: 'quay.io', repository: d ? 'coreos/kube-state-metrics' : `prometheus/${app}-exporter`, tag: `v2.${rnd(10)}.0`, deprecated: d };
    default:
      return { registry: d ? 'gcr.io' : 'docker.io', repository: d ? `google_containers/${app}` : `library/${app}`, tag: `1.${rnd(30)}`, deprecated: d };
  }
}

const inline = (im: ChartImage) => `${im.registry}/${im.repository}:${im.tag}`;

/** Keys a chart's values carry besides images, so files have a realistic size and shape. */
function padding(rnd: (n: number) => number, name: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += `${name}${i}:\n  enabled: ${rnd(2) === 0}\n  replicaCount: ${1 + rnd(3)}\n  resources:\n    limits: { cpu: ${100 + rnd(900)}m, memory: ${64 << rnd(4)}Mi }\n`;
    s += `  ## @param ${name}${i}.podAnnotations Annotations for the pods (see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/)\n  podAnnotations: {}\n`;
  }
  return s;
}

function valuesFile(rnd: (n: number) => number, counter: { n: number }): string {
  const refs = 5 + rnd(26);
  let s = '## Default values for the chart.\n## @section Global parameters\nglobal:\n  imagePullSecrets: []\n  storageClass: ""\n\n';
  for (let i = 0; i < refs; i++) {
    const im = chartImage(rnd);
    if (im.deprecated) counter.n++;
    const name = `${APPS[i % APPS.length]}${i}`;
    if (rnd(3) === 0) {
      s += `${name}:\n  image: ${inline(im)}\n  pullPolicy: IfNotPresent\n`;
    } else {
      s += `${name}:\n  ## @param ${name}.image.registry [default: REGISTRY_NAME] image registry\n  image:\n    registry: ${im.registry}\n    repository: ${im.repository}\n    tag: ${im.tag}\n    digest: ""\n    pullPolicy: IfNotPresent\n    pullSecrets: []\n`;
    }
    s += padding(rnd, `${name}Extra`, 1);
  }
  return s;
}

function chartFile(rnd: (n: number) => number, counter: { n: number }, i: number): string {
  let s = `annotations:\n  category: Database\n  licenses: Apache-2.0\n  images: |\n`;
  const refs = 5 + rnd(11);
  for (let j = 0; j < refs; j++) {
    const im = chartImage(rnd);
    if (im.deprecated) counter.n++;
    s += `    - name: ${APPS[j % APPS.length]}\n      image: ${inline(im)}\n`;
  }
  s += `apiVersion: v2\nappVersion: 7.2.${i % 10}\ndependencies:\n  - name: common\n    repository: oci://registry-1.docker.io/bitnamicharts\n    tags:\n      - bitnami-common\n    version: 2.x.x\n`;
  s += `description: A chart number ${i}.\nhome: https://bitnami.com\nkeywords:\n  - redis\n  - keyvalue\nmaintainers:\n  - name: Broadcom\n    url: https://github.com/bitnami/charts\nname: chart${i}\nsources:\n  - https://github.com/bitnami/charts/tree/main/bitnami/chart${i}\nversion: 19.${i % 7}.0\n`;
  return s;
}

function manifestFile(rnd: (n: number) => number, counter: { n: number }, i: number): string {
  let s = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${i}\n  labels:\n    app.kubernetes.io/name: app${i}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n`;
  const refs = 5 + rnd(6);
  for (let j = 0; j < refs; j++) {
    const im = chartImage(rnd);
    if (im.deprecated) counter.n++;
    s += `        - name: c${j}\n          image: ${inline(im)}\n          imagePullPolicy: IfNotPresent\n          ports:\n            - containerPort: ${8000 + j}\n          env:\n            - { name: LOG_LEVEL, value: info }\n`;
  }
  return s;
}

function docsFile(rnd: (n: number) => number, counter: { n: number }, i: number): string {
  let s = `# Chart ${i}\n\nThis chart bootstraps a deployment on a [Kubernetes](https://kubernetes.io) cluster using the [Helm](https://helm.sh) package manager.\n\n`;
  const refs = 5 + rnd(11);
  for (let j = 0; j < refs; j++) {
    const im = chartImage(rnd);
    if (im.deprecated) counter.n++;
    s += `Step ${j}: pull the image first: \`docker pull ${inline(im)}\`, then read https://github.com/bitnami/charts/issues/${i * 10 + j} for details.\n\n`;
  }
  s += '## Parameters\n\n| Name | Description | Value |\n| ---- | ----------- | ----- |\n| `replicaCount` | Number of replicas | `1` |\n';
  return s;
}

function dockerFile(rnd: (n: number) => number, counter: { n: number }): string {
  let s = '';
  const stages = 1 + rnd(3);
  for (let j = 0; j < stages; j++) {
    const im = chartImage(rnd);
    if (im.deprecated) counter.n++;
    s += `FROM ${inline(im)} AS stage${j}\nRUN install_packages ca-certificates curl && rm -rf /var/lib/apt/lists/*\nCOPY rootfs /\nENV APP_VERSION=${j}\n`;
  }
  return s;
}

function codeFile(i: number): string {
  let s = `package pkg${i}\n\n`;
  for (let j = 0; j < 60; j++) s += `func f${j}(x int) int { return x * ${j} } // github.com/acme/pkg${i}\n`;
  return s;
}

export function generateDense(dir: string, files: number): Tree {
  const rnd = prng(4242);
  fs.rmSync(dir, { recursive: true, force: true });
  const counter = { n: 0 };
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const chart = path.join(dir, `chart${Math.floor(i / 10)}`);
    let file: string;
    let body: string;
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
        file = path.join(chart, i % 10 === 0 ? 'values.yaml' : `values-${i % 10}.yaml`);
        body = valuesFile(rnd, counter);
        break;
      case 3:
        file = path.join(chart, 'Chart.yaml');
        body = chartFile(rnd, counter, i);
        break;
      case 4:
      case 5:
        file = path.join(chart, 'manifests', `deploy${i % 10}.yaml`);
        body = manifestFile(rnd, counter, i);
        break;
      case 6:
        file = path.join(chart, 'README.md');
        body = docsFile(rnd, counter, i);
        break;
      case 7:
        file = path.join(chart, 'Dockerfile');
        body = dockerFile(rnd, counter);
        break;
      case 8:
        file = path.join(chart, 'ci', 'values-ci.yaml');
        body = valuesFile(rnd, counter);
        break;
      default:
        file = path.join(chart, 'tools', 'main.go');
        body = codeFile(i);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
    bytes += body.length;
  }
  return { files, bytes, planted: counter.n };
}
