// Jest reporter that ends the run with one plain, machine-readable line:
//   tests: N passed, N failed, N skipped
// Jest's own summary ("Tests: 3 passed, 3 total") is meant for people; CI logs and scripts
// read this line instead. A test file that fails to load counts as one failure, and a run
// that executed no test says so explicitly.

class SummaryReporter {
  onRunComplete(_testContexts, results) {
    const brokenFiles = results.numRuntimeErrorTestSuites;
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + brokenFiles;
    const skipped = results.numPendingTests + results.numTodoTests;
    if (brokenFiles > 0) process.stdout.write(`tests: ${brokenFiles} test file(s) failed to run\n`);
    if (results.numPassedTests + results.numFailedTests === 0) {
      process.stdout.write('tests: no test was executed\n');
    }
    process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

module.exports = SummaryReporter;
