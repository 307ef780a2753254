import { spawn } from 'child_process';
import { readFile } from 'fs/promises';
import * as os from 'os';
import * as path from 'path';

import { RegistryError } from './registryError';

/**
 * What a registry may be shown. Read-only: these are used for `pull` scopes only,
 * unless a caller (the copy command) builds a client that is allowed to push.
 */
export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken` in Docker's config), exchanged at the realm. */
  identityToken?: string;
  /** Where the credential came from, for messages ("from ~/.docker/config.json"); never the secret. */
  source: string;
  /**
   * Send it only to a token realm on the registry's own host or a subdomain of it
   * (ghcr.io -> https://ghcr.io/token), or on a host in `realmHosts`. Environment tokens
   * (GITHUB_TOKEN, GH_TOKEN, `gh auth token`) are found without the user naming a
   * registry, so a hostile challenge must not be able to send them elsewhere.
   */
  ownRealmOnly?: boolean;
  /** More hosts an `ownRealmOnly` credential may go to (REGISTRY_MIGRATOR_TOKEN_REALMS). */
  realmHosts?: string[];
}

/** Looks up a credential for a registry host (`ghcr.io`, `docker.io`, `127.0.0.1:5000`). */
export interface CredentialProvider {
  get(host: string, signal?: AbortSignal): Promise<Credential | undefined>;
}

/** The first provider that knows the host wins. */
export function chainCredentialProviders(...providers: (CredentialProvider | undefined)[]): CredentialProvider {
  const list = providers.filter((p): p is CredentialProvider => p !== undefined);
  return {
    async get(host, signal) {
      for (const p of list) {
        const c = await p.get(host, signal);
        if (c) return c;
      }
      return undefined;
    },
  };
}

/** A fixed table, e.g. filled by the VS Code extension from SecretStorage. */
export function staticCredentials(table: Record<string, Omit<Credential, 'source'>>, source = 'provided'): CredentialProvider {
  return {
    get(host) {
      const c = table[host];
      return Promise.resolve(c ? { ...c, source } : undefined);
    },
  };
}

/** `REGISTRY_MIGRATOR_TOKEN_REALMS=auth.example,login.example`: realms environment tokens may also go to. */
function extraRealms(env: NodeJS.ProcessEnv): string[] | undefined {
  const v = env.REGISTRY_MIGRATOR_TOKEN_REALMS;
  const list = v ? v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean) : [];
  return list.length ? list : undefined;
}

/**
 * `GH_TOKEN` (what the GitHub CLI reads) or `GITHUB_TOKEN` (what Actions sets) as the
 * password for ghcr.io; a token with `read:packages` pulls, `write:packages` pushes.
 * GH_TOKEN first, as `gh` itself does. Sent only to ghcr.io's own token realm.
 */
export function githubTokenCredentials(env: NodeJS.ProcessEnv): CredentialProvider {
  return {
    get(host) {
      if (host !== 'ghcr.io') return Promise.resolve(undefined);
      const name = env.GH_TOKEN ? 'GH_TOKEN' : env.GITHUB_TOKEN ? 'GITHUB_TOKEN' : undefined;
      if (!name) return Promise.resolve(undefined);
      return Promise.resolve({ username: 'x-access-token', password: env[name], source: name, ownRealmOnly: true, realmHosts: extraRealms(env) });
    },
  };
}

export interface GhCliOptions {
  /** How long `gh auth token` may take. Default 5 s. */
  timeoutMs?: number;
}

/**
 * `gh auth token` for ghcr.io, when the GitHub CLI is installed and logged in: run lazily
 * (only when ghcr.io is asked for), once per provider, with a timeout; a missing or
 * failing `gh` means no credential, never an error. https://cli.github.com/manual/gh_auth_token
 */
export function ghCliCredentials(env: NodeJS.ProcessEnv, opts: GhCliOptions = {}): CredentialProvider {
  let once: Promise<Credential | undefined> | undefined;
  const run = () =>
    new Promise<Credential | undefined>((resolve) => {
      let out = '';
      let child;
      try {
        child = spawn('gh', ['auth', 'token', '--hostname', 'github.com'], { env, stdio: ['ignore', 'pipe', 'ignore'], timeout: opts.timeoutMs ?? 5000 });
      } catch {
        resolve(undefined);
        return;
      }
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', () => resolve(undefined));
      child.on('close', (code) => {
        const token = out.trim();
        resolve(code === 0 && /^[\x21-\x7e]+$/.test(token) ? { username: 'x-access-token', password: token, source: 'gh auth token', ownRealmOnly: true, realmHosts: extraRealms(env) } : undefined);
      });
    });
  return {
    get(host) {
      if (host !== 'ghcr.io') return Promise.resolve(undefined);
      once ??= run();
      return once;
    },
  };
}

/** The keys a config file may use for `host`: Docker Hub is filed as `https://index.docker.io/v1/`. */
function configKeysMatch(key: string, host: string): boolean {
  const bare = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  if (host === 'docker.io') return bare === 'index.docker.io' || bare === 'docker.io' || bare === 'registry-1.docker.io';
  return bare === host.toLowerCase();
}

/** What a credential helper is asked for: Docker passes the server URL it was logged in with. */
function helperServerUrl(host: string): string {
  return host === 'docker.io' ? 'https://index.docker.io/v1/' : host;
}

interface AuthFile {
  auths?: Record<string, { auth?: string; identitytoken?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface FileCredentialOptions {
  env: NodeJS.ProcessEnv;
  homedir?: string;
  /** Reads a file, or undefined when it does not exist. */
  readText?: (file: string) => Promise<string | undefined>;
  /** Runs `docker-credential-<name> get` with the server URL on stdin; returns stdout, or undefined for "not found". */
  runHelper?: (name: string, serverUrl: string, signal?: AbortSignal) => Promise<string | undefined>;
}

async function readTextOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Docker's credential-helper protocol: `docker-credential-<name> get`, the server URL on
 * stdin, `{"ServerURL","Username","Secret"}` on stdout; "credentials not found" on a
 * non-zero exit means none. https://github.com/docker/docker-credential-helpers
 */
export function runCredentialHelper(env: NodeJS.ProcessEnv) {
  return (name: string, serverUrl: string, signal?: AbortSignal): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
        reject(new RegistryError('credential-helper', `credential helper name "${name}" is not a plain program name`));
        return;
      }
      const program = `docker-credential-${name}`;
      const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'], signal, timeout: 15000 });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', (e: NodeJS.ErrnoException) => {
        reject(new RegistryError('credential-helper', e.code === 'ENOENT' ? `${program} is not on PATH` : `${program} failed to start (${e.code ?? e.name})`));
      });
      child.on('close', (code) => {
        if (code === 0) resolve(out);
        else if (/credentials not found/i.test(out + err)) resolve(undefined);
        // The helper's output is not quoted: it could echo what it was given.
        else reject(new RegistryError('credential-helper', `${program} get exited with code ${code}`));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(serverUrl + '\n');
    });
}

function decodeAuth(entry: { auth?: string; identitytoken?: string; username?: string; password?: string }, source: string): Credential | undefined {
  if (entry.identitytoken) return { identityToken: entry.identitytoken, username: entry.username, source };
  if (entry.username && entry.password) return { username: entry.username, password: entry.password, source };
  if (entry.auth) {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon > 0) return { username: text.slice(0, colon), password: text.slice(colon + 1), source };
  }
  return undefined;
}

function parseAuthFile(text: string | undefined): AuthFile | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as AuthFile) : undefined;
  } catch {
    return undefined; // a broken config is the same as none; we never write it
  }
}

/**
 * Credentials from the files Docker and Podman keep, read-only:
 *  - `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`: `credHelpers[host]`, then
 *    `auths[host]` (`auth` = base64 `user:pass`, or `identitytoken`), then `credsStore`;
 *  - `$REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json` (Podman), same `auths` format.
 * https://docs.docker.com/reference/cli/docker/#configuration-files
 * https://github.com/containers/image/blob/main/docs/containers-auth.json.5.md
 */
export function fileCredentials(opts: FileCredentialOptions): CredentialProvider {
  const env = opts.env;
  const home = opts.homedir ?? os.homedir();
  const read = opts.readText ?? readTextOrUndefined;
  const helper = opts.runHelper ?? runCredentialHelper(env);
  const dockerFile = path.join(env.DOCKER_CONFIG || path.join(home, '.docker'), 'config.json');
  const podmanFile = env.REGISTRY_AUTH_FILE || (env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json') : undefined);
  let files: Promise<[AuthFile | undefined, AuthFile | undefined]> | undefined;

  const fromHelper = async (name: string, host: string, signal?: AbortSignal): Promise<Credential | undefined> => {
    const out = await helper(name, helperServerUrl(host), signal);
    if (out === undefined) return undefined;
    let v: { Username?: string; Secret?: string };
    try {
      v = JSON.parse(out) as typeof v;
    } catch {
      throw new RegistryError('credential-helper', `docker-credential-${name} get did not answer JSON`);
    }
    if (!v.Secret) return undefined;
    const source = `docker-credential-${name}`;
    // Docker's convention: Username "<token>" means Secret is an identity token.
    return v.Username === '<token>' ? { identityToken: v.Secret, source } : { username: v.Username, password: v.Secret, source };
  };

  return {
    async get(host, signal) {
      files ??= Promise.all([read(dockerFile).then(parseAuthFile), podmanFile ? read(podmanFile).then(parseAuthFile) : Promise.resolve(undefined)]);
      const [docker, podman] = await files;
      if (docker) {
        const helperName = Object.entries(docker.credHelpers ?? {}).find(([k]) => configKeysMatch(k, host))?.[1];
        if (helperName) return fromHelper(helperName, host, signal);
        for (const [k, entry] of Object.entries(docker.auths ?? {})) {
          if (!configKeysMatch(k, host) || !entry) continue;
          const c = decodeAuth(entry, dockerFile);
          if (c) return c;
        }
        if (docker.credsStore) {
          const c = await fromHelper(docker.credsStore, host, signal);
          if (c) return c;
        }
      }
      if (podman) {
        for (const [k, entry] of Object.entries(podman.auths ?? {})) {
          if (!configKeysMatch(k, host) || !entry) continue;
          const c = decodeAuth(entry, podmanFile!);
          if (c) return c;
        }
      }
      return undefined;
    },
  };
}
