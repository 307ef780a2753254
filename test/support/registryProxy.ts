import * as http from 'http';
import * as net from 'net';
import type { AddressInfo } from 'net';

/** What the fault proxy does to one request; undefined passes it through untouched. */
export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' } // destroy the socket before answering
  | { kind: 'delay'; ms: number } // answer late
  | { kind: 'truncate' } // announce the full Content-Length, send half, close
  | { kind: 'corrupt' } // change the body's bytes, keep Docker-Content-Digest
  | { kind: 'stripDigest' } // answer without Docker-Content-Digest, as some registries do
  | { kind: 'redirect'; status?: number } // 307 to the "other host", which serves the real answer
  | { kind: 'drip'; bytes: number; everyMs: number }; // the real answer, `bytes` at a time every `everyMs` (a stalling link)

export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

export interface ProxyOptions {
  /** Called for each request with how many times this method+URL was seen before (0 the first time). */
  fault?: (req: SeenRequest, count: number) => Fault | undefined;
  /**
   * Serve `tags/list` in pages of `size` (the upstream 2.8.2 never pages), with
   * `Link: <…?n=&last=>; rel="next"`. `forever` also sends Link on the last page, to a
   * URL that answers an empty page with the same Link; `offOrigin` points Link at the other host.
   */
  paging?: { size: number; mode?: 'correct' | 'forever' | 'offOrigin' };
  /**
   * Send `X-Forwarded-Host: <proxy>` upstream, so the registry's upload `Location`s point
   * back at the proxy (and uploads can be faulted) instead of at the registry itself.
   */
  forwardedHost?: boolean;
}

export interface RegistryProxy {
  /** `127.0.0.1:PORT` */
  host: string;
  requests: SeenRequest[];
  /** The other loopback host redirects go to (`127.0.0.2:PORT`), and what reached it. */
  otherHost: string;
  otherRequests: SeenRequest[];
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function forward(upstream: string, method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<Upstream> {
  const [hostname, port] = upstream.split(':');
  return new Promise((resolve, reject) => {
    const h = { ...headers, host: upstream };
    const req = http.request({ hostname, port: Number(port), method, path: url, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen(server: http.Server, hostname: string): Promise<number> {
  return new Promise((r) => server.listen(0, hostname, () => r((server.address() as AddressInfo).port)));
}

/**
 * A loopback proxy in front of a registry that injects faults and pages tags. Redirects
 * go to a second server on 127.0.0.2 (another loopback host, so another origin for a client's
 * same-origin checks), which records what it was sent and serves the real answer.
 */
export async function startRegistryProxy(upstream: string, opts: ProxyOptions = {}): Promise<RegistryProxy> {
  const requests: SeenRequest[] = [];
  const otherRequests: SeenRequest[] = [];
  const counts = new Map<string, number>();
  const parked = new Map<string, Upstream>();
  let nextId = 0;

  const other = http.createServer((req, res) => {
    otherRequests.push({ method: req.method ?? 'GET', url: req.url ?? '/', authorization: req.headers.authorization });
    const u = parked.get(req.url ?? '');
    if (!u) return void res.writeHead(404).end();
    const headers = { ...u.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(u.body.length);
    res.writeHead(u.status, headers).end(req.method === 'HEAD' ? undefined : u.body);
  });
  const otherPort = await listen(other, '127.0.0.2');
  const otherHost = `127.0.0.2:${otherPort}`;

  const send = (res: http.ServerResponse, u: Upstream, method: string, body = u.body) => {
    const headers = { ...u.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    if (method !== 'HEAD') headers['content-length'] = String(body.length);
    res.writeHead(u.status, headers).end(method === 'HEAD' ? undefined : body);
  };

  const pagedTags = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, paging: NonNullable<ProxyOptions['paging']>) => {
    const full = await forward(upstream, 'GET', url.pathname, req.headers, Buffer.alloc(0));
    if (full.status !== 200) return send(res, full, 'GET');
    const j = JSON.parse(full.body.toString('utf8')) as { name: string; tags: string[] | null };
    const all = (j.tags ?? []).slice().sort();
    const n = Math.min(Number(url.searchParams.get('n') ?? paging.size) || paging.size, paging.size);
    const last = url.searchParams.get('last');
    const start = last === null ? 0 : all.findIndex((t) => t > last) === -1 ? all.length : all.findIndex((t) => t > last);
    const page = all.slice(start, start + n);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const lastOfPage = page.length ? page[page.length - 1] : (last ?? '');
    const more = start + n < all.length;
    if (more || paging.mode === 'forever') {
      const origin = paging.mode === 'offOrigin' ? `http://${otherHost}` : '';
      headers.link = `<${origin}${url.pathname}?n=${n}&last=${encodeURIComponent(lastOfPage)}>; rel="next"`;
    }
    res.writeHead(200, headers).end(JSON.stringify({ name: j.name, tags: page }));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const seen: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', authorization: req.headers.authorization };
      requests.push(seen);
      const key = `${seen.method} ${seen.url}`;
      const count = counts.get(key) ?? 0;
      counts.set(key, count + 1);
      const fault = opts.fault?.(seen, count);
      const body = await readBody(req);
      if (fault?.kind === 'reset') return void req.socket.destroy();
      if (fault?.kind === 'status') {
        return void res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(fault.body ?? '{"errors":[{"code":"INJECTED"}]}');
      }
      if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
      if (req.socket.destroyed) return;
      const url = new URL(seen.url, 'http://x');
      if (opts.paging && seen.method === 'GET' && /\/tags\/list$/.test(url.pathname)) return pagedTags(req, res, url, opts.paging);
      const headers = opts.forwardedHost ? { ...req.headers, 'x-forwarded-host': req.headers.host } : req.headers;
      const u = await forward(upstream, seen.method, seen.url, headers, body);
      if (fault?.kind === 'redirect') {
        const path = `/parked/${nextId++}`;
        parked.set(path, u);
        return void res.writeHead(fault.status ?? 307, { location: `http://${otherHost}${path}`, 'content-length': '0' }).end();
      }
      if (fault?.kind === 'truncate' && seen.method !== 'HEAD') {
        const headers = { ...u.headers, 'content-length': String(u.body.length) };
        delete headers['transfer-encoding'];
        res.writeHead(u.status, headers);
        res.write(u.body.subarray(0, Math.floor(u.body.length / 2)));
        return void setTimeout(() => req.socket.destroy(), 20);
      }
      if (fault?.kind === 'drip' && seen.method !== 'HEAD') {
        const headers = { ...u.headers, 'content-length': String(u.body.length) };
        delete headers['transfer-encoding'];
        res.writeHead(u.status, headers);
        let at = 0;
        const t = setInterval(() => {
          if (res.destroyed || at >= u.body.length) {
            clearInterval(t);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(u.body.subarray(at, at + fault.bytes));
          at += fault.bytes;
        }, fault.everyMs);
        res.on('close', () => clearInterval(t));
        return;
      }
      if (fault?.kind === 'corrupt') {
        const changed = Buffer.from(u.body.toString('utf8').replace(/\{/, '{ '));
        return send(res, u, seen.method, changed);
      }
      if (fault?.kind === 'stripDigest') {
        const headers = { ...u.headers };
        delete headers['docker-content-digest'];
        return send(res, { ...u, headers }, seen.method);
      }
      send(res, u, seen.method);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else req.socket.destroy();
    });
  });
  // As an HTTP proxy (HTTP_PROXY=http://<this>), undici tunnels with CONNECT: record it and
  // tunnel to the upstream registry, whatever loopback host:port was asked for.
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    requests.push({ method: 'CONNECT', url: req.url ?? '', authorization: req.headers['proxy-authorization'] as string | undefined });
    const [hostname, port] = upstream.split(':');
    const up = net.connect(Number(port), hostname, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  const port = await listen(server, '127.0.0.1');
  return {
    host: `127.0.0.1:${port}`,
    requests,
    otherHost,
    otherRequests,
    close: async () => {
      server.closeAllConnections();
      other.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
    },
  };
}
