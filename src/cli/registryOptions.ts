import { type OptionSpec, regexOption } from './args';
import { type CliIO, UsageError } from './io';
import { type DefaultClientOptions, type TagSelection, isVersionTag } from '../core/registry/index';

/** Options every registry command takes (tags, verify, copy). */
export const REGISTRY_OPTIONS: Record<string, OptionSpec> = {
  timeout: { type: 'string' },
  'min-speed': { type: 'string' },
  'insecure-registry': { type: 'string', multiple: true },
};

export const REGISTRY_OPTIONS_HELP = `  --timeout SECONDS         the longest one request may take, body included (default 30;
                            a blob body is bounded by --min-speed instead)
  --min-speed KIB_PER_S     abort and retry a body slower than this over 30 s (default 10;
                            0 turns the check off)
  --insecure-registry HOST  talk plain HTTP to HOST (loopback registries always are)`;

function positiveNumber(value: unknown, name: string, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new UsageError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return n;
}

/** The transport part of a registry client, from the command line. */
export function registryClientOptions(options: Record<string, unknown>, io: CliIO): Pick<DefaultClientOptions, 'env' | 'insecureRegistries' | 'timeoutMs' | 'minBytesPerSecond' | 'onWarning'> {
  const timeout = positiveNumber(options.timeout, 'timeout', false);
  const minSpeed = positiveNumber(options['min-speed'], 'min-speed', true);
  return {
    env: io.env,
    insecureRegistries: (options['insecure-registry'] as string[] | undefined) ?? [],
    timeoutMs: timeout === undefined ? undefined : Math.round(timeout * 1000),
    minBytesPerSecond: minSpeed === undefined ? undefined : Math.round(minSpeed * 1024),
    onWarning: (m) => io.err(`warning: ${m}\n`),
  };
}

/** `--tags`, `--since`, `--semver`. */
export function tagSelectionOptions(options: Record<string, unknown>): TagSelection {
  const since = options.since;
  if (since !== undefined && (typeof since !== 'string' || !isVersionTag(since))) throw new UsageError(`--since must be a version such as 1.2.0`);
  return { tags: regexOption(options.tags, 'tags'), since: since as string | undefined, semver: options.semver === true };
}
