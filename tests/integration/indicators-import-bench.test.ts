import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const run = promisify(execFile)

describe('npm run bench:import', () => {
  test('imports a generated file on a fresh embedded database, reports the figures, adds nothing on re-import, exits 0', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_ROWS: '2000', BENCH_BAD: '100' }
    delete env.MONGODB_URI
    delete env.BENCH_MONGODB_URI
    let code = 0
    let output = ''
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/bench-import.ts'], {
        cwd: path.resolve(__dirname, '../..'),
        env,
        timeout: 170_000,
      })
      output = stdout + stderr
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string }
      code = failed.code ?? 1
      output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`
    }
    expect(output).toContain('file: 2,000 rows (1,900 valid, 100 bad)')
    expect(output).toMatch(/first import: +\d+\.\d s, [\d,]+ rows\/s; stored 1,900 \(created 1,900, attached 0\), rejected 100, unchanged 0/)
    // Eight reasons, spread evenly over the 100 bad lines.
    expect(output).toMatch(/rejected by reason: unknownType 1[23], invalidDomain 1[23], cardNumber 1[23], invalidTlp 1[23], invalidReliability 1[23], futureDate 1[23], checksum 1[23], required 1[23]/)
    expect(output).toMatch(/second import: +\d+\.\d s, [\d,]+ rows\/s; created 0, attached 0, unchanged 1,900, rejected 100/)
    expect(output).toContain('in the database: 1,900 indicators, 1,900 submissions')
    expect(output).toContain('re-import added nothing new: OK')
    expect(code).toBe(0)
  }, 180_000)
})
