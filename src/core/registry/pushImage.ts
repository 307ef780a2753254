import { type RegistryClient, type Repository, formatReference, formatRepository, sha256Digest } from './registryClient';
import { RegistryError, type Result, attempt } from './registryError';
import { blobPath, manifestPath, uploadsPath } from './registryPaths';

/**
 * Uploads a blob unless the repository has it: HEAD, then `POST /blobs/uploads/` (202 +
 * Location) and a monolithic `PUT <Location>?digest=…` (201). Returns the digest.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs
 * The client must be created with `allowPush`.
 */
export function pushBlob(client: RegistryClient, repo: Repository, bytes: Uint8Array, signal?: AbortSignal): Promise<Result<string>> {
  return attempt(async () => {
    const digest = sha256Digest(bytes);
    const actions: ('pull' | 'push')[] = ['pull', 'push'];
    const head = await client.request(repo, { method: 'HEAD', url: blobPath(repo, digest), actions, signal });
    if (head.status === 200) return digest;
    const start = await client.request(repo, { method: 'POST', url: uploadsPath(repo), actions, signal, headers: { 'content-length': '0' } });
    if (start.status !== 202) throw client.statusError(start, `start upload to ${formatRepository(repo)}`);
    const location = start.headers.location;
    if (typeof location !== 'string') throw new RegistryError('bad-response', `${formatRepository(repo)}: upload started without a Location`);
    const target = new URL(location, start.url);
    target.searchParams.set('digest', digest);
    const put = await client.request(repo, {
      method: 'PUT',
      url: target.href,
      actions,
      signal,
      body: bytes,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
    });
    if (put.status !== 201) throw client.statusError(put, `upload ${digest} to ${formatRepository(repo)}`);
    return digest;
  });
}

/**
 * PUTs a manifest's exact bytes under a tag or its digest, with its media type as
 * `Content-Type`. An index's children must be pushed (by digest) first. Returns the digest.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests
 */
export function pushManifest(client: RegistryClient, repo: Repository, reference: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<Result<string>> {
  return attempt(async () => {
    const digest = sha256Digest(bytes);
    const res = await client.request(repo, {
      method: 'PUT',
      url: manifestPath(repo, reference),
      actions: ['pull', 'push'],
      signal,
      body: bytes,
      headers: { 'content-type': mediaType },
    });
    if (res.status !== 201) throw client.statusError(res, `push ${formatReference(repo, reference)}`);
    const announced = res.headers['docker-content-digest'];
    if (typeof announced === 'string' && announced !== digest) {
      throw new RegistryError('digest-mismatch', `${formatReference(repo, reference)}: the registry stored ${announced}, the bytes hash to ${digest}`);
    }
    return digest;
  });
}
