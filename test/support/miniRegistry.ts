import type * as http from 'http';

import { OCI_INDEX } from '../../src/core/registry/mediaTypes';
import { sha256Digest } from '../../src/core/registry/registryClient';
import { type ScriptedRequest, type ScriptedServer, answer, startScriptedServer } from './scriptedServer';
import type { TestImage } from './testImages';

export interface MiniRegistryContent {
  /** The one repository it serves (`src/app`). */
  repository: string;
  /** tag -> image; the tag list also gets `extraTags` (which need not resolve). */
  tags: Record<string, TestImage>;
  /** Listed verbatim after the real tags: hostile names for the client to refuse. */
  extraTags?: string[];
  /** Raw manifests by tag, for manifests that a TestImage cannot express (hostile descriptors). */
  rawManifests?: Record<string, { mediaType: string; bytes: Buffer }>;
  /** subject digest -> the `manifests` list the referrers API answers with. */
  referrers?: Record<string, unknown[]>;
  /** Called first; return true when it answered the request itself (faults). */
  intercept?: (req: ScriptedRequest, res: http.ServerResponse, raw: http.IncomingMessage) => boolean | Promise<boolean>;
}

/**
 * A minimal, scriptable read-only registry (what a hostile "old" registry looks like from
 * the outside): `/v2/`, the tag list, manifests by tag or digest, blobs and the referrers
 * API. It serves only what the test put in, so a test can list names that no real
 * registry would store.
 */
export function startMiniRegistry(content: MiniRegistryContent): Promise<ScriptedServer> {
  const manifests = new Map<string, { mediaType: string; bytes: Buffer }>();
  const blobs = new Map<string, Buffer>();
  const add = (img: TestImage) => {
    manifests.set(img.digest, { mediaType: img.mediaType, bytes: img.bytes });
    for (const b of img.blobs) blobs.set(sha256Digest(b), b);
    for (const c of img.children) add(c);
  };
  for (const [tag, img] of Object.entries(content.tags)) {
    add(img);
    manifests.set(tag, { mediaType: img.mediaType, bytes: img.bytes });
  }
  for (const [tag, m] of Object.entries(content.rawManifests ?? {})) {
    manifests.set(tag, m);
    manifests.set(sha256Digest(m.bytes), m);
  }
  const prefix = `/v2/${content.repository}/`;
  const notFound = (res: http.ServerResponse, code: string) => answer(res, 404, { errors: [{ code }] }, { 'content-type': 'application/json' });
  return startScriptedServer(async (req, res, raw) => {
    if (content.intercept && (await content.intercept(req, res, raw))) return;
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/v2/') return answer(res, 200, '{}', { 'content-type': 'application/json' });
    if (!url.pathname.startsWith(prefix)) return notFound(res, 'NAME_UNKNOWN');
    const rest = url.pathname.slice(prefix.length);
    if (rest === 'tags/list') {
      return answer(res, 200, { name: content.repository, tags: [...Object.keys(content.tags), ...Object.keys(content.rawManifests ?? {}), ...(content.extraTags ?? [])] }, { 'content-type': 'application/json' });
    }
    let m = /^manifests\/(.+)$/.exec(rest);
    if (m) {
      const found = manifests.get(decodeURIComponent(m[1]));
      if (!found) return notFound(res, 'MANIFEST_UNKNOWN');
      const headers = { 'content-type': found.mediaType, 'docker-content-digest': sha256Digest(found.bytes) };
      if (req.method === 'HEAD') return void res.writeHead(200, { ...headers, 'content-length': String(found.bytes.length) }).end();
      return answer(res, 200, found.bytes, headers);
    }
    m = /^blobs\/(sha256:[a-f0-9]{64})$/.exec(rest);
    if (m) {
      const b = blobs.get(m[1]);
      if (!b) return notFound(res, 'BLOB_UNKNOWN');
      if (req.method === 'HEAD') return void res.writeHead(200, { 'content-length': String(b.length) }).end();
      return answer(res, 200, b, { 'content-type': 'application/octet-stream', 'docker-content-digest': m[1] });
    }
    m = /^referrers\/(.+)$/.exec(rest);
    if (m) {
      const list = content.referrers?.[decodeURIComponent(m[1])];
      return answer(res, 200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: list ?? [] }, { 'content-type': OCI_INDEX });
    }
    return notFound(res, 'UNSUPPORTED');
  });
}
