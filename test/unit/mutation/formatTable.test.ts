import * as assert from 'assert';
import { detectFileFormat, detectFormat, finderFor } from '../../../src/core/scan/formatTable';
import { findFormatMentions, findMentions } from '../../../src/core/scan/findMentions';

// Each row of FORMAT_TABLE by name, by root keys and by first line, one case per branch of
// its test, with the near misses that must fall through (mutation testing of formatTable.ts).
describe('detectFileFormat: each row by name', function () {
  const cases: [string, string | undefined][] = [
    ['Dockerfile', 'dockerfile'], ['dockerfile', 'dockerfile'], ['Containerfile', 'dockerfile'], ['Dockerfile.prod', 'dockerfile'], ['x/Containerfile.dev', 'dockerfile'],
    ['app.dockerfile', 'dockerfile'], ['app.Containerfile', 'dockerfile'], ['C:\\x\\Dockerfile', 'dockerfile'], ['Dockerfile.j2', 'dockerfile'],
    ['mydockerfile', undefined], ['Dockerfilex', undefined],
    ['Makefile', 'makefile'], ['GNUmakefile', 'makefile'], ['makefile', 'makefile'], ['rules.mk', 'makefile'], ['build.make', 'makefile'], ['Makefile.am', undefined],
    ['a.sh', 'shell'], ['a.bash', 'shell'], ['a.zsh', 'shell'], ['a.ksh', 'shell'], ['a.bats', 'shell'], ['a.fish', undefined],
    ['.envrc', 'shell'], ['prod.env', 'shell'], ['.env', 'shell'], ['.env.local', 'shell'], ['.env.x-y', 'shell'], ['.env.x.y', undefined], ['x.envrc', undefined],
    ['a.container', 'unit'], ['a.image', 'unit'], ['a.build', 'unit'], ['a.pod', 'unit'], ['a.kube', 'unit'], ['a.volume', 'unit'], ['a.network', 'unit'],
    ['a.service', 'unit'], ['a.socket', 'unit'], ['a.timer', 'unit'], ['a.mount', undefined],
    ['README.md', 'markdown'], ['a.markdown', 'markdown'], ['a.mdx', 'markdown'], ['a.MD', 'markdown'],
    ['a.json', 'json'], ['a.jsonc', 'json'], ['a.json5', 'json'], ['A.JSON', 'json'], ['.github/workflows/ci.json', 'json'],
    ['.github/workflows/ci.yml', 'github-workflow'], ['.github/workflows/ci.yaml', 'github-workflow'], ['x/.gitea/workflows/a.yml', 'github-workflow'],
    ['.forgejo/workflows/a.yml', 'github-workflow'], ['action.yml', 'github-workflow'], ['sub/action.yaml', 'github-workflow'],
    ['.github/ci.yml', 'yaml'], ['myaction.yml', 'yaml'], ['x.github/workflows/a.yml', 'yaml'],
    ['.gitlab-ci.yml', 'gitlab-ci'], ['.gitlab-ci.yaml', 'gitlab-ci'], ['.gitlab/ci/x.yml', 'gitlab-ci'], ['ci/build.gitlab-ci.yml', 'gitlab-ci'], ['x.gitlab/a.yml', 'yaml'],
    ['compose.yaml', 'compose'], ['docker-compose.yml', 'compose'], ['compose.prod.yml', 'compose'], ['compose-dev.yaml', 'compose'], ['docker-compose.override.yaml', 'compose'], ['mycompose.yml', 'yaml'],
    ['kustomization.yaml', 'kustomization'], ['Kustomization.yml', 'kustomization'], ['kustomization.yml.bak', undefined],
    ['chart/templates/deploy.yaml', 'helm-template'], ['templates/x.yml', 'helm-template'], ['chart/_helpers.tpl', 'helm-template'], ['chart/templates/values.yaml', 'helm-values'],
    ['chart/templates/x.txt', undefined], ['chart/templates/myvalues.yaml', 'helm-template'], ['chart/mytemplates/x.yaml', 'yaml'],
    ['values.yaml', 'helm-values'], ['values-prod.yaml', 'helm-values'], ['values.prod.yml', 'helm-values'], ['chart/ci/test-values.yaml', 'helm-values'], ['ci/values.yaml', 'helm-values'],
    ['myvalues.yaml', 'yaml'], ['ci/sub/test-values.yaml', 'yaml'], ['xci/test-values.yaml', 'yaml'],
    ['x.yaml', 'yaml'], ['x.yml', 'yaml'], ['x.YAML', 'yaml'], ['x.txt', undefined], ['x.yamlx', undefined],
  ];
  for (const [file, want] of cases) it(`${file} -> ${want ?? 'nothing'}`, () => assert.strictEqual(detectFileFormat(file), want));
});

describe('detectFormat: by root keys and by first line', function () {
  const cases: [string, string, string][] = [
    ['a.yaml', 'on: push\njobs:\n  a: 1\n', 'github-workflow'],
    ['a.yaml', '"on": push\njobs:\n  a: 1\n', 'github-workflow'],
    ['a.yaml', 'true: push\njobs:\n  a: 1\n', 'github-workflow'],
    ['a.yaml', 'jobs:\n  a: 1\n', 'yaml'],
    ['a.yaml', 'on: push\n', 'yaml'],
    ['a.yaml', 'stages: [a]\ninclude: x\n', 'gitlab-ci'],
    ['a.yaml', 'stages: [a]\nb:\n  script: [x]\n', 'gitlab-ci'],
    ['a.yaml', 'stages: [a]\nb:\n    script: [x]\n', 'gitlab-ci'],
    ['a.yaml', 'stages: [a]\n', 'yaml'],
    ['a.yaml', 'stages: [a]\nnote: a  script: b\n', 'yaml'],
    ['a.yaml', 'build:\n  stage: x\n  note: a  script: b\n', 'yaml'],
    ['a.yaml', 'build:\n  script: [x]\n', 'gitlab-ci'],
    ['a.yaml', 'build:\n  extends: x\n  script: y\n', 'gitlab-ci'],
    ['a.yaml', 'build:\n  stage: x\n', 'yaml'],
    ['a.yaml', 'build:\n    script: [x]\n', 'yaml'],
    ['a.yaml', 'image: x\n  script: [x]\n', 'yaml'],
    ['a.yaml', 'variables: x\nimage: y\n  script: z\n', 'yaml'],
    ['a.yaml', 'steps:\n  script: x\n', 'yaml'],
    ['a.yaml', 'apiVersion: v1\nb:\n  script: x\n', 'yaml'],
    ['a.yaml', 'pipelines:\n  script: x\n', 'yaml'],
    ['a.yaml', 'pipeline:\n  script: x\n', 'yaml'],
    ['a.yaml', 'jobs:\n  script: x\nstages: [a]\ninclude: x\n', 'yaml'],
    ['a.yaml', 'services:\n  a:\n    image: x\n', 'compose'],
    ['a.yaml', 'services:\n  a:\n    build: .\n', 'compose'],
    ['a.yaml', 'services:\n  a:\n    x: 1\n', 'yaml'],
    ['a.yaml', 'services:\n  a:\n      image: x\n', 'yaml'],
    ['a.yaml', 'services:\n  a:\n    image: x\napiVersion: v1\n', 'yaml'],
    ['a.yaml', 'services:\n  a:\n    image: x\njobs: 1\n', 'yaml'],
    // A file under templates/ with no template syntax is offered to the key rows, except Compose.
    ['chart/templates/a.yaml', 'services:\n  a:\n    image: x\n', 'helm-template'],
    ['chart/templates/a.yaml', 'stages: [a]\ninclude: x\n', 'gitlab-ci'],
    ['chart/templates/a.yaml', 'on: push\njobs:\n  a: 1\n', 'github-workflow'],
    ['chart/templates/a.yaml', 'stages: [a]\ninclude: "{{ x }}"\n', 'helm-template'],
    ['chart/templates/a.yaml', 'kind: Pod\n', 'helm-template'],
    // Only generic YAML is looked into: a name that says more wins.
    ['values.yaml', 'on: push\njobs:\n  a: 1\n', 'helm-values'],
    ['docker-compose.yml', 'stages: [a]\ninclude: x\n', 'compose'],
    ['Dockerfile', '#!/bin/sh\n', 'dockerfile'],
    ['bin/x', '#!/bin/bash\n', 'shell'],
    ['bin/x', '#!/usr/bin/env zsh\n', 'shell'],
    ['bin/x', '#!/usr/bin/env  bash\n', 'shell'],
    ['bin/x', '#! /bin/sh\n', 'shell'],
    ['bin/x', '#!/bin/dash -e\n', 'shell'],
    ['bin/x', '#!/bin/ash\n', 'shell'],
    ['bin/x', '#!/bin/ksh\n', 'shell'],
    ['bin/x', '#!/bin/sh', 'shell'],
    ['bin/x', '#!/usr/bin/env python\n', 'text'],
    ['bin/x', '#!/bin/shx\n', 'text'],
    ['bin/x', '#!/bin/fish\n', 'text'],
    ['bin/x', '#!sh\n', 'text'],
    ['bin/x', 'x\n#!/bin/sh\n', 'text'],
    ['bin/x', '', 'text'],
    ['bin/x', ' #!/bin/sh\n', 'text'],
    ['bin/x', '#!/bin/' + 'a/'.repeat(120) + 'sh\n', 'shell'],
    ['bin/x', '#!/bin/' + 'a/'.repeat(125) + 'sh\n', 'text'],
    ['notes.txt', 'services:\n  a:\n    image: x\n', 'text'],
  ];
  for (const [file, text, want] of cases) it(`${file} ${JSON.stringify(text.slice(0, 40))} -> ${want}`, () => assert.strictEqual(detectFormat(file, text).format, want));

  it('the first line is read within its first 256 characters', function () {
    const line = (n: number) => '#!/bin/' + 'a/'.repeat(n) + 'sh';
    assert.deepStrictEqual([line(120).length, line(125).length], [249, 259]);
  });

  it('a template file: control lines blanked at the same offsets, then detected as its inner name', function () {
    const text = '{{ if x }}\nimage: x\n';
    assert.deepStrictEqual(detectFormat('a.yaml.tmpl', text), { format: 'yaml', text: '          \nimage: x\n', template: true });
    assert.deepStrictEqual(detectFormat('a.yaml', text), { format: 'yaml', text, template: false });
  });

  it('a format has its finder; text has none', function () {
    assert.strictEqual(finderFor('text'), undefined);
    for (const f of ['dockerfile', 'makefile', 'shell', 'unit', 'markdown', 'json', 'github-workflow', 'gitlab-ci', 'compose', 'kustomization', 'helm-template', 'helm-values', 'yaml'] as const) {
      assert.strictEqual(typeof finderFor(f), 'function', f);
    }
  });
});

describe('findMentions: dispatch', function () {
  const kinds = (ms: { kind: string; text: string }[]) => ms.map((m) => `${m.kind} ${m.text}`);

  it('each row hands its text to its own finder', function () {
    const cases: [string, string, string[]][] = [
      ['Dockerfile', 'FROM k8s.gcr.io/a:1\n', ['dockerfile-from k8s.gcr.io/a:1']],
      ['Makefile', 'pull:\n\tdocker pull k8s.gcr.io/a:1\n', ['shell-pull k8s.gcr.io/a:1']],
      ['run.sh', 'docker pull k8s.gcr.io/a:1\n', ['shell-pull k8s.gcr.io/a:1']],
      ['compose.yaml', 'services:\n  a:\n    image: k8s.gcr.io/a:1\n', ['compose-image k8s.gcr.io/a:1']],
    ];
    for (const [file, text, want] of cases) assert.deepStrictEqual(kinds(findMentions(text, file)), want, file);
  });

  it('a given format overrides the name; a template name still has its control lines blanked', function () {
    assert.deepStrictEqual(kinds(findMentions('FROM k8s.gcr.io/a:1\n', 'notes.txt', 'dockerfile')), ['dockerfile-from k8s.gcr.io/a:1']);
    assert.deepStrictEqual(kinds(findMentions('FROM k8s.gcr.io/a:1\n', 'Dockerfile', 'text')), []);
    // A whole-line tag is blanked in a template (the shell finder would read the command in it), kept otherwise.
    const tmpl = '{{ docker pull k8s.gcr.io/a:1 }}\ndocker pull k8s.gcr.io/b:2\n';
    for (const file of ['run.sh.tmpl', 'run.sh.template', 'run.sh.j2', 'run.sh.jinja', 'run.sh.jinja2', 'run.sh.gotmpl', 'RUN.SH.TMPL']) {
      assert.deepStrictEqual(findMentions(tmpl, file, 'shell').map((m) => m.text), ['k8s.gcr.io/b:2'], file);
    }
    for (const file of ['run.sh', '', 'run.sh.tmpl.bak', 'run.tmpl.sh', 'run.sh.jinj']) {
      assert.deepStrictEqual(findMentions(tmpl, file, 'shell').map((m) => m.text), ['k8s.gcr.io/a:1', 'k8s.gcr.io/b:2'], JSON.stringify(file));
    }
  });

  it('the content finder runs only with prefixes, and adds what the format finder missed', function () {
    const text = 'FROM k8s.gcr.io/a:1\nLABEL x=k8s.gcr.io/b:2\n';
    assert.deepStrictEqual(kinds(findMentions(text, 'Dockerfile')), ['dockerfile-from k8s.gcr.io/a:1']);
    assert.deepStrictEqual(kinds(findMentions(text, 'Dockerfile', undefined, { contentPrefixes: [] })), ['dockerfile-from k8s.gcr.io/a:1']);
    assert.deepStrictEqual(kinds(findMentions(text, 'Dockerfile', undefined, { contentPrefixes: ['k8s.gcr.io'] })), ['dockerfile-from k8s.gcr.io/a:1', 'content-reference k8s.gcr.io/b:2']);
  });

  it('sorts by start, then by end', function () {
    const text = 'x = "k8s.gcr.io/b:2"\ny = "k8s.gcr.io/a:1"\n';
    const ms = findMentions(text, 'a.toml', undefined, { contentPrefixes: ['k8s.gcr.io'] });
    assert.deepStrictEqual(ms.map((m) => m.text), ['k8s.gcr.io/b:2', 'k8s.gcr.io/a:1']);
    assert.ok(ms[0].span.start < ms[1].span.start);
  });

  it('embedded slices are read by their format, and nesting is bounded', function () {
    // A Markdown fence of YAML whose run: block is shell: three levels.
    const md = '```yaml\njobs:\n  t:\n    steps:\n      - run: docker pull k8s.gcr.io/a:1\n```\n';
    assert.deepStrictEqual(findMentions(md, 'README.md').map((m) => m.text), ['k8s.gcr.io/a:1']);
    assert.deepStrictEqual(findFormatMentions('FROM k8s.gcr.io/a:1\n', 'dockerfile').map((m) => m.text), ['k8s.gcr.io/a:1']);
    assert.deepStrictEqual(findFormatMentions('FROM k8s.gcr.io/a:1\n', 'text'), []);
  });
});
