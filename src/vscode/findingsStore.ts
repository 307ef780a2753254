import * as vscode from 'vscode';
import { analyzeText, detectFileFormat, type Finding, type ImageMention, type RuleSet } from '../core/analyze';
import type { Verification } from '../core/verify/index';
import { isAnalyzableUri } from './analyzableDocument';
import type { FileFormat } from '../core/scan/fileFormat';
import { documentPositions, type Positions, sourceUri, textPositions, toDiagnosticSeverity } from './convert';
import { Disposable } from './disposable';
import { globMatcher } from '../core/text/globMatcher';
import type { RuleSets } from './ruleSets';
import { readSettings } from './settings';

/** One compiled matcher per rules file `exclude:` list. */
const excludeMatchers = new WeakMap<readonly string[], (relPath: string) => boolean>();

export const DIAGNOSTIC_SOURCE = 'Registry Migrator';

/** The findings behind one document version's diagnostics. */
export interface DocumentRecord {
  version: number;
  findings: Finding[];
  /** Every image reference of the document, deprecated or not (for the hover). */
  mentions: ImageMention[];
  /** diagnosticKey(diagnostic) -> its finding (a split reference has one key per field). */
  byKey: Map<string, Finding>;
}

/** Unsaved documents have no file name; their language decides the format. */
const LANGUAGE_FORMATS: Record<string, FileFormat> = {
  dockerfile: 'dockerfile',
  yaml: 'yaml',
  'github-actions-workflow': 'github-workflow',
  markdown: 'markdown',
  shellscript: 'shell',
  makefile: 'makefile',
  json: 'json',
  jsonc: 'json',
};

/**
 * Which format a document is scanned as by its name, or undefined when the engine does not
 * scan it. Every file on disk is scanned (`text`: the content finder at least, and the core
 * detects workflows, pipelines and scripts by content); unsaved documents go by language.
 */
export function formatOf(uri: vscode.Uri, languageId?: string): FileFormat | undefined {
  const byPath = detectFileFormat(uri.path);
  if (byPath) return byPath;
  if (uri.scheme !== 'untitled') return 'text';
  return languageId ? LANGUAGE_FORMATS[languageId] : undefined;
}

/** What identifies a diagnostic across the extension host boundary: rule and range. */
export function diagnosticKey(d: vscode.Diagnostic): string {
  const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
  const r = d.range;
  return `${code}@${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/**
 * Owns the diagnostics, and records, per document version, the finding (with its edits)
 * behind each diagnostic, so quick fixes apply exactly what was planned when the
 * diagnostic was raised (CodeActions.record in microsoft/vscode-eslint).
 */
export class FindingsStore extends Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly records = new Map<string, DocumentRecord>();
  /** Every file's last published findings, open or not: read by the Tag Explorer for its roots. */
  private readonly published = new Map<string, readonly Finding[]>();
  private readonly findingsChanged = this._register(new vscode.EventEmitter<void>());
  /** Fires after any file's findings were published or removed (many times during a scan: debounce). */
  readonly onDidChangeFindings = this.findingsChanged.event;

  /** The session's registry answer for a finding (set by the extension: the shared VerificationStore). */
  verificationOf: (f: Finding) => Verification | undefined = () => undefined;

  constructor(private readonly rules: RuleSets, private readonly log: vscode.LogOutputChannel) {
    super();
    this.collection = this._register(vscode.languages.createDiagnosticCollection('registryMigrator'));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.records.delete(d.uri.toString())));
  }

  /** Analyzes an open document and publishes its diagnostics. Never throws. */
  analyzeDocument(doc: vscode.TextDocument): DocumentRecord | undefined {
    // The refactor preview, git's diff sides and other virtual documents are not analysed.
    if (!isAnalyzableUri(doc.uri)) return undefined;
    const format = formatOf(doc.uri, doc.languageId);
    if (!format) return undefined;
    // A saved file's format is the core's to detect, by name and content, as the CLI does.
    const { findings, mentions } = this.analyzeFull(doc.getText(), doc.uri, doc.uri.scheme === 'untitled' ? format : undefined);
    return this.publish(doc.uri, findings, documentPositions(doc), doc.version, mentions);
  }

  /** Analyzes a file's text read from disk (not open in an editor) and publishes it. */
  analyzeFileText(uri: vscode.Uri, text: string, maxBytes?: number): Finding[] {
    const format = formatOf(uri);
    if (!format) return [];
    const findings = this.analyze(text, uri, undefined, maxBytes);
    this.publish(uri, findings, textPositions(text));
    return findings;
  }

  /** The rules in force for `uri` (per workspace folder). */
  ruleSetFor(uri: vscode.Uri): RuleSet {
    return this.rules.get(uri);
  }

  /**
   * Publishes findings a scan worker computed for a closed file's `text` (from disk). Their
   * rules are copies from the worker: they are pointed back at this host's rule objects.
   */
  publishScanned(uri: vscode.Uri, findings: Finding[], text: string): Finding[] {
    const byId = new Map(this.rules.get(uri).rules.map((r) => [r.id, r]));
    for (const f of findings) {
      f.rule = byId.get(f.rule.id) ?? f.rule;
      f.chain = f.chain.map((r) => byId.get(r.id) ?? r);
    }
    const enabled = findings.filter((f) => f.rule.enabled);
    this.publish(uri, enabled, textPositions(text));
    return enabled;
  }

  /** A closed file the scan found clean: its old diagnostics go. */
  publishClean(uri: vscode.Uri): void {
    this.publish(uri, [], textPositions(''));
  }

  /** The record for the document's current version, analyzing it again if it is stale. */
  current(doc: vscode.TextDocument): DocumentRecord | undefined {
    const r = this.records.get(doc.uri.toString());
    if (r && r.version === doc.version) return r;
    return this.analyzeDocument(doc);
  }

  delete(uri: vscode.Uri): void {
    this.records.delete(uri.toString());
    this.collection.delete(uri);
    if (this.published.delete(uri.toString())) this.findingsChanged.fire();
  }

  /** The findings of every file in the workspace, as last published (read-only). */
  allFindings(): Iterable<readonly Finding[]> {
    return this.published.values();
  }

  /**
   * True when the folder's .registry-migrations.yaml `exclude:` list names this file: the
   * workspace scan and Migrate Workspace skip it, as the CLI does.
   */
  isExcludedByRules(uri: vscode.Uri): boolean {
    const exclude = this.rules.get(uri).exclude;
    if (!exclude?.length) return false;
    let m = excludeMatchers.get(exclude);
    if (!m) excludeMatchers.set(exclude, (m = globMatcher(exclude)));
    return m(vscode.workspace.asRelativePath(uri, false));
  }

  /** Findings for `text` under the rules in force for `uri`; [] on any failure. */
  analyze(text: string, uri: vscode.Uri, format?: FileFormat, maxBytes?: number): Finding[] {
    return this.analyzeFull(text, uri, format, maxBytes).findings;
  }

  /** Findings and every mention for `text`; empty on any failure. */
  private analyzeFull(text: string, uri: vscode.Uri, format?: FileFormat, maxBytes?: number): { findings: Finding[]; mentions: ImageMention[] } {
    try {
      const analysis = analyzeText(text, uri.path, this.rules.get(uri), { maxBytes: maxBytes ?? readSettings(uri).maxFileSizeKB * 1024, format });
      if (analysis.skippedFile) this.log.debug(`skipped ${uri.fsPath}: ${analysis.skippedFile}`);
      return { findings: analysis.findings.filter((f) => f.rule.enabled), mentions: analysis.mentions };
    } catch (e) {
      // The core promises not to throw on user text; if it ever does, one file goes quiet
      // instead of the extension host.
      this.log.error(`analyzing ${uri.fsPath} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return { findings: [], mentions: [] };
    }
  }

  private publish(uri: vscode.Uri, findings: Finding[], positions: Positions, version?: number, mentions: ImageMention[] = []): DocumentRecord {
    const diagnostics: vscode.Diagnostic[] = [];
    const byKey = new Map<string, Finding>();
    for (const f of findings) {
      const ranges = f.spans.map((s) => positions.range(s));
      ranges.forEach((range, i) => {
        // "… moved to registry.k8s.io/pause: … registry.k8s.io/pause:3.9: same digest as k8s.gcr.io/pause:3.9, sha256:7031c1b2…."
        const v = this.verificationOf(f);
        const d = new vscode.Diagnostic(range, v ? `${f.message} ${v.detail}.` : f.message, toDiagnosticSeverity(f.severity));
        d.source = DIAGNOSTIC_SOURCE;
        const target = sourceUri(f.rule.source);
        d.code = target ? { value: f.rule.id, target } : f.rule.id;
        d.tags = [vscode.DiagnosticTag.Deprecated];
        if (ranges.length > 1) {
          d.relatedInformation = ranges
            .filter((_, j) => j !== i)
            .map((other, j) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, other), relatedMessage(f, j >= i ? j + 1 : j)));
        }
        diagnostics.push(d);
        byKey.set(diagnosticKey(d), f);
      });
    }
    this.collection.set(uri, diagnostics);
    const hadFindings = this.published.has(uri.toString());
    if (findings.length) this.published.set(uri.toString(), findings);
    else this.published.delete(uri.toString());
    if (findings.length || hadFindings) this.findingsChanged.fire();
    const record: DocumentRecord = { version: version ?? -1, findings, mentions, byKey };
    if (version !== undefined) this.records.set(uri.toString(), record);
    return record;
  }
}

/** "the registry field (gcr.io) of the same image": what the other half of a split pair is. */
function relatedMessage(f: Finding, spanIndex: number): string {
  const span = f.spans[spanIndex];
  const part = f.mention.parts?.find((p) => p.span.start === span.start && p.span.end === span.end);
  return part ? `the ${part.role} field (${part.text}) of the same image` : 'the other field of the same image';
}
