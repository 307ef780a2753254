import * as assert from 'assert';
import { analyzeText } from '../../src/core/analyze';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { detectFormat } from '../../src/core/scan/formatTable';
import { assertSpansMatch } from './support/fuzz';

const { ruleSet } = loadRuleSet();

describe('detectFormat: by name, then by content', () => {
  const cases: { file: string; text: string; want: string; template?: boolean }[] = [
    { file: '.gitea/workflows/ci.yml', text: 'on: push\n', want: 'github-workflow' },
    { file: '.forgejo/workflows/release.yaml', text: 'x: 1\n', want: 'github-workflow' },
    { file: 'ci/build.yml', text: 'on:\n  push:\njobs:\n  b:\n    runs-on: ubuntu-latest\n', want: 'github-workflow' },
    { file: 'ci/templates/docker.yml', text: '.docker:\n  image: docker:24\n  script:\n    - docker build .\n', want: 'gitlab-ci' },
    { file: 'gitlab/build.yml', text: 'stages: [build]\ninclude:\n  - project: org/ci\n    file: /docker.yml\nbuild:\n  script:\n    - make\n', want: 'gitlab-ci' },
    { file: 'deploy/stack.yml', text: 'version: "3.8"\nservices:\n  db:\n    image: postgres:16\n', want: 'compose' },
    { file: 'deploy/app.yml', text: 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: x\n', want: 'yaml' },
    { file: '.circleci/config.yml', text: 'version: 2.1\njobs:\n  b:\n    docker:\n      - image: cimg/go:1.21\n', want: 'yaml' },
    { file: '.drone.yml', text: 'kind: pipeline\nsteps:\n  - name: test\n    image: golang:1.21\n', want: 'yaml' },
    { file: 'pod.yaml.template', text: 'kind: Pod\n', want: 'yaml', template: true },
    { file: 'addon.yaml.tmpl', text: 'kind: Pod\n', want: 'yaml', template: true },
    { file: 'values.yaml.gotmpl', text: 'image: x\n', want: 'helm-values', template: true },
    { file: 'Dockerfile.j2', text: 'FROM {{ base }}\n', want: 'dockerfile', template: true },
    { file: 'chart/templates/_helpers.tpl', text: '{{- define "x" -}}\n', want: 'helm-template' },
    { file: 'hack/run-e2e', text: '#!/usr/bin/env bash\nset -e\n', want: 'shell' },
    { file: 'bin/release', text: '#!/bin/sh\n', want: 'shell' },
    { file: 'bin/tool', text: '#!/usr/bin/env python3\n', want: 'text' },
    { file: 'app.container', text: '[Container]\nImage=x\n', want: 'unit' },
    { file: 'etc/containerd/config.toml', text: 'version = 2\n', want: 'text' },
    { file: '.env.production', text: 'IMAGE=x\n', want: 'shell' },
  ];
  for (const c of cases) {
    it(`${c.file} is ${c.want}`, () => {
      const d = detectFormat(c.file, c.text);
      assert.strictEqual(d.format, c.want);
      assert.strictEqual(d.template, c.template ?? false);
      assert.strictEqual(d.text.length, c.text.length, 'offsets are kept');
    });
  }

  it('template control lines are blanked, inline template values stay and are skipped', () => {
    const text = 'spec:\n{{- if .X }}\n  containers:\n  - image: k8s.gcr.io/pause:3.2\n  - image: "{{ .R }}/app:1"\n{{- end }}\n';
    const a = analyzeText(text, 'pod.yaml.tmpl', ruleSet);
    assertSpansMatch(text, a.mentions);
    assert.deepStrictEqual(a.findings.map((f) => f.replacement), ['registry.k8s.io/pause:3.2']);
    assert.ok(a.mentions.some((m) => m.skipped && m.text.startsWith('{{')), 'the templated one is skipped');
  });

  it('a GitLab pipeline under a neutral name keeps services and script handling', () => {
    const text = 'stages: [test]\ntest:\n  image: k8s.gcr.io/a:1\n  services:\n    - k8s.gcr.io/b:2\n    - name: k8s.gcr.io/c:3\n  script:\n    - docker run k8s.gcr.io/d:4\n';
    const kinds = analyzeText(text, 'ci/test.yml', ruleSet).mentions.map((m) => `${m.kind} ${m.text}`);
    assert.deepStrictEqual(kinds, ['gitlab-ci-image k8s.gcr.io/a:1', 'gitlab-ci-service k8s.gcr.io/b:2', 'gitlab-ci-service k8s.gcr.io/c:3', 'shell-run k8s.gcr.io/d:4']);
  });

  it('a Gitea workflow reads container, services, docker:// and run: as GitHub does', () => {
    const text = 'on: [push]\njobs:\n  t:\n    runs-on: docker\n    container: k8s.gcr.io/a:1\n    services:\n      db: postgres:10\n    steps:\n      - uses: docker://k8s.gcr.io/b:2\n      - run: docker pull k8s.gcr.io/c:3\n';
    const kinds = analyzeText(text, '.gitea/workflows/t.yaml', ruleSet).mentions.map((m) => `${m.kind} ${m.text}`);
    assert.deepStrictEqual(kinds, ['github-container-image k8s.gcr.io/a:1', 'github-service-image postgres:10', 'github-uses-docker k8s.gcr.io/b:2', 'shell-pull k8s.gcr.io/c:3']);
  });
});
