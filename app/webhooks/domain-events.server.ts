import { InitiativeModel } from '../../models/initiative'
import { TaskModel } from '../../models/task'
import { emitWebhookEvent, hasWebhookSubscribers } from './emit.server'
import type { NotificationEvent, WebhookEvent } from '~/domain/vocabulary'
import { publicUrl } from '~/utils/env.server'

/** Task notifications of the partner side that partners' systems hear of too. */
const taskEvents: Partial<Record<NotificationEvent, WebhookEvent>> = {
  assigned: 'task.assigned',
  returned: 'task.returned',
  due_soon: 'task.due_soon',
}

/**
 * The webhook twin of a task notification to the assigned organisation. The task is read again, as it
 * stands after the change; a TLP:RED task travels as its id and label only (its people read it in the
 * portal). Idempotent with the notification's own key.
 */
export async function emitTaskWebhook({ event, taskId, assigneeOrganisationId, dedupeKey }: { event: NotificationEvent; taskId: string; assigneeOrganisationId: string; dedupeKey: string }) {
  const webhookEvent = taskEvents[event]
  if (!webhookEvent || !(await hasWebhookSubscribers(assigneeOrganisationId, webhookEvent))) return 0
  const task = await TaskModel.findOne({ _id: taskId, assigneeOrganisationId })
    .select({ title: 1, status: 1, priority: 1, dueAt: 1, tlp: 1, initiativeId: 1, assigneeOrganisationId: 1 })
    .lean()
  if (!task) return 0
  const id = String(task._id)
  const url = `${publicUrl()}/tasks/${id}`
  const data =
    task.tlp === 'RED'
      ? { task: { id, tlp: task.tlp, url } }
      : {
          task: {
            id,
            title: task.title,
            status: task.status,
            priority: task.priority,
            dueAt: task.dueAt.toISOString(),
            tlp: task.tlp,
            initiativeId: task.initiativeId ? String(task.initiativeId) : null,
            url,
          },
        }
  return emitWebhookEvent({ event: webhookEvent, organisationId: String(task.assigneeOrganisationId), data, dedupeKey: `webhook:${dedupeKey}` })
}

/**
 * Tells each organisation taking part in an initiative (accepted its invitation) that the lead changed
 * it. A TLP:RED initiative is seen by its lead only, so it tells no one. One event per version.
 */
export async function emitInitiativeUpdated(initiativeId: string) {
  const initiative = await InitiativeModel.findById(initiativeId).select({ title: 1, status: 1, tlp: 1, participantIds: 1, __v: 1 }).lean()
  if (!initiative || initiative.tlp === 'RED') return 0
  // participantIds holds the organisations that accepted their invitation.
  const participants = initiative.participantIds.map(String)
  const id = String(initiative._id)
  const data = { initiative: { id, name: initiative.title, status: initiative.status, url: `${publicUrl()}/initiatives/${id}` } }
  let queued = 0
  for (const organisationId of new Set(participants)) {
    queued += await emitWebhookEvent({ event: 'initiative.updated', organisationId, data, dedupeKey: `webhook:initiative:${id}:updated:${initiative.__v ?? 0}` })
  }
  return queued
}
