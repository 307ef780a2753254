import type { MigrationRule } from '../core/rules/migrationRule';
import type { MentionRecord } from '../core/report/mentionRecords';

const LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * SARIF 2.1.0 for GitHub code scanning: one result per deprecated reference, with the
 * fix as a `fixes` entry. https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function toSarif(records: readonly MentionRecord[], rules: readonly MigrationRule[], version: string): object {
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
            message: { text: m.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: encodeURI(m.file), uriBaseId: '%SRCROOT%' },
                  region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
                },
              },
            ],
            partialFingerprints: { 'registryMigrator/v1': `${m.rule}:${m.file}:${m.text}` },
          })),
      },
    ],
  };
}
