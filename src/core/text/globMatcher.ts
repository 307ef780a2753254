/**
 * Compiles exclude globs (`--exclude`, `exclude:` in .registry-migrations.yaml) into one
 * test on `/`-separated relative paths. `**` spans folders, `*` and `?` stay inside one
 * name, `{a,b}` is a choice, `[abc]` a class. A glob without `/` matches a name at any
 * depth (`CHANGELOG.md`, `*.lock`), as in .gitignore; a glob that matches a folder
 * excludes everything below it (`vendor`, `docs/old`).
 */
export function globMatcher(globs: readonly string[]): (relPath: string) => boolean {
  const res = globs.filter((g) => g.trim() !== '').map(compileGlob);
  if (res.length === 0) return () => false;
  return (relPath) => {
    const parts = relPath.split('/');
    for (let i = parts.length; i > 0; i--) {
      const prefix = parts.slice(0, i).join('/');
      if (res.some((r) => r.test(prefix))) return true;
    }
    return false;
  };
}

export function compileGlob(glob: string): RegExp {
  let g = glob.trim().replace(/^\.\//, '').replace(/\/+$/, '');
  if (g.startsWith('/')) g = g.slice(1);
  else if (!g.includes('/')) g = `**/${g}`;
  let re = '';
  let depth = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slashAfter = g[i + 2] === '/';
        re += slashAfter ? '(?:[^/]*/)*' : '.*';
        i += slashAfter ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else if (c === '[') {
      const end = g.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${g.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  while (depth-- > 0) re += ')';
  return new RegExp(`^${re}$`);
}
