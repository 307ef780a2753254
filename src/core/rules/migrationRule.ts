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
}

export interface RuleSet {
  rules: readonly MigrationRule[];
}

/** A problem in a user's rules (file or settings), with where it is (1-based). */
export interface RuleProblem {
  name: 'RuleProblem';
  path: string;
  line: number;
  column: number;
  message: string;
}
