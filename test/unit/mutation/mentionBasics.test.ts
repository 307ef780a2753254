import * as assert from 'assert';
import { type MentionPart, makeMention, makeSplitMention, shiftMention, templateStart } from '../../../src/core/scan/imageMention';
import { isImageId, isPathArgument, isPathCommand, isPathLike } from '../../../src/core/scan/notAnImage';

// The building blocks every finder uses, branch by branch: what makes a mention, what makes
// it skipped (and the exact reason a user reads), and what is not an image at all.

/** makeMention over `>TEXT<`, so spans start at 1 and the slice is checked. */
function mk(text: string, strict = false) {
  const source = `>${text}<`;
  return makeMention(source, 1, 1 + text.length, 'k', strict ? { strict: true } : {});
}

describe('makeMention', function () {
  const none: [string, string][] = [
    ['empty', ''],
    ['an image ID', 'a'.repeat(64)],
    ['an image ID with sha256:', 'sha256:' + 'a'.repeat(64)],
    ['a file', 'k8s.gcr.io/x/images.yaml'],
  ];
  for (const [name, text] of none) {
    it(`${name}: nothing, strict or not`, function () {
      assert.strictEqual(mk(text), undefined);
      assert.strictEqual(mk(text, true), undefined);
    });
  }

  it('a literal reference: ref, and the name span up to the tag', function () {
    assert.deepStrictEqual(mk('gcr.io/x:1'), { kind: 'k', span: { start: 1, end: 11 }, text: 'gcr.io/x:1', ref: { domain: 'gcr.io', path: 'x', tag: '1' }, nameSpan: { start: 1, end: 9 } });
    assert.deepStrictEqual(mk('redis'), { kind: 'k', span: { start: 1, end: 6 }, text: 'redis', ref: { domain: '', path: 'redis' }, nameSpan: { start: 1, end: 6 } });
    assert.deepStrictEqual(mk('localhost:5000/x@sha256:' + 'b'.repeat(64))?.nameSpan, { start: 1, end: 17 });
  });

  const templatedTail: [string, object, number][] = [
    ['gcr.io/x/y:${TAG}', { domain: 'gcr.io', path: 'x/y' }, 11],
    ['gcr.io/x/y@${D}', { domain: 'gcr.io', path: 'x/y' }, 11],
    ['localhost:5000/x:${T}', { domain: 'localhost:5000', path: 'x' }, 17],
    ['a/b:c${T}', { domain: '', path: 'a/b' }, 4],
    ['gcr.io/x/y:{{ .Tag }}', { domain: 'gcr.io', path: 'x/y' }, 11],
    // The first of "@" and the tag colon ends the name, whichever comes first.
    ['gcr.io/x/y@sha256:${DIGEST}', { domain: 'gcr.io', path: 'x/y' }, 11],
    ['gcr.io/x/y:1@${DIGEST}', { domain: 'gcr.io', path: 'x/y' }, 11],
  ];
  for (const [text, ref, nameEnd] of templatedTail) {
    it(`a templated tag or digest keeps the literal name: ${text}`, function () {
      for (const strict of [false, true]) assert.deepStrictEqual(mk(text, strict), { kind: 'k', span: { start: 1, end: 1 + text.length }, text, ref, nameSpan: { start: 1, end: nameEnd } });
    });
  }

  const templatedName = ['${REG}/app', 'gcr.io/${X}/app', 'gcr.io/x/app${S}:1', ':${T}', 'gcr.io/x$(V)', '{{.Values.image}}:1'];
  for (const text of templatedName) {
    it(`a templated repository is skipped, with its reason: ${text}`, function () {
      const want = { kind: 'k', span: { start: 1, end: 1 + text.length }, text, skipped: `the repository is templated ("${text}"); only literal names are rewritten` };
      assert.deepStrictEqual(mk(text, true), want);
      assert.deepStrictEqual(mk(text), want, 'it looks like an image: reported even where the field is not known');
    });
  }

  it('a template that does not look like an image is dropped unless the field holds an image', function () {
    for (const text of ['x y ${A}', '${A}', 'run ${A}']) {
      assert.strictEqual(mk(text), undefined, text);
      assert.strictEqual(mk(text, true)?.skipped, `the repository is templated ("${text}"); only literal names are rewritten`, text);
    }
  });

  it('an invalid name is dropped, or skipped with the parser message when the field holds an image', function () {
    assert.strictEqual(mk('UP/x'), undefined);
    assert.deepStrictEqual(mk('UP/x', true), { kind: 'k', span: { start: 1, end: 5 }, text: 'UP/x', skipped: 'not a valid image reference: repository names must be lowercase: "UP/x"' });
  });
});

describe('templateStart', function () {
  const cases: [string, number][] = [
    ['${X}', 0], ['$(X)', 0], ['$X', 0], ['$_x', 0], ['{{ x }}', 0], ['%{x}', 0], ['<x>', 0], ['{X}', 0], ['{_x}', 0],
    ['ab${X}', 2], ['a/b:{{ t }}', 4],
    ['a$1', -1], ['a{1}', -1], ['<1>', -1], ['abc', -1], ['a%b', -1], ['a{', -1], ['a$', -1], ['a<', -1],
  ];
  for (const [s, want] of cases) it(`${s} -> ${want}`, () => assert.strictEqual(templateStart(s), want));
});

describe('makeSplitMention', function () {
  const P = (role: MentionPart['role'], text: string, start: number): MentionPart => ({ role, text, span: { start, end: start + text.length } });
  const D = 'sha256:' + 'a'.repeat(64);

  it('no repository field: nothing', () => assert.strictEqual(makeSplitMention('k', [P('registry', 'quay.io', 0), P('tag', '1', 9)]), undefined));

  it('all fields: the repository is the main span; trailing slashes of the registry go', function () {
    const parts = [P('registry', 'quay.io//', 0), P('repository', 'a/b', 20), P('tag', '1', 30), P('digest', D, 40)];
    assert.deepStrictEqual(makeSplitMention('k', parts), { kind: 'k', span: { start: 20, end: 23 }, text: 'a/b', parts, ref: { domain: 'quay.io', path: 'a/b', tag: '1', digest: D } });
  });

  it('an empty registry field is no registry', function () {
    const parts = [P('registry', '', 0), P('repository', 'a/b', 20)];
    assert.deepStrictEqual(makeSplitMention('k', parts)?.ref, { domain: '', path: 'a/b' });
  });

  it('a registry holding a path joins the repository', function () {
    assert.deepStrictEqual(makeSplitMention('k', [P('registry', 'docker.io/bitnami', 0), P('repository', 'redis', 20)])?.ref, { domain: 'docker.io', path: 'bitnami/redis' });
  });

  it('a templated registry or repository is skipped, naming the field', function () {
    assert.strictEqual(makeSplitMention('k', [P('registry', '${R}', 0), P('repository', 'a/b', 20)])?.skipped, 'the registry is templated ("${R}")');
    assert.strictEqual(makeSplitMention('k', [P('registry', 'quay.io', 0), P('repository', 'a/{{ .x }}', 20)])?.skipped, 'the repository is templated ("a/{{ .x }}")');
    const m = makeSplitMention('k', [P('repository', 'a/b', 20), P('tag', '${T}', 30)]);
    assert.strictEqual(m?.skipped, undefined, 'a templated tag is not a templated name');
  });

  it('an invalid name is skipped with the parser message', function () {
    assert.deepStrictEqual(makeSplitMention('k', [P('repository', 'A/b', 20)]), {
      kind: 'k', span: { start: 20, end: 23 }, text: 'A/b', parts: [P('repository', 'A/b', 20)], skipped: 'not a valid image reference: repository names must be lowercase: "A/b"',
    });
  });

  it('a templated or empty tag or digest is left out of the ref', function () {
    assert.deepStrictEqual(makeSplitMention('k', [P('repository', 'a/b', 20), P('tag', '${T}', 30), P('digest', '${D}', 40)])?.ref, { domain: '', path: 'a/b' });
    assert.deepStrictEqual(makeSplitMention('k', [P('repository', 'a/b', 20), P('tag', '', 30), P('digest', '', 40)])?.ref, { domain: '', path: 'a/b' });
    assert.deepStrictEqual(makeSplitMention('k', [P('repository', 'a/b', 20), P('digest', D, 40)])?.ref, { domain: '', path: 'a/b', digest: D });
  });
});

describe('shiftMention', function () {
  it('moves the span, the name span and every part', function () {
    const m = makeSplitMention('k', [P0('registry', 'quay.io', 0), P0('repository', 'a/b', 10)])!;
    const s = shiftMention({ ...m, nameSpan: { start: 10, end: 13 } }, 100);
    assert.deepStrictEqual([s.span, s.nameSpan, s.parts?.map((p) => p.span)], [{ start: 110, end: 113 }, { start: 110, end: 113 }, [{ start: 100, end: 107 }, { start: 110, end: 113 }]]);
    assert.deepStrictEqual([m.span, m.parts?.[0].span], [{ start: 10, end: 13 }, { start: 0, end: 7 }], 'the original is unchanged');
  });
  it('a mention without name span or parts keeps them absent', function () {
    const s = shiftMention({ kind: 'k', span: { start: 1, end: 2 }, text: 'x' }, 5);
    assert.deepStrictEqual([s.span, s.nameSpan, s.parts], [{ start: 6, end: 7 }, undefined, undefined]);
  });
  function P0(role: MentionPart['role'], text: string, start: number): MentionPart {
    return { role, text, span: { start, end: start + text.length } };
  }
});

describe('not an image', function () {
  const pathLike: [string, boolean][] = [
    ['a.yaml', true], ['k8s.gcr.io/x/images.YAML', true], ['file.dockerfile', true], ['app.Dockerfile', true], ['.yaml', true], ['x/.env', true], ['chart.tgz', true],
    ['k8s.gcr.io/x', false], ['x.yml:1', false], ['quay.io/org/app.server', false], ['a.b/c', false], ['a.', false], ['redis', false], ['k8s.gcr.io/etcd-amd64', false],
  ];
  for (const [s, want] of pathLike) it(`isPathLike(${s}) = ${want}`, () => assert.strictEqual(isPathLike(s), want));

  const h = 'a'.repeat(64);
  const ids: [string, string, boolean][] = [
    ['64 hex', h, true],
    ['sha256: and 64 hex', 'sha256:' + h, true],
    ['63 hex', h.slice(1), false],
    ['65 hex', h + 'a', false],
    ['uppercase hex', 'A'.repeat(64), false],
    ['sha256: and a non-hex', 'sha256:' + h.slice(1) + 'g', false],
    ['sha512: and 64 hex', 'sha512:' + h, false],
    ['71 letters', 'x'.repeat(71), false],
    ['71 hex', 'a'.repeat(71), false],
    ['64 non-hex', 'g'.repeat(64), false],
  ];
  for (const [name, s, want] of ids) it(`isImageId: ${name} -> ${want}`, () => assert.strictEqual(isImageId(s), want));

  const commands: [string[], boolean][] = [
    [[], false], [['cd'], true], [['/usr/bin/cat', 'x'], true], [['chown'], true], [['git', 'add'], true], [['./git', 'log'], true], [['git', 'blame'], true],
    [['git'], false], [['git', 'push'], false], [['docker', 'pull'], false], [['xcd'], false], [['gitx', 'add'], false], [['cd/x'], false],
  ];
  for (const [words, want] of commands) it(`isPathCommand(${JSON.stringify(words)}) = ${want}`, () => assert.strictEqual(isPathCommand(words), want));

  const args: [string, boolean][] = [
    ['cd ', true], ['ls -la ', true], ['ls --all -x ', true], ['cat a b ', true], ['echo x; cd ', true], ['x\ncd ', true], ['x\rcd ', true], ['git add ', true], ['git  add ', true],
    ['`cd ', true], ['(ls ', true], ['$cat ', true], ["'ls ", true], ['"cat ', true], ['ls\t', true], ['git\tlog\t', true], ['a&&rm ', true], ['a|cat ', true],
    ['cd\nx ', false], ['cd x\r', false], ['cd x\rfoo ', false], ['git push ', false], ['tree', false], ['xcd ', false], ['docker pull ', false], ['cd a | ', false], ['cd a;', false], ['cd a & ', false],
  ];
  for (const [before, want] of args) it(`isPathArgument after ${JSON.stringify(before)} = ${want}`, () => assert.strictEqual(isPathArgument(before + 'k8s.gcr.io/x', before.length), want));

  it('isPathArgument reads only the 200 characters before the token', function () {
    const near = 'cd ' + 'a/'.repeat(98) + ' ';
    const far = 'cd ' + 'a/'.repeat(99) + ' ';
    assert.deepStrictEqual([near.length, far.length], [200, 202]);
    assert.strictEqual(isPathArgument(near + 'k8s.gcr.io/x', near.length), true);
    assert.strictEqual(isPathArgument(far + 'k8s.gcr.io/x', far.length), false);
    assert.strictEqual(isPathArgument('x'.repeat(500) + '\ncd k8s.gcr.io/x', 504), true, 'a later line, far into the text');
  });
});
