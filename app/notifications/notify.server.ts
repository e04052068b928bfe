import { Types } from 'mongoose'
import { NotificationModel } from '../../models/notification'
import type { Task } from '../../models/task'
import { UserModel } from '../../models/user'
import type { NotificationEvent } from '~/domain/vocabulary'
import { sendTemplatedMail, type MailKind } from '~/mail/messages.server'
import { publicUrl } from '~/utils/env.server'

type TaskForNotice = Pick<Task, 'ownerCentreId' | 'assigneeOrganisationId' | 'assigneeUserId' | 'tlp' | 'createdBy' | 'title'> & {
  _id: Types.ObjectId | string
  redRecipientIds?: unknown[] | null
}

/** Who hears of an event: the partner side, the centre side (creator), or the centre's coordinators. */
export type Audience = 'partner' | 'centre' | 'coordinators'

/** The e-mail copy of each event; events without one (an indicator retracted) are in-app only. */
const mailKinds: Partial<Record<NotificationEvent, MailKind>> = {
  assigned: 'taskAssigned',
  acknowledged: 'taskAcknowledged',
  declined: 'taskDeclined',
  reported: 'taskReported',
  verified: 'taskVerified',
  returned: 'taskReturned',
  commented: 'taskCommented',
  due_soon: 'taskDueSoon',
  overdue: 'taskOverdue',
  review_due: 'indicatorReviewDue',
}

async function recipientsOf(task: TaskForNotice, audience: Audience) {
  const red = task.tlp === 'RED'
  const named = (task.redRecipientIds ?? []).map((id) => String(id))
  if (audience === 'partner') {
    const organisationId = task.assigneeOrganisationId
    const only = red ? [...named, ...(task.assigneeUserId ? [String(task.assigneeUserId)] : [])] : task.assigneeUserId ? [String(task.assigneeUserId)] : null
    return UserModel.find({
      organisationId,
      status: 'active',
      roles: { $in: ['member', 'admin'] },
      ...(only ? { _id: { $in: only.map((id) => new Types.ObjectId(id)) } } : {}),
    })
      .select({ email: 1, locale: 1, mutedEmailEvents: 1, organisationId: 1 })
      .lean()
  }
  if (audience === 'centre') {
    const only = [String(task.createdBy), ...(red ? named : [])]
    return UserModel.find({ organisationId: task.ownerCentreId, status: 'active', _id: { $in: only.map((id) => new Types.ObjectId(id)) } })
      .select({ email: 1, locale: 1, mutedEmailEvents: 1, organisationId: 1 })
      .lean()
  }
  const coordinators = await UserModel.find({ organisationId: task.ownerCentreId, status: 'active', roles: 'coordinator' })
    .select({ email: 1, locale: 1, mutedEmailEvents: 1, organisationId: 1 })
    .lean()
  // A TLP:RED task reaches only the coordinators named on it.
  return red ? coordinators.filter((c) => named.includes(String(c._id)) || String(c._id) === String(task.createdBy)) : coordinators
}

/**
 * Tells the people of one side about a task event: an in-app notification each and an e-mail unless
 * they muted that event. The same `dedupeKey` never notifies a person twice, so a job or a retried
 * request can call this again safely. The actor is never notified of their own action.
 */
export async function notifyTask({
  event,
  task,
  audience,
  actor,
  dedupeKey,
}: {
  event: NotificationEvent
  task: TaskForNotice
  audience: Audience
  actor?: { userId?: string; name?: string } | null
  dedupeKey: string
}) {
  const recipients = (await recipientsOf(task, audience)).filter((user) => String(user._id) !== actor?.userId)
  let notified = 0
  for (const user of recipients) {
    const key = `${dedupeKey}:${String(user._id)}`
    try {
      await NotificationModel.create({
        organisationId: user.organisationId,
        userId: user._id,
        event,
        taskId: task._id,
        title: task.title,
        actorName: actor?.name,
        dedupeKey: key,
        createdAt: new Date(),
      })
      notified++
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
      // Already notified, perhaps by a run that died before queueing the e-mail: queue it now.
      // The outbox's own key (`mail:<key>`) makes this a no-op when the e-mail is already there.
    }
    const kind = mailKinds[event]
    if (!kind || (user.mutedEmailEvents ?? []).includes(event)) continue
    await sendTemplatedMail({
      to: user.email,
      kind,
      locale: user.locale,
      dedupeKey: `mail:${key}`,
      params: { title: task.title, link: `${publicUrl()}/tasks/${String(task._id)}`, actor: actor?.name ?? '' },
    })
  }
  return notified
}

/**
 * Tells people that a source retracted an indicator they received: an in-app notification each (no
 * e-mail template yet), pointing at an open task of theirs that carries it when there is one. The
 * caller has already checked that each person could see the retracted submission. Idempotent per
 * `dedupeKey`; the actor is never notified.
 */
export async function notifyIndicatorRetracted({
  recipients,
  title,
  actor,
  dedupeKey,
}: {
  recipients: { userId: string; organisationId: string; taskId?: string | null; taskTitle?: string | null }[]
  title: string
  actor?: { userId?: string; name?: string } | null
  dedupeKey: string
}) {
  let notified = 0
  for (const recipient of recipients) {
    if (recipient.userId === actor?.userId) continue
    try {
      await NotificationModel.create({
        organisationId: new Types.ObjectId(recipient.organisationId),
        userId: new Types.ObjectId(recipient.userId),
        event: 'indicator_retracted',
        ...(recipient.taskId ? { taskId: new Types.ObjectId(recipient.taskId) } : {}),
        title: (recipient.taskTitle ?? title).slice(0, 200),
        actorName: actor?.name,
        dedupeKey: `${dedupeKey}:${recipient.userId}`,
        createdAt: new Date(),
      })
    } catch (error) {
      if ((error as { code?: number }).code === 11000) continue
      throw error
    }
    notified++
  }
  return notified
}
