import * as assert from 'assert';
import { findContentMentions } from '../../../src/core/scan/contentFinder';
import type { ImageMention } from '../../../src/core/scan/imageMention';

// The content finder's token rules one by one: what may stand before a host, after it,
// where a token ends (template parts, sentence punctuation, the 512-character cap), and
// which tokens a format finder already owns (contentFinder.test.ts covers whole files).
const P = ['k8s.gcr.io', 'gcr.io/google_containers', 'quay.io/coreos/prometheus-operator/', 'bitnami', 'K8S.GCR.IO'];

function found(text: string, existing: ImageMention[] = [], prefixes = P): string[] {
  return findContentMentions(text, prefixes, existing).map((m) => {
    assert.strictEqual(text.slice(m.span.start, m.span.end), m.text, 'span and text agree');
    return `${m.kind} ${m.text}@${m.span.start}${m.skipped ? ' skipped' : ''}${m.namespaceOnly ? ' namespace' : ''}`;
  });
}

describe('content finder: token rules', function () {
  const cases: [string, string, string[]][] = [
    ['a plain reference', 'k8s.gcr.io/a', ['content-reference k8s.gcr.io/a@0']],
    ['a letter before the host', 'xk8s.gcr.io/a', []],
    ['an underscore before', '_k8s.gcr.io/a', []],
    ['a hyphen before', '-k8s.gcr.io/a', []],
    ['a dot before', '.k8s.gcr.io/a', []],
    ['an @ before (e-mail)', '@k8s.gcr.io/a', []],
    ['a % before (encoded)', '%k8s.gcr.io/a', []],
    ['a digit before', '9k8s.gcr.io/a', []],
    ['docker://', 'docker://k8s.gcr.io/a', ['content-docker-transport k8s.gcr.io/a@9']],
    ['oci://', 'oci://k8s.gcr.io/a', ['oci-artifact k8s.gcr.io/a@6']],
    ['another scheme', 'x://k8s.gcr.io/a', []],
    ['a path', '/k8s.gcr.io/a', []],
    ['scheme:host', 'a:k8s.gcr.io/a', []],
    ['a digit and a colon', '1:k8s.gcr.io/a', ['content-reference k8s.gcr.io/a@2']],
    ['a space and a colon', ' :k8s.gcr.io/a', ['content-reference k8s.gcr.io/a@2']],
    ['a colon first', ':k8s.gcr.io/a', ['content-reference k8s.gcr.io/a@1']],
    ['= before', 'IMG=k8s.gcr.io/a', ['content-reference k8s.gcr.io/a@4']],
    ['a longer host (hyphen)', 'k8s.gcr.io-x/a', []],
    ['a longer host (underscore)', 'k8s.gcr.io_x', []],
    ['a longer host (letter)', 'k8s.gcr.iox/a', []],
    ['a longer host (digit)', 'k8s.gcr.io9/a', []],
    ['a longer host (dot)', 'k8s.gcr.io.x/a', []],
    ['a dot then a slash', 'k8s.gcr.io./a', []],
    ['the host ending a sentence', 'k8s.gcr.io.', ['content-namespace k8s.gcr.io@0 namespace']],
    ['the host ending a sentence, then more', 'k8s.gcr.io. Next', ['content-namespace k8s.gcr.io@0 namespace']],
    ['${ exactly 200 to its close }', 'k8s.gcr.io/a:${' + 'x'.repeat(198) + '}', ['content-reference k8s.gcr.io/a:${' + 'x'.repeat(198) + '}@0']],
    ['{{ exactly 200 to its close }}', 'k8s.gcr.io/a:{{' + 'x'.repeat(198) + '}}', ['content-reference k8s.gcr.io/a:{{' + 'x'.repeat(198) + '}}@0']],
    ['a template far into the text', ' '.repeat(300) + 'k8s.gcr.io/a:${T} k8s.gcr.io/b:{{ .T }}', ['content-reference k8s.gcr.io/a:${T}@300', 'content-reference k8s.gcr.io/b:{{ .T }}@318']],
    ['the host alone', 'k8s.gcr.io', ['content-namespace k8s.gcr.io@0 namespace']],
    ['the host and a slash', 'k8s.gcr.io/', ['content-namespace k8s.gcr.io@0 namespace']],
    ['a trailing dot', 'k8s.gcr.io/a:1.', ['content-reference k8s.gcr.io/a:1@0']],
    ['a trailing comma', 'k8s.gcr.io/a,', ['content-reference k8s.gcr.io/a@0']],
    ['a trailing hyphen', 'k8s.gcr.io/a-', ['content-reference k8s.gcr.io/a@0']],
    ['a trailing colon', 'k8s.gcr.io/a:', ['content-reference k8s.gcr.io/a@0']],
    ['a trailing slash', 'k8s.gcr.io/a/', ['content-reference k8s.gcr.io/a@0']],
    ['several trailing marks', 'k8s.gcr.io/a/.:,-', ['content-reference k8s.gcr.io/a@0']],
    ['${T} then a dot', 'k8s.gcr.io/a:${T}.', ['content-reference k8s.gcr.io/a:${T}@0']],
    ['$(T)', 'k8s.gcr.io/a:$(T)', ['content-reference k8s.gcr.io/a:$(T)@0']],
    ['{{ .T }}', 'k8s.gcr.io/a:{{ .T }}', ['content-reference k8s.gcr.io/a:{{ .T }}@0']],
    ['$T', 'k8s.gcr.io/a:$T', ['content-reference k8s.gcr.io/a:$T@0']],
    ['$T_2x then a space', 'k8s.gcr.io/a:$T_2x y', ['content-reference k8s.gcr.io/a:$T_2x@0']],
    ['{{ across a line }}', 'k8s.gcr.io/a:{{ .T \n}}', ['content-reference k8s.gcr.io/a@0']],
    ['${ unclosed', 'k8s.gcr.io/a:${T', ['content-reference k8s.gcr.io/a@0']],
    ['${ across a line }', 'k8s.gcr.io/a:${T\n}', ['content-reference k8s.gcr.io/a@0']],
    ['$( unclosed', 'k8s.gcr.io/a:$(T', ['content-reference k8s.gcr.io/a@0']],
    ['$( across a line )', 'k8s.gcr.io/a:$(T\n)', ['content-reference k8s.gcr.io/a@0']],
    ['{{ unclosed', 'k8s.gcr.io/a:{{x', ['content-reference k8s.gcr.io/a@0']],
    ['${ longer than 200 }', 'k8s.gcr.io/a:${' + 'x'.repeat(250) + '}', ['content-reference k8s.gcr.io/a@0']],
    ['{{ longer than 200 }}', 'k8s.gcr.io/a:{{' + 'x'.repeat(250) + '}}', ['content-reference k8s.gcr.io/a@0']],
    ['$( longer than 200 )', 'k8s.gcr.io/a:$(' + 'x'.repeat(250) + ')', ['content-reference k8s.gcr.io/a@0']],
    ['a lone $', 'k8s.gcr.io/a$', ['content-reference k8s.gcr.io/a@0']],
    ['{x}', 'k8s.gcr.io/a{x}', ['content-reference k8s.gcr.io/a@0']],
    ['a double slash', 'k8s.gcr.io/a//b', []],
    ['a parent folder', 'k8s.gcr.io/a/../b', []],
    ['a file', 'k8s.gcr.io/a.yaml', []],
    ['a file, then a colon', 'k8s.gcr.io/a.yaml:', []],
    ['a file command', 'cd k8s.gcr.io/a', []],
    ['a namespace above a rule', 'quay.io/coreos', []],
    ['a sibling of a rule', 'quay.io/coreos/etcd:v3', []],
    ['the rule prefix itself', 'quay.io/coreos/prometheus-operator', ['content-reference quay.io/coreos/prometheus-operator@0']],
    ['under the rule prefix', 'quay.io/coreos/prometheus-operator/x:1', ['content-reference quay.io/coreos/prometheus-operator/x:1@0']],
    ['a longer last component', 'quay.io/coreos/prometheus-operatorx:1', []],
    ['a namespace rule itself', 'gcr.io/google_containers', ['content-reference gcr.io/google_containers@0']],
    ['an uppercase path', 'k8s.gcr.io/A', []],
    ['a templated path component', 'gcr.io/google_containers/${X}', ['content-reference gcr.io/google_containers/${X}@0 skipped']],
    ['twice on a line', 'k8s.gcr.io/a k8s.gcr.io/a', ['content-reference k8s.gcr.io/a@0', 'content-reference k8s.gcr.io/a@13']],
    ['a digest', 'k8s.gcr.io/a@sha256:' + 'a'.repeat(64), ['content-reference k8s.gcr.io/a@sha256:' + 'a'.repeat(64) + '@0']],
  ];
  for (const [name, text, want] of cases) it(`${name}: ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text)}`, () => assert.deepStrictEqual(found(text), want));

  it('a token is read up to 512 characters past the host', function () {
    const text = 'k8s.gcr.io/a:${X}' + 'a'.repeat(600);
    const ms = findContentMentions(text, P, []);
    assert.strictEqual(ms.length, 1);
    assert.deepStrictEqual([ms[0].span, ms[0].ref], [{ start: 0, end: 522 }, { domain: 'k8s.gcr.io', path: 'a' }]);
  });

  it('prefixes without a dot are not searched; none at all finds nothing', function () {
    assert.deepStrictEqual(found('k8s.gcr.io/a bitnami/redis localhost/x', [], ['bitnami', 'localhost']), []);
    assert.deepStrictEqual(found('k8s.gcr.io/a', [], []), []);
    assert.deepStrictEqual(found('xx quay.io/coreos/prometheus-operator/x', [], ['QUAY.IO/CoreOS/Prometheus-Operator//']), ['content-reference quay.io/coreos/prometheus-operator/x@3']);
  });

  it('one host, two prefixes under it: each token once', function () {
    assert.deepStrictEqual(found('gcr.io/google_containers/a gcr.io/google-containers/b gcr.io/other/c', [], ['gcr.io/google_containers', 'gcr.io/google-containers', 'gcr.io/google_containers']), [
      'content-reference gcr.io/google_containers/a@0',
      'content-reference gcr.io/google-containers/b@27',
    ]);
  });
});

describe('content finder: what a format finder already reported', function () {
  const text = 'k8s.gcr.io/a k8s.gcr.io/b';
  const at = (start: number, end: number, parts: ImageMention['parts'] = undefined): ImageMention => ({ kind: 'x', text: 'x', span: { start, end }, ...(parts ? { parts } : {}) });

  it('an overlapping mention hides the token; a touching one does not', function () {
    assert.deepStrictEqual(found(text, [at(0, 12)]), ['content-reference k8s.gcr.io/b@13']);
    assert.deepStrictEqual(found(text, [at(12, 13)]), ['content-reference k8s.gcr.io/a@0', 'content-reference k8s.gcr.io/b@13']);
    assert.deepStrictEqual(found(text, [at(11, 12)]), ['content-reference k8s.gcr.io/b@13']);
    assert.deepStrictEqual(found(text, [at(24, 25)]), ['content-reference k8s.gcr.io/a@0']);
    assert.deepStrictEqual(found(text, [at(25, 30)]), ['content-reference k8s.gcr.io/a@0', 'content-reference k8s.gcr.io/b@13']);
    assert.deepStrictEqual(found(text, [at(5, 20)]), []);
  });

  it('a split mention hides the tokens of its parts too, whatever order the mentions come in', function () {
    const split = at(100, 112, [{ role: 'repository', text: 'x', span: { start: 13, end: 14 } }]);
    assert.deepStrictEqual(found(text, [split]), ['content-reference k8s.gcr.io/a@0']);
    assert.deepStrictEqual(found(text, [at(40, 50), split, at(0, 1)]), []);
  });

  it('many mentions before the token: the binary search still finds the one that covers it', function () {
    const many = Array.from({ length: 40 }, (_, i) => at(200 + i, 201 + i));
    assert.deepStrictEqual(found(text, [...many, at(13, 14)]), ['content-reference k8s.gcr.io/a@0']);
    assert.deepStrictEqual(found(text, [at(0, 1), ...many]), ['content-reference k8s.gcr.io/b@13']);
  });
});
