import * as vscode from 'vscode';
import { type RegistryClient, RegistryError, type Repository, type TagCopyResult, type TagParity, formatRepository, isIndexMediaType, parsePlatforms, parseRepository, sortTags } from '../../core/registry/index';
import { compareTag } from '../../core/registry/verifyRepositories';
import { Disposable } from '../disposable';
import type { FindingsStore } from '../findingsStore';
import type { VerificationStore } from '../../core/verify/index';
import { SECTION } from '../settings';
import { parsePinnedEntry, rateLimitReset, tagFilter } from './imageLinks';
import type { RegistryAccess } from './registryAccess';
import { type ExplorerNode, type MessageNode, type MoreNode, type RootNode, type TagNode, shortNames, toTreeItem } from './tagNodes';
import { escapeRegExp } from '../../core/text/escapeRegExp';

/** Tags shown per "Load more…", and the `n` asked of the registry per page. */
export const PAGE_SIZE = 100;
/** Pages fetched at most per expansion while a filter finds nothing (then "Load more…" asks again). */
const MAX_PAGES_PER_LOAD = 10;
/** Verify results are applied to the tree at most this often: one refresh per batch, not per tag. */
const FLUSH_MS = 100;

interface Side {
  repo: Repository;
  pages: AsyncGenerator<string[], void, undefined> | undefined;
  done: boolean;
  /** The page just read was the last one (RegistryClient.tagPages' onPage). */
  lastPage?: boolean;
  error?: RegistryError;
}

interface RootState {
  old: Side;
  new?: Side;
  nodes: Map<string, TagNode>;
  sorted: TagNode[] | undefined;
  window: number;
  /** Set once the first page arrived (or failed). */
  loaded: boolean;
  loading: Promise<void> | undefined;
  more: MoreNode;
}

export const REPOSITORIES_SETTING = 'repositories';

/**
 * The Tag Explorer's data: roots from the workspace's findings (one per old → new pair)
 * and from `registryMigrator.repositories`; tags loaded lazily a page at a time, merged
 * across both sides, newest first (sortTags), filtered; parity applied as results arrive.
 */
export class TagExplorerProvider extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ExplorerNode | ExplorerNode[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private roots = new Map<string, RootNode>();
  private rootMessages: MessageNode[] = [];
  private rootsComputed = false;
  private readonly states = new Map<string, RootState>();
  private filterText = '';
  private matches: ((tag: string) => boolean) | undefined;
  private readonly dirty = new Set<ExplorerNode>();
  private flushTimer: NodeJS.Timeout | undefined;
  private rootsTimer: NodeJS.Timeout | undefined;
  /** Counts what a refresh costs, for the benchmark and tests: element refreshes vs whole-tree ones. */
  readonly stats = { elementRefreshes: 0, treeRefreshes: 0, refreshEvents: 0 };

  constructor(private readonly store: FindingsStore, private readonly access: RegistryAccess, private readonly results?: VerificationStore) {
    super();
    this._register(store.onDidChangeFindings(() => this.scheduleRoots()));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.${REPOSITORIES_SETTING}`)) this.scheduleRoots(0);
    }));
    this._register({ dispose: () => {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      if (this.rootsTimer) clearTimeout(this.rootsTimer);
    } });
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string | undefined): void {
    this.filterText = text?.trim() ?? '';
    this.matches = tagFilter(this.filterText);
    for (const st of this.states.values()) st.window = PAGE_SIZE;
    this.fire(undefined);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.kind === 'root' ? undefined : node.root;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      if (!this.rootsComputed) this.computeRoots();
      return [...this.roots.values(), ...this.rootMessages];
    }
    if (node.kind !== 'root') return [];
    const st = this.stateFor(node);
    if (!st.loaded) await this.load(st);
    return this.childrenOf(node, st);
  }

  /** Every root, computed if needed (the API for tests and commands). */
  rootNodes(): RootNode[] {
    if (!this.rootsComputed) this.computeRoots();
    return [...this.roots.values()];
  }

  findRoot(oldName: string, newName?: string): RootNode | undefined {
    return this.rootNodes().find((r) => formatRepository(r.old) === oldName && (newName === undefined || (r.new && formatRepository(r.new) === newName)));
  }

  /** Forgets every loaded tag and recomputes the roots. */
  refresh(): void {
    this.states.clear();
    this.computeRoots();
    this.fire(undefined);
  }

  /** Forgets one root's tags (Retry, or after signing in) and shows it loading again. */
  retry(root: RootNode): void {
    this.states.delete(root.id);
    this.fire(root);
  }

  /** Retries every root on `host` (after signing in to it). */
  retryHost(host: string): void {
    for (const r of this.roots.values()) if (r.old.host === host || r.new?.host === host) this.retry(r);
  }

  /** Shows another page of tags, fetching from the registries when the loaded ones run out. */
  async loadMore(root: RootNode): Promise<void> {
    const st = this.stateFor(root);
    const shown = Math.min(st.window, this.visible(st).length);
    // Tags already fetched but not shown (a registry that ignores `n` sends 3,000 at once) come
    // first; only then is the next page asked for.
    if (this.visible(st).length <= st.window) await this.load(st);
    st.window = shown + PAGE_SIZE;
    this.fire(root);
  }

  /** The tag's node, loading pages until it appears (for "Show in Tag Explorer"). */
  async findTag(root: RootNode, tag: string, maxPages = 50): Promise<TagNode | undefined> {
    const st = this.stateFor(root);
    for (let i = 0; i < maxPages && !st.nodes.has(tag) && this.hasMore(st); i++) await this.loadPages(st);
    const node = st.nodes.get(tag);
    if (!node) return undefined;
    const index = this.visible(st).indexOf(node);
    if (index >= st.window) {
      st.window = Math.ceil((index + 1) / PAGE_SIZE) * PAGE_SIZE;
      this.fire(root);
    }
    return node;
  }

  /** The currently loaded tag nodes of a root, newest first, filter applied. */
  loadedTags(root: RootNode): TagNode[] {
    return this.visible(this.stateFor(root));
  }

  /** The filter as a RegExp, for Verify All (verifyRepositories takes one). */
  filterRegExp(): RegExp | undefined {
    const t = this.filterText;
    if (!t) return undefined;
    const m = /^\/(.+)\/(i?)$/.exec(t);
    if (m) {
      try {
        return new RegExp(m[1], m[2]);
      } catch {
        /* plain text below */
      }
    }
    return new RegExp(escapeRegExp(t), 'i');
  }

  /** Marks a tag as being verified (spinner icon). */
  markVerifying(root: RootNode, tags: Iterable<string>): void {
    const st = this.stateFor(root);
    for (const t of tags) {
      const n = st.nodes.get(t);
      if (n && n.state !== 'verifying') {
        n.state = 'verifying';
        this.markDirty(n);
      }
    }
  }

  /** Ends a verify run: tags it never answered for (cancelled, gone from the listing) lose their spinner. */
  endVerifying(root: RootNode): void {
    for (const n of this.stateFor(root).nodes.values()) {
      if (n.state !== 'verifying') continue;
      n.state = n.parity ? n.parity.status : 'unverified';
      this.markDirty(n);
    }
  }

  /** Applies one verify result; the tree hears about it in the next batch. */
  applyResult(root: RootNode, r: TagParity): void {
    if (r.status === 'error' && r.cause?.code === 'aborted') {
      const n = this.stateFor(root).nodes.get(r.tag);
      if (n && n.state === 'verifying') {
        n.state = n.parity ? n.parity.status : 'unverified';
        this.markDirty(n);
      }
      return;
    }
    const st = this.stateFor(root);
    let n = st.nodes.get(r.tag);
    const inOld = r.status !== 'only-in-new';
    const inNew = r.status === 'identical' || r.status === 'different' || r.status === 'only-in-new';
    if (!n) {
      n = this.addTag(st, root, r.tag, inOld, inNew);
      this.markDirty(root);
    }
    if (r.status !== 'error') {
      n.inOld = inOld;
      n.inNew = inNew;
    }
    n.parity = r;
    n.state = r.status;
    this.share(root, r);
    this.markDirty(n);
  }

  /** Into the session's shared results: the editor's diagnostics and hovers show them. */
  private share(root: RootNode, r: TagParity): void {
    // An aborted check says nothing about the tag: keep what was known.
    if (!root.new || (r.status === 'error' && r.cause?.code === 'aborted')) return;
    this.results?.recordTagParity(formatRepository(root.old), formatRepository(root.new), r);
  }

  /**
   * Applies one tag's copy result as the verify result it proves: copied, replaced or already
   * there (re-resolved at the destination with the source's digest) → identical; left alone
   * because the destination has another digest → different. Failures leave the node as it
   * was (still missing): the copy's summary and the output channel say why.
   */
  applyCopyResult(root: RootNode, r: TagCopyResult): void {
    if (r.referrerOf) return; // signature/SBOM tags: shown only if the listing shows them
    let parity: TagParity | undefined;
    if ((r.action === 'copied' || r.action === 'replaced' || r.action === 'identical') && r.source && r.after) {
      parity = { tag: r.tag, status: 'identical', old: r.source, new: r.after, platforms: [] };
    } else if (r.action === 'conflict' && r.source && r.before) {
      parity = { tag: r.tag, status: 'different', old: r.source, new: r.before, platforms: [] };
    }
    if (!parity) return;
    // A Verify All result saying the same keeps its per-platform rows.
    const p = this.stateFor(root).nodes.get(r.tag)?.parity;
    if (p && p.status === parity.status && p.old?.digest === parity.old?.digest && p.new?.digest === parity.new?.digest) return;
    this.applyResult(root, parity);
  }

  /**
   * After a Verify All listed every tag: the root's tags are complete, and a listing failure
   * becomes that side's error node.
   */
  completeListing(root: RootNode, listingError?: { side: 'old' | 'new'; code: string; message: string }, newMissing?: boolean): void {
    const st = this.stateFor(root);
    st.loaded = true;
    for (const side of [st.old, st.new]) {
      if (!side) continue;
      side.done = true;
      side.pages = undefined;
      side.error = undefined;
    }
    if (listingError) {
      const side = listingError.side === 'old' ? st.old : st.new;
      if (side) side.error = new RegistryError(listingError.code as RegistryError['code'], listingError.message);
    }
    if (newMissing && st.new) st.new.error = new RegistryError('repository-not-found', `${formatRepository(st.new.repo)}: 404 NAME_UNKNOWN`, 404);
    this.markDirty(root);
  }

  /** Verify Tag: compares one tag on both sides (or resolves it on a single repository). */
  async verifyTag(node: TagNode, client: RegistryClient): Promise<void> {
    node.state = 'verifying';
    this.fire(node);
    const root = node.root;
    try {
      if (!root.new) {
        const r = await client.resolve(root.old, node.tag);
        if (r.ok) {
          node.digest = r.value.digest;
          node.mediaType = r.value.mediaType;
          node.platforms = r.value.platforms ? { old: r.value.platforms } : undefined;
          node.state = 'resolved';
        } else {
          node.parity = { tag: node.tag, status: 'error', old: null, new: null, platforms: [], cause: { code: r.error.code, message: r.error.message } };
          node.state = 'error';
        }
      } else {
        // Both sides afresh: what the listing said is stale as soon as someone copies a tag
        // (skopeo, crane, CI), so the cached inOld/inNew are not trusted here.
        let r = await compareTag(client, root.old, root.new, node.tag, true, true);
        // compareTag reports a tag the old side does not have as an error; ask again knowing that.
        if (r.status === 'error' && r.cause?.code === 'manifest-not-found' && !r.old) r = await compareTag(client, root.old, root.new, node.tag, false, true);
        if (r.status !== 'error') {
          node.inOld = r.status !== 'only-in-new';
          node.inNew = r.status !== 'missing';
        }
        node.parity = r;
        node.state = r.status;
        this.share(root, r);
        // The tooltip lists per-platform digests; an identical index has no comparison rows, so read them.
        node.platforms = {};
        for (const side of ['old', 'new'] as const) {
          const d = r[side];
          if (d && isIndexMediaType(d.mediaType)) {
            const m = await client.getManifest(side === 'old' ? root.old : root.new, d.digest);
            if (m.ok) node.platforms[side] = parsePlatforms(m.value.bytes);
          }
        }
      }
    } catch (e) {
      node.state = 'error';
      node.parity = { tag: node.tag, status: 'error', old: null, new: null, platforms: [], cause: { code: e instanceof RegistryError ? e.code : 'bad-response', message: e instanceof Error ? e.message : String(e) } };
    }
    this.fire(node);
  }

  private stateFor(root: RootNode): RootState {
    let st = this.states.get(root.id);
    if (!st) {
      const side = (repo: Repository): Side => ({ repo, pages: undefined, done: false });
      st = { old: side(root.old), new: root.new && side(root.new), nodes: new Map(), sorted: undefined, window: PAGE_SIZE, loaded: false, loading: undefined, more: { kind: 'more', id: `${root.id}#more`, root, detail: '' } };
      this.states.set(root.id, st);
    }
    return st;
  }

  private hasMore(st: RootState): boolean {
    return [st.old, st.new].some((s) => s && !s.done && !s.error);
  }

  /**
   * Fetches the next page of each side; while a filter hides everything new, a few more
   * (at most MAX_PAGES_PER_LOAD), so "Load more…" under a filter does not come back empty.
   */
  private async load(st: RootState): Promise<void> {
    const before = this.visible(st).length;
    for (let i = 0; i < MAX_PAGES_PER_LOAD && this.hasMore(st); i++) {
      await this.loadPages(st);
      if (!this.matches || this.visible(st).length > before) break;
    }
    st.loaded = true;
  }

  /** One page from each side that has more, in parallel; concurrent callers share it. */
  private loadPages(st: RootState): Promise<void> {
    st.loading ??= (async () => {
      const client = this.access.client;
      const root = st.more.root;
      const one = async (side: Side | undefined, isOld: boolean) => {
        if (!side || side.done || side.error) return;
        try {
          side.pages ??= client.tagPages(side.repo, { pageSize: PAGE_SIZE, onPage: (p) => (side.lastPage = p.last) });
          const r = await side.pages.next();
          if (r.done || side.lastPage) {
            // Known without another request: "Load more…" goes away with the last page.
            side.done = true;
            side.pages = undefined;
          }
          if (r.done) return;
          for (const tag of r.value) {
            const n = st.nodes.get(tag);
            if (n) {
              if (isOld) n.inOld = true;
              else n.inNew = true;
            } else this.addTag(st, root, tag, isOld, !isOld);
          }
        } catch (e) {
          side.error = e instanceof RegistryError ? e : new RegistryError('bad-response', e instanceof Error ? e.message : String(e));
          side.pages = undefined;
        }
      };
      await Promise.all([one(st.old, true), one(st.new, false)]);
      // With both listings complete, a tag only the new side lists needs no request to classify.
      if (st.new && st.old.done && st.new.done) {
        for (const n of st.nodes.values()) if (!n.inOld && n.state === 'unverified') n.state = 'only-in-new';
      }
    })().finally(() => (st.loading = undefined));
    return st.loading;
  }

  private addTag(st: RootState, root: RootNode, tag: string, inOld: boolean, inNew: boolean): TagNode {
    const n: TagNode = { kind: 'tag', id: `${root.id}#tag:${tag}`, root, tag, inOld, inNew, state: 'unverified' };
    st.nodes.set(tag, n);
    st.sorted = undefined;
    return n;
  }

  private visible(st: RootState): TagNode[] {
    // sortTags parses each tag once; a comparator calling compareTags parsed both every time.
    st.sorted ??= sortTags(st.nodes.keys()).map((t) => st.nodes.get(t)!);
    const m = this.matches;
    return m ? st.sorted.filter((n) => m(n.tag)) : st.sorted;
  }

  private childrenOf(root: RootNode, st: RootState): ExplorerNode[] {
    const out: ExplorerNode[] = [];
    for (const [side, isOld] of [[st.old, true], [st.new, false]] as const) {
      if (side?.error) out.push(this.errorNode(root, side, isOld));
    }
    const visible = this.visible(st);
    out.push(...visible.slice(0, st.window));
    const more = this.hasMore(st);
    if (visible.length > st.window || (more && visible.length > 0) || (more && this.matches)) {
      st.more.detail = `${Math.min(st.window, visible.length)} of ${visible.length}${more ? '+' : ''} tags shown`;
      out.push(st.more);
    }
    if (!visible.length && !out.some((n) => n.kind === 'message' && n.severity === 'error')) {
      out.unshift({ kind: 'message', id: `${root.id}#empty`, root, severity: 'info', label: this.filterText ? `No loaded tags match “${this.filterText}”` : 'No tags', actions: [] });
    }
    return out;
  }

  private errorNode(root: RootNode, side: Side, isOld: boolean): MessageNode {
    const e = side.error!;
    const host = side.repo.host;
    const id = `${root.id}#error:${isOld ? 'old' : 'new'}`;
    const where = root.new ? (isOld ? 'old: ' : 'new: ') : '';
    const base = { kind: 'message' as const, id, root, host, tooltip: e.message };
    switch (e.code) {
      case 'unauthorized':
      case 'forbidden':
        return { ...base, severity: 'error', label: `${where}${host} needs sign-in`, detail: `${e.status ?? ''} ${e.code}`.trim(), actions: ['retry', 'signIn'] };
      case 'rate-limited': {
        const reset = rateLimitReset(e.message);
        return { ...base, severity: 'error', label: `${where}${host} rate limit reached`, detail: reset ? `resets at ${reset.toLocaleTimeString()}` : 'try again later', tooltip: `${e.message}${reset ? `\n\nThe limit resets at ${reset.toLocaleString()}.` : ''}`, actions: ['retry'] };
      }
      case 'repository-not-found':
        if (!isOld) return { ...base, severity: 'info', label: `${formatRepository(side.repo)} does not exist yet`, detail: 'every tag is missing at new', actions: ['retry'] };
        return { ...base, severity: 'error', label: `${where}${formatRepository(side.repo)} not found`, detail: '404', actions: ['retry'] };
      case 'network':
      case 'timeout':
      case 'connection-reset':
        return { ...base, severity: 'error', label: `${where}${host} unreachable`, detail: e.code, actions: ['retry'] };
      default:
        return { ...base, severity: 'error', label: `${where}${e.message}`, detail: e.code, actions: ['retry'] };
    }
  }

  private scheduleRoots(delayMs = 300): void {
    if (this.rootsTimer) clearTimeout(this.rootsTimer);
    this.rootsTimer = setTimeout(() => {
      this.rootsTimer = undefined;
      if (this.computeRoots()) this.fire(undefined);
    }, delayMs);
  }

  /** Rebuilds the roots, keeping the node objects (and their loaded tags) of pairs that stay. Returns whether anything shown changed. */
  private computeRoots(): boolean {
    const before = JSON.stringify([...this.roots.values()].map((r) => [r.id, r.references, r.ruleIds, [...r.tagsInUse], r.shortName]).concat(this.rootMessages.map((m) => [m.id, m.label])));
    const next = new Map<string, RootNode>();
    const fresh = (id: string, init: () => RootNode): RootNode => {
      const existing = next.get(id) ?? this.roots.get(id);
      const r = existing ?? init();
      if (!next.has(id)) {
        r.references = 0;
        r.ruleIds = [];
        r.tagsInUse = new Set();
        next.set(id, r);
      }
      return r;
    };
    const workspace: RootNode[] = [];
    for (const findings of this.store.allFindings()) {
      for (const f of findings) {
        if (!f.newName) continue;
        const o = parseRepository(f.oldName);
        const n = parseRepository(f.newName);
        if (!o.ok || !n.ok) continue;
        const id = `${f.oldName}→${f.newName}`;
        const r = fresh(id, () => ({ kind: 'root', id, old: o.value, new: n.value, origin: 'workspace', ruleIds: [], references: 0, tagsInUse: new Set() }));
        if (!workspace.includes(r)) workspace.push(r);
        r.references++;
        if (!r.ruleIds.includes(f.rule.id)) r.ruleIds.push(f.rule.id);
        if (f.mention.ref?.tag) r.tagsInUse.add(f.mention.ref.tag);
      }
    }
    workspace.sort((a, b) => (a.id < b.id ? -1 : 1));
    const messages: MessageNode[] = [];
    const entries = vscode.workspace.getConfiguration(SECTION).get<unknown>(REPOSITORIES_SETTING);
    for (const entry of Array.isArray(entries) ? entries : []) {
      if (typeof entry !== 'string') continue;
      const p = parsePinnedEntry(entry);
      if (!p.ok) {
        messages.push({ kind: 'message', id: `pinned-error:${entry}`, severity: 'error', label: `registryMigrator.repositories: “${entry}”`, detail: p.message, tooltip: p.message, actions: [] });
        continue;
      }
      const id = p.value.new ? `${formatRepository(p.value.old)}→${formatRepository(p.value.new)}` : formatRepository(p.value.old);
      if (next.has(id)) continue; // already a workspace pair
      const r = fresh(id, () => ({ kind: 'root', id, old: p.value.old, new: p.value.new, origin: 'pinned', ruleIds: [], references: 0, tagsInUse: new Set() }));
      r.origin = 'pinned';
      r.pinnedEntry = entry;
    }
    for (const r of workspace) r.origin = 'workspace';
    for (const id of this.states.keys()) if (!next.has(id)) this.states.delete(id);
    this.roots = new Map([...workspace.map((r) => [r.id, r] as const), ...[...next].filter(([, r]) => r.origin === 'pinned')]);
    for (const [r, name] of shortNames([...this.roots.values()])) r.shortName = name;
    this.rootMessages = messages;
    this.rootsComputed = true;
    void vscode.commands.executeCommand('setContext', 'registryMigrator.tagExplorer.empty', this.roots.size === 0 && messages.length === 0);
    const after = JSON.stringify([...this.roots.values()].map((r) => [r.id, r.references, r.ruleIds, [...r.tagsInUse], r.shortName]).concat(this.rootMessages.map((m) => [m.id, m.label])));
    return before !== after;
  }

  private markDirty(node: ExplorerNode): void {
    this.dirty.add(node);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Applies the pending updates: one event with the changed nodes (their roots when tags were added). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.dirty.size) return;
    const roots = new Set([...this.dirty].filter((n): n is RootNode => n.kind === 'root'));
    // A root refresh re-renders its children anyway: leave out tags of the same root.
    const nodes = [...this.dirty].filter((n) => n.kind === 'root' || !roots.has(n.root!));
    this.dirty.clear();
    this.fire(nodes);
  }

  private fire(nodes: ExplorerNode | ExplorerNode[] | undefined): void {
    this.stats.refreshEvents++;
    if (nodes === undefined) this.stats.treeRefreshes++;
    else this.stats.elementRefreshes += Array.isArray(nodes) ? nodes.length : 1;
    this.changed.fire(nodes);
  }
}
