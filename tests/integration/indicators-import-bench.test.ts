import { describe, expect, test } from 'vitest'
import { runScript } from '../support/scripts'

describe('npm run bench:import', () => {
  test('imports a generated file on a fresh embedded database, reports the figures, adds nothing on re-import, exits 0', async () => {
    const { code, output } = await runScript('scripts/bench-import.ts', { BENCH_ROWS: '2000', BENCH_BAD: '100', MONGODB_URI: undefined, BENCH_MONGODB_URI: undefined }, 170_000)
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
