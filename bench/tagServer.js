#!/usr/bin/env node
// A loopback registry for `npm run bench:verify-scale`, only as much of the distribution API
// as `verify` uses: /v2/, paginated tags/list (n, last, Link rel="next") and manifests by tag
// (HEAD and GET, single-platform OCI manifests). Two repositories, bench/old and bench/new,
// with TAGS tags each; in new, 1 tag in 100 is missing and 1 in 200 has another digest.
// Usage: node bench/tagServer.js TAGS  -> prints "PORT <n>" once listening.
'use strict';
const http = require('http');
const crypto = require('crypto');

const TAGS = Number(process.argv[2] ?? 100000);
const tags = Array.from({ length: TAGS }, (_, i) => `1.${Math.floor(i / 1000)}.${i % 1000}`);
const index = new Map(tags.map((t, i) => [t, i]));
const MEDIA = 'application/vnd.oci.image.manifest.v1+json';

function manifest(i, variant) {
  return JSON.stringify({ schemaVersion: 2, mediaType: MEDIA, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${crypto.createHash('sha256').update(`c${i}${variant}`).digest('hex')}`, size: 100 }, layers: [] });
}

/** Whether `repo` has tag number i, and with which content. */
function lookup(repo, i) {
  if (repo === 'bench/old') return 'a';
  if (repo !== 'bench/new') return undefined;
  if (i % 100 === 7) return undefined;
  return i % 200 === 11 ? 'b' : 'a';
}

const cache = new Map();
function body(i, variant) {
  const k = `${i}${variant}`;
  let b = cache.get(k);
  if (!b) {
    const text = manifest(i, variant);
    b = { text, digest: `sha256:${crypto.createHash('sha256').update(text).digest('hex')}` };
    if (cache.size > 50000) cache.clear();
    cache.set(k, b);
  }
  return b;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p === '/v2/' || p === '/v2') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    return;
  }
  let m = /^\/v2\/(.+)\/tags\/list$/.exec(p);
  if (m && req.method === 'GET') {
    const repo = m[1];
    if (repo !== 'bench/old' && repo !== 'bench/new') return res.writeHead(404).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    const n = Number(url.searchParams.get('n') ?? TAGS);
    const last = url.searchParams.get('last');
    let start = last === null ? 0 : (index.get(last) ?? -1) + 1;
    const page = [];
    let i = start;
    for (; i < TAGS && page.length < n; i++) if (lookup(repo, i)) page.push(tags[i]);
    const headers = { 'content-type': 'application/json' };
    if (i < TAGS) headers.link = `</v2/${repo}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`;
    res.writeHead(200, headers).end(JSON.stringify({ name: repo, tags: page }));
    return;
  }
  m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(p);
  if (m && (req.method === 'HEAD' || req.method === 'GET')) {
    const i = index.get(m[2]);
    const variant = i === undefined ? undefined : lookup(m[1], i);
    if (variant === undefined) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    const b = body(i, variant);
    res.writeHead(200, { 'content-type': MEDIA, 'docker-content-digest': b.digest, 'content-length': Buffer.byteLength(b.text) });
    res.end(req.method === 'GET' ? b.text : undefined);
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
