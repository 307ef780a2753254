import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { type IgnoreLayer, isIgnored, parseGitignore } from '../../src/cli/gitignore';

/**
 * The CLI's .gitignore matcher against git itself: the same patterns and paths, written to a
 * real repository, asked of `git check-ignore`. A path counts as ignored, as the walker sees
 * it, when it or a folder above it is (git cannot re-include a file of an ignored folder).
 */
const ROOT_IGNORE = [
  '# a comment',
  '',
  '*.log',
  '!keep.log',
  'build/',
  '/top.txt',
  'docs/*.md',
  '!docs/README.md',
  '**/generated/**',
  'cache/**',
  'a/**/z.txt',
  'tmp?.txt',
  'file[0-9].yaml',
  'neg[!a-c].txt',
  '\\#hash.txt',
  '\\!bang.txt',
  'trailing.txt   ',
  'sp\\ ace.txt',
  'lit\\*.txt',
  'dir-only/',
  'open[bracket.txt',
  '**/deep.yaml',
  'x/**',
  '*.tmp/',
].join('\n');
const NESTED_IGNORE = ['local.yaml', '/anchored.yaml', 'sub/'].join('\n');

const FILES = [
  'app.log', 'keep.log', 'sub/other.log', 'sub/keep.log',
  'build/out.yaml', 'src/build/out.yaml', 'build.yaml',
  'top.txt', 'src/top.txt',
  'docs/guide.md', 'docs/README.md', 'docs/deep/guide.md', 'guide.md',
  'generated/a.yaml', 'src/generated/b.yaml', 'src/generated/c/d.yaml', 'generatedx/a.yaml',
  'cache/a.yaml', 'cache/b/c.yaml', 'src/cache/a.yaml',
  'a/z.txt', 'a/b/z.txt', 'a/b/c/z.txt', 'b/a/z.txt', 'a/zz.txt',
  'tmp1.txt', 'tmp12.txt', 'tmp/.txt',
  'file1.yaml', 'filex.yaml', 'file12.yaml',
  'negd.txt', 'nega.txt', 'negc.txt',
  '#hash.txt', 'hash.txt', '!bang.txt', 'bang.txt',
  'trailing.txt', 'sp ace.txt', 'lit*.txt', 'litx.txt',
  'dir-only/f.yaml', 'not-dir/dir-only', 'open[bracket.txt', 'openbbracket.txt',
  'deep.yaml', 'p/q/deep.yaml', 'x/y.yaml', 'x/y/z.yaml', 'xy/z.yaml',
  'w.tmp/a.yaml', 'w.tmp.yaml',
  'n/local.yaml', 'n/anchored.yaml', 'n/m/local.yaml', 'n/m/anchored.yaml', 'n/sub/a.yaml', 'n/subx.yaml', 'local.yaml', 'anchored.yaml',
];

function walkerSays(layers: IgnoreLayer[], rel: string): boolean {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) if (isIgnored(layers, parts.slice(0, i).join('/'), true)) return true;
  return isIgnored(layers, rel, false);
}

describe('.gitignore matching agrees with git check-ignore', function () {
  this.timeout(20000);

  it('every pattern form on files inside and outside what it names, with a nested .gitignore', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-gitignore-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: dir });
      fs.writeFileSync(path.join(dir, '.gitignore'), ROOT_IGNORE + '\n');
      fs.mkdirSync(path.join(dir, 'n'));
      fs.writeFileSync(path.join(dir, 'n/.gitignore'), NESTED_IGNORE + '\n');
      for (const f of FILES) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), 'x\n');
      }
      let out = '';
      try {
        out = execFileSync('git', ['check-ignore', '--stdin'], { cwd: dir, input: FILES.join('\n') + '\n', encoding: 'utf8' });
      } catch (e) {
        out = (e as { stdout: string }).stdout; // exit 1 when nothing is ignored
      }
      const git = new Set(out.split('\n').filter(Boolean).map((l) => l.replace(/^"|"$/g, '')));
      const layers: IgnoreLayer[] = [{ base: '', rules: parseGitignore(ROOT_IGNORE) }, { base: 'n/', rules: parseGitignore(NESTED_IGNORE) }];
      const wrong = FILES.filter((f) => walkerSays(layers, f) !== git.has(f)).map((f) => `${f}: git says ${git.has(f) ? 'ignored' : 'not ignored'}`);
      assert.deepStrictEqual(wrong, []);
      assert.ok(git.size > 20 && git.size < FILES.length - 20, `both answers are well represented (${git.size} of ${FILES.length} ignored)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CRLF files, blank and comment-only lines give no rules', () => {
    assert.deepStrictEqual(parseGitignore('# only\r\n\r\n   \r\n!\r\n/\r\n'), []);
    const [r] = parseGitignore('a.yaml\r\n');
    assert.ok(r.regex.test('a.yaml') && r.regex.test('x/a.yaml') && !r.regex.test('a.yaml\r'));
  });
});
