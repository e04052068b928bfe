import { performance } from 'node:perf_hooks'
import mongoose, { Types } from 'mongoose'
import type { TaskPriority, TaskStatus, TlpLabel } from '../app/domain/vocabulary'
import { createOrganisation } from '../app/partners/organisations.server'
import { provisionUser } from '../app/people/users.server'
import type { Viewer } from '../app/policy/permissions'
import { TASK_PAGE_SIZE } from '../app/tasks/forms'
import { listTasks, parseTaskListQuery, taskQueueFilter, taskQueuePage } from '../app/tasks/queues.server'
import { benchDatabase } from './lib/database'

/**
 * `npm run bench:queue`: does keyset paging keep a deep page as cheap as the first one?
 *
 * Starts a fresh embedded database in a temporary folder (or uses BENCH_MONGODB_URI), gives one partner
 * organisation BENCH_TASKS tasks (10,000 by default) with a realistic spread of statuses, priorities,
 * labels and due dates, then times the partner queue's first page and its 100th page through the real
 * queue function, BENCH_REPEAT times each (15 by default), and prints median and p95 side by side.
 * Stops the database and removes the folder afterwards. Exit code 0 when it ran, 1 when it could not.
 */

const DAY = 24 * 60 * 60 * 1000
const TARGET_PAGE = 100

const positiveInt = (value: string | undefined, fallback: number) => {
  const parsed = Number(value)
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback
}
const taskCount = positiveInt(process.env.BENCH_TASKS, 10_000)
const repetitions = positiveInt(process.env.BENCH_REPEAT, 15)

/** A small deterministic generator, so two runs measure the same data. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function weighted<T extends string>(next: () => number, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][]
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0)
  let pick = next() * total
  for (const [value, weight] of entries) {
    pick -= weight
    if (pick < 0) return value
  }
  return entries[entries.length - 1]![0]
}

const statusWeights: Record<TaskStatus, number> = {
  draft: 2,
  assigned: 14,
  acknowledged: 12,
  in_progress: 20,
  reported: 8,
  returned: 3,
  verified: 10,
  closed: 19,
  declined: 2,
  not_applicable: 6,
  cancelled: 4,
}
const priorityWeights: Record<TaskPriority, number> = { urgent: 5, high: 20, normal: 60, low: 15 }
const tlpWeights: Record<TlpLabel, number> = { CLEAR: 1, GREEN: 9, AMBER: 80, 'AMBER+STRICT': 8, RED: 2 }
const policyDays: Record<TaskPriority, number> = { urgent: 2, high: 5, normal: 10, low: 20 }

async function seedTasks(centreId: string, partnerId: string, memberId: string, creatorId: string) {
  const next = random(20_080_613)
  const tasks = mongoose.connection.collection('tasks')
  const now = Date.now()
  const centre = new Types.ObjectId(centreId)
  const partner = new Types.ObjectId(partnerId)
  const member = new Types.ObjectId(memberId)
  const creator = new Types.ObjectId(creatorId)
  const someoneElse = new Types.ObjectId()
  for (let start = 0; start < taskCount; start += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, taskCount - start) }, (_, offset) => {
      const status = weighted(next, statusWeights)
      const priority = weighted(next, priorityWeights)
      const tlp = weighted(next, tlpWeights)
      const createdAt = new Date(now - Math.floor(next() * 180 * DAY))
      const dueAt = new Date(createdAt.getTime() + policyDays[priority] * DAY + Math.floor(next() * 3 * DAY))
      const statusChangedAt = new Date(createdAt.getTime() + Math.floor(next() * (now - createdAt.getTime())))
      const personal = tlp === 'RED' ? (next() < 0.5 ? member : someoneElse) : next() < 0.2 ? member : undefined
      return {
        ownerCentreId: centre,
        assigneeOrganisationId: partner,
        ...(personal ? { assigneeUserId: personal } : {}),
        title: `Benchmark task ${start + offset + 1}: merchant descriptor review`,
        description: '',
        priority,
        dueAt,
        tlp,
        status,
        statusChangedAt,
        ...(status !== 'draft' ? { assignedAt: createdAt } : {}),
        createdBy: creator,
        createdByName: 'Benchmark',
        timeline: [{ at: createdAt, actorUserId: creator, actorOrganisationId: centre, from: null, to: status, transition: 'create' }],
        createdAt,
        updatedAt: statusChangedAt,
        __v: 0,
      }
    })
    await tasks.insertMany(batch, { ordered: false })
  }
}

const median = (values: number[]) => quantile(values, 0.5)
function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low)
}

async function time(run: () => Promise<unknown>) {
  const started = performance.now()
  await run()
  return performance.now() - started
}

const ms = (value: number) => value.toFixed(1).padStart(9)

/** What the database says about the first page's query plan, in one line, when it answers `explain`. */
async function explainLine(filter: Record<string, unknown>, sort: Record<string, 1 | -1>) {
  const db = mongoose.connection.db
  if (!db) return 'not available (no connection)'
  try {
    const reply = await db.command({ explain: { find: 'tasks', filter, sort, limit: TASK_PAGE_SIZE + 1 }, verbosity: 'queryPlanner' })
    const flags = ['filterPushdown', 'sortPushdown', 'limitPushdown'].filter((key) => key in reply).map((key) => `${key}=${String(reply[key])}`)
    const stages: string[] = []
    const walk = (node: unknown) => {
      if (!node || typeof node !== 'object') return
      const plan = node as { stage?: string; indexName?: string; inputStage?: unknown; inputStages?: unknown[] }
      if (plan.stage) stages.push(plan.indexName ? `${plan.stage}(${plan.indexName})` : plan.stage)
      walk(plan.inputStage)
      for (const child of plan.inputStages ?? []) walk(child)
    }
    const planner = reply.queryPlanner as { winningPlan?: unknown; Plan?: unknown } | undefined
    walk(planner?.winningPlan)
    // FerretDB answers with SQLite's own plan lines ("SCAN <table>" when no index is used).
    if (Array.isArray(planner?.Plan)) stages.push(...planner.Plan.map((step) => String(step).replace(/^.*detail=/, '')))
    const parts = [...flags, ...(stages.length > 0 ? [`plan ${stages.join(' ← ')}`] : [])]
    return parts.length > 0 ? parts.join(', ') : 'answered, without index details'
  } catch (error) {
    return `not available (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
  }
}

async function main(): Promise<number> {
  let database: Awaited<ReturnType<typeof benchDatabase>> | undefined
  try {
    database = await benchDatabase('portal-bench')
    const external = database.external

    const suffix = Date.now().toString(36)
    const centre = await createOrganisation({ legalName: `Benchmark Centre ${suffix}`, kind: 'national_centre', country: 'FR', status: 'active' })
    const partner = await createOrganisation({ legalName: `Benchmark Bank ${suffix}`, kind: 'bank', country: 'DE', status: 'active' })
    const creator = await provisionUser({ organisationId: centre.id, email: `bench-staff-${suffix}@example.org`, name: 'Bench Staff', roles: ['staff'], enrolled: false })
    const member = await provisionUser({ organisationId: partner.id, email: `bench-member-${suffix}@example.org`, name: 'Bench Member', roles: ['member'], enrolled: false })

    const seeding = performance.now()
    await seedTasks(centre.id, partner.id, member.id, creator.id)
    console.info(`Seeded ${taskCount} tasks for one partner organisation in ${((performance.now() - seeding) / 1000).toFixed(1)} s.`)

    const viewer: Viewer = {
      userId: member.id,
      name: 'Bench Member',
      email: member.email,
      roles: ['member'],
      organisationId: partner.id,
      organisationName: partner.legalName,
      organisationKind: 'bank',
      organisationStatus: 'active',
      isOperator: false,
    }
    const query = (after?: string) => parseTaskListQuery(new URLSearchParams({ view: 'assigned', ...(after ? { after } : {}) }))

    // Walk the queue once to reach the deep page, checking that no task shows up twice on the way.
    const seen = new Set<string>()
    let cursor: string | undefined
    let deepCursor: string | undefined
    let page = 0
    for (;;) {
      const result = await taskQueuePage(viewer, query(cursor))
      if (result.items.length === 0) break
      page++
      for (const item of result.items) {
        if (seen.has(item.id)) throw new Error(`task ${item.id} appeared twice while paging`)
        seen.add(item.id)
      }
      if (page === TARGET_PAGE || !result.next) break
      cursor = result.next
      deepCursor = cursor
    }
    const deepPage = page
    const visible = seen.size
    if (deepPage < 2) throw new Error('the queue has a single page; raise BENCH_TASKS')

    const firstTimes: number[] = []
    const deepTimes: number[] = []
    const firstFull: number[] = []
    const deepFull: number[] = []
    const skipTimes: number[] = []
    const plan = await taskQueueFilter(viewer, query())
    if (!plan) throw new Error('the partner has no queue')
    const tasks = mongoose.connection.collection('tasks')
    const bySkip = () => tasks.find(plan.filter, { sort: plan.sort, skip: (deepPage - 1) * TASK_PAGE_SIZE, limit: TASK_PAGE_SIZE }).toArray()
    // One warm-up each, then alternate so that caches favour neither.
    await taskQueuePage(viewer, query())
    await taskQueuePage(viewer, query(deepCursor))
    await bySkip()
    for (let i = 0; i < repetitions; i++) {
      firstTimes.push(await time(() => taskQueuePage(viewer, query())))
      deepTimes.push(await time(() => taskQueuePage(viewer, query(deepCursor))))
      skipTimes.push(await time(bySkip))
    }
    for (let i = 0; i < Math.max(3, Math.ceil(repetitions / 3)); i++) {
      firstFull.push(await time(() => listTasks(viewer, query())))
      deepFull.push(await time(() => listTasks(viewer, query(deepCursor))))
    }

    const backend = external ? 'MongoDB at BENCH_MONGODB_URI' : 'embedded FerretDB 1.24 (SQLite)'
    const deepLabel = deepPage === TARGET_PAGE ? `page ${deepPage}` : `last page (${deepPage})`
    console.info('')
    console.info(`Task queue paging benchmark on ${backend}`)
    console.info(`  ${taskCount} tasks assigned to one partner organisation; ${visible} on the pages walked up to ${deepLabel}`)
    console.info(`  page size ${TASK_PAGE_SIZE}, ${repetitions} timed repetitions per line after one warm-up`)
    console.info('')
    console.info(`  ${'query'.padEnd(48)}${'median ms'.padStart(10)}${'p95 ms'.padStart(10)}`)
    const line = (label: string, values: number[]) => console.info(`  ${label.padEnd(48)}${ms(median(values))} ${ms(quantile(values, 0.95))}`)
    line('first page (keyset, queue page only)', firstTimes)
    line(`${deepLabel} (keyset, queue page only)`, deepTimes)
    line(`${deepLabel} by skip, for comparison`, skipTimes)
    line('first page, whole list (counts, names)', firstFull)
    line(`${deepLabel}, whole list (counts, names)`, deepFull)
    console.info('')
    console.info(`  ratio ${deepLabel} / first page (keyset medians): ${(median(deepTimes) / median(firstTimes)).toFixed(2)}`)
    console.info(`  ratio ${deepLabel} by skip / keyset (medians):    ${(median(skipTimes) / median(deepTimes)).toFixed(2)}`)
    console.info(`  explain (first page): ${await explainLine(plan.filter, plan.sort)}`)
    return 0
  } catch (error) {
    console.error(`The benchmark could not run: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  } finally {
    await database?.dispose()
  }
}

process.exit(await main())
