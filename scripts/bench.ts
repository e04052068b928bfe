import path from 'node:path'
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { stringify } from 'csv-stringify/sync'
import mongoose, { type Types } from 'mongoose'
import { loadViewer } from '../app/auth/guards.server'
import { importIndicatorsCsv } from '../app/indicators/import.server'
import { BenchData, sizesFor } from './lib/bench-data'
import { readsFor, time, type ReadKey } from './lib/bench-reads'
import { rewriteMarkdown, writeBenchmarkDocs, type BenchRun, type ReadResult } from './lib/bench-docs'
import { benchDatabase } from './lib/database'
import { envNumber, machine, ms, pad, padEnd, thousands, type Percentiles } from './lib/stats'

/**
 * `npm run bench`: what the portal's main reads cost at a realistic size, against the database floor.
 *
 * BENCH_SCALE (1 = the size: 200 organisations, 2,000 people, 500 initiatives, 100,000 tasks,
 * 300,000 action reports, 1,000,000 indicators) sizes the data. The script seeds 10 % of it with bulk
 * `insertMany`, times the reads, seeds the rest, times them again, then imports BENCH_IMPORT_ROWS
 * (100,000) indicators through the real CSV import. Each read runs through the portal's domain
 * function and as bare `mongodb` driver queries (the floor): BENCH_REPEAT (7) timed runs after a
 * warm-up, fewer (at least 3) when a read overruns BENCH_BUDGET_SECONDS (45).
 *
 * Writes docs/benchmarks.json (one entry per scale, replaced on a new run) and docs/benchmarks.md;
 * BENCH_RENDER_ONLY=1 only rewrites the Markdown from the JSON.
 * Runs on a fresh embedded database, or on MongoDB at BENCH_MONGODB_URI (a scratch database in it,
 * dropped afterwards). Exit code 0 when it ran (targets met or not: the document says), 1 if it failed.
 */

const scale = envNumber('BENCH_SCALE', 1)
const repeat = envNumber('BENCH_REPEAT', 7, { integer: true })
const budgetMs = envNumber('BENCH_BUDGET_SECONDS', 45) * 1000
const importRows = Math.min(envNumber('BENCH_IMPORT_ROWS', 100_000, { integer: true }), 100_000)
const external = process.env.BENCH_MONGODB_URI

const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`

/** A CSV of `rows` valid indicators, unique to this run. */
function importCsv(rows: number, run: string) {
  const header = ['type', 'value', 'tlp', 'reliability', 'credibility', 'context', 'first_seen', 'last_seen']
  const lines: string[][] = []
  for (let i = 0; i < rows; i++) {
    const n = `${run}-${i}`
    const tlp = ['GREEN', 'AMBER', 'AMBER', 'AMBER+STRICT', 'CLEAR'][i % 5] as string
    switch (i % 5) {
      case 0:
        lines.push(['domain', `import-${n}.example.com`, tlp, 'B', '2', 'Storefront selling access', '2025-01-10', '2025-02-01'])
        break
      case 1:
        lines.push(['url', `https://import-${n}.example.net/pay`, tlp, 'A', '2', '', '', ''])
        break
      case 2:
        lines.push(['merchant_descriptor', `IMP*${n.toUpperCase()}`, tlp, 'C', '3', 'Test purchase descriptor', '', ''])
        break
      case 3:
        lines.push(['file_hash', createHash('sha256').update(n).digest('hex'), tlp, 'B', '2', '', '', ''])
        break
      default:
        lines.push(['payment_processor', `import processor ${n}`, tlp, '', '', '', '', ''])
    }
  }
  return new TextEncoder().encode(stringify([header, ...lines], { record_delimiter: 'windows' }))
}

async function explainQueue(partner: Types.ObjectId) {
  const db = mongoose.connection.db
  if (!db) return 'not available'
  try {
    const reply = await db.command({ explain: { find: 'tasks', filter: { assigneeOrganisationId: partner, status: { $ne: 'draft' } }, sort: { dueAt: 1, _id: 1 }, limit: 26 }, verbosity: 'queryPlanner' })
    const flags = ['filterPushdown', 'sortPushdown', 'limitPushdown'].filter((key) => key in reply).map((key) => `${key}=${String(reply[key])}`)
    const planner = reply.queryPlanner as { Plan?: unknown[]; winningPlan?: { stage?: string; inputStage?: { stage?: string; indexName?: string } } } | undefined
    const plan = Array.isArray(planner?.Plan)
      ? planner.Plan.map((step) => String(step).replace(/^.*detail=/, '')).join(' ← ')
      : [planner?.winningPlan?.stage, planner?.winningPlan?.inputStage?.stage, planner?.winningPlan?.inputStage?.indexName].filter(Boolean).join(' ← ')
    return [...flags, plan && `plan ${plan}`].filter(Boolean).join(', ') || 'answered, without details'
  } catch (error) {
    return `not available (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
  }
}

async function timeReads(data: BenchData, label: string) {
  const { reads, facts } = await readsFor(data)
  console.info(`  reads on the ${label} data (queue of ${thousands(Number(facts.queueSize))} tasks, deep page ${facts.deepPage}):`)
  console.info(`    ${padEnd('read', 36)}${pad('portal p50', 12)}${pad('p95', 10)}${pad('floor p50', 12)}${pad('p95', 10)}${pad('ratio', 8)}${pad('runs', 6)}`)
  const results = new Map<ReadKey, { name: string; portalCall: string; floorQuery: string; portal: Percentiles; floor: Percentiles; ratio: number }>()
  for (const read of reads) {
    const portal = await time(read.portal, { repeat, budgetMs })
    const floor = await time(read.floor, { repeat, budgetMs })
    const ratio = portal.p50 / floor.p50
    results.set(read.key, { name: read.name, portalCall: read.portalCall, floorQuery: read.floorQuery, portal, floor, ratio })
    console.info(`    ${padEnd(read.name, 36)}${pad(ms(portal.p50), 12)}${pad(ms(portal.p95), 10)}${pad(ms(floor.p50), 12)}${pad(ms(floor.p95), 10)}${pad(ratio.toFixed(2), 8)}${pad(portal.n, 6)}`)
  }
  return { results, facts }
}

async function main(): Promise<number> {
  if (process.env.BENCH_RENDER_ONLY === '1') {
    console.info(`Wrote ${path.relative(process.cwd(), rewriteMarkdown(path.resolve('docs')))}`)
    return 0
  }
  let database: Awaited<ReturnType<typeof benchDatabase>> | undefined
  const started = Date.now()
  try {
    const host = machine()
    const sizes = sizesFor(scale)
    console.info(`Benchmark at BENCH_SCALE=${scale}: ${thousands(sizes.organisations)} organisations, ${thousands(sizes.people)} people, ${thousands(sizes.initiatives)} initiatives,`)
    console.info(`  ${thousands(sizes.tasks)} tasks, ${thousands(sizes.reports)} action reports, ${thousands(sizes.comments)} comments, ${thousands(sizes.indicators)} indicators`)
    console.info(`  machine: ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}; ${external ? 'MongoDB at BENCH_MONGODB_URI' : host.database}`)
    database = await benchDatabase('portal-bench')
    const data = new BenchData(sizes)

    const small = await data.seedTo(0.1)
    const smallDocs = Object.values(small.counts).reduce((a, b) => a + b, 0)
    console.info(`Seeded 10 %: ${thousands(smallDocs)} documents in ${seconds(small.seconds * 1000)} (${thousands(smallDocs / small.seconds)} documents/s)`)
    const smallReads = await timeReads(data, '10 %')

    const full = await data.seedTo(1)
    const fullDocs = Object.values(full.counts).reduce((a, b) => a + b, 0)
    console.info(`Seeded the rest: ${thousands(fullDocs)} documents in all, ${seconds(full.seconds * 1000)} (${thousands((fullDocs - smallDocs) / full.seconds)} documents/s)`)
    const fullReads = await timeReads(data, 'whole')
    const explain = external ? 'MongoDB' : await explainQueue(data.benchPartner._id)
    console.info(`  explain of the queue query: ${explain}`)

    const importer = data.people.find((p) => p.organisationId.equals(data.benchPartner._id) && p.roles.includes('admin'))
    const viewer = importer ? await loadViewer(String(importer._id), String(importer.organisationId)) : null
    if (!viewer) throw new Error('no partner administrator to import with')
    const file = importCsv(importRows, Date.now().toString(36))
    const importStarted = performance.now()
    const report = await importIndicatorsCsv(viewer, file)
    const importMs = performance.now() - importStarted
    if (!report.ok) throw new Error(`the import was refused: ${report.refusal}`)
    const stored = report.created + report.attached
    const perSecond = importRows / (importMs / 1000)
    console.info(`Bulk import of ${thousands(importRows)} indicators (CSV, ${(file.length / 1024 / 1024).toFixed(1)} MB): ${seconds(importMs)}, ${thousands(perSecond)} indicators/s; stored ${thousands(stored)}, rejected ${thousands(report.rejected.length)}`)
    if (stored !== importRows) throw new Error(`the import stored ${stored} of ${importRows} rows`)

    const reads: ReadResult[] = [...fullReads.results].map(([key, whole]) => {
      const tenth = smallReads.results.get(key)
      return {
        key,
        name: whole.name,
        portalCall: whole.portalCall,
        floorQuery: whole.floorQuery,
        full: { portal: whole.portal, floor: whole.floor, ratio: whole.ratio },
        tenth: tenth ? { portal: tenth.portal, floor: tenth.floor, ratio: tenth.ratio } : null,
        growth: tenth ? whole.portal.p50 / tenth.portal.p50 : Number.NaN,
      }
    })
    const run: BenchRun = {
      scale,
      date: new Date().toISOString(),
      machine: { ...host, database: external ? 'MongoDB (BENCH_MONGODB_URI)' : host.database },
      sizes,
      documents: { tenth: small.counts, full: full.counts },
      seeding: { tenthSeconds: small.seconds, restSeconds: full.seconds, documentsPerSecond: fullDocs / (small.seconds + full.seconds) },
      facts: { tenth: smallReads.facts, full: fullReads.facts, explain },
      repeat,
      reads,
      import: { rows: importRows, seconds: importMs / 1000, perSecond, stored, rejected: report.rejected.length },
      totalSeconds: (Date.now() - started) / 1000,
    }
    const written = writeBenchmarkDocs(run, path.resolve('docs'))
    console.info(`Wrote ${written.map((file) => path.relative(process.cwd(), file)).join(' and ')} (${seconds(Date.now() - started)} in all)`)
    return 0
  } catch (error) {
    console.error(`The benchmark could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return 1
  } finally {
    await database?.dispose()
  }
}

process.exit(await main())
