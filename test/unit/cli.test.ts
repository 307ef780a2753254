import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';

// `npm test` builds dist/ before this stage; the last test runs the bundle as a user would.
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/**
 * The CLI's main() in this process, with the stdout, stderr and exit code a user would see.
 * In-process so that Stryker's mutants (in src/, not in the bundle) can fail these tests;
 * 'the bundled CLI answers as main() does' checks that the bundle is the same program.
 */
async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env: { ...process.env }, isTTY: false, signal: new AbortController().signal };
  const code = await main(args, io);
  return { code, out, err };
}

function runBundle(args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function workspace(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-cli-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

describe('CLI', function () {
  this.timeout(20000);
  before(() => assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`node esbuild.js\` first`));

  it('scan exits 0 on a clean tree and 1 with findings', async () => {
    const clean = workspace({ 'k8s/app.yaml': 'image: registry.k8s.io/pause:3.9\n' });
    assert.strictEqual((await run(['scan', '.'], clean)).code, 0);
    const dirty = workspace({ 'k8s/app.yaml': 'image: k8s.gcr.io/pause:3.2\n' });
    const r = await run(['scan'], dirty);
    assert.strictEqual(r.code, 1);
    assert.match(r.out, /^k8s\/app\.yaml:1:8  warning  k8s\.gcr\.io\/pause moved to registry\.k8s\.io\/pause: .*\[K8S-GCR\]$/m);
  });

  it('scan exits 2 on a usage error', async () => {
    const dir = workspace({});
    assert.strictEqual((await run(['scan', '--format', 'xml'], dir)).code, 2);
    assert.strictEqual((await run(['scan', '--bogus'], dir)).code, 2);
    assert.strictEqual((await run(['nosuch'], dir)).code, 2);
    assert.strictEqual((await run(['scan', 'missing-folder'], dir)).code, 2);
  });

  it('scan exits 2 on a bad rules file, names its line and still applies the built-in rules', async () => {
    const dir = workspace({ '.registry-migrations.yaml': 'rules:\n  - id: A\n    from: [oops\n', 'a.yaml': 'image: k8s.gcr.io/pause:3.2\n' });
    const r = await run(['scan', '--format', 'json'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /^\.registry-migrations\.yaml:\d+:\d+  error  /m);
    const json = JSON.parse(r.out);
    assert.strictEqual(json.mentions[0].rule, 'K8S-GCR');
  });

  it('scan --format json has the documented shape, including split parts', async () => {
    const dir = workspace({
      'chart/values.yaml': 'image:\n  registry: docker.io\n  repository: kubeflow/spark-operator\n  tag: ""\n',
      'deploy.yaml': 'spec:\n  containers:\n    - image: "${REGISTRY}/app:1"\n    - image: nginx:1.25\n',
    });
    const r = await run(['scan', '--all', '--format', 'json'], dir);
    assert.strictEqual(r.code, 1);
    const { mentions } = JSON.parse(r.out);
    const split = mentions.find((m: { file: string }) => m.file === 'chart/values.yaml');
    assert.deepStrictEqual(
      { file: split.file, line: split.line, column: split.column, text: split.text, deprecated: split.deprecated, rule: split.rule, replacement: split.replacement, skipped: split.skipped },
      { file: 'chart/values.yaml', line: 3, column: 15, text: 'kubeflow/spark-operator', deprecated: true, rule: 'SO-DOCKERIO', replacement: 'kubeflow/spark-operator/controller', skipped: null },
    );
    assert.deepStrictEqual(
      split.parts.filter((p: { role: string }) => p.role !== 'tag'),
      [
        { line: 2, column: 13, text: 'docker.io', replacement: 'ghcr.io', role: 'registry' },
        { line: 3, column: 15, text: 'kubeflow/spark-operator', replacement: 'kubeflow/spark-operator/controller', role: 'repository' },
      ],
    );
    const templated = mentions.find((m: { text: string }) => m.text.startsWith('${REGISTRY}'));
    assert.ok(templated.skipped, 'templated repository is reported as skipped');
    assert.strictEqual(templated.deprecated, false);
    const nginx = mentions.find((m: { text: string }) => m.text === 'nginx:1.25');
    assert.strictEqual(nginx.deprecated, false);
    assert.strictEqual(nginx.replacement, null);
    for (const m of mentions) for (const k of ['file', 'line', 'column', 'text', 'kind', 'deprecated', 'rule', 'replacement', 'skipped', 'parts']) assert.ok(k in m, k);
  });

  it('scan --format sarif is SARIF 2.1.0 with a result per finding', async () => {
    const dir = workspace({ 'a.yaml': 'image: k8s.gcr.io/pause:3.2\n' });
    const sarif = JSON.parse((await run(['scan', '--format', 'sarif'], dir)).out);
    assert.strictEqual(sarif.version, '2.1.0');
    const res = sarif.runs[0].results;
    assert.strictEqual(res.length, 1);
    assert.strictEqual(res[0].ruleId, 'K8S-GCR');
    // SARIF's endColumn is the column after the region (20 characters from column 8).
    assert.deepStrictEqual(res[0].locations[0].physicalLocation.region, { startLine: 1, startColumn: 8, endLine: 1, endColumn: 28 });
    assert.strictEqual(sarif.runs[0].tool.driver.rules[res[0].ruleIndex].id, 'K8S-GCR');
    // The tool's version is the one --version prints (not a constant in scan.ts); in the
    // bundle, that is package.json's.
    assert.strictEqual(sarif.runs[0].tool.driver.version, (await run(['--version'], dir)).out.trim());
    const bundled = JSON.parse(runBundle(['scan', '--format', 'sarif'], dir).out);
    assert.strictEqual(bundled.runs[0].tool.driver.version, JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')).version);
  });

  it('fix --dry-run prints a unified diff, changes nothing, and exits 1 (a CI gate)', async () => {
    const text = 'spec:\n  image: k8s.gcr.io/pause:3.2  # keep me\n';
    const dir = workspace({ 'a.yaml': text });
    const r = await run(['fix', '--dry-run'], dir);
    assert.strictEqual(r.code, 1);
    assert.strictEqual(r.out, '--- a/a.yaml\n+++ b/a.yaml\n@@ -1,2 +1,2 @@\n spec:\n-  image: k8s.gcr.io/pause:3.2  # keep me\n+  image: registry.k8s.io/pause:3.2  # keep me\n');
    const clean = await run(['fix', '--dry-run'], workspace({ 'a.yaml': 'image: registry.k8s.io/pause:3.2\n' }));
    assert.strictEqual(clean.code, 0, clean.err);
    assert.strictEqual(clean.out, '');
    assert.strictEqual(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8'), text);
  });

  it('fix keeps CRLF, the BOM and the file mode, and a second run changes nothing', async () => {
    const dir = workspace({
      'a.yaml': '\ufeffimage: "k8s.gcr.io/pause:3.2"\r\n# comment\r\nother: 1\r\n',
      'run.sh': '#!/bin/sh\r\ndocker pull k8s.gcr.io/pause:3.2\r\n',
    });
    fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
    assert.strictEqual((await run(['fix'], dir)).code, 0);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8'), '\ufeffimage: "registry.k8s.io/pause:3.2"\r\n# comment\r\nother: 1\r\n');
    assert.strictEqual(fs.readFileSync(path.join(dir, 'run.sh'), 'utf8'), '#!/bin/sh\r\ndocker pull registry.k8s.io/pause:3.2\r\n');
    assert.strictEqual(fs.statSync(path.join(dir, 'run.sh')).mode & 0o777, 0o755);
    const again = await run(['fix', '--dry-run'], dir);
    assert.strictEqual(again.out, '');
    assert.strictEqual((await run(['scan'], dir)).code, 0, 'a fixed tree scans clean');
    assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('fix rewrites split Helm fields and leaves no-target references for a hand fix (exit 1)', async () => {
    const dir = workspace({
      'values.yaml': 'image:\n  registry: docker.io\n  repository: kubeflow/spark-operator\n',
      'app.yaml': 'spec:\n  image: gcr.io/spark-operator/spark:v3.1.1\n',
    });
    const r = await run(['fix'], dir);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /app\.yaml:2:10: gcr\.io\/spark-operator\/spark:v3\.1\.1: not fixed/);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8'), 'image:\n  registry: ghcr.io\n  repository: kubeflow/spark-operator/controller\n');
  });

  it('respects .gitignore, skips node_modules, binary and large files with a note', async () => {
    const dir = workspace({
      '.gitignore': 'ignored/\n*.gen.yaml\n!keep.gen.yaml\n',
      'ignored/a.yaml': 'image: k8s.gcr.io/a:1\n',
      'x.gen.yaml': 'image: k8s.gcr.io/b:1\n',
      'keep.gen.yaml': 'image: k8s.gcr.io/c:1\n',
      'node_modules/m/d.yaml': 'image: k8s.gcr.io/d:1\n',
      'bin.yaml': Buffer.concat([Buffer.from('image: k8s.gcr.io/e:1\n'), Buffer.from([0, 1, 2])]),
      'big.yaml': 'image: k8s.gcr.io/f:1\n' + '#'.repeat(2 * 1024 * 1024),
    });
    const r = await run(['scan', '--format', 'json', '--max-file-size', '1024'], dir);
    const json = JSON.parse(r.out);
    assert.deepStrictEqual(json.mentions.map((m: { file: string }) => m.file), ['keep.gen.yaml']);
    assert.deepStrictEqual(json.skippedFiles.map((s: { file: string; kind: string }) => `${s.kind} ${s.file}`).sort(), ['binary bin.yaml', 'ignored ignored/', 'ignored x.gen.yaml', 'too-large big.yaml']);
    assert.deepStrictEqual(json.skipped, { binary: 1, 'too-large': 1, 'not-text': 0, ignored: 2, unreadable: 0 });
    const text = await run(['scan', '--max-file-size', '1024'], dir);
    assert.match(text.out, /2 files scanned; not read: 1 binary, 1 too large, 2 ignored\./);
  });

  it('reads files of any name: containerd TOML, Go constants, an extensionless script, a UTF-16 file is a stated skip', async () => {
    const dir = workspace({
      'etc/containerd/config.toml': '[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "k8s.gcr.io/pause:3.6"\n',
      'test/e2e/images.go': 'package e2e\n\nconst pause = "k8s.gcr.io/pause:3.2"\n',
      'hack/run-e2e': '#!/usr/bin/env bash\ndocker pull k8s.gcr.io/etcd:3.4.13-0\n',
      'notes-utf16.txt': Buffer.from('\ufeffimage: k8s.gcr.io/x:1\n', 'utf16le'),
    });
    const r = await run(['scan'], dir);
    assert.strictEqual(r.code, 1);
    assert.match(r.out, /etc\/containerd\/config\.toml:2:20 {2}warning {2}k8s\.gcr\.io\/pause moved to registry\.k8s\.io\/pause/);
    assert.match(r.out, /test\/e2e\/images\.go:3:16 /);
    assert.match(r.out, /hack\/run-e2e:2:13 /);
    assert.match(r.out, /3 deprecated references in 3 files .*; 3 files scanned; not read: 1 not text\./);
    assert.match(r.err, /notes-utf16\.txt: not UTF-8 text \(UTF-16LE\)/);
  });

  it('uses --rules FILE, and a missing rules file is a usage error', async () => {
    const dir = workspace({ 'r.yaml': 'rules:\n  - id: ACME\n    from: acme.example/team\n    to: ghcr.io/acme\n', 'Dockerfile': 'FROM acme.example/team/base:1\n' });
    const r = await run(['scan', '--rules', 'r.yaml', '--format', 'json'], dir);
    assert.strictEqual(JSON.parse(r.out).mentions[0].replacement, 'ghcr.io/acme/base:1');
    assert.strictEqual((await run(['scan', '--rules', 'nope.yaml'], dir)).code, 2);
  });

  it('--exclude GLOB (repeatable) and the rules file\'s exclude: skip paths on scan and fix', async () => {
    const files = {
      '.registry-migrations.yaml': 'exclude:\n  - docs/releases/**\n',
      'a.yaml': 'image: k8s.gcr.io/a:1\n',
      'vendor/x/README.md': '`k8s.gcr.io/b:1`\n',
      'docs/releases/0.1.md': '`k8s.gcr.io/c:1`\n',
      'docs/guide.md': '`k8s.gcr.io/d:1`\n',
      'CHANGELOG.md': '`k8s.gcr.io/e:1`\n',
    };
    const dir = workspace(files);
    const texts = async (args: string[]) => JSON.parse((await run(['scan', '--format', 'json', ...args], dir)).out).mentions.map((m: { text: string }) => m.text).sort();
    assert.deepStrictEqual(await texts([]), ['k8s.gcr.io/a:1', 'k8s.gcr.io/b:1', 'k8s.gcr.io/d:1', 'k8s.gcr.io/e:1']);
    assert.deepStrictEqual(await texts(['--exclude', 'vendor', '--exclude=CHANGELOG.md']), ['k8s.gcr.io/a:1', 'k8s.gcr.io/d:1']);
    const r = await run(['fix', '--exclude', 'vendor/**', '--exclude', '*.md'], dir);
    assert.strictEqual(r.code, 0, r.err);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8'), 'image: registry.k8s.io/a:1\n');
    for (const f of ['vendor/x/README.md', 'docs/releases/0.1.md', 'docs/guide.md', 'CHANGELOG.md']) assert.strictEqual(fs.readFileSync(path.join(dir, f), 'utf8'), files[f as keyof typeof files], f);
    const bad = await run(['scan'], workspace({ '.registry-migrations.yaml': 'exclude: vendor\n' }));
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /\.registry-migrations\.yaml:1:10  error  `exclude` must be a list of globs/);
  });

  it('SARIF fingerprints: one per occurrence, stable when unrelated lines move', async () => {
    const body = 'a:\n  image: k8s.gcr.io/pause:3.2\nb:\n  image: k8s.gcr.io/pause:3.2\n';
    const prints = async (text: string) => {
      const dir = workspace({ 'a.yaml': text });
      const sarif = JSON.parse((await run(['scan', '--format', 'sarif'], dir)).out);
      return sarif.runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['registryMigrator/v2']);
    };
    const before = await prints(body);
    assert.strictEqual(before.length, 2);
    assert.notStrictEqual(before[0], before[1], 'two equal references are two alerts');
    const moved = await prints('# a new comment\n\nextra: 1\n' + body);
    assert.deepStrictEqual(moved, before, 'lines inserted above change nothing');
    const edited = await prints(body.replace('a:\n', 'renamed:\n'));
    assert.notStrictEqual(edited[0], before[0], 'its own line window changed');
  });

  it('scan --format json: verification is null offline; --allow needs --verify', async () => {
    const dir = workspace({ 'a.yaml': 'image: k8s.gcr.io/pause:3.2\n' });
    const j = JSON.parse((await run(['scan', '--format', 'json'], dir)).out);
    assert.strictEqual(j.mentions[0].verification, null);
    const r = await run(['fix', '--allow', 'missing'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /--allow needs --verify/);
    const bad = await run(['fix', '--verify', '--allow', 'maybe'], dir);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /--allow takes a comma-separated list/);
  });

  it('fix --dry-run shows the companion line, and the diff applies with git apply', async () => {
    const text = 'global:\n  storageClass: fast\nimage:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: 7.2.4-debian-12-r0';
    const dir = workspace({ 'chart/values.yaml': text });
    const r = await run(['fix', '--dry-run'], dir);
    assert.strictEqual(r.code, 1);
    assert.match(r.out, /^\+  security:\n\+    allowInsecureImages: true$/m);
    assert.match(r.out, /^\+  repository: bitnamilegacy\/redis$/m);
    fs.writeFileSync(path.join(dir, 'p.diff'), r.out);
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const applied = spawnSync('git', ['apply', 'p.diff'], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(applied.status, 0, applied.stderr);
    const fixedText = fs.readFileSync(path.join(dir, 'chart/values.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'chart/values.yaml'), text);
    assert.strictEqual((await run(['fix'], dir)).code, 0);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'chart/values.yaml'), 'utf8'), fixedText, 'the diff is what fix writes');
  });
  // 300 files: past the pool's 256-file threshold, so the bundle's worker threads serialize
  // the JSON; one thread (RM_SCAN_THREADS=0) must print the same bytes.
  it('the bundled CLI on a tree big enough for worker threads prints what one thread prints (--format json, text)', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`d${i % 7}/f${i}.yaml`] = i % 3 ? `image: k8s.gcr.io/pause:3.${i}\nother: ${i}\n` : `image: nginx:1.${i}\n`;
    const dir = workspace(files);
    for (const args of [['scan', '--format', 'json'], ['scan', '--all', '--format', 'json'], ['scan']]) {
      const threads = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, RM_SCAN_THREADS: '2' } });
      const one = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, RM_SCAN_THREADS: '0' } });
      assert.strictEqual(threads.status, 1, threads.stderr);
      assert.strictEqual(threads.stdout, one.stdout, args.join(' '));
    }
    const json = JSON.parse(spawnSync(process.execPath, [CLI, 'scan', '--format', 'json'], { cwd: dir, encoding: 'utf8' }).stdout) as { mentions: { file: string }[] };
    assert.strictEqual(json.mentions.length, 200);
    assert.deepStrictEqual(json.mentions.map((m) => m.file), [...json.mentions.map((m) => m.file)].sort(), 'walk order');
  });

  // A sparse tree (1 file in 40 holds a reference): the workers hand those files back to the
  // main thread (ScanPool rareHitsHere). What the user gets, on stdout and on disk after
  // `fix`, must be what one thread gives.
  it('the bundled CLI on a sparse tree: scan and fix give what one thread gives, on stdout and on disk', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`p${i % 9}/f${i}.${i % 2 ? 'yaml' : 'md'}`] = i % 40 === 3 ? (i % 2 ? `image: k8s.gcr.io/pause:3.${i}\n` : `Run \`docker pull gcr.io/google_containers/busybox:${i}\`.\n`) : `name: svc${i}\n`;
    const threaded = workspace(files);
    const single = workspace(files);
    const cli = (args: string[], cwd: string, threads: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, RM_SCAN_THREADS: threads } });
    for (const args of [['scan', '--format', 'json'], ['scan'], ['fix']]) {
      const a = cli(args, threaded, '2');
      const b = cli(args, single, '0');
      assert.strictEqual(a.stdout, b.stdout, args.join(' '));
      assert.strictEqual(a.status, b.status, `${args.join(' ')}: ${a.stderr}`);
    }
    let changed = 0;
    for (const rel of Object.keys(files)) {
      const t = fs.readFileSync(path.join(threaded, rel), 'utf8');
      assert.strictEqual(t, fs.readFileSync(path.join(single, rel), 'utf8'), rel);
      if (t !== files[rel]) changed++;
    }
    assert.strictEqual(changed, 15, 'fix rewrote each file that held a deprecated reference');
    assert.match(fs.readFileSync(path.join(threaded, 'p3/f3.yaml'), 'utf8'), /^image: registry\.k8s\.io\/pause:3\.3$/m);
  });

  it('the bundled CLI: scan flags and fix rewrites Docker Hub short names in Go, properties and pom.xml on disk, and leaves chart names alone', () => {
    const files = {
      'e2e/images.go': 'package e2e\n\nconst kubectl = "bitnami/kubectl:1.25"\nconst chart = "bitnami/redis"\n',
      'src/test/resources/application.properties': 'test.redis.image=bitnami/redis:7.2\ntest.chart=bitnami/redis\n',
      'pom.xml': '<project><build><plugins><plugin><configuration><from><image>bitnami/java:17</image></from></configuration></plugin></plugins></build></project>\n',
    };
    const dir = workspace(files);
    const scan = runBundle(['scan', '--format', 'json'], dir);
    assert.strictEqual(scan.code, 1, scan.err);
    assert.deepStrictEqual((JSON.parse(scan.out) as { mentions: { file: string; line: number; text: string }[] }).mentions.map((m) => `${m.file}:${m.line} ${m.text}`).sort(), [
      'e2e/images.go:3 bitnami/kubectl:1.25',
      'pom.xml:1 bitnami/java:17',
      'src/test/resources/application.properties:1 bitnami/redis:7.2',
    ]);
    const fix = runBundle(['fix'], dir);
    assert.strictEqual(fix.code, 0, fix.err);
    const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
    assert.strictEqual(read('e2e/images.go'), files['e2e/images.go'].replace('"bitnami/kubectl:1.25"', '"bitnamilegacy/kubectl:1.25"'));
    assert.strictEqual(read('src/test/resources/application.properties'), 'test.redis.image=bitnamilegacy/redis:7.2\ntest.chart=bitnami/redis\n');
    assert.strictEqual(read('pom.xml'), files['pom.xml'].replace('<image>bitnami/java:17</image>', '<image>bitnamilegacy/java:17</image>'));
    assert.strictEqual(runBundle(['scan'], dir).code, 0, 'nothing left to flag after fix');
  });

  it('the bundled CLI (dist/cli.js) answers as main() does: exit code, stdout, stderr', async () => {
    const dir = workspace({ 'a.yaml': 'spec:\n  image: k8s.gcr.io/pause:3.2\n', 'b.yaml': 'image: gcr.io/spark-operator/spark:v3.1.1\n' });
    for (const args of [['scan'], ['scan', '--format', 'json'], ['scan', '--format', 'sarif'], ['fix', '--dry-run'], ['scan', '--bogus'], ['nosuch'], ['help'], ['scan', '--help']]) {
      const inProcess = await run(args, dir);
      const bundle = runBundle(args, dir);
      const what = args.join(' ');
      assert.strictEqual(bundle.code, inProcess.code, `${what}: exit code\n${bundle.err}`);
      if (args[1] === '--format' && args[2] === 'sarif') {
        // The tool version in the SARIF is the package's in the bundle, 0.0.0-dev here.
        assert.deepStrictEqual(JSON.parse(bundle.out).runs[0].results, JSON.parse(inProcess.out).runs[0].results, what);
      } else {
        assert.strictEqual(bundle.out, inProcess.out, `${what}: stdout`);
      }
      assert.strictEqual(bundle.err, inProcess.err, `${what}: stderr`);
    }
  });
});
