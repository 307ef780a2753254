import { isIP } from 'net';

import { DOCKER_HUB } from '../reference/imageReference';

/** `127.0.0.1:5000` -> `127.0.0.1`, `[::1]:5000` -> `::1`. */
export function hostnameOf(host: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (m) return m[1];
  const i = host.lastIndexOf(':');
  return (i !== -1 && host.indexOf(':') === i ? host.slice(0, i) : host).toLowerCase();
}

export function isLoopbackHost(host: string): boolean {
  const h = hostnameOf(host);
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** RFC 1918, link-local and unique-local addresses, as IP literals only (we never resolve names). */
export function isPrivateAddress(host: string): boolean {
  const h = hostnameOf(host);
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (isIP(h) === 6) return /^f[cd]/i.test(h) || /^fe[89ab]/i.test(h);
  return false;
}

/**
 * The origin that serves a registry's API. Docker Hub's is registry-1.docker.io.
 * Plain HTTP only for loopback (tests, a local registry) and for hosts the user named
 * with `--insecure-registry`; everything else is TLS with verification.
 */
export function registryOrigin(host: string, insecure: ReadonlySet<string>, overrides?: ReadonlyMap<string, string>): string {
  const mapped = overrides?.get(host);
  if (mapped) return `http://${mapped}`;
  const api = host === DOCKER_HUB ? 'registry-1.docker.io' : host;
  const plain = isLoopbackHost(host) || insecure.has(host) || insecure.has(hostnameOf(host));
  return `${plain ? 'http' : 'https'}://${api}`;
}

/**
 * Test-only host mapping (`ghcr.io` served by `127.0.0.1:5000`), so a loopback registry can
 * stand in for a real host in tests of host-specific behaviour (ghcr.io credentials).
 * Only loopback targets are accepted, so it cannot send traffic anywhere else.
 */
export function checkHostOverrides(table: Record<string, string> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [host, target] of Object.entries(table ?? {})) {
    if (!/^[^/?#@\s]+:\d+$/.test(target) || !isLoopbackHost(target)) throw new Error(`host override ${host}=${target}: the target must be a loopback host:port`);
    out.set(host.toLowerCase(), target);
  }
  return out;
}

/** The realm host is the registry's own host or a subdomain of it (ghcr.io -> ghcr.io, auth.ghcr.io). */
export function realmUnderHost(realmHostname: string, host: string): boolean {
  const h = hostnameOf(host);
  const r = realmHostname.toLowerCase().replace(/^\[|\]$/g, '');
  return r === h || r.endsWith('.' + h);
}
