/**
 * A .gitignore matcher covering what repositories use: `#` comments, `!` negation,
 * trailing `/` for directories, a leading or inner `/` anchoring to the file's folder,
 * `*`, `?`, `[…]` and `**`. https://git-scm.com/docs/gitignore#_pattern_format
 */
export interface IgnoreRule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    line = line.replace(/(?<!\\)\s+$/, '');
    if (!line) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    if (!line) continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = globToRegex(line);
    const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
    rules.push({ regex, negate, dirOnly });
  }
  return rules;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashAfter = glob[i + 2] === '/';
        const atStart = i === 0 || glob[i - 1] === '/';
        if (atStart && slashAfter) {
          out += '(?:.*/)?';
          i += 2;
          continue;
        }
        if (atStart && i + 2 === glob.length) {
          out += '.*';
          i += 1;
          continue;
        }
        out += '[^/]*';
        i += 1;
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      // Git's wildmatch gives up on an unclosed bracket: the pattern matches nothing.
      if (close === -1) out += '(?!)';
      else {
        let cls = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        out += `[${cls}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += glob[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/** Ignore rules of one folder, relative to that folder. */
export interface IgnoreLayer {
  base: string; // folder relative to the walk root, '' or 'a/b/'
  rules: IgnoreRule[];
}

/** Git's answer for `relPath` (relative to the walk root): the last matching rule wins. */
export function isIgnored(layers: readonly IgnoreLayer[], relPath: string, isDir: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    if (!relPath.startsWith(layer.base)) continue;
    const p = relPath.slice(layer.base.length);
    for (const r of layer.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.regex.test(p)) ignored = !r.negate;
    }
  }
  return ignored;
}
