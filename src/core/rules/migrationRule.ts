export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/**
 * One registry move. `from` is a repository name or a prefix of one, written as a user
 * would (`k8s.gcr.io`, `bitnami`, `gcr.io/spark-operator/spark-operator`), matched on
 * normalized names at path-component boundaries.
 *
 * - `exact`: only that repository.
 * - `prefix`: that repository and everything below it; the rest of the path is kept
 *   (`k8s.gcr.io/a/b` -> `registry.k8s.io/a/b`).
 * - `pattern`: `*` stands for one path component, and `to` refers to them as $1, $2…
 *   (`docker.pkg.github.com/*` `/*` `/*` -> `ghcr.io/$1/$3`).
 *
 * A rule with no `to` means the image has no one-to-one new home; its `message` says what
 * to do instead, and no edit is offered.
 */
export interface MigrationRule {
  id: string;
  from: string[];
  to?: string;
  match: 'exact' | 'prefix' | 'pattern';
  reason: string;
  since: string;
  source: string;
  message?: string;
  severity: Severity;
  enabled: boolean;
  origin: 'builtin' | 'settings' | 'file';
  /** Which tags the new home carries, and how they are written there. */
  tags?: TagPolicy;
  /** Edits elsewhere in the same file that a rewrite needs (Bitnami's allowInsecureImages). */
  companions?: CompanionEdit[];
}

/**
 * Tag knowledge: a reference whose tag falls outside gets a finding that says so, and no
 * automatic edit. Versions are read from the start of the tag, with or without `v`
 * (`v1.9.8`, `0.33.0`, `11.2.3-debian-10-r5` is 11.2.3); a tag with no version (`latest`)
 * is outside any `range`/`until`.
 */
export interface TagPolicy {
  /** The new home carries only tags matching this regular expression. */
  pattern?: string;
  /** Semver range of the versions the new home carries: `>=2.0.0`, `>=0.34.0 <1.0.0`, `<1 || >=2`. */
  range?: string;
  /** Cut-off: versions after this one have no new home (a frozen legacy repository). */
  until?: string;
  /** Tags matching this regular expression were never copied (frozen families). */
  exclude?: string;
  /** What to do with a tag outside, said in the finding. */
  message?: string;
  /** How the new home writes the tag: `{addPrefix: 'v'}` makes `0.49.0` `v0.49.0`. */
  transform?: { addPrefix?: string; removePrefix?: string };
  /** Where the facts come from. */
  source?: string;
}

/**
 * An edit a rewrite brings along in the same file. The first kind: a Helm value that must
 * be set once images are swapped (`global.security.allowInsecureImages: true` for Bitnami
 * charts), added only in Helm values files, only when the file does not set it already.
 */
export interface CompanionEdit {
  /** Dotted path of the Helm value, `global.security.allowInsecureImages`. */
  helmValue: string;
  /** The YAML scalar written, `true`. */
  value: string;
  /** Only when the new repository starts with this (`docker.io/bitnamilegacy/`); default: any. */
  whenNewNameStartsWith?: string;
  reason: string;
  source?: string;
}

export interface RuleSet {
  rules: readonly MigrationRule[];
  /** Paths the workspace scan skips: the rules file's `exclude:` globs. */
  exclude?: readonly string[];
}

/** A problem in a user's rules (file or settings), with where it is (1-based). */
export interface RuleProblem {
  name: 'RuleProblem';
  path: string;
  line: number;
  column: number;
  message: string;
}
