import { type Repository, formatRepository, parseRepository } from '../../core/registry/index';

/** `ghcr.io/a/b:1.0` */
export function tagReference(repo: Repository, tag: string): string {
  return `${formatRepository(repo)}:${tag}`;
}

/**
 * What to paste when the reference must not move: `repo@sha256:…` (what a pull resolves), or
 * `repo:tag@sha256:…`, which keeps the tag for readers; both pull exactly the digest.
 * https://github.com/distribution/reference/blob/main/reference.go (name[:tag][@digest])
 */
export function pinnedReference(repo: Repository, tag: string, digest: string, keepTag = true): string {
  return keepTag ? `${formatRepository(repo)}:${tag}@${digest}` : `${formatRepository(repo)}@${digest}`;
}

export type CopyTool = 'crane' | 'skopeo' | 'registry-migrator';

/**
 * A shell command that copies one tag digest for digest, every platform included. Loopback
 * registries speak plain HTTP, which both tools refuse unless told.
 */
export function copyCommand(tool: CopyTool, from: Repository, to: Repository, tag: string): string {
  const src = tagReference(from, tag);
  const dst = tagReference(to, tag);
  const plain = [from, to].filter((r) => /^(localhost|127\.|\[::1\])/.test(r.host));
  switch (tool) {
    case 'crane':
      return `crane copy${plain.length ? ' --insecure' : ''} ${src} ${dst}`;
    case 'skopeo': {
      const tls = (r: Repository, side: 'src' | 'dest') => (plain.includes(r) ? ` --${side}-tls-verify=false` : '');
      return `skopeo copy --all${tls(from, 'src')}${tls(to, 'dest')} docker://${src} docker://${dst}`;
    }
    case 'registry-migrator':
      return `registry-migrator copy ${formatRepository(from)} ${formatRepository(to)} --tags '^${tag.replace(/[.+]/g, '\\$&')}$'`;
  }
}

// Shared with the editor's hover; re-exported for the Tag Explorer's modules and tests.
export { browserUrl, shortDigest } from '../registryWebLinks';

/** A pinned entry of `registryMigrator.repositories`: one repository, or a pair `old -> new`. */
export interface PinnedEntry {
  old: Repository;
  new?: Repository;
}

/** Parses `ghcr.io/a/b` or `k8s.gcr.io/pause -> registry.k8s.io/pause` (`→` and `=>` work too). */
export function parsePinnedEntry(text: string): { ok: true; value: PinnedEntry } | { ok: false; message: string } {
  const parts = text.split(/\s*(?:->|=>|→)\s*/).map((s) => s.trim());
  if (parts.length > 2 || parts.some((p) => !p)) return { ok: false, message: 'Write one repository, or two joined by "->" (old -> new).' };
  const repos: Repository[] = [];
  for (const p of parts) {
    const r = parseRepository(p);
    if (!r.ok) return { ok: false, message: r.error.message };
    repos.push(r.value);
  }
  return { ok: true, value: { old: repos[0], new: repos[1] } };
}

/**
 * A case-insensitive substring filter, or a regular expression when written `/…/`. An
 * invalid expression matches as plain text rather than failing.
 */
export function tagFilter(text: string | undefined): ((tag: string) => boolean) | undefined {
  const t = text?.trim();
  if (!t) return undefined;
  const m = /^\/(.+)\/([i]?)$/.exec(t);
  if (m) {
    try {
      const re = new RegExp(m[1], m[2]);
      return (tag) => re.test(tag);
    } catch {
      /* fall through to plain text */
    }
  }
  const lower = t.toLowerCase();
  return (tag) => tag.toLowerCase().includes(lower);
}

/**
 * When a 429 says the limit resets: `Retry-After` seconds or date (RFC 9110), from the
 * registry error's message ("…: 429 TOOMANYREQUESTS (Retry-After 3600)").
 */
export function rateLimitReset(message: string, now = Date.now()): Date | undefined {
  const m = /Retry-After ([^)]+)\)/.exec(message);
  if (!m) return undefined;
  const v = m[1].trim();
  if (/^\d+$/.test(v)) return new Date(now + Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t);
}
