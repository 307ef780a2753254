#!/usr/bin/env node
// The floor for `npm run bench:verify-scale`: the same requests `verify OLD NEW` makes, from a
// bare undici Pool at the same concurrency: both tag listings (pages of 1,000, following
// Link), then for CONC tags at a time a HEAD on each side that lists the tag, both at once,
// as verify's compareTag does. Usage: node bench/verifyFloor.js HOST CONC [request|dispatch]
// `request` (the default) sends each HEAD with pool.request(), as most undici code does;
// `dispatch` with pool.dispatch() and a bare handler, the leaner API verify itself uses
// for HEADs (src/core/registry/headDispatch.ts).
'use strict';
const { Pool } = require('undici');

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function list(pool, repo) {
  const out = [];
  let path = `/v2/${repo}/tags/list?n=1000`;
  while (path) {
    const res = await pool.request({ method: 'GET', path, headers: { accept: 'application/json' } });
    const body = await res.body.json();
    out.push(...body.tags);
    const link = res.headers.link;
    path = link ? /<([^>]+)>/.exec(link)[1] : undefined;
  }
  return out;
}

async function main() {
  const [host, conc] = [process.argv[2], Number(process.argv[3] ?? 16)];
  // As many connections as requests in flight, as verify's undici Agent opens.
  const pool = new Pool(`http://${host}`, { connections: 2 * conc });
  const [oldTags, newTags] = await Promise.all([list(pool, 'bench/old'), list(pool, 'bench/new')]);
  const oldSet = new Set(oldTags);
  const newSet = new Set(newTags);
  const tags = [...new Set([...oldTags, ...newTags])];
  const viaRequest = async (repo, tag) => {
    const res = await pool.request({ method: 'HEAD', path: `/v2/${repo}/manifests/${tag}`, headers: { accept: ACCEPT }, reset: false });
    await res.body.dump();
    return res.statusCode === 200 && res.headers['docker-content-digest'] ? 1 : 0;
  };
  const viaDispatch = (repo, tag) =>
    new Promise((resolve, reject) => {
      let status = 0;
      let digest;
      pool.dispatch({ method: 'HEAD', path: `/v2/${repo}/manifests/${tag}`, headers: { accept: ACCEPT }, reset: false }, {
        onRequestStart() {},
        onResponseStart(_c, s, h) {
          status = s;
          digest = h['docker-content-digest'];
        },
        onResponseData() {},
        onResponseEnd() {
          resolve(status === 200 && digest ? 1 : 0);
        },
        onResponseError(_c, e) {
          reject(e);
        },
      });
    });
  const head = process.argv[4] === 'dispatch' ? viaDispatch : viaRequest;
  let next = 0;
  let found = 0;
  const worker = async () => {
    while (next < tags.length) {
      const tag = tags[next++];
      const [a, b] = await Promise.all([oldSet.has(tag) ? head('bench/old', tag) : 0, newSet.has(tag) ? head('bench/new', tag) : 0]);
      found += a + b;
    }
  };
  await Promise.all(Array.from({ length: conc }, worker));
  await pool.close();
  process.stdout.write(`${tags.length} tags, ${found} manifests\n`);
}

main().catch((e) => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
