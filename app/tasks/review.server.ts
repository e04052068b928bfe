import { Types } from 'mongoose'
import { z } from 'zod'
import { TaskModel } from '../../models/task'
import { isOpenStatus } from './lifecycle'
import { loadTask, TaskError } from './tasks.server'
import { recordAudit } from '~/audit/audit.server'
import type { TaskStatus } from '~/domain/vocabulary'
import { can, type Viewer } from '~/policy/permissions'
import { claimOnce } from '~/utils/claims.server'
import type { RequestMeta } from '~/utils/request.server'
import { safeText } from '~/utils/text-schemas'

/**
 * "Back to the centre for review": a flag on an open task, beside its lifecycle state. When the source
 * of an indicator the task carries retracts it, the task's state is left as it is (the partner's work
 * is not undone) and the owning centre is asked to look at the task again; the centre clears the flag
 * once it has (audited). Both steps appear on the task's timeline, for the centre only.
 */

export const reviewReasons = ['indicator_retracted'] as const
export type ReviewReason = (typeof reviewReasons)[number]

/** Timeline steps that record a review, not a change of state. */
export const reviewTimelineSteps = ['indicator_retracted', 'review_cleared'] as const
export const isReviewStep = (transition: string) => (reviewTimelineSteps as readonly string[]).includes(transition)

/** What the task page and the centre's queue show of the flag. */
export type TaskReview = { reason: ReviewReason; at: string }

const ATTEMPTS = 5
const ACROSS = 'a retraction reaches every open task carrying the indicator, whichever centre owns it'

type StoredReview = { reason?: string | null; indicatorId?: string | null; at?: Date | null }
type VersionedTask = { _id: Types.ObjectId; ownerCentreId: Types.ObjectId; status: string; __v?: number; needsReview?: StoredReview | null }

/**
 * Runs one change of a task under its version claim, as the lifecycle's transitions do (FerretDB does
 * not make two updates of one document atomic). A claim someone else holds means a change is under
 * way: read the task again and retry a few times.
 */
async function changeTask(taskId: Types.ObjectId, change: (task: VersionedTask) => Record<string, unknown> | null) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const task = await TaskModel.findOne({ _id: taskId })
      .setOptions({ acrossOrganisations: ACROSS })
      .select({ ownerCentreId: 1, status: 1, __v: 1, needsReview: 1 })
      .lean<VersionedTask>()
    if (!task) return null
    const update = change(task)
    if (!update) return null
    if (await claimOnce(`task:${String(taskId)}@${task.__v ?? 0}`)) {
      await TaskModel.updateOne({ _id: task._id, ownerCentreId: task.ownerCentreId }, { ...update, $inc: { __v: 1 } })
      return task
    }
    await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)))
  }
  return null
}

/**
 * Sends open tasks back to their owning centres for review because an indicator they carry was
 * retracted. Closed tasks are left alone; the status of every task is unchanged. Returns the ids of
 * the tasks flagged. The timeline step names no one: the source may be hidden from the task's readers.
 */
export async function returnTasksForReview({ taskIds, indicatorId, at }: { taskIds: string[]; indicatorId: string; at: Date }) {
  const flagged: string[] = []
  for (const taskId of [...new Set(taskIds)]) {
    const changed = await changeTask(new Types.ObjectId(taskId), (task) =>
      isOpenStatus(task.status as TaskStatus)
        ? {
            $set: { needsReview: { reason: 'indicator_retracted', indicatorId, at } },
            $push: { timeline: { at, from: task.status, to: task.status, transition: 'indicator_retracted' } },
          }
        : null,
    )
    if (!changed) continue
    flagged.push(taskId)
    await recordAudit({
      action: 'task.review_requested',
      actor: { label: 'indicator retraction' },
      target: { kind: 'task', id: taskId },
      details: { reason: 'indicator_retracted', indicatorId },
    })
  }
  return flagged
}

/** Who may clear the flag: the owning centre's people who assign and verify tasks (UI twin of the server check). */
export function canClearReview(viewer: Viewer) {
  return can(viewer, 'task:assign') || can(viewer, 'task:verify')
}

export const clearReviewInput = z.object({
  note: safeText(2000)
    .transform((text) => text.trim())
    .optional(),
})

/**
 * The owning centre has looked at the task again: the flag goes, a timeline step and an audit event
 * say who cleared it and with what note. A flag already cleared answers `conflict`.
 */
export async function clearTaskReview(viewer: Viewer, taskId: string, raw: z.input<typeof clearReviewInput>, meta?: RequestMeta, now = new Date()) {
  const { task, side } = await loadTask(viewer, taskId)
  if (side !== 'centre' || !canClearReview(viewer)) throw new TaskError('forbidden')
  const { note } = clearReviewInput.parse(raw)
  const found: { review: StoredReview | null } = { review: null }
  const changed = await changeTask(task._id, (current) => {
    const review = current.needsReview
    if (!review) return null
    found.review = review
    return {
      $unset: { needsReview: 1 },
      $push: {
        timeline: {
          at: now,
          actorUserId: viewer.userId,
          actorOrganisationId: viewer.organisationId,
          actorName: viewer.name,
          from: current.status,
          to: current.status,
          transition: 'review_cleared',
          reason: note || undefined,
        },
      },
    }
  })
  if (!changed || !found.review) throw new TaskError('conflict', task.status as TaskStatus)
  const { reason, indicatorId } = found.review
  await recordAudit({
    action: 'task.review_cleared',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    target: { kind: 'task', id: taskId },
    meta,
    details: { reason, indicatorId, ...(note ? { note: note.slice(0, 200) } : {}) },
  })
}

/** The flag as the viewer may see it: the owning centre only. */
export function reviewOf(task: { needsReview?: { reason?: string | null; at?: Date | null } | null }, side: string): TaskReview | null {
  const review = task.needsReview
  if (side !== 'centre' || !review?.at || review.reason !== 'indicator_retracted') return null
  return { reason: review.reason, at: review.at.toISOString() }
}
