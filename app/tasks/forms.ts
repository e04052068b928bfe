import { can } from '~/policy/permissions'
import {
  taskPriorities,
  taskStatuses,
  type OrganisationKind,
  type OrganisationStatus,
  type Role,
  type TaskPriority,
  type TaskStatus,
  type TlpLabel,
} from '~/domain/vocabulary'

/**
 * Task lists, queues, the creation form and templates: the vocabulary shared by the server and the UI
 * (no server code here).
 */

export const TASK_PAGE_SIZE = 25
/** How many tasks one bulk action may touch at once. */
export const BULK_LIMIT = 100

/** The lists: the tasks a centre owns, the tasks assigned to the viewer's organisation, and to the viewer personally. */
export const taskViews = ['owned', 'assigned', 'mine'] as const
export type TaskView = (typeof taskViews)[number]

export const taskSorts = ['due', 'priority', 'changed', 'created'] as const
export type TaskSort = (typeof taskSorts)[number]
export type SortDirection = 'asc' | 'desc'
/** Natural direction of each sort: soonest due, most urgent, latest change, newest first. */
export const defaultTaskSortDirection: Record<TaskSort, SortDirection> = { due: 'asc', priority: 'desc', changed: 'desc', created: 'desc' }

export const dueFilters = ['any', 'overdue', 'week'] as const
export type DueFilter = (typeof dueFilters)[number]

/** Priorities from the most to the least urgent (the "descending" priority order). */
export const prioritiesByUrgency: readonly TaskPriority[] = ['urgent', 'high', 'normal', 'low']

export const isTaskStatus = (value: unknown): value is TaskStatus =>
  typeof value === 'string' && (taskStatuses as readonly string[]).includes(value)
export const isTaskPriority = (value: unknown): value is TaskPriority =>
  typeof value === 'string' && (taskPriorities as readonly string[]).includes(value)

/** What the list page's query string holds once read. */
export type TaskListState = {
  view: TaskView
  status: TaskStatus[]
  priority: TaskPriority | ''
  due: DueFilter
  initiative: string
  partner: string
  assignment: string
  q: string
  sort: TaskSort
  dir: SortDirection
}

/** A link to the task list with some of its query changed; the page cursor is dropped unless given. */
export function taskListHref(state: TaskListState, change: Partial<TaskListState> & { after?: string; before?: string } = {}) {
  const next = { ...state, ...change }
  const params = new URLSearchParams()
  params.set('view', next.view)
  for (const status of next.status) params.append('status', status)
  if (next.priority) params.set('priority', next.priority)
  if (next.due !== 'any') params.set('due', next.due)
  if (next.initiative) params.set('initiative', next.initiative)
  if (next.partner) params.set('partner', next.partner)
  if (next.assignment) params.set('assignment', next.assignment)
  if (next.q) params.set('q', next.q)
  if (next.sort !== 'due') params.set('sort', next.sort)
  if (next.dir !== defaultTaskSortDirection[next.sort]) params.set('dir', next.dir)
  if (change.after) params.set('after', change.after)
  if (change.before) params.set('before', change.before)
  return `/tasks?${params.toString()}`
}

/** One row of a task list, as the page shows it. */
export type TaskRow = {
  id: string
  title: string
  status: TaskStatus
  priority: TaskPriority
  tlp: TlpLabel
  dueAt: string
  /** Whole days past the due date of an open task; 0 when not overdue. */
  overdueDays: number
  statusChangedAt: string
  createdAt: string
  /** The other side: the assigned organisation (centre lists) or the owning centre (partner lists). */
  counterpart: { id: string; name: string }
  assigneeName: string | null
  assignedToViewer: boolean
  initiative: { id: string; title: string } | null
  /** Tasks created together for several organisations: this one's place in the group (centre side only). */
  assignment: { id: string; position: number; size: number } | null
  /** Whether the viewer may acknowledge it from the list. */
  acknowledgeable: boolean
  /** Back with the owning centre for review (an indicator it carries was retracted); centre lists only. */
  needsReview: boolean
}

export type BulkRefusal = 'notFound' | 'forbidden' | 'illegalTransition' | 'conflict' | 'reasonRequired' | 'invalidAssignee'
export type BulkOutcome = { id: string; title: string | null; outcome: 'done' } | { id: string; title: string | null; outcome: 'refused'; reason: BulkRefusal; status: TaskStatus | null }

/** The centre's due-date policy is a coordinator's setting (a senior role), UI twin of the server check. */
export function canManageDuePolicy(viewer: { roles: readonly Role[]; organisationKind: OrganisationKind; organisationStatus: OrganisationStatus } | null | undefined) {
  return Boolean(viewer) && can(viewer, 'centre:policy') && viewer?.organisationKind === 'national_centre'
}

/** Labels a task may carry when created from a template (TLP:RED needs people named one by one). */
export const templateTlpLabels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT'] as const satisfies readonly TlpLabel[]

/** Step rows offered beyond the filled ones in the template form. */
export const BLANK_STEP_ROWS = 2
export const MAX_TEMPLATE_STEPS = 20

/** One row of the template form as typed (strings, kept on errors). */
export type StepRow = { title: string; description: string; organisationKind: string; priority: string; dueInDays: string }

export const blankStepRow = (): StepRow => ({ title: '', description: '', organisationKind: '', priority: 'normal', dueInDays: '10' })

/**
 * The template form's non-saving buttons, without JavaScript: "more rows" and moving a step up or
 * down re-render the form with the rows rearranged. Null for any other intent (save).
 */
export function rearrangeRows(rows: StepRow[], intent: string): StepRow[] | null {
  if (intent === 'more') return [...rows, ...Array.from({ length: Math.max(0, Math.min(3, MAX_TEMPLATE_STEPS - rows.length)) }, blankStepRow)]
  const move = /^(up|down):(\d{1,2})$/.exec(intent)
  if (!move) return null
  const index = Number(move[2])
  const other = move[1] === 'up' ? index - 1 : index + 1
  const a = rows[index]
  const b = rows[other]
  if (!a || !b) return rows
  const next = [...rows]
  next[index] = b
  next[other] = a
  return next
}

/** The playbook offered as an example when a centre has none yet (texts under `templates.example`). */
export const exampleTemplateSteps = [
  { key: 'notifyScheme', organisationKind: 'card_scheme', priority: 'high', dueInDays: 2 },
  { key: 'terminate', organisationKind: 'acquirer_processor', priority: 'high', dueInDays: 10 },
  { key: 'confirmMatch', organisationKind: 'card_scheme', priority: 'normal', dueInDays: 15 },
] as const satisfies readonly { key: string; organisationKind: OrganisationKind; priority: TaskPriority; dueInDays: number }[]
