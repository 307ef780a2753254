import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { ImageMention } from '../../src/core/scan/imageMention';
import { findDockerfileMentions } from '../../src/core/scan/dockerfile';
import { assertSpansMatch, itRunsWithin, randomTexts } from './support/fuzz';

/** Expected mention: found at the first occurrence of `text` after `after` (or anywhere). */
interface Want {
  kind: string;
  text: string;
  after?: string;
  skipped?: boolean;
}

interface Case {
  name: string;
  src: string;
  want: Want[];
}

function check(src: string, got: ImageMention[], want: Want[]): void {
  for (const m of got) assert.strictEqual(src.slice(m.span.start, m.span.end), m.text);
  const expected = want
    .map((w) => {
      const from = w.after ? src.indexOf(w.after) + w.after.length : 0;
      const at = src.indexOf(w.text, from);
      assert.ok(at !== -1, `test bug: "${w.text}" is not in the source`);
      return { at, s: `${w.kind} ${w.text}@${at}${w.skipped ? ' skipped' : ''}` };
    })
    .sort((a, b) => a.at - b.at)
    .map((x) => x.s);
  const actual = got.map((m) => `${m.kind} ${m.text}@${m.span.start}${m.skipped ? ' skipped' : ''}`);
  assert.deepStrictEqual(actual, expected);
}

const cases: Case[] = [
  { name: 'plain FROM', src: 'FROM gcr.io/spark-operator/spark:v3.1.1\n', want: [{ kind: 'dockerfile-from', text: 'gcr.io/spark-operator/spark:v3.1.1' }] },
  {
    name: 'FROM with --platform and AS, lowercase keywords',
    src: 'from --platform=$BUILDPLATFORM golang:1.22 as builder\n',
    want: [{ kind: 'dockerfile-from', text: 'golang:1.22' }],
  },
  {
    name: 'FROM scratch and FROM an earlier stage are not images',
    src: 'FROM alpine:3.19 AS Base\nFROM scratch\nFROM base\nFROM BASE AS final\n',
    want: [{ kind: 'dockerfile-from', text: 'alpine:3.19' }],
  },
  {
    name: 'FROM with a digest and a templated tag',
    src: `FROM k8s.gcr.io/pause@sha256:${'a'.repeat(64)}\nFROM ghcr.io/googlecloudplatform/spark-operator:\${DOCKER_TAG}\n`,
    want: [
      { kind: 'dockerfile-from', text: `k8s.gcr.io/pause@sha256:${'a'.repeat(64)}` },
      { kind: 'dockerfile-from', text: 'ghcr.io/googlecloudplatform/spark-operator:${DOCKER_TAG}' },
    ],
  },
  {
    name: 'FROM ${ARG} is skipped; the ARG default it names is the image',
    src: 'ARG SPARK_IMAGE=gcr.io/spark-operator/spark:v3.1.1\nFROM ${SPARK_IMAGE}\n',
    want: [
      { kind: 'dockerfile-arg', text: 'gcr.io/spark-operator/spark:v3.1.1' },
      { kind: 'dockerfile-from', text: '${SPARK_IMAGE}', skipped: true },
    ],
  },
  {
    name: 'an ARG used as FROM $X:tag holds a bare name; an ARG used as a registry prefix does not',
    src: 'ARG BASE=debian\nARG REGISTRY=quay.io\nFROM $BASE:bookworm\nFROM ${REGISTRY}/app:1\n',
    want: [
      { kind: 'dockerfile-arg', text: 'debian' },
      { kind: 'dockerfile-from', text: '$BASE:bookworm', skipped: true },
      { kind: 'dockerfile-from', text: '${REGISTRY}/app:1', skipped: true },
    ],
  },
  {
    name: 'ARG defaults: quoted registry names and *_IMAGE names count; versions do not',
    src: 'ARG GO_VERSION=1.22\nARG BASE="registry.k8s.io/build-image/debian-base:bookworm-v1.0.0"\nARG BUILDER_IMAGE=golang:1.22\nARG A=1 B=quay.io/x/y:2\nENV RUNTIME_IMAGE=gcr.io/distroless/static\n',
    want: [
      { kind: 'dockerfile-arg', text: 'registry.k8s.io/build-image/debian-base:bookworm-v1.0.0' },
      { kind: 'dockerfile-arg', text: 'golang:1.22' },
      { kind: 'dockerfile-arg', text: 'quay.io/x/y:2' },
      { kind: 'dockerfile-env', text: 'gcr.io/distroless/static' },
    ],
  },
  {
    name: 'COPY --from an image, not a stage name or number',
    src: 'FROM golang:1.22 AS build\nFROM alpine\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\nCOPY --chown=1:1 --from=docker.io/library/busybox:1.36 /bin/sh /sh\n',
    want: [
      { kind: 'dockerfile-from', text: 'golang:1.22' },
      { kind: 'dockerfile-from', text: 'alpine' },
      { kind: 'dockerfile-copy-from', text: 'docker.io/library/busybox:1.36' },
    ],
  },
  {
    name: 'RUN --mount from an image, continued over lines',
    src: 'FROM alpine AS tools\nRUN --mount=type=cache,target=/root/.cache \\\n    --mount=type=bind,from=ghcr.io/x/tools:1,source=/a,target=/b \\\n    --mount=type=bind,from=tools,target=/t make\n',
    want: [
      { kind: 'dockerfile-from', text: 'alpine' },
      { kind: 'dockerfile-mount-from', text: 'ghcr.io/x/tools:1' },
    ],
  },
  {
    name: '# syntax= directive only at the top',
    src: '# syntax=docker/dockerfile:1\n# escape=\\\nFROM alpine\n# syntax=not/a-directive:1\n',
    want: [
      { kind: 'dockerfile-syntax', text: 'docker/dockerfile:1' },
      { kind: 'dockerfile-from', text: 'alpine' },
    ],
  },
  {
    name: 'continuation with a comment line inside, and CRLF',
    src: 'FROM \\\r\n# a comment\r\n  k8s.gcr.io/pause:3.2 AS p\r\nCOPY --from=p / /\r\n',
    want: [{ kind: 'dockerfile-from', text: 'k8s.gcr.io/pause:3.2' }],
  },
  {
    name: 'the backtick escape directive',
    src: '# escape=`\nFROM `\n  quay.io/a/b:1\n',
    want: [{ kind: 'dockerfile-from', text: 'quay.io/a/b:1' }],
  },
  {
    name: 'heredoc bodies are not instructions',
    src: 'FROM alpine\nRUN <<EOF\nFROM gcr.io/not/an-instruction:1\nEOF\nCOPY <<-END /x\n\tFROM nope\n\tEND\nFROM busybox\n',
    want: [
      { kind: 'dockerfile-from', text: 'alpine' },
      { kind: 'dockerfile-from', text: 'busybox' },
    ],
  },
  {
    name: 'ONBUILD COPY --from',
    src: 'ONBUILD COPY --from=quay.io/a/b:1 /a /b\n',
    want: [{ kind: 'dockerfile-copy-from', text: 'quay.io/a/b:1' }],
  },
  {
    name: 'comments and RUN commands are not scanned',
    src: '# FROM gcr.io/a/b:1\nFROM alpine\nRUN docker pull gcr.io/c/d:1 && echo FROM x\n',
    want: [{ kind: 'dockerfile-from', text: 'alpine' }],
  },
  {
    name: 'invalid FROM is reported as skipped',
    src: 'FROM UPPER/Case:1\n',
    want: [{ kind: 'dockerfile-from', text: 'UPPER/Case:1', skipped: true }],
  },
];

describe('findDockerfileMentions', () => {
  for (const c of cases) it(c.name, () => check(c.src, findDockerfileMentions(c.src), c.want));

  it('finds every image in the multi-stage fixture', () => {
    const root = [path.resolve(__dirname, '..', '..', '..'), process.cwd()].find((r) => fs.existsSync(path.join(r, 'test', 'fixtures', 'dockerfile')))!;
    const src = fs.readFileSync(path.join(root, 'test', 'fixtures', 'dockerfile', 'Dockerfile.multistage'), 'utf8');
    const got = findDockerfileMentions(src).map((m) => `${m.kind} ${m.text}${m.skipped ? ' (skipped)' : ''}`);
    assert.deepStrictEqual(got, [
      'dockerfile-syntax docker/dockerfile:1.7',
      'dockerfile-arg gcr.io/spark-operator/spark:v3.1.1',
      'dockerfile-arg registry.k8s.io/build-image/debian-base:bookworm-v1.0.0',
      'dockerfile-from golang:${GO_VERSION}',
      'dockerfile-mount-from ghcr.io/x/tools:1',
      'dockerfile-from ${SPARK_IMAGE} (skipped)',
      'dockerfile-copy-from docker.io/library/busybox:1.36',
      'dockerfile-from k8s.gcr.io/pause:3.2',
      'dockerfile-from ${REGISTRY}/foo:1 (skipped)',
      `dockerfile-copy-from quay.io/a/b@sha256:${'a'.repeat(64)}`,
    ]);
  });
});

describe('findDockerfileMentions robustness', () => {
  const bounded: { name: string; build: () => string }[] = [
    { name: 'a 50 MB single FROM line', build: () => 'FROM ' + 'a'.repeat(50_000_000) },
    { name: '50 MB of RUN lines', build: () => 'RUN echo hello world && make\n'.repeat(1_800_000) },
    { name: '50 MB of one continued instruction', build: () => 'FROM alpine \\\n'.repeat(3_500_000) },
  ];
  itRunsWithin(2000, bounded, (text) => findDockerfileMentions(text));

  it('NUL bytes and random bytes never throw, and every span matches its text', () => {
    const alphabet = 'FROM COPY RUN ARG --from= --mount= AS scratch $ {}"\'\\`\n\r\t#=:/@.gcr.io a/b <<EOF\0';
    for (const s of randomTexts(777, alphabet)) assertSpansMatch(s, findDockerfileMentions(s));
  });
});
