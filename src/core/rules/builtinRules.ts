import type { MigrationRule } from './migrationRule';

type BuiltinRule = Omit<MigrationRule, 'origin' | 'enabled'>;

const SPARK_TARGET = 'ghcr.io/kubeflow/spark-operator/controller';

/**
 * Not a tag policy: whether the controller repository carries the `v1beta2-<operator>-<spark>`
 * tags of the GoogleCloudPlatform era is not documented anywhere we could cite. Users who
 * pointed the chart at the intermediate ghcr.io/kubeflow/spark-operator with
 * `v1beta2-1.3.3-3.1.1` got "not found" (#1991), and chart 1.2.x named tags that the homes
 * never had (#2004, #2034), so these references are rewritten like any other, and
 * `fix --verify` (or the editor's verifyReferences) is what proves each tag is there.
 */

/**
 * The moves we know, with their sources (see ../shared/registry-notes.md for the history).
 * The Spark Operator moved three times in a year; every old home points at today's
 * `ghcr.io/kubeflow/spark-operator/controller`, and chains resolve to it anyway.
 */
export const BUILTIN_RULES: readonly BuiltinRule[] = [
  {
    id: 'SO-GCR-OP',
    from: ['gcr.io/spark-operator/spark-operator'],
    to: SPARK_TARGET,
    match: 'exact',
    reason: 'the Spark Operator left gcr.io for GitHub Container Registry, and then moved to Kubeflow',
    since: '2022-02',
    source: 'https://github.com/kubeflow/spark-operator/pull/1454',
    severity: 'warning',
  },
  {
    id: 'SO-GHCR-GCP',
    from: ['ghcr.io/googlecloudplatform/spark-operator'],
    to: SPARK_TARGET,
    match: 'exact',
    reason: 'the Spark Operator moved from GoogleCloudPlatform to Kubeflow',
    since: '2024-04',
    source: 'https://github.com/kubeflow/spark-operator/pull/1956',
    severity: 'warning',
  },
  {
    id: 'SO-GHCR-SPARK-ON-K8S',
    from: ['ghcr.io/googlecloudplatform/spark-on-k8s-operator'],
    to: SPARK_TARGET,
    match: 'exact',
    reason: 'the old GoogleCloudPlatform repository is no longer maintained and its images may be lost',
    since: '2024-04',
    source: 'https://github.com/kubeflow/spark-operator/issues/1930',
    severity: 'warning',
  },
  {
    id: 'SO-GHCR-KUBEFLOW',
    from: ['ghcr.io/kubeflow/spark-operator'],
    to: SPARK_TARGET,
    match: 'exact',
    reason: 'the controller image moved under ghcr.io/kubeflow/spark-operator/controller',
    since: '2025-03',
    source: 'https://github.com/kubeflow/spark-operator/pull/2483',
    severity: 'warning',
  },
  {
    id: 'SO-DOCKERIO',
    from: ['docker.io/kubeflow/spark-operator'],
    to: SPARK_TARGET,
    match: 'exact',
    reason: 'the Spark Operator stopped publishing to Docker Hub and publishes to ghcr.io',
    since: '2025-03',
    source: 'https://github.com/kubeflow/spark-operator/pull/2483',
    severity: 'warning',
  },
  {
    id: 'SO-GCR-SPARK',
    from: ['gcr.io/spark-operator/spark', 'gcr.io/spark-operator/spark-py'],
    match: 'exact',
    reason: 'the Spark images on gcr.io/spark-operator were removed upstream',
    since: '2023-10',
    source: 'https://github.com/kubeflow/spark-operator/issues/1860',
    message: 'there is no one-to-one new home; use the upstream Apache Spark image instead, e.g. spark:<version>',
    severity: 'error',
  },
  {
    id: 'K8S-GCR',
    from: ['k8s.gcr.io'],
    to: 'registry.k8s.io',
    match: 'prefix',
    reason: 'k8s.gcr.io is frozen; Kubernetes images are published to registry.k8s.io',
    since: '2023-04-03',
    source: 'https://kubernetes.io/blog/2023/03/10/image-registry-redirect/',
    severity: 'warning',
  },
  {
    id: 'GOOGLE-CONTAINERS',
    from: ['gcr.io/google_containers', 'gcr.io/google-containers'],
    to: 'registry.k8s.io',
    match: 'prefix',
    reason: 'gcr.io/google_containers is read-only; it moved to k8s.gcr.io and then to registry.k8s.io',
    since: '2020',
    source: 'https://kubernetes.io/blog/2022/11/28/registry-k8s-io-faster-cheaper-ga/',
    severity: 'warning',
  },
  {
    id: 'BITNAMI-LEGACY',
    from: ['docker.io/bitnami'],
    to: 'docker.io/bitnamilegacy',
    match: 'prefix',
    reason: 'Bitnami stopped serving free images from docker.io/bitnami; the old tags are frozen, without updates, in docker.io/bitnamilegacy (Bitnami charts also need global.security.allowInsecureImages: true)',
    since: '2025-09-29',
    source: 'https://github.com/bitnami/charts/issues/35164',
    severity: 'warning',
    // bitnami/charts#36229: the debian-8/9/10, centos-7 and ol-7 families were not copied to
    // bitnamilegacy (tags such as 10.3.2-debian-9-r12 or 1.2.3-centos-7-r0).
    tags: {
      exclude: '(^|-)(debian-(8|9|10)|centos-7|ol-7)(-|$)',
      message: 'Bitnami did not copy the debian-8, debian-9, debian-10, centos-7 and ol-7 tag families to bitnamilegacy; move to a debian-11 or debian-12 tag by hand',
      source: 'https://github.com/bitnami/charts/issues/36229',
    },
    // bitnami/charts#30850: charts refuse images other than their defaults unless this is set.
    companions: [
      {
        helmValue: 'global.security.allowInsecureImages',
        value: 'true',
        whenNewNameStartsWith: 'docker.io/bitnamilegacy/',
        reason: 'Bitnami charts refuse images other than their defaults unless global.security.allowInsecureImages is true',
        source: 'https://github.com/bitnami/charts/issues/30850',
      },
    ],
  },
  {
    id: 'COREOS-PROMETHEUS-OPERATOR',
    from: ['quay.io/coreos/prometheus-operator'],
    to: 'quay.io/prometheus-operator/prometheus-operator',
    match: 'exact',
    reason: 'the Prometheus Operator left the CoreOS organisation',
    since: '2020-08',
    source: 'https://github.com/prometheus-operator/prometheus-operator/pull/3449',
    severity: 'warning',
  },
  {
    id: 'COREOS-PROMETHEUS-CONFIG-RELOADER',
    from: ['quay.io/coreos/prometheus-config-reloader'],
    to: 'quay.io/prometheus-operator/prometheus-config-reloader',
    match: 'exact',
    reason: 'the Prometheus Operator left the CoreOS organisation',
    since: '2020-08',
    source: 'https://github.com/prometheus-operator/prometheus-operator/pull/3449',
    severity: 'warning',
  },
  {
    id: 'COREOS-KUBE-STATE-METRICS',
    from: ['quay.io/coreos/kube-state-metrics'],
    to: 'registry.k8s.io/kube-state-metrics/kube-state-metrics',
    match: 'exact',
    reason: 'kube-state-metrics is published by Kubernetes since v2.0',
    since: '2021',
    source: 'https://github.com/kubernetes/kube-state-metrics/releases/tag/v2.0.0',
    severity: 'warning',
    // kube-state-metrics#1409: "we are stopping the quay image publishing for 2.0 onwards, and
    // only doing gcr images"; v1.x stayed on quay.io/coreos.
    tags: {
      range: '>=2.0.0',
      message: 'registry.k8s.io publishes kube-state-metrics only from v2.0; v1.x stayed on quay.io/coreos, and v2 renamed metrics and flags, so upgrade by hand',
      source: 'https://github.com/kubernetes/kube-state-metrics/issues/1409',
    },
  },
  {
    id: 'QUAY-INGRESS-NGINX',
    from: ['quay.io/kubernetes-ingress-controller/nginx-ingress-controller'],
    to: 'registry.k8s.io/ingress-nginx/controller',
    match: 'exact',
    reason: 'ingress-nginx moved to the Kubernetes registry; the last quay.io tag is 0.33.0, and new tags start with "v"',
    since: '2020-07',
    source: 'https://github.com/kubernetes/ingress-nginx/blob/main/Changelog.md',
    severity: 'warning',
    // The last quay.io tag is 0.33.0; from controller-v0.34.0 the images are published to the
    // Kubernetes registry, with a "v" (helm/charts#23213, the 0.34.0 release notes).
    tags: {
      range: '>=0.34.0',
      transform: { addPrefix: 'v' },
      message: 'the quay.io tags (up to 0.33.0) were not copied; registry.k8s.io/ingress-nginx/controller starts at v0.34.0, with a "v": choose a v0.34.0 or later tag by hand',
      source: 'https://github.com/kubernetes/ingress-nginx/releases/tag/controller-v0.34.0',
    },
  },
  {
    id: 'COREOS-FLANNEL',
    from: ['quay.io/coreos/flannel'],
    to: 'docker.io/flannel/flannel',
    match: 'exact',
    reason: 'flannel moved out of the CoreOS organisation to its own Docker Hub namespace',
    since: '2023',
    source: 'https://github.com/flannel-io/flannel/releases/tag/v0.21.0',
    severity: 'warning',
    // flannel-io/flannel#1516 moved publishing from quay.io back to Docker Hub (0.17.0 was never
    // on quay, kubernetes/kops#13552), first as flannelcni/flannel, then flannel/flannel.
    // Per-architecture tags (v0.11.0-amd64) belong to the quay era; Docker Hub has multi-arch tags.
    tags: {
      exclude: '-(amd64|arm64|arm|ppc64le|s390x)$',
      message: 'the per-architecture tags of quay.io/coreos/flannel were not carried over; use the multi-arch vX.Y.Z tag',
      source: 'https://github.com/flannel-io/flannel/pull/1516',
    },
  },
  {
    id: 'FLANNELCNI',
    from: ['docker.io/flannelcni/flannel'],
    to: 'docker.io/flannel/flannel',
    match: 'exact',
    reason: 'flannel publishes under the flannel organisation on Docker Hub since v0.21.0; flannelcni/flannel was the interim home',
    since: '2023',
    source: 'https://github.com/flannel-io/flannel/releases/tag/v0.21.0',
    severity: 'warning',
  },
  {
    id: 'GITHUB-PACKAGES-DOCKER',
    from: ['docker.pkg.github.com/*/*/*'],
    to: 'ghcr.io/$1/$3',
    match: 'pattern',
    reason: 'the GitHub Packages Docker registry was replaced by GitHub Container Registry; the repository segment is dropped',
    since: '2021',
    source: 'https://docs.github.com/en/packages/working-with-a-github-packages-registry/migrating-to-the-container-registry-from-the-docker-registry',
    severity: 'warning',
  },
  {
    id: 'ZAP-DOCKER',
    from: ['docker.io/owasp/zap2docker-*', 'docker.io/softwaresecurityproject/zap-*'],
    to: 'docker.io/zaproxy/zap-$1',
    match: 'pattern',
    reason: 'the ZAP images are published under the zaproxy organisation',
    since: '2023-10',
    source: 'https://www.zaproxy.org/blog/2023-06-16-introducing-the-zap-docker-org/',
    severity: 'warning',
  },
];

export function builtinRules(): MigrationRule[] {
  return BUILTIN_RULES.map((r) => ({ ...r, from: [...r.from], enabled: true, origin: 'builtin' as const }));
}
