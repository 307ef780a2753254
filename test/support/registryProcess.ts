import { type ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { type TokenServer, startTokenServer } from './tokenServer';

/**
 * Debian's `docker-registry` (CNCF distribution 2.8.2) on 127.0.0.1, for tests and
 * benchmarks. `.ci/run` installs it with apt. Used by test/registry, the copy tests and
 * the VS Code integration tests.
 */
export interface RunningRegistry {
  /** `127.0.0.1:PORT`, what goes in an image reference. */
  host: string;
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  auth: 'none' | 'htpasswd' | 'token';
  users: Record<string, string>;
  tokenServer?: TokenServer;
  storage: string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  auth?: 'none' | 'htpasswd' | 'token';
  /** username -> password, for htpasswd and token auth. Default `{ tester: 'test-secret-pw' }`. */
  users?: Record<string, string>;
  /** Token auth: repositories (exact names) that anonymous users may pull. Default: all. */
  anonymousPull?: (repository: string) => boolean;
  /** Token auth: `expires_in` of issued tokens. */
  tokenLifetimeSeconds?: number;
  /** Token auth: identity tokens (OAuth2 refresh tokens) the token server accepts, -> username. */
  refreshTokens?: Record<string, string>;
}

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Fails loudly (never a silent skip) when the registry is not installed. */
export function requireRegistryBinary(): string {
  const found = [REGISTRY_BINARY, ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'docker-registry'))].find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error('docker-registry is not installed, so the registry tests cannot run. `.ci/run` installs it (apt-get install docker-registry skopeo apache2-utils openssl).');
  }
  return found;
}

export function freePort(hostname = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, hostname, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function probe(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    req.setTimeout(1000, () => req.destroy());
  });
}

function htpasswdFile(dir: string, users: Record<string, string>): string {
  const file = path.join(dir, 'htpasswd');
  const lines = Object.entries(users).map(([u, p]) => execFileSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' }).trim());
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/**
 * Why a pool: Stryker's mocha runner runs the same loaded test files again for every
 * mutant, so each suite's `before` would start its registries again, each mutant. With
 * `RM_REGISTRY_POOL=1` (the unit and registry stages of `npm test`) or inside a Stryker
 * worker, `stop()` empties the registry's storage and keeps the process for the next
 * suite that asks for the same configuration; the processes end with this one. Without
 * it (benchmarks, the integration harness) every start is a fresh process, as before.
 */
const pooling = process.env.RM_REGISTRY_POOL === '1' || process.env.STRYKER_MUTATOR_WORKER !== undefined;

interface Launched {
  registry: Omit<RunningRegistry, 'stop'>;
  dir: string;
  alive(): boolean;
  kill(): Promise<void>;
}

interface PoolEntry {
  key: string;
  launched: Launched;
  busy: boolean;
}

const pool: PoolEntry[] = [];

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<RunningRegistry> {
  if (!pooling) {
    const l = await launch(opts, false);
    return {
      ...l.registry,
      async stop() {
        await l.kill();
        fs.rmSync(l.dir, { recursive: true, force: true });
      },
    };
  }
  const key = JSON.stringify({ auth: opts.auth ?? 'none', users: opts.users ?? null, refreshTokens: opts.refreshTokens ?? null });
  let entry = pool.find((e) => !e.busy && e.key === key && e.launched.alive());
  if (entry) {
    entry.launched.registry.tokenServer?.reset(opts);
  } else {
    entry = { key, launched: await launch(opts, true), busy: false };
    pool.push(entry);
  }
  entry.busy = true;
  const leased = entry;
  let released = false;
  return {
    ...leased.launched.registry,
    async stop() {
      if (released) return;
      released = true;
      if (!leased.launched.alive()) {
        pool.splice(pool.indexOf(leased), 1);
        await leased.launched.kill();
        return;
      }
      emptyStorage(leased.launched.registry.storage);
      leased.busy = false;
    },
  };
}

/**
 * A fresh, empty storage root for the next suite. Renamed away first: a request still in
 * flight from the last suite then writes into the old tree, not into the next suite's.
 */
function emptyStorage(storage: string): void {
  const old = `${storage}.old-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  fs.renameSync(storage, old);
  fs.mkdirSync(storage);
  fs.rm(old, { recursive: true, force: true }, () => undefined);
}

/**
 * Pooled: the registry runs under a small shell that kills it, and removes its folder,
 * when this process's end of the shell's stdin closes: when this process exits, however
 * it exits (Stryker ends its workers with a signal, so an exit handler is not enough).
 */
const WATCHDOG = 'exec 3<&0\n"$1" serve "$2" 3<&- </dev/null &\npid=$!\n{ read _ <&3; kill $pid 2>/dev/null; } &\nwait $pid\ncode=$?\nrm -rf "$3"\nexit $code\n';

async function launch(opts: StartRegistryOptions, pooled: boolean): Promise<Launched> {
  const binary = requireRegistryBinary();
  const auth = opts.auth ?? 'none';
  const users = opts.users ?? { tester: 'test-secret-pw' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-registry-'));
  const storage = path.join(dir, 'storage');
  fs.mkdirSync(storage);
  const port = await freePort();
  let tokenServer: TokenServer | undefined;
  let authBlock = '';
  if (auth === 'htpasswd') {
    authBlock = `auth:\n  htpasswd:\n    realm: registry-migrator-test\n    path: ${htpasswdFile(dir, users)}\n`;
  } else if (auth === 'token') {
    tokenServer = await startTokenServer({ users, service: `registry-${port}`, anonymousPull: opts.anonymousPull, lifetimeSeconds: opts.tokenLifetimeSeconds, refreshTokens: opts.refreshTokens });
    const bundle = path.join(dir, 'token-cert.pem');
    fs.writeFileSync(bundle, tokenServer.certificatePem);
    authBlock = `auth:\n  token:\n    realm: ${tokenServer.realm}\n    service: ${tokenServer.service}\n    issuer: ${tokenServer.issuer}\n    rootcertbundle: ${bundle}\n`;
  }
  const config = path.join(dir, 'config.yml');
  // Log level warn: at info the registry writes ~2 KB per request (648 MB in one benchmark).
  fs.writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n    enabled: true\n  redirect:\n    disable: true\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: test-${port}\nhealth:\n  storagedriver:\n    enabled: false\n${authBlock}`,
  );
  // The log goes to a file, not a pipe: a benchmark that blocks its event loop in
  // spawnSync stops draining a pipe, the registry's writes then block, and it hangs.
  const logFile = path.join(dir, 'registry.log');
  const logFd = fs.openSync(logFile, 'w');
  const child: ChildProcess = pooled
    ? spawn('/bin/sh', ['-c', WATCHDOG, 'sh', binary, config, dir], { stdio: ['pipe', 'ignore', logFd] })
    : spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', logFd] });
  fs.closeSync(logFd);
  if (pooled) {
    // Idle in the pool, it must not keep this process alive.
    child.unref();
    (child.stdin as unknown as { unref(): void }).unref();
  }
  const stderrTail = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').slice(-20000);
    } catch {
      return '';
    }
  };
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    const status = await probe(`${url}/v2/`);
    if (status === 200 || status === 401) break;
    if (exited !== undefined) throw new Error(`docker-registry exited (${exited}) before answering:\n${stderrTail()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not answer ${url}/v2/ within 20 s:\n${stderrTail()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    registry: { host: `127.0.0.1:${port}`, port, url, auth, users, tokenServer, storage },
    dir,
    alive: () => exited === undefined,
    async kill() {
      if (exited === undefined) {
        const gone = new Promise((r) => child.once('exit', r));
        if (pooled) child.stdin?.end();
        else child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(t);
      }
      await tokenServer?.close();
    },
  };
}
