import * as assert from 'assert';

import { globMatcher } from '../../src/core/text/globMatcher';

describe('globMatcher (--exclude, exclude:)', function () {
  const cases: { glob: string; yes: string[]; no: string[] }[] = [
    { glob: 'vendor', yes: ['vendor/a.md', 'x/vendor/b/c.yaml'], no: ['vendors/a.md', 'a/vendor.md'] },
    { glob: 'vendor/**', yes: ['vendor/a.md', 'vendor/x/y.yaml'], no: ['x/vendor/a.md'] },
    { glob: '**/vendor/**', yes: ['vendor/a.md', 'x/vendor/a.md'], no: ['vendorx/a.md'] },
    { glob: '*.md', yes: ['README.md', 'docs/a/b.md'], no: ['a.mdx', 'md/a.yaml'] },
    { glob: 'docs/releases/*.md', yes: ['docs/releases/0.1.md'], no: ['docs/releases/old/0.1.md', 'x/docs/releases/0.1.md'] },
    { glob: '/CHANGELOG.md', yes: ['CHANGELOG.md'], no: ['sub/CHANGELOG.md'] },
    { glob: '{docs,examples}/**', yes: ['docs/a.md', 'examples/b/c.yaml'], no: ['src/docs.md'] },
    { glob: 'values-?.yaml', yes: ['values-a.yaml'], no: ['values-ab.yaml'] },
    { glob: 'file[0-9].txt', yes: ['file3.txt'], no: ['filex.txt'] },
    { glob: './charts/*/ci/', yes: ['charts/redis/ci/values.yaml'], no: ['charts/ci/values.yaml'] },
  ];
  for (const c of cases) {
    it(c.glob, function () {
      const m = globMatcher([c.glob]);
      for (const p of c.yes) assert.ok(m(p), `${c.glob} should match ${p}`);
      for (const p of c.no) assert.ok(!m(p), `${c.glob} should not match ${p}`);
    });
  }
  it('no globs match nothing; blank globs are ignored', function () {
    assert.strictEqual(globMatcher([])('a'), false);
    assert.strictEqual(globMatcher(['  '])('a'), false);
  });
});
