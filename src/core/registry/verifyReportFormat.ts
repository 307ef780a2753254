import type { TagParity, VerifyReport } from './verifyRepositories';

/** `sha256:0123456789abcdef…` -> `0123456789ab`; '-' when there is no digest. */
export const shortDigest = (d: string | undefined | null): string => (d ? d.replace(/^sha256:/, '').slice(0, 12) : '-');

/** Why a tag is not identical, in a few words (which platforms differ, or the error's cause). */
export function parityNote(r: TagParity): string {
  if (r.status === 'error') return r.cause?.message ?? '';
  if (r.status === 'different') {
    if (r.platformsIdentical) return 'every platform identical; only the index differs';
    const diff = r.platforms.filter((p) => p.status !== 'identical').map((p) => `${p.platform} ${p.status}`);
    return diff.length ? diff.join(', ') : `${r.old?.mediaType ?? ''} vs ${r.new?.mediaType ?? ''}`;
  }
  return '';
}

/**
 * The Markdown parity table for a migration pull request: `verify --format markdown` and the
 * Tag Explorer's "Export Report" print the same text.
 */
export function renderVerifyMarkdown(report: VerifyReport): string {
  const s = report.summary;
  const esc = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`**Registry parity** \`${s.old}\` → \`${s.new}\`: ${s.total} tags, ${s.identical} identical, ${s.missing} missing, ${s.different} different, ${s.onlyInNew} only in new, ${s.error} errors.`, ''];
  if (s.listingError) lines.push(`Could not list the ${s.listingError.side} repository: ${esc(s.listingError.message)}`, '');
  lines.push('| Tag | Status | Old digest | New digest | Notes |', '|---|---|---|---|---|');
  for (const r of report.results) {
    lines.push(`| \`${r.tag}\` | ${r.status} | ${r.old ? `\`${shortDigest(r.old.digest)}\`` : '—'} | ${r.new ? `\`${shortDigest(r.new.digest)}\`` : '—'} | ${esc(parityNote(r))} |`);
  }
  return lines.join('\n') + '\n';
}
