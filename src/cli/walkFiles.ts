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
  /** Files left out by an exclude glob. */
  excluded: string[];
}

export interface WalkProgress {
  /** The array to fill (the scan reads it while the walk goes on). */
  out?: WalkedFile[];
  /** Called when files were added to `out`, and once at the end. */
  onFiles?: () => void;
  /** `--exclude` and the rules file's `exclude:`: such files go to `excluded`, not `out`. */
  exclude?: (rel: string) => boolean;
}

interface WalkState {
  files: WalkedFile[];
  sinceYield: number;
  onFiles?: () => void;
  exclude?: (rel: string) => boolean;
  excluded: string[];
}

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

/**
 * The files a scan reads: every file below `root`, whatever its name (the scan decides by
 * content what it is), without .gitignore'd paths, node_modules and .git. Links are not
 * followed. Ignored paths are reported so the summary can say what was not read.
 */
export async function walkFiles(root: string, targets: string[], progress: WalkProgress = {}): Promise<WalkResult> {
  const files: WalkedFile[] = progress.out ?? [];
  const state: WalkState = { files, sinceYield: 0, onFiles: progress.onFiles, exclude: progress.exclude, excluded: [] };
  const missing: string[] = [];
  const ignored: string[] = [];
  const rootLayers = loadAncestorIgnores(root);
  // Every target is checked before any is walked: a scan streaming its output must not have
  // printed half of it when a later target turns out to be a typo.
  for (const target of targets) {
    try {
      fs.lstatSync(path.resolve(root, target));
    } catch {
      missing.push(target);
    }
  }
  if (missing.length) return { files, missing, ignored, excluded: state.excluded };
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
      // A file named explicitly is scanned even when ignored, as linters do (but not when excluded).
      if (state.exclude?.(rel)) state.excluded.push(rel);
      else files.push({ abs, rel });
    } else if (st.isDirectory()) {
      const layers = [...rootLayers];
      await walkDir(root, abs, layers, state, ignored);
    }
  }
  progress.onFiles?.();
  return { files, missing, ignored, excluded: state.excluded };
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

async function walkDir(root: string, dir: string, layers: IgnoreLayer[], state: WalkState, ignored: string[]): Promise<void> {
  const out = state.files;
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
      await walkDir(root, path.join(dir, e.name), own, state, ignored);
    } else if (e.isFile()) {
      if (own.length && isIgnored(own, rel, false)) {
        ignored.push(rel);
        continue;
      }
      if (state.exclude?.(rel)) {
        state.excluded.push(rel);
        continue;
      }
      out.push({ abs: path.join(dir, e.name), rel });
      state.sinceYield++;
    }
  }
  // Hand what was found to the scan and let its threads' messages in: the walk of a large
  // tree takes long enough (2 s of readdir under load) that waiting for it idles every worker.
  if (state.onFiles && state.sinceYield >= 64) {
    state.sinceYield = 0;
    state.onFiles();
    await new Promise((r) => setImmediate(r));
  }
}
