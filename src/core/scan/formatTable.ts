import { findDockerfileMentions } from './dockerfile';
import { type FileFormat, type PathFacts, maskTemplateLines, pathFacts, rootKeys } from './fileFormat';
import type { Finder } from './finder';
import { findJsonMentions } from './json';
import { findMarkdownMentions } from './markdown';
import { findShellMentions } from './shell';
import { findUnitMentions } from './unit';
import { findYamlMentions } from './yaml';

/**
 * One format: its finder, and how a file is recognised as it. Rows are tried in order;
 * the first whose `byName` accepts the path wins. A YAML file the name does not place
 * (`yaml`) is then offered to the rows with `byKeys`, in order, so `ci/build.yml` with a
 * `stages:` key is a GitLab pipeline and `.woodpecker/x.yml` stays YAML. A file no name
 * accepts is offered to the rows with `byFirstLine` (`#!/bin/bash`), else it is `text`.
 * Adding a format is one finder and one row here.
 */
export interface FormatRow {
  format: FileFormat;
  finder: Finder;
  byName?: (f: PathFacts) => boolean;
  /** Root keys of a YAML file (rootKeys) and its text. */
  byKeys?: (keys: Map<string, string>, text: string) => boolean;
  byFirstLine?: RegExp;
}

const yamlExt = (f: PathFacts) => /\.ya?ml$/.test(f.lower);
const yamlFinder = (format: FileFormat): Finder => (text, ctx) => findYamlMentions(text, format, ctx);

/** The keys GitLab reserves at the root; any other root key holding a `script:` is a job. */
const GITLAB_GLOBAL = new Set(['stages', 'include', 'workflow', 'default', 'variables', 'image', 'services', 'cache', 'before_script', 'after_script']);

export const FORMAT_TABLE: readonly FormatRow[] = [
  {
    format: 'dockerfile',
    finder: (text) => findDockerfileMentions(text),
    byName: (f) => /^(docker|container)file$/i.test(f.base) || /^(docker|container)file\./i.test(f.base) || f.lower.endsWith('.dockerfile') || f.lower.endsWith('.containerfile'),
  },
  {
    format: 'makefile',
    finder: (text, ctx) => findShellMentions(text, { make: true }, ctx),
    byName: (f) => f.lower === 'makefile' || f.lower === 'gnumakefile' || f.lower.endsWith('.mk') || f.lower.endsWith('.make'),
  },
  {
    format: 'shell',
    finder: (text, ctx) => findShellMentions(text, { make: false }, ctx),
    byName: (f) => /\.(sh|bash|zsh|ksh|bats)$/.test(f.lower) || f.lower === '.envrc' || f.lower.endsWith('.env') || /^\.env(\.[\w-]+)?$/.test(f.lower),
    byFirstLine: /^#!\s*\S*(?:\/|\benv\s+)(?:ba|z|k|da|a)?sh\b/,
  },
  {
    // Podman Quadlet (https://docs.podman.io/en/latest/markdown/podman-systemd.unit.5.html) and systemd units.
    format: 'unit',
    finder: (text, ctx) => findUnitMentions(text, ctx),
    byName: (f) => /\.(container|image|build|pod|kube|volume|network|service|socket|timer)$/.test(f.lower),
  },
  { format: 'markdown', finder: (text, ctx) => findMarkdownMentions(text, ctx), byName: (f) => /\.(md|markdown|mdx)$/.test(f.lower) },
  { format: 'json', finder: (text) => findJsonMentions(text), byName: (f) => f.lower.endsWith('.json') || f.lower.endsWith('.jsonc') || f.lower.endsWith('.json5') },
  {
    // Gitea and Forgejo Actions read the GitHub syntax from their own folders.
    format: 'github-workflow',
    finder: yamlFinder('github-workflow'),
    byName: (f) => yamlExt(f) && (/(^|\/)\.(github|gitea|forgejo)\/workflows\//.test(f.path) || /(^|\/)action\.ya?ml$/.test(f.path)),
    byKeys: (keys) => keys.has('jobs') && (keys.has('on') || keys.has('"on"') || keys.has('true')),
  },
  {
    format: 'gitlab-ci',
    finder: yamlFinder('gitlab-ci'),
    byName: (f) => yamlExt(f) && (/^\.gitlab-ci\.ya?ml$/.test(f.lower) || /(^|\/)\.gitlab\//.test(f.path) || f.lower.endsWith('.gitlab-ci.yml')),
    byKeys: (keys, text) => {
      if (keys.has('jobs') || keys.has('steps') || keys.has('apiVersion') || keys.has('pipelines') || keys.has('pipeline')) return false;
      if (keys.has('stages') && (keys.has('include') || /^[ \t]+script:/m.test(text))) return true;
      // An included file may hold jobs alone: `build:` / `.template:` with `script:` under them.
      return [...keys.keys()].some((k) => !GITLAB_GLOBAL.has(k)) && /^ {2}(?:script|extends|stage):/m.test(text) && /^ {2}script:/m.test(text);
    },
  },
  {
    format: 'compose',
    finder: yamlFinder('compose'),
    byName: (f) => /^(docker-)?compose([.-].*)?\.ya?ml$/.test(f.lower),
    byKeys: (keys, text) => keys.has('services') && !keys.has('apiVersion') && !keys.has('jobs') && /^ {4}(?:image|build):/m.test(text),
  },
  { format: 'kustomization', finder: yamlFinder('kustomization'), byName: (f) => /^kustomization\.ya?ml$/.test(f.lower) },
  {
    format: 'helm-template',
    finder: yamlFinder('helm-template'),
    byName: (f) => (yamlExt(f) && /(^|\/)templates\//.test(f.path) && !/^values/.test(f.lower)) || f.lower.endsWith('.tpl'),
  },
  {
    format: 'helm-values',
    finder: yamlFinder('helm-values'),
    byName: (f) => yamlExt(f) && (/^values([.-].*)?\.ya?ml$/.test(f.lower) || /(^|\/)ci\/[^/]*values[^/]*\.ya?ml$/.test(f.path)),
  },
  { format: 'yaml', finder: yamlFinder('yaml'), byName: yamlExt },
];

const BY_FORMAT = new Map<FileFormat, FormatRow>(FORMAT_TABLE.map((r) => [r.format, r]));

/** The finder of a format, or undefined for `text` (content finder only). */
export function finderFor(format: FileFormat): Finder | undefined {
  return BY_FORMAT.get(format)?.finder;
}

/** Detects a file's format from its path alone; undefined when the name says nothing. */
export function detectFileFormat(filePath: string): FileFormat | undefined {
  const { facts } = pathFacts(filePath);
  for (const row of FORMAT_TABLE) if (row.byName?.(facts)) return row.format;
  return undefined;
}

export interface DetectedFormat {
  format: FileFormat;
  /** The text to hand the finder: a template's whole-line tags blanked (same offsets). */
  text: string;
  template: boolean;
}

/**
 * One detection step for every reader: the name first, then the content. A generic YAML
 * file whose root keys are a workflow's, a pipeline's or a Compose file's is read as that;
 * an extensionless script is read by its shebang; anything else is `text`.
 */
export function detectFormat(filePath: string, text: string): DetectedFormat {
  const { facts, template } = pathFacts(filePath);
  const body = template ? maskTemplateLines(text) : text;
  let format: FileFormat | undefined;
  for (const row of FORMAT_TABLE) {
    if (row.byName?.(facts)) {
      format = row.format;
      break;
    }
  }
  // A GitLab template under `templates/` is no Helm template when it has no template syntax.
  if (format === 'yaml' || (format === 'helm-template' && !body.includes('{{'))) {
    const keys = rootKeys(body);
    for (const row of FORMAT_TABLE) {
      if (format === 'helm-template' && row.format === 'compose') continue;
      if (row.byKeys?.(keys, body)) {
        format = row.format;
        break;
      }
    }
  } else if (format === undefined) {
    const firstLine = body.slice(0, Math.min(body.length, 256)).split('\n', 1)[0];
    for (const row of FORMAT_TABLE) {
      if (row.byFirstLine?.test(firstLine)) {
        format = row.format;
        break;
      }
    }
  }
  return { format: format ?? 'text', text: body, template };
}
