import * as vscode from 'vscode';
import type { Severity } from '../core/analyze';

export const SECTION = 'registryMigrator';

/** The extension's settings, parsed with defaults; see "contributes.configuration" in package.json. */
export interface Settings {
  /** Extra rules, the shape of `rules:` in .registry-migrations.yaml; validated by the core. */
  rules: unknown;
  disabledRules: string[];
  severity: Severity | 'rule';
  /** Globs, relative to a workspace folder, added to `files.exclude`. */
  exclude: string[];
  scanWorkspaceOnStartup: boolean;
  maxFileSizeKB: number;
  /** Migrate Workspace…: ask (a modal: Apply / Preview…), always preview, or never. */
  migratePreview: MigratePreview;
  /** Registry checks of the open files' references: never, when asked, or as files open and change. */
  verifyReferences: VerifyReferencesMode;
}

export type VerifyReferencesMode = 'off' | 'onDemand' | 'auto';
const VERIFY_MODES: readonly VerifyReferencesMode[] = ['off', 'onDemand', 'auto'];

export type MigratePreview = 'ask' | 'always' | 'never';
const MIGRATE_PREVIEW: readonly MigratePreview[] = ['ask', 'always', 'never'];

const SEVERITY_SETTINGS: readonly Settings['severity'][] = ['rule', 'error', 'warning', 'info', 'hint'];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**', '**/vendor/**'];

/** Reads the settings for a resource (rules can differ per workspace folder). Never throws. */
export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const strings = (v: unknown, fallback: string[]): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : fallback;
  const severity = c.get<unknown>('severity');
  const maxKB = c.get<unknown>('maxFileSizeKB');
  const rules = c.get<unknown>('rules');
  const preview = c.get<unknown>('migratePreview');
  const verify = c.get<unknown>('verifyReferences');
  return {
    rules: Array.isArray(rules) && rules.length === 0 ? undefined : rules ?? undefined,
    disabledRules: strings(c.get('disabledRules'), []),
    severity: SEVERITY_SETTINGS.includes(severity as Settings['severity']) ? (severity as Settings['severity']) : 'rule',
    exclude: strings(c.get('exclude'), DEFAULT_EXCLUDE),
    scanWorkspaceOnStartup: c.get<unknown>('scanWorkspaceOnStartup') !== false,
    maxFileSizeKB: typeof maxKB === 'number' && Number.isFinite(maxKB) && maxKB > 0 ? maxKB : 1024,
    migratePreview: MIGRATE_PREVIEW.includes(preview as MigratePreview) ? (preview as MigratePreview) : 'ask',
    verifyReferences: VERIFY_MODES.includes(verify as VerifyReferencesMode) ? (verify as VerifyReferencesMode) : 'onDemand',
  };
}

/** The `files.exclude` globs that are on, for one folder. */
export function filesExclude(scope?: vscode.Uri): string[] {
  const v = vscode.workspace.getConfiguration('files', scope).get<Record<string, unknown>>('exclude') ?? {};
  return Object.entries(v).filter(([, on]) => on === true).map(([glob]) => glob);
}
