#!/usr/bin/env node
// The floor for `npm run bench:scan`: the least a Node program shaped like the scan does,
// with no analysis at all. The main thread walks (readdir withFileTypes, sorted) and feeds
// batches of 32 paths to one worker thread per core; each worker opens, reads into a reused
// buffer, closes, and tests the rules' needle regex on a latin1 view, as scanOneFile's
// prefilter does. It prints how many files passed. What `scan` takes above this is the
// analysis, the output and the product's own start-up; what this takes above ripgrep is
// Node's. Usage: node bench/scanFloor.js DIR NEEDLE_REGEX_SOURCE
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BATCH = 32;

if (isMainThread) {
  const [dir, source] = process.argv.slice(2);
  const workers = Array.from({ length: os.availableParallelism() }, () => new Worker(__filename, { workerData: source }));
  const files = [];
  (function walk(d) {
    const entries = fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.isFile()) files.push(path.join(d, e.name));
    }
  })(dir);
  let next = 0;
  let out = 0;
  let hits = 0;
  const feed = (w) => {
    if (next >= files.length) {
      if (out === 0) {
        console.log(hits);
        process.exit(0);
      }
      return;
    }
    out++;
    w.postMessage(files.slice(next, (next += BATCH)));
  };
  for (const w of workers) {
    w.on('message', (n) => {
      out--;
      hits += n;
      feed(w);
    });
    feed(w);
    feed(w);
  }
} else {
  const needles = new RegExp(workerData);
  let shared = Buffer.allocUnsafe(64 * 1024);
  parentPort.on('message', (batch) => {
    let hits = 0;
    for (const file of batch) {
      const fd = fs.openSync(file, 'r');
      let off = 0;
      for (;;) {
        if (off === shared.length) {
          const bigger = Buffer.allocUnsafe(shared.length * 2);
          shared.copy(bigger);
          shared = bigger;
        }
        const n = fs.readSync(fd, shared, off, shared.length - off, null);
        if (n === 0) break;
        off += n;
      }
      fs.closeSync(fd);
      const buf = shared.subarray(0, off);
      if (buf.subarray(0, 8000).indexOf(0) === -1 && needles.test(buf.toString('latin1'))) hits++;
    }
    parentPort.postMessage(hits);
  });
}
