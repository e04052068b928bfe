// Adds up vitest JSON reports and prints the closing line "N passed, N failed".
import fs from 'node:fs'

let passed = 0
let failed = 0
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    console.info(`${file}: no report (the suite did not run to the end)`)
    failed += 1
    continue
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests + (report.numTotalTests === 0 ? 1 : 0)
  if (!report.success && report.numFailedTests === 0) failed += 1
  console.info(`${file}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`)
}
console.info(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
