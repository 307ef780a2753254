import * as fs from 'fs';
import * as path from 'path';
import { detectFileFormat } from '../core/scan/fileFormat';
import { type IgnoreLayer, isIgnored, parseGitignore } from './gitignore';

export interface WalkedFile {
  /** Absolute path. */
  abs: string;
  /** Relative to the scanned root, `/`-separated. */
  rel: string;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Paths given on the command line that do not exist. */
  missing: string[];
}

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

/**
 * The files a scan reads: every file below `root` whose format the scanner knows,
 * without .gitignore'd paths, node_modules and .git. Links are not followed.
 */
export function walkFiles(root: string, targets: string[]): WalkResult {
  const files: WalkedFile[] = [];
  const missing: string[] = [];
  const rootLayers = loadAncestorIgnores(root);
  for (const target of targets.length ? targets : [root]) {
    const abs = path.resolve(root, target);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      missing.push(target);
      continue;
    }
    const rel = toRel(root, abs);
    if (st.isFile()) {
      // A file named explicitly is scanned even when ignored, as linters do.
      files.push({ abs, rel });
    } else if (st.isDirectory()) {
      const layers = [...rootLayers];
      walkDir(root, abs, layers, files);
    }
  }
  return { files, missing };
}

function toRel(root: string, abs: string): string {
  const r = path.relative(root, abs).split(path.sep).join('/');
  return r === '' ? '.' : r;
}

/** .gitignore files from `root` itself (the walk root is usually the repository root). */
function loadAncestorIgnores(root: string): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  const text = readIgnore(path.join(root, '.gitignore'));
  if (text !== undefined) layers.push({ base: '', rules: parseGitignore(text) });
  return layers;
}

function readIgnore(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function walkDir(root: string, dir: string, layers: IgnoreLayer[], out: WalkedFile[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const relDir = toRel(root, dir);
  const base = relDir === '.' ? '' : relDir + '/';
  let own = layers;
  if (base !== '' && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
    const text = readIgnore(path.join(dir, '.gitignore'));
    if (text !== undefined) own = [...layers, { base, rules: parseGitignore(text) }];
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const rel = base + e.name;
    if (e.isDirectory()) {
      if (ALWAYS_SKIPPED.has(e.name)) continue;
      if (own.length && isIgnored(own, rel, true)) continue;
      walkDir(root, path.join(dir, e.name), own, out);
    } else if (e.isFile()) {
      if (!detectFileFormat(rel)) continue;
      if (own.length && isIgnored(own, rel, false)) continue;
      out.push({ abs: path.join(dir, e.name), rel });
    }
  }
}
