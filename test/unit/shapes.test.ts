import * as assert from 'assert';
import { analyzeText } from '../../src/core/analyze';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { assertSpansMatch } from './support/fuzz';

const { ruleSet } = loadRuleSet();

/**
 * Shapes written the way real repositories write them (prometheus-operator bundles, kubebuilder
 * Makefiles, setup-buildx-action docs, OpenShift templates, Argo CD Applications, Bitbucket
 * pipes, Tekton pipelines, Crossplane packages, devcontainer features, Flux and helmfile).
 * `want` lists `kind text` of every mention; `fixes` the replacements of deprecated ones.
 */
const cases: { name: string; file: string; text: string; want: string[]; fixes?: string[] }[] = [
  {
    name: 'prometheus-operator args: --prometheus-config-reloader= and --config-reloader-image=',
    file: 'bundle.yaml',
    text: 'kind: Deployment\napiVersion: apps/v1\nspec:\n  template:\n    spec:\n      containers:\n      - args:\n        - --kubelet-service=kube-system/kubelet\n        - --config-reloader-image=quay.io/coreos/configmap-reload:v0.0.1\n        - --prometheus-config-reloader=quay.io/coreos/prometheus-config-reloader:v0.29.0\n        - --thanos-default-base-image\n        - quay.io/thanos/thanos\n        image: quay.io/coreos/prometheus-operator:v0.29.0\n',
    want: ['k8s-arg-image quay.io/coreos/configmap-reload:v0.0.1', 'k8s-arg-image quay.io/coreos/prometheus-config-reloader:v0.29.0', 'k8s-arg-image quay.io/thanos/thanos', 'k8s-image quay.io/coreos/prometheus-operator:v0.29.0'],
    fixes: ['quay.io/prometheus-operator/prometheus-config-reloader:v0.29.0', 'quay.io/prometheus-operator/prometheus-operator:v0.29.0'],
  },
  {
    name: 'kubebuilder Makefile: kustomize edit set image controller=$(IMG); kubectl set image',
    file: 'Makefile',
    text: 'deploy:\n\tcd config/manager && $(KUSTOMIZE) edit set image controller=k8s.gcr.io/x/controller:v1\n\tkustomize edit set image k8s.gcr.io/old=k8s.gcr.io/new:2 busybox=alpine:3.6\n\tkubectl set image deployment/web web=k8s.gcr.io/web:3\n',
    want: ['shell-kustomize-set-image k8s.gcr.io/x/controller:v1', 'shell-kustomize-set-image-name k8s.gcr.io/old', 'shell-kustomize-set-image k8s.gcr.io/new:2', 'shell-kustomize-set-image alpine:3.6', 'shell-kubectl-set-image k8s.gcr.io/web:3'],
    fixes: ['registry.k8s.io/x/controller:v1', 'registry.k8s.io/old', 'registry.k8s.io/new:2', 'registry.k8s.io/web:3'],
  },
  {
    name: 'buildx driver options in a workflow and in shell',
    file: '.github/workflows/ci.yml',
    text: 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/setup-buildx-action@v3\n        with:\n          driver-opts: image=moby/buildkit:v0.11.0\n      - uses: docker/setup-buildx-action@v3\n        with:\n          driver-opts: |\n            image=mirror.gcr.io/moby/buildkit:buildx-stable-1\n            network=host\n      - run: docker buildx create --driver-opt image=moby/buildkit:master,network=host --use\n',
    want: ['github-buildx-driver-image moby/buildkit:v0.11.0', 'github-buildx-driver-image mirror.gcr.io/moby/buildkit:buildx-stable-1', 'shell-driver-opt-image moby/buildkit:master'],
  },
  {
    name: 'GitHub with: image inputs and the services string form',
    file: '.github/workflows/scan.yml',
    text: 'on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    services:\n      redis: bitnami/redis:6.2\n    steps:\n      - uses: aquasecurity/trivy-action@master\n        with:\n          image-ref: k8s.gcr.io/kube-proxy:v1.20.0\n      - uses: helm/kind-action@v1\n        with:\n          node_image: kindest/node:v1.27.3\n',
    want: ['github-service-image bitnami/redis:6.2', 'github-with-image k8s.gcr.io/kube-proxy:v1.20.0', 'github-with-image kindest/node:v1.27.3'],
    fixes: ['bitnamilegacy/redis:6.2', 'registry.k8s.io/kube-proxy:v1.20.0'],
  },
  {
    name: 'Kubernetes image volumes',
    file: 'pod.yaml',
    text: 'apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n  - name: model\n    image:\n      reference: k8s.gcr.io/models/llm:1\n      pullPolicy: IfNotPresent\n',
    want: ['k8s-image-volume k8s.gcr.io/models/llm:1'],
    fixes: ['registry.k8s.io/models/llm:1'],
  },
  {
    name: 'OpenShift ImageStream and BuildConfig: from {kind: DockerImage, name}',
    file: 'is.yaml',
    text: 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nspec:\n  tags:\n  - name: "2.4"\n    from:\n      kind: DockerImage\n      name: bitnami/apache:2.4\n  - name: local\n    from:\n      kind: ImageStreamTag\n      name: app:latest\n',
    want: ['openshift-docker-image bitnami/apache:2.4'],
    fixes: ['bitnamilegacy/apache:2.4'],
  },
  {
    name: 'Argo CD kustomize.images: alias=ref and plain refs',
    file: 'app.yaml',
    text: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    kustomize:\n      images:\n        - myapp=k8s.gcr.io/myapp:1.0.0\n        - k8s.gcr.io/guestbook:0.2\n        - k8s.gcr.io/a=k8s.gcr.io/b:3\n',
    want: ['argocd-kustomize-image k8s.gcr.io/myapp:1.0.0', 'argocd-kustomize-image k8s.gcr.io/guestbook:0.2', 'argocd-kustomize-name k8s.gcr.io/a', 'argocd-kustomize-image k8s.gcr.io/b:3'],
    fixes: ['registry.k8s.io/myapp:1.0.0', 'registry.k8s.io/guestbook:0.2', 'registry.k8s.io/a', 'registry.k8s.io/b:3'],
  },
  {
    name: 'Bitbucket pipes: pipe: repo:tag and pipe: docker://',
    file: 'bitbucket-pipelines.yml',
    text: 'pipelines:\n  default:\n    - step:\n        image: node:18\n        script:\n          - pipe: atlassian/aws-s3-deploy:1.1.0\n            variables:\n              S3_BUCKET: x\n          - pipe: docker://bitnami/kubectl-pipe:1.0\n',
    want: ['yaml-image node:18', 'bitbucket-pipe atlassian/aws-s3-deploy:1.1.0', 'bitbucket-pipe bitnami/kubectl-pipe:1.0'],
    fixes: ['bitnamilegacy/kubectl-pipe:1.0'],
  },
  {
    name: 'OCI Helm charts: Chart.yaml dependencies, helmfile, Argo CD, Flux OCIRepository',
    file: 'charts.yaml',
    text: 'dependencies:\n  - name: redis\n    version: 17.x\n    repository: oci://k8s.gcr.io/charts\nreleases:\n  - name: web\n    chart: oci://ghcr.io/org/charts/web\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nspec:\n  url: oci://ghcr.io/stefanprodan/manifests/podinfo\n  ref:\n    tag: latest\n',
    want: ['helm-chart-oci k8s.gcr.io/charts', 'helm-chart-oci ghcr.io/org/charts/web', 'flux-oci-repository ghcr.io/stefanprodan/manifests/podinfo'],
    fixes: ['registry.k8s.io/charts'],
  },
  {
    name: 'Tekton bundles: taskRef.bundle and the bundles resolver',
    file: 'pipeline.yaml',
    text: 'apiVersion: tekton.dev/v1\nkind: Pipeline\nspec:\n  tasks:\n    - name: clone\n      taskRef:\n        resolver: bundles\n        params:\n          - name: bundle\n            value: gcr.io/tekton-releases/catalog/upstream/git-clone:0.9\n          - name: name\n            value: git-clone\n    - name: old\n      taskRef:\n        bundle: k8s.gcr.io/tekton/catalog:0.1\n        name: echo\n',
    want: ['tekton-bundle gcr.io/tekton-releases/catalog/upstream/git-clone:0.9', 'tekton-bundle k8s.gcr.io/tekton/catalog:0.1'],
    fixes: ['registry.k8s.io/tekton/catalog:0.1'],
  },
  {
    name: 'Crossplane packages',
    file: 'provider.yaml',
    text: 'apiVersion: pkg.crossplane.io/v1\nkind: Provider\nmetadata:\n  name: provider-aws\nspec:\n  package: xpkg.upbound.io/crossplane-contrib/provider-aws:v0.33.0\n',
    want: ['crossplane-package xpkg.upbound.io/crossplane-contrib/provider-aws:v0.33.0'],
  },
  {
    name: 'devcontainer features are OCI artifacts; local and URL features are not',
    file: '.devcontainer/devcontainer.json',
    text: '{\n  "image": "mcr.microsoft.com/devcontainers/go:1",\n  "features": {\n    "ghcr.io/devcontainers/features/docker-in-docker:2": {},\n    // a comment\n    "./local-feature": {},\n    "https://example.com/f.tgz": {},\n    "k8s.gcr.io/features/kubectl:1": { "version": "1.29" }\n  }\n}\n',
    want: ['json-image mcr.microsoft.com/devcontainers/go:1', 'devcontainer-feature ghcr.io/devcontainers/features/docker-in-docker:2', 'devcontainer-feature k8s.gcr.io/features/kubectl:1'],
    fixes: ['registry.k8s.io/features/kubectl:1'],
  },
  {
    name: 'helm install oci:// in shell',
    file: 'install.sh',
    text: 'helm install redis oci://registry-1.docker.io/bitnamicharts/redis --version 18.0.0\nhelm pull oci://k8s.gcr.io/charts/x\n',
    want: ['shell-oci-artifact registry-1.docker.io/bitnamicharts/redis', 'shell-oci-artifact k8s.gcr.io/charts/x'],
    fixes: ['registry.k8s.io/charts/x'],
  },
  // ---- false mentions --------------------------------------------------------------------
  {
    name: 'CircleCI machine images and Azure vmImage are VM images',
    file: '.circleci/config.yml',
    text: 'version: 2.1\njobs:\n  e2e:\n    machine:\n      image: ubuntu-2204:2023.07.2\n    steps: [checkout]\n  unit:\n    docker:\n      - image: cimg/go:1.21\npool:\n  vmImage: ubuntu-latest\n',
    want: ['yaml-image cimg/go:1.21'],
  },
  {
    name: 'step names outside Cloud Build are not images',
    file: '.drone.yml',
    text: 'kind: pipeline\ntype: docker\nsteps:\n  - name: node\n    image: node:18\n    commands: [npm test]\n',
    want: ['k8s-image node:18'],
  },
  {
    name: 'Cloud Build step names still are',
    file: 'cloudbuild.yaml',
    text: 'steps:\n  - name: gcr.io/cloud-builders/docker\n    args: [build, -t, k8s.gcr.io/app:1, .]\n  - name: node\n    entrypoint: npm\n',
    want: ['cloudbuild-step gcr.io/cloud-builders/docker', 'cloudbuild-docker k8s.gcr.io/app:1', 'cloudbuild-step node'],
    fixes: ['registry.k8s.io/app:1'],
  },
  {
    name: 'hidden GitLab job keys ending in image are jobs',
    file: '.gitlab-ci.yml',
    text: '.build-image:\n  name: x/y:1\n  tag: z\nbuild_image:\n  extends: .build-image\n  image: docker:24\n  script:\n    - docker build -t k8s.gcr.io/a:1 .\n',
    want: ['gitlab-ci-image docker:24', 'shell-build-tag k8s.gcr.io/a:1'],
    fixes: ['registry.k8s.io/a:1'],
  },
  {
    name: 'ARG img="scratch" and image IDs are not images',
    file: 'Dockerfile',
    text: 'ARG img="scratch"\nFROM ${img}\nRUN docker run 1a3f5e7b9c0d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a0b2c4d6e8f0a1b3c5d7e9f\n',
    want: [],
  },
  {
    name: 'shell: 64-hex IDs and file-command arguments are not images',
    file: 'run.sh',
    text: 'docker run 1a3f5e7b9c0d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a0b2c4d6e8f0a1b3c5d7e9f\ncd k8s.gcr.io/images/k8s-staging-kops\ncat k8s.gcr.io/images/list\ngit add k8s.gcr.io/images\n',
    want: [],
  },
  {
    name: 'Quadlet: Image=, [Build] ImageTag=, a .image unit name, ExecStartPre shell',
    file: 'app.container',
    text: '[Container]\nImage=k8s.gcr.io/pause:3.6\n[Build]\nImageTag=localhost/app:dev\n[Image]\nImage=other.image\n[Service]\nExecStartPre=-/usr/bin/podman pull quay.io/coreos/flannel:v0.15.1\n',
    want: ['quadlet-image k8s.gcr.io/pause:3.6', 'quadlet-build-tag localhost/app:dev', 'unit-shell-pull quay.io/coreos/flannel:v0.15.1'],
    fixes: ['registry.k8s.io/pause:3.6', 'docker.io/flannel/flannel:v0.15.1'],
  },
];

describe('shapes found in their format finders, and false mentions', () => {
  for (const c of cases) {
    it(c.name, () => {
      const a = analyzeText(c.text, c.file, ruleSet);
      assertSpansMatch(c.text, a.mentions);
      assert.deepStrictEqual(a.mentions.map((m) => `${m.kind} ${m.text}`), c.want);
      assert.deepStrictEqual(a.findings.map((f) => f.replacement), c.fixes ?? []);
    });
  }

  it('OCI artifacts say so in `artifact`, and rules match them like images', () => {
    const text = 'dependencies:\n  - name: x\n    repository: oci://k8s.gcr.io/charts\n';
    const a = analyzeText(text, 'Chart.yaml', ruleSet);
    assert.strictEqual(a.mentions[0].artifact, 'helm-chart');
    assert.strictEqual(a.findings[0].replacement, 'registry.k8s.io/charts');
  });
});
