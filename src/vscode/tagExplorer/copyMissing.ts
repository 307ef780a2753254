import * as vscode from 'vscode';
import { formatBytes } from '../../core/text/formatBytes';
import { type CopyReport, type CopySummary, type RegistryClient, type TagCopyResult, emptyCopySummary, formatRepository } from '../../core/registry/index';
import { defaultSyncDefaults, type SyncPair } from '../../core/sync/syncConfig';
import type { PairReport, SyncTagResult } from '../../core/sync/syncReport';
import { syncPair } from '../../core/sync/syncRun';
import type { RegistryAccess } from './registryAccess';
import type { TagExplorerProvider } from './tagExplorerProvider';
import { type RootNode, rootLabel } from './tagNodes';

/**
 * Options of `registryMigrator.tagExplorer.copyMissing` when called from code (tests,
 * automation). The tree passes only the pair's node, so these are never set by a click.
 */
export interface CopyMissingOptions {
  /** `false` skips the modal confirmation (a test/automation hook). Default true. */
  confirm?: boolean;
  /** Only compute the plan (the core's dry run, HEAD requests only) and return it; nothing is written or shown. */
  dryRun?: boolean;
  /** Root ids to copy, when no node is passed. Default: every migration pair. */
  roots?: string[];
  /** No closing summary message (tests read the returned reports). */
  silent?: boolean;
}

export interface CopyMissingOutcome {
  /** The dry runs the confirmation showed, one per pair. */
  plans: CopyReport[];
  /** The copies, one per pair that ran (empty for a dry run, a declined or an empty plan). */
  reports: CopyReport[];
  cancelled: boolean;
  /** The user said no to the confirmation. */
  declined: boolean;
}

interface Totals {
  copied: number;
  leftAlone: number;
  failed: number;
  identical: number;
  bytes: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function totals(reports: CopyReport[]): Totals {
  const t: Totals = { copied: 0, leftAlone: 0, failed: 0, identical: 0, bytes: 0 };
  for (const { summary: s, results } of reports) {
    t.copied += s.copied + s.replaced;
    t.leftAlone += s.conflicts;
    // Tags a cancel stopped are not failures: a re-run picks them up.
    t.failed += s.errors - results.filter((r) => r.action === 'error' && r.cause?.code === 'aborted').length;
    if (s.listingError && s.listingError.code !== 'aborted') t.failed++;
    t.identical += s.identical;
    t.bytes += s.stats.bytesUploaded + s.stats.bytesMounted;
  }
  return t;
}

/** "4 manifests, 7 blobs (1.2 MB: 1.0 MB uploaded, 210.0 KB mounted within the registry)" */
function planSize(plans: CopySummary[]): string {
  let manifests = 0;
  let uploaded = 0;
  let mounted = 0;
  let bytesUp = 0;
  let bytesMount = 0;
  for (const s of plans) {
    manifests += s.stats.manifestsPushed;
    uploaded += s.stats.blobsUploaded;
    mounted += s.stats.blobsMounted;
    bytesUp += s.stats.bytesUploaded;
    bytesMount += s.stats.bytesMounted;
  }
  const split = mounted ? `: ${formatBytes(bytesUp)} uploaded, ${formatBytes(bytesMount)} mounted within the registry` : '';
  return `${plural(manifests, 'manifest')}, ${plural(uploaded + mounted, 'blob')} (${formatBytes(bytesUp + bytesMount)}${split})`;
}

function resultLine(r: TagCopyResult): string {
  const d = (x: { digest: string } | null) => x?.digest ?? '—';
  const what = r.referrerOf ? ` (referrer of ${r.referrerOf})` : '';
  switch (r.action) {
    case 'conflict':
      return `left alone ${r.tag}${what}: the destination has ${d(r.before)}, the source ${d(r.source)}`;
    case 'error':
      return `failed ${r.tag}${what}: ${r.cause?.code ?? 'error'}: ${r.cause?.message ?? ''}`;
    default:
      return `${r.action} ${r.tag}${what}: ${d(r.after ?? r.source)}`;
  }
}

/** The copy as Markdown: one table per pair, every tag's action and digests (for "Export Report"). */
export function renderCopyMarkdown(reports: CopyReport[]): string {
  const short = (x: { digest: string } | null) => (x ? `\`${x.digest.replace(/^sha256:/, '').slice(0, 12)}\`` : '—');
  const esc = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out: string[] = [];
  for (const { summary: s, results } of reports) {
    out.push(`**Copy** \`${s.source}\` → \`${s.destination}\`: ${s.tags} tags, ${s.copied} copied, ${s.replaced} replaced, ${s.identical} already identical, ${s.conflicts} left alone (different), ${s.errors} failed.`, '');
    if (s.listingError) out.push(`Could not list the ${s.listingError.side} repository: ${esc(s.listingError.message)}`, '');
    const v = s.verify;
    out.push(`Re-resolved afterwards: ${v.total} tags, ${v.identical} identical, ${v.missing} missing, ${v.different} different, ${v.error} errors.`, '');
    out.push('| Tag | Action | Source digest | Destination digest | Notes |', '|---|---|---|---|---|');
    for (const r of results) {
      const note = r.action === 'error' ? (r.cause?.message ?? '') : r.referrerOf ? `referrer of ${r.referrerOf}` : r.action === 'conflict' ? 'destination differs: left alone' : '';
      out.push(`| \`${r.tag}\` | ${r.action} | ${short(r.source)} | ${short(r.after ?? r.before)} | ${esc(note)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The explorer's pair and filter as a sync pair (signatures and attestations follow, as in `sync`). */
function pairOf(root: RootNode, tags: RegExp | undefined): SyncPair {
  return { old: root.old, new: root.new!, key: `${formatRepository(root.old)} -> ${formatRepository(root.new!)}`, tags: { allow: tags ? [tags] : [], deny: [] }, referrers: true, line: 0 };
}

const ACTION: Record<SyncTagResult['status'], (plan: boolean) => TagCopyResult['action']> = {
  identical: () => 'identical',
  copied: () => 'copied',
  missing: (plan) => (plan ? 'would-copy' : 'error'),
  different: () => 'conflict',
  error: () => 'error',
};

/** A sync result in the copy shape the tree, the Markdown export and the command's callers read. */
function toCopyResult(r: SyncTagResult, plan: boolean): TagCopyResult {
  const d = (digest: string | null) => (digest ? { digest, mediaType: r.mediaType ?? '' } : null);
  const action = ACTION[r.status](plan);
  return {
    tag: r.tag,
    action,
    source: d(r.old),
    before: r.status === 'copied' ? null : d(r.new),
    after: r.status === 'copied' || r.status === 'identical' ? d(r.new) : null,
    ...(r.referrerOf ? { referrerOf: r.referrerOf.digest } : {}),
    ...(r.cause ? { cause: r.cause } : {}),
  };
}

function toCopyReport(p: PairReport, plan: boolean): CopyReport {
  const results = p.results.map((r) => toCopyResult(r, plan));
  const summary = emptyCopySummary(p.old, p.new, plan, p.stats);
  summary.referrers = p.summary.referrersApi;
  if (p.warnings.length) summary.referrerErrors = p.warnings;
  if (p.listingError) summary.listingError = { side: p.listingError.side === 'old' ? 'source' : 'destination', code: p.listingError.code, message: p.listingError.message };
  for (const r of p.results) {
    summary.tags++;
    summary.verify.total++;
    if (r.status === 'identical') summary.identical++;
    else if (r.status === 'copied' || r.status === 'missing') summary.copied++;
    else if (r.status === 'different') summary.conflicts++;
    else summary.errors++;
    // A copied tag was re-resolved at the destination with the source's digest.
    if (r.status === 'identical' || r.status === 'copied') summary.verify.identical++;
    else if (r.status === 'missing') summary.verify.missing++;
    else if (r.status === 'different') summary.verify.different++;
    else summary.verify.error++;
  }
  return { results, summary };
}

/**
 * "Copy Missing Tags to New Location…" on migration pairs: the sync engine (`sync`'s
 * syncPair: HEAD-first, signatures and attestations follow their images), first as a
 * check with a plan for the confirmation (tags, manifests, blobs, bytes), then for real under a
 * cancellable progress notification. Each tag's result turns its node identical (or
 * different, when the destination's tag differs and is left alone) through the provider's
 * batched updates. Tags that differ are never replaced from here (the CLI's `--force` does).
 * The Tag Explorer filter applies, as it does to Verify All.
 *
 * Credentials: reads with the Tag Explorer's client; writes with RegistryAccess.pushClient,
 * which answers for the destination host only and is anonymous in an untrusted workspace.
 */
export class CopyMissing {
  private lastReports: CopyReport[] = [];

  constructor(private readonly provider: TagExplorerProvider, private readonly access: RegistryAccess, private readonly log: vscode.LogOutputChannel) {}

  async run(roots: RootNode[], opts: CopyMissingOptions = {}): Promise<CopyMissingOutcome> {
    const outcome: CopyMissingOutcome = { plans: [], reports: [], cancelled: false, declined: false };
    const pairs = roots.filter((r) => r.new);
    if (!pairs.length) {
      if (!opts.silent && !opts.dryRun) void vscode.window.showInformationMessage('Nothing to copy: choose a migration pair (old -> new).');
      return outcome;
    }
    const tags = this.provider.filterRegExp();
    const filterNote = tags ? ` matching the filter “${this.provider.filter}”` : '';

    // The plan: HEAD requests only, with the read client (dry runs ask pull scopes only).
    const planned = await this.withProgress('Planning the copy', !!opts.silent || !!opts.dryRun, async (signal, report) => {
      const out: CopyReport[] = [];
      for (const root of pairs) {
        if (signal.aborted) break;
        report(rootLabel(root));
        out.push(await this.guard(root, () => this.sync(root, tags, this.access.client, this.access.client, { check: true, plan: true, signal })));
      }
      return out;
    });
    outcome.plans = planned.value;
    if (planned.cancelled || opts.dryRun) {
      outcome.cancelled = planned.cancelled;
      return outcome;
    }
    for (const p of outcome.plans) if (p.summary.listingError) this.log.warn(`Copy plan ${p.summary.source} -> ${p.summary.destination}: could not list the ${p.summary.listingError.side} repository: ${p.summary.listingError.message}`);

    const t = totals(outcome.plans);
    const conflicts = outcome.plans.flatMap((p) => p.results.filter((r) => r.action === 'conflict').map((r) => r.tag));
    const where = pairs.length === 1 ? formatRepository(pairs[0].new!) : plural(pairs.length, 'new location');
    if (!t.copied) {
      if (!opts.silent) {
        const extra = [conflicts.length ? `${plural(conflicts.length, 'tag')} differ${conflicts.length === 1 ? 's' : ''} there and ${conflicts.length === 1 ? 'is' : 'are'} left alone` : '', t.failed ? `${t.failed} could not be checked (see the output)` : ''].filter(Boolean).join('; ');
        const show = t.failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
        void show(`Nothing to copy: every tag${filterNote} is already at ${where}${extra ? ` (${extra})` : ''}.`, ...(t.failed ? ['Show Output'] : [])).then((c) => (c ? this.log.show() : undefined));
      }
      return outcome;
    }
    if (opts.confirm !== false) {
      const lines = [`${plural(t.copied, 'tag')}${filterNote} to copy: ${planSize(outcome.plans.map((p) => p.summary))}.`];
      if (t.identical) lines.push(`${plural(t.identical, 'tag')} already identical.`);
      if (conflicts.length) lines.push(`Left alone, different at the new location: ${conflicts.slice(0, 10).join(', ')}${conflicts.length > 10 ? ` and ${conflicts.length - 10} more` : ''}.`);
      if (t.failed) lines.push(`${plural(t.failed, 'tag')} could not be planned (see the output).`);
      if (!vscode.workspace.isTrusted) lines.push('This workspace is not trusted: the push is anonymous.');
      lines.push('Nothing is deleted or replaced; every copied tag is re-resolved to prove its digest.');
      const choice = await vscode.window.showWarningMessage(`Copy ${plural(t.copied, 'missing tag')} to ${where}?`, { modal: true, detail: lines.join('\n') }, 'Copy');
      if (choice !== 'Copy') {
        outcome.declined = true;
        return outcome;
      }
    }

    const todo = pairs.filter((_, i) => outcome.plans[i] && outcome.plans[i].summary.copied > 0);
    const ran = await this.withProgress(`Copying tags to ${where}`, false, async (signal, report) => {
      const out: CopyReport[] = [];
      for (const root of todo) {
        if (signal.aborted) break;
        const push = this.access.pushClient(root.new!.host);
        let last = 0;
        try {
          const planned = outcome.plans[pairs.indexOf(root)]?.summary.tags ?? 0;
          let done = 0;
          out.push(await this.guard(root, () => this.sync(root, tags, this.access.client, push.client, {
            signal,
            onTag: (_, sr) => {
              const r = toCopyResult(sr, false);
              this.provider.applyCopyResult(root, r);
              if (r.action !== 'identical' && r.cause?.code !== 'aborted') this.log.info(`Copy ${rootLabel(root)}: ${resultLine(r)}`);
              done++;
              const now = Date.now();
              if (now - last < 100 && done < planned) return;
              last = now;
              const fraction = (todo.indexOf(root) + (planned ? Math.min(1, done / planned) : 0)) / todo.length;
              report(`${todo.length > 1 ? `${rootLabel(root)}: ` : ''}${done}/${planned} tags copying`, fraction);
            },
          })));
        } finally {
          push.dispose();
        }
      }
      this.provider.flush();
      return out;
    });
    outcome.reports = ran.value;
    outcome.cancelled = ran.cancelled;
    this.lastReports = ran.value;
    for (const r of ran.value) {
      const s = r.summary;
      if (s.listingError) this.log.warn(`Copy ${s.source} -> ${s.destination}: could not list the ${s.listingError.side} repository: ${s.listingError.message}`);
      for (const e of s.referrerErrors ?? []) this.log.warn(`Copy ${s.source} -> ${s.destination}: ${e}`);
      const v = s.verify;
      this.log.info(`Copy ${s.source} -> ${s.destination}: ${s.copied} copied, ${s.conflicts} left alone, ${s.errors} failed; re-resolved ${v.total}: ${v.identical} identical, ${v.missing} missing, ${v.different} different, ${v.error} errors`);
    }
    if (!opts.silent) this.summarize(ran.value, ran.cancelled);
    return outcome;
  }

  /**
   * One pair through the sync engine, as a copy report. After a real run, each tag's node
   * gets the signatures and attestations that followed it (shown on the node and in its tooltip).
   */
  private async sync(root: RootNode, tags: RegExp | undefined, source: RegistryClient, destination: RegistryClient, opts: Parameters<typeof syncPair>[3]): Promise<CopyReport> {
    const defaults = defaultSyncDefaults();
    const report = await syncPair(pairOf(root, tags), { defaults }, { source, destination }, opts);
    if (!opts?.check) {
      const nodes = new Map(this.provider.loadedTags(root).map((n) => [n.tag, n]));
      for (const r of report.results) {
        const node = nodes.get(r.tag);
        if (!node || !r.referrers?.length) continue;
        node.referrers = r.referrers;
        if (node.parity) this.provider.applyResult(root, node.parity);
      }
    }
    return toCopyReport(report, !!opts?.check);
  }

  /** The last copy as Markdown, in an editor. */
  async exportReport(): Promise<string | undefined> {
    if (!this.lastReports.length) return undefined;
    const content = renderCopyMarkdown(this.lastReports);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: false });
    return content;
  }

  /** One message for the whole run, never one per failure. */
  private summarize(reports: CopyReport[], cancelled: boolean): void {
    const t = totals(reports);
    const text = `${cancelled ? 'Cancelled. ' : ''}Copied ${plural(t.copied, 'tag')} (${formatBytes(t.bytes)} sent), ${t.leftAlone} left alone (different at the new location), ${t.failed} failed.`;
    const show = t.failed || cancelled ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(text, 'Show Output', 'Export Report').then((c) => {
      if (c === 'Show Output') this.log.show();
      else if (c === 'Export Report') void this.exportReport();
    });
  }

  /** A copy that throws (a bug, not a registry answer: those are results) becomes that pair's listing error. */
  private async guard(root: RootNode, f: () => Promise<CopyReport>): Promise<CopyReport> {
    try {
      return await f();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`Copy ${rootLabel(root)}: ${message}`);
      return {
        results: [],
        summary: { ...emptyCopySummary(formatRepository(root.old), formatRepository(root.new!), false), listingError: { side: 'source', code: 'bad-response', message } },
      };
    }
  }

  /** withProgress with an AbortSignal; `quiet` shows it in the status bar instead of a notification. */
  private async withProgress<T>(title: string, quiet: boolean, f: (signal: AbortSignal, report: (message: string, fraction?: number) => void) => Promise<T>): Promise<{ value: T; cancelled: boolean }> {
    let cancelled = false;
    const value = await vscode.window.withProgress({ location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => {
        cancelled = true;
        ac.abort();
      });
      let reported = 0;
      try {
        return await f(ac.signal, (message, fraction) => {
          const increment = fraction === undefined ? undefined : Math.max(0, (fraction - reported) * 100);
          if (fraction !== undefined) reported = Math.max(reported, fraction);
          progress.report({ message, increment });
        });
      } finally {
        sub.dispose();
      }
    });
    return { value, cancelled };
  }
}
