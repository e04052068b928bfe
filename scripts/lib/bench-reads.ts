import { performance } from 'node:perf_hooks'
import { Types } from 'mongoose'
import { loadViewer } from '../../app/auth/guards.server'
import { indicatorId } from '../../app/indicators/ids.server'
import { candidateIds, listIndicatorsFor, loadIndicatorFor } from '../../app/indicators/indicators.server'
import { parseIndicator } from '../../app/indicators/types'
import { initiativePageFor } from '../../app/initiatives/detail.server'
import { listInitiativesFor } from '../../app/initiatives/initiatives.server'
import { defaultOverviewState } from '../../app/initiatives/shared'
import { initiativeAccessFilter } from '../../app/policy/access.server'
import type { Viewer } from '../../app/policy/permissions'
import { getTaskDetail } from '../../app/tasks/detail.server'
import { TASK_PAGE_SIZE } from '../../app/tasks/forms'
import { parseTaskListQuery, taskQueuePage } from '../../app/tasks/queues.server'
import type { BenchData } from './bench-data'
import { collection } from './database'
import { percentiles, type Percentiles } from './stats'

/**
 * The reads the benchmark times, each twice: through the portal's own domain function (what a page's
 * loader calls) and as the bare `mongodb` driver queries that fetch the same data (the floor).
 */

export type ReadKey = 'queueFirst' | 'queueDeep' | 'taskDetail' | 'initiativePage' | 'overview' | 'indicatorLookup' | 'indicatorSearch'

export type Read = {
  key: ReadKey
  name: string
  /** What the portal calls. */
  portalCall: string
  /** The driver queries of the floor. */
  floorQuery: string
  portal: () => Promise<unknown>
  floor: () => Promise<unknown>
}

export type Timing = { portal: Percentiles; floor: Percentiles; ratio: number }

const LIST_FIELDS = { title: 1, status: 1, priority: 1, tlp: 1, dueAt: 1, statusChangedAt: 1, createdAt: 1, ownerCentreId: 1, assigneeOrganisationId: 1, assigneeUserId: 1, assignmentId: 1, initiativeId: 1 }

async function viewerOf(data: BenchData, organisationId: Types.ObjectId, role: string): Promise<Viewer> {
  const person = data.people.find((p) => p.organisationId.equals(organisationId) && p.roles.some((r) => r === role))
  const viewer = person ? await loadViewer(String(person._id), String(organisationId)) : null
  if (!viewer) throw new Error(`no ${role} who can act in ${String(organisationId)}`)
  return viewer
}

/** The reads on the data as it is now (the deep page is found again for each size). */
export async function readsFor(data: BenchData): Promise<{ reads: Read[]; facts: Record<string, number | string> }> {
  const partner = data.benchPartner._id
  const member = await viewerOf(data, partner, 'member')
  const initiative = data.initiatives[0]
  if (!initiative) throw new Error('no initiative')
  const lead = await viewerOf(data, initiative.leadCentreId, 'staff')
  const coordinator = await viewerOf(data, (data.centres[0] as { _id: Types.ObjectId })._id, 'coordinator')
  const tasks = collection('tasks')
  const reports = collection('actionreports')
  const comments = collection('taskcomments')

  // The queue: first page, and page 100 (or the last page, for a shorter queue).
  const queueFilter = { assigneeOrganisationId: partner, status: { $ne: 'draft' } }
  const queueSize = await tasks.countDocuments(queueFilter)
  const deepPage = Math.min(100, Math.max(1, Math.ceil(queueSize / TASK_PAGE_SIZE)))
  const deepRow = deepPage > 1 ? await tasks.find(queueFilter, { projection: { dueAt: 1 } }).sort({ dueAt: 1, _id: 1 }).skip((deepPage - 1) * TASK_PAGE_SIZE - 1).limit(1).next() : null
  // The portal's own cursor for "after this row" (sort by due date: [dueAt, _id]).
  const deepCursor = deepRow ? Buffer.from(JSON.stringify([(deepRow.dueAt as Date).toISOString(), String(deepRow._id)])).toString('base64url') : undefined
  const query = (after?: string) => parseTaskListQuery(new URLSearchParams({ view: 'assigned', ...(after ? { after } : {}) }))
  if (deepCursor && (await taskQueuePage(member, query(deepCursor))).items.length === 0) throw new Error('the deep page cursor found no tasks')
  const keyset = deepRow ? { $or: [{ dueAt: { $gt: deepRow.dueAt } }, { dueAt: deepRow.dueAt, _id: { $gt: deepRow._id } }] } : {}

  const detailTask = data.detailTasks[0]
  if (!detailTask) throw new Error('no task with reports for the benchmark partner')
  const detailId = new Types.ObjectId(detailTask)

  const sample = data.samples[0]
  if (!sample) throw new Error('no TLP:GREEN indicator sample')
  const lookupId = () => {
    const parsed = parseIndicator(sample.type, sample.value, { chain: sample.type === 'crypto_wallet' ? 'eth' : undefined })
    if (!parsed.ok) throw new Error('sample indicator not valid')
    return indicatorId(sample.type, parsed.indicator.normalised)
  }
  await loadIndicatorFor(member, lookupId())
  const searchQuery = { q: sample.value, type: '' as const, chain: '', acquirer: '', tlp: '' as const, status: '' as const, personal: '' as const, mine: false }
  const searchIds = candidateIds(searchQuery)

  const overviewFilter = initiativeAccessFilter(coordinator)
  if (!overviewFilter) throw new Error('the coordinator has no overview')

  const reads: Read[] = [
    {
      key: 'queueFirst',
      name: 'Partner task queue, first page',
      portalCall: 'taskQueuePage (queues.server.ts)',
      floorQuery: 'tasks.find({assigneeOrganisationId, status≠draft}).sort({dueAt, _id}).limit(26)',
      portal: () => taskQueuePage(member, query()),
      floor: () => tasks.find(queueFilter, { projection: LIST_FIELDS }).sort({ dueAt: 1, _id: 1 }).limit(TASK_PAGE_SIZE + 1).toArray(),
    },
    {
      key: 'queueDeep',
      name: `Partner task queue, page ${deepPage}`,
      portalCall: 'taskQueuePage with the ?after= cursor',
      floorQuery: 'the same with the keyset condition (dueAt, _id) > cursor',
      portal: () => taskQueuePage(member, query(deepCursor)),
      floor: () => tasks.find({ ...queueFilter, ...keyset }, { projection: LIST_FIELDS }).sort({ dueAt: 1, _id: 1 }).limit(TASK_PAGE_SIZE + 1).toArray(),
    },
    {
      key: 'taskDetail',
      name: 'Task detail',
      portalCall: 'getTaskDetail (detail.server.ts)',
      floorQuery: 'tasks.findOne({_id}); actionreports.find({taskId}); taskcomments.find({taskId})',
      portal: () => getTaskDetail(member, detailTask),
      floor: () =>
        Promise.all([
          tasks.findOne({ _id: detailId }),
          reports.find({ taskId: detailId }).sort({ version: 1 }).toArray(),
          comments.find({ taskId: detailId }).sort({ createdAt: 1 }).toArray(),
        ]),
    },
    {
      key: 'initiativePage',
      name: 'Initiative page (lead centre)',
      portalCall: 'initiativePageFor → initiativeProgress',
      floorQuery: 'initiatives.findOne({_id}); tasks.find({initiativeId}); actionreports.find({initiativeId, verified, current})',
      portal: () => initiativePageFor(lead, String(initiative._id), 'en'),
      floor: () =>
        Promise.all([
          collection('initiatives').findOne({ _id: initiative._id }),
          tasks.find({ initiativeId: initiative._id }).toArray(),
          reports.find({ initiativeId: initiative._id, verification: 'verified', status: 'current' }, { projection: { actions: 1, assigneeOrganisationId: 1 } }).toArray(),
        ]),
    },
    {
      key: 'overview',
      name: 'Coordinator overview',
      portalCall: 'listInitiativesFor → overviewFigures',
      floorQuery: 'initiatives.find(access).limit(501); tasks.find({initiativeId: {$in}}); actionreports.find({initiativeId: {$in}, verified, current})',
      portal: () => listInitiativesFor(coordinator, defaultOverviewState, 'en'),
      floor: async () => {
        const found = await collection('initiatives').find(overviewFilter).sort({ updatedAt: -1, _id: -1 }).limit(501).toArray()
        const ids = found.map((row) => row._id)
        return Promise.all([
          tasks.find({ initiativeId: { $in: ids } }, { projection: { status: 1, dueAt: 1, initiativeId: 1, statusChangedAt: 1 } }).toArray(),
          reports.find({ initiativeId: { $in: ids }, verification: 'verified', status: 'current' }, { projection: { actions: 1, initiativeId: 1 } }).toArray(),
        ])
      },
    },
    {
      key: 'indicatorLookup',
      name: 'Indicator lookup by value',
      portalCall: 'loadIndicatorFor(indicatorId(type, normalised))',
      floorQuery: 'indicators.findOne({_id}); indicatorsubmissions.find({indicatorId})',
      portal: () => loadIndicatorFor(member, lookupId()),
      floor: async () => {
        const id = lookupId()
        return Promise.all([collection('indicators').findOne({ _id: id as never }), collection('indicatorsubmissions').find({ indicatorId: id }).toArray()])
      },
    },
    {
      key: 'indicatorSearch',
      name: 'Indicator search (exact value)',
      portalCall: 'listIndicatorsFor({q}) (indicators.server.ts)',
      floorQuery: 'indicatorsubmissions.find({indicatorId: {$in: candidate ids}}).sort({updatedAt: -1}).limit(26); indicators.find({_id: {$in}})',
      portal: () => listIndicatorsFor(member, searchQuery),
      floor: async () => {
        const rows = await collection('indicatorsubmissions')
          .find({ indicatorId: { $in: searchIds } })
          .sort({ updatedAt: -1, _id: -1 })
          .limit(26)
          .toArray()
        return collection('indicators')
          .find({ _id: { $in: rows.map((row) => row.indicatorId as never) } })
          .toArray()
      },
    },
  ]
  return { reads, facts: { queueSize, deepPage, detailTask, initiative: String(initiative._id), indicator: sample.value } }
}

/** Times a call: one warm-up, then `repeat` runs, fewer (at least `minimum`) when they overrun `budgetMs`. */
export async function time(run: () => Promise<unknown>, { repeat, budgetMs, minimum = 3 }: { repeat: number; budgetMs: number; minimum?: number }) {
  await run()
  const samples: number[] = []
  const started = performance.now()
  while (samples.length < repeat && (samples.length < minimum || performance.now() - started < budgetMs)) {
    const at = performance.now()
    await run()
    samples.push(performance.now() - at)
  }
  return percentiles(samples)
}
