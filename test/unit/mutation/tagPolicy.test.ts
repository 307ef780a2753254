import * as assert from 'assert';
import { checkTag, checkTagPolicy, parseRange, tagVersion } from '../../../src/core/rules/tagPolicy';

// Tag policies operator by operator and message by message (tagRules.test.ts runs them
// through the analysis; this pins each comparison's boundary so an off-by-one is caught).
type V = [number, number, number];

describe('tagVersion: the version a tag starts with', function () {
  const cases: [string, V | undefined][] = [
    ['v1.2.3', [1, 2, 3]],
    ['1.2.3.4', [1, 2, 3]],
    ['12abc', [12, 0, 0]],
    ['v10', [10, 0, 0]],
    ['1.', [1, 0, 0]],
    ['1.2345-r1', [1, 2345, 0]],
    ['01.02', [1, 2, 0]],
    ['1.2.345', [1, 2, 345]],
    ['x1', undefined],
    ['v', undefined],
    ['latest', undefined],
  ];
  for (const [tag, want] of cases) it(`${tag} -> ${JSON.stringify(want)}`, () => assert.deepStrictEqual(tagVersion(tag), want));
});

describe('parseRange: each comparator at its boundary', function () {
  const at = (range: string, versions: V[]): boolean[] => {
    const r = parseRange(range);
    assert.strictEqual(typeof r, 'function', String(r));
    return versions.map((v) => (r as (v: V) => boolean)(v));
  };
  const around: V[] = [[1, 1, 9], [1, 2, 0], [1, 2, 1], [2, 0, 0], [0, 9, 9]];
  const cases: [string, boolean[]][] = [
    ['>=1.2.0', [false, true, true, true, false]],
    ['>1.2.0', [false, false, true, true, false]],
    ['<=1.2.0', [true, true, false, false, true]],
    ['<1.2.0', [true, false, false, false, true]],
    ['=1.2.0', [false, true, false, false, false]],
    ['1.2.0', [false, true, false, false, false]],
    ['v1.2', [false, true, false, false, false]],
    ['>=v1.2.0 <2', [false, true, true, false, false]],
    ['<1.2 || >=2', [true, false, false, true, true]],
    ['  >=1.2.0   <1.2.1  ', [false, true, false, false, false]],
    ['>=10', [false, false, false, false, false]],
    ['<10.0.0', [true, true, true, true, true]],
  ];
  for (const [range, want] of cases) it(range, () => assert.deepStrictEqual(at(range, around), want));

  it('compares the minor and patch parts, not only the major', function () {
    assert.deepStrictEqual(at('>=1.2.3', [[1, 2, 2], [1, 2, 3], [1, 3, 0], [1, 1, 9]]), [false, true, true, false]);
  });

  const bad: [string, string][] = [
    ['>=1 ||', 'empty alternative in ">=1 ||"'],
    ['|| >=1', 'empty alternative in "|| >=1"'],
    ['', 'empty alternative in ""'],
    ['>=x', '">=x" is not a comparator such as >=1.2.0 or <2'],
    ['>>1', '">>1" is not a comparator such as >=1.2.0 or <2'],
    ['~1', '"~1" is not a comparator such as >=1.2.0 or <2'],
    ['>=1.2.3.4', '">=1.2.3.4" is not a comparator such as >=1.2.0 or <2'],
    ['>=1 x', '"x" is not a comparator such as >=1.2.0 or <2'],
    ['x1', '"x1" is not a comparator such as >=1.2.0 or <2'],
  ];
  for (const [range, want] of bad) it(`"${range}" is refused: ${want}`, () => assert.strictEqual(parseRange(range), want));
});

describe('checkTagPolicy: the problem with a policy', function () {
  const cases: [Parameters<typeof checkTagPolicy>[0], string | undefined][] = [
    [{ exclude: '[' }, 'tags.exclude: Invalid regular expression: /[/: Unterminated character class'],
    [{ pattern: '(' }, 'tags.pattern: Invalid regular expression: /(/: Unterminated group'],
    [{ range: '>=x' }, 'tags.range: ">=x" is not a comparator such as >=1.2.0 or <2'],
    [{ until: 'x' }, 'tags.until: "x" is not a version'],
    [{ until: 'v2', range: '>=1', pattern: '^v', exclude: 'rc' }, undefined],
    [{}, undefined],
  ];
  for (const [p, want] of cases) it(`${JSON.stringify(p)} -> ${want ?? 'fine'}`, () => assert.strictEqual(checkTagPolicy(p), want));
});

describe('checkTag: each verdict, exactly', function () {
  const N = 'n.io/x';
  const cases: [string, Parameters<typeof checkTag>[0], string, ReturnType<typeof checkTag>][] = [
    ['excluded', { exclude: 'rc' }, '1-rc', { ok: false, problem: 'tag 1-rc was not copied to n.io/x' }],
    ['excluded, with the message', { exclude: 'rc', message: 'ask ops' }, '1-rc', { ok: false, problem: 'tag 1-rc was not copied to n.io/x: ask ops' }],
    ['not excluded', { exclude: 'rc' }, '1.0', { ok: true }],
    ['exclude wins over pattern', { exclude: 'rc', pattern: '^1' }, '1-rc', { ok: false, problem: 'tag 1-rc was not copied to n.io/x' }],
    ['outside the pattern', { pattern: '^v' }, '1', { ok: false, problem: 'n.io/x does not carry tags like 1' }],
    ['inside the pattern', { pattern: '^v' }, 'v1', { ok: true }],
    ['no version for a range', { range: '>=2' }, 'latest', { ok: false, problem: 'tag latest names no version, so it cannot be placed in the versions n.io/x carries' }],
    ['no version for a cut-off', { until: '2' }, 'latest', { ok: false, problem: 'tag latest names no version, so it cannot be placed in the versions n.io/x carries' }],
    ['outside the range', { range: '>=2' }, '1.0', { ok: false, problem: 'n.io/x carries only versions >=2, not 1.0' }],
    ['inside the range', { range: '>=2' }, '2.0', { ok: true }],
    ['a bad range is no verdict', { range: '>=x' }, '1.0', { ok: true }],
    ['until 2: all of 2.x', { until: '2' }, '2.99.99', { ok: true }],
    ['until 2: not 3.0', { until: '2' }, '3.0', { ok: false, problem: 'n.io/x has no versions after 2, so not 3.0' }],
    ['until 2.4: all of 2.4.x', { until: '2.4' }, '2.4.99', { ok: true }],
    ['until 2.4: not 2.5', { until: '2.4' }, '2.5', { ok: false, problem: 'n.io/x has no versions after 2.4, so not 2.5' }],
    ['until v2.4: as 2.4', { until: 'v2.4' }, 'v2.4.7', { ok: true }],
    ['until 2.4.1: 2.4.1', { until: '2.4.1' }, '2.4.1', { ok: true }],
    ['until 2.4.1: not 2.4.2', { until: '2.4.1' }, '2.4.2', { ok: false, problem: 'n.io/x has no versions after 2.4.1, so not 2.4.2' }],
    ['until 2.4.1: 2.3.9', { until: '2.4.1' }, '2.3.9', { ok: true }],
    ['range and cut-off both apply', { range: '>=2', until: '3' }, '4.0', { ok: false, problem: 'n.io/x has no versions after 3, so not 4.0' }],
    ['addPrefix', { transform: { addPrefix: 'v' } }, '1.0', { ok: true, newTag: 'v1.0' }],
    ['addPrefix, already there', { transform: { addPrefix: 'v' } }, 'v1.0', { ok: true }],
    ['removePrefix', { transform: { removePrefix: 'v' } }, 'v1.0', { ok: true, newTag: '1.0' }],
    ['removePrefix, not there', { transform: { removePrefix: 'v' } }, '1.0', { ok: true }],
    ['remove then add', { transform: { removePrefix: 'release-', addPrefix: 'v' } }, 'release-1.0', { ok: true, newTag: 'v1.0' }],
    ['empty prefixes change nothing', { transform: { removePrefix: '', addPrefix: '' } }, '1.0', { ok: true }],
  ];
  for (const [name, p, tag, want] of cases) it(`${name}: ${tag}`, () => assert.deepStrictEqual(checkTag(p, tag, N), want));
});
