/** The formats the scanner knows. The path decides; the content is never sniffed. */
export type FileFormat =
  | 'dockerfile'
  | 'yaml'
  | 'helm-values'
  | 'helm-template'
  | 'github-workflow'
  | 'gitlab-ci'
  | 'compose'
  | 'kustomization'
  | 'markdown'
  | 'shell'
  | 'makefile'
  | 'json';

/** Detects the format of a file from its path (`/`-separated, any root). */
export function detectFileFormat(filePath: string): FileFormat | undefined {
  const p = filePath.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  const lower = base.toLowerCase();
  if (/^(docker|container)file$/i.test(base) || /^(docker|container)file\./i.test(base) || lower.endsWith('.dockerfile') || lower.endsWith('.containerfile')) {
    return 'dockerfile';
  }
  if (lower === 'makefile' || lower === 'gnumakefile' || lower.endsWith('.mk') || lower.endsWith('.make')) return 'makefile';
  if (/\.(sh|bash|zsh|ksh)$/.test(lower) || lower === '.envrc' || lower.endsWith('.env')) return 'shell';
  if (/\.(md|markdown|mdx)$/.test(lower)) return 'markdown';
  if (lower.endsWith('.json') || lower.endsWith('.jsonc') || lower === 'devcontainer.json') return 'json';
  if (/\.ya?ml$/.test(lower) || lower.endsWith('.yaml.gotmpl') || lower.endsWith('.tpl')) {
    if (/(^|\/)\.github\/workflows\//.test(p) || /(^|\/)action\.ya?ml$/.test(p)) return 'github-workflow';
    if (/^\.gitlab-ci\.ya?ml$/.test(lower) || /(^|\/)\.gitlab\//.test(p) || lower.endsWith('.gitlab-ci.yml')) return 'gitlab-ci';
    if (/^(docker-)?compose([.-].*)?\.ya?ml$/.test(lower)) return 'compose';
    if (/^kustomization\.ya?ml$/.test(lower)) return 'kustomization';
    if (/(^|\/)templates\//.test(p) && !/^values/.test(lower)) return 'helm-template';
    if (lower.endsWith('.tpl')) return 'helm-template';
    if (/^values([.-].*)?\.ya?ml$/.test(lower) || /(^|\/)ci\/[^/]*values[^/]*\.ya?ml$/.test(p)) return 'helm-values';
    return 'yaml';
  }
  return undefined;
}
