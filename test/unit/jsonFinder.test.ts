import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { findJsonMentions } from '../../src/core/scan/json';
import { LineIndex } from '../../src/core/text/span';

interface Case {
  name: string;
  text: string;
  /** `line:col text kind [skipped]`, 1-based. */
  want: string[];
}

function show(text: string): string[] {
  const idx = new LineIndex(text);
  return findJsonMentions(text)
    .sort((a, b) => a.span.start - b.span.start)
    .map((m) => {
      assert.strictEqual(text.slice(m.span.start, m.span.end), m.text);
      const p = idx.positionAt(m.span.start);
      return `${p.line + 1}:${p.character + 1} ${m.text} ${m.kind}${m.skipped ? ' skipped' : ''}`;
    });
}

const cases: Case[] = [
  {
    name: 'devcontainer image',
    text: '{\n  "name": "x",\n  "image": "mcr.microsoft.com/devcontainers/base:ubuntu"\n}',
    want: ['3:13 mcr.microsoft.com/devcontainers/base:ubuntu json-image'],
  },
  {
    name: 'keys ending in image, any case; compact JSON on one line',
    text: '{"dockerImage":"k8s.gcr.io/pause:3.2","IMAGE": "gcr.io/a/b:1","imagePullPolicy":"Always"}',
    want: ['1:17 k8s.gcr.io/pause:3.2 json-image', '1:49 gcr.io/a/b:1 json-image'],
  },
  {
    name: 'arrays under keys ending in images',
    text: '{"images": ["gcr.io/a/b:1", "k8s.gcr.io/c", "not an image"], "extraImages": []}',
    want: ['1:14 gcr.io/a/b:1 json-images', '1:30 k8s.gcr.io/c json-images'],
  },
  {
    name: 'templated values: literal repository kept, templated repository skipped',
    text: '{"image": "ghcr.io/a/b:${TAG}", "runnerImage": "${REGISTRY}/runner"}',
    want: ['1:12 ghcr.io/a/b:${TAG} json-image', '1:49 ${REGISTRY}/runner json-image skipped'],
  },
  {
    name: 'not images: pictures, URLs, paths, escaped strings, labels, values named image',
    text: '{"image": "assets/logo.png", "ogImage": "https://x.io/a.jpg", "buildImage": "./Dockerfile", "a": "image", "esc": {"image": "gcr.io\\/a\\/b"}, "labels": {"image": "web"}}',
    want: [],
  },
  {
    name: 'docker:// prefix is not part of the reference',
    text: '{"image": "docker://alpine:3.19"}',
    want: ['1:21 alpine:3.19 json-image'],
  },
  {
    name: 'package names and message keys ending in image are not image fields',
    text: '{"dependencies": {"@xterm/addon-image": "^0.9.0"}, "command.copyImage": "Copy", "previewImage": "Open", "baseImage": "node:20"}',
    want: ['1:119 node:20 json-image'],
  },
  { name: 'CRLF', text: '{\r\n  "image": "k8s.gcr.io/pause:3.2"\r\n}\r\n', want: ['2:13 k8s.gcr.io/pause:3.2 json-image'] },
  { name: 'broken JSON: unterminated strings and arrays', text: '{"image": "gcr.io/a/b:1\n, "images": ["x/y:1", ', want: ['2:15 x/y:1 json-images'] },
  // `\0` is not JSON whitespace, so the first pair is not a key and value.
  { name: 'NUL bytes', text: '\0{"image":\0"a/b:1"}\0{"image": "c/d:2"}', want: ['1:32 c/d:2 json-image'] },
  { name: 'empty', text: '', want: [] },
];

describe('findJsonMentions', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepStrictEqual(show(c.text), c.want);
    });
  }

  for (const name of ['devcontainer.json', 'pod.json']) {
    it(`fixture ${name}: every line marked "// want: TEXT" yields TEXT`, () => {
      const root = [path.resolve(__dirname, '..', '..', '..'), process.cwd()].find((r) => fs.existsSync(path.join(r, 'test', 'fixtures', 'json')))!;
      const text = fs.readFileSync(path.join(root, 'test', 'fixtures', 'json', name), 'utf8');
      const got = show(text).map((s) => `${s.split(':')[0]} ${s.split(' ')[1]}`);
      const want: string[] = [];
      text.split('\n').forEach((l, i) => {
        const w = /\/\/ want: (\S+)\s*$/.exec(l);
        if (w) want.push(`${i + 1} ${w[1]}`);
      });
      assert.ok(want.length > 0);
      assert.deepStrictEqual(got, want);
    });
  }

  const bounded: { name: string; text: () => string }[] = [
    { name: '50 MB single line', text: () => '{"image": "' + 'x'.repeat(50 * 1024 * 1024) },
    { name: '500,000 image keys', text: () => '{"labels": {}, ' + '"image": "a/b:1", '.repeat(500_000) },
    { name: 'keys with no opening quote nearby', text: () => ('x'.repeat(300) + 'image": ').repeat(20_000) },
  ];
  for (const b of bounded) {
    it(`stays bounded in time: ${b.name}`, function () {
      this.timeout(20_000);
      const text = b.text();
      const t0 = Date.now();
      findJsonMentions(text);
      const ms = Date.now() - t0;
      assert.ok(ms < 3000, `${ms} ms`);
    });
  }
});
