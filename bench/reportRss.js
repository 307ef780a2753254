// Preloaded with `node -r`: prints the process's peak resident memory to stderr at exit.
process.on('exit', () => {
  process.stderr.write(`\nRM_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
