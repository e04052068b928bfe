import fs from 'node:fs'
import path from 'node:path'
import type { BenchSizes } from './bench-data'
import type { ReadKey } from './bench-reads'
import { ms, thousands, type Machine, type Percentiles } from './stats'

/** What one `npm run bench` measured; docs/benchmarks.json keeps one per scale. */
export type ReadResult = {
  key: ReadKey
  name: string
  portalCall: string
  floorQuery: string
  full: { portal: Percentiles; floor: Percentiles; ratio: number }
  tenth: { portal: Percentiles; floor: Percentiles; ratio: number } | null
  /** Portal p50 on the whole data over portal p50 on 10 % of it. */
  growth: number
}

export type BenchRun = {
  scale: number
  date: string
  machine: Machine
  sizes: BenchSizes
  documents: { tenth: Record<string, number>; full: Record<string, number> }
  seeding: { tenthSeconds: number; restSeconds: number; documentsPerSecond: number }
  facts: { tenth: Record<string, number | string>; full: Record<string, number | string>; explain: string }
  repeat: number
  reads: ReadResult[]
  import: { rows: number; seconds: number; perSecond: number; stored: number; rejected: number }
  totalSeconds: number
}

type Target = { target: string; read: string; figure: string; met: boolean; why: string }

/** Which queries of each read the embedded database answers by scanning a whole collection. */
const scans: Record<ReadKey, string> = {
  queueFirst:
    'FerretDB scans `tasks` and sorts in memory (its explain: filter and sort not pushed down); the portal first reads the viewer’s initiatives (a scan of `initiatives`) for the access filter. Portal and floor pay the same scan, so the ratio stays near 1.',
  queueDeep: 'As the first page: the keyset condition is one more filter on the same scan, so page 100 costs what page 1 costs.',
  taskDetail:
    'The task comes by `_id` (pushed down), but its reports (`actionreports` by taskId), comments (`taskcomments` by taskId) and the viewer’s initiatives are full scans, in the portal and in the floor alike.',
  initiativePage:
    'initiativeProgress reads the initiative’s tasks (`tasks` by initiativeId) and verified reports (`actionreports` by initiativeId): two full scans, then the page checks which overdue tasks the viewer may open and, for the lead, who can still be invited (more reads by organisation).',
  overview:
    'listInitiativesFor reads the visible initiatives, then overviewFigures reads the tasks and verified reports of all of them (`initiativeId: {$in}`): full scans of `tasks` and `actionreports`.',
  indicatorLookup:
    'The indicator comes by `_id` (pushed down); its submissions by `indicatorId` are a full scan of `indicatorsubmissions`, in the floor too. loadIndicatorFor also reads the tasks carrying the indicator by `indicatorIds` (a full scan of `tasks`) and the initiatives and organisations involved.',
  indicatorSearch:
    'Candidate ids are computed from the typed value, but the submissions are then read by `indicatorId: {$in}` with the access filter (a full scan of `indicatorsubmissions`), after the access filter’s own reads (the viewer’s initiatives and the indicator ids on its tasks: scans of `initiatives` and `tasks`).',
}

/** The indexes each read uses on MongoDB (declared in models/). */
const onMongo: Record<ReadKey, string> = {
  queueFirst: '`{assigneeOrganisationId, status, dueAt, _id}` / `{assigneeOrganisationId, dueAt, _id}`: an index range scan of 26 entries',
  queueDeep: 'the same index, entered at the cursor',
  taskDetail: '`_id`, `actionreports {taskId, version}`, `taskcomments {taskId, createdAt}`, `initiatives {leadCentreId, status}` / `{participantIds}`',
  initiativePage: '`tasks {initiativeId, status}`, `actionreports {initiativeId, verification, status}`',
  overview: 'the same two indexes, with `$in` over the visible initiatives',
  indicatorLookup: '`_id`, `indicatorsubmissions {indicatorId}`; the tasks by `indicatorIds` have **no index** (see below)',
  indicatorSearch: '`indicatorsubmissions {indicatorId}` for the candidates; the tasks of the viewer’s organisation by `{assigneeOrganisationId, …}`',
}

const ratioKeys: ReadKey[] = ['queueFirst', 'queueDeep', 'taskDetail', 'indicatorLookup']
const p95Keys: ReadKey[] = ['overview', 'initiativePage']
const growthKeys: ReadKey[] = ['queueFirst', 'queueDeep', 'taskDetail', 'indicatorLookup', 'indicatorSearch']

function targetsOf(run: BenchRun): Target[] {
  const byKey = new Map(run.reads.map((read) => [read.key, read]))
  const targets: Target[] = []
  for (const key of ratioKeys) {
    const read = byKey.get(key)
    if (!read) continue
    const met = read.full.ratio <= 2
    targets.push({
      target: 'portal / driver ≤ 2 (p50)',
      read: read.name,
      figure: read.full.ratio.toFixed(2),
      met,
      why: met ? 'Both pay the same collection scan; the portal’s own work (access checks, shaping) is small beside it.' : scans[key],
    })
  }
  for (const key of p95Keys) {
    const read = byKey.get(key)
    if (!read) continue
    const met = read.full.portal.p95 < 300
    targets.push({ target: 'p95 < 300 ms', read: read.name, figure: `${ms(read.full.portal.p95)} ms`, met, why: met ? 'The scans involved are small at this size.' : scans[key] })
  }
  for (const key of growthKeys) {
    const read = byKey.get(key)
    if (!read || !Number.isFinite(read.growth)) continue
    const met = read.growth <= 1.5
    targets.push({
      target: '10× data ≤ 1.5× time (p50)',
      read: read.name,
      figure: `${read.growth.toFixed(2)}×`,
      met,
      why: met
        ? 'Dominated by fixed costs (pushed-down `_id` lookups, small collections) rather than by scans of the growing ones.'
        : 'Every query that is not an `_id` lookup scans its collection on FerretDB, so time grows with the data, roughly linearly. On MongoDB the declared indexes make these reads independent of the collection size.',
    })
  }
  const importMet = run.import.perSecond >= 2_000
  targets.push({
    target: 'bulk import ≥ 2,000 indicators/s',
    read: `CSV import of ${thousands(run.import.rows)} indicators`,
    figure: `${thousands(run.import.perSecond)}/s`,
    met: importMet,
    why: importMet
      ? 'submitIndicatorBatch inserts in chunks of 1,000; its existence checks (`_id: {$in}` per chunk) scan `indicators` and `indicatorsubmissions` once per chunk, which at this size costs little beside the inserts.'
      : 'Each chunk of 1,000 rows checks which indicators and submissions exist with `_id: {$in}`, which FerretDB does not push down: two full scans per chunk, so the rate falls as the collections grow.',
  })
  return targets
}

const pct = (p: Percentiles) => `${ms(p.p50)} / ${ms(p.p95)}`

function runSection(run: BenchRun) {
  const lines: string[] = []
  const d = run.documents
  lines.push(`## BENCH_SCALE=${run.scale} (${new Date(run.date).toISOString().slice(0, 16).replace('T', ' ')} UTC)`)
  lines.push('')
  lines.push(
    `Machine: ${run.machine.cores} cores (${run.machine.cpu}), ${run.machine.memoryGiB} GiB, Node ${run.machine.node}, ${run.machine.os}. Database: ${run.machine.database}. Each read: one warm-up, then up to ${run.repeat} timed runs (fewer, at least 3, for reads over the time budget). The machine was shared with other work during the runs, so single figures vary by tens of percent from run to run; the ratios and the growth factors are the robust part.`,
  )
  lines.push('')
  lines.push('| collection | 10 % | whole |')
  lines.push('|---|---:|---:|')
  for (const key of ['organisations', 'people', 'initiatives', 'tasks', 'reports', 'comments', 'indicators', 'submissions']) {
    lines.push(`| ${key === 'reports' ? 'action reports' : key === 'submissions' ? 'indicator submissions' : key} | ${thousands(d.tenth[key] ?? 0)} | ${thousands(d.full[key] ?? 0)} |`)
  }
  lines.push('')
  lines.push(
    `Seeding (bulk \`insertMany\` through the models, validated): ${run.seeding.tenthSeconds.toFixed(1)} s for 10 %, ${run.seeding.restSeconds.toFixed(1)} s for the rest, ${thousands(run.seeding.documentsPerSecond)} documents/s. The partner's queue holds ${thousands(Number(run.facts.full.queueSize))} tasks (${thousands(Number(run.facts.tenth.queueSize))} at 10 %); the deep page is page ${run.facts.full.deepPage} (page ${run.facts.tenth.deepPage}, the last, at 10 %). Queue query on the embedded database: \`${run.facts.explain}\`.`,
  )
  lines.push('')
  lines.push('Milliseconds, p50 / p95; ratio = portal p50 / driver p50; growth = portal p50 on the whole data / on 10 %.')
  lines.push('')
  lines.push('| read | portal call | portal, 10 % | portal, whole | driver floor, whole | ratio | growth (10×) |')
  lines.push('|---|---|---:|---:|---:|---:|---:|')
  for (const read of run.reads) {
    lines.push(
      `| ${read.name} | ${read.portalCall} | ${read.tenth ? pct(read.tenth.portal) : '–'} | ${pct(read.full.portal)} | ${pct(read.full.floor)} | ${read.full.ratio.toFixed(2)} | ${Number.isFinite(read.growth) ? `${read.growth.toFixed(2)}×` : '–'} |`,
    )
  }
  lines.push('')
  lines.push(
    `Bulk import: ${thousands(run.import.rows)} indicators through \`importIndicatorsCsv\` in ${run.import.seconds.toFixed(1)} s, **${thousands(run.import.perSecond)} indicators/s** (stored ${thousands(run.import.stored)}, rejected ${thousands(run.import.rejected)}).`,
  )
  lines.push('')
  lines.push('| target | read | figure | met | why |')
  lines.push('|---|---|---:|:---:|---|')
  for (const target of targetsOf(run)) lines.push(`| ${target.target} | ${target.read} | ${target.figure} | ${target.met ? 'yes' : '**no**'} | ${target.why} |`)
  lines.push('')
  lines.push(`The whole run took ${(run.totalSeconds / 60).toFixed(1)} minutes.`)
  lines.push('')
  return lines.join('\n')
}

function estimateSection(runs: BenchRun[]) {
  const largest = runs[0]
  if (!largest || largest.scale >= 1) return ''
  const factor = 1 / largest.scale
  const fullDocs = Object.values(largest.documents.full).reduce((a, b) => a + b, 0) * factor
  const seedMinutes = fullDocs / largest.seeding.documentsPerSecond / 60
  const reads = largest.reads.map((read) => `${read.name.toLowerCase()} ≈ ${thousands((read.full.portal.p50 * factor) / 1000)} s`)
  const repeatsMinutes =
    (largest.reads.reduce((sum, read) => sum + (read.full.portal.p50 + read.full.floor.p50) * factor * (1 + Math.min(largest.repeat, 3)), 0) / 60_000) * 1.1
  return [
    '## Why the default size was not run here',
    '',
    `\`npm run bench\` defaults to BENCH_SCALE=1, the issue's size. Measured at BENCH_SCALE=${largest.scale}, seeding runs at ${thousands(largest.seeding.documentsPerSecond)} documents/s, so the ${thousands(fullDocs)} documents of the full size take about **${seedMinutes.toFixed(0)} minutes** to seed — that part would fit in 20 minutes. The reads would not: every query that is not an \`_id\` lookup scans its collection, and the scans grow linearly. Extrapolated ${thousands(factor)}× from BENCH_SCALE=${largest.scale}: ${reads.join('; ')}. Timing each read (portal and floor) a few times would take about **${thousands(repeatsMinutes)} minutes** on top, before the 10 % round. So the full size is kept as the default (for MongoDB, \`BENCH_MONGODB_URI\`, where it runs in minutes) and the figures here come from BENCH_SCALE=0.1 and 0.01.`,
    '',
  ].join('\n')
}

export function renderMarkdown(runs: BenchRun[]) {
  const latest = runs.reduce((a, b) => (a.date > b.date ? a : b))
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (scripts/bench.ts); last run ${latest.date.slice(0, 10)}. The figures come from the machine described under each run, on the **embedded database** (FerretDB 1.24 on SQLite), which is what the demo, development and the tests use. Production runs on MongoDB (\`MONGODB_URI\`), where the indexes declared in \`models/\` apply; \`BENCH_MONGODB_URI=mongodb://… npm run bench\` measures there.`,
    '',
    'Each read is timed twice on the same data: through the domain function a page’s loader calls (the **portal**), and as the bare `mongodb` driver queries that fetch the same data (the **floor**). Then 10 % of the data is compared with the whole, to see how the cost grows.',
    '',
    'How to run: `npm run bench` (BENCH_SCALE=1, the issue’s size), `BENCH_SCALE=0.1 npm run bench`, `BENCH_SCALE=0.01 npm run bench`; also BENCH_REPEAT (7), BENCH_BUDGET_SECONDS (45 per read and side), BENCH_IMPORT_ROWS (100,000), BENCH_MONGODB_URI.',
    '',
    ...runs.map(runSection),
    estimateSection(runs),
    '## Where the time goes: the embedded database scans',
    '',
    'FerretDB 1.24 on SQLite pushes down only `_id` **equality** (see docs/decisions/0005-paging-and-the-embedded-database.md); `_id: {$in: [...]}` is not pushed down (its explain says `filterPushdown=false`). Every other filter and every sort is evaluated in FerretDB after reading the **whole collection** from SQLite and decoding each document. On this machine that goes at roughly 4,000 (tasks, with their timelines) to 15,000 (small documents) documents a second, less while other work shares the two cores, so a query on a collection of 100,000 documents costs seconds whatever it returns, and ten times the data costs about ten times the time. That is what the figures above show:',
    '',
    ...(Object.keys(scans) as ReadKey[]).map((key) => `- **${runs[0]?.reads.find((r) => r.key === key)?.name ?? key}**: ${scans[key]} On MongoDB: ${onMongo[key]}.`),
    '',
    'What stays cheap on the embedded database is an `_id` equality: the indicator itself (deterministic `_id`), one submission (`<indicator>:<organisation>`), a task by id. The bulk import inserts in chunks of 1,000, but checks which ids exist with `_id: {$in}`: one scan of `indicators` and one of `indicatorsubmissions` per chunk, so on a large collection its rate falls (see the import line above).',
    '',
    '## Production on MongoDB',
    '',
    'Production runs on MongoDB (`MONGODB_URI`), where the same queries use the indexes declared in `models/` (listed per read above): the queue pages are index range scans of 26 entries, whatever the page (keyset paging; no `skip`); the task detail, initiative page and overview read by indexed foreign keys; indicators and submissions by `_id` and `indicatorId`. The latency and growth targets rely on those indexes; on the embedded database they can be met only where both sides pay the same scan (the ratio) or where the work goes by `_id` equality.',
    '',
    'The tasks carrying an indicator (`tasks.find({indicatorIds: {$in: [...]}})` in `reachContext`, app/indicators/indicators.server.ts), read on every indicator page, lookup and retraction, have the multikey index `{ indicatorIds: 1 }` declared in models/task.ts. On the embedded database the bulk import would keep its rate on a large collection if it inserted first (the unique `_id` reports the ones that exist) and read back only those, by `_id` equality, instead of reading every chunk with `_id: {$in}`.',
    '',
    '## What was tried for the targets not met',
    '',
    '- **Keyset paging, lean reads, projections and declared indexes** for every list: they make the portal pay what the driver pays (ratios 0.6–1.3) and are what MongoDB needs, but on the embedded database a query that is not an `_id` lookup reads the whole collection whatever its projection or limit (the queue query’s plan above: `filterPushdown=false, sortPushdown=false, limitPushdown=false`).',
    '- **Deterministic `_id`s where a value identifies a document** (indicators by type and normal form, submissions by indicator and organisation, sessions by token hash, API keys by prefix, idempotency keys, the audit chain’s head checked by `_id`): those reads are constant-time on both databases, and the indicator lookup is the one read that beats its driver floor.',
    '- **Per-request costs under load** (`npm run load`, 60 s, 50 people): the bell’s unread count and the audit log’s chain head were full scans on every page and every write. The count is now remembered per person and forgotten when this server notifies them or they read; the audit log appends after the head it remembers, checked by `_id`. Throughput went from 4.4 to 11.8 requests a second and the task page’s median from 1.8 s to 0.44 s (figures in the closing note of the evidence issue).',
    '- **A per-initiative progress summary** stored under the initiative’s `_id` would make the overview and the initiative page `_id` lookups. It was designed but not built: the embedded database has no atomic conditional update (decision 0003), so telling a current summary from a stale one needs a per-initiative change sequence that is itself found without a scan; a lost write there would show wrong figures, which the coordinators’ page must never do. Until that is proven, both pages compute from the tasks and verified reports, exactly, and meet the 300 ms target only on MongoDB.',
    '',
  ].join('\n')
}

/** Rewrites docs/benchmarks.md from docs/benchmarks.json (after a change of wording, without measuring again). */
export function rewriteMarkdown(dir: string) {
  const parsed = JSON.parse(fs.readFileSync(path.join(dir, 'benchmarks.json'), 'utf8')) as { runs?: BenchRun[] }
  const runs = parsed.runs ?? []
  if (runs.length === 0) throw new Error('docs/benchmarks.json holds no run')
  fs.writeFileSync(path.join(dir, 'benchmarks.md'), renderMarkdown(runs))
  return path.join(dir, 'benchmarks.md')
}

/** Merges the run into docs/benchmarks.json (replacing a run of the same scale) and rewrites docs/benchmarks.md. */
export function writeBenchmarkDocs(run: BenchRun, dir: string) {
  const jsonPath = path.join(dir, 'benchmarks.json')
  const mdPath = path.join(dir, 'benchmarks.md')
  let runs: BenchRun[] = []
  if (fs.existsSync(jsonPath)) {
    try {
      const parsed = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as { runs?: BenchRun[] }
      runs = Array.isArray(parsed.runs) ? parsed.runs : []
    } catch {
      runs = []
    }
  }
  runs = [...runs.filter((existing) => existing.scale !== run.scale || existing.machine.database !== run.machine.database), run].sort((a, b) => b.scale - a.scale)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(jsonPath, `${JSON.stringify({ description: 'Written by npm run bench (scripts/bench.ts); one run per scale and database. Times in milliseconds.', runs }, null, 2)}\n`)
  fs.writeFileSync(mdPath, renderMarkdown(runs))
  return [mdPath, jsonPath]
}
