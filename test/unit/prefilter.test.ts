import * as assert from 'assert';
import { analyzeText } from '../../src/core/analyze';
import { loadRuleSet } from '../../src/core/rules/loadRuleSet';
import { needleRegExp, ruleNeedleList } from '../../src/core/rules/ruleNeedles';
import { prng } from './support/fuzz';

/**
 * The scan's prefilter (needleRegExp over a latin1 view of a file's bytes) may skip a file
 * only when the full analysis would flag nothing in it. Property: over many generated files
 * in every format, with references to every rule spelled the ways people write them (host in
 * capitals, index.docker.io, split Helm fields in either order, a registry field holding a
 * path, quotes, digests, templates) and near misses (`bitnamilegacy/…`), no flagged file is
 * skipped. The near misses make the prefilter earn its keep: some files must be skipped.
 */
describe('scan prefilter (property)', () => {
  const { ruleSet } = loadRuleSet();
  const needles = needleRegExp(ruleNeedleList(ruleSet));
  const rnd = prng(20261201);
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)];
  const component = () => pick(['redis', 'pause', 'spark', 'controller', 'x', 'a-b', 'kube_proxy', 'v1']);

  /** [host or '', path] pairs: each rule's `from`, with stars filled and prefixes extended, and near misses. */
  function name(): [string, string] {
    const rule = pick(ruleSet.rules);
    let from = pick(rule.from).replace(/\*/g, component);
    if (rule.match === 'prefix' || rnd(4) === 0) from += '/' + component();
    if (rnd(5) === 0) from = from.replace(/\/([^/]+)$/, (_, last: string) => '/' + pick([last + 'legacy', 'x' + last, last + '-x', last.toUpperCase()]));
    let [host, ...rest] = from.split('/');
    if (!host.includes('.')) {
      rest = [host, ...rest];
      host = '';
    }
    if (host === 'docker.io') host = pick(['', 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'DOCKER.IO']);
    if (host && rnd(6) === 0) host = host.toUpperCase();
    if (host && rnd(10) === 0) host = host[0].toUpperCase() + host.slice(1);
    return [host, rest.join('/')];
  }
  const tag = () => pick([':1.2.3', ':latest', '', '@sha256:' + 'ab'.repeat(32), ':${TAG}', ':v1beta2-1.3.8-3.1.1']);
  const full = ([h, p]: [string, string]) => (h ? `${h}/${p}` : p) + tag();

  const shapes: { file: string; body: () => string }[] = [
    { file: 'Dockerfile', body: () => `FROM ${full(name())} AS build\nRUN make\n` },
    { file: 'k8s/deploy.yaml', body: () => `spec:\n  containers:\n    - name: a\n      image: ${pick(['', '"', "'"]).replace(/^(.?)$/, (q) => q + full(name()) + q)}\n` },
    { file: 'compose.yaml', body: () => `services:\n  web:\n    image: ${full(name())}\n` },
    { file: 'README.md', body: () => `Pull it: \`docker pull ${full(name())}\`.\n\n\`\`\`yaml\nimage: ${full(name())}\n\`\`\`\n` },
    { file: 'run.sh', body: () => `docker run --rm ${full(name())} --help\n` },
    { file: 'package.json', body: () => `{ "config": { "image": "${full(name())}" } }\n` },
    {
      file: 'chart/values.yaml',
      body: () => {
        const [h, p] = name();
        const fields = [h ? `    registry: ${h}` : '', `    repository: ${p}`, `    tag: ${tag().slice(1) || 'x'}`].filter(Boolean);
        if (rnd(2)) fields.reverse();
        return `app:\n  image:\n${fields.join('\n')}\n  pullPolicy: IfNotPresent\n`;
      },
    },
    {
      file: 'chart/values.yaml',
      // A registry field that holds a path: `registry: docker.io/bitnami` + `repository: redis`.
      body: () => {
        const [h, p] = name();
        const i = p.lastIndexOf('/');
        return `app:\n  image:\n    registry: ${h || 'docker.io'}${i > 0 ? '/' + p.slice(0, i) : ''}\n    repository: ${p.slice(i + 1)}\n    tag: "1"\n`;
      },
    },
    { file: 'chart/Chart.yaml', body: () => `annotations:\n  images: |\n    - name: a\n      image: ${full(name())}\napiVersion: v2\nname: c\n` },
    { file: 'Makefile', body: () => `IMAGE ?= ${full(name())}\nbuild:\n\tdocker build -t $(IMAGE) .\n` },
  ];

  it('never skips a file the full scan would flag', function () {
    // 4,000 full analyses: not a timed test, and the machine may be loaded.
    this.timeout(120000);
    let flagged = 0;
    let skippedClean = 0;
    for (let i = 0; i < 4000; i++) {
      const shape = pick(shapes);
      const text = shape.body() + (rnd(3) === 0 ? shape.body() : '');
      const findings = analyzeText(text, shape.file, ruleSet).findings;
      const passes = needles !== undefined && needles.test(Buffer.from(text, 'utf8').toString('latin1'));
      if (findings.length) {
        flagged++;
        assert.ok(passes, `the prefilter skips ${shape.file}, which the scan flags (${findings[0].rule.id}):\n${text}`);
      } else if (!passes) {
        skippedClean++;
      }
    }
    assert.ok(flagged > 1000, `only ${flagged} generated files were flagged: the generator lost its point`);
    assert.ok(skippedClean > 50, `only ${skippedClean} clean files were skipped: the prefilter says too little`);
  });

  it('needs a Docker Hub path as a whole component: bitnami/, not bitnamilegacy/', () => {
    assert.ok(needles);
    assert.ok(needles.test('image: bitnami/redis:7'));
    assert.ok(needles.test('registry: docker.io/bitnami\n'));
    assert.ok(!needles.test('image: bitnamilegacy/redis:7'));
    assert.ok(needles.test('image: K8S.GCR.IO/pause:3.2'));
    assert.ok(!needles.test('repository: kubeflow/spark-operator-x'));
  });
});
