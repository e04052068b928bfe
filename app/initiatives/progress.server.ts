import type { Types } from 'mongoose'
import { ActionReportModel } from '../../models/action-report'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel } from '../../models/task'
import type { ActionType, TaskStatus } from '~/domain/vocabulary'

/**
 * Every figure about an initiative's progress is computed here, once, and shown unchanged by the page,
 * the CSV, the PDF and the API. The rules, stated next to the numbers wherever they appear:
 *
 * - completion = (verified + closed + not applicable) / all tasks except cancelled ones; with
 *   `excludeNotApplicable`, not-applicable tasks still count in the denominator but not in the numerator;
 * - each KPI = sum of the quantities of its action type in verified reports / its target;
 * - a task is overdue when it waits on the partner (assigned, acknowledged, in progress, returned)
 *   past its due date; days overdue are whole days, at least 1;
 * - suggested health compares completion with the share of the planned time already elapsed.
 */

const DAY = 24 * 60 * 60 * 1000
const HOUR = 60 * 60 * 1000

export const DONE_STATUSES: readonly TaskStatus[] = ['verified', 'closed', 'not_applicable']
export const PARTNER_OPEN_STATUSES: readonly TaskStatus[] = ['assigned', 'acknowledged', 'in_progress', 'returned']

export type Health = 'on_track' | 'at_risk' | 'off_track'

export type ProgressTask = {
  _id: Types.ObjectId
  title: string
  status: TaskStatus
  assigneeOrganisationId: Types.ObjectId
  dueAt: Date
  assignedAt?: Date | null
  acknowledgedAt?: Date | null
  verifiedAt?: Date | null
  closedAt?: Date | null
  statusChangedAt: Date
}

export type ProgressAction = { type: ActionType; quantity: number; actionDate: Date; assigneeOrganisationId: Types.ObjectId }

export type InitiativeForProgress = {
  _id: Types.ObjectId
  objectives: { actionType: ActionType; target: number }[]
  startAt?: Date | null
  targetAt?: Date | null
  excludeNotApplicable?: boolean | null
  createdAt?: Date | null
}

export function completionOf(tasks: Pick<ProgressTask, 'status'>[], excludeNotApplicable: boolean) {
  const counted = tasks.filter((task) => task.status !== 'cancelled')
  const done = counted.filter((task) =>
    excludeNotApplicable ? task.status === 'verified' || task.status === 'closed' : DONE_STATUSES.includes(task.status),
  ).length
  const notApplicable = counted.filter((task) => task.status === 'not_applicable').length
  return {
    done,
    total: counted.length,
    notApplicable,
    percent: counted.length === 0 ? 0 : Math.round((done / counted.length) * 1000) / 10,
    rule: excludeNotApplicable ? ('excludeNotApplicable' as const) : ('includeNotApplicable' as const),
  }
}

export function kpisOf(objectives: InitiativeForProgress['objectives'], actions: Pick<ProgressAction, 'type' | 'quantity'>[]) {
  return objectives.map((objective) => {
    const achieved = actions.filter((action) => action.type === objective.actionType).reduce((sum, action) => sum + action.quantity, 0)
    return {
      actionType: objective.actionType,
      target: objective.target,
      achieved,
      percent: Math.round((achieved / objective.target) * 1000) / 10,
    }
  })
}

export const isOverdue = (task: Pick<ProgressTask, 'status' | 'dueAt'>, now: Date) =>
  PARTNER_OPEN_STATUSES.includes(task.status) && task.dueAt.getTime() < now.getTime()

export const daysOverdue = (dueAt: Date, now: Date) => Math.max(1, Math.floor((now.getTime() - dueAt.getTime()) / DAY))

function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const value = sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
  return Math.round(value * 10) / 10
}

export function suggestedHealth(initiative: InitiativeForProgress, completionPercent: number, now: Date): Health {
  const start = (initiative.startAt ?? initiative.createdAt)?.getTime()
  const end = initiative.targetAt?.getTime()
  if (!start || !end || end <= start) return completionPercent > 0 ? 'on_track' : 'at_risk'
  const elapsed = Math.min(1, Math.max(0, (now.getTime() - start) / (end - start))) * 100
  if (completionPercent >= elapsed - 10) return 'on_track'
  if (completionPercent >= elapsed - 25) return 'at_risk'
  return 'off_track'
}

const mondayOf = (date: Date) => {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7))
  return day.toISOString().slice(0, 10)
}

/** When a task counted as done: verification, closing, or the not-applicable decision. */
const doneAt = (task: ProgressTask) => (task.status === 'not_applicable' ? task.statusChangedAt : (task.verifiedAt ?? task.closedAt ?? task.statusChangedAt))

/** Reads an initiative's tasks and verified actions. Spans organisations: the caller checked access. */
export async function loadProgressData(initiativeIds: Types.ObjectId[]) {
  const why = 'initiative progress spans the organisations taking part'
  const [tasks, reports] = await Promise.all([
    TaskModel.find({ initiativeId: { $in: initiativeIds } })
      .select({ title: 1, status: 1, assigneeOrganisationId: 1, dueAt: 1, assignedAt: 1, acknowledgedAt: 1, verifiedAt: 1, closedAt: 1, statusChangedAt: 1, initiativeId: 1 })
      .setOptions({ acrossOrganisations: why })
      .lean(),
    ActionReportModel.find({ initiativeId: { $in: initiativeIds }, verification: 'verified', status: 'current' })
      .select({ actions: 1, assigneeOrganisationId: 1, initiativeId: 1 })
      .setOptions({ acrossOrganisations: why })
      .lean(),
  ])
  return { tasks, reports }
}

/** The full progress of one initiative, as every view of it shows it. */
export async function initiativeProgress(initiative: InitiativeForProgress, now = new Date()) {
  const { tasks: rawTasks, reports } = await loadProgressData([initiative._id])
  const tasks = rawTasks as unknown as ProgressTask[]
  const actions: ProgressAction[] = reports.flatMap((report) =>
    report.actions.map((action) => ({
      type: action.type as ActionType,
      quantity: action.quantity,
      actionDate: action.actionDate,
      assigneeOrganisationId: report.assigneeOrganisationId,
    })),
  )
  const completion = completionOf(tasks, Boolean(initiative.excludeNotApplicable))
  const organisationIds = [...new Set(tasks.map((task) => String(task.assigneeOrganisationId)))]
  const organisations = await OrganisationModel.find({ _id: { $in: organisationIds } })
    .select({ legalName: 1, kind: 1, country: 1, contact: 1 })
    .lean()
  const byId = new Map(organisations.map((o) => [String(o._id), o]))

  const partners = organisationIds
    .map((id) => {
      const own = tasks.filter((task) => String(task.assigneeOrganisationId) === id && task.status !== 'cancelled')
      const assigned = own.filter((task) => task.status !== 'draft')
      return {
        organisationId: id,
        name: byId.get(id)?.legalName ?? '',
        kind: byId.get(id)?.kind ?? 'other',
        assigned: assigned.length,
        acknowledged: assigned.filter((task) => task.acknowledgedAt).length,
        done: assigned.filter((task) => DONE_STATUSES.includes(task.status)).length,
        overdue: assigned.filter((task) => isOverdue(task, now)).length,
        medianHoursToAcknowledge: median(
          assigned.filter((t) => t.acknowledgedAt && t.assignedAt).map((t) => ((t.acknowledgedAt as Date).getTime() - (t.assignedAt as Date).getTime()) / HOUR),
        ),
        medianHoursToVerified: median(
          assigned.filter((t) => t.verifiedAt && t.assignedAt).map((t) => ((t.verifiedAt as Date).getTime() - (t.assignedAt as Date).getTime()) / HOUR),
        ),
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))

  const overdue = tasks
    .filter((task) => isOverdue(task, now))
    .map((task) => {
      const organisation = byId.get(String(task.assigneeOrganisationId))
      return {
        taskId: String(task._id),
        title: task.title,
        organisationId: String(task.assigneeOrganisationId),
        organisationName: organisation?.legalName ?? '',
        dueAt: task.dueAt.toISOString(),
        daysOverdue: daysOverdue(task.dueAt, now),
        contact: { name: organisation?.contact?.name ?? '', email: organisation?.contact?.email ?? '', phone: organisation?.contact?.phone ?? '' },
      }
    })
    .sort((a, b) => b.daysOverdue - a.daysOverdue || a.organisationName.localeCompare(b.organisationName))

  const weekly = new Map<string, Map<ActionType, number>>()
  for (const action of actions) {
    const week = mondayOf(action.actionDate)
    const row = weekly.get(week) ?? new Map<ActionType, number>()
    row.set(action.type, (row.get(action.type) ?? 0) + action.quantity)
    weekly.set(week, row)
  }
  const actionsPerWeek = [...weekly.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([week, row]) => ({ week, byType: Object.fromEntries(row) as Partial<Record<ActionType, number>> }))

  const doneDates = tasks
    .filter((task) => DONE_STATUSES.includes(task.status) && (!initiative.excludeNotApplicable || task.status !== 'not_applicable'))
    .map((task) => doneAt(task).getTime())
    .sort((a, b) => a - b)
  const burnup = doneDates.map((time, index) => ({ date: new Date(time).toISOString().slice(0, 10), completed: index + 1 }))

  return {
    completion,
    kpis: kpisOf(initiative.objectives, actions),
    partners,
    overdue,
    suggestedHealth: suggestedHealth(initiative, completion.percent, now),
    actionsPerWeek,
    burnup: { points: burnup, total: completion.total, startAt: (initiative.startAt ?? initiative.createdAt)?.toISOString() ?? null, targetAt: initiative.targetAt?.toISOString() ?? null },
    computedAt: now.toISOString(),
  }
}

export type InitiativeProgress = Awaited<ReturnType<typeof initiativeProgress>>

/** Completion, KPI attainment and overdue counts of many initiatives at once, for the overview. */
export async function overviewFigures(initiatives: InitiativeForProgress[], now = new Date()) {
  const { tasks, reports } = await loadProgressData(initiatives.map((i) => i._id))
  return new Map(
    initiatives.map((initiative) => {
      const own = tasks.filter((task) => String(task.initiativeId) === String(initiative._id)) as unknown as ProgressTask[]
      const actions = reports
        .filter((report) => String(report.initiativeId) === String(initiative._id))
        .flatMap((report) => report.actions.map((a) => ({ type: a.type as ActionType, quantity: a.quantity })))
      const completion = completionOf(own, Boolean(initiative.excludeNotApplicable))
      const kpis = kpisOf(initiative.objectives, actions)
      return [
        String(initiative._id),
        {
          completion,
          kpis,
          kpiAttainment: kpis.length === 0 ? null : Math.round((kpis.reduce((sum, k) => sum + Math.min(100, k.percent), 0) / kpis.length) * 10) / 10,
          overdue: own.filter((task) => isOverdue(task, now)).length,
          suggestedHealth: suggestedHealth(initiative, completion.percent, now),
        },
      ] as const
    }),
  )
}
