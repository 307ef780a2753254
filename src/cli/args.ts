import { UsageError } from './io';

export interface OptionSpec {
  /** `string` takes a value (`--format json` or `--format=json`); `boolean` does not. */
  type: 'string' | 'boolean';
  /** May be given more than once; values are collected. */
  multiple?: boolean;
  short?: string;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
}

/**
 * Parses `argv` against `spec`. Unknown options and missing values are UsageErrors,
 * so every command rejects a typo the same way (exit 2). `--` ends option parsing.
 */
export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};
  // Stryker disable next-line MethodExpression: without the filter, options with no short form add an `undefined` key, which get(string) never finds
  const byShort = new Map(Object.entries(spec).filter(([, s]) => s.short).map(([k, s]) => [s.short!, k]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let key: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      key = eq === -1 ? a.slice(2) : a.slice(2, eq);
      inline = eq === -1 ? undefined : a.slice(eq + 1);
    } else if (a.startsWith('-') && a.length > 1) {
      key = byShort.get(a.slice(1));
      if (!key) throw new UsageError(`unknown option ${a}`);
    } else {
      positionals.push(a);
      continue;
    }
    const s = spec[key];
    if (!s) throw new UsageError(`unknown option --${key}`);
    let value: string | boolean;
    if (s.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${key} takes no value`);
      value = true;
    } else if (inline !== undefined) {
      value = inline;
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`--${key} needs a value`);
      value = argv[++i];
    }
    if (s.multiple) ((options[key] as string[] | undefined) ?? (options[key] = []) as string[]).push(value as string);
    else options[key] = value;
  }
  return { positionals, options };
}

/** Reads a `--format` style option restricted to `allowed`. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
}

/** Reads a positive integer option. */
export function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number`);
  return n;
}

/** Compiles a user regex option, as a UsageError when it does not compile. */
export function regexOption(value: unknown, name: string): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(String(value));
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}
