import { type ImageMention, type MentionPart, makeMention, makeSplitMention, shiftMention } from './imageMention';
import type { FinderContext } from './finder';
import { isPathCommand } from './notAnImage';
import { type ShellCommand, type ShellWord, isUnambiguousImage, splitShellCommands, wordSpan } from './shellWords';

export interface ShellOptions {
  /** Makefile syntax: `VAR ?= value` assignments and tab-indented recipes. */
  make: boolean;
}

/**
 * Image references in shell scripts, `.env` files and Makefiles: the image arguments of
 * docker/podman/nerdctl/buildah, kind, minikube, crane, regctl, skopeo (`docker://…`) and
 * `helm --set image.repository=…`; `--*image=` flags; `IMAGE=…` / `IMG ?= …` assignments;
 * `*_REGISTRY` + `*_REPOSITORY` pairs as one split mention; and, anywhere, words that are
 * images beyond doubt (`registry.k8s.io/pause:3.9`). Never throws on user text.
 */
export function findShellMentions(text: string, options: ShellOptions, ctx?: FinderContext): ImageMention[] {
  const scan = new ShellScan(text, options.make);
  try {
    scan.run();
  } catch {
    // A lexer bug must not take the whole scan down; what was found so far stands.
  }
  const found = scan.finish();
  const fromYaml = options.make || !ctx ? [] : heredocYamlMentions(text, ctx);
  if (fromYaml.length === 0) return found;
  // The YAML reading of a heredoc wins: it sees split `registry`/`repository` fields.
  const covered = (m: ImageMention) => fromYaml.some((y) => [y.span, ...(y.parts ?? []).map((p) => p.span)].some((s) => s.start < m.span.end && m.span.start < s.end));
  return [...found.filter((m) => !covered(m)), ...fromYaml].sort((a, b) => a.span.start - b.span.start);
}

const HEREDOC = /<<(-?)[ \t]*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/**
 * YAML written by a heredoc (`cat > values.yaml <<EOF`, `kubectl apply -f - <<EOF`), read by
 * the YAML finder so Helm's split fields are found as in a values file. The body runs to the
 * line holding only the delimiter (leading tabs allowed with `<<-`), or to the end.
 */
function heredocYamlMentions(text: string, ctx: FinderContext): ImageMention[] {
  if (!text.includes('<<')) return [];
  const out: ImageMention[] = [];
  HEREDOC.lastIndex = 0;
  for (let m = HEREDOC.exec(text); m; m = HEREDOC.exec(text)) {
    const lineEnd = text.indexOf('\n', m.index);
    if (lineEnd === -1) break;
    const bodyStart = lineEnd + 1;
    const delimiter = m[3];
    let pos = bodyStart;
    let bodyEnd = text.length;
    while (pos < text.length) {
      const next = text.indexOf('\n', pos);
      const end = next === -1 ? text.length : next;
      let line = text.slice(pos, end).replace(/\r$/, '');
      if (m[1] === '-') line = line.replace(/^\t+/, '');
      if (line === delimiter) {
        bodyEnd = pos;
        break;
      }
      pos = end + 1;
    }
    const body = text.slice(bodyStart, bodyEnd);
    if (/^\s*[\w.-]+:\s/m.test(body) && (body.includes('image') || body.includes('repository:'))) {
      for (const y of ctx.find(body, 'yaml')) out.push({ ...shiftMention(y, bodyStart), kind: y.parts ? 'shell-heredoc-split' : 'shell-heredoc-image' });
    }
    HEREDOC.lastIndex = Math.max(HEREDOC.lastIndex, bodyEnd);
  }
  return out;
}

interface Assignment {
  name: string;
  span: { start: number; end: number };
  text: string;
}

/** Commands that run the next word: `sudo docker …`, `env A=1 docker …`, and a pasted `$ ` prompt. */
const PREFIX_COMMANDS = new Set(['$', '%', 'sudo', 'env', 'time', 'exec', 'nohup', 'command', 'then', 'do', 'else', 'if', 'elif', 'while', 'until', '!', '{', 'eval', 'xargs', 'watch']);
const ASSIGN_COMMANDS = new Set(['export', 'local', 'readonly', 'declare', 'typeset', 'set']);

/** docker/podman global options that take a value: `docker --context x build …`. */
const DOCKER_GLOBAL_VALUE = new Set(['-H', '--host', '--config', '-c', '--context', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey', '--url', '--connection', '--root', '--runroot', '--storage-driver', '--cgroup-manager', '--namespace', '-n', '--address', '-a']);

/**
 * `docker run` / `create` options that take a value, so `docker run -e A=1 -v x:/y img`
 * finds `img` (https://docs.docker.com/reference/cli/docker/container/run/), plus podman's.
 */
const RUN_VALUE = new Set([
  '--add-host', '--annotation', '--attach', '--blkio-weight', '--blkio-weight-device', '--cap-add', '--cap-drop', '--cgroup-parent', '--cgroupns',
  '--cidfile', '--cpu-period', '--cpu-quota', '--cpu-rt-period', '--cpu-rt-runtime', '--cpu-shares', '--cpus', '--cpuset-cpus', '--cpuset-mems',
  '--device', '--device-cgroup-rule', '--device-read-bps', '--device-read-iops', '--device-write-bps', '--device-write-iops', '--dns', '--dns-option',
  '--dns-search', '--domainname', '--entrypoint', '--env', '--env-file', '--expose', '--gpus', '--group-add', '--health-cmd', '--health-interval',
  '--health-retries', '--health-start-period', '--health-start-interval', '--health-timeout', '--hostname', '--ip', '--ip6', '--ipc', '--isolation', '--kernel-memory',
  '--label', '--label-file', '--link', '--link-local-ip', '--log-driver', '--log-opt', '--mac-address', '--memory', '--memory-reservation', '--memory-swap',
  '--memory-swappiness', '--mount', '--name', '--network', '--net', '--network-alias', '--net-alias', '--oom-score-adj', '--pid', '--pids-limit', '--platform',
  '--publish', '--pull', '--restart', '--runtime', '--security-opt', '--shm-size', '--stop-signal', '--stop-timeout', '--storage-opt', '--sysctl', '--tmpfs',
  '--ulimit', '--user', '--userns', '--uts', '--volume', '--volume-driver', '--volumes-from', '--workdir', '--detach-keys', '--arch', '--os', '--variant',
  '--pod', '--secret', '--uidmap', '--gidmap', '--subuidname', '--subgidname', '--requires', '--authfile', '--cert-dir', '--creds', '--chrootdirs',
  '--init-path', '--log-level', '--pidfile', '--preserve-fds', '--sdnotify', '--seccomp-policy', '--timeout', '--tz', '--umask', '--decryption-key',
  '--passwd-entry', '--group-entry', '--hosts-file', '--image-volume', '--cpu-count', '--cpu-percent', '--io-maxbandwidth', '--io-maxiops', '--cgroups',
]);
const RUN_SHORT_VALUE = new Set(['a', 'c', 'e', 'h', 'l', 'm', 'p', 'u', 'v', 'w']);
const PULL_VALUE = new Set(['--platform', '--authfile', '--cert-dir', '--creds', '--arch', '--os', '--variant', '--retry', '--retry-delay', '--decryption-key']);
const SAVE_VALUE = new Set(['-o', '--output', '--format', '--platform']);
const KIND_VALUE = new Set(['--name', '-n', '--nodes']);
const MINIKUBE_VALUE = new Set(['-p', '--profile']);
const CRANE_VALUE = new Set(['--platform', '-o', '--output', '--format', '--jobs', '-j', '--tag']);

type Tool = 'docker' | 'buildah' | 'kind' | 'minikube' | 'k3d' | 'crane' | 'regctl' | 'helm' | 'kustomize' | 'kubectl';

const TOOLS: Record<string, Tool> = {
  docker: 'docker',
  podman: 'docker',
  nerdctl: 'docker',
  finch: 'docker',
  buildah: 'buildah',
  kind: 'kind',
  minikube: 'minikube',
  k3d: 'k3d',
  crane: 'crane',
  gcrane: 'crane',
  regctl: 'regctl',
  helm: 'helm',
  kustomize: 'kustomize',
  kubectl: 'kubectl',
  oc: 'kubectl',
};

/**
 * The tool a command word names: `docker`, `/usr/bin/podman`, or a variable that stands
 * for one, as Makefiles write it (`$(CONTAINER_TOOL) build`, `${DOCKER} push`, `$(KIND) load`).
 */
function toolOf(value: string): Tool | undefined {
  const base = value.slice(value.lastIndexOf('/') + 1);
  const direct = TOOLS[base];
  if (direct) return direct;
  const v = /^\$[({]?([A-Za-z_][A-Za-z0-9_]*)[)}]?$/.exec(value);
  if (!v) return undefined;
  const name = v[1].toUpperCase();
  if (/DOCKER|PODMAN|NERDCTL|CONTAINER_(TOOL|ENGINE|RUNTIME|CLI)|^(CONTAINER|ENGINE|OCI_BIN|CRI_BIN|CONTAINER_CMD)$/.test(name)) return 'docker';
  for (const tool of ['KIND', 'MINIKUBE', 'CRANE', 'REGCTL', 'HELM', 'BUILDAH', 'K3D', 'KUSTOMIZE', 'KUBECTL'] as const) {
    if (name === tool || name === `${tool}_BIN` || name === `${tool}_CMD`) return tool === 'BUILDAH' ? 'buildah' : (tool.toLowerCase() as Tool);
  }
  return undefined;
}

/**
 * Flags that take an image but do not say so in their name: prometheus-operator's
 * `--prometheus-config-reloader=quay.io/…` (its `--config-reloader-image` says so).
 */
const IMAGE_VALUED_FLAGS = new Set(['--prometheus-config-reloader', '--alertmanager-default-base-image', '--kube-rbac-proxy', '--pause', '--sandbox-image', '--pod-infra-container-image']);

/** Names of variables that hold one image: `IMAGE`, `IMG`, `CONTROLLER_IMAGE`, `BASE_IMG`. */
const IMAGE_NAME = /(^|_)(IMAGE|IMG)$/;
/** Names of variables that hold a list of images: `IMAGES`, `EXTRA_IMGS`. */
const IMAGES_NAME = /(^|_)(IMAGE|IMG)S$/;
const REGISTRY_NAME = /^(.*?)REGISTRY$/;
const REPOSITORY_NAME = /^(.*?)(REPOSITORY|REPO)$/;

class ShellScan {
  private readonly found: ImageMention[] = [];
  private readonly registries: (Assignment & { prefix: string })[] = [];
  private readonly repositories: (Assignment & { prefix: string; kind: string })[] = [];

  constructor(
    private readonly text: string,
    private readonly make: boolean,
  ) {}

  run(): void {
    if (this.make) this.runMake();
    else for (const [from, to] of interestingRegions(this.text)) for (const cmd of splitShellCommands(this.text, from, to)) this.command(cmd);
  }

  finish(): ImageMention[] {
    this.pairSplitAssignments();
    const seen = new Set<string>();
    return this.found.filter((m) => {
      const key = `${m.span.start}:${m.span.end}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private add(m: ImageMention | undefined): void {
    if (m) this.found.push(m);
  }

  // ---- Makefiles -------------------------------------------------------------------------

  /** Make's own lines: assignments are Make syntax, tab-indented recipe lines are shell. */
  private runMake(): void {
    const text = this.text;
    for (const [from, to] of interestingRegions(text)) {
      let start = from;
      while (start < to) {
        let end = text.indexOf('\n', start);
        while (end !== -1 && end < to && continues(text, end)) end = text.indexOf('\n', end + 1);
        if (end === -1 || end > to) end = to;
        if (text.charCodeAt(start) === 9) {
          for (const cmd of splitShellCommands(text, start, end)) this.command(cmd);
        } else {
          this.makeLine(start, end);
        }
        start = end + 1;
      }
    }
  }

  private makeLine(start: number, end: number): void {
    const line = this.text.slice(start, Math.min(end, start + 4096));
    const m = /^[ \t]*((?:(?:export|override|private)[ \t]+)*)([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(\?=|:=|::=|:::=|\+=|!=|=)/.exec(line);
    if (!m) return;
    if (m[3] === '!=') return; // a shell command's output
    const name = m[2];
    // Make comments start at any unescaped `#`; the value is the rest, trimmed.
    const valueStart = start + m[0].length;
    let valueEnd = end;
    const hash = findMakeComment(this.text, valueStart, end);
    if (hash !== -1) valueEnd = hash;
    const words: ShellWord[] = [];
    for (const cmd of splitShellCommands(this.text, valueStart, valueEnd)) words.push(...cmd.words);
    if (words.length === 0) return;
    this.assignment(name, words, this.make ? 'make-assignment' : 'shell-assignment');
  }

  // ---- Shell commands --------------------------------------------------------------------

  private command(cmd: ShellCommand): void {
    const words = cmd.words;
    const handled = new Set<ShellWord>();
    let i = 0;
    if (this.make && words.length > 0) stripRecipePrefix(words);
    // Leading assignments and the commands that only wrap the real one.
    while (i < words.length) {
      const w = words[i];
      const eq = assignmentName(w.value);
      if (eq) {
        this.assignment(eq, [sliceWord(w, eq.length + 1)], this.make ? 'make-shell-assignment' : 'shell-assignment');
        handled.add(w);
        i++;
        continue;
      }
      if (ASSIGN_COMMANDS.has(w.value)) {
        for (let j = i + 1; j < words.length; j++) {
          const n = assignmentName(words[j].value);
          if (n) {
            this.assignment(n, [sliceWord(words[j], n.length + 1)], 'shell-assignment');
            handled.add(words[j]);
          }
        }
        return;
      }
      if (PREFIX_COMMANDS.has(w.value)) {
        i++;
        // sudo -u user / env -u NAME: skip their options too.
        while (i < words.length && words[i].value.startsWith('-')) i += /^-[ugCDr]$/.test(words[i].value) ? 2 : 1;
        continue;
      }
      break;
    }
    // A YAML heredoc body (`cat <<EOF | kubectl apply -f -`) reaches here line by line:
    // `image: nginx:1.25` and `- image: x` name an image even without a registry.
    const head = words[i]?.value === '-' ? i + 1 : i;
    if (words[head]?.value === 'image:' && words.length === head + 2) {
      this.word(words[head + 1], 'shell-heredoc-image', true);
      return;
    }
    if (i < words.length && isPathCommand([words[i].value, words[i + 1]?.value ?? ''])) return;
    if (i < words.length) {
      const tool = toolOf(words[i].value);
      if (tool) this.tool(tool, words, i + 1, handled);
    }
    this.generic(words, i, handled);
  }

  private tool(tool: Tool, words: ShellWord[], at: number, handled: Set<ShellWord>): void {
    const image = (w: ShellWord | undefined, kind: string): void => {
      if (!w || handled.has(w)) return;
      handled.add(w);
      this.word(w, kind, true);
    };
    const sub = (from: number, globals: Set<string>): number => {
      let j = from;
      while (j < words.length && words[j].value.startsWith('-')) j += globals.has(words[j].value) ? 2 : 1;
      return j;
    };
    switch (tool) {
      case 'docker':
      case 'buildah': {
        let j = sub(at, DOCKER_GLOBAL_VALUE);
        let verb = words[j]?.value;
        // `docker image build`, `docker container run`, `docker buildx build`, `docker builder build`
        if ((verb === 'image' || verb === 'container' || verb === 'builder' || verb === 'buildx') && words[j + 1]) {
          if (verb === 'buildx' && words[j + 1].value === 'imagetools') {
            const op = words[j + 2]?.value;
            for (const w of flagValues(words, j + 3, ['-t', '--tag'])) image(w, 'shell-build-tag');
            if (op === 'create' || op === 'inspect') for (const w of positionals(words, j + 3, new Set(['-t', '--tag', '-f', '--file', '--builder', '--format', '--annotation', '--platform']))) image(w, 'shell-imagetools');
            return;
          }
          j++;
          verb = words[j].value;
        }
        const rest = j + 1;
        if (verb === 'create' && words[j - 1]?.value === 'buildx') {
          // `docker buildx create --driver-opt image=moby/buildkit:v0.12.0,network=host`
          for (const w of flagValues(words, rest, ['--driver-opt'])) {
            handled.add(w);
            this.list(w, 'shell-word');
          }
          return;
        }
        switch (verb) {
          case 'build':
          case 'b':
          case 'bud':
            for (const w of flagValues(words, rest, ['-t', '--tag'])) image(w, 'shell-build-tag');
            return;
          case 'pull':
          case 'push': {
            const ps = positionals(words, rest, PULL_VALUE);
            image(ps[0], `shell-${verb}`);
            // `buildah push IMAGE docker://dest`, `podman push IMAGE dest`
            if (verb === 'push' && ps[1]) image(ps[1], 'shell-push');
            return;
          }
          case 'tag': {
            for (const w of positionals(words, rest, new Set())) image(w, 'shell-tag');
            return;
          }
          case 'run':
          case 'create':
          case 'from':
            image(positionals(words, rest, RUN_VALUE, RUN_SHORT_VALUE)[0], `shell-${verb}`);
            return;
          case 'save':
          case 'rmi':
          case 'rm':
            if (verb === 'rm' && words[j - 1]?.value !== 'image') return;
            for (const w of positionals(words, rest, SAVE_VALUE)) image(w, `shell-${verb}`);
            return;
          case 'manifest': {
            const op = words[rest]?.value;
            if (op === 'create' || op === 'push' || op === 'inspect' || op === 'annotate' || op === 'add') {
              const ps = positionals(words, rest + 1, new Set(['--os', '--arch', '--variant', '--os-features', '--annotation', '--authfile', '--format']));
              for (const w of op === 'annotate' || op === 'add' ? ps.slice(0, 2) : ps) image(w, 'shell-manifest');
            }
            return;
          }
          default:
            return;
        }
      }
      case 'kind': {
        const j = sub(at, new Set());
        if (words[j]?.value === 'load' && words[j + 1]?.value === 'docker-image') {
          for (const w of positionals(words, j + 2, KIND_VALUE)) image(w, 'shell-kind-load');
        }
        return;
      }
      case 'minikube': {
        const j = sub(at, MINIKUBE_VALUE);
        const verb = words[j]?.value;
        if (verb === 'image' && (words[j + 1]?.value === 'load' || words[j + 1]?.value === 'pull')) {
          for (const w of positionals(words, j + 2, MINIKUBE_VALUE)) image(w, 'shell-minikube-load');
        } else if (verb === 'image' && words[j + 1]?.value === 'build') {
          for (const w of flagValues(words, j + 2, ['-t', '--tag'])) image(w, 'shell-build-tag');
        } else if (verb === 'cache' && words[j + 1]?.value === 'add') {
          for (const w of positionals(words, j + 2, MINIKUBE_VALUE)) image(w, 'shell-minikube-load');
        }
        return;
      }
      case 'k3d': {
        if (words[at]?.value === 'image' && (words[at + 1]?.value === 'import' || words[at + 1]?.value === 'load')) {
          for (const w of positionals(words, at + 2, new Set(['-c', '--cluster', '-m', '--mode']))) {
            if (!/\.(tar|tgz|gz)$/.test(w.value)) image(w, 'shell-k3d-import');
          }
        }
        return;
      }
      case 'crane': {
        const j = sub(at, CRANE_VALUE);
        const verb = words[j]?.value;
        const ps = positionals(words, j + 1, CRANE_VALUE);
        const kind = 'shell-crane';
        if (verb === 'copy' || verb === 'cp') ps.slice(0, 2).forEach((w) => image(w, kind));
        else if (verb === 'pull') ps.slice(0, -1).forEach((w) => image(w, kind));
        else if (verb === 'push') image(ps[1], kind);
        else if (verb && ['digest', 'ls', 'manifest', 'config', 'delete', 'validate', 'export', 'tag', 'mutate', 'flatten', 'rebase', 'index'].includes(verb)) image(ps[0], kind);
        for (const w of flagValues(words, j + 1, ['-b', '--base', '-t', '--tag', '--new_tag', '--new_base', '--old_base'])) image(w, kind);
        return;
      }
      case 'regctl': {
        const noun = words[at]?.value;
        const verb = words[at + 1]?.value;
        const ps = positionals(words, at + 2, new Set(['--platform', '--format', '-p', '--host']));
        if (noun === 'image' && (verb === 'copy' || verb === 'cp')) ps.slice(0, 2).forEach((w) => image(w, 'shell-regctl'));
        else if ((noun === 'image' || noun === 'manifest' || noun === 'tag' || noun === 'artifact') && verb) image(ps[0], 'shell-regctl');
        return;
      }
      case 'helm':
        this.helm(words, at, handled);
        return;
      case 'kustomize':
      case 'kubectl': {
        // `kustomize edit set image [name=]ref…` (https://kubectl.docs.kubernetes.io/references/kustomize/cmd/edit/set/image/)
        // and `kubectl set image deployment/x container=ref…`: each `name=ref`'s right side is
        // the new image; kustomize's left side names the image it replaces.
        const j = tool === 'kustomize' && words[at]?.value === 'edit' ? at + 1 : at;
        if (words[j]?.value !== 'set' || words[j + 1]?.value !== 'image') return;
        const ps = positionals(words, j + 2, new Set(['-f', '--filename', '-l', '--selector', '-n', '--namespace', '--context', '--kubeconfig', '-o', '--output']));
        for (const [k, w] of ps.entries()) {
          handled.add(w);
          const eq = w.value.indexOf('=');
          if (eq === -1) {
            if (tool === 'kustomize') image(w, 'shell-kustomize-set-image');
            continue;
          }
          if (tool === 'kustomize' && eq > 0) {
            const left = sliceWord(w, 0);
            const leftSpan = wordSpan(left, 0, eq);
            if (leftSpan && /[/.]/.test(w.value.slice(0, eq))) this.add(makeMention(this.text, leftSpan.start, leftSpan.end, 'shell-kustomize-set-image-name'));
          } else if (tool === 'kubectl' && k === 0) {
            continue;
          }
          image(sliceWord(w, eq + 1), tool === 'kustomize' ? 'shell-kustomize-set-image' : 'shell-kubectl-set-image');
        }
        return;
      }
    }
  }

  /**
   * `helm … --set image.repository=X[,image.tag=Y] --set image.registry=R`: a repository
   * alone is a mention; a registry and repository with the same prefix in one command are
   * one split mention.
   */
  private helm(words: ShellWord[], at: number, handled: Set<ShellWord>): void {
    const registries = new Map<string, MentionPart>();
    const repositories: { prefix: string; part: MentionPart }[] = [];
    for (let j = at; j < words.length; j++) {
      const w = words[j];
      let valueWord: ShellWord | undefined;
      let offset = 0;
      if (w.value === '--set' || w.value === '--set-string') {
        valueWord = words[j + 1];
        j++;
      } else if (w.value.startsWith('--set=') || w.value.startsWith('--set-string=')) {
        valueWord = w;
        offset = w.value.indexOf('=') + 1;
      }
      if (!valueWord) continue;
      handled.add(valueWord);
      const v = valueWord.value;
      // Helm splits --set on unescaped commas: `a.b=1,c.d=2`.
      let p = offset;
      while (p <= v.length) {
        let comma = v.indexOf(',', p);
        while (comma > 0 && v.charCodeAt(comma - 1) === 92) comma = v.indexOf(',', comma + 1);
        if (comma === -1) comma = v.length;
        const eq = v.indexOf('=', p);
        if (eq !== -1 && eq < comma) {
          const key = v.slice(p, eq);
          const span = wordSpan(valueWord, eq + 1, comma);
          if (span && comma > eq + 1) {
            const text = this.text.slice(span.start, span.end);
            const m = /^(.*?)(\.?registry|\.?repository|image)$/i.exec(key);
            if (m && /image/i.test(key)) {
              const suffix = m[2].toLowerCase().replace('.', '');
              if (suffix === 'registry') registries.set(m[1].toLowerCase().replace(/image$/, 'image.'), { role: 'registry', span, text });
              else if (suffix === 'repository') repositories.push({ prefix: m[1].toLowerCase().replace(/image$/, 'image.'), part: { role: 'repository', span, text } });
              else this.add(makeMention(this.text, span.start, span.end, 'shell-helm-set', { strict: true }));
            } else {
              this.addUnambiguous(span.start, span.end, 'shell-helm-set');
            }
          }
        }
        p = comma + 1;
      }
    }
    for (const r of repositories) {
      const reg = registries.get(r.prefix);
      if (reg) this.add(makeSplitMention('shell-helm-set-split', [reg, r.part]));
      else this.add(makeMention(this.text, r.part.span.start, r.part.span.end, 'shell-helm-set', { strict: true }));
    }
  }

  /** Words no tool claimed: `--*image=X` flags, `NAME=X` arguments, `docker://X`, obvious images. */
  private generic(words: ShellWord[], from: number, handled: Set<ShellWord>): void {
    for (let j = from; j < words.length; j++) {
      const w = words[j];
      if (handled.has(w)) continue;
      const v = w.value;
      if (v.length < 3) continue;
      if (v.charCodeAt(0) === 45 /* - */) {
        const eq = v.indexOf('=');
        const flag = (eq === -1 ? v : v.slice(0, eq)).toLowerCase();
        const imageFlag = /^--?[a-z0-9-_.]*(image|img)$/.test(flag) || IMAGE_VALUED_FLAGS.has(flag);
        if (eq !== -1) {
          if (imageFlag) this.word(sliceWord(w, eq + 1), 'shell-image-flag', true);
          else this.list(sliceWord(w, eq + 1), 'shell-word');
        } else if (imageFlag && words[j + 1] && !words[j + 1].value.startsWith('-')) {
          j++;
          this.word(words[j], 'shell-image-flag', false);
        }
        continue;
      }
      const name = assignmentName(v);
      if (name) {
        this.assignment(name, [sliceWord(w, name.length + 1)], 'shell-argument');
        continue;
      }
      this.list(w, 'shell-word');
    }
  }

  /** A comma-separated list of candidates (`--cache-from type=registry,ref=X`, `-t a,b`). */
  private list(w: ShellWord, kind: string): void {
    const v = w.value;
    if (!/[/:]/.test(v)) return;
    let p = 0;
    while (p < v.length) {
      let comma = v.indexOf(',', p);
      if (comma === -1) comma = v.length;
      let a = p;
      const eq = v.indexOf('=', p);
      if (eq !== -1 && eq < comma) a = eq + 1;
      // buildx `--driver-opt image=moby/buildkit:v0.12.0,network=host`: the key says image.
      const keyIsImage = eq !== -1 && eq < comma && /^(?:image|img)$/i.test(v.slice(p, eq));
      if (keyIsImage) {
        const span = wordSpan(w, a, comma);
        if (span) this.add(makeMention(this.text, span.start, span.end, 'shell-driver-opt-image', { strict: true }));
      } else if (v.startsWith('oci://', a)) {
        const span = wordSpan(w, a + 6, comma);
        const m = span && makeMention(this.text, span.start, span.end, 'shell-oci-artifact');
        if (m) this.add({ ...m, artifact: 'oci-artifact' });
      } else if (v.startsWith('docker://', a)) {
        const span = wordSpan(w, a + 9, comma);
        if (span) this.add(makeMention(this.text, span.start, span.end, 'shell-docker-transport', { strict: true }));
      } else {
        const span = wordSpan(w, a, comma);
        if (span) this.addUnambiguous(span.start, span.end, kind);
      }
      p = comma + 1;
    }
  }

  private addUnambiguous(start: number, end: number, kind: string): void {
    const m = makeMention(this.text, start, end, kind);
    if (m && isUnambiguousImage(m)) this.add(m);
  }

  /** One word known to hold an image (strict) or that may hold one. */
  private word(w: ShellWord, kind: string, strict: boolean): void {
    let a = 0;
    if (w.value.startsWith('docker://')) a = 9;
    else if (/^[a-z-]+:\/\//.test(w.value) || w.value.includes('://')) return;
    // `--build-arg IMAGE=<your Spark image>`: the shell split a placeholder; it names nothing.
    if (w.value.startsWith('<') && !w.value.includes('>')) return;
    const span = wordSpan(w, a, w.value.length);
    if (!span) return;
    const m = makeMention(this.text, span.start, span.end, kind, { strict });
    if (m && (strict || m.ref)) this.add(m);
  }

  // ---- Assignments -----------------------------------------------------------------------

  /**
   * `NAME=value` in shell, `.env` or Make. The name decides how sure we are: `*IMAGE`/`*IMG`
   * hold an image (templated ones are reported as skipped); `*REGISTRY` and `*REPOSITORY`
   * are paired at the end; other names count only for unambiguous images.
   */
  private assignment(rawName: string, valueWords: ShellWord[], kind: string): void {
    const words = valueWords.map(defaultOfExpansion).filter((w) => w.value.length > 0);
    if (words.length === 0) return;
    const name = rawName.toUpperCase();
    if (words.length === 1) {
      const w = words[0];
      const span = wordSpan(w, 0, w.value.length);
      if (!span) return;
      const text = this.text.slice(span.start, span.end);
      const reg = REGISTRY_NAME.exec(name);
      if (reg && !/IMAGE_?$|IMG_?$/.test(name) && !text.includes('://')) {
        this.registries.push({ name, prefix: reg[1], span, text });
        return;
      }
      const repo = REPOSITORY_NAME.exec(name);
      if (repo && !text.includes('://')) {
        this.repositories.push({ name, prefix: repo[1], span, text, kind });
        return;
      }
      if (IMAGE_NAME.test(name)) {
        this.word(w, kind, true);
        return;
      }
    }
    const listy = IMAGES_NAME.test(name) || (/IMAGE|IMG/.test(name) && !/(TAG|VERSION|DIGEST|POLICY|PULL|SECRET|FILE|DIR|PATH|NAME_SUFFIX|ARCHIVE)S?$/.test(name));
    for (const w of words) {
      if (listy && /[/:]/.test(w.value) && !w.value.includes('://')) this.word(w, kind, false);
      else this.list(w, kind);
    }
  }

  /** `IMAGE_REGISTRY=quay.io` + `IMAGE_REPOSITORY=org/app` in one file: one split mention. */
  private pairSplitAssignments(): void {
    for (const repo of this.repositories) {
      const candidates = this.registries.filter((r) => r.prefix === repo.prefix);
      const before = candidates.filter((r) => r.span.start < repo.span.start);
      const reg = before.length > 0 ? before[before.length - 1] : candidates[0];
      const repoPart: MentionPart = { role: 'repository', span: repo.span, text: repo.text };
      if (reg) {
        this.add(makeSplitMention('split-env', [{ role: 'registry', span: reg.span, text: reg.text }, repoPart]));
        continue;
      }
      const strict = /IMAGE|IMG/.test(repo.name);
      const m = makeMention(this.text, repo.span.start, repo.span.end, repo.kind, { strict });
      if (m && (strict ? m.ref || m.skipped : isUnambiguousImage(m))) this.add(m);
    }
    const used = new Set(this.repositories.map((r) => r.prefix));
    for (const reg of this.registries) {
      // `REGISTRY ?= gcr.io/k8s-staging-foo`: a registry with a namespace is still a name a move can apply to.
      if (!used.has(reg.prefix) && reg.text.includes('/')) this.addUnambiguous(reg.span.start, reg.span.end, 'shell-registry');
    }
  }
}

/**
 * What a line must contain to hold a mention: a tool's name, a word like image, registry
 * or repo (variables, flags, helm keys), a `$(TOOL)` variable, or a `host.domain/` name.
 * Lines without any are skipped unparsed; most of a script is such lines.
 */
const INTERESTING = /docker|podman|nerdctl|finch|buildah|kind|minikube|k3d|crane|regctl|helm|image|img|registry|repo|localhost|\.[A-Za-z0-9-]+(?::\d+)?\/|\$[({][A-Z_]*(?:TOOL|ENGINE|RUNTIME|CLI|CMD|BIN|CONTAINER)/gi;

/**
 * [from, to) ranges of whole logical lines (continuations included) that match INTERESTING;
 * adjacent ones are merged so a command keeps its continuation lines.
 */
function interestingRegions(text: string): [number, number][] {
  const out: [number, number][] = [];
  const re = new RegExp(INTERESTING.source, 'gi');
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    let start = text.lastIndexOf('\n', m.index) + 1;
    while (start >= 2 && continues(text, start - 1)) start = text.lastIndexOf('\n', start - 2) + 1;
    let end = text.indexOf('\n', m.index);
    while (end !== -1 && continues(text, end)) end = text.indexOf('\n', end + 1);
    if (end === -1) end = text.length;
    const last = out[out.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
    re.lastIndex = end + 1;
  }
  return out;
}

/** True when the newline at `nl` is escaped by an odd number of backslashes before it. */
function continues(text: string, nl: number): boolean {
  let k = nl - 1;
  if (text.charCodeAt(k) === 13) k--;
  let n = 0;
  while (k >= 0 && text.charCodeAt(k) === 92) {
    n++;
    k--;
  }
  return n % 2 === 1;
}

function findMakeComment(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 35 && text.charCodeAt(i - 1) !== 92) return i;
  return -1;
}

/** `NAME=…` → `NAME`, for shell-style assignment words. */
function assignmentName(v: string): string | undefined {
  const m = /^[A-Za-z_][A-Za-z0-9_]*(?=\+?=)/.exec(v);
  return m ? m[0] : undefined;
}

/** The part of a word from value offset `from` on, as a word of its own. */
function sliceWord(w: ShellWord, from: number): ShellWord {
  let a = from;
  if (w.value.charCodeAt(a) === 61) a++; // the `=` of `+=`
  const span = wordSpan(w, a, w.value.length);
  if (span && (!w.segs || span.end - span.start === w.value.length - a)) return { start: span.start, end: span.end, value: w.value.slice(a) };
  if (!w.segs) return { start: w.start + a, end: w.end, value: w.value.slice(a) };
  const segs = w.segs
    .filter((g) => g.v + g.len > a)
    .map((g) => (g.v >= a ? { v: g.v - a, s: g.s, len: g.len } : { v: 0, s: g.s + (a - g.v), len: g.len - (a - g.v) }));
  return { start: segs[0]?.s ?? w.end, end: w.end, value: w.value.slice(a), segs };
}

/** `${IMAGE:-gcr.io/a/b:1}` → the default, `gcr.io/a/b:1`, as the word to look at. */
function defaultOfExpansion(w: ShellWord): ShellWord {
  const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]([^{}$]*)\}$/.exec(w.value);
  if (!m) return w;
  const a = w.value.length - 1 - m[1].length;
  const span = wordSpan(w, a, w.value.length - 1);
  if (!span) return w;
  return { start: span.start, end: span.end, value: m[1] };
}

/** Make recipe prefixes: `@docker …` (silent), `-docker …` (ignore errors), `+docker …`. */
function stripRecipePrefix(words: ShellWord[]): void {
  const w = words[0];
  const m = /^[@+-]+/.exec(w.value);
  if (!m || m[0].length === w.value.length) {
    if (m) words.shift();
    return;
  }
  words[0] = sliceWord(w, m[0].length);
}

/** The values of `-t X`, `--tag X`, `--tag=X`, `-t=X` from `from` on. */
function flagValues(words: ShellWord[], from: number, flags: string[]): ShellWord[] {
  const out: ShellWord[] = [];
  for (let j = from; j < words.length; j++) {
    const v = words[j].value;
    if (flags.includes(v)) {
      if (words[j + 1]) out.push(words[j + 1]);
      j++;
      continue;
    }
    const eq = v.indexOf('=');
    if (eq > 0 && flags.includes(v.slice(0, eq))) out.push(sliceWord(words[j], eq + 1));
  }
  return out;
}

/**
 * Non-option words from `from` on. `valueOptions` take the next word (`--name x`); in
 * clusters of short options (`-dp 80:80`) a value letter takes the next word only when last.
 */
function positionals(words: ShellWord[], from: number, valueOptions: Set<string>, shortValue?: Set<string>): ShellWord[] {
  const out: ShellWord[] = [];
  let afterDashes = false;
  for (let j = from; j < words.length; j++) {
    const v = words[j].value;
    if (!afterDashes && v === '--') {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && v.length > 1 && v.startsWith('-')) {
      if (v.includes('=')) continue;
      if (valueOptions.has(v)) {
        j++;
        continue;
      }
      if (shortValue && !v.startsWith('--')) {
        for (let k = 1; k < v.length; k++) {
          if (shortValue.has(v[k])) {
            if (k === v.length - 1) j++;
            break;
          }
        }
      }
      continue;
    }
    // `$${CI:+-e CI=1}` in a Makefile recipe expands to options or nothing, never the image.
    if (/^\$+\{[A-Za-z_][A-Za-z0-9_]*:?\+/.test(v)) continue;
    // `docker run $(DOCKER_ARGS) $(INTERACTIVE) $(IMG)`: variables named for options are options.
    const pure = /^\$+[({]?([A-Za-z_][A-Za-z0-9_]*)[)}]?$/.exec(v);
    if (pure && /ARG|OPT|FLAG|INTERACTIVE|TTY|ENV|VOLUME|MOUNT|PORT|NETWORK|USER|EXTRA|PARAM/i.test(pure[1]) && !/IMAGE|IMG/i.test(pure[1])) continue;
    out.push(words[j]);
  }
  return out;
}
