import type { Finding } from '../core/analyze';
import { createDefaultRegistryClient } from '../core/registry/defaultRegistryClient';
import { type FindingVerification, type VerificationState, VERIFICATION_STATES, verifyFindings } from '../core/verify/index';
import { positiveInt } from './args';
import { type CliIO, UsageError } from './io';
import { progressBar } from './progressBar';
import type { ScannedFile } from './scanFiles';

/** The options `scan --verify` and `fix --verify` share. */
export const VERIFY_OPTIONS = {
  verify: { type: 'boolean' },
  concurrency: { type: 'string' },
  'insecure-registry': { type: 'string', multiple: true },
} as const;

export const VERIFY_USAGE = `  --verify              ask the registries: is each finding's image at its new location, with
                        the same digest (per platform for multi-arch images)?
  --concurrency N       references checked at once, and requests per registry (default 16)
  --insecure-registry HOST  talk plain HTTP to HOST (loopback registries always are)`;

/**
 * Resolves every finding of the scanned files with the same client `verify` uses
 * (credentials, proxy, per-host limit, retries); each distinct reference once.
 */
export async function verifyWorkspace(io: CliIO, scanned: readonly ScannedFile[], options: Record<string, unknown>): Promise<Map<Finding, FindingVerification>> {
  const concurrency = positiveInt(options.concurrency, 'concurrency', 16);
  const { client, close } = createDefaultRegistryClient({
    env: io.env,
    insecureRegistries: (options['insecure-registry'] as string[] | undefined) ?? [],
    concurrency,
    githubToken: true,
  });
  const bar = io.isTTY ? progressBar(io) : undefined;
  try {
    const findings = scanned.flatMap((f) => f.analysis.findings);
    return await verifyFindings(findings, { clientFor: () => client, concurrency, signal: io.signal, onProgress: bar?.update });
  } finally {
    bar?.clear();
    await close();
  }
}

/** `--allow missing,different`: the states `fix --verify` may rewrite besides `identical`. */
export function parseAllow(value: unknown): Set<VerificationState> {
  const out = new Set<VerificationState>(['identical']);
  if (value === undefined) return out;
  const words = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((w) => w.trim()).filter(Boolean);
  for (const w of words) {
    const state = (w === 'missing' ? 'missing-at-new' : w) as VerificationState;
    if (!VERIFICATION_STATES.includes(state) || state === 'identical') {
      throw new UsageError(`--allow takes a comma-separated list of missing, different, old-missing, unreachable (got "${w}")`);
    }
    out.add(state);
  }
  return out;
}
