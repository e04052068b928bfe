import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { canManageDuePolicy } from './forms'
import { TaskError } from './tasks.server'
import { recordAudit } from '~/audit/audit.server'
import { defaultDuePolicy, taskPriorities, type TaskPriority } from '~/domain/vocabulary'
import type { Viewer } from '~/policy/permissions'
import type { RequestMeta } from '~/utils/request.server'

export type DuePolicy = Record<TaskPriority, number>

const days = z.coerce.number({ error: 'invalid' }).int('invalid').min(0, 'tasks:errors.daysRange').max(365, 'tasks:errors.daysRange')

/** The due-date policy form: whole days from creation to the due date, per priority. */
export const duePolicyInput = z.object({ urgent: days, high: days, normal: days, low: days })

/** A centre's days to the due date per priority, its own settings over the portal's defaults. */
export async function duePolicyOf(centreId: string): Promise<DuePolicy> {
  const centre = await OrganisationModel.findById(centreId).select({ duePolicy: 1 }).lean()
  const policy = { ...defaultDuePolicy }
  for (const priority of taskPriorities) {
    const value = centre?.duePolicy?.[priority]
    if (typeof value === 'number') policy[priority] = value
  }
  return policy
}

/**
 * A coordinator changes their centre's due-date policy. Tasks already created keep their dates; only
 * new tasks without a chosen date follow the new numbers. One admin edit at a time, so a plain `$set`.
 */
export async function saveDuePolicy(viewer: Viewer, raw: z.input<typeof duePolicyInput>, meta?: RequestMeta) {
  if (!canManageDuePolicy(viewer)) throw new TaskError('forbidden')
  const policy = duePolicyInput.parse(raw)
  const before = await duePolicyOf(viewer.organisationId)
  await OrganisationModel.updateOne({ _id: viewer.organisationId, kind: 'national_centre' }, { $set: { duePolicy: policy } })
  await recordAudit({
    action: 'centre.due_policy_changed',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    target: { kind: 'organisation', id: viewer.organisationId },
    meta,
    details: { before, after: policy },
  })
  return policy
}
