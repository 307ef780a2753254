import * as http from 'http';
import type { AddressInfo } from 'net';

/** One request as the scripted server saw it: the raw request target, before any decoding. */
export interface ScriptedRequest {
  method: string;
  /** The request target exactly as sent (`/v2/a/manifests/x%3Fy`). */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type ScriptedHandler = (req: ScriptedRequest, res: http.ServerResponse, raw: http.IncomingMessage) => void | Promise<void>;

export interface ScriptedServer {
  /** `127.0.0.1:PORT` (or the hostname asked for). */
  host: string;
  port: number;
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server whose every answer is a test's script: hostile tag lists, odd
 * headers, bodies that drip or stop. Records each request's raw target, so a test can
 * assert what the client put in its URLs.
 */
export async function startScriptedServer(handler: ScriptedHandler, hostname = '127.0.0.1'): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const server = http.createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const req: ScriptedRequest = { method: raw.method ?? 'GET', url: raw.url ?? '/', headers: raw.headers, body: Buffer.concat(chunks) };
      requests.push(req);
      Promise.resolve(handler(req, res, raw)).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else raw.socket.destroy();
      });
    });
    raw.on('error', () => undefined);
  });
  const port = await new Promise<number>((r) => server.listen(0, hostname, () => r((server.address() as AddressInfo).port)));
  return {
    host: `${hostname}:${port}`,
    port,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Serves `body` (JSON-encoded unless a Buffer) with a status and headers. */
export function answer(res: http.ServerResponse, status: number, body: unknown = '', headers: Record<string, string> = {}): void {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { 'content-length': String(bytes.length), ...headers }).end(bytes);
}
