import * as os from 'os';
import { Agent, type Dispatcher, EnvHttpProxyAgent } from 'undici';

import { type CredentialProvider, chainCredentialProviders, fileCredentials, githubTokenCredentials } from './credentials';
import { RegistryClient } from './registryClient';
import type { RegistryRequestHooks } from './requestHooks';

export interface DefaultClientOptions {
  env: NodeJS.ProcessEnv;
  insecureRegistries?: string[];
  /** Per-host request concurrency. Default 16. */
  concurrency?: number;
  /** Asked before the files (the extension's SecretStorage and GitHub session). */
  provider?: CredentialProvider;
  /** Use `GITHUB_TOKEN` for ghcr.io (the CLI does; the extension uses its GitHub session instead). */
  githubToken?: boolean;
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
 * A client wired the way users expect: credentials from the injected provider, then Docker's
 * and Podman's files, then `GITHUB_TOKEN`; `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` honoured through
 * undici's EnvHttpProxyAgent (read from `env`, not from process.env, so a caller can pass its own).
 * `close()` drops the connections; call it when the work is done.
 */
export function createDefaultRegistryClient(opts: DefaultClientOptions): { client: RegistryClient; dispatcher: Dispatcher; close(): Promise<void> } {
  const env = opts.env;
  const proxy = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
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
  });
  // destroy, not close: close() waits for requests that a misbehaving proxy may never finish.
  return { client, dispatcher, close: () => dispatcher.destroy() };
}
