import * as fs from 'fs';
import * as os from 'os';
import * as tls from 'tls';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../../core/registry/loadUndici';
import * as vscode from 'vscode';
import { type Credential, type CredentialProvider, RegistryClient, chainCredentialProviders, fileCredentials } from '../../core/registry/index';
import { Disposable } from '../disposable';

const SECRET_PREFIX = 'registryMigrator.credential/';
const GITHUB_SCOPES = ['read:packages'];
/** Pushing to ghcr.io needs `write:packages`; only a session that already has it is used. */
const PUSH_SCOPES = ['write:packages'];

/** Debian/Ubuntu, Fedora/RHEL, Alpine/openSUSE bundles: Node 20 has no API for the OS store. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

/**
 * The CA list for registry connections: Node's bundled Mozilla roots plus the system's,
 * so a registry behind a corporate CA that the OS trusts works. Node ≥ 22.15 reads the OS
 * store itself (tls.getCACertificates('system')); older Nodes (code-server 4.100 runs 20)
 * get the distribution bundle file on Linux. macOS keychains and Windows stores need the
 * newer Node. NODE_EXTRA_CA_CERTS keeps working either way (Node adds it to the defaults).
 */
export function systemCertificates(enabled: boolean): string[] | undefined {
  if (!enabled) return undefined;
  const api = (tls as unknown as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  try {
    if (api) return [...new Set([...api('default'), ...api('system')])];
  } catch {
    /* fall back to the files */
  }
  if (process.platform !== 'linux') return undefined;
  for (const f of SYSTEM_BUNDLES) {
    try {
      return [...tls.rootCertificates, fs.readFileSync(f, 'utf8')];
    } catch {
      /* next */
    }
  }
  return undefined;
}

/**
 * The transport, from VS Code's settings: `http.proxy` (with `http.noProxy` and the
 * environment's NO_PROXY) when set, else the environment's HTTPS_PROXY/HTTP_PROXY/NO_PROXY;
 * both through undici's EnvHttpProxyAgent, which sends each request through a ProxyAgent or
 * straight out per NO_PROXY. `http.proxyStrictSSL: false` relaxes only the proxy's own TLS.
 * Registries themselves are always verified (plain HTTP only for loopback, in RegistryClient).
 */
export function createDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = (http.get<string>('proxy') ?? '').trim();
  const noProxySetting = http.get<string[]>('noProxy') ?? [];
  const ca = systemCertificates(http.get<boolean>('systemCertificates') !== false);
  const connect = ca ? { ca } : undefined;
  const envProxy = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  const { Agent, EnvHttpProxyAgent } = loadUndici();
  if (!proxy && !envProxy) return new Agent({ connect });
  const noProxy = [...noProxySetting, env.NO_PROXY ?? env.no_proxy ?? ''].filter(Boolean).join(',') || undefined;
  return new EnvHttpProxyAgent({
    httpProxy: proxy || (env.HTTP_PROXY ?? env.http_proxy),
    httpsProxy: proxy || (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy),
    noProxy,
    connect, // direct connections (NO_PROXY)
    requestTls: connect, // the registry's TLS inside the proxy tunnel
    proxyTls: http.get<boolean>('proxyStrictSSL') === false ? { rejectUnauthorized: false } : undefined,
  });
}

interface StoredCredential {
  username: string;
  password: string;
}

/**
 * Owns the RegistryClient the Tag Explorer uses, and rebuilds it when what it depends on
 * changes (proxy settings, trust, a sign-in): the client caches credentials and tokens per
 * host, so a new credential needs a new client.
 *
 * Credentials, first match wins: a username/token the user stored through "Sign In…"
 * (SecretStorage), the GitHub session (ghcr.io, `read:packages`, never prompting here), then
 * `docker login` credentials (config.json, credential helpers, Podman's auth.json). In an
 * untrusted workspace nothing is sent: every request is anonymous.
 */
export class RegistryAccess extends Disposable {
  private current: { client: RegistryClient; dispatcher: Dispatcher } | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires after the client was rebuilt (new credentials, settings or trust). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('http')) this.reset();
    }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.reset()));
    this._register(secrets.onDidChange((e) => {
      if (e.key.startsWith(SECRET_PREFIX)) this.reset();
    }));
    this._register(vscode.authentication.onDidChangeSessions((e) => {
      if (e.provider.id === 'github') this.reset();
    }));
    this._register({ dispose: () => this.closeCurrent() });
  }

  get client(): RegistryClient {
    if (!this.current) {
      const dispatcher = createDispatcher();
      const trusted = vscode.workspace.isTrusted;
      const credentials = trusted ? chainCredentialProviders(this.stored(), this.github(), fileCredentials({ env: process.env, homedir: process.env.HOME || os.homedir() })) : undefined;
      if (!trusted) this.log.info('Tag Explorer: the workspace is not trusted, so registries are asked anonymously.');
      // 10 s per attempt, 3 attempts: a registry that never answers becomes an error node
      // within about 30 s instead of a spinner (the CLI waits 30 s per attempt, 4 attempts);
      // a 429 asking for more than 5 s shows its node with the reset time at once.
      this.current = { dispatcher, client: new RegistryClient({ dispatcher, credentials, timeoutMs: 10_000, retries: 2, maxRetryAfterMs: 5_000, maxConcurrencyPerHost: 16, userAgent: 'registry-migrator-vscode' }) };
    }
    return this.current.client;
  }

  /**
   * A client that may push, for "Copy Missing Tags": its own client (the read client never
   * asks for `push`), and its credentials answer for `host` alone, so nothing is sent to the
   * source registry through it. What the chain gives for that host: the "Sign In…" credential
   * (SecretStorage), a GitHub session that already has `write:packages` (ghcr.io; asked
   * silently, never prompting and never widening the read session's `read:packages`), then
   * `docker login`. The core asks tokens for `repository:<to>:pull,push` only.
   * Untrusted workspace: no credentials at all (anonymous, as every other request).
   * The caller closes it with `dispose()`.
   */
  pushClient(host: string): { client: RegistryClient; trusted: boolean; dispose(): void } {
    const dispatcher = createDispatcher();
    const trusted = vscode.workspace.isTrusted;
    const chain = chainCredentialProviders(this.stored(), this.github(PUSH_SCOPES), fileCredentials({ env: process.env, homedir: process.env.HOME || os.homedir() }));
    const credentials: CredentialProvider | undefined = trusted ? { get: (h, signal) => (h === host ? chain.get(h, signal) : Promise.resolve(undefined)) } : undefined;
    if (!trusted) this.log.info(`Copy: the workspace is not trusted, so ${host} is asked anonymously (pushing works only if it accepts anonymous pushes).`);
    // Default timeouts (30 s per attempt): a chunk upload on a slow link needs longer than a HEAD.
    const client = new RegistryClient({ dispatcher, credentials, allowPush: true, maxRetryAfterMs: 5_000, maxConcurrencyPerHost: 16, userAgent: 'registry-migrator-vscode' });
    return { client, trusted, dispose: () => void dispatcher.close().catch(() => undefined) };
  }

  /**
   * Drops the client (and its cached tokens); the next use builds a new one. The old
   * dispatcher is not closed: a half-read tag listing keeps paging with it ("Load more…"),
   * and its idle keep-alive sockets close by themselves after a few seconds.
   */
  reset(): void {
    this.current = undefined;
    this.changed.fire();
  }

  private closeCurrent(): void {
    const c = this.current;
    this.current = undefined;
    // In-flight requests of the old client finish on their own; close() waits for them.
    if (c) void c.dispatcher.close().catch(() => undefined);
  }

  async storeCredential(host: string, username: string, password: string): Promise<void> {
    await this.secrets.store(SECRET_PREFIX + host.toLowerCase(), JSON.stringify({ username, password } satisfies StoredCredential));
    this.reset();
  }

  async deleteCredential(host: string): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + host.toLowerCase());
    this.reset();
  }

  /** Asks GitHub's authentication provider for a session with `read:packages` (may prompt). */
  async signInToGitHub(): Promise<boolean> {
    const s = await vscode.authentication.getSession('github', GITHUB_SCOPES, { createIfNone: true });
    this.reset();
    return !!s;
  }

  private stored(): CredentialProvider {
    return {
      get: async (host): Promise<Credential | undefined> => {
        const raw = await this.secrets.get(SECRET_PREFIX + host.toLowerCase());
        if (!raw) return undefined;
        try {
          const c = JSON.parse(raw) as StoredCredential;
          return c.username && c.password ? { username: c.username, password: c.password, source: 'Registry Migrator sign-in (SecretStorage)' } : undefined;
        } catch {
          return undefined;
        }
      },
    };
  }

  private github(scopes = GITHUB_SCOPES): CredentialProvider {
    return {
      get: async (host): Promise<Credential | undefined> => {
        if (host !== 'ghcr.io') return undefined;
        try {
          // silent: a tree expanding must never open a sign-in dialog; "Sign In…" does that.
          const s = await vscode.authentication.getSession('github', scopes, { silent: true });
          return s ? { username: s.account.label, password: s.accessToken, source: 'GitHub sign-in' } : undefined;
        } catch {
          return undefined; // no GitHub provider (e.g. some web hosts)
        }
      },
    };
  }
}
