import { createHash } from 'crypto';

import { isIndexMediaType } from './mediaTypes';
import { pushManifest } from './pushImage';
import { type RegistryClient, type RegistryResponse, type Repository, formatRepository } from './registryClient';
import { RegistryError, type Result, attempt } from './registryError';
import { blobPath, mountPath, uploadsPath } from './registryPaths';

/**
 * Where a copy reads and writes. Two clients on purpose: `source` is read-only (pull scopes,
 * the user's usual credentials); `destination` was built with `allowPush` and the explicit
 * push credential, and asks for `repository:<to>:pull,push` and nothing else.
 */
export interface CopyEndpoints {
  source: RegistryClient;
  destination: RegistryClient;
  from: Repository;
  to: Repository;
}

export interface CopyImageOptions {
  /** Count what would be written (HEAD only at the destination) and write nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Blobs up to this size go in one PUT (read into memory first). Default 4 MiB. */
  monolithicMaxBytes?: number;
  /** Larger blobs go in PATCH chunks of this size; the copy holds one chunk per blob in flight. Default 8 MiB. */
  chunkBytes?: number;
  /** Bytes that blob transfers may hold in memory at once (whole small blobs, one chunk per large one). Default 32 MiB. */
  memoryBudgetBytes?: number;
  /** Tries per blob upload for transient failures (reset, truncation, timeout, 5xx). Default 3. */
  blobAttempts?: number;
  /** Cross-repository mount when both repositories are on the same registry. Default true. */
  mount?: boolean;
  /** Called as blob bytes reach the destination (uploaded or mounted), with the increment. */
  onBytes?: (bytes: number) => void;
}

/** What one session wrote (or, in a dry run, would write). */
export interface CopyStats {
  manifestsPushed: number;
  manifestsPresent: number;
  blobsUploaded: number;
  blobsMounted: number;
  blobsPresent: number;
  bytesUploaded: number;
  bytesMounted: number;
  bytesPresent: number;
  /** Upload attempts that failed and were retried. */
  retries: number;
}

export function emptyCopyStats(): CopyStats {
  return { manifestsPushed: 0, manifestsPresent: 0, blobsUploaded: 0, blobsMounted: 0, blobsPresent: 0, bytesUploaded: 0, bytesMounted: 0, bytesPresent: 0, retries: 0 };
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** A manifest as read from the source: exact bytes, and what it points at. */
export interface SourceManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  /** Index / list entries. */
  children: Descriptor[];
  /** Config, layers (and an artifact's blobs) of an image manifest. */
  blobs: Descriptor[];
  /** The OCI `subject` a referrer points at. */
  subject?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

function describe(v: unknown, where: string): Descriptor {
  const d = v as { mediaType?: unknown; digest?: unknown; size?: unknown } | null;
  if (!d || typeof d.digest !== 'string' || !DIGEST.test(d.digest)) {
    throw new RegistryError('bad-response', `${where}: a descriptor without a sha256 digest (other algorithms are not copied)`);
  }
  const size = typeof d.size === 'number' && Number.isSafeInteger(d.size) && d.size >= 0 ? d.size : -1;
  return { mediaType: typeof d.mediaType === 'string' ? d.mediaType : '', digest: d.digest, size };
}

/**
 * Foreign / non-distributable layers (Windows base layers) live elsewhere (`urls`), and
 * registries refuse them; the manifest is pushed without copying them, as crane and skopeo do.
 * https://github.com/opencontainers/image-spec/blob/main/layer.md#non-distributable-layers
 */
function distributable(d: Descriptor): boolean {
  return !/foreign|nondistributable/.test(d.mediaType);
}

/** Parses a manifest's references; hostile JSON becomes a `bad-response`, never a throw of anything else. */
export function parseSourceManifest(digest: string, mediaType: string, bytes: Buffer, where: string): SourceManifest {
  let j: { manifests?: unknown; config?: unknown; layers?: unknown; blobs?: unknown; subject?: unknown };
  try {
    j = JSON.parse(bytes.toString('utf8')) as typeof j;
  } catch {
    throw new RegistryError('bad-response', `${where}: the manifest is not JSON`);
  }
  if (!j || typeof j !== 'object') throw new RegistryError('bad-response', `${where}: the manifest is not an object`);
  const list = (v: unknown, name: string): Descriptor[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new RegistryError('bad-response', `${where}: "${name}" is not a list`);
    return v.map((x) => describe(x, `${where} ${name}`));
  };
  const subject = j.subject === undefined ? undefined : describe(j.subject, `${where} subject`).digest;
  if (isIndexMediaType(mediaType) || (Array.isArray(j.manifests) && j.config === undefined)) {
    return { digest, mediaType, bytes, children: list(j.manifests, 'manifests'), blobs: [], subject };
  }
  const blobs = [...(j.config === undefined ? [] : [describe(j.config, `${where} config`)]), ...list(j.layers, 'layers'), ...list(j.blobs, 'blobs')];
  return { digest, mediaType, bytes, children: [], blobs: blobs.filter(distributable), subject };
}

/**
 * Bounds the bytes that blob transfers hold in memory: a monolithic upload holds its blob,
 * a chunked one a chunk. Many small blobs run side by side; big ones queue. One transfer
 * larger than the budget still runs, alone.
 */
class ByteBudget {
  private used = 0;
  private readonly queue: { bytes: number; go: () => void }[] = [];
  constructor(private readonly budget: number) {}
  async run<T>(bytes: number, f: () => Promise<T>): Promise<T> {
    const want = Math.min(bytes, this.budget);
    if (this.used + want > this.budget || this.queue.length) await new Promise<void>((go) => this.queue.push({ bytes: want, go }));
    else this.used += want;
    try {
      return await f();
    } finally {
      this.used -= want;
      while (this.queue.length && this.used + this.queue[0].bytes <= this.budget) {
        const next = this.queue.shift()!;
        this.used += next.bytes;
        next.go();
      }
    }
  }
}

function header(res: RegistryResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** An error thrown while reading a streamed body (undici's codes), as a RegistryError. */
function streamError(e: unknown, where: string, signal?: AbortSignal): RegistryError {
  if (e instanceof RegistryError) return e;
  if (signal?.aborted) return new RegistryError('aborted', 'cancelled');
  const code = (e as { code?: string }).code ?? '';
  if (/TIMEOUT/.test(code)) return new RegistryError('timeout', `${where}: the blob stopped arriving`);
  return new RegistryError('truncated', `${where}: the connection closed in the middle of the blob (${code || (e as Error).message})`);
}

const TRANSIENT = new Set(['connection-reset', 'truncated', 'timeout', 'server-error', 'network']);

/**
 * One copy between two repositories. Shares work across the images it copies: a blob or
 * child manifest asked for by several tags is checked and transferred once, and the
 * destination is asked (HEAD) before anything is written, so a re-run after a failure
 * uploads only what is still missing.
 */
export class CopySession {
  readonly stats: CopyStats = emptyCopyStats();
  private readonly blobs = new Map<string, Promise<void>>();
  private readonly manifests = new Map<string, Promise<void>>();
  private readonly transfers: ByteBudget;
  private readonly monolithicMax: number;
  private readonly chunkBytes: number;
  private readonly attempts: number;
  /** Mount is tried while the destination has not refused it once (a token registry needs pull on `from` in the same token, which we do not ask for). */
  private mountUsable: boolean;
  private readonly push: ('pull' | 'push')[];

  constructor(
    readonly endpoints: CopyEndpoints,
    readonly options: CopyImageOptions = {},
  ) {
    this.monolithicMax = options.monolithicMaxBytes ?? 4 * 1024 * 1024;
    this.chunkBytes = Math.max(1, options.chunkBytes ?? 8 * 1024 * 1024);
    this.transfers = new ByteBudget(Math.max(options.memoryBudgetBytes ?? 32 * 1024 * 1024, 1));
    this.attempts = Math.max(1, options.blobAttempts ?? 3);
    this.mountUsable = (options.mount ?? true) && endpoints.from.host === endpoints.to.host && endpoints.from.path !== endpoints.to.path;
    // A dry run never asks for a push scope.
    this.push = options.dryRun ? ['pull'] : ['pull', 'push'];
  }

  private get where(): string {
    return formatRepository(this.endpoints.from);
  }

  /** GETs a manifest from the source by digest (bytes checked against it) and parses it. */
  async sourceManifest(digest: string): Promise<SourceManifest> {
    const m = await this.endpoints.source.getManifest(this.endpoints.from, digest, this.options.signal);
    if (!m.ok) throw m.error;
    return parseSourceManifest(m.value.digest, m.value.mediaType, m.value.bytes, `${this.where}@${digest}`);
  }

  /**
   * Copies the manifest `digest` (children and blobs first) and pushes it under `tag`, or by
   * digest when `tag` is undefined. Returns the parsed manifest.
   */
  async copyManifest(digest: string, tag: string | undefined): Promise<SourceManifest> {
    const m = await this.sourceManifest(digest);
    // Children by digest before the index: the registry checks that they exist.
    await Promise.all(m.children.map((c) => this.ensureManifest(c.digest)));
    await Promise.all(m.blobs.map((b) => this.ensureBlob(b)));
    if (!this.options.dryRun) {
      const { destination, to } = this.endpoints;
      const r = await pushManifest(destination, to, tag ?? digest, m.bytes, m.mediaType, this.options.signal);
      if (!r.ok) throw r.error;
      if (r.value !== digest) throw new RegistryError('digest-mismatch', `${formatRepository(to)}: pushed ${digest}, the registry stored ${r.value}`);
    }
    this.stats.manifestsPushed++;
    return m;
  }

  /** A child manifest (by digest): HEAD at the destination, copied only when missing; once per session. */
  ensureManifest(digest: string): Promise<void> {
    let p = this.manifests.get(digest);
    if (!p) {
      p = (async () => {
        const { destination, to } = this.endpoints;
        const head = await destination.headManifest(to, digest, this.options.signal);
        if (head.ok && head.value.digest === digest) {
          this.stats.manifestsPresent++;
          return;
        }
        if (!head.ok && head.error.code !== 'manifest-not-found' && head.error.code !== 'repository-not-found') throw head.error;
        await this.copyManifest(digest, undefined);
      })();
      // A failed child may be retried by a later tag (or a re-run); only successes are shared.
      p.catch(() => this.manifests.delete(digest));
      this.manifests.set(digest, p);
    }
    return p;
  }

  /** A blob: HEAD at the destination, then mount or upload it; once per session. */
  ensureBlob(d: Descriptor): Promise<void> {
    let p = this.blobs.get(d.digest);
    if (!p) {
      p = this.copyBlob(d);
      p.catch(() => this.blobs.delete(d.digest));
      this.blobs.set(d.digest, p);
    }
    return p;
  }

  private async copyBlob(d: Descriptor): Promise<void> {
    const { destination, to, from } = this.endpoints;
    const signal = this.options.signal;
    const head = await destination.request(to, { method: 'HEAD', url: blobPath(to, d.digest), actions: this.push, signal });
    if (head.status === 200) {
      this.stats.blobsPresent++;
      this.stats.bytesPresent += Math.max(d.size, 0);
      return;
    }
    if (head.status !== 404) throw destination.statusError(head, `blob ${d.digest} at ${formatRepository(to)}`);
    if (this.options.dryRun) {
      if (this.mountUsable) {
        this.stats.blobsMounted++;
        this.stats.bytesMounted += Math.max(d.size, 0);
      } else {
        this.stats.blobsUploaded++;
        this.stats.bytesUploaded += Math.max(d.size, 0);
      }
      return;
    }
    let location: URL | undefined;
    if (this.mountUsable) {
      // https://github.com/opencontainers/distribution-spec/blob/main/spec.md#mounting-a-blob-from-another-repository
      let res: RegistryResponse | undefined;
      try {
        res = await destination.request(to, {
          method: 'POST',
          url: mountPath(to, d.digest, from),
          actions: this.push,
          signal,
          headers: { 'content-length': '0' },
        });
      } catch (e) {
        if (!(e instanceof RegistryError) || (e.code !== 'unauthorized' && e.code !== 'forbidden')) throw e;
        this.mountUsable = false;
      }
      if (res?.status === 201) {
        this.stats.blobsMounted++;
        this.stats.bytesMounted += Math.max(d.size, 0);
        this.options.onBytes?.(Math.max(d.size, 0));
        return;
      }
      // 202: the registry opened an ordinary upload instead (the spec allows it).
      if (res?.status === 202) location = this.locationOf(res);
      else if (res) this.mountUsable = false;
    }
    const holds = d.size >= 0 && d.size <= this.monolithicMax ? Math.max(d.size, 1) : this.chunkBytes;
    await this.transfers.run(holds, async () => {
      for (let attemptNo = 1; ; attemptNo++) {
        try {
          await this.uploadBlob(d, location);
          return;
        } catch (e) {
          const err = e instanceof RegistryError ? e : undefined;
          if (!err || !TRANSIENT.has(err.code) || attemptNo >= this.attempts || signal?.aborted) throw e;
          this.stats.retries++;
          location = undefined;
        }
      }
    });
  }

  private locationOf(res: RegistryResponse): URL {
    const location = header(res, 'location');
    if (!location) throw new RegistryError('bad-response', `${formatRepository(this.endpoints.to)}: an upload answer without a Location`);
    return new URL(location, res.url);
  }

  private async startUpload(): Promise<URL> {
    const { destination, to } = this.endpoints;
    const res = await destination.request(to, { method: 'POST', url: uploadsPath(to), actions: this.push, signal: this.options.signal, headers: { 'content-length': '0' } });
    if (res.status !== 202) throw destination.statusError(res, `start upload to ${formatRepository(to)}`);
    return this.locationOf(res);
  }

  /**
   * Streams one blob from the source to the destination, hashing as it goes. Small blobs:
   * one monolithic `PUT ?digest=`. Large ones: `PATCH` chunks with `Content-Range`, then a
   * closing `PUT ?digest=`; a digest that does not match is never committed.
   * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-a-blob-in-chunks
   */
  private async uploadBlob(d: Descriptor, location: URL | undefined): Promise<void> {
    const { source, destination, from, to } = this.endpoints;
    const signal = this.options.signal;
    const where = `${formatRepository(from)}@${d.digest}`;
    const get = await source.request(from, { method: 'GET', url: blobPath(from, d.digest), stream: true, signal });
    if (get.status !== 200 || !get.stream) throw source.statusError(get, `blob ${where}`);
    const stream = get.stream;
    // The upload session in use, cancelled if this attempt fails: an aborted copy leaves
    // no half-written upload behind (a registry keeps them until its purge runs).
    let session: URL | undefined;
    try {
      const declared = header(get, 'content-length');
      const length = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : -1;
      if (d.size >= 0 && length >= 0 && length !== d.size) throw new RegistryError('bad-response', `${where}: the manifest says ${d.size} bytes, the registry sends ${length}`);
      const size = d.size >= 0 ? d.size : length;
      const hash = createHash('sha256');
      let received = 0;
      const check = () => {
        const got = 'sha256:' + hash.digest('hex');
        if ((size >= 0 && received !== size) || got !== d.digest) {
          throw new RegistryError('digest-mismatch', `${where}: received ${received} bytes hashing to ${got}`);
        }
      };
      const put = async (target: URL, body: Buffer) => {
        target.searchParams.set('digest', d.digest);
        const res = await destination.request(to, {
          method: 'PUT',
          url: target.href,
          actions: this.push,
          signal,
          body,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
        });
        if (res.status !== 201) throw destination.statusError(res, `upload ${d.digest} to ${formatRepository(to)}`);
      };

      if (size >= 0 && size <= this.monolithicMax) {
        const buf = Buffer.allocUnsafe(size);
        try {
          for await (const piece of stream as AsyncIterable<Buffer>) {
            if (received + piece.length > size) throw new RegistryError('digest-mismatch', `${where}: more than the ${size} bytes announced`);
            piece.copy(buf, received);
            received += piece.length;
            hash.update(piece);
          }
        } catch (e) {
          throw streamError(e, where, signal);
        }
        check();
        session = location ?? (await this.startUpload());
        await put(session, buf);
        session = undefined;
      } else {
        let target = location ?? (await this.startUpload());
        session = target;
        const chunk = Buffer.allocUnsafe(this.chunkBytes);
        let fill = 0;
        let offset = 0;
        const flush = async () => {
          const res = await destination.request(to, {
            method: 'PATCH',
            url: target.href,
            actions: this.push,
            signal,
            body: chunk.subarray(0, fill),
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(fill), 'content-range': `${offset}-${offset + fill - 1}` },
          });
          if (res.status !== 202) throw destination.statusError(res, `upload chunk of ${d.digest} to ${formatRepository(to)}`);
          target = this.locationOf(res);
          session = target;
          offset += fill;
          this.options.onBytes?.(fill);
          fill = 0;
        };
        try {
          for await (const piece of stream as AsyncIterable<Buffer>) {
            received += piece.length;
            if (size >= 0 && received > size) throw new RegistryError('digest-mismatch', `${where}: more than the ${size} bytes announced`);
            hash.update(piece);
            for (let at = 0; at < piece.length; ) {
              const n = Math.min(piece.length - at, chunk.length - fill);
              piece.copy(chunk, fill, at, at + n);
              fill += n;
              at += n;
              if (fill === chunk.length) await flush();
            }
          }
        } catch (e) {
          throw streamError(e, where, signal);
        }
        check();
        if (fill > 0) await flush();
        await put(target, Buffer.alloc(0));
        session = undefined;
        this.stats.blobsUploaded++;
        this.stats.bytesUploaded += received;
        return;
      }
      this.stats.blobsUploaded++;
      this.stats.bytesUploaded += received;
      this.options.onBytes?.(received);
    } catch (e) {
      if (session) await this.cancelUpload(session);
      throw e;
    } finally {
      if (!stream.destroyed) stream.destroy();
    }
  }

  /** `DELETE <location>` of an unfinished upload; best effort (its failure is not the copy's). */
  private async cancelUpload(location: URL): Promise<void> {
    const { destination, to } = this.endpoints;
    try {
      await destination.request(to, { method: 'DELETE', url: location.href, actions: this.push });
    } catch {
      /* the registry purges stale uploads on its own */
    }
  }
}

/** What copyImage did for one reference. */
export interface CopiedImage {
  /** The source digest, now at the destination under the tag (and by digest). */
  digest: string;
  mediaType: string;
  /** Index children, by digest. */
  children: string[];
  subject?: string;
}

/**
 * Copies one image, digest for digest: `reference` (a tag or digest) of `from` becomes `tag`
 * (or, without a tag, the same digest) in `to`. Blobs the destination lacks are mounted
 * (same registry) or streamed; an index's children go first, by digest; the manifest goes
 * last with its exact bytes and media type. Never overwrites anything but `tag`, and the
 * caller decides whether `tag` may be replaced (copyRepository checks it first).
 * Pass a `session` to share blob work across images (and read its stats).
 */
export function copyImage(endpoints: CopyEndpoints, reference: string, tag?: string, options: CopyImageOptions = {}, session = new CopySession(endpoints, options)): Promise<Result<CopiedImage>> {
  return attempt(async () => {
    let digest = reference;
    if (!DIGEST.test(reference)) {
      const head = await endpoints.source.headManifest(endpoints.from, reference, options.signal);
      if (!head.ok) throw head.error;
      digest = head.value.digest;
    }
    const m = await session.copyManifest(digest, tag ?? (DIGEST.test(reference) ? undefined : reference));
    return { digest, mediaType: m.mediaType, children: m.children.map((c) => c.digest), subject: m.subject };
  });
}
