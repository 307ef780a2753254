import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { unifiedDiff } from '../../src/cli/unifiedDiff';
import { prng } from './support/fuzz';

/** Applies `patch` to `before` in a scratch folder with the real tool, and returns the file's bytes. */
function applyWith(tool: 'git' | 'patch', before: string, patch: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-diff-'));
  try {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub/file.txt'), before);
    fs.writeFileSync(path.join(dir, 'p.diff'), patch);
    if (tool === 'git') execFileSync('git', ['apply', '--whitespace=nowarn', 'p.diff'], { cwd: dir, stdio: 'pipe' });
    else execFileSync('patch', ['-p1', '--quiet', '--batch', '-i', 'p.diff'], { cwd: dir, stdio: 'pipe' });
    return fs.readFileSync(path.join(dir, 'sub/file.txt'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function check(before: string, after: string): void {
  const patch = unifiedDiff('sub/file.txt', before, after);
  for (const tool of ['git', 'patch'] as const) {
    let got: string;
    try {
      got = applyWith(tool, before, patch);
    } catch (e) {
      assert.fail(`${tool} rejected the patch: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}\n--- before ${JSON.stringify(before)}\n--- after ${JSON.stringify(after)}\n${patch}`);
    }
    assert.strictEqual(got, after, `${tool} applied it to something else\n${patch}`);
  }
}

describe('unifiedDiff', function () {
  const cases: { name: string; before: string; after: string; want?: RegExp }[] = [
    { name: 'a one-line Dockerfile without a final newline', before: 'FROM k8s.gcr.io/pause:3.6', after: 'FROM registry.k8s.io/pause:3.6', want: /^--- a\/sub\/file.txt\n\+\+\+ b\/sub\/file.txt\n@@ -1,1 \+1,1 @@\n-FROM k8s.gcr.io\/pause:3.6\n\\ No newline at end of file\n\+FROM registry.k8s.io\/pause:3.6\n\\ No newline at end of file\n$/ },
    { name: 'a one-line Dockerfile with a newline: no phantom context line', before: 'FROM k8s.gcr.io/pause:3.6\n', after: 'FROM registry.k8s.io/pause:3.6\n', want: /^[^]*@@ -1,1 \+1,1 @@\n-FROM k8s.gcr.io\/pause:3.6\n\+FROM registry.k8s.io\/pause:3.6\n$/ },
    { name: 'the last line changes, no newline, with context', before: 'a\nb\nc\nd\nimage: k8s.gcr.io/x', after: 'a\nb\nc\nd\nimage: registry.k8s.io/x' },
    { name: 'a line inserted (Kustomize newName)', before: 'images:\n- name: k8s.gcr.io/x\n  newTag: v1\n', after: 'images:\n- name: k8s.gcr.io/x\n  newName: registry.k8s.io/x\n  newTag: v1\n', want: /@@ -1,3 \+1,4 @@/ },
    { name: 'lines appended to a file without a final newline', before: 'a: 1', after: 'a: 1\nglobal:\n  security:\n    allowInsecureImages: true\n' },
    { name: 'CRLF lines', before: 'a\r\nFROM k8s.gcr.io/x\r\nb\r\n', after: 'a\r\nFROM registry.k8s.io/x\r\nb\r\n' },
    { name: 'changes far apart are two hunks', before: Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + '\n', after: Array.from({ length: 40 }, (_, i) => (i === 2 || i === 35 ? `new ${i}` : `line ${i}`)).join('\n') + '\n', want: /@@ -1,6 \+1,6 @@[^]*@@ -33,7 \+33,7 @@/ },
    { name: 'from empty', before: '', after: 'x\n' },
    { name: 'to empty', before: 'x\n', after: '' },
  ];
  for (const c of cases) {
    it(c.name, function () {
      if (c.want) assert.match(unifiedDiff('sub/file.txt', c.before, c.after), c.want);
      check(c.before, c.after);
    });
  }

  it('equal texts give no diff', function () {
    assert.strictEqual(unifiedDiff('f', 'a\n', 'a\n'), '');
  });

  it('property: random files and edits apply with git apply and patch -p1 to exactly the new text', function () {
    this.timeout(120000);
    const rand = prng(20261201);
    const words = ['image: k8s.gcr.io/pause:3.6', 'FROM bitnami/redis:7', '', '  - name: x', '# comment', 'a', 'a', 'b\r', 'key: value', '    tag: "1.0"'];
    for (let round = 0; round < 60; round++) {
      const n = rand(30);
      const lines = Array.from({ length: n }, () => words[rand(words.length)]);
      const eol = rand(2) === 0;
      const before = lines.join('\n') + (eol && n ? '\n' : '');
      const next = [...lines];
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) {
        const at = rand(next.length + 1);
        const kind = rand(3);
        if (kind === 0 && at < next.length) next[at] = next[at].replace('k8s.gcr.io', 'registry.k8s.io') + (rand(2) ? '' : ' x');
        else if (kind === 1) next.splice(at, 0, words[rand(words.length)]);
        else if (at < next.length) next.splice(at, 1);
      }
      const afterEol = rand(4) === 0 ? !eol : eol;
      const after = next.join('\n') + (afterEol && next.length ? '\n' : '');
      if (before === after) continue;
      check(before, after);
    }
  });
});
