import { RegistryError } from './registryError';
import { compareTags, isSemverTag, isVersionTag } from './sortTags';

/**
 * Which tags a gate asks about: `verify --tags/--since/--semver` and `copy --tags`. The
 * criteria narrow together (a tag must pass every one given).
 */
export interface TagSelection {
  /** Tags matching this regular expression. */
  tags?: RegExp;
  /** Version tags at or above this version (`--since 1.2.0` keeps 1.2.0, 1.10.0, v2.0.0-rc.1 is below 2.0.0 but above 1.2.0). */
  since?: string;
  /** Only semantic versions (`1.2.3`, `v1.2.3-rc.1`), not `latest`, `main`, `sha-abc123`. */
  semver?: boolean;
}

/** A predicate for `sel`; throws `invalid-reference` when `since` is not a version. */
export function tagPredicate(sel: TagSelection): (tag: string) => boolean {
  const { tags, since, semver } = sel;
  if (since !== undefined && !isVersionTag(since)) throw new RegistryError('invalid-reference', `--since ${JSON.stringify(since)} is not a version (e.g. 1.2.0)`);
  return (t) => (!tags || tags.test(t)) && (!semver || isSemverTag(t)) && (since === undefined || (isVersionTag(t) && compareTags(t, since) <= 0));
}
