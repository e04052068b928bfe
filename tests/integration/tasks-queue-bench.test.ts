import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const run = promisify(execFile)

describe('npm run bench:queue', () => {
  test('runs on a fresh embedded database, prints both timings side by side, and exits 0', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_TASKS: '400', BENCH_REPEAT: '3' }
    delete env.MONGODB_URI
    delete env.BENCH_MONGODB_URI
    let code = 0
    let output = ''
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/bench-task-queue.ts'], {
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
    expect(output).toContain('Seeded 400 tasks')
    expect(output).toMatch(/median ms\s+p95 ms/)
    expect(output).toMatch(/first page \(keyset, queue page only\)\s+\d+\.\d\s+\d+\.\d/)
    expect(output).toMatch(/last page \(\d+\) \(keyset, queue page only\)\s+\d+\.\d\s+\d+\.\d/)
    expect(output).toMatch(/ratio last page \(\d+\) \/ first page \(keyset medians\): \d+\.\d\d/)
    expect(code).toBe(0)
  }, 180_000)
})
