import type { Types } from 'mongoose'
import { ClaimModel } from '../../models/claim'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel, type Task } from '../../models/task'
import type { TaskStatus } from '~/domain/vocabulary'
import { notifyTask } from '~/notifications/notify.server'
import { claimOnce } from '~/utils/claims.server'

const MINUTE = 60 * 1000
const DAY = 24 * 60 * MINUTE

/** How far ahead a due date triggers the "due soon" reminder. */
export const DUE_SOON_WINDOW_MS = 2 * DAY
/** One scan per slot across all app servers (see `runTaskReminders`). */
export const REMINDER_SLOT_MS = 5 * MINUTE
const BATCH = 200

/**
 * States in which the partner still owes work against the due date: these get the reminder, and past
 * the date they are escalated. Not `reported` (it waits on the centre's verification), not `declined`
 * (the partner refused and the centre already heard of it; the due date binds no one any more), not
 * `draft` (never sent) nor any closed state.
 */
export const remindedStatuses = ['assigned', 'acknowledged', 'in_progress', 'returned'] as const satisfies readonly TaskStatus[]

const ACROSS = 'the reminder job scans every organisation’s due tasks'

type DueTask = Pick<Task, 'ownerCentreId' | 'assigneeOrganisationId' | 'assigneeUserId' | 'tlp' | 'createdBy' | 'title' | 'dueAt'> & {
  _id: Types.ObjectId
  redRecipientIds?: Types.ObjectId[] | null
}

/** The lease key of the slot `now` falls in. */
export function reminderLeaseKey(now: Date) {
  return `job:reminders:${Math.floor(now.getTime() / REMINDER_SLOT_MS)}`
}

/** Open tasks due in `dueAt` range, in batches by (dueAt, _id) so a large backlog never sits in memory. */
async function* dueTasks(dueAt: { $gt?: Date; $lte?: Date; $lt?: Date }) {
  let after: { dueAt: Date; id: Types.ObjectId } | null = null
  for (;;) {
    const page: DueTask[] = await TaskModel.find({
      status: { $in: remindedStatuses },
      dueAt,
      ...(after ? { $or: [{ dueAt: { $gt: after.dueAt } }, { dueAt: after.dueAt, _id: { $gt: after.id } }] } : {}),
    })
      .setOptions({ acrossOrganisations: ACROSS })
      .sort({ dueAt: 1, _id: 1 })
      .limit(BATCH)
      .select({ ownerCentreId: 1, assigneeOrganisationId: 1, assigneeUserId: 1, tlp: 1, createdBy: 1, title: 1, dueAt: 1, redRecipientIds: 1 })
      .lean<DueTask[]>()
    if (page.length === 0) return
    yield page
    const last = page[page.length - 1]
    if (!last || page.length < BATCH) return
    after = { dueAt: last.dueAt, id: last._id }
  }
}

/** Organisations among `ids` that still take part (active or on probation); suspended ones hear nothing. */
async function workingOrganisations(ids: Types.ObjectId[]) {
  const rows = await OrganisationModel.find({ _id: { $in: ids }, status: { $in: ['active', 'probation'] } }).select({ _id: 1 }).lean()
  return new Set(rows.map((row) => String(row._id)))
}

/**
 * Reminds the partner side of open tasks due within two days (`due_soon`) and escalates open tasks past
 * their due date to the owning centre's coordinators (`overdue`). Returns how many people were notified.
 *
 * Exactly once, even with several app servers:
 * - a lease per 5-minute slot (`claimOnce('job:reminders:<slot>')`, a unique insert, atomic on FerretDB
 *   too) lets one runner per slot do the scan; the others return at once. A runner that dies mid-scan
 *   leaves the work to the next slot.
 * - the lease only saves work: correctness comes from `notifyTask`, whose per-person dedupe key
 *   (unique index) makes each notification, and through it each e-mail, happen once. The key carries
 *   the due date, so moving the due date earns a new reminder.
 */
export async function runTaskReminders(now = new Date()): Promise<{ dueSoon: number; overdue: number; leased: boolean }> {
  if (!(await claimOnce(reminderLeaseKey(now)))) return { dueSoon: 0, overdue: 0, leased: false }
  let dueSoon = 0
  let overdue = 0

  for await (const tasks of dueTasks({ $gt: now, $lte: new Date(now.getTime() + DUE_SOON_WINDOW_MS) })) {
    const working = await workingOrganisations([...tasks.map((task) => task.assigneeOrganisationId), ...tasks.map((task) => task.ownerCentreId)])
    for (const task of tasks) {
      if (!working.has(String(task.assigneeOrganisationId)) || !working.has(String(task.ownerCentreId))) continue
      dueSoon += await notifyTask({
        event: 'due_soon',
        task,
        audience: 'partner',
        actor: null,
        dedupeKey: `task:${String(task._id)}:due_soon:${task.dueAt.toISOString()}`,
      })
    }
  }

  for await (const tasks of dueTasks({ $lte: now })) {
    const working = await workingOrganisations(tasks.map((task) => task.ownerCentreId))
    for (const task of tasks) {
      if (!working.has(String(task.ownerCentreId))) continue
      overdue += await notifyTask({
        event: 'overdue',
        task,
        audience: 'coordinators',
        actor: null,
        dedupeKey: `task:${String(task._id)}:overdue:${task.dueAt.toISOString()}`,
      })
    }
  }
  return { dueSoon, overdue, leased: true }
}

/** Drops reminder leases older than a day (one document per 5-minute slot would otherwise pile up). */
export async function sweepReminderLeases(now = new Date()) {
  const result = await ClaimModel.deleteMany({ _id: { $regex: /^job:reminders:/ }, at: { $lt: new Date(now.getTime() - DAY) } })
  return result.deletedCount
}
