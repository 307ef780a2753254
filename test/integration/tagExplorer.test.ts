import * as assert from 'assert';
import * as vscode from 'vscode';

import type { TagExplorerApi } from '../../src/vscode/tagExplorer/tagExplorer';
import type { ExplorerNode, MessageNode, MoreNode, RootNode, TagNode } from '../../src/vscode/tagExplorer/tagNodes';
import type { VerifyReport } from '../../src/core/registry/verifyRepositories';
import { type Fault, type RegistryProxy, startRegistryProxy } from '../support/registryProxy';
import { EXTENSION_ID, codeActions, diagnosticsCount, screenshot, setSetting, waitFor, writeText, wsUri } from './helpers';
import { AUTH_PASSWORD, AUTH_USER, NEW_PATH, OLD_PATH, PRIVATE_PATH, PRIVATE_TAGS, TRUTH } from './tagExplorerRegistry';

// Set by scripts/runIntegration.js, which starts and seeds these registries before code-server.
const REG = process.env.RM_TEST_REGISTRY ?? '';
const AUTH = process.env.RM_TEST_AUTH_REGISTRY ?? '';
const OLD = `${REG}/${OLD_PATH}`;
const NEW = `${REG}/${NEW_PATH}`;
const FILE = 'tag-explorer/Dockerfile';
const C = 'registryMigrator.tagExplorer.';

/** Newest first, as sortTags orders them. */
const ALL_TAGS = ['3.0.0', '2.2.0', '2.1.0', '2.0.1', '2.0.0', '1.10.0', '1.2.0', '1.1.0', '1.0.0', 'latest'];

let api: TagExplorerApi;

function children(node?: ExplorerNode): Promise<ExplorerNode[]> {
  return Promise.resolve(api.provider.getChildren(node));
}

const tagsOf = (nodes: ExplorerNode[]) => nodes.filter((n): n is TagNode => n.kind === 'tag');
const labels = (nodes: ExplorerNode[]) => nodes.map((n) => String(api.provider.getTreeItem(n).label));

async function tag(root: RootNode, name: string): Promise<TagNode> {
  const n = tagsOf(await children(root)).find((t) => t.tag === name);
  assert.ok(n, `${name} is a child of ${root.id}`);
  return n;
}

/** Waits for a root (roots follow the findings and settings after a short debounce). */
function rootFor(oldName: string, newName?: string): Promise<RootNode> {
  return waitFor(`the root ${oldName}${newName ? ` → ${newName}` : ''} (roots now: ${api.provider.rootNodes().map((r) => r.id).join(', ')})`, () => api.provider.findRoot(oldName, newName), 10000);
}

async function pin(entries: string[]): Promise<void> {
  await setSetting('registryMigrator', 'repositories', entries);
}

describe('Tag Explorer (against the local docker-registry)', function () {
  this.timeout(60000);
  const proxies: RegistryProxy[] = [];

  before(async () => {
    assert.ok(REG && AUTH, 'RM_TEST_REGISTRY and RM_TEST_AUTH_REGISTRY are set: run through scripts/runIntegration.js, which starts docker-registry');
    const ext = vscode.extensions.getExtension<{ ready: Promise<void>; tagExplorer: TagExplorerApi }>(EXTENSION_ID);
    assert.ok(ext);
    const exported = await ext.activate();
    await exported.ready;
    api = exported.tagExplorer;
    await setSetting('registryMigrator', 'rules', [{ id: 'TEST-APP-MOVE', from: OLD, to: NEW, match: 'exact', reason: 'the test app moved', since: '2025-01' }]);
    await writeText(wsUri(FILE), `FROM ${OLD}:2.0.0\n`);
    await vscode.workspace.openTextDocument(wsUri(FILE));
    await diagnosticsCount(wsUri(FILE), 1, 10000);
  });

  after(async () => {
    await setSetting('registryMigrator', 'repositories', undefined);
    await setSetting('registryMigrator', 'rules', undefined);
    await vscode.commands.executeCommand(C + 'signOut', AUTH);
    await vscode.commands.executeCommand(C + 'clearFilter');
    await vscode.workspace.fs.delete(wsUri('tag-explorer'), { recursive: true }).then(undefined, () => undefined);
    await Promise.all(proxies.map((p) => p.close()));
  });

  it('shows one root per migration pair the workspace references, with the rule and the tags in use', async () => {
    const root = await rootFor(OLD, NEW);
    assert.deepStrictEqual([root.origin, root.ruleIds, root.references, [...root.tagsInUse]], ['workspace', ['TEST-APP-MOVE'], 1, ['2.0.0']]);
    const item = api.provider.getTreeItem(root);
    // The old repository's short name; the new home, counts and rule in the description.
    assert.strictEqual(item.label, 'app');
    assert.strictEqual(item.description, `→ ${NEW} · 1 ref · TEST-APP-MOVE`);
    assert.match((item.tooltip as vscode.MarkdownString).value, new RegExp(`Migration \\*\\*${OLD.replace(/\./g, '\\.')}\\*\\* → \\*\\*${NEW.replace(/\./g, '\\.')}\\*\\*`));
    assert.strictEqual(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.ok((await children()).includes(root));
  });

  it('"Add Repository…" validates the reference and pins it; invalid input is refused', async () => {
    const cases: { input: string; ok: boolean }[] = [
      { input: `${REG}/solo/app`, ok: true },
      { input: `${REG}/Not/Lowercase`, ok: false },
      { input: `${REG}/solo/app:1.0`, ok: false }, // an image, not a repository
    ];
    for (const c of cases) assert.strictEqual(await vscode.commands.executeCommand(C + 'addRepository', c.input), c.ok, c.input);
    const pinned = await rootFor(`${REG}/solo/app`);
    assert.deepStrictEqual([pinned.origin, pinned.new, pinned.pinnedEntry], ['pinned', undefined, `${REG}/solo/app`]);
    assert.deepStrictEqual(vscode.workspace.getConfiguration('registryMigrator').get('repositories'), [`${REG}/solo/app`]);
    await vscode.commands.executeCommand(C + 'removeRepository', pinned);
    await waitFor('the pinned root to go', () => (api.provider.findRoot(`${REG}/solo/app`) ? undefined : true));
  });

  it('lists the merged tags of both sides, newest first; only-in-new needs no request', async () => {
    const root = await rootFor(OLD, NEW);
    const nodes = await children(root);
    assert.deepStrictEqual(labels(nodes), ALL_TAGS);
    assert.deepStrictEqual(tagsOf(nodes).map((n) => [n.tag, n.state]), ALL_TAGS.map((t) => [t, t === '3.0.0' ? 'only-in-new' : 'unverified']));
    assert.match(String(api.provider.getTreeItem(await tag(root, '2.0.0')).description), /not yet verified · in use/);
  });

  it('pages tags lazily with "Load more…" through a registry that pages (4 per page)', async () => {
    const proxy = await startRegistryProxy(REG, { paging: { size: 4 } });
    proxies.push(proxy);
    await pin([`${proxy.host}/${OLD_PATH} -> ${proxy.host}/${NEW_PATH}`]);
    const root = await rootFor(`${proxy.host}/${OLD_PATH}`, `${proxy.host}/${NEW_PATH}`);
    const tagRequests = () => proxy.requests.filter((r) => r.url.includes('/tags/list')).length;
    const steps: { tags: string[]; more: boolean; requests: number }[] = [
      { tags: ['1.10.0', '1.2.0', '1.1.0', '1.0.0'], more: true, requests: 2 },
      { tags: ALL_TAGS, more: true, requests: 4 },
      { tags: ALL_TAGS, more: false, requests: 5 }, // the new side's second page had no Link: done
    ];
    let nodes = await children(root);
    for (const [i, s] of steps.entries()) {
      assert.deepStrictEqual(labels(tagsOf(nodes)), s.tags, `step ${i}`);
      assert.strictEqual(tagRequests(), s.requests, `step ${i}: one page per side per step`);
      const more = nodes.find((n): n is MoreNode => n.kind === 'more');
      assert.strictEqual(!!more, s.more, `step ${i}: "Load more…" shown`);
      if (more) {
        assert.strictEqual(api.provider.getTreeItem(more).label, 'Load more…');
        await vscode.commands.executeCommand(C + 'loadMore', more);
        nodes = await children(root);
      }
    }
  });

  it('filters tags (substring or /regex/) and shows the filter in the view description', async () => {
    const root = await rootFor(OLD, NEW);
    const cases: { filter: string; tags: string[] }[] = [
      { filter: '/^2\\./', tags: ['2.2.0', '2.1.0', '2.0.1', '2.0.0'] },
      { filter: 'LATE', tags: ['latest'] },
      { filter: '1.1', tags: ['1.10.0', '1.1.0'] },
      { filter: 'nothing-like-this', tags: [] },
    ];
    for (const c of cases) {
      await vscode.commands.executeCommand(C + 'filter', c.filter);
      assert.strictEqual(api.view.description, `filter: ${c.filter}`);
      const nodes = await children(root);
      assert.deepStrictEqual(labels(tagsOf(nodes)), c.tags, c.filter);
      if (!c.tags.length) assert.match(labels(nodes).join(), /No loaded tags match/);
    }
    await vscode.commands.executeCommand(C + 'clearFilter');
    assert.strictEqual(api.view.description, undefined);
    assert.deepStrictEqual(labels(tagsOf(await children(root))), ALL_TAGS);
  });

  it('Verify All matches the seeded truth, updating tag nodes in batches (no whole-tree refresh)', async () => {
    const root = await rootFor(OLD, NEW);
    await children(root);
    const before = { ...api.provider.stats };
    const reports = await vscode.commands.executeCommand<VerifyReport[]>(C + 'verifyAll', { roots: [root.id], silent: true });
    assert.strictEqual(reports.length, 1);
    assert.deepStrictEqual(
      Object.fromEntries(tagsOf(await children(root)).map((n) => [n.tag, n.state])),
      TRUTH,
    );
    assert.strictEqual(api.provider.stats.treeRefreshes, before.treeRefreshes, 'results refresh their nodes, never the whole tree');
    assert.ok(api.provider.stats.refreshEvents - before.refreshEvents < Object.keys(TRUTH).length, `batched: ${api.provider.stats.refreshEvents - before.refreshEvents} events for ${Object.keys(TRUTH).length} results`);
    const s = reports[0].summary;
    assert.deepStrictEqual([s.identical, s.missing, s.different, s.onlyInNew, s.error], [5, 2, 2, 1, 0]);

    const different = api.provider.getTreeItem(await tag(root, '2.2.0'));
    const tooltip = (different.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /linux\/arm64\/v8 \| `[0-9a-f]{12}` \| `[0-9a-f]{12}` \| different/);
    assert.match(tooltip, /application\/vnd\.oci\.image\.index\.v1\+json/);
    assert.match(String(different.description), /^[0-9a-f]{12} · different$/);
    assert.deepStrictEqual((different.iconPath as vscode.ThemeIcon).id, 'diff');

    const md = await vscode.commands.executeCommand<string>(C + 'exportReport');
    assert.match(md, /\| `2\.0\.0` \| missing \| `[0-9a-f]{12}` \| — \|/);
    assert.match(md, new RegExp(`\\*\\*Registry parity\\*\\* \`${OLD.replace(/\./g, '\\.')}\` → `));
  });

  it('Verify Tag compares one tag and lists per-platform digests of an identical index', async () => {
    const root = await rootFor(OLD, NEW);
    const node = await tag(root, '1.2.0');
    await vscode.commands.executeCommand(C + 'verifyTag', node);
    assert.strictEqual(node.state, 'identical');
    const tooltip = (api.provider.getTreeItem(node).tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /linux\/amd64 \| `([0-9a-f]{12})` \| `\1` \| identical/);
  });

  it('Copy Reference and Copy Pinned Reference put the exact reference on the clipboard', async () => {
    const root = await rootFor(OLD, NEW);
    const identical = await tag(root, '1.0.0');
    const missing = await tag(root, '2.0.0');
    const cases: { name: string; command: string; args: unknown[]; expected: string }[] = [
      { name: 'a tag at the new home', command: 'copyReference', args: [identical], expected: `${NEW}:1.0.0` },
      { name: 'a tag missing at new: the old home', command: 'copyReference', args: [missing], expected: `${OLD}:2.0.0` },
      { name: 'pinned, with the tag', command: 'copyPinnedReference', args: [identical], expected: `${NEW}:1.0.0@${identical.parity?.new?.digest}` },
      { name: 'pinned, digest only', command: 'copyPinnedReference', args: [missing, false], expected: `${OLD}@${missing.parity?.old?.digest}` },
      { name: 'crane command for a missing tag', command: 'copyCopyCommand', args: [missing, 'crane'], expected: `crane copy --insecure ${OLD}:2.0.0 ${NEW}:2.0.0` },
      { name: 'skopeo command for a missing tag', command: 'copyCopyCommand', args: [missing, 'skopeo'], expected: `skopeo copy --all --src-tls-verify=false --dest-tls-verify=false docker://${OLD}:2.0.0 docker://${NEW}:2.0.0` },
    ];
    for (const c of cases) {
      await vscode.env.clipboard.writeText('');
      await vscode.commands.executeCommand(C + c.command, ...c.args);
      assert.strictEqual(await vscode.env.clipboard.readText(), c.expected, c.name);
    }
    assert.match(String(identical.parity?.new?.digest), /^sha256:[0-9a-f]{64}$/);
  });

  it('an unauthorized registry shows a Sign In node; after signing in the tags load', async () => {
    await pin([`${AUTH}/${PRIVATE_PATH}`]);
    const root = await rootFor(`${AUTH}/${PRIVATE_PATH}`);
    const [err] = await children(root);
    assert.strictEqual(err.kind, 'message');
    const e = err as MessageNode;
    assert.deepStrictEqual([e.severity, e.actions, e.host], ['error', ['retry', 'signIn'], AUTH]);
    const item = api.provider.getTreeItem(e);
    assert.strictEqual(item.label, `${AUTH} needs sign-in`);
    assert.strictEqual(item.command?.command, C + 'signIn');
    assert.strictEqual(item.contextValue, 'error;retry;signIn');

    assert.strictEqual(await vscode.commands.executeCommand(C + 'signIn', { host: AUTH, username: AUTH_USER, password: AUTH_PASSWORD }), true);
    assert.deepStrictEqual(tagsOf(await children(root)).map((t) => t.tag), [...PRIVATE_TAGS].reverse());
  });

  it('registry failures become nodes with Retry: rate limit (with its reset time), unreachable, 404', async () => {
    let fault: Fault | undefined = { kind: 'status', status: 429, headers: { 'retry-after': '3600' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' };
    const proxy = await startRegistryProxy(REG, { fault: () => fault });
    proxies.push(proxy);
    await pin([`${proxy.host}/${OLD_PATH}`, '127.0.0.1:1/nothing/here', `${REG}/no/such/repo`]);
    const cases: { repo: string; label: RegExp; detail: RegExp }[] = [
      { repo: `${proxy.host}/${OLD_PATH}`, label: /rate limit reached$/, detail: /^resets at / },
      { repo: '127.0.0.1:1/nothing/here', label: /^127\.0\.0\.1:1 unreachable$/, detail: /network/ },
      { repo: `${REG}/no/such/repo`, label: /no\/such\/repo not found$/, detail: /404/ },
    ];
    for (const c of cases) {
      const root = await rootFor(c.repo);
      const nodes = await children(root);
      assert.strictEqual(nodes.length, 1, c.repo);
      const item = api.provider.getTreeItem(nodes[0]);
      assert.match(String(item.label), c.label);
      assert.match(String(item.description), c.detail);
      assert.strictEqual(item.contextValue, 'error;retry');
    }
    // The limit is over: Retry loads the tags.
    fault = undefined;
    const limited = await rootFor(`${proxy.host}/${OLD_PATH}`);
    const [errNode] = await children(limited);
    await vscode.commands.executeCommand(C + 'retry', errNode);
    assert.strictEqual(tagsOf(await children(limited)).length, ALL_TAGS.length - 1);
  });

  it('"Show in Tag Explorer" from a deprecated reference reveals the pair and the tag', async () => {
    await pin([]);
    const uri = wsUri(FILE);
    const [d] = await diagnosticsCount(uri, 1);
    const action = (await codeActions(uri, d.range)).find((a) => a.title === 'Show in Tag Explorer');
    assert.ok(action?.command, 'offered as a quick fix');
    assert.deepStrictEqual(action.command.arguments, [OLD, NEW, '2.0.0']);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, d.range.start.translate(0, 2));
    const links = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(links, /command:registryMigrator\.showInTagExplorer\?/);

    const node = await vscode.commands.executeCommand<ExplorerNode>(action.command.command, ...action.command.arguments);
    assert.ok(node?.kind === 'tag' && node.tag === '2.0.0');
    await waitFor('the tag to be selected', () => (api.view.selection[0] === node ? true : undefined));
    assert.ok(api.view.visible);
    // The README picture: the sidebar with identical, missing, different and only-in-new tags.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.window.showTextDocument(uri, { preview: false });
    await vscode.commands.executeCommand('registryMigrator.tagExplorer.focus');
    // RM_README_SCREENSHOT=1 refreshes the README's copy; otherwise it lands in test-results/.
    const saved = await screenshot('tagExplorer.png', '2.2.0', process.env.RM_README_SCREENSHOT ? 'media/tagExplorer.png' : undefined);
    if (process.env.RM_SCREENSHOT_URL) assert.ok(saved, 'the harness saved the screenshot');
  });
});
