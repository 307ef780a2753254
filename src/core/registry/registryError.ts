/** What went wrong, as a stable code that callers (CLI, tree view) match on. */
export type RegistryErrorCode =
  | 'invalid-repository'
  | 'invalid-reference' // a tag or digest outside the grammar (from a tag list, a flag, a manifest)
  | 'unauthorized' // 401 after authenticating, or no usable challenge
  | 'forbidden' // 403
  | 'repository-not-found' // 404 NAME_UNKNOWN
  | 'manifest-not-found' // 404 MANIFEST_UNKNOWN (or a bare 404 on a manifest)
  | 'not-found' // any other 404
  | 'rate-limited' // 429 after the retries
  | 'server-error' // 5xx after the retries
  | 'unexpected-status'
  | 'timeout'
  | 'connection-reset'
  | 'truncated' // the body ended before Content-Length
  | 'digest-mismatch' // the bytes do not hash to the digest asked for or announced
  | 'bad-response' // unparsable JSON, an off-origin Link, a body over the size cap…
  | 'insecure-realm' // a token realm that is not https (or points somewhere it must not)
  | 'too-many-redirects'
  | 'too-many-pages'
  | 'credential-helper' // docker-credential-<name> failed
  | 'aborted'
  | 'network';

/**
 * A registry failure a user should read. Messages name the host, repository and status,
 * never a credential: headers are not copied into messages, and token-server answers
 * are summarized, not quoted.
 */
export class RegistryError extends Error {
  override name = 'RegistryError' as const;
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: RegistryError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Runs `f` and turns a thrown RegistryError into a typed failure; other errors are bugs and propagate. */
export async function attempt<T>(f: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    if (e instanceof RegistryError) return { ok: false, error: e };
    throw e;
  }
}
