import { execFileSync } from 'child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * A loopback token server for distribution's `auth: token`: RS256 JWTs with the signing
 * certificate in the `x5c` header, `aud` a plain string (2.8.2 rejects an array), and an
 * `access` claim such as `[{type: "repository", name, actions: ["pull"]}]`.
 * https://distribution.github.io/distribution/spec/auth/jwt/
 */
export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certificatePem: string;
  /** Every token request, for assertions: who asked, for which scopes. Never the password. */
  requests: { user: string | undefined; scopes: string[]; badCredentials: boolean; grantType?: string }[];
  /** Changes `expires_in` for tokens issued from now on. */
  setLifetimeSeconds(seconds: number): void;
  /** A pooled registry handed to another suite (registryProcess.ts): its rules, no requests seen yet. */
  reset(opts: Pick<TokenServerOptions, 'anonymousPull' | 'lifetimeSeconds'>): void;
  close(): Promise<void>;
}

export interface TokenServerOptions {
  users: Record<string, string>;
  service: string;
  anonymousPull?: (repository: string) => boolean;
  lifetimeSeconds?: number;
  /** identitytoken (refresh token) -> user, for the OAuth2 POST flow. */
  refreshTokens?: Record<string, string>;
}

let keyPair: { keyPem: string; certPem: string } | undefined;

/** One RSA key and self-signed certificate per process (openssl; installed by .ci/run). */
function signingKey(): { keyPem: string; certPem: string } {
  if (keyPair) return keyPair;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-token-key-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=registry-migrator-test-token'], { stdio: 'ignore' });
  keyPair = { keyPem: fs.readFileSync(key, 'utf8'), certPem: fs.readFileSync(cert, 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return keyPair;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const { keyPem, certPem } = signingKey();
  const key = createPrivateKey(keyPem);
  const x5c = new X509Certificate(certPem).raw.toString('base64');
  const issuer = 'registry-migrator-test-issuer';
  const requests: TokenServer['requests'] = [];
  let anonymousPull = opts.anonymousPull ?? (() => true);
  let lifetime = opts.lifetimeSeconds ?? 300;

  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const params = req.method === 'POST' ? new URLSearchParams(body) : u.searchParams;
      let user: string | undefined;
      let badCredentials = false;
      const grantType = params.get('grant_type') ?? undefined;
      if (grantType === 'refresh_token') {
        user = opts.refreshTokens?.[params.get('refresh_token') ?? ''];
        badCredentials = user === undefined;
      } else {
        const h = req.headers.authorization;
        if (h?.startsWith('Basic ')) {
          const [u1, ...p] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
          if (opts.users[u1] !== undefined && opts.users[u1] === p.join(':')) user = u1;
          else badCredentials = true;
        }
      }
      const scopes = params.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
      requests.push({ user, scopes, badCredentials, grantType });
      if (badCredentials) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
      const access = scopes.flatMap((s) => {
        const [type, name, actions] = s.split(':');
        if (type !== 'repository' || !name) return [];
        const granted = (actions ?? '').split(',').filter((a) => (a === 'pull' ? user !== undefined || anonymousPull(name) : a === 'push' ? user !== undefined : false));
        return granted.length ? [{ type, name, actions: granted }] : [];
      });
      const now = Math.floor(Date.now() / 1000);
      const life = lifetime;
      const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [x5c] }));
      const claims = b64url(JSON.stringify({ iss: issuer, sub: user ?? '', aud: opts.service, exp: now + life, nbf: now - 10, iat: now, jti: randomUUID(), access }));
      const signature = b64url(sign('sha256', Buffer.from(`${header}.${claims}`), key));
      const token = `${header}.${claims}.${signature}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: life, issued_at: new Date().toISOString() }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // A pooled registry keeps its token server for the life of the process; it must not keep the process alive.
  server.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service: opts.service,
    issuer,
    certificatePem: certPem,
    requests,
    setLifetimeSeconds: (seconds) => void (lifetime = seconds),
    reset(next) {
      anonymousPull = next.anonymousPull ?? (() => true);
      lifetime = next.lifetimeSeconds ?? 300;
      requests.length = 0;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
