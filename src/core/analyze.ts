import { normalizedName } from './reference/imageReference';
import type { MigrationRule, RuleSet, Severity } from './rules/migrationRule';
import { RuleMatcher } from './rules/matchRule';
import { dedupeEdits } from './rewrite/applyEdits';
import { applyTagPolicy } from './rewrite/applyTagPolicy';
import { type PlannedCompanion, planCompanionEdits } from './rewrite/companionEdits';
import { planKustomizeNewName } from './rewrite/kustomizeNewName';
import { planRewrite } from './rewrite/planEdits';
import { RULES_FILE_NAME } from './rules/loadRuleSet';
import type { FileFormat } from './scan/fileFormat';
import { findMentions } from './scan/findMentions';
import { forgetYamlTree } from './scan/yaml/yamlTree';
import type { ImageMention, MentionPart } from './scan/imageMention';
import type { Span, TextEdit } from './text/span';

export { applyEdits } from './rewrite/applyEdits';
export { loadRuleSet, RULES_FILE_NAME } from './rules/loadRuleSet';
export { detectFileFormat, detectFormat } from './scan/formatTable';
export type { ImageMention, MentionPart } from './scan/imageMention';
export type { MigrationRule, RuleProblem, RuleSet, Severity } from './rules/migrationRule';
export type { Span, TextEdit } from './text/span';

/** A deprecated reference: which rule, where, and the edits that fix it. */
export interface Finding {
  /** Stable for one text: rule id and span. */
  key: string;
  mention: ImageMention;
  rule: MigrationRule;
  /** The rules followed when the new home itself moved again (first is `rule`). */
  chain: MigrationRule[];
  message: string;
  severity: Severity;
  /** Where to show it: the reference, or each field of a split reference. */
  spans: Span[];
  /** Normalized old and new repository names; newName is null for a rule with no target. */
  oldName: string;
  newName: string | null;
  /** What replaces `mention.text`, or null when there is no target. */
  replacement: string | null;
  /** For split references: each field's new text. */
  partReplacements?: { part: MentionPart; newText: string }[];
  /** Empty when the rule has no target, or when the fix overlaps another one. */
  edits: TextEdit[];
  /**
   * A note, not a deprecated reference: a bare registry host or namespace (`k8s.gcr.io`,
   * `gcr.io/google-containers`) whose images moved. It carries the new namespace in its
   * message and is never rewritten: a namespace rewritten as an image would be nonsense.
   */
  note?: true;
  /** The tag as the new home writes it, when the rule transforms tags (`0.49.0` -> `v0.49.0`). */
  newTag?: string;
  /** Why the tag has no new home (outside the rule's tag range); then `edits` is empty. */
  tagProblem?: string;
  /** Companion edits included in `edits` (the same edit object on every finding of the file that needs it). */
  companions?: PlannedCompanion[];
}

export interface FileAnalysis {
  mentions: ImageMention[];
  findings: Finding[];
  /** Set when the file was not scanned (binary, too large). */
  skippedFile?: string;
  /**
   * Bare registry hosts and namespaces under a moved prefix (`k8s.gcr.io` in prose): notes
   * with the new namespace, never rewritten, never counted as deprecated references.
   */
  notes?: Finding[];
}

export interface AnalyzeOptions {
  /** Files longer than this many UTF-16 code units are skipped with a note. Default 5 MiB. */
  maxBytes?: number;
  format?: FileFormat;
  /** Run the content finder (any token under a rule's explicit prefix, in any text). Default true. */
  contentFinder?: boolean;
}

const matchers = new WeakMap<RuleSet, RuleMatcher>();

/** One matcher per rule set, built on first use. */
export function matcherFor(ruleSet: RuleSet): RuleMatcher {
  let m = matchers.get(ruleSet);
  if (!m) matchers.set(ruleSet, (m = new RuleMatcher(ruleSet)));
  return m;
}

/** True when the text looks binary: a NUL in its first 8,000 characters, as git decides. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 8000).includes('\0');
}

/**
 * Finds every image reference in one file's text and the deprecated ones among them,
 * each with the minimal edits that fix it. The same function serves the CLI and the
 * editor, so both give the same answer. Never throws on user text.
 */
export function analyzeText(text: string, filePath: string, ruleSet: RuleSet, options: AnalyzeOptions = {}): FileAnalysis {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  if (text.length > maxBytes) return { mentions: [], findings: [], skippedFile: `larger than ${Math.round(maxBytes / 1024)} KB` };
  if (looksBinary(text)) return { mentions: [], findings: [], skippedFile: 'binary file' };
  const matcher = matcherFor(ruleSet);
  const content = options.contentFinder !== false && !namesRules(filePath);
  const mentions = findMentions(text, filePath, options.format, { contentPrefixes: content ? matcher.contentPrefixes : undefined });
  let findings: Finding[] = [];
  const notes: Finding[] = [];
  for (const mention of mentions) {
    const f = findingFor(mention, matcher);
    if (f?.note) notes.push(f);
    else if (f) findings.push(f);
  }
  for (const f of findings) applyTagPolicy(f);
  findings = planKustomizeNewName(text, findings);
  guardSharedFields(text.length, mentions, findings);
  const { dropped } = dedupeEdits(findings.flatMap((f) => f.edits));
  if (dropped.length) {
    const droppedSet = new Set(dropped);
    for (const f of findings) {
      if (f.edits.some((e) => droppedSet.has(e))) {
        f.edits = [];
        f.message += ' Its fix overlaps another one in this file; fix it by hand.';
      }
    }
  }
  planCompanionEdits(text, findings);
  forgetYamlTree();
  return notes.length ? { mentions, findings, notes } : { mentions, findings };
}

/**
 * Files that hold the rules themselves: `.registry-migrations.yaml` and VS Code settings
 * (`registryMigrator.rules`). Their `from` names are not references to move.
 */
function namesRules(filePath: string): boolean {
  const p = filePath.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  return base === RULES_FILE_NAME || base === '.registry-migrations.yml' || /(^|\/)\.vscode\/settings\.json$/.test(p) || /(^|\/)User\/settings\.json$/.test(p) || base.endsWith('.code-workspace');
}

/**
 * A split field that several images share (Helm's `global.imageRegistry`) must not be
 * rewritten for one of them: `global.imageRegistry: docker.io` moved to `ghcr.io` for the
 * Spark Operator would move every other image of the chart too. Such a finding keeps its
 * other edits only when the shared field stays as it is; otherwise it is left for a hand fix.
 */
function guardSharedFields(length: number, mentions: readonly ImageMention[], findings: Finding[]): void {
  const users = new Map<number | string, number>();
  // A number, not a `${start}-${end}` string per part (this runs for every mention); exact
  // while offsets stay below 2^26, which a file over 64 MB leaves to the string. In a file
  // under 32 KB (most) the key stays below 2^30, a small integer: no heap number per part.
  const key =
    length < 0x8000
      ? (s: Span) => (s.end < 0x8000 ? s.start * 0x8000 + s.end : `${s.start}-${s.end}`)
      : (s: Span) => (s.end < 0x4000000 ? s.start * 0x4000000 + s.end : `${s.start}-${s.end}`);
  // Only a split finding can touch a shared field: most files have none, so no map.
  if (!findings.some((f) => f.mention.parts)) return;
  for (const m of mentions) {
    if (!m.parts) continue;
    for (const p of m.parts) {
      const k = key(p.span);
      users.set(k, (users.get(k) ?? 0) + 1);
    }
  }
  for (const f of findings) {
    const shared = f.mention.parts?.filter((p) => (users.get(key(p.span)) ?? 0) > 1) ?? [];
    const touched = shared.filter((p) => f.edits.some((e) => e.span.start === p.span.start && e.span.end === p.span.end));
    if (touched.length === 0) continue;
    const wanted = touched.map((p) => `${p.role} ${f.partReplacements?.find((r) => r.part === p)?.newText ?? ''}`).join(', ');
    f.edits = [];
    f.message += ` Its ${touched.map((p) => p.role).join(' and ')} field (${touched.map((p) => p.text).join(', ')}) is shared with other images, so it is not rewritten: give this image its own ${wanted} by hand.`;
  }
}

export function findingFor(mention: ImageMention, matcher: RuleMatcher): Finding | undefined {
  if (mention.namespaceOnly) return namespaceNote(mention, mention.text.toLowerCase(), matcher);
  if (mention.skipped || !mention.ref) return undefined;
  const oldName = normalizedName(mention.ref);
  const m = matcher.match(oldName);
  if (!m || m.newName === oldName) return undefined;
  if (m.namespaceOnly) return namespaceNote(mention, oldName, matcher);
  const spans = mention.parts ? mention.parts.filter((p) => p.role === 'registry' || p.role === 'repository').map((p) => p.span) : [mention.span];
  const written = mention.ref.domain ? `${mention.ref.domain}/${mention.ref.path}` : mention.ref.path;
  const key = `${m.rule.id}@${mention.span.start}-${mention.span.end}`;
  // One object literal per finding, no spread of a shared base: this runs for every
  // deprecated reference of a scan (60,000 in bench:scan's dense tree).
  if (m.newName === null) {
    const message = `${written} ${m.rule.reason.startsWith('the') ? '— ' + m.rule.reason : m.rule.reason}${since(m.rule)}; ${m.rule.message ?? 'there is no new location'}.`;
    return { key, mention, rule: m.rule, chain: m.chain, severity: m.rule.severity, spans, oldName, newName: null, message, replacement: null, edits: [] };
  }
  const plan = planRewrite(mention, m.newName);
  const via = m.chain.length > 1 ? ` (via ${m.chain.map((r) => r.id).join(' → ')})` : '';
  let message = `${written} moved to ${m.newName}: ${m.rule.reason}${since(m.rule)}${via}.`;
  if (mention.ref.digest) message += ` The digest ${mention.ref.digest.slice(0, 19)}… must exist at the new location; check it with \`registry-migrator verify\`.`;
  return {
    key,
    mention,
    rule: m.rule,
    chain: m.chain,
    severity: m.rule.severity,
    spans,
    oldName,
    newName: m.newName,
    message,
    replacement: plan?.replacement ?? null,
    partReplacements: plan?.partReplacements,
    edits: plan?.edits ?? [],
  };
}

/** A bare host or namespace under a prefix rule: a note with the new namespace, no edit. */
function namespaceNote(mention: ImageMention, name: string, matcher: RuleMatcher): Finding | undefined {
  const m = matcher.match(name);
  if (!m || !m.namespaceOnly) return undefined;
  const written = mention.namespaceOnly ? mention.text : mention.ref ? (mention.ref.domain ? `${mention.ref.domain}/${mention.ref.path}` : mention.ref.path) : mention.text;
  const where = m.newName ? `its images moved to ${m.newName}` : m.rule.message ?? 'its images have no new location';
  return {
    key: `${m.rule.id}@${mention.span.start}-${mention.span.end}`,
    mention,
    rule: m.rule,
    chain: m.chain,
    severity: 'info',
    spans: [mention.span],
    oldName: name,
    newName: m.newName,
    message: `${written} is a registry namespace, not an image: ${where} (${m.rule.reason}). Not rewritten; change it by hand if it names the location.`,
    replacement: null,
    edits: [],
    note: true,
  };
}

function since(rule: MigrationRule): string {
  return rule.since ? ` (since ${rule.since})` : '';
}
