import type { KindSummary, WriteCheck } from './mix'
import { ms, pad, padEnd, thousands } from './stats'

/** The per-kind table of a load run, as printed. */
export function kindTable(rows: readonly KindSummary[]) {
  const lines = [
    `  ${padEnd('request', 12)}${pad('answers', 9)}${pad('per s', 8)}${pad('p50 ms', 9)}${pad('p95 ms', 9)}${pad('p99 ms', 9)}${pad('max ms', 9)}  statuses`,
  ]
  for (const row of rows) {
    const statuses = Object.entries(row.statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}×${thousands(count)}`)
    if (row.errors > 0) statuses.push(`no answer×${thousands(row.errors)}`)
    lines.push(
      `  ${padEnd(row.kind, 12)}${pad(thousands(row.requests), 9)}${pad(row.perSecond.toFixed(1), 8)}${pad(ms(row.p50), 9)}${pad(ms(row.p95), 9)}${pad(ms(row.p99), 9)}${pad(ms(row.max), 9)}  ${statuses.join(' ') || '–'}`,
    )
  }
  const total = rows.reduce((sum, row) => sum + row.requests, 0)
  const perSecond = rows.reduce((sum, row) => sum + row.perSecond, 0)
  lines.push(`  ${padEnd('all', 12)}${pad(thousands(total), 9)}${pad(perSecond.toFixed(1), 8)}`)
  return lines.join('\n')
}

export function writeTable(checks: readonly WriteCheck[]) {
  const lines = [`  ${padEnd('write', 12)}${pad('acknowledged', 13)}${pad('in database', 12)}${pad('missing', 9)}${pad('4xx', 6)}${pad('5xx', 6)}`]
  for (const check of checks) {
    lines.push(
      `  ${padEnd(check.kind, 12)}${pad(thousands(check.acknowledged), 13)}${pad(thousands(check.found), 12)}${pad(thousands(check.missing.length), 9)}${pad(thousands(check.refused), 6)}${pad(thousands(check.failed), 6)}`,
    )
  }
  return lines.join('\n')
}

/** The portal's logged request failures (LOG_LEVEL=warn), shortened, for a failed run. */
export function failureExcerpt(output: string, limit = 12) {
  const lines = output
    .split('\n')
    .filter((line) => line.includes('"level":50') || line.includes('"level":40') || /error/i.test(line))
    .slice(-limit)
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
  return lines.length > 0 ? lines.map((line) => `    ${line}`).join('\n') : '    (nothing logged)'
}
