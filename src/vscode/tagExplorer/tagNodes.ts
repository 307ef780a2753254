import * as vscode from 'vscode';
import { type ParityStatus, type PlatformManifest, type Repository, type TagParity, formatRepository } from '../../core/registry/index';
import { browserUrl, shortDigest } from './imageLinks';

/**
 * The Tag Explorer's nodes are plain data; toTreeItem() is the one place that turns them
 * into TreeItems. Each node object lives as long as what it shows, so a verify result can
 * refresh just that node (onDidChangeTreeData with the node) instead of the whole list.
 */
export type ExplorerNode = RootNode | TagNode | MoreNode | MessageNode;

/** A migration pair (old → new) or a single pinned repository. */
export interface RootNode {
  kind: 'root';
  /** Stable: `old→new` or `old`. */
  id: string;
  old: Repository;
  new?: Repository;
  /** From the workspace's findings, or pinned by the user. */
  origin: 'workspace' | 'pinned';
  /** Workspace pairs: rule ids and how many references mention the old repository. */
  ruleIds: string[];
  references: number;
  /** Tags the workspace references, shown with "in use". */
  tagsInUse: Set<string>;
  /** The text of the `registryMigrator.repositories` entry, for "Remove". */
  pinnedEntry?: string;
  /** The label: the old repository's last path component, longer only where two roots share it (set by the provider). */
  shortName?: string;
}

export type TagState = ParityStatus | 'unverified' | 'verifying' | 'resolved';

export interface TagNode {
  kind: 'tag';
  id: string;
  root: RootNode;
  tag: string;
  inOld: boolean;
  inNew: boolean;
  state: TagState;
  parity?: TagParity;
  /** Per-platform digests of an index, per side, when known (verify or resolve). */
  platforms?: { old?: PlatformManifest[]; new?: PlatformManifest[] };
  /** Single repositories: the resolved digest. */
  digest?: string;
  mediaType?: string;
  /** Signature/attestation tags and OCI referrers that Copy Missing Tags brought along with this image. */
  referrers?: string[];
}

export interface MoreNode {
  kind: 'more';
  id: string;
  root: RootNode;
  /** "120 of 3,000 tags shown" */
  detail: string;
}

/** An error (with Retry / Sign In) or a note such as "No tags match". */
export interface MessageNode {
  kind: 'message';
  id: string;
  root?: RootNode;
  severity: 'error' | 'info';
  label: string;
  detail?: string;
  /** The full message, for the tooltip. */
  tooltip?: string;
  actions: ('retry' | 'signIn')[];
  /** The registry to sign in to. */
  host?: string;
}

export const VIEW_ID = 'registryMigrator.tagExplorer';
export const CMD = {
  refresh: 'registryMigrator.tagExplorer.refresh',
  verifyAll: 'registryMigrator.tagExplorer.verifyAll',
  filter: 'registryMigrator.tagExplorer.filter',
  clearFilter: 'registryMigrator.tagExplorer.clearFilter',
  signIn: 'registryMigrator.tagExplorer.signIn',
  signOut: 'registryMigrator.tagExplorer.signOut',
  addRepository: 'registryMigrator.tagExplorer.addRepository',
  removeRepository: 'registryMigrator.tagExplorer.removeRepository',
  loadMore: 'registryMigrator.tagExplorer.loadMore',
  retry: 'registryMigrator.tagExplorer.retry',
  verifyTag: 'registryMigrator.tagExplorer.verifyTag',
  copyReference: 'registryMigrator.tagExplorer.copyReference',
  copyPinnedReference: 'registryMigrator.tagExplorer.copyPinnedReference',
  copyCopyCommand: 'registryMigrator.tagExplorer.copyCopyCommand',
  openInBrowser: 'registryMigrator.tagExplorer.openInBrowser',
  copyMissing: 'registryMigrator.tagExplorer.copyMissing',
  showInTagExplorer: 'registryMigrator.showInTagExplorer',
} as const;

const STATE_TEXT: Record<TagState, string> = {
  identical: 'identical',
  missing: 'missing at new',
  different: 'different',
  'only-in-new': 'only in new',
  unverified: 'not yet verified',
  verifying: 'verifying…',
  resolved: 'resolved',
  error: 'error',
};

const STATE_ICON: Record<TagState, [string, string | undefined]> = {
  identical: ['pass-filled', 'testing.iconPassed'],
  missing: ['circle-slash', 'testing.iconFailed'],
  different: ['diff', 'list.warningForeground'],
  'only-in-new': ['diff-added', 'charts.blue'],
  unverified: ['circle-large-outline', 'disabledForeground'],
  verifying: ['loading~spin', undefined],
  resolved: ['tag', undefined],
  error: ['error', 'list.errorForeground'],
};

export function stateText(s: TagState): string {
  return STATE_TEXT[s];
}

/** `a;b;c`: sorted tokens, matched in package.json menus with `viewItem =~ /(^|;)token(;|$)/`. */
function contextValue(tokens: (string | false | undefined)[]): string {
  return [...new Set(tokens.filter((t): t is string => !!t))].sort().join(';');
}

function icon(id: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/**
 * Short labels for roots: the old repository's last path component (`postgresql`), with more
 * of the path where two roots would read the same (`bitnami/redis`, `library/redis`), and the
 * host when even the path is shared. The new home goes in the description, so nothing
 * useful is cut off in a 300 px sidebar.
 */
export function shortNames(roots: readonly RootNode[]): Map<RootNode, string> {
  const out = new Map<RootNode, string>();
  const depth = new Map<RootNode, number>(roots.map((r) => [r, 1]));
  const label = (r: RootNode) => {
    const parts = r.old.path.split('/');
    const d = depth.get(r)!;
    return d > parts.length ? `${r.old.host}/${r.old.path}` : parts.slice(-d).join('/');
  };
  for (let round = 0; round < 8; round++) {
    const byLabel = new Map<string, RootNode[]>();
    for (const r of roots) byLabel.set(label(r), [...(byLabel.get(label(r)) ?? []), r]);
    let clash = false;
    for (const group of byLabel.values()) {
      // The same old repository twice (one pair, one pinned single) may share a label.
      if (group.length < 2 || new Set(group.map((r) => formatRepository(r.old))).size < 2) continue;
      clash = true;
      for (const r of group) depth.set(r, depth.get(r)! + 1);
    }
    if (!clash) break;
  }
  for (const r of roots) out.set(r, label(r));
  return out;
}

/** The full `old → new`, for progress messages and tooltips. */
export function rootLabel(root: RootNode): string {
  return root.new ? `${formatRepository(root.old)} → ${formatRepository(root.new)}` : formatRepository(root.old);
}

/** The side a tag action acts on: the new home when the tag is there, else the old one. */
export function preferredSide(node: TagNode): Repository {
  return node.root.new && node.inNew ? node.root.new : node.root.old;
}

/** The digest of `side`, when known. */
export function digestOf(node: TagNode, side: 'old' | 'new'): string | undefined {
  if (!node.root.new) return node.digest;
  return (side === 'old' ? node.parity?.old?.digest : node.parity?.new?.digest) ?? undefined;
}

function tagTooltip(n: TagNode): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const code = (s: string | null | undefined) => (s ? `\`${s}\`` : '—');
  md.appendMarkdown(`**${n.tag}** · $(${STATE_ICON[n.state][0].replace('~spin', '')}) ${STATE_TEXT[n.state]}\n\n`);
  if (n.root.new) {
    const p = n.parity;
    md.appendMarkdown(`| | repository | digest | media type |\n|---|---|---|---|\n`);
    md.appendMarkdown(`| old | ${code(formatRepository(n.root.old))} | ${code(p?.old?.digest ?? (n.inOld ? '(not verified)' : '(no such tag)'))} | ${p?.old?.mediaType ?? ''} |\n`);
    md.appendMarkdown(`| new | ${code(formatRepository(n.root.new))} | ${code(p?.new?.digest ?? (n.inNew ? '(not verified)' : '(no such tag)'))} | ${p?.new?.mediaType ?? ''} |\n`);
    if (p?.cause) md.appendMarkdown(`\n**${p.cause.code}**: ${p.cause.message}\n`);
    if (p?.platformsIdentical) md.appendMarkdown('\nEvery platform is identical; only the index itself differs.\n');
  } else {
    md.appendMarkdown(`${code(formatRepository(n.root.old))}\n\ndigest ${code(n.digest ?? '(not resolved)')}${n.mediaType ? ` · ${n.mediaType}` : ''}\n`);
  }
  const rows = platformRows(n);
  if (rows.length) {
    md.appendMarkdown(`\n| platform | old | new | |\n|---|---|---|---|\n`);
    for (const r of rows) md.appendMarkdown(`| ${r.platform} | ${code(shortDigest(r.old))} | ${code(shortDigest(r.new))} | ${r.status} |\n`);
  }
  if (n.referrers?.length) md.appendMarkdown(`\nSignatures and attestations at the new location:\n\n${n.referrers.map((r) => `- ${code(r)}`).join('\n')}\n`);
  if (n.root.tagsInUse.has(n.tag)) md.appendMarkdown('\nReferenced in this workspace.\n');
  return md;
}

/** Per-platform rows: the verify comparison when there is one, else what resolving showed. */
function platformRows(n: TagNode): { platform: string; old: string | null; new: string | null; status: string }[] {
  if (n.parity?.platforms.length) return n.parity.platforms;
  const o = n.platforms?.old ?? [];
  const nw = n.platforms?.new ?? [];
  const keys = [...new Set([...o.map((p) => p.platform), ...nw.map((p) => p.platform)])];
  return keys.map((k) => {
    const a = o.find((p) => p.platform === k)?.digest ?? null;
    const b = nw.find((p) => p.platform === k)?.digest ?? null;
    return { platform: k, old: a, new: b, status: a && b ? (a === b ? 'identical' : 'different') : '' };
  });
}

/** The one function that turns a node into what VS Code shows. */
export function toTreeItem(node: ExplorerNode): vscode.TreeItem {
  switch (node.kind) {
    case 'root': {
      const item = new vscode.TreeItem(node.shortName ?? node.old.path.split('/').pop() ?? formatRepository(node.old), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.iconPath = icon(node.new ? 'arrow-swap' : 'repo');
      // The interesting half first: where it went, then how often and by which rule.
      const where = node.new ? `→ ${formatRepository(node.new)}` : formatRepository(node.old);
      const counts = node.origin === 'pinned' ? 'pinned' : `${node.references} ref${node.references === 1 ? '' : 's'} · ${node.ruleIds.join(', ')}`;
      item.description = `${where} · ${counts}`;
      const md = new vscode.MarkdownString();
      md.appendMarkdown(node.new ? `Migration **${formatRepository(node.old)}** → **${formatRepository(node.new)}**\n\n` : `**${formatRepository(node.old)}**\n\n`);
      md.appendMarkdown(node.origin === 'pinned' ? 'Pinned in `registryMigrator.repositories`.' : `From rule ${node.ruleIds.map((r) => `\`${r}\``).join(', ')}; referenced ${node.references} time(s) in this workspace.`);
      if (node.tagsInUse.size) md.appendMarkdown(`\n\nTags in use: ${[...node.tagsInUse].map((t) => `\`${t}\``).join(', ')}.`);
      item.tooltip = md;
      item.contextValue = contextValue(['root', node.new ? 'pair' : 'single', node.origin, (browserUrl(node.old) || (node.new && browserUrl(node.new))) && 'browsable']);
      return item;
    }
    case 'tag': {
      const item = new vscode.TreeItem(node.tag, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      const [iconId, color] = STATE_ICON[node.state];
      item.iconPath = icon(iconId, color);
      const digest = node.root.new ? (node.parity?.old?.digest ?? node.parity?.new?.digest) : node.digest;
      const parts = [digest ? shortDigest(digest) : undefined, node.root.new || node.state !== 'unverified' ? STATE_TEXT[node.state] : undefined, node.root.tagsInUse.has(node.tag) ? 'in use' : undefined, node.referrers?.length ? `${node.referrers.length} referrer${node.referrers.length === 1 ? '' : 's'}` : undefined];
      item.description = parts.filter(Boolean).join(' · ');
      item.tooltip = tagTooltip(node);
      const side = preferredSide(node);
      item.contextValue = contextValue(['tag', node.state, node.inOld && 'inOld', node.inNew && 'inNew', node.root.new ? 'pair' : 'single', browserUrl(side) && 'browsable']);
      return item;
    }
    case 'more': {
      const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.description = node.detail;
      item.iconPath = icon('ellipsis');
      item.contextValue = 'more';
      item.command = { command: CMD.loadMore, title: 'Load more', arguments: [node] };
      return item;
    }
    case 'message': {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.description = node.detail;
      item.tooltip = node.tooltip ?? node.label;
      item.iconPath = node.severity === 'error' ? icon(node.actions.includes('signIn') ? 'lock' : 'warning', 'list.errorForeground') : icon('info');
      item.contextValue = contextValue([node.severity === 'error' ? 'error' : 'note', ...node.actions]);
      if (node.actions.includes('signIn')) item.command = { command: CMD.signIn, title: 'Sign In…', arguments: [node] };
      else if (node.actions.includes('retry')) item.command = { command: CMD.retry, title: 'Retry', arguments: [node] };
      return item;
    }
  }
}
