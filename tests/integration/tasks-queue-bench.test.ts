import { describe, expect, test } from 'vitest'
import { runScript } from '../support/scripts'

describe('npm run bench:queue', () => {
  test('runs on a fresh embedded database, prints both timings side by side, and exits 0', async () => {
    const { code, output } = await runScript('scripts/bench-task-queue.ts', { BENCH_TASKS: '400', BENCH_REPEAT: '3', MONGODB_URI: undefined, BENCH_MONGODB_URI: undefined }, 170_000)
    expect(output).toContain('Seeded 400 tasks')
    expect(output).toMatch(/median ms\s+p95 ms/)
    expect(output).toMatch(/first page \(keyset, queue page only\)\s+\d+\.\d\s+\d+\.\d/)
    expect(output).toMatch(/last page \(\d+\) \(keyset, queue page only\)\s+\d+\.\d\s+\d+\.\d/)
    expect(output).toMatch(/ratio last page \(\d+\) \/ first page \(keyset medians\): \d+\.\d\d/)
    expect(code).toBe(0)
  }, 180_000)
})
