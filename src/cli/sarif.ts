import { createHash } from 'crypto';
import type { MigrationRule } from '../core/rules/migrationRule';
import { type MentionRecord, lineWindows } from '../core/report/mentionRecords';

const LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * SARIF 2.1.0 for GitHub code scanning: one result per deprecated reference, with the
 * fix as a `fixes` entry. https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function toSarif(records: readonly MentionRecord[], rules: readonly MigrationRule[], version: string): object {
  const fingerprint = fingerprints();
  const used = rules.filter((r) => records.some((m) => m.rule === r.id));
  const ruleIndex = new Map(used.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'registry-migrator',
            version,
            informationUri: 'https://github.com/registry-migrator/registry-migrator',
            rules: used.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]/g, ''),
              shortDescription: { text: `${r.from.join(', ')} ${r.to ? `moved to ${r.to}` : 'has no new home'}` },
              fullDescription: { text: `${r.reason}${r.since ? ` (since ${r.since})` : ''}.${r.message ? ' ' + r.message + '.' : ''}` },
              ...(r.source ? { helpUri: r.source } : {}),
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: './' } },
        results: records
          .filter((m) => m.deprecated && m.rule)
          .map((m) => ({
            ruleId: m.rule,
            ruleIndex: ruleIndex.get(m.rule!),
            level: LEVEL[m.severity ?? 'warning'],
            message: { text: m.verification ? `${m.message} Registry check: ${m.verification.state}: ${m.verification.detail}.` : m.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: encodeURI(m.file), uriBaseId: '%SRCROOT%' },
                  region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
                },
              },
            ],
            partialFingerprints: { 'registryMigrator/v2': fingerprint(m) },
            ...(m.verification ? { properties: { verification: m.verification } } : {}),
          })),
      },
    ],
  };
}

/**
 * One fingerprint per occurrence, stable when unrelated lines move: a hash of the rule,
 * file, reference text and the trimmed text of its line and neighbours (not the line
 * number), then `:N` for the Nth occurrence of the same hash, so two equal references with
 * equal surroundings stay two alerts.
 */
function fingerprints(): (m: MentionRecord) => string {
  const seen = new Map<string, number>();
  return (m) => {
    const h = createHash('sha256').update([m.rule, m.file, m.text, lineWindows.get(m) ?? ''].join('\0')).digest('hex').slice(0, 32);
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    return `${h}:${n}`;
  };
}
