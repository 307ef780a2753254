import * as fs from 'fs';
import * as path from 'path';
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
  /** Files and folders left out by a .gitignore (a folder counts once; its files are not listed). */
  ignored: string[];
}

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

/**
 * The files a scan reads: every file below `root`, whatever its name (the scan decides by
 * content what it is), without .gitignore'd paths, node_modules and .git. Links are not
 * followed. Ignored paths are reported so the summary can say what was not read.
 */
export function walkFiles(root: string, targets: string[]): WalkResult {
  const files: WalkedFile[] = [];
  const missing: string[] = [];
  const ignored: string[] = [];
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
      walkDir(root, abs, layers, files, ignored);
    }
  }
  return { files, missing, ignored };
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

function walkDir(root: string, dir: string, layers: IgnoreLayer[], out: WalkedFile[], ignored: string[]): void {
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
      if (own.length && isIgnored(own, rel, true)) {
        ignored.push(rel + '/');
        continue;
      }
      walkDir(root, path.join(dir, e.name), own, out, ignored);
    } else if (e.isFile()) {
      if (own.length && isIgnored(own, rel, false)) {
        ignored.push(rel);
        continue;
      }
      out.push({ abs: path.join(dir, e.name), rel });
    }
  }
}
