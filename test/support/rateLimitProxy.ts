import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * A loopback proxy in front of a registry that behaves like Docker Hub's pull limit:
 * manifest GETs count (HEADs are free), `ratelimit-limit: B;w=W` and
 * `ratelimit-remaining: R;w=W` go on every manifest answer, and past the budget a
 * manifest GET gets 429 `TOOMANYREQUESTS` with `Retry-After: W`. The window is fixed: it
 * starts at the first counted request and the budget is whole again W seconds later.
 * https://docs.docker.com/docker-hub/usage/pulls/
 */
export interface RateLimitProxy {
  host: string;
  /** Every request, in order. */
  requests: { method: string; url: string; status: number }[];
  /** 429s sent. */
  refused(): number;
  /** Start a fresh window (between test cases), optionally with another budget and window. */
  reset(budget?: number, windowSeconds?: number): void;
  close(): Promise<void>;
}

export async function startRateLimitProxy(upstream: string, budget: number, windowSeconds: number): Promise<RateLimitProxy> {
  const [uh, up] = upstream.split(':');
  const requests: RateLimitProxy['requests'] = [];
  let windowStart = 0;
  let used = 0;
  let refused = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const method = req.method ?? 'GET';
      const manifest = /\/manifests\/[^/?]+$/.test(url.split('?')[0]);
      const now = Date.now();
      if (now - windowStart >= windowSeconds * 1000) {
        windowStart = now;
        used = 0;
      }
      const counts = manifest && method === 'GET';
      if (counts && used >= budget) {
        refused++;
        requests.push({ method, url, status: 429 });
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(windowSeconds), 'ratelimit-limit': `${budget};w=${windowSeconds}`, 'ratelimit-remaining': `0;w=${windowSeconds}` });
        return void res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}');
      }
      if (counts) used++;
      const h = { ...req.headers, host: upstream };
      const fwd = http.request({ hostname: uh, port: Number(up), method, path: url, headers: h }, (u) => {
        const body: Buffer[] = [];
        u.on('data', (c: Buffer) => body.push(c));
        u.on('end', () => {
          const headers = { ...u.headers };
          delete headers['transfer-encoding'];
          delete headers.connection;
          if (manifest) {
            headers['ratelimit-limit'] = `${budget};w=${windowSeconds}`;
            headers['ratelimit-remaining'] = `${Math.max(0, budget - used)};w=${windowSeconds}`;
          }
          const b = Buffer.concat(body);
          if (method !== 'HEAD') headers['content-length'] = String(b.length);
          requests.push({ method, url, status: u.statusCode ?? 502 });
          res.writeHead(u.statusCode ?? 502, headers).end(method === 'HEAD' ? undefined : b);
        });
      });
      fwd.on('error', () => res.writeHead(502).end());
      fwd.end(Buffer.concat(chunks));
    });
  });
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
  return {
    host: `127.0.0.1:${port}`,
    requests,
    refused: () => refused,
    reset: (b?: number, w?: number) => {
      if (b !== undefined) budget = b;
      if (w !== undefined) windowSeconds = w;
      windowStart = 0;
      used = 0;
      refused = 0;
      requests.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
