// Mocha's spec reporter, plus a closing line CI can read: "unit: N passed, N failed".
// It also writes the counts to $RM_COUNTS_FILE so scripts/test.js can add up every stage.
const Mocha = require('mocha');
const fs = require('fs');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0, failed = 0, pending = 0;
    runner.on('pass', () => passed++);
    runner.on('fail', () => failed++);
    runner.on('pending', (t) => { pending++; console.log(`  skipped: ${t.fullTitle()}`); });
    runner.once('end', () => {
      const label = process.env.RM_STAGE || 'unit';
      console.log(`${label}: ${passed} passed, ${failed} failed` + (pending ? `, ${pending} skipped` : ''));
      if (process.env.RM_COUNTS_FILE) fs.writeFileSync(process.env.RM_COUNTS_FILE, JSON.stringify({ passed, failed, pending }));
    });
  }
}
module.exports = CountingReporter;
