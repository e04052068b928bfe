import { Types } from 'mongoose'
import { NotificationModel } from '../../models/notification'
import type { Task } from '../../models/task'
import { UserModel } from '../../models/user'
import type { NotificationEvent } from '~/domain/vocabulary'
import { sendTemplatedMail, type MailKind } from '~/mail/messages.server'
import { publicUrl } from '~/utils/env.server'
import { forgetUnreadCount } from './unread-cache.server'
import { emitTaskWebhook } from '~/webhooks/domain-events.server'

type TaskForNotice = Pick<Task, 'ownerCentreId' | 'assigneeOrganisationId' | 'assigneeUserId' | 'tlp' | 'createdBy' | 'title'> & {
  _id: Types.ObjectId | string
  redRecipientIds?: unknown[] | null
}

/** Who hears of an event: the partner side, the centre side (creator), or the centre's coordinators. */
export type Audience = 'partner' | 'centre' | 'coordinators'

/** The e-mail copy of each task event (an indicator retracted has its own, see `notifyIndicatorRetracted`). */
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
      forgetUnreadCount(String(user._id))
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
  // The organisation's own systems hear of it too (webhooks), whoever of its people was notified.
  if (audience === 'partner') {
    await emitTaskWebhook({ event, taskId: String(task._id), assigneeOrganisationId: String(task.assigneeOrganisationId), dedupeKey })
  }
  return notified
}

/**
 * Tells people that a source retracted an indicator they received: an in-app notification each, one per
 * open task of theirs that carries it, or one without a task (then it points at the indicator), and an
 * e-mail copy unless they muted `indicator_retracted`. The e-mail never carries the indicator's value
 * (it leaves the portal): only the task's title, or that it is an indicator they recorded, and a link.
 * The caller has already checked that each person could see the retracted submission (and the task).
 * Idempotent per `dedupeKey` (in-app and e-mail alike); the actor is never notified.
 */
export async function notifyIndicatorRetracted({
  recipients,
  indicatorId,
  title,
  actor,
  dedupeKey,
}: {
  recipients: { userId: string; organisationId: string; taskId?: string | null; taskTitle?: string | null }[]
  indicatorId?: string | null
  title: string
  actor?: { userId?: string; name?: string } | null
  dedupeKey: string
}) {
  const wanted = recipients.filter((recipient) => recipient.userId !== actor?.userId)
  if (wanted.length === 0) return 0
  const people = await UserModel.find({
    _id: { $in: [...new Set(wanted.map((recipient) => recipient.userId))].map((id) => new Types.ObjectId(id)) },
    organisationId: { $in: [...new Set(wanted.map((recipient) => recipient.organisationId))].map((id) => new Types.ObjectId(id)) },
    status: 'active',
  })
    .select({ email: 1, locale: 1, mutedEmailEvents: 1, organisationId: 1 })
    .lean()
  const byId = new Map(people.map((person) => [String(person._id), person]))
  let notified = 0
  for (const recipient of wanted) {
    // One notice per person and task: a centre owning two open tasks that carry it hears of both.
    const key = `${dedupeKey}:${recipient.userId}${recipient.taskId ? `:${recipient.taskId}` : ''}`
    try {
      await NotificationModel.create({
        organisationId: new Types.ObjectId(recipient.organisationId),
        userId: new Types.ObjectId(recipient.userId),
        event: 'indicator_retracted',
        ...(recipient.taskId ? { taskId: new Types.ObjectId(recipient.taskId) } : {}),
        ...(indicatorId ? { indicatorId } : {}),
        title: (recipient.taskTitle ?? title).slice(0, 200),
        actorName: actor?.name,
        dedupeKey: key,
        createdAt: new Date(),
      })
      forgetUnreadCount(recipient.userId)
      notified++
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
      // Already notified, perhaps by a run that died before queueing the e-mail: queue it now.
      // The outbox's own key (`mail:<key>`) makes this a no-op when the e-mail is already there.
    }
    const person = byId.get(recipient.userId)
    if (!person || String(person.organisationId) !== recipient.organisationId) continue
    if ((person.mutedEmailEvents ?? []).includes('indicator_retracted')) continue
    const link = recipient.taskId ? `/tasks/${recipient.taskId}` : indicatorId ? `/indicators/${indicatorId}` : null
    if (!link) continue
    await sendTemplatedMail({
      to: person.email,
      kind: 'indicatorRetracted',
      locale: person.locale,
      dedupeKey: `mail:${key}`,
      params: {
        // The task's title when there is a task; never the indicator's value.
        ...(recipient.taskId ? { context: 'task', title: recipient.taskTitle ?? '' } : { title: '' }),
        link: `${publicUrl()}${link}`,
        actor: actor?.name ?? '',
      },
    })
  }
  return notified
}
