import { isIndexMediaType } from '../registry/mediaTypes';
import { type RegistryClient, type Repository, formatRepository } from '../registry/registryClient';
import { shortDigest } from '../registry/verifyReportFormat';
import { type VerifyReport, verifyRepositories } from '../registry/verifyRepositories';
import { builtinRules } from '../rules/builtinRules';
import { RuleMatcher } from '../rules/matchRule';
import type { MigrationRule } from '../rules/migrationRule';
import { REFERRER_TAG } from './syncPlan';
import { runPool } from '../runPool';

export interface NoticeInput {
  old: Repository;
  new: Repository;
  /** When the move happened (`2025-09-29`); else the matching built-in rule's date, if any. */
  since?: string;
  tags?: RegExp;
  concurrency?: number;
  signal?: AbortSignal;
  /** Rows shown before the table folds into <details>. Default 20. */
  foldAfter?: number;
  /** For the "checked on" line; tests pass a fixed date. */
  now?: Date;
}

/** One row of the notice's table: a tag and what a user pulls there. */
export interface NoticeRow {
  tag: string;
  status: 'identical' | 'missing' | 'different' | 'error';
  digest: string | null;
  newDigest: string | null;
  /** `linux/amd64, linux/arm64` for an index; the single platform is not read (one manifest). */
  platforms: string[];
}

export interface Notice {
  markdown: string;
  rows: NoticeRow[];
  verify: VerifyReport;
  /** Referrer tags (signatures, attestations) at the old side, and how many are at the new one. */
  referrers: { total: number; identical: number };
  rule?: MigrationRule;
}

const SED_SPECIAL = /[.[\]*^$\\/+?(){}|#]/g;

/** The built-in rule that moves `old` (to `new`), for its date, reason and source. */
function builtinRuleFor(old: Repository, neu: Repository): MigrationRule | undefined {
  const m = new RuleMatcher({ rules: builtinRules() }).match(formatRepository(old));
  if (!m) return undefined;
  return m.newName === formatRepository(neu) || m.newName === null ? m.rule : m.chain[0];
}

function ruleId(neu: Repository): string {
  const last = neu.path.split('/').pop() ?? 'image';
  return `MOVE-${last.toUpperCase().replace(/[^A-Z0-9]+/g, '-')}`.replace(/-+$/, '');
}

/** The name as users write it: `bitnami/redis` for Docker Hub, `nginx` for an official image. */
function writtenForms(repo: Repository): string[] {
  const full = formatRepository(repo);
  if (repo.host !== 'docker.io') return [full];
  const short = repo.path.startsWith('library/') ? repo.path.slice('library/'.length) : repo.path;
  return [full, short];
}

/**
 * A Markdown announcement of a move, for a release note or a pinned issue: what moved and
 * since when, the proof (every tag of the old repository, its digest and platforms, and
 * whether the new home serves the same digest), the exact commands to change a workspace,
 * and the rule to paste into `.registry-migrations.yaml`. Built from the registries'
 * answers, through the same verify engine as `verify`.
 */
export async function buildNotice(client: RegistryClient, input: NoticeInput): Promise<Notice> {
  const oldName = formatRepository(input.old);
  const newName = formatRepository(input.new);
  const verify = await verifyRepositories(client, input.old, input.new, { tags: input.tags, concurrency: input.concurrency, signal: input.signal });
  const rule = builtinRuleFor(input.old, input.new);
  const since = input.since ?? rule?.since ?? '';
  const imageResults = verify.results.filter((r) => !REFERRER_TAG.test(r.tag) && r.status !== 'only-in-new');
  const refResults = verify.results.filter((r) => REFERRER_TAG.test(r.tag) && r.status !== 'only-in-new');
  const rows: NoticeRow[] = new Array<NoticeRow>(imageResults.length);
  await runPool(imageResults, input.concurrency ?? 8, async (r, i) => {
    const row: NoticeRow = { tag: r.tag, status: r.status as NoticeRow['status'], digest: r.old?.digest ?? null, newDigest: r.new?.digest ?? null, platforms: [] };
    if (r.old && isIndexMediaType(r.old.mediaType)) {
      const res = await client.resolve(input.old, r.old.digest, input.signal);
      if (res.ok) row.platforms = (res.value.platforms ?? []).map((p) => p.platform).filter((p) => !p.startsWith('unknown'));
    }
    rows[i] = row;
  });
  const referrers = { total: refResults.length, identical: refResults.filter((r) => r.status === 'identical').length };
  const markdown = renderNotice({ oldName, newName, since, rule, rows, verify, referrers, input });
  return { markdown, rows, verify, referrers, rule };
}

export interface NoticeParts {
  oldName: string;
  newName: string;
  since: string;
  rule?: MigrationRule;
  rows: NoticeRow[];
  verify: VerifyReport;
  referrers: Notice['referrers'];
  input: Pick<NoticeInput, 'old' | 'new' | 'foldAfter' | 'now'>;
}

/** The Markdown of a notice from what the registries answered (exported for tests). */
export function renderNotice(n: NoticeParts): string {
  const { oldName, newName, rows, input } = n;
  const out: string[] = [];
  const checked = (input.now ?? new Date()).toISOString().slice(0, 10);
  out.push(`# \`${oldName}\` has moved to \`${newName}\``, '');
  out.push(`${n.since ? `Since **${n.since}**, the` : 'The'} images published as \`${oldName}\` live at \`${newName}\`. Pull them from there: the old location ${n.rule ? 'is not updated any more' : 'may stop being updated or served'}.`);
  if (n.rule?.reason) out.push('', `> ${n.rule.reason}${n.rule.source ? ` ([source](${n.rule.source}))` : ''}`);
  out.push('');
  const s = n.verify.summary;
  if (s.listingError) {
    out.push(`**The tags could not be compared** (${s.listingError.side} repository: ${s.listingError.message}).`, '');
  } else {
    const same = rows.filter((r) => r.status === 'identical').length;
    out.push('## Every version, with proof', '');
    if (same === rows.length) out.push(`All ${rows.length} tags of \`${oldName}\` are at \`${newName}\` with the **same digest**, so a pull from the new home gets byte-for-byte the same image (checked ${checked}).`);
    else out.push(`${same} of ${rows.length} tags of \`${oldName}\` are at \`${newName}\` with the same digest (checked ${checked}). **${rows.length - same} are not** — see the table before you switch those.`);
    if (n.referrers.total) out.push('', `Signatures and attestations: ${n.referrers.identical} of ${n.referrers.total} referrer tags (\`sha256-…​.sig/.att/.sbom\`) are at the new home too.`);
    out.push('');
    const table = ['| Tag | Digest | Platforms | At the new home |', '|---|---|---|---|'];
    for (const r of rows) {
      const at = r.status === 'identical' ? 'same digest' : r.status === 'missing' ? '**missing**' : r.status === 'different' ? `**different** (\`${shortDigest(r.newDigest)}\`)` : '**could not check**';
      table.push(`| \`${r.tag}\` | \`${shortDigest(r.digest)}\` | ${r.platforms.length ? r.platforms.join(', ') : '—'} | ${at} |`);
    }
    const fold = input.foldAfter ?? 20;
    if (rows.length > fold) out.push(`<details><summary>All ${rows.length} tags</summary>`, '', ...table, '', '</details>');
    else out.push(...table);
    out.push('');
  }
  out.push('## What to change', '');
  out.push('With [Registry Migrator](https://example.invalid/registry-migrator), which rewrites every spelling (Dockerfiles, Compose, Kubernetes, Helm values, CI files) and keeps tags and digests:', '');
  out.push('```sh', 'npx registry-migrator fix .', '```', '');
  out.push('Or by hand with `sed` (only this exact spelling; check the diff):', '');
  const sedLines = writtenForms(n.input.old).map((form) => {
    const re = form.replace(SED_SPECIAL, '\\$&');
    // A one-word official image (`nginx`) is also a word of prose: only with a tag or digest after it.
    const after = form.includes('/') ? `([:@"'"'"'[:space:]]|$)` : '([:@])';
    return `grep -rlE '${re}' . | xargs -r sed -i -E 's#(^|[^[:alnum:]._/-])${re}${after}#\\1${newName}\\2#g'`;
  });
  out.push('```sh', ...sedLines, '```', '');
  const slash = newName.indexOf('/');
  out.push('Helm values with split fields:', '', '```yaml', 'image:', `  registry: ${newName.slice(0, slash)}`, `  repository: ${newName.slice(slash + 1)}`);
  if (n.input.old.host === 'docker.io' && n.input.old.path.startsWith('bitnami/')) {
    out.push('global:', '  security:', '    # Bitnami charts refuse images other than their defaults without this (bitnami/charts#30850)', '    allowInsecureImages: true');
  }
  out.push('```', '');
  out.push('For `registry-migrator` users, the rule to add to `.registry-migrations.yaml` (a built-in rule may already cover it):', '');
  out.push('```yaml', 'rules:', `  - id: ${n.rule?.id ?? ruleId(n.input.new)}`, `    from: ${oldName}`, `    to: ${newName}`, '    match: exact');
  if (n.since) out.push(`    since: "${n.since}"`);
  out.push(`    reason: moved to ${newName}`, '```', '');
  return out.join('\n');
}
