import * as assert from 'assert';
import { analyzeText } from '../../../src/core/analyze';
import { makeMention, templateStart } from '../../../src/core/scan/imageMention';
import { loadRuleSet } from '../../../src/core/rules/loadRuleSet';

// A template in the middle of a repository name (`spark-operator${SUFFIX}`) makes the name
// unknowable: rewriting the literal part around it would point at an image nobody built.
// Such a reference is reported as skipped in every format, and never gets a fix.
const { ruleSet } = loadRuleSet();
const OLD = 'gcr.io/spark-operator/spark-operator';

/** Each format's idiom for an image line, with the template syntax it really uses. */
const CASES: { file: string; template: string; text: (ref: string) => string }[] = [
  { file: 'Dockerfile', template: '${SUFFIX}', text: (r) => `ARG SUFFIX\nFROM ${r}\n` },
  { file: 'Dockerfile', template: '$SUFFIX', text: (r) => `ARG SUFFIX\nFROM ${r} AS build\n` },
  { file: 'deploy.yaml', template: '${SUFFIX}', text: (r) => `spec:\n  containers:\n    - name: op\n      image: ${r}\n` },
  { file: 'deploy.yaml', template: '${SUFFIX}', text: (r) => `spec:\n  containers:\n    - name: op\n      image: "${r}"\n` },
  { file: 'chart/values.yaml', template: '${SUFFIX}', text: (r) => `image: ${r}\n` },
  { file: 'chart/templates/deployment.yaml', template: '{{ .Values.suffix }}', text: (r) => `spec:\n  containers:\n    - image: "${r}"\n` },
  { file: '.github/workflows/ci.yml', template: '${{ env.SUFFIX }}', text: (r) => `jobs:\n  t:\n    runs-on: ubuntu-latest\n    container:\n      image: ${r}\n` },
  { file: '.gitlab-ci.yml', template: '${SUFFIX}', text: (r) => `build:\n  image: ${r}\n  script: [make]\n` },
  { file: 'docker-compose.yml', template: '${SUFFIX}', text: (r) => `services:\n  op:\n    image: ${r}\n` },
  { file: 'docker-compose.yml', template: '${SUFFIX:-}', text: (r) => `services:\n  op:\n    image: "${r}"\n` },
  { file: 'build.sh', template: '${SUFFIX}', text: (r) => `#!/bin/sh\ndocker pull "${r}"\n` },
  { file: 'build.sh', template: '$SUFFIX', text: (r) => `#!/bin/sh\ndocker run --rm ${r} --help\n` },
  { file: 'Makefile', template: '$(SUFFIX)', text: (r) => `pull:\n\tdocker pull ${r}\n` },
  { file: 'Makefile', template: '${SUFFIX}', text: (r) => `IMG ?= ${r}\n` },
  { file: 'README.md', template: '${SUFFIX}', text: (r) => `# Install\n\n\`\`\`sh\ndocker pull ${r}\n\`\`\`\n` },
  { file: 'devcontainer.json', template: '${localEnv:SUFFIX}', text: (r) => `{\n  "image": "${r}"\n}\n` },
];

describe('a template in the middle of a repository name (mutation survivors)', () => {
  for (const c of CASES) {
    const ref = `${OLD}${c.template}:v1`;
    it(`${c.file}: ${ref} is skipped, never rewritten around the template`, () => {
      const text = c.text(ref);
      const a = analyzeText(text, c.file, ruleSet);
      assert.deepStrictEqual(a.findings.map((f) => f.mention.text), [], 'no finding, so no fix');
      const m = a.mentions.find((x) => x.text.includes('spark-operator'));
      assert.ok(m, `the reference is reported (mentions: ${JSON.stringify(a.mentions.map((x) => x.text))})`);
      assert.ok(m.skipped, `reported as skipped: ${JSON.stringify(m)}`);
      assert.strictEqual(m.ref, undefined, 'no literal name was made from the part before the template');
    });
  }

  it('the same line with the template in the tag is a finding whose fix keeps the tag', () => {
    // The control: proves the cases above would be found if the name were literal.
    const a = analyzeText(`FROM ${OLD}:\${SUFFIX}\n`, 'Dockerfile', ruleSet);
    assert.strictEqual(a.findings.length, 1);
    assert.deepStrictEqual(a.findings[0].edits.map((e) => e.newText), ['ghcr.io/kubeflow/spark-operator/controller']);
  });

  it('makeMention: a template after the last slash but before the tag skips the whole name', () => {
    for (const [text, skipped] of [
      [`${OLD}\${SUFFIX}:v1`, true],
      [`${OLD}-\${SUFFIX}`, true],
      [`gcr.io/\${ORG}/spark-operator:v1`, true],
      [`gcr.io/spark-operator/\${NAME}`, true],
      [`${OLD}:v1-\${SUFFIX}`, false],
      [`${OLD}@\${DIGEST}`, false],
    ] as const) {
      const m = makeMention(text, 0, text.length, 'test', { strict: true });
      assert.ok(m, text);
      assert.strictEqual(Boolean(m.skipped), skipped, `${text}: ${JSON.stringify(m)}`);
      if (!skipped) assert.deepStrictEqual([m.ref?.domain, m.ref?.path, m.ref?.tag, m.nameSpan], ['gcr.io', 'spark-operator/spark-operator', undefined, { start: 0, end: OLD.length }], text);
    }
  });

  it('templateStart finds each syntax where it starts, not only at the start of the text', () => {
    const at = (s: string) => templateStart(`ab/c${s}-1`);
    for (const s of ['${X}', '$(X)', '$X', '{{ x }}', '%{x}', '<x>', '{X}']) assert.strictEqual(at(s), 4, s);
    for (const s of ['', '$', '$1', '{ x}', '<1>', '%x', '-']) assert.strictEqual(at(s), -1, JSON.stringify(s));
  });
});
