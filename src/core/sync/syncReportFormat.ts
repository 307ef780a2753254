import { shortDigest } from '../registry/verifyReportFormat';
import type { PairReport, SyncReport, SyncTagResult } from './syncReport';

const esc = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function pairLine(p: PairReport, mode: SyncReport['mode']): string {
  const s = p.summary;
  const parts = [`${s.identical} identical`];
  if (mode === 'sync') parts.push(`${s.copied} copied`);
  parts.push(`${s.missing} missing`, `${s.different} different`, `${s.error} errors`, `${s.onlyInNew} only in new`);
  if (s.referrersApi) parts.push(`${s.referrersApi} referrers (API)`);
  return `${p.key}: ${s.total} tags: ${parts.join(', ')}`;
}

function note(r: SyncTagResult): string {
  const bits: string[] = [];
  if (r.status === 'different') bits.push(`new side has ${shortDigest(r.new)}: left alone`);
  if (r.status === 'error' && r.cause) bits.push(r.cause.message);
  if (r.referrerOf) bits.push(`referrer of ${r.referrerOf.tag ?? shortDigest(r.referrerOf.digest)}`);
  if (r.referrers?.length) bits.push(`with ${r.referrers.length} referrer${r.referrers.length > 1 ? 's' : ''}`);
  return bits.join('; ');
}

/** The terminal form: a line per pair, the tags that are not identical, warnings, and rate-limit figures. */
export function renderSyncText(report: SyncReport): string {
  const out: string[] = [];
  const head = report.mode === 'check' ? 'check (nothing written)' : 'sync';
  out.push(`${head}: ${report.pairs.length} of ${report.config.pairs} pairs${report.shard ? ` (shard ${report.shard.index}/${report.shard.count})` : ''} from ${report.config.path}`);
  for (const p of report.pairs) {
    if (p.listingError) {
      out.push(`${p.key}: could not list the ${p.listingError.side} repository: ${p.listingError.message}`);
      continue;
    }
    out.push(pairLine(p, report.mode));
    const shown = p.results.filter((r) => r.status !== 'identical');
    const w = Math.max(3, ...shown.map((r) => r.tag.length));
    for (const r of shown) out.push(`  ${r.status.padEnd(9)} ${r.tag.padEnd(w)}  ${shortDigest(r.old).padEnd(12)}  ${note(r)}`.trimEnd());
    for (const wmsg of p.warnings) out.push(`  warning: ${wmsg}`);
  }
  const t = report.totals;
  out.push(`total: ${t.pairs} pairs, ${t.total} tags: ${t.identical} identical${report.mode === 'sync' ? `, ${t.copied} copied` : ''}, ${t.missing} missing, ${t.different} different, ${t.error} errors`);
  for (const r of report.rate) {
    const budget = r.lowestRemaining !== undefined ? `, budget ${r.lowestRemaining}${r.limit !== undefined ? `/${r.limit}` : ''} left at the lowest` : '';
    const paused = r.pauses ? `, paused ${r.pauses}x (${(r.pausedMs / 1000).toFixed(1)} s) to stay inside it` : '';
    out.push(`  ${r.host}: ${r.requests} requests${budget}${paused}${r.refused ? `, ${r.refused} refused (429)` : ''}`);
  }
  if (report.missingShards?.length) out.push(`error: no report for shard${report.missingShards.length > 1 ? 's' : ''} ${report.missingShards.join(', ')}: those pairs were not checked`);
  out.push(`in ${report.seconds.toFixed(1)} s`);
  return out.join('\n') + '\n';
}

/** Markdown for a job summary or an issue: a table per pair, long ones folded. */
export function renderSyncMarkdown(report: SyncReport): string {
  const t = report.totals;
  const title = report.mode === 'check' ? 'Registry drift check' : 'Registry sync';
  const lines = [`### ${title}`, '', `${t.pairs} pairs, ${t.total} tags: ${t.identical} identical${report.mode === 'sync' ? `, ${t.copied} copied` : ''}, ${t.missing} missing, ${t.different} different, ${t.error} errors.`, ''];
  if (report.missingShards?.length) lines.push(`**Not checked:** no report for shard ${report.missingShards.join(', ')}.`, '');
  lines.push('| Pair | Tags | Identical | Copied | Missing | Different | Errors |', '|---|---|---|---|---|---|---|');
  for (const p of report.pairs) {
    const s = p.summary;
    lines.push(`| \`${esc(p.old)}\` → \`${esc(p.new)}\` | ${s.total} | ${s.identical} | ${s.copied} | ${s.missing} | ${s.different} | ${p.listingError ? `listing failed: ${esc(p.listingError.message)}` : s.error} |`);
  }
  lines.push('');
  for (const p of report.pairs) {
    const shown = p.results.filter((r) => r.status !== 'identical');
    if (!shown.length && !p.warnings.length) continue;
    const rows = ['| Tag | Status | Old digest | New digest | Notes |', '|---|---|---|---|---|'];
    for (const r of shown) rows.push(`| \`${esc(r.tag)}\` | ${r.status} | \`${shortDigest(r.old)}\` | ${r.new ? `\`${shortDigest(r.new)}\`` : '—'} | ${esc(note(r))} |`);
    for (const w of p.warnings) rows.push(`| | warning | | | ${esc(w)} |`);
    const body = rows.join('\n');
    lines.push(shown.length > 15 ? `<details><summary><code>${p.key}</code>: ${shown.length} tags not identical</summary>\n\n${body}\n\n</details>` : `**\`${p.key}\`**\n\n${body}`, '');
  }
  return lines.join('\n');
}
