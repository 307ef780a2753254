import type { Node, Pair } from 'yaml';
import { loadYaml } from '../text/loadYaml';
import { isDomainComponent, parseImageReference } from '../reference/imageReference';
import { builtinRules } from './builtinRules';
import { type CompanionEdit, type MigrationRule, type RuleProblem, type RuleSet, type Severity, SEVERITIES, type TagPolicy } from './migrationRule';
import { checkTagPolicy } from './tagPolicy';
import { normalizeRuleName, RuleMatcher } from './matchRule';

export interface RuleSetInput {
  /** Extra rules from settings (VS Code `registryMigrator.rules`): the file's `rules:` shape. */
  userRules?: unknown;
  /** `.registry-migrations.yaml`, or the CLI's `--rules FILE`. */
  rulesFile?: { text: string; path: string };
  /** Rule ids to turn off. */
  disabledRules?: readonly string[];
  /** One severity for every rule, or 'rule' (the default) to keep each rule's own. */
  severity?: Severity | 'rule';
}

export interface LoadedRuleSet {
  ruleSet: RuleSet;
  /** Problems of user rules. The built-in rules always load; a bad user rule is left out. */
  problems: RuleProblem[];
  /** The rules file's `exclude:` globs (paths the CLI and the workspace scan skip). */
  exclude: string[];
}

const RULE_KEYS = new Set(['id', 'from', 'to', 'match', 'reason', 'since', 'source', 'message', 'severity', 'enabled', 'tags', 'companions']);
const TAG_KEYS = new Set(['pattern', 'range', 'until', 'exclude', 'message', 'transform', 'source']);

export const RULES_FILE_NAME = '.registry-migrations.yaml';

/**
 * The rules in force: built-ins, then settings, then the rules file. A user rule with a
 * built-in's id replaces it (`{id: BITNAMI-LEGACY, enabled: false}` turns it off).
 * Never throws on user input: every problem comes back with its line and column.
 */
export function loadRuleSet(input: RuleSetInput = {}): LoadedRuleSet {
  const problems: RuleProblem[] = [];
  const byId = new Map<string, MigrationRule>();
  for (const r of builtinRules()) byId.set(r.id, r);

  if (input.userRules !== undefined) {
    const reporter = (message: string) => problems.push({ name: 'RuleProblem', path: 'settings: registryMigrator.rules', line: 1, column: 1, message });
    if (!Array.isArray(input.userRules)) reporter('expected a list of rules');
    else {
      input.userRules.forEach((raw, i) => {
        const rule = validateRule(raw, 'settings', byId, (m) => reporter(`rule ${i + 1}: ${m}`));
        if (rule) byId.set(rule.id, rule);
      });
    }
  }

  const exclude: string[] = [];
  if (input.rulesFile) loadRulesFile(input.rulesFile.text, input.rulesFile.path, byId, problems, exclude);

  // Stryker disable next-line ArrayDeclaration: an id no rule has is ignored, so a non-empty default list changes nothing
  for (const id of input.disabledRules ?? []) {
    const r = byId.get(id);
    if (r) byId.set(id, { ...r, enabled: false });
  }
  let rules = [...byId.values()];
  if (input.severity && input.severity !== 'rule') rules = rules.map((r) => ({ ...r, severity: input.severity as Severity }));
  return { ruleSet: exclude.length ? { rules, exclude } : { rules }, problems: problems.concat(findCycles(rules)), exclude };
}

function loadRulesFile(text: string, path: string, byId: Map<string, MigrationRule>, problems: RuleProblem[], exclude: string[]): void {
  const { LineCounter, parseDocument, isMap, isSeq, isScalar } = loadYaml();
  const lc = new LineCounter();
  const at = (offset: number, message: string) => {
    const p = lc.linePos(Math.max(0, offset));
    problems.push({ name: 'RuleProblem', path, line: p.line, column: p.col, message });
  };
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    at(0, `cannot read the rules file: ${(e as Error).message}`);
    return;
  }
  if (doc.errors.length) {
    for (const e of doc.errors) at(e.pos[0], e.message.split('\n')[0]);
    return;
  }
  const root = doc.contents;
  if (root === null) return;
  if (!isMap(root)) {
    // Stryker disable next-line OptionalChaining: the yaml parser gives every node a range
    at(root.range?.[0] ?? 0, 'expected a mapping with a `rules:` list');
    return;
  }
  for (const pair of root.items as Pair<Node, Node | null>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    // Stryker disable next-line OptionalChaining: the yaml parser gives every key a node with a range (an empty key is a null scalar)
    if (key !== 'rules' && key !== 'disabledRules' && key !== 'exclude') at(pair.key?.range?.[0] ?? 0, `unknown key "${key}" (expected "rules", "disabledRules" or "exclude")`);
  }
  const excludeNode = root.get('exclude', true) as Node | undefined;
  if (excludeNode) {
    if (!isSeq(excludeNode)) at(excludeNode.range?.[0] ?? 0, '`exclude` must be a list of globs, e.g. ["vendor/**", "docs/releases/**"]');
    else {
      for (const item of excludeNode.items as Node[]) {
        if (isScalar(item) && typeof item.value === 'string' && item.value.trim() !== '') exclude.push(item.value);
        else at(item.range?.[0] ?? 0, 'each `exclude` entry must be a glob such as vendor/**');
      }
    }
  }
  const disabled = root.get('disabledRules', true) as Node | undefined;
  if (disabled) {
    if (!isSeq(disabled)) at(disabled.range?.[0] ?? 0, '`disabledRules` must be a list of rule ids');
    else {
      for (const item of disabled.items as Node[]) {
        const id = isScalar(item) ? String(item.value) : '';
        const r = byId.get(id);
        if (!r) at(item.range?.[0] ?? 0, `unknown rule id "${id}"`);
        else byId.set(id, { ...r, enabled: false });
      }
    }
  }
  const list = root.get('rules', true) as Node | undefined;
  if (!list) return;
  if (!isSeq(list)) {
    at(list.range?.[0] ?? 0, '`rules` must be a list');
    return;
  }
  const seen = new Set<string>();
  for (const item of list.items as Node[]) {
    const start = item.range?.[0] ?? 0;
    if (!isMap(item)) {
      at(start, 'each rule must be a mapping with at least `id` and `from`');
      continue;
    }
    for (const pair of item.items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      // Stryker disable next-line OptionalChaining: the yaml parser gives every key a node with a range (an empty key is a null scalar)
      if (!RULE_KEYS.has(key)) at(pair.key?.range?.[0] ?? start, `unknown rule key "${key}" (expected one of ${[...RULE_KEYS].join(', ')})`);
    }
    const valueAt = (key: string): number => (item.get(key, true) as Node | undefined)?.range?.[0] ?? start;
    const rule = validateRule(item.toJSON(), 'file', byId, (m, key) => at(key ? valueAt(key) : start, m));
    if (!rule) continue;
    if (seen.has(rule.id)) {
      at(valueAt('id'), `duplicate rule id "${rule.id}"`);
      continue;
    }
    seen.add(rule.id);
    byId.set(rule.id, rule);
  }
}

function validateRule(
  raw: unknown,
  origin: MigrationRule['origin'],
  byId: Map<string, MigrationRule>,
  report: (message: string, key?: string) => void,
): MigrationRule | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report('a rule must be a mapping with at least `id` and `from`');
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const id = r.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(id)) {
    report('`id` must be a word such as ACME-MOVE (letters, digits, ".", "_", "-")', 'id');
    return undefined;
  }
  const base = byId.get(id);
  // Overriding a built-in may change only some fields: `{id: K8S-GCR, severity: error}`.
  if (base && r.from === undefined) {
    const merged: MigrationRule = { ...base, origin };
    if (r.enabled !== undefined) {
      if (typeof r.enabled !== 'boolean') return report('`enabled` must be true or false', 'enabled'), undefined;
      merged.enabled = r.enabled;
    }
    if (r.severity !== undefined) {
      if (!SEVERITIES.includes(r.severity as Severity)) return report(`\`severity\` must be one of ${SEVERITIES.join(', ')}`, 'severity'), undefined;
      merged.severity = r.severity as Severity;
    }
    for (const k of ['reason', 'since', 'source', 'message'] as const) if (typeof r[k] === 'string') merged[k] = r[k] as string;
    if (r.tags !== undefined) {
      const tags = validateTags(r.tags, report);
      if (!tags) return undefined;
      merged.tags = tags;
    }
    if (r.companions !== undefined) {
      const companions = validateCompanions(r.companions, report);
      if (!companions) return undefined;
      merged.companions = companions;
    }
    return merged;
  }
  const match = r.match ?? 'prefix';
  if (match !== 'exact' && match !== 'prefix' && match !== 'pattern') {
    report('`match` must be exact, prefix or pattern', 'match');
    return undefined;
  }
  const fromList = typeof r.from === 'string' ? [r.from] : Array.isArray(r.from) ? r.from : undefined;
  if (!fromList || fromList.length === 0 || !fromList.every((f): f is string => typeof f === 'string' && f.length > 0)) {
    report('`from` must be a repository name or prefix (or a list of them), e.g. registry.example.com/team', 'from');
    return undefined;
  }
  for (const f of fromList) {
    const problem = checkName(f, match === 'pattern');
    if (problem) return report(`\`from\` "${f}": ${problem}`, 'from'), undefined;
  }
  let to: string | undefined;
  if (r.to !== undefined && r.to !== null) {
    if (typeof r.to !== 'string') return report('`to` must be a repository name', 'to'), undefined;
    // $1… name the pattern's components; in any other rule they would be written literally.
    if (match !== 'pattern' && /\$\d/.test(r.to)) return report(`\`to\` "${r.to}": $1, $2… are for \`match: pattern\` rules`, 'to'), undefined;
    const problem = checkName(r.to.replace(/\$\d/g, 'x'), false);
    if (problem) return report(`\`to\` "${r.to}": ${problem}`, 'to'), undefined;
    to = r.to;
  } else if (typeof r.message !== 'string') {
    report('a rule without `to` needs a `message` saying what to use instead', 'to');
    return undefined;
  }
  const severity = r.severity ?? 'warning';
  if (!SEVERITIES.includes(severity as Severity)) return report(`\`severity\` must be one of ${SEVERITIES.join(', ')}`, 'severity'), undefined;
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean') return report('`enabled` must be true or false', 'enabled'), undefined;
  for (const k of ['reason', 'since', 'source', 'message'] as const) {
    if (r[k] !== undefined && typeof r[k] !== 'string' && typeof r[k] !== 'number') return report(`\`${k}\` must be text`, k), undefined;
  }
  const rule: MigrationRule = {
    id,
    from: fromList,
    match,
    reason: r.reason === undefined ? 'moved (user rule)' : String(r.reason),
    since: r.since === undefined ? '' : String(r.since),
    source: typeof r.source === 'string' ? r.source : '',
    severity: severity as Severity,
    enabled: r.enabled !== false,
    origin,
  };
  if (to !== undefined) rule.to = to;
  if (typeof r.message === 'string') rule.message = r.message;
  if (r.tags !== undefined) {
    const tags = validateTags(r.tags, report);
    if (!tags) return undefined;
    rule.tags = tags;
  }
  if (r.companions !== undefined) {
    const companions = validateCompanions(r.companions, report);
    if (!companions) return undefined;
    rule.companions = companions;
  }
  return rule;
}

/** `tags: {range: ">=2.0.0", transform: {addPrefix: v}, message: …}`. */
function validateTags(raw: unknown, report: (message: string, key?: string) => void): TagPolicy | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return report('`tags` must be a mapping (pattern, range, until, exclude, message, transform)', 'tags'), undefined;
  const t = raw as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!TAG_KEYS.has(k)) return report(`unknown key tags.${k} (expected one of ${[...TAG_KEYS].join(', ')})`, 'tags'), undefined;
  const policy: TagPolicy = {};
  for (const k of ['pattern', 'range', 'until', 'exclude', 'message', 'source'] as const) {
    if (t[k] === undefined) continue;
    if (typeof t[k] !== 'string' && typeof t[k] !== 'number') return report(`\`tags.${k}\` must be text`, 'tags'), undefined;
    policy[k] = String(t[k]);
  }
  if (t.transform !== undefined) {
    const tr = t.transform as Record<string, unknown> | null;
    if (typeof tr !== 'object' || tr === null || Object.keys(tr).some((k) => k !== 'addPrefix' && k !== 'removePrefix') || Object.values(tr).some((v) => typeof v !== 'string')) {
      return report('`tags.transform` takes addPrefix and/or removePrefix, e.g. {addPrefix: v}', 'tags'), undefined;
    }
    policy.transform = tr as TagPolicy['transform'];
  }
  const problem = checkTagPolicy(policy);
  if (problem) return report(problem, 'tags'), undefined;
  return policy;
}

/** `companions: [{helmValue: global.security.allowInsecureImages, value: "true", reason: …}]`. */
function validateCompanions(raw: unknown, report: (message: string, key?: string) => void): CompanionEdit[] | undefined {
  if (!Array.isArray(raw)) return report('`companions` must be a list', 'companions'), undefined;
  const out: CompanionEdit[] = [];
  for (const c of raw as Record<string, unknown>[]) {
    if (typeof c !== 'object' || c === null || typeof c.helmValue !== 'string' || !/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(c.helmValue) || c.value === undefined) {
      return report('each companion needs `helmValue` (a dotted Helm value path) and `value`', 'companions'), undefined;
    }
    out.push({
      helmValue: c.helmValue,
      value: String(c.value),
      reason: typeof c.reason === 'string' ? c.reason : `set ${c.helmValue}`,
      ...(typeof c.whenNewNameStartsWith === 'string' ? { whenNewNameStartsWith: c.whenNewNameStartsWith } : {}),
      ...(typeof c.source === 'string' ? { source: c.source } : {}),
    });
  }
  return out;
}

/** Checks a rule name: a registry host, or a repository name without tag or digest. */
function checkName(name: string, pattern: boolean): string | undefined {
  // The host part may carry a port; only the path is checked.
  // Stryker disable next-line Regex,StringLiteral: `[^/]*` always matches at 0 (maybe empty), so without `^` it strips the same; a replacement without ":" or "@" tests the same
  const path = name.replace(/^[^/]*/, '');
  if (/[:@]/.test(path)) return 'write the repository without a tag or digest';
  // The host index (matchRule) keys on the literal host, so a * there could never match. A
  // first component that is no host (`*/nginx`) is a Docker Hub namespace, where * is fine.
  const first = name.split('/')[0];
  if (pattern && isDomainComponent(first) && first.includes('*')) return 'a * stands for a path component, not part of the registry host';
  const probe = pattern ? name.replace(/\*/g, 'x') : name;
  if (!probe.includes('/') && /[.:]/.test(probe)) return /^[a-z0-9.-]+(:\d+)?$/i.test(probe) ? undefined : 'not a registry host';
  const parsed = parseImageReference(probe);
  return parsed.ok ? undefined : parsed.error.message;
}

/** A rule whose target leads back to itself would rewrite forever; report it. */
function findCycles(rules: MigrationRule[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const matcher = new RuleMatcher({ rules });
  for (const r of rules) {
    // A pattern's target is probed too: with $1 it matches no rule's component (`$` is no name
    // character), without it (`docker.io/x/*` -> `ghcr.io/x/app`) it may lead back.
    if (!r.enabled || !r.to) continue;
    const target = normalizeRuleName(r.to, r.match);
    // A prefix rule moves the names under its target too, so probe one of them: the target
    // alone is a namespace, whose match stops at the first rule (A -> B -> A went unreported).
    const probes = r.match === 'prefix' ? [target, `${target}/cycle-probe`] : [target];
    if (probes.some((p) => matcher.match(p)?.chain.some((c) => c.id === r.id))) {
      problems.push({ name: 'RuleProblem', path: r.origin === 'builtin' ? 'built-in rules' : r.origin, line: 1, column: 1, message: `rule ${r.id}: its target ${r.to} is matched by its own rules again (a cycle)` });
    }
  }
  return problems;
}
