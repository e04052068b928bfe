import { Types } from 'mongoose'
import { z } from 'zod'
import { InitiativeModel } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel } from '../../models/task'
import { UserModel } from '../../models/user'
import {
  BULK_LIMIT,
  defaultTaskSortDirection,
  dueFilters,
  isTaskStatus,
  prioritiesByUrgency,
  TASK_PAGE_SIZE,
  taskSorts,
  taskViews,
  type BulkOutcome,
  type TaskListState,
  type TaskRow,
  type TaskSort,
  type TaskView,
} from './forms'
import { isOpenStatus } from './lifecycle'
import { loadTask, objectId, TaskError, transitionTask } from './tasks.server'
import { openTaskStatuses, taskPriorities, type TaskPriority, type TaskStatus, type TlpLabel } from '~/domain/vocabulary'
import { escapeRegex } from '~/partners/organisations.server'
import { initiativesOf, taskAccessFilter } from '~/policy/access.server'
import { can, isCentre, type Viewer } from '~/policy/permissions'
import type { RequestMeta } from '~/utils/request.server'

const DAY = 24 * 60 * 60 * 1000

type Filter = Record<string, unknown>

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value)
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional()).catch(undefined)

/** The list's query string; anything malformed is ignored rather than refused. */
export const taskListQuery = z.object({
  view: optional(z.enum(taskViews)),
  status: z
    .preprocess((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]), z.array(z.unknown()))
    .transform((values) => [...new Set(values.filter(isTaskStatus))])
    .catch([]),
  priority: optional(z.enum(taskPriorities)),
  due: z.preprocess(blankToUndefined, z.enum(dueFilters).default('any')).catch('any'),
  initiative: optional(objectId),
  partner: optional(objectId),
  assignment: optional(objectId),
  q: optional(z.string().trim().max(100)),
  sort: z.preprocess(blankToUndefined, z.enum(taskSorts).default('due')).catch('due'),
  dir: optional(z.enum(['asc', 'desc'])),
  after: optional(z.string().max(600)),
  before: optional(z.string().max(600)),
})
export type TaskListQuery = z.infer<typeof taskListQuery>

export function parseTaskListQuery(searchParams: URLSearchParams): TaskListQuery {
  const raw: Record<string, unknown> = {}
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key)
    raw[key] = key === 'status' ? values : values[0]
  }
  return taskListQuery.parse(raw)
}

/** The lists this viewer has: centres see the tasks they own, partners their organisation's queue and their own. */
export function taskViewsFor(viewer: Viewer): TaskView[] {
  if (!can(viewer, 'task:view')) return []
  return isCentre(viewer) ? ['owned', 'assigned'] : ['assigned', 'mine']
}

/**
 * The part of every list query that the access function decides. The organisation path the access
 * filter pins in each of its branches is repeated at the top, so that indexes (and the organisation
 * scope plugin) see it first.
 */
type Scope = { field: 'ownerCentreId' | 'assigneeOrganisationId'; organisation: Types.ObjectId; parts: Filter[] }

async function scopeFor(viewer: Viewer, view: TaskView): Promise<Scope | null> {
  const access = await taskAccessFilter(viewer, view === 'owned' ? 'owned' : 'assigned')
  if (!access) return null
  const parts: Filter[] = [access.filter]
  if (view === 'mine') parts.push({ assigneeUserId: new Types.ObjectId(viewer.userId) })
  return { field: view === 'owned' ? 'ownerCentreId' : 'assigneeOrganisationId', organisation: new Types.ObjectId(viewer.organisationId), parts }
}

const matchOf = (scope: Scope, parts: Filter[]): Filter => ({ [scope.field]: scope.organisation, $and: [...scope.parts, ...parts] })

/** The viewer's own filters, each a condition ANDed to the access filter; `withStatus: false` leaves the status one out (for counts). */
function filterParts(view: TaskView, query: TaskListQuery, now: Date, { withStatus = true } = {}): Filter[] {
  const parts: Filter[] = []
  if (withStatus && query.status.length > 0) parts.push({ status: { $in: query.status } })
  if (query.priority) parts.push({ priority: query.priority })
  if (query.due === 'overdue') parts.push({ status: { $in: [...openTaskStatuses] }, dueAt: { $lt: now } })
  if (query.due === 'week') parts.push({ status: { $in: [...openTaskStatuses] }, dueAt: { $gte: now, $lt: new Date(now.getTime() + 7 * DAY) } })
  if (query.initiative) parts.push({ initiativeId: new Types.ObjectId(query.initiative) })
  if (query.partner && view === 'owned') parts.push({ assigneeOrganisationId: new Types.ObjectId(query.partner) })
  if (query.assignment) parts.push({ assignmentId: new Types.ObjectId(query.assignment) })
  if (query.q) parts.push({ title: { $regex: escapeRegex(query.q), $options: 'i' } })
  return parts
}

// ---------------------------------------------------------------------------------------------
// Keyset paging. Each sort is a total order ending in `_id`; a cursor holds the key of the row a
// page starts after (or before). Priority has no stored rank, so its order is read one priority
// at a time, most urgent first: at most four index-friendly queries per page, never a skip.

type KeyField = { field: 'dueAt' | 'statusChangedAt' | 'createdAt' | '_id'; direction: 1 | -1 }
type SortPlan = { ranks: readonly TaskPriority[] | null; keys: KeyField[] }

const flip = (keys: KeyField[]): KeyField[] => keys.map((key) => ({ ...key, direction: key.direction === 1 ? -1 : 1 }))

function planFor(sort: TaskSort, dir: 'asc' | 'desc' | undefined): SortPlan {
  const reversed = Boolean(dir) && dir !== defaultTaskSortDirection[sort]
  const natural: Record<TaskSort, SortPlan> = {
    due: { ranks: null, keys: [{ field: 'dueAt', direction: 1 }, { field: '_id', direction: 1 }] },
    priority: { ranks: prioritiesByUrgency, keys: [{ field: 'dueAt', direction: 1 }, { field: '_id', direction: 1 }] },
    changed: { ranks: null, keys: [{ field: 'statusChangedAt', direction: -1 }, { field: '_id', direction: -1 }] },
    created: { ranks: null, keys: [{ field: 'createdAt', direction: -1 }, { field: '_id', direction: -1 }] },
  }
  const plan = natural[sort]
  if (!reversed) return plan
  // Least urgent first keeps the soonest-due order inside each priority.
  return plan.ranks ? { ranks: [...plan.ranks].reverse(), keys: plan.keys } : { ranks: null, keys: flip(plan.keys) }
}

type Cursor = { rank: TaskPriority | null; keys: unknown[] }
const cursorShape = z.array(z.string().max(100)).min(2).max(4)

function encodeCursor(plan: SortPlan, row: TaskDoc) {
  const values = plan.keys.map(({ field }) => {
    const value = row[field]
    return value instanceof Date ? value.toISOString() : String(value)
  })
  return Buffer.from(JSON.stringify(plan.ranks ? [row.priority, ...values] : values)).toString('base64url')
}

/** The key a cursor stands for, or null when it is not one of ours (paging then starts over). */
function decodeCursor(plan: SortPlan, cursor: string | undefined): Cursor | null {
  if (!cursor) return null
  let raw: unknown
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  const parsed = cursorShape.safeParse(raw)
  if (!parsed.success || parsed.data.length !== plan.keys.length + (plan.ranks ? 1 : 0)) return null
  const values = [...parsed.data]
  let rank: TaskPriority | null = null
  if (plan.ranks) {
    const first = values.shift()
    const found = plan.ranks.find((priority) => priority === first)
    if (!found) return null
    rank = found
  }
  const keys: unknown[] = []
  for (const [index, { field }] of plan.keys.entries()) {
    const value = values[index] ?? ''
    if (field === '_id') {
      if (!/^[a-f\d]{24}$/i.test(value)) return null
      keys.push(new Types.ObjectId(value))
    } else {
      const date = new Date(value)
      if (Number.isNaN(date.getTime())) return null
      keys.push(date)
    }
  }
  return { rank, keys }
}

/**
 * Rows strictly beyond the key in the sort order (`forward`) or strictly before it. The inclusive
 * range on the first key repeats what the `$or` implies, so that MongoDB can start its index scan at
 * the cursor instead of at the top of the organisation's tasks.
 */
function beyond(keys: KeyField[], values: unknown[], forward: boolean): Filter {
  const [first] = keys
  const range = first ? { [first.field]: { [(first.direction === 1) === forward ? '$gte' : '$lte']: values[0] } } : {}
  return {
    ...range,
    $or: keys.map(({ field, direction }, index) => {
      const clause: Filter = {}
      for (let earlier = 0; earlier < index; earlier++) {
        const key = keys[earlier]
        if (key) clause[key.field] = values[earlier]
      }
      clause[field] = { [(direction === 1) === forward ? '$gt' : '$lt']: values[index] }
      return clause
    }),
  }
}

function sortOf(keys: KeyField[], forward: boolean) {
  const sort: Record<string, 1 | -1> = {}
  for (const { field, direction } of keys) sort[field] = forward ? direction : direction === 1 ? -1 : 1
  return sort
}

const LIST_FIELDS = {
  title: 1,
  status: 1,
  priority: 1,
  tlp: 1,
  dueAt: 1,
  statusChangedAt: 1,
  createdAt: 1,
  ownerCentreId: 1,
  assigneeOrganisationId: 1,
  assigneeUserId: 1,
  assignmentId: 1,
  initiativeId: 1,
  needsReview: 1,
} as const

type TaskDoc = {
  _id: Types.ObjectId
  title: string
  status: TaskStatus
  priority: TaskPriority
  tlp: TlpLabel
  dueAt: Date
  statusChangedAt: Date
  createdAt: Date
  ownerCentreId: Types.ObjectId
  assigneeOrganisationId: Types.ObjectId
  assigneeUserId?: Types.ObjectId | null
  assignmentId?: Types.ObjectId | null
  initiativeId?: Types.ObjectId | null
  needsReview?: { at?: Date | null } | null
}

const readTasks = (filter: Filter, sort: Record<string, 1 | -1>, limit: number) =>
  TaskModel.find(filter).sort(sort).limit(limit).select(LIST_FIELDS).lean<TaskDoc[]>()

async function readKeyset(scope: Scope, parts: Filter[], plan: SortPlan, cursor: Cursor | null, forward: boolean, limit: number) {
  const sort = sortOf(plan.keys, forward)
  if (!plan.ranks) {
    return readTasks(matchOf(scope, cursor ? [...parts, beyond(plan.keys, cursor.keys, forward)] : parts), sort, limit)
  }
  const ranks = forward ? plan.ranks : [...plan.ranks].reverse()
  const start = cursor?.rank ? ranks.indexOf(cursor.rank) : 0
  const rows: TaskDoc[] = []
  for (let index = Math.max(start, 0); index < ranks.length && rows.length < limit; index++) {
    const segment: Filter[] = [...parts, { priority: ranks[index] }]
    if (cursor && index === start) segment.push(beyond(plan.keys, cursor.keys, forward))
    rows.push(...(await readTasks(matchOf(scope, segment), sort, limit - rows.length)))
  }
  return rows
}

type TaskPage = { docs: TaskDoc[]; next: string | null; previous: string | null }

async function pageOf(scope: Scope, parts: Filter[], query: TaskListQuery): Promise<TaskPage> {
  const plan = planFor(query.sort, query.dir)
  const afterKey = decodeCursor(plan, query.after)
  const beforeKey = afterKey ? null : decodeCursor(plan, query.before)
  const forward = !beforeKey
  const rows = await readKeyset(scope, parts, plan, afterKey ?? beforeKey, forward, TASK_PAGE_SIZE + 1)
  const more = rows.length > TASK_PAGE_SIZE
  const docs = rows.slice(0, TASK_PAGE_SIZE)
  if (!forward) docs.reverse()
  const first = docs[0]
  const last = docs[docs.length - 1]
  const hasNext = forward ? more : true
  const hasPrevious = forward ? Boolean(afterKey) : more
  return {
    docs,
    next: hasNext && last ? encodeCursor(plan, last) : null,
    previous: hasPrevious && first ? encodeCursor(plan, first) : null,
  }
}

/** The view a query asks for, when the viewer has it; otherwise their first one. */
function viewOf(viewer: Viewer, query: TaskListQuery): TaskView | null {
  const views = taskViewsFor(viewer)
  return query.view && views.includes(query.view) ? query.view : (views[0] ?? null)
}

/**
 * Just one page of a queue (ids, titles and cursors): what the paging benchmark times. The list page
 * uses `listTasks`, which adds counts, names and filter options around the same page.
 */
export async function taskQueuePage(viewer: Viewer, query: TaskListQuery, now = new Date()) {
  const view = viewOf(viewer, query)
  const scope = view ? await scopeFor(viewer, view) : null
  if (!view || !scope) return { items: [], next: null, previous: null }
  const page = await pageOf(scope, filterParts(view, query, now), query)
  return { items: page.docs.map((doc) => ({ id: String(doc._id), title: doc.title, status: doc.status })), next: page.next, previous: page.previous }
}

/** The filter the queue's first page sends to the database (for the benchmark's `explain`). */
export async function taskQueueFilter(viewer: Viewer, query: TaskListQuery, now = new Date()) {
  const view = viewOf(viewer, query)
  const scope = view ? await scopeFor(viewer, view) : null
  if (!view || !scope) return null
  return { filter: matchOf(scope, filterParts(view, query, now)), sort: sortOf(planFor(query.sort, query.dir).keys, true) }
}

type Named = { id: string; name: string }

/** Counts of the tasks in this view and under these filters (all but the status one), by status. */
async function countByStatus(scope: Scope, parts: Filter[]) {
  const rows = await TaskModel.aggregate<{ _id: string; count: number }>([{ $match: matchOf(scope, parts) }, { $group: { _id: '$status', count: { $sum: 1 } } }])
  const counts: Partial<Record<TaskStatus, number>> = {}
  for (const row of rows) if (isTaskStatus(row._id)) counts[row._id] = row.count
  return counts
}

/** A centre's open tasks grouped by assigned organisation (with how many are overdue) and by initiative. */
async function centreGroups(scope: Scope, now: Date) {
  const open: Filter = { status: { $in: [...openTaskStatuses] } }
  type Group = { _id: Types.ObjectId | null; count: number }
  const [byOrganisation, overdue, byInitiative] = await Promise.all([
    TaskModel.aggregate<Group>([
      { $match: matchOf(scope, [open]) },
      { $group: { _id: '$assigneeOrganisationId', count: { $sum: 1 } } },
      { $sort: { count: -1, _id: 1 } },
      { $limit: 10 },
    ]),
    TaskModel.aggregate<Group>([{ $match: matchOf(scope, [open, { dueAt: { $lt: now } }]) }, { $group: { _id: '$assigneeOrganisationId', count: { $sum: 1 } } }]),
    TaskModel.aggregate<Group>([
      { $match: matchOf(scope, [open, { initiativeId: { $ne: null } }]) },
      { $group: { _id: '$initiativeId', count: { $sum: 1 } } },
      { $sort: { count: -1, _id: 1 } },
      { $limit: 10 },
    ]),
  ])
  const organisationNames = await namesOf(byOrganisation.map((row) => row._id))
  const initiativeTitles = await titlesOf(byInitiative.map((row) => row._id))
  const overdueOf = new Map(overdue.map((row) => [String(row._id), row.count]))
  return {
    byOrganisation: byOrganisation
      .filter((row) => row._id)
      .map((row) => ({ id: String(row._id), name: organisationNames.get(String(row._id)) ?? '', open: row.count, overdue: overdueOf.get(String(row._id)) ?? 0 })),
    byInitiative: byInitiative
      .filter((row) => row._id)
      .map((row) => ({ id: String(row._id), title: initiativeTitles.get(String(row._id)) ?? '', open: row.count })),
  }
}

async function namesOf(ids: (Types.ObjectId | null | undefined)[]) {
  const wanted = [...new Set(ids.filter(Boolean).map(String))]
  if (wanted.length === 0) return new Map<string, string>()
  const rows = await OrganisationModel.find({ _id: { $in: wanted } }).select({ legalName: 1 }).lean()
  return new Map(rows.map((row) => [String(row._id), row.legalName]))
}

async function titlesOf(ids: (Types.ObjectId | null | undefined)[]) {
  const wanted = [...new Set(ids.filter(Boolean).map(String))]
  if (wanted.length === 0) return new Map<string, string>()
  const rows = await InitiativeModel.find({ _id: { $in: wanted } }).select({ title: 1 }).lean()
  return new Map(rows.map((row) => [String(row._id), row.title]))
}

/** Names, initiative titles and assignment positions for one page of tasks. */
async function toRows(viewer: Viewer, view: TaskView, scope: Scope, docs: TaskDoc[], now: Date): Promise<TaskRow[]> {
  const owned = view === 'owned'
  const counterpartIds = docs.map((doc) => (owned ? doc.assigneeOrganisationId : doc.ownerCentreId))
  const personIds = [...new Set(docs.map((doc) => doc.assigneeUserId).filter(Boolean).map(String))]
  const assignmentIds = owned ? [...new Set(docs.map((doc) => doc.assignmentId).filter(Boolean).map(String))] : []
  const [names, people, initiatives, groups] = await Promise.all([
    namesOf(counterpartIds),
    personIds.length > 0
      ? UserModel.find({ _id: { $in: personIds }, organisationId: { $in: [...new Set(docs.map((doc) => doc.assigneeOrganisationId))] } })
          .select({ name: 1 })
          .lean()
      : [],
    // Only initiatives the viewer's organisation leads or takes part in are named.
    docs.some((doc) => doc.initiativeId) ? initiativesOf(viewer) : [],
    assignmentIds.length > 0
      ? TaskModel.find(matchOf(scope, [{ assignmentId: { $in: assignmentIds.map((id) => new Types.ObjectId(id)) } }]))
          .sort({ _id: 1 })
          .select({ _id: 1, assignmentId: 1 })
          .lean()
      : [],
  ])
  const known = new Set(initiatives.map(String))
  const titles = await titlesOf(docs.map((doc) => doc.initiativeId).filter((id) => id && known.has(String(id))))
  const personName = new Map(people.map((person) => [String(person._id), person.name]))
  const members = new Map<string, string[]>()
  for (const task of groups) {
    const key = String(task.assignmentId)
    members.set(key, [...(members.get(key) ?? []), String(task._id)])
  }
  const canWork = can(viewer, 'task:work')
  return docs.map((doc) => {
    const id = String(doc._id)
    const counterpart = String(owned ? doc.assigneeOrganisationId : doc.ownerCentreId)
    const initiativeTitle = doc.initiativeId ? titles.get(String(doc.initiativeId)) : undefined
    const group = doc.assignmentId ? members.get(String(doc.assignmentId)) : undefined
    const overdue = isOpenStatus(doc.status) && doc.dueAt.getTime() < now.getTime()
    return {
      id,
      title: doc.title,
      status: doc.status,
      priority: doc.priority,
      tlp: doc.tlp,
      dueAt: doc.dueAt.toISOString(),
      overdueDays: overdue ? Math.max(1, Math.ceil((now.getTime() - doc.dueAt.getTime()) / DAY)) : 0,
      statusChangedAt: doc.statusChangedAt.toISOString(),
      createdAt: doc.createdAt.toISOString(),
      counterpart: { id: counterpart, name: names.get(counterpart) ?? '' },
      assigneeName: doc.assigneeUserId ? (personName.get(String(doc.assigneeUserId)) ?? null) : null,
      assignedToViewer: Boolean(doc.assigneeUserId) && String(doc.assigneeUserId) === viewer.userId,
      initiative: doc.initiativeId && initiativeTitle ? { id: String(doc.initiativeId), title: initiativeTitle } : null,
      assignment: owned && doc.assignmentId && group ? { id: String(doc.assignmentId), position: group.indexOf(id) + 1, size: group.length } : null,
      acknowledgeable: !owned && canWork && doc.status === 'assigned',
      needsReview: owned && Boolean(doc.needsReview?.at),
    }
  })
}

/** Filter choices: initiatives the organisation leads or joins; for centres, the organisations its tasks went to. */
async function filterOptions(viewer: Viewer, view: TaskView, scope: Scope) {
  const initiativeIds = await initiativesOf(viewer)
  const [initiatives, partnerIds] = await Promise.all([
    initiativeIds.length > 0 ? InitiativeModel.find({ _id: { $in: initiativeIds } }).select({ title: 1 }).sort({ title: 1 }).limit(200).lean() : [],
    view === 'owned' ? TaskModel.distinct('assigneeOrganisationId', matchOf(scope, [])) : [],
  ])
  const names = await namesOf(partnerIds.map((id) => (id instanceof Types.ObjectId ? id : null)))
  const organisations: Named[] = [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name))
  return { initiatives: initiatives.map((initiative) => ({ id: String(initiative._id), name: initiative.title })), organisations }
}

/** The list state the page shows (defaults filled in), from the parsed query. */
export function listStateOf(view: TaskView, query: TaskListQuery): TaskListState {
  return {
    view,
    status: query.status,
    priority: query.priority ?? '',
    due: query.due,
    initiative: query.initiative ?? '',
    partner: view === 'owned' ? (query.partner ?? '') : '',
    assignment: query.assignment ?? '',
    q: query.q ?? '',
    sort: query.sort,
    dir: query.dir ?? defaultTaskSortDirection[query.sort],
  }
}

/**
 * One page of a task list as this viewer may see it: the access function's filter for the view AND
 * the viewer's filters, keyset-paged in the chosen order, with counts per status for the view (under
 * the same filters but the status one), and for centres their open tasks by organisation and initiative.
 */
export async function listTasks(viewer: Viewer, query: TaskListQuery, now = new Date()) {
  const views = taskViewsFor(viewer)
  const view = viewOf(viewer, query)
  const scope = view ? await scopeFor(viewer, view) : null
  if (!view || !scope) return null
  const [page, counts, groups, options] = await Promise.all([
    pageOf(scope, filterParts(view, query, now), query),
    countByStatus(scope, filterParts(view, query, now, { withStatus: false })),
    view === 'owned' ? centreGroups(scope, now) : null,
    filterOptions(viewer, view, scope),
  ])
  const total = Object.entries(counts)
    .filter(([status]) => query.status.length === 0 || query.status.some((wanted) => wanted === status))
    .reduce((sum, [, count]) => sum + count, 0)
  return {
    view,
    views,
    state: listStateOf(view, query),
    items: await toRows(viewer, view, scope, page.docs, now),
    next: page.next,
    previous: page.previous,
    counts,
    total,
    groups,
    options,
  }
}
export type TaskList = NonNullable<Awaited<ReturnType<typeof listTasks>>>

/**
 * Acknowledges several tasks at once, each through the lifecycle as if one by one, and says for each
 * whether it was done or why not. A task the viewer may not see is "not found", without its title.
 */
export async function acknowledgeTasks(viewer: Viewer, taskIds: string[], meta?: RequestMeta): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = []
  for (const id of [...new Set(taskIds)].slice(0, BULK_LIMIT)) {
    let title: string | null = null
    try {
      title = (await loadTask(viewer, id)).task.title
      await transitionTask(viewer, id, 'acknowledge', { meta })
      outcomes.push({ id, title, outcome: 'done' })
    } catch (error) {
      if (!(error instanceof TaskError)) throw error
      outcomes.push({ id, title, outcome: 'refused', reason: error.code, status: error.status })
    }
  }
  return outcomes
}
