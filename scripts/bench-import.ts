import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { stringify } from 'csv-stringify/sync'
import mongoose from 'mongoose'
import { loadViewer } from '../app/auth/guards.server'
import { importIndicatorsCsv, type ImportRefused, type ImportReport } from '../app/indicators/import.server'
import { createOrganisation } from '../app/partners/organisations.server'
import { provisionUser } from '../app/people/users.server'
import { containsCardNumber } from '../app/utils/card-numbers'
import { benchDatabase } from './lib/database'

/**
 * `npm run bench:import`: how fast does a large CSV import go, and does importing it again add nothing?
 *
 * Starts a fresh embedded database in a temporary folder (or uses BENCH_MONGODB_URI), creates one
 * partner organisation and one member, generates a CSV of BENCH_ROWS lines (100,000 by default) of
 * which BENCH_BAD (1% by default: 1,000) are bad for mixed reasons, imports it through the real import
 * (`importIndicatorsCsv`), prints rows per second, stored and rejected, then imports the same file
 * again and checks that nothing new was added. Exit code 0 when every figure is as expected, 1 if not.
 */

const positiveInt = (value: string | undefined, fallback: number) => {
  const parsed = Number(value)
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback
}
const rows = Math.min(positiveInt(process.env.BENCH_ROWS, 100_000), 100_000)
const bad = Math.min(positiveInt(process.env.BENCH_BAD, Math.max(1, Math.round(rows / 100))), rows)

const HEADER = ['type', 'value', 'chain', 'acquirer', 'tlp', 'reliability', 'credibility', 'personal', 'context', 'first_seen', 'last_seen']
const CARD = '4111 1111 1111 1111'
const labels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER', 'AMBER', 'AMBER+STRICT']

/** A valid line, of a type chosen by its number; every value is unique to the run. */
function goodLine(i: number, run: string): string[] {
  const n = `${run}-${i}`
  const tlp = labels[i % labels.length] ?? 'AMBER'
  switch (i % 6) {
    case 0:
      return ['domain', `shop-${n}.example.com`, '', '', tlp, 'B', '2', 'no', 'Storefront selling access', '2025-01-10', '2025-02-01']
    case 1:
      return ['url', `https://pay-${n}.example.net/checkout`, '', '', tlp, 'A', '2', '', '', '', '']
    case 2:
      return ['email', `seller-${n}@example.org`, '', '', '', '', '', '', 'Contact on the storefront', '', '']
    case 3:
      return ['merchant_descriptor', `SHOP*${n.toUpperCase()}`, '', '', tlp, 'C', '3', 'no', 'Test purchase descriptor', '', '']
    case 4:
      return ['payment_processor', `processor ${n}`, '', '', tlp, '', '', '', '', '', '']
    default:
      return ['file_hash', sha256WithoutCardNumber(n), '', '', tlp, 'B', '2', 'no', '', '', '']
  }
}

/**
 * About one random SHA-256 in 200 contains a Luhn-valid run of 13–19 digits, which the card-number rule
 * refuses like any other value; valid lines must not, so such a hash is salted until it does not.
 */
function sha256WithoutCardNumber(text: string) {
  for (let salt = 0; ; salt++) {
    const hash = createHash('sha256').update(salt === 0 ? text : `${text}#${salt}`).digest('hex')
    if (!containsCardNumber(hash)) return hash
  }
}

/** A bad line, for one of eight reasons in turn. */
function badLine(i: number, run: string): string[] {
  const n = `${run}-bad-${i}`
  const blank = (type: string, value: string, patch: Record<number, string> = {}) => HEADER.map((_, column) => patch[column] ?? (column === 0 ? type : column === 1 ? value : ''))
  switch (i % 8) {
    case 0:
      return blank('telepathy', n)
    case 1:
      return blank('domain', `not a domain ${n}`)
    case 2:
      return blank('domain', `card-${n}.example.com`, { 8: `paid with ${CARD}` })
    case 3:
      return blank('domain', `tlp-${n}.example.com`, { 4: 'PURPLE' })
    case 4:
      return blank('domain', `grade-${n}.example.com`, { 5: 'Z' })
    case 5:
      return blank('domain', `future-${n}.example.com`, { 10: '2999-01-01' })
    case 6:
      return blank('iban', `DE00${String(i).padStart(18, '0')}`)
    default:
      return blank('domain', '')
  }
}

/** Bad lines spread evenly through the file. */
function generateCsv(run: string) {
  const lines: string[][] = []
  let goods = 0
  let bads = 0
  for (let i = 0; i < rows; i++) {
    const dueBad = Math.floor(((i + 1) * bad) / rows) > bads
    lines.push(dueBad ? badLine(bads++, run) : goodLine(goods++, run))
  }
  return new TextEncoder().encode(stringify([HEADER, ...lines], { record_delimiter: 'windows' }))
}

const thousands = (value: number) => value.toLocaleString('en-GB')
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function summary(result: ImportReport | ImportRefused): ImportReport {
  if (!result.ok) throw new Error(`the file was refused: ${result.refusal}`)
  return result
}

async function main(): Promise<number> {
  let database: Awaited<ReturnType<typeof benchDatabase>> | undefined
  try {
    database = await benchDatabase('portal-bench-import')
    const external = database.external

    const run = Date.now().toString(36)
    const partner = await createOrganisation({ legalName: `Benchmark Payments ${run}`, kind: 'payment_service', country: 'NL', status: 'active' })
    const user = await provisionUser({ organisationId: partner.id, email: `bench-import-${run}@example.org`, name: 'Bench Importer', roles: ['member'], enrolled: false })
    const viewer = await loadViewer(user.id, partner.id)
    if (!viewer) throw new Error('the benchmark member could not act')

    const file = generateCsv(run)
    const backend = external ? 'MongoDB at BENCH_MONGODB_URI' : 'embedded FerretDB 1.24 (SQLite)'
    console.info(`Indicator import benchmark on ${backend}`)
    console.info(`  file: ${thousands(rows)} rows (${thousands(rows - bad)} valid, ${thousands(bad)} bad), ${(file.length / 1024 / 1024).toFixed(1)} MB`)

    let started = performance.now()
    const first = summary(await importIndicatorsCsv(viewer, file))
    const firstMs = performance.now() - started
    const stored = first.created + first.attached
    console.info(
      `  first import:  ${seconds(firstMs)}, ${thousands(Math.round(rows / (firstMs / 1000)))} rows/s; stored ${thousands(stored)} ` +
        `(created ${thousands(first.created)}, attached ${thousands(first.attached)}), rejected ${thousands(first.rejected.length)}, unchanged ${thousands(first.unchanged)}`,
    )
    const reasons = new Map<string, number>()
    for (const entry of first.rejected) reasons.set(entry.reason, (reasons.get(entry.reason) ?? 0) + 1)
    console.info(`  rejected by reason: ${[...reasons].map(([reason, count]) => `${reason} ${thousands(count)}`).join(', ')}`)

    started = performance.now()
    const second = summary(await importIndicatorsCsv(viewer, file))
    const secondMs = performance.now() - started
    const added = second.created + second.attached
    console.info(
      `  second import: ${seconds(secondMs)}, ${thousands(Math.round(rows / (secondMs / 1000)))} rows/s; created ${thousands(second.created)}, ` +
        `attached ${thousands(second.attached)}, unchanged ${thousands(second.unchanged)}, rejected ${thousands(second.rejected.length)}`,
    )
    const db = mongoose.connection.db
    const [indicators, submissions] = db ? await Promise.all([db.collection('indicators').countDocuments(), db.collection('indicatorsubmissions').countDocuments()]) : [-1, -1]
    console.info(`  in the database: ${thousands(indicators)} indicators, ${thousands(submissions)} submissions`)

    const problems = [
      stored !== rows - bad && `expected ${rows - bad} stored, got ${stored}`,
      first.rejected.length !== bad && `expected ${bad} rejected, got ${first.rejected.length}`,
      added !== 0 && `the second import added ${added}`,
      second.unchanged !== rows - bad && `expected ${rows - bad} unchanged on the second import, got ${second.unchanged}`,
      indicators !== rows - bad && `expected ${rows - bad} indicators in the database, got ${indicators}`,
    ].filter(Boolean)
    if (problems.length > 0) {
      console.error(`  FAILED: ${problems.join('; ')}`)
      return 1
    }
    console.info('  re-import added nothing new: OK')
    return 0
  } catch (error) {
    console.error(`The benchmark could not run: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  } finally {
    await database?.dispose()
  }
}

process.exit(await main())
