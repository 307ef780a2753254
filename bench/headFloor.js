#!/usr/bin/env node
// The floor for `npm run bench:verify`: the least a Node program can do to get 600
// digests, a bare undici HEAD loop with 16 keep-alive connections (reset:false, or undici
// closes the connection after each HEAD). Usage: node bench/headFloor.js REFS_FILE
// where each line is HOST/PATH:TAG on a plain-HTTP loopback registry.
const fs = require('fs');
const { Pool } = require('undici');

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function main() {
  const refs = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
  const pools = new Map();
  let next = 0;
  let found = 0;
  const worker = async () => {
    while (next < refs.length) {
      const ref = refs[next++];
      const slash = ref.indexOf('/');
      const colon = ref.lastIndexOf(':');
      const host = ref.slice(0, slash);
      let pool = pools.get(host);
      if (!pool) pools.set(host, (pool = new Pool(`http://${host}`, { connections: 16 })));
      const res = await pool.request({ method: 'HEAD', path: `/v2/${ref.slice(slash + 1, colon)}/manifests/${ref.slice(colon + 1)}`, headers: { accept: ACCEPT }, reset: false });
      await res.body.dump();
      if (res.statusCode === 200 && res.headers['docker-content-digest']) found++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await Promise.all([...pools.values()].map((p) => p.close()));
  process.stdout.write(`${found}\n`);
}

main().catch((e) => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
