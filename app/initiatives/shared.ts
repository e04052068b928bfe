import { actionTypes, tlpLabels, type ActionType, type TlpLabel } from '~/domain/vocabulary'

/**
 * Initiative pages: the vocabulary shared by the server and the UI (no server code here, so route
 * components may import values from it; the `*.server.ts` modules are emptied in the browser bundle).
 */

/** The same lists as the model's (initiatives.server.ts checks that they agree). */
export const initiativeStatusList = ['planned', 'active', 'paused', 'completed', 'archived'] as const
export type InitiativeStatus = (typeof initiativeStatusList)[number]
export const initiativeHealthList = ['on_track', 'at_risk', 'off_track'] as const
export type InitiativeHealth = (typeof initiativeHealthList)[number]

export const isInitiativeStatus = (value: unknown): value is InitiativeStatus =>
  typeof value === 'string' && (initiativeStatusList as readonly string[]).includes(value)
export const isInitiativeHealth = (value: unknown): value is InitiativeHealth =>
  typeof value === 'string' && (initiativeHealthList as readonly string[]).includes(value)

/** How the viewer relates to an initiative they may open. */
export type InitiativeSide = 'lead' | 'participant' | 'observer' | 'invited'

/** The completion rule a number uses (as the progress module names it). */
export type CompletionRule = 'includeNotApplicable' | 'excludeNotApplicable'

/** Form limits: rows offered without JavaScript, and the most the model keeps. */
export const MAX_OBJECTIVES = 20
export const MAX_MILESTONES = 50
export const BLANK_ROWS = 3

/** One objective row as typed (strings, kept on errors). */
export type ObjectiveRow = { actionType: string; target: string }
/** One milestone row as typed; `id` keeps an existing milestone (and its done date) when editing. */
export type MilestoneRow = { id: string; title: string; dueDate: string }

export const blankObjectiveRow = (): ObjectiveRow => ({ actionType: '', target: '' })
export const blankMilestoneRow = (): MilestoneRow => ({ id: '', title: '', dueDate: '' })

/** What the initiative form shows: typed values, kept as typed when the server refuses them. */
export type InitiativeFormValues = {
  title: string
  purpose: string
  status: string
  startDate: string
  targetDate: string
  tlp: string
  excludeNotApplicable: boolean
  tlpReason: string
  objectives: ObjectiveRow[]
  milestones: MilestoneRow[]
}

export const emptyInitiativeForm = (): InitiativeFormValues => ({
  title: '',
  purpose: '',
  status: 'planned',
  startDate: '',
  targetDate: '',
  tlp: 'AMBER',
  excludeNotApplicable: false,
  tlpReason: '',
  objectives: Array.from({ length: BLANK_ROWS }, blankObjectiveRow),
  milestones: Array.from({ length: BLANK_ROWS }, blankMilestoneRow),
})

/** From the least to the most restrictive: a label moving left is lowered and needs a reason. */
export const tlpRank = (label: TlpLabel) => tlpLabels.indexOf(label)

/** A fixed colour per action type, for charts and their legends (readable on white, distinct in order). */
const palette = [
  '#1d4ed8',
  '#b45309',
  '#047857',
  '#be123c',
  '#6d28d9',
  '#0e7490',
  '#a16207',
  '#4d7c0f',
  '#c2410c',
  '#7c3aed',
  '#0f766e',
  '#9f1239',
  '#334155',
  '#15803d',
  '#64748b',
]
export const actionTypeColour = (type: ActionType) => palette[actionTypes.indexOf(type) % palette.length] ?? '#334155'

// ---------------------------------------------------------------------------------------------
// The list and the coordinator overview.

export const overviewSorts = ['title', 'centre', 'country', 'status', 'completion', 'kpi', 'overdue', 'health', 'target'] as const
export type OverviewSort = (typeof overviewSorts)[number]
export type SortDirection = 'asc' | 'desc'
/** Natural direction of each column: names A–Z, the weakest progress and the most overdue first. */
export const defaultOverviewDirection: Record<OverviewSort, SortDirection> = {
  title: 'asc',
  centre: 'asc',
  country: 'asc',
  status: 'asc',
  completion: 'asc',
  kpi: 'asc',
  overdue: 'desc',
  health: 'desc',
  target: 'asc',
}

/** What the list page's query string holds once read. */
export type OverviewState = {
  centre: string
  country: string
  status: InitiativeStatus | ''
  health: InitiativeHealth | ''
  sort: OverviewSort
  dir: SortDirection
}

export const defaultOverviewState: OverviewState = { centre: '', country: '', status: '', health: '', sort: 'title', dir: 'asc' }

/** A link to the list with some of its query changed. */
export function overviewHref(state: OverviewState, change: Partial<OverviewState> = {}) {
  const next = { ...state, ...change }
  const params = new URLSearchParams()
  if (next.centre) params.set('centre', next.centre)
  if (next.country) params.set('country', next.country)
  if (next.status) params.set('status', next.status)
  if (next.health) params.set('health', next.health)
  if (next.sort !== 'title') params.set('sort', next.sort)
  if (next.dir !== defaultOverviewDirection[next.sort]) params.set('dir', next.dir)
  const query = params.toString()
  return query ? `/initiatives?${query}` : '/initiatives'
}

/** One initiative in the list, with the progress module's figures unchanged. */
export type OverviewRow = {
  id: string
  title: string
  status: InitiativeStatus
  tlp: TlpLabel
  side: Exclude<InitiativeSide, 'invited'>
  leadCentre: { id: string; name: string; country: string; countryName: string }
  targetAt: string | null
  completion: { done: number; total: number; percent: number; rule: CompletionRule }
  kpiAttainment: number | null
  overdue: number
  health: InitiativeHealth
  /** True when no status update set the health yet: it is the suggestion from elapsed time vs progress. */
  healthSuggested: boolean
}

/** An invitation waiting for the viewer's organisation. */
export type PendingInvitation = { initiativeId: string; title: string; purpose: string; leadCentreName: string; invitedAt: string }

const healthOrder: Record<InitiativeHealth, number> = { on_track: 0, at_risk: 1, off_track: 2 }
const statusOrder: Record<InitiativeStatus, number> = { planned: 0, active: 1, paused: 2, completed: 3, archived: 4 }

/** Filters then sorts the rows in memory (an overview holds at most a few hundred initiatives). */
export function filterAndSortOverview(rows: OverviewRow[], state: OverviewState, locale: string) {
  const collator = new Intl.Collator(locale)
  const kept = rows.filter(
    (row) =>
      (!state.centre || row.leadCentre.id === state.centre) &&
      (!state.country || row.leadCentre.country === state.country) &&
      (!state.status || row.status === state.status) &&
      (!state.health || row.health === state.health),
  )
  const key = (row: OverviewRow): number | string => {
    switch (state.sort) {
      case 'title':
        return row.title
      case 'centre':
        return row.leadCentre.name
      case 'country':
        return row.leadCentre.countryName
      case 'status':
        return statusOrder[row.status]
      case 'completion':
        return row.completion.percent
      case 'kpi':
        return row.kpiAttainment ?? -1
      case 'overdue':
        return row.overdue
      case 'health':
        return healthOrder[row.health]
      case 'target':
        return row.targetAt ?? '9999'
    }
  }
  const sign = state.dir === 'asc' ? 1 : -1
  return [...kept].sort((a, b) => {
    const x = key(a)
    const y = key(b)
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))
    return order * sign || collator.compare(a.title, b.title) || a.id.localeCompare(b.id)
  })
}
