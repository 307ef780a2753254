import * as os from 'os';
import type { Dispatcher } from 'undici';

import { type CredentialProvider, chainCredentialProviders, fileCredentials, ghCliCredentials, githubTokenCredentials } from './credentials';
import { loadUndici } from './loadUndici';
import { RegistryClient } from './registryClient';
import type { RegistryRequestHooks } from './requestHooks';

export interface DefaultClientOptions {
  env: NodeJS.ProcessEnv;
  insecureRegistries?: string[];
  /** Per-host request concurrency. Default 16. */
  concurrency?: number;
  /** Asked before the files (the extension's SecretStorage and GitHub session). */
  provider?: CredentialProvider;
  /**
   * For ghcr.io: `true` reads GH_TOKEN/GITHUB_TOKEN, then `gh auth token` (the CLI's read
   * clients); `'env'` the two variables only (the copy command's push client: a token that
   * CI handed over, not the user's personal `gh` login); false neither (the extension uses
   * its GitHub session instead).
   */
  githubToken?: boolean | 'env';
  /** How long `gh auth token` may take. Default 5 s. */
  ghTimeoutMs?: number;
  timeoutMs?: number;
  /** Bodies slower than this (bytes per second, over a window) are aborted and retried. */
  minBytesPerSecond?: number;
  allowPush?: boolean;
  /** Warnings that are not failures (a skipped tag-list entry); the CLI prints them on stderr. */
  onWarning?: (message: string) => void;
  /** Pacing around each request (sync's per-host limiter). */
  hooks?: RegistryRequestHooks;
}

/**
 * `REGISTRY_MIGRATOR_TEST_HOST_MAP=ghcr.io=127.0.0.1:5000,…`: for the project's own tests of
 * host-specific behaviour (ghcr.io credentials) through the real CLI. Loopback targets only
 * (the client refuses anything else), so it cannot send a request off the machine.
 */
function parseHostMap(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}

/**
 * A client wired the way users expect: credentials from the injected provider, then Docker's
 * and Podman's files, then GH_TOKEN/GITHUB_TOKEN and `gh auth token` for ghcr.io; `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` honoured through
 * undici's EnvHttpProxyAgent (read from `env`, not from process.env, so a caller can pass its own).
 * `close()` drops the connections; call it when the work is done.
 */
export function createDefaultRegistryClient(opts: DefaultClientOptions): { client: RegistryClient; dispatcher: Dispatcher; close(): Promise<void> } {
  const env = opts.env;
  const proxy = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  const { Agent, EnvHttpProxyAgent } = loadUndici();
  const dispatcher: Dispatcher = proxy
    ? new EnvHttpProxyAgent({
        httpProxy: env.HTTP_PROXY ?? env.http_proxy,
        httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
        noProxy: env.NO_PROXY ?? env.no_proxy,
      })
    : new Agent();
  const credentials = chainCredentialProviders(
    opts.provider,
    fileCredentials({ env, homedir: env.HOME || os.homedir() }),
    opts.githubToken ? githubTokenCredentials(env) : undefined,
    opts.githubToken === true ? ghCliCredentials(env, { timeoutMs: opts.ghTimeoutMs }) : undefined,
  );
  const client = new RegistryClient({
    dispatcher,
    credentials,
    insecureRegistries: opts.insecureRegistries,
    maxConcurrencyPerHost: opts.concurrency,
    timeoutMs: opts.timeoutMs,
    minBytesPerSecond: opts.minBytesPerSecond,
    allowPush: opts.allowPush,
    onWarning: opts.onWarning,
    hooks: opts.hooks,
    hostOverrides: parseHostMap(env.REGISTRY_MIGRATOR_TEST_HOST_MAP),
  });
  // destroy, not close: close() waits for requests that a misbehaving proxy may never finish.
  return { client, dispatcher, close: () => dispatcher.destroy() };
}
