import * as vscode from 'vscode';
import { renderVerifyMarkdown } from '../../core/registry/verifyReportFormat';
import { type VerifyReport, formatRepository, verifyRepositories } from '../../core/registry/index';
import { Disposable } from '../disposable';
import type { FindingsStore } from '../findingsStore';
import type { VerificationStore } from '../../core/verify/index';
import { SECTION } from '../settings';
import { type CopyMissingOptions, type CopyMissingOutcome, CopyMissing } from './copyMissing';
import { EditorLinks } from './editorLinks';
import { type CopyTool, browserUrl, copyCommand, parsePinnedEntry, pinnedReference, tagReference } from './imageLinks';
import { RegistryAccess } from './registryAccess';
import { REPOSITORIES_SETTING, TagExplorerProvider } from './tagExplorerProvider';
import { CMD, type ExplorerNode, type MessageNode, type MoreNode, type RootNode, type TagNode, VIEW_ID, digestOf, preferredSide, rootLabel } from './tagNodes';

/** What the extension's API exposes for tests and the benchmark: the tree's public surfaces. */
export interface TagExplorerApi {
  provider: TagExplorerProvider;
  view: vscode.TreeView<ExplorerNode>;
  access: RegistryAccess;
}

export interface VerifyAllOptions {
  /** Only these roots (ids); default every pair. */
  roots?: string[];
  /** No summary message (tests and the benchmark read the returned reports). */
  silent?: boolean;
}

export interface SignInArgs {
  host?: string;
  username?: string;
  password?: string;
}

const STATUS_MS = 2500;
const COPY_CHOICE = 'Copy Missing Tags…';

/** The Tag Explorer view, its commands, and its links from the editor. */
export class TagExplorer extends Disposable {
  readonly access: RegistryAccess;
  readonly provider: TagExplorerProvider;
  readonly view: vscode.TreeView<ExplorerNode>;
  private lastReports: VerifyReport[] = [];
  private readonly copier: CopyMissing;

  constructor(context: vscode.ExtensionContext, store: FindingsStore, private readonly log: vscode.LogOutputChannel, results?: VerificationStore) {
    super();
    this.access = this._register(new RegistryAccess(context.secrets, log));
    this.provider = this._register(new TagExplorerProvider(store, this.access, results));
    this.view = this._register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true }));
    this._register(new EditorLinks(store));
    this.copier = new CopyMissing(this.provider, this.access, log);
    const reg = (id: string, f: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, f));
    reg(CMD.refresh, () => this.provider.refresh());
    reg(CMD.verifyAll, (opts?: VerifyAllOptions) => this.verifyAll(opts));
    reg(CMD.filter, (text?: string) => this.filter(text));
    reg(CMD.clearFilter, () => this.filter(''));
    reg(CMD.signIn, (arg?: MessageNode | RootNode | SignInArgs) => this.signIn(arg));
    reg(CMD.signOut, (host?: string) => this.signOut(host));
    reg(CMD.addRepository, (text?: string) => this.addRepository(text));
    reg(CMD.removeRepository, (root: RootNode) => this.removeRepository(root));
    reg(CMD.loadMore, (node: MoreNode) => this.provider.loadMore(node.root));
    reg(CMD.retry, (node: MessageNode | RootNode) => (node.kind === 'root' ? this.provider.retry(node) : node.root ? this.provider.retry(node.root) : this.provider.refresh()));
    reg(CMD.verifyTag, (node: TagNode) => this.provider.verifyTag(node, this.access.client));
    reg(CMD.copyReference, (node: TagNode) => this.copy(tagReference(preferredSide(node), node.tag)));
    reg(CMD.copyPinnedReference, (node: TagNode, keepTag?: boolean) => this.copyPinned(node, keepTag));
    reg(CMD.copyCopyCommand, (node: TagNode, tool?: CopyTool) => this.copyCopyCommand(node, tool));
    reg(CMD.openInBrowser, (node: TagNode | RootNode) => this.openInBrowser(node));
    reg(CMD.showInTagExplorer, (oldName: string, newName?: string, tag?: string, pin?: boolean) => this.show(oldName, newName, tag, pin));
    reg('registryMigrator.tagExplorer.exportReport', () => this.exportReport());
    reg(CMD.copyMissing, (arg?: RootNode | CopyMissingOptions, opts?: CopyMissingOptions) => this.copyMissing(arg, opts));
  }

  get api(): TagExplorerApi {
    return { provider: this.provider, view: this.view, access: this.access };
  }

  private async copy(text: string): Promise<string> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${text}`, STATUS_MS);
    return text;
  }

  private async copyPinned(node: TagNode, keepTag = true): Promise<string | undefined> {
    const side = node.root.new && node.inNew ? 'new' : 'old';
    const repo = preferredSide(node);
    let digest = digestOf(node, side);
    if (!digest) {
      const r = await this.access.client.headManifest(repo, node.tag);
      if (!r.ok) {
        void vscode.window.showWarningMessage(`Could not resolve ${tagReference(repo, node.tag)}: ${r.error.message}`);
        return undefined;
      }
      digest = r.value.digest;
    }
    return this.copy(pinnedReference(repo, node.tag, digest, keepTag));
  }

  private async copyCopyCommand(node: TagNode, tool?: CopyTool): Promise<string | undefined> {
    const root = node.root;
    if (!root.new) return undefined;
    if (!tool) {
      const tools: CopyTool[] = ['crane', 'skopeo', 'registry-migrator'];
      const pick = await vscode.window.showQuickPick(tools.map((t) => ({ label: t, description: copyCommand(t, root.old, root.new!, node.tag), tool: t })), { title: `Copy ${node.tag} to ${formatRepository(root.new)}` });
      if (!pick) return undefined;
      tool = pick.tool;
    }
    return this.copy(copyCommand(tool, root.old, root.new, node.tag));
  }

  private async openInBrowser(node: TagNode | RootNode): Promise<void> {
    const url = node.kind === 'tag' ? browserUrl(preferredSide(node), node.tag) ?? browserUrl(node.root.old, node.tag) : browserUrl(node.new ?? node.old) ?? browserUrl(node.old);
    if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  private async filter(text?: string): Promise<void> {
    if (text === undefined) {
      const input = await vscode.window.showInputBox({ title: 'Filter Tags', value: this.provider.filter, prompt: 'Text the tag contains, or /regular expression/. Empty clears the filter.', placeHolder: 'e.g. 1.27 or /^v?2\\./' });
      if (input === undefined) return;
      text = input;
    }
    this.provider.setFilter(text);
    const f = this.provider.filter;
    this.view.description = f ? `filter: ${f}` : undefined;
    await vscode.commands.executeCommand('setContext', 'registryMigrator.tagExplorer.filtered', !!f);
  }

  /**
   * Sign-in for the registry of an error node or root: GitHub's session for ghcr.io;
   * a username and token, kept in SecretStorage, for any other registry. Tests pass
   * `{host, username, password}` to skip the prompts.
   */
  private async signIn(arg?: MessageNode | RootNode | SignInArgs): Promise<boolean> {
    let host = arg && 'kind' in arg ? (arg.kind === 'root' ? arg.old.host : arg.host) : arg?.host;
    host ??= await vscode.window.showInputBox({ title: 'Sign In to a Registry', prompt: 'Registry host', placeHolder: 'ghcr.io, quay.io, registry.example.com:5000' });
    if (!host) return false;
    host = host.trim().toLowerCase();
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('This workspace is not trusted: the Tag Explorer sends no credentials until you trust it.');
      return false;
    }
    const explicit = arg && !('kind' in arg) ? arg : undefined;
    if (host === 'ghcr.io' && !explicit?.password) {
      const ok = await this.access.signInToGitHub().catch((e: unknown) => {
        this.log.warn(`GitHub sign-in failed: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      });
      if (ok) this.provider.retryHost(host);
      return ok;
    }
    const username = explicit?.username ?? (await vscode.window.showInputBox({ title: `Sign In to ${host} (1/2)`, prompt: 'Username' }));
    if (!username) return false;
    const password = explicit?.password ?? (await vscode.window.showInputBox({ title: `Sign In to ${host} (2/2)`, prompt: 'Password or access token (kept in VS Code’s secret storage)', password: true }));
    if (!password) return false;
    await this.access.storeCredential(host, username, password);
    this.provider.retryHost(host);
    return true;
  }

  private async signOut(host?: string): Promise<void> {
    host ??= await vscode.window.showInputBox({ title: 'Forget a Registry Credential', prompt: 'Registry host' });
    if (!host) return;
    await this.access.deleteCredential(host.trim().toLowerCase());
    this.provider.retryHost(host.trim().toLowerCase());
  }

  private async addRepository(text?: string): Promise<boolean> {
    if (text === undefined) {
      text = await vscode.window.showInputBox({
        title: 'Add Repository',
        prompt: 'A repository, or a migration pair written old -> new',
        placeHolder: 'ghcr.io/kubeflow/spark-operator/controller   or   k8s.gcr.io/pause -> registry.k8s.io/pause',
        validateInput: (v) => (v.trim() ? (parsePinnedEntry(v).ok ? undefined : (parsePinnedEntry(v) as { message: string }).message) : undefined),
      });
      if (!text?.trim()) return false;
    }
    const p = parsePinnedEntry(text);
    if (!p.ok) {
      void vscode.window.showErrorMessage(`Not a repository: ${p.message}`);
      return false;
    }
    const entry = p.value.new ? `${formatRepository(p.value.old)} -> ${formatRepository(p.value.new)}` : formatRepository(p.value.old);
    const config = vscode.workspace.getConfiguration(SECTION);
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const info = config.inspect<string[]>(REPOSITORIES_SETTING);
    const current = (target === vscode.ConfigurationTarget.Workspace ? info?.workspaceValue : info?.globalValue) ?? [];
    if (!current.includes(entry)) await config.update(REPOSITORIES_SETTING, [...current, entry], target);
    return true;
  }

  private async removeRepository(root: RootNode): Promise<void> {
    const entry = root.pinnedEntry;
    if (!entry) return;
    const config = vscode.workspace.getConfiguration(SECTION);
    const info = config.inspect<string[]>(REPOSITORIES_SETTING);
    const levels: [string[] | undefined, vscode.ConfigurationTarget][] = [
      [info?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
      [info?.workspaceValue, vscode.ConfigurationTarget.Workspace],
      [info?.globalValue, vscode.ConfigurationTarget.Global],
    ];
    for (const [value, target] of levels) {
      if (value?.includes(entry)) await config.update(REPOSITORIES_SETTING, value.filter((e) => e !== entry), target);
    }
  }

  /**
   * Reveals the pair (and the tag, loading pages until it shows up). Returns the node revealed.
   * `pin`: a repository that is not there yet is pinned first (the hover of an image that did
   * not move: the Tag Explorer lists only pairs and pinned repositories).
   */
  private async show(oldName: string, newName?: string, tag?: string, pin?: boolean): Promise<ExplorerNode | undefined> {
    let root = this.provider.findRoot(oldName, newName || undefined);
    if (!root && pin && !newName) await this.addRepository(oldName);
    if (!root) {
      this.provider.refresh();
      root = this.provider.findRoot(oldName, newName || undefined);
    }
    if (!root) {
      void vscode.window.showInformationMessage(`${oldName} is not in the Tag Explorer yet: the workspace scan has not reported it.`);
      return undefined;
    }
    await this.view.reveal(root, { select: !tag, focus: true, expand: true });
    if (!tag) return root;
    const node = await this.provider.findTag(root, tag);
    if (!node) {
      void vscode.window.showInformationMessage(`${oldName} has no tag ${tag}.`);
      return root;
    }
    await this.view.reveal(node, { select: true, focus: true });
    return node;
  }

  /**
   * Verifies every pair (or the ones asked for): verifyRepositories, the CLI's engine, with
   * each result applied to its node as it arrives; the provider batches the refreshes.
   * Cancelling stops the requests; finished tags keep their state.
   */
  private async verifyAll(opts: VerifyAllOptions = {}): Promise<VerifyReport[]> {
    const roots = this.provider.rootNodes().filter((r) => r.new && (!opts.roots || opts.roots.includes(r.id)));
    if (!roots.length) {
      if (!opts.silent) void vscode.window.showInformationMessage('Nothing to verify: the Tag Explorer has no migration pair (old -> new).');
      return [];
    }
    const client = this.access.client;
    const tags = this.provider.filterRegExp();
    let cancelled = false;
    const reports = await vscode.window.withProgress(
      { location: opts.silent ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: 'Verifying tags', cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => {
          cancelled = true;
          ac.abort();
        });
        const out: VerifyReport[] = [];
        const share = 100 / roots.length;
        for (const root of roots) {
          if (ac.signal.aborted) break;
          this.provider.markVerifying(root, this.provider.loadedTags(root).map((n) => n.tag));
          let reported = 0;
          let lastReport = 0;
          const report = await verifyRepositories(client, root.old, root.new!, {
            tags,
            signal: ac.signal,
            onResult: (r) => this.provider.applyResult(root, r),
            onProgress: (done, total) => {
              const now = Date.now();
              if (now - lastReport < 100 && done !== total) return;
              lastReport = now;
              const fraction = total ? done / total : 1;
              progress.report({ message: `${rootLabel(root)}: ${done}/${total}`, increment: (fraction - reported) * share });
              reported = fraction;
            },
          });
          if (!ac.signal.aborted) this.provider.completeListing(root, report.summary.listingError, report.summary.newRepositoryMissing);
          this.provider.endVerifying(root);
          out.push(report);
        }
        sub.dispose();
        this.provider.flush();
        return out;
      },
    );
    this.lastReports = reports;
    if (!opts.silent) this.summarize(reports, cancelled);
    return reports;
  }

  private summarize(reports: VerifyReport[], cancelled: boolean): void {
    const t = { total: 0, identical: 0, missing: 0, different: 0, onlyInNew: 0, error: 0 };
    for (const r of reports) for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += r.summary[k];
    const text = `${cancelled ? 'Cancelled. ' : ''}${reports.length} pair${reports.length === 1 ? '' : 's'}, ${t.total} tags: ${t.identical} identical, ${t.missing} missing, ${t.different} different, ${t.onlyInNew} only in new, ${t.error} errors.`;
    const show = t.missing || t.different || t.error ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    // The pairs with missing tags, for "Copy Missing Tags…" (by the repositories the report names).
    const missing = reports.filter((r) => r.summary.missing > 0).map((r) => this.provider.findRoot(r.summary.old, r.summary.new)).filter((r): r is RootNode => !!r);
    const choices = missing.length ? ['Export Report', COPY_CHOICE] : ['Export Report'];
    void show(text, ...choices).then((choice) => {
      if (choice === 'Export Report') void this.exportReport();
      else if (choice === COPY_CHOICE) void this.copier.run(missing);
    });
  }

  /**
   * "Copy Missing Tags to New Location…": the node's pair from the tree; from code, a node or
   * options first, then options (`{confirm: false}` skips the modal, `{dryRun: true}` returns
   * the plan only). Without a node: `opts.roots`, else every pair.
   */
  private copyMissing(arg?: RootNode | CopyMissingOptions, opts?: CopyMissingOptions): Promise<CopyMissingOutcome> {
    const node = arg && 'kind' in arg && arg.kind === 'root' ? arg : undefined;
    // A tree with multi-select would pass the selection second: not options.
    const given = node ? opts : (arg as CopyMissingOptions | undefined);
    const options = given && !Array.isArray(given) && typeof given === 'object' ? given : {};
    const roots = node ? [node] : this.provider.rootNodes().filter((r) => r.new && (!options.roots || options.roots.includes(r.id)));
    return this.copier.run(roots, options);
  }

  /** Opens the last Verify All as the Markdown table `registry-migrator verify --format markdown` prints. */
  private async exportReport(): Promise<string | undefined> {
    if (!this.lastReports.length) {
      void vscode.window.showInformationMessage('Run Verify All first.');
      return undefined;
    }
    const content = this.lastReports.map(renderVerifyMarkdown).join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: false });
    return content;
  }
}
