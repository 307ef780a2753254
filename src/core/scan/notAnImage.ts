/**
 * File extensions that end paths, never repository names. Repository names may contain
 * dots (`k8s.gcr.io/etcd-amd64`, `quay.io/org/app.server`), so only these count:
 * `k8s.gcr.io/images/k8s-staging-kops/images.yaml` is a file in a promoter repository.
 */
const PATH_EXTENSIONS = new Set([
  'yaml', 'yml', 'json', 'jsonc', 'md', 'markdown', 'mdx', 'rst', 'adoc', 'txt', 'sh', 'bash', 'zsh', 'ps1', 'bat', 'go', 'mod', 'sum', 'py',
  'rb', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'java', 'kt', 'rs', 'c', 'h', 'cc', 'cpp', 'hpp', 'cs', 'php', 'tf', 'tfvars', 'hcl', 'toml', 'ini',
  'cfg', 'conf', 'xml', 'html', 'htm', 'css', 'scss', 'svg', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'ico', 'pdf', 'csv', 'tsv', 'log', 'lock',
  'tar', 'tgz', 'gz', 'zip', 'bz2', 'xz', 'zst', 'deb', 'rpm', 'whl', 'jar', 'war', 'git', 'tpl', 'tmpl', 'j2', 'gotmpl', 'jsonnet', 'libsonnet',
  'cue', 'bzl', 'star', 'proto', 'sql', 'env', 'pem', 'crt', 'key', 'pub', 'asc', 'sig', 'sha256', 'patch', 'diff', 'service', 'container', 'dockerfile',
]);

/** No extension starts with a digit (checked here), so a tag's `…1.2.3` needs no slice or lookup. */
const NO_DIGIT_START = [...PATH_EXTENSIONS].every((e) => !/^[0-9]/.test(e));

/** True when `token` (a name, maybe with a tag) ends in a known file extension. */
export function isPathLike(token: string): boolean {
  const dot = token.lastIndexOf('.');
  if (dot === -1 || dot < token.lastIndexOf('/')) return false;
  const c = token.charCodeAt(dot + 1);
  if (NO_DIGIT_START && c >= 48 && c <= 57) return false;
  return PATH_EXTENSIONS.has(token.slice(dot + 1).toLowerCase());
}

/** `docker run 1a3f…` names an image by its 64-hex ID: no repository, nothing to move. */
export function isImageId(token: string): boolean {
  return (token.length === 64 || token.length === 71) && /^(?:sha256:)?[a-f0-9]{64}$/.test(token);
}

/** Commands whose arguments are files: `cd k8s.gcr.io/images/k8s-staging-kops` names a folder. */
const PATH_COMMANDS = new Set(['cd', 'ls', 'cat', 'pushd', 'mkdir', 'rmdir', 'rm', 'touch', 'tree', 'less', 'more', 'head', 'tail', 'vi', 'vim', 'nano', 'source', 'cp', 'mv', 'stat', 'chmod', 'chown']);
const GIT_PATH_VERBS = new Set(['add', 'rm', 'mv', 'checkout', 'diff', 'log', 'show', 'restore', 'blame']);

/** True when `words` (a command's words, from its command word on) take file arguments. */
export function isPathCommand(words: readonly string[]): boolean {
  const cmd = words[0];
  if (cmd === undefined) return false;
  const base = cmd.slice(cmd.lastIndexOf('/') + 1);
  if (PATH_COMMANDS.has(base)) return true;
  return base === 'git' && words[1] !== undefined && GIT_PATH_VERBS.has(words[1]);
}

/** The same commands, seen in free text before `i` on its line: `` `cd k8s.gcr.io/images/x` ``. */
const PATH_COMMAND_BEFORE = /(?:^|[\s;&|(`'"$])(?:cd|ls|cat|pushd|mkdir|rmdir|rm|touch|tree|less|more|head|tail|vi|vim|nano|source|cp|mv|git[ \t]+(?:add|rm|mv|checkout|diff|log|show|restore))(?:[ \t]+-{1,2}[A-Za-z-]+)*[ \t]+(?:[^\s|;&`]+[ \t]+)*$/;

/** True when the token at `i` is an argument of a file command on its line. */
export function isPathArgument(text: string, i: number): boolean {
  return PATH_COMMAND_BEFORE.test(lineBefore(text, i, 200));
}

/**
 * The text of i's line before i, at most `max` characters of it: a window, because
 * lastIndexOf over a 5 MB line for every token is quadratic.
 */
export function lineBefore(text: string, i: number, max: number): string {
  const window = text.slice(Math.max(0, i - max), i);
  const nl = Math.max(window.lastIndexOf('\n'), window.lastIndexOf('\r'));
  return nl === -1 ? window : window.slice(nl + 1);
}

/** Keys of virtual-machine images: Azure Pipelines `vmImage`, Travis `osx_image`, GCE `source_image`. */
const VM_IMAGE_KEYS = new Set(['vmImage', 'osx_image', 'os_image', 'source_image', 'machine_image', 'machineImage', 'windowsImage', 'nodeImage', 'baseImageVersion']);
/**
 * A filter before VM_IMAGE_KEYS.has, which hashes the key: asked for every key of a file,
 * the Set was the hottest line of the YAML finder. Every such key says "mage" (checked
 * here, so a key added without it only turns the filter off).
 */
const mayBeVmImageKey = [...VM_IMAGE_KEYS].every((k) => k.includes('mage')) ? (key: string) => key.includes('mage') : () => true;

/** A key that names a virtual machine's image, not a container's (`vmImage`, `source_image`). */
export function isVmImageKey(key: string): boolean {
  return mayBeVmImageKey(key) && VM_IMAGE_KEYS.has(key);
}
