import { type ImageMention, makeMention } from '../imageMention';
import { type YMap, type YScalar, type YSeq, mapGet } from './yamlTree';

/**
 * YAML shapes whose keys do not say "image": argument lists, buildx driver options, Argo CD
 * kustomize images, OpenShift DockerImage sources, `oci://` artifacts, Bitbucket pipes,
 * Tekton bundles and Crossplane packages. The YAML finder calls these with a sink that
 * dedupes and turns scalars into mentions with exact spans.
 */
export interface ShapeSink {
  source: string;
  push(m: ImageMention | undefined): void;
  /** The scalar's mention (quotes, `docker://`, non-values handled), or undefined. */
  scalar(v: YScalar, kind: string, strict: boolean): ImageMention | undefined;
}

/** Lists of command-line arguments in manifests and charts. */
export const ARG_KEYS = new Set(['args', 'command', 'extraArgs', 'containerArgs']);
const IMAGE_FLAG = /^--?[a-z0-9._-]*(?:image|img)$/;
/** Flags that take an image without saying so (prometheus-operator's config reloader). */
const IMAGE_VALUED_FLAGS = new Set(['--prometheus-config-reloader', '--pod-infra-container-image', '--sandbox-image']);

export function withArtifact(m: ImageMention | undefined, kind: NonNullable<ImageMention['artifact']>): ImageMention | undefined {
  return m && { ...m, artifact: kind };
}

/**
 * Scalars whose key alone does not say image: `oci://` chart and artifact URLs, Bitbucket
 * `pipe:`, Tekton `bundle:`, Crossplane `spec.package`. True when the value was handled.
 */
export function specialScalar(sink: ShapeSink, key: string, v: YScalar, parentKey: string, docKind: string, docApi: string): boolean {
  const s = sink.source;
  const start = v.start + (v.style === 'block' ? v.text.length - v.text.trimStart().length : 0);
  if (v.exact && s.startsWith('oci://', start) && v.text.length > 6) {
    const artifactKind = docKind === 'OCIRepository' ? 'flux-oci-repository' : 'helm-chart-oci';
    const m = makeMention(s, start + 6, v.end, artifactKind);
    if (m && m.ref) sink.push({ ...m, artifact: docKind === 'OCIRepository' ? 'oci-artifact' : 'helm-chart' });
    return true;
  }
  if (key === 'pipe' && v.exact && /[/:]/.test(v.text)) {
    // Bitbucket Pipelines: `- pipe: atlassian/aws-s3-deploy:1.1.0` and `pipe: docker://acct/img:tag` are images.
    sink.push(sink.scalar(v, 'bitbucket-pipe', true));
    return true;
  }
  if (key === 'bundle' && (parentKey === 'taskRef' || parentKey === 'pipelineRef')) {
    sink.push(withArtifact(sink.scalar(v, 'tekton-bundle', true), 'tekton-bundle'));
    return true;
  }
  if (key === 'package' && parentKey === 'spec' && docApi.startsWith('pkg.crossplane.io/')) {
    sink.push(withArtifact(sink.scalar(v, 'crossplane-package', true), 'crossplane-package'));
    return true;
  }
  return false;
}

/** Container `args:`/`command:` lists: `--config-reloader-image=REF`, `--prometheus-config-reloader=REF`, `--foo-image REF`. */
export function argList(sink: ShapeSink, seq: YSeq): void {
  const items = seq.items;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it?.t !== 'scalar' || !it.exact || !it.text.startsWith('-')) continue;
    const eq = it.text.indexOf('=');
    const flag = (eq === -1 ? it.text : it.text.slice(0, eq)).toLowerCase();
    if (!IMAGE_FLAG.test(flag) && !IMAGE_VALUED_FLAGS.has(flag)) continue;
    if (eq !== -1) {
      sink.push(makeMention(sink.source, it.start + eq + 1, it.end, 'k8s-arg-image', { strict: true }));
    } else {
      const next = items[i + 1];
      if (next?.t === 'scalar' && !next.text.startsWith('-')) sink.push(sink.scalar(next, 'k8s-arg-image', false));
    }
  }
}

/** setup-buildx-action `driver-opts: image=moby/buildkit:v0.12.0` (one option per line or comma). */
export function driverOpts(sink: ShapeSink, v: YScalar): void {
  if (v.style === 'alias' || (!v.exact && v.style !== 'block')) return;
  const re = /(?:^|[\s,])image=([^\s,"']+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v.text)) !== null) {
    const start = v.start + m.index + m[0].length - m[1].length;
    sink.push(makeMention(sink.source, start, start + m[1].length, 'github-buildx-driver-image', { strict: true }));
  }
}

/** Argo CD `kustomize.images: [alias=ref, ref]`: `name=newName:tag` like `kustomize edit set image`. */
export function argoKustomizeImage(sink: ShapeSink, v: YScalar): void {
  if (!v.exact || v.style === 'block') return;
  const eq = v.text.indexOf('=');
  if (eq === -1) {
    sink.push(sink.scalar(v, 'argocd-kustomize-image', true));
    return;
  }
  if (/[/.]/.test(v.text.slice(0, eq))) sink.push(makeMention(sink.source, v.start, v.start + eq, 'argocd-kustomize-name'));
  sink.push(makeMention(sink.source, v.start + eq + 1, v.end, 'argocd-kustomize-image', { strict: true }));
}

/** OpenShift ImageStream tags and BuildConfig sources: `from: {kind: DockerImage, name: quay.io/…}`. */
export function dockerImageRef(sink: ShapeSink, m: YMap): void {
  const kind = mapGet(m, 'kind');
  if (kind?.t !== 'scalar' || kind.text !== 'DockerImage') return;
  const name = mapGet(m, 'name');
  if (name?.t === 'scalar') sink.push(sink.scalar(name, 'openshift-docker-image', true));
}

