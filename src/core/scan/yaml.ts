import { type ImageMention, type MentionPart, type PartRole, makeMention, makeSplitMention, shiftMention } from './imageMention';
import type { FileFormat } from './fileFormat';
import type { FinderContext } from './finder';
import { ARG_KEYS, type ShapeSink, argList, argoKustomizeImage, dockerImageRef, driverOpts, specialScalar, withArtifact } from './yaml/yamlShapes';
import { type YMap, type YNode, type YScalar, type YSeq, mapGet, parseYamlTree, readYamlTree } from './yaml/yamlTree';
import { isVmImageKey } from './notAnImage';

/**
 * Image references in YAML: Kubernetes and CRD manifests, Helm values (inline and split
 * `registry`/`repository`/`tag`/`digest`), Helm templates, Kustomize `images:`, GitHub
 * Actions, GitLab CI, Compose, Skaffold and Cloud Build. Spans are exact; never throws.
 *
 * Split Helm references: `tag: ""` (the chart's appVersion) and `digest: ""` are kept as
 * parts with an empty text and an empty span between the quotes, so a fix can point at
 * them; makeSplitMention ignores empty tags. `global.imageRegistry` (or
 * `global.image.registry`) becomes the registry part only when the image mapping has no
 * `registry` of its own.
 */
export function findYamlMentions(text: string, format: FileFormat, ctx?: FinderContext): ImageMention[] {
  // Cheap exit for the common case of YAML that has nothing to do with images.
  if (!mayHoldImages(text, format)) return [];
  try {
    const finder = new YamlFinder(text, format, ctx);
    for (const doc of parseYamlTree(text)) finder.document(doc.roots);
    return finder.out;
  } catch {
    // The tree reader is tolerant by construction; this guards the "never throw" promise.
    return [];
  }
}

/** Longer values are not references (a name is at most 255 characters, a tag 128). */
const MAX_VALUE = 1024;

function mayHoldImages(text: string, format: FileFormat): boolean {
  // indexOf is several times faster than /image/i on a 50 MB text.
  if (text.includes('image') || text.includes('Image') || text.includes('IMAGE') || text.includes('repository:')) return true;
  // OCI artifacts and CI shapes whose keys do not say image.
  if (text.includes('oci://') || text.includes('pipe:') || text.includes('bundle') || text.includes('package:') || text.includes('reloader')) return true;
  switch (format) {
    case 'github-workflow':
    case 'gitlab-ci':
      return true;
    default:
      return /^steps:/m.test(text);
  }
}

/** Kinds whose `apiVersion` has no dot (`v1`, `apps/v1`, `batch/v1`) are core Kubernetes. */
function isCoreApiVersion(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return !group.includes('.');
}

const NOT_A_VALUE = /^(?:null|~|true|false|yes|no|on|off|[-+]?\d+(?:\.\d+)?)$/i;
/** Paths, URLs and pictures that sit under `image:` keys in docs sites and CRDs. */
const NOT_AN_IMAGE = /^(?:\.{0,2}\/|[a-z][a-z0-9+.-]*:\/\/)|\.(?:png|jpe?g|gif|svg|webp|ico|bmp|tiff?)$|(?:^|\/)(?:Docker|Container)file(?:\.[\w.-]+)?$/i;

/** `IMAGE_REGISTRY`, `SPARK_REPOSITORY`, `APP_REPO`, `IMAGE_TAG`: environment-style names. */
const ENV_PART = /^([A-Z0-9_]*?)_?(REGISTRY|REPOSITORY|REPO|TAG)$/;

/** Block scalars under these keys are shell or lists, never YAML to re-read. */
const NOT_YAML_KEYS = new Set(['run', 'script', 'before_script', 'after_script', 'tags', 'images', 'command', 'args']);

const FLAT_FIELD = /^image_?(registry|repository|repo|name|tag)$/i;

const LABELS = /(?:labels|annotations)$/i;

/** A key LABELS names. The last letter first (both words end in s): this runs for every mapping of a file. */
function isLabelsKey(key: string): boolean {
  return (key.charCodeAt(key.length - 1) | 32) === 115 && LABELS.test(key);
}

/** A mapping with a `repository` value and a `tag`, `registry` or `digest` beside it. */
function isImageLikeMap(m: YMap): boolean {
  return mapGet(m, 'repository')?.t === 'scalar' && Boolean(mapGet(m, 'tag') ?? mapGet(m, 'registry') ?? mapGet(m, 'digest'));
}

/** `key` ends in "image" (any case), followed by `extra` more characters ("images": 1). */
function endsWithImage(key: string, extra: number): boolean {
  const n = key.length - extra;
  if (n < 5) return false;
  // OR 32 lowercases ASCII letters: "IMAGE", "Image" and "image" all match.
  return (
    (key.charCodeAt(n - 5) | 32) === 105 &&
    (key.charCodeAt(n - 4) | 32) === 109 &&
    (key.charCodeAt(n - 3) | 32) === 97 &&
    (key.charCodeAt(n - 2) | 32) === 103 &&
    (key.charCodeAt(n - 1) | 32) === 101
  );
}

const SCRIPT_KEYS = new Set(['script', 'before_script', 'after_script']);


/** Fields only Cloud Build steps have (https://cloud.google.com/build/docs/build-config-file-schema). */
const CLOUD_BUILD_STEP_KEYS = ['args', 'entrypoint', 'waitFor', 'id', 'secretEnv', 'dir', 'script', 'timeout', 'allowFailure'];



class YamlFinder {
  readonly out: ImageMention[] = [];
  private readonly seen = new Set<number>();
  private readonly path: string[] = [];
  /** What the shape readers in yamlShapes.ts report through. */
  private readonly sink: ShapeSink;
  private docKind = '';
  private docApi = '';
  private globalRegistry: MentionPart | undefined;
  private cloudBuild = false;

  constructor(
    private readonly source: string,
    private readonly format: FileFormat,
    private readonly ctx: FinderContext | undefined,
    private readonly depth = 0,
  ) {
    this.sink = { source, push: (m) => this.push(m), scalar: (v, kind, strict) => this.scalarMention(v, kind, strict) };
  }

  document(roots: YNode[]): void {
    const root = roots[0];
    this.docKind = '';
    this.docApi = '';
    this.globalRegistry = undefined;
    if (root?.t === 'map') {
      this.docKind = scalarText(mapGet(root, 'kind'));
      this.docApi = scalarText(mapGet(root, 'apiVersion'));
      this.globalRegistry = this.findGlobalRegistry(root);
      this.rootSpecific(root);
    }
    for (const r of roots) {
      this.path.length = 0;
      this.walk(r);
    }
  }

  private push(m: ImageMention | undefined): void {
    if (!m) return;
    // Two finders may report one value (GitHub `with: image:` is also an `image:` key);
    // distinct mentions never start at the same offset.
    if (this.seen.has(m.span.start)) return;
    this.seen.add(m.span.start);
    this.out.push(m);
  }

  private walk(node: YNode): void {
    if (node.t === 'map') {
      const entries = node.entries;
      for (let i = 0; i < entries.length; i++) {
        const k = entries[i].key;
        // The last letter first: endsWith is a call per key of every mapping.
        if (entries.length > 1 && k.charCodeAt(k.length - 1) === 89 /* Y */ && k.endsWith('REGISTRY')) {
          this.envPairs(entries);
          break;
        }
      }
      const parent = this.path.length > 0 ? this.path[this.path.length - 1] : '';
      dockerImageRef(this.sink, node);
      // `labels: {image: web}` and `com.example.image: x` annotations name things, not images.
      const inLabels = parent !== '' && isLabelsKey(parent);
      if (!inLabels) this.flatImageFields(node);
      for (const e of entries) {
        this.entry(e.key, e.value, inLabels);
        if (e.value && e.value.t !== 'scalar') {
          this.path.push(e.key);
          this.walk(e.value);
          this.path.pop();
        }
      }
    } else if (node.t === 'seq') {
      const key = this.path.length > 0 ? this.path[this.path.length - 1] : '';
      if (ARG_KEYS.has(key)) argList(this.sink, node);
      this.envList(node);
      this.path.push('[]');
      for (const it of node.items) if (it && it.t !== 'scalar') this.walk(it);
      this.path.pop();
    }
  }

  /**
   * Kubernetes `env:` lists (`- name: SPARK_IMAGE` / `value: …`): an image-named variable
   * holds a reference, and REGISTRY/REPOSITORY variables pair up like in a map.
   */
  private envList(seq: YSeq): void {
    let registry = false;
    for (const it of seq.items) {
      if (it?.t !== 'map') return;
      const name = mapGet(it, 'name');
      if (name?.t !== 'scalar' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.text)) return;
      const value = mapGet(it, 'value');
      if (name.text.endsWith('REGISTRY')) registry = true;
      if (value?.t === 'scalar' && /image$/i.test(name.text)) this.push(this.scalarMention(value, 'k8s-env-image', false));
      else if (value?.t === 'scalar' && name.text === 'bundle') this.push(withArtifact(this.scalarMention(value, 'tekton-bundle', true), 'tekton-bundle'));
    }
    // envPairs only reports a group with a *REGISTRY variable: most env lists have none, so
    // the variables are only collected for one that has (every item is a named map here).
    if (!registry) return;
    const vars: { key: string; value: YNode | undefined }[] = [];
    for (const it of seq.items) {
      const m = it as YMap;
      vars.push({ key: (mapGet(m, 'name') as YScalar).text, value: mapGet(m, 'value') });
    }
    this.envPairs(vars);
  }

  /**
   * `IMAGE_REGISTRY: quay.io` + `IMAGE_REPOSITORY: org/app` (+ `IMAGE_TAG`) in one mapping
   * or env list: only the combination names an image, so it is one split mention.
   */
  private envPairs(vars: { key: string; value: YNode | undefined }[]): void {
    if (vars.length < 2) return;
    const byPrefix = new Map<string, Partial<Record<PartRole, MentionPart>>>();
    for (const v of vars) {
      const m = ENV_PART.exec(v.key);
      if (!m) continue;
      const role: PartRole = m[2] === 'REGISTRY' ? 'registry' : m[2] === 'TAG' ? 'tag' : 'repository';
      const part = this.part(v.value, role);
      if (!part) continue;
      const group = byPrefix.get(m[1]) ?? {};
      group[role] = part;
      byPrefix.set(m[1], group);
    }
    for (const g of byPrefix.values()) {
      if (!g.registry?.text || !g.repository?.text) continue;
      const parts = [g.registry, g.repository];
      if (g.tag) parts.push(g.tag);
      this.push(makeSplitMention('env-split', parts));
    }
  }

  /**
   * YAML inside a literal block: a ConfigMap's `config.yaml: |`, an Argo CD Application's
   * `helm.values: |`, a HelmRelease's `values: |`. The body is read in place (the outline
   * accepts any root indentation), so spans stay exact in the outer text.
   */
  private embedded(v: YScalar, format: FileFormat, known = false): void {
    if (!v.text.includes('image') && !v.text.includes('Image') && !v.text.includes('IMAGE')) return;
    if (!known && !looksLikeYaml(v.text)) return;
    const inner = new YamlFinder(v.text, format, this.ctx, this.depth + 1);
    // Not parseYamlTree: that would replace the file's own kept tree, which the companion
    // edits read next, with this block's.
    for (const doc of readYamlTree(v.text)) inner.document(doc.roots);
    for (const m of inner.out) this.push(shiftMention(m, v.start));
  }

  /** One `key: value` of a mapping at `this.path`. */
  private entry(key: string, v: YNode | undefined, inLabels: boolean): void {
    if (!v) return;
    if (inLabels) {
      // Except a chart's list of its images: Artifact Hub's annotation
      // (https://artifacthub.io/docs/topics/annotations/helm/) and Bitnami's `images: |`.
      if ((key === 'artifacthub.io/images' || key === 'images') && v.t === 'scalar' && v.style === 'block' && this.depth < 2) this.embedded(v, 'yaml', true);
      return;
    }
    const f = this.format;
    const path = this.path;
    const parentKey = path.length > 0 ? path[path.length - 1] : '';
    if (v.t === 'scalar' && specialScalar(this.sink, key, v, parentKey, this.docKind, this.docApi)) return;
    if (parentKey === 'machine' || isVmImageKey(key)) return; // CircleCI `machine: {image: ubuntu-2204:…}`, Azure `vmImage`: VM images
    // GitLab job names (`build-image:`, `.docker_image:`) are keys of jobs, not images.
    if (f === 'gitlab-ci' && path.length === 0 && key !== 'image' && key !== 'services') {
      return;
    }
    if (f === 'github-workflow') {
      if (key === 'container' && v.t === 'scalar' && path.length === 2 && path[0] === 'jobs') {
        this.push(this.scalarMention(v, 'github-container-image', true));
      } else if (key === 'uses' && v.t === 'scalar' && v.text.startsWith('docker://')) {
        this.push(this.scalarMention(v, 'github-uses-docker', true));
      } else if ((key === 'tags' || key === 'images') && v.t === 'scalar' && path[path.length - 1] === 'with') {
        this.listInput(v, `github-with-${key}`);
      } else if ((key === 'cache-from' || key === 'cache-to') && v.t === 'scalar' && path[path.length - 1] === 'with') {
        this.cacheRefs(v);
      } else if (key === 'run' && v.t === 'scalar') {
        this.shell(v);
      } else if (key === 'driver-opts' && v.t === 'scalar' && parentKey === 'with') {
        driverOpts(this.sink, v);
      } else if (v.t === 'scalar' && parentKey === 'with' && /(?:^|[-_])image[-_]?(?:ref|name|uri)$/i.test(key)) {
        this.push(this.scalarMention(v, 'github-with-image', true));
      } else if (v.t === 'scalar' && path.length === 3 && path[0] === 'jobs' && parentKey === 'services') {
        // `services: {postgres: postgres:10}`: the string form is the image.
        this.push(this.scalarMention(v, 'github-service-image', true));
      } else if (key === 'image' && v.t === 'scalar' && path.length === 1 && path[0] === 'runs' && !v.text.startsWith('docker://')) {
        return; // action.yml `image: Dockerfile` is a build path, not a reference
      }
    } else if (f === 'gitlab-ci') {
      if (key === 'services' && v.t === 'seq') {
        for (const it of v.items) {
          const name = it?.t === 'map' ? mapGet(it, 'name') : it;
          if (name?.t === 'scalar') this.push(this.scalarMention(name, 'gitlab-ci-service', true));
        }
      } else if (SCRIPT_KEYS.has(key)) {
        this.shellList(v);
      }
    }

    if (v.t === 'scalar' && v.style === 'block' && !v.folded && this.depth < 2 && !NOT_YAML_KEYS.has(key) && f !== 'helm-template') {
      this.embedded(v, key === 'values' || key === 'valuesInline' ? 'helm-values' : 'yaml');
    }

    if (endsWithImage(key, 0)) {
      if (v.t === 'scalar') this.push(this.scalarMention(v, this.imageKind(), true));
      else if (v.t === 'map') this.imageMap(v);
    } else if ((key.charCodeAt(key.length - 1) | 32) === 115 && endsWithImage(key, 1)) {
      if (v.t === 'map') {
        // `images: {controller: {repository: …}}`
        for (const e of v.entries) if (e.value?.t === 'map') this.imageMap(e.value);
      } else if (v.t === 'seq' && parentKey === 'kustomize' && key === 'images') {
        for (const it of v.items) if (it?.t === 'scalar') argoKustomizeImage(this.sink, it);
      } else if (v.t === 'seq' && !(path.length === 0 && key === 'images' && this.isKustomize())) {
        const kind = path.length === 0 && this.cloudBuild ? 'cloudbuild-image' : `${this.imageKind()}-list`;
        for (const it of v.items) if (it?.t === 'scalar') this.push(this.scalarMention(it, kind, kind === 'cloudbuild-image'));
      }
    } else if (v.t === 'map' && (f === 'helm-values' || f === 'yaml') && isImageLikeMap(v)) {
      // Charts also name image mappings after their tool: `kubectl: {repository: bitnami/kubectl,
      // tag: latest}`, `provisioner: {repository: …, tag: …}`.
      this.imageMap(v);
    }
  }

  private imageKind(): string {
    const path = this.path;
    switch (this.format) {
      case 'compose':
        return 'compose-image';
      case 'github-workflow':
        if (path.includes('services')) return 'github-service-image';
        if (path[path.length - 1] === 'container') return 'github-container-image';
        if (path[path.length - 1] === 'with') return 'github-with-image';
        if (path[0] === 'runs') return 'github-action-image';
        return 'github-image';
      case 'gitlab-ci':
        return 'gitlab-ci-image';
      case 'helm-values':
        return 'helm-values-image';
      case 'helm-template':
        return 'helm-template-image';
      default:
        if (this.docApi.startsWith('skaffold/')) return 'skaffold-image';
        if (this.docKind && this.docApi) return isCoreApiVersion(this.docApi) ? 'k8s-image' : 'crd-image';
        return this.docKind ? 'k8s-image' : 'yaml-image';
    }
  }

  /**
   * Older charts keep the fields flat: `imageRegistry` / `imageRepository` (or `imageRepo`,
   * `imageName`) / `imageTag` side by side in one mapping.
   */
  private flatImageFields(m: YMap): void {
    let registry: YNode | undefined;
    let repository: YNode | undefined;
    let tag: YNode | undefined;
    let upper = false;
    for (const e of m.entries) {
      const k = e.key;
      if (k.length < 8 || (k.charCodeAt(0) | 32) !== 105) continue; // starts with "i"
      const r = FLAT_FIELD.exec(k);
      if (!r) continue;
      const f = r[1].toLowerCase();
      if (f === 'registry') registry = e.value;
      else if (f === 'tag') tag = e.value;
      else {
        repository = e.value;
        upper = k === k.toUpperCase();
      }
    }
    if (repository?.t !== 'scalar') return;
    const repo = this.part(repository, 'repository');
    if (!repo?.text || NOT_AN_IMAGE.test(repo.text)) return;
    const parts: MentionPart[] = [];
    const reg = this.part(registry, 'registry');
    if (reg?.text) parts.push(reg);
    parts.push(repo);
    const t = this.part(tag, 'tag');
    if (t) parts.push(t);
    // `IMAGE_NAME: ghcr.io/acme/app` in an env block, `imageRepository:` in chart values.
    this.push(makeSplitMention(upper ? 'env-image' : 'helm-values-repository', parts));
  }

  /** `image:` whose value is a mapping: Helm's split form, or GitLab's `{name: …}`. */
  private imageMap(m: YMap): void {
    const reference = mapGet(m, 'reference');
    if (reference?.t === 'scalar' && !mapGet(m, 'repository')) {
      // Kubernetes image volumes: `volumes: [{name: x, image: {reference: quay.io/…, pullPolicy}}]`.
      this.push(this.scalarMention(reference, 'k8s-image-volume', true));
      return;
    }
    const repository = mapGet(m, 'repository') ?? mapGet(m, 'repo');
    const name = mapGet(m, 'name');
    if (repository?.t !== 'scalar') {
      if (name?.t !== 'scalar') return;
      if (this.format === 'gitlab-ci') {
        this.push(this.scalarMention(name, this.imageKind(), true));
        return;
      }
      if (!mapGet(m, 'tag')) {
        // Outside GitLab, `image: {name: image, collection: compute.images}` is often no
        // image at all; only a name that carries a path or tag is taken.
        if (/[/:]/.test(name.text)) this.push(this.scalarMention(name, this.imageKind(), false));
        return;
      }
    }
    const repo = repository?.t === 'scalar' ? repository : (name as YScalar);
    const parts: MentionPart[] = [];
    const registry = this.part(mapGet(m, 'registry'), 'registry');
    if (registry?.text) parts.push(registry);
    else if (this.globalRegistry) parts.push(this.globalRegistry);
    else if (registry) parts.push(registry);
    const repoPart = this.part(repo, 'repository');
    if (!repoPart || repoPart.text === '' || NOT_AN_IMAGE.test(repoPart.text)) return;
    parts.push(repoPart);
    const tag = this.part(mapGet(m, 'tag'), 'tag');
    if (tag) parts.push(tag);
    const digest = this.part(mapGet(m, 'digest'), 'digest');
    if (digest) parts.push(digest);
    this.push(makeSplitMention('helm-values-repository', parts));
  }

  private part(v: YNode | undefined, role: PartRole): MentionPart | undefined {
    if (v?.t !== 'scalar' || !v.exact || v.style === 'block' || v.style === 'alias') return undefined;
    if (v.style === 'plain' && /^(?:null|~)$/.test(v.text)) return undefined;
    return { role, span: { start: v.start, end: v.end }, text: v.text };
  }

  private findGlobalRegistry(root: YMap): MentionPart | undefined {
    const g = mapGet(root, 'global');
    if (g?.t !== 'map') return undefined;
    let p = this.part(mapGet(g, 'imageRegistry'), 'registry');
    if (!p?.text) {
      const img = mapGet(g, 'image');
      p = img?.t === 'map' ? this.part(mapGet(img, 'registry'), 'registry') : undefined;
    }
    return p?.text ? p : undefined;
  }

  /** The exact span of a single-reference scalar, or undefined when there is none. */
  private valueSpan(v: YScalar): { start: number; end: number } | undefined {
    if (v.style === 'alias') return undefined;
    let start = v.start;
    let end = v.end;
    if (v.style === 'block') {
      const body = v.text.trim();
      if (!body || body.includes('\n')) return undefined;
      start = v.start + v.text.indexOf(body);
      end = start + body.length;
    } else if (!v.exact) {
      return undefined;
    }
    const s = this.source;
    while (start < end && (s.charCodeAt(start) === 32 || s.charCodeAt(start) === 9)) start++;
    while (end > start && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
    return start < end ? { start, end } : undefined;
  }

  private scalarMention(v: YScalar, kind: string, strict: boolean): ImageMention | undefined {
    const span = this.valueSpan(v);
    if (!span) return undefined;
    let { start } = span;
    const { end } = span;
    if (end - start > MAX_VALUE) return undefined;
    if (this.source.startsWith('docker://', start)) start += 'docker://'.length;
    const text = this.source.slice(start, end);
    if (NOT_AN_IMAGE.test(text)) return undefined;
    if (v.style === 'plain' && NOT_A_VALUE.test(text)) return undefined;
    return makeMention(this.source, start, end, kind, { strict });
  }

  /**
   * docker/build-push-action reads list inputs (`tags`, metadata-action's `images`) split on
   * newlines and commas, with `#` lines as comments (actions-toolkit Util.getInputList).
   */
  private listInput(v: YScalar, kind: string): void {
    if (v.style === 'alias' || (!v.exact && v.style !== 'block')) return;
    const s = this.source;
    const re = /[^,\n]+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(v.text)) !== null) {
      let a = v.start + m.index;
      let b = a + m[0].length;
      while (a < b && /\s/.test(s[a])) a++;
      while (b > a && /\s/.test(s[b - 1])) b--;
      if (a === b || s[a] === '#') {
        if (s[a] === '#') re.lastIndex = Math.max(re.lastIndex, (v.text.indexOf('\n', m.index) + 1 || v.text.length));
        continue;
      }
      this.push(makeMention(s, a, b, kind, { strict: false }));
    }
  }

  /** build-push-action `cache-from: type=registry,ref=user/app:buildcache` (one per line). */
  private cacheRefs(v: YScalar): void {
    if (v.style === 'alias' || (!v.exact && v.style !== 'block')) return;
    const re = /(?:^|[\s,])ref=([^\s,"']+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(v.text)) !== null) {
      const start = v.start + m.index + m[0].length - m[1].length;
      this.push(makeMention(this.source, start, start + m[1].length, 'github-with-cache-ref', { strict: false }));
    }
  }

  private shell(v: YScalar): void {
    if (!this.ctx || v.style === 'alias' || (!v.exact && v.style !== 'block') || v.text === '') return;
    for (const m of this.ctx.find(v.text, 'shell')) this.push(shiftMention(m, v.start));
  }

  private shellList(v: YNode): void {
    if (v.t === 'scalar') this.shell(v);
    else if (v.t === 'seq') for (const it of v.items) if (it) this.shellList(it);
  }

  private isKustomize(): boolean {
    return this.format === 'kustomization' || this.docKind === 'Kustomization' || this.docKind === 'Component';
  }


  /** Structures identified from the document root: Kustomize images, Cloud Build steps. */
  private rootSpecific(root: YMap): void {
    const images = mapGet(root, 'images');
    const steps = mapGet(root, 'steps');
    // Cloud Build steps name their builder image and never carry `image:`; Drone, Woodpecker
    // and Harness steps have an `image:` beside a step name, and a `kind:`/`type:` at the root.
    this.cloudBuild =
      steps?.t === 'seq' &&
      !mapGet(root, 'jobs') &&
      !mapGet(root, 'kind') &&
      !mapGet(root, 'type') &&
      !mapGet(root, 'pipeline') &&
      steps.items.some((it) => it?.t === 'map' && mapGet(it, 'name')?.t === 'scalar') &&
      steps.items.every((it) => it?.t !== 'map' || (!mapGet(it, 'image') && !mapGet(it, 'commands') && !mapGet(it, 'uses') && !mapGet(it, 'run'))) &&
      steps.items.some((it) => it?.t === 'map' && CLOUD_BUILD_STEP_KEYS.some((k) => mapGet(it, k)));
    if (images?.t === 'seq') {
      const hasKustomizeFields = images.items.some((it) => it?.t === 'map' && ['newName', 'newTag', 'digest'].some((k) => mapGet(it, k)));
      if (this.isKustomize() || hasKustomizeFields) {
        for (const it of images.items) if (it?.t === 'map') this.kustomizeImage(it);
      }
    }
    if (this.cloudBuild && steps?.t === 'seq') {
      for (const it of steps.items) if (it?.t === 'map') this.cloudBuildStep(it);
    }
  }

  /** https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/ */
  private kustomizeImage(m: YMap): void {
    const name = mapGet(m, 'name');
    if (name?.t === 'scalar') this.push(this.scalarMention(name, 'kustomize-name', true));
    const newName = this.part(mapGet(m, 'newName'), 'repository');
    if (!newName?.text) return;
    const parts: MentionPart[] = [newName];
    const tag = this.part(mapGet(m, 'newTag'), 'tag');
    if (tag) parts.push(tag);
    const digest = this.part(mapGet(m, 'digest'), 'digest');
    if (digest) parts.push(digest);
    this.push(makeSplitMention('kustomize-newName', parts));
  }

  /**
   * https://cloud.google.com/build/docs/build-config-file-schema: `steps[].name` is the
   * builder image; for the docker builder, `-t X` / `--tag=X` and `push X` name images too.
   */
  private cloudBuildStep(m: YMap): void {
    const name = mapGet(m, 'name');
    if (name?.t !== 'scalar') return;
    this.push(this.scalarMention(name, 'cloudbuild-step', true));
    const args = mapGet(m, 'args');
    if (!/(?:^|\/)docker(?::[\w.-]+)?$/.test(name.text) || args?.t !== 'seq') return;
    const items = args.items;
    for (let i = 0; i < items.length; i++) {
      const a = items[i];
      if (a?.t !== 'scalar') continue;
      const next = items[i + 1];
      if ((a.text === '-t' || a.text === '--tag' || ((a.text === 'push' || a.text === 'pull') && i === 0)) && next?.t === 'scalar') {
        this.push(this.scalarMention(next, 'cloudbuild-docker', false));
      } else if (a.exact && a.text.startsWith('--tag=')) {
        this.push(makeMention(this.source, a.start + '--tag='.length, a.end, 'cloudbuild-docker', { strict: false }));
      }
    }
  }
}

/**
 * A block body is re-read as YAML only when most of its lines are `key:` or `- ` lines:
 * a description that happens to contain "image: projects/debian-…" is prose.
 */
function looksLikeYaml(body: string): boolean {
  let lines = 0;
  let structural = 0;
  for (const line of body.split('\n', 2000)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    lines++;
    if (/^(?:- |-$|["']?[\w.\/-]+["']?\s*:(?:\s|$))/.test(t)) structural++;
    else if (lines === 1) return false;
  }
  return lines > 0 && structural * 2 >= lines;
}

function scalarText(n: YNode | undefined): string {
  return n?.t === 'scalar' && n.exact ? n.text : '';
}
