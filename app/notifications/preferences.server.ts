import { z } from 'zod'
import { UserModel } from '../../models/user'
import { recordAudit } from '~/audit/audit.server'
import { notificationEvents, type NotificationEvent } from '~/domain/vocabulary'
import { can, isCentre, type Viewer } from '~/policy/permissions'
import type { RequestMeta } from '~/utils/request.server'

/** What the partner side hears of (see `notifyTask` audiences in notify.server.ts). */
const partnerEvents: readonly NotificationEvent[] = ['assigned', 'verified', 'returned', 'commented', 'due_soon', 'review_due', 'indicator_retracted']
/** What the centre side hears of; coordinators also receive the overdue escalations. */
const centreEvents: readonly NotificationEvent[] = ['acknowledged', 'declined', 'reported', 'commented', 'review_due', 'indicator_retracted']

/** The events this person can receive at all, in the vocabulary's order; the page offers only these. */
export function notificationEventsFor(viewer: Viewer): NotificationEvent[] {
  const events = new Set<NotificationEvent>()
  if (can(viewer, 'task:work')) partnerEvents.forEach((event) => events.add(event))
  if (isCentre(viewer) && can(viewer, 'task:assign')) centreEvents.forEach((event) => events.add(event))
  if (isCentre(viewer) && viewer.roles.includes('coordinator')) events.add('overdue')
  return notificationEvents.filter((event) => events.has(event))
}

export type EmailPreference = { event: NotificationEvent; email: boolean }

async function mutedOf(viewer: Viewer): Promise<NotificationEvent[]> {
  const user = await UserModel.findOne({ _id: viewer.userId, organisationId: viewer.organisationId }).select({ mutedEmailEvents: 1 }).lean()
  const muted = (user?.mutedEmailEvents ?? []) as readonly string[]
  return notificationEvents.filter((event) => muted.includes(event))
}

/** Per event the viewer can receive: whether it also comes by e-mail (in-app is always on). */
export async function getEmailPreferences(viewer: Viewer): Promise<EmailPreference[]> {
  const muted = await mutedOf(viewer)
  return notificationEventsFor(viewer).map((event) => ({ event, email: !muted.includes(event) }))
}

/** The preferences form: the events whose e-mail stays on (unchecked boxes are simply absent). */
export const emailPreferencesInput = z.object({
  email: z
    .union([z.enum(notificationEvents, 'invalid'), z.array(z.enum(notificationEvents, 'invalid')).max(notificationEvents.length)])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
})

/**
 * Saves which events also come by e-mail. Only the events the viewer can receive change; a choice
 * about an event outside their roles (kept from an earlier role) stays as it was.
 */
export async function saveEmailPreferences(viewer: Viewer, emailEvents: readonly NotificationEvent[], meta?: RequestMeta) {
  const offered = notificationEventsFor(viewer)
  const before = await mutedOf(viewer)
  const muted = notificationEvents.filter((event) =>
    offered.includes(event) ? !emailEvents.includes(event) : before.includes(event),
  )
  // updateOne then read: findOneAndUpdate fails on FerretDB for models with select:false fields.
  await UserModel.updateOne({ _id: viewer.userId, organisationId: viewer.organisationId }, { $set: { mutedEmailEvents: muted } })
  const saved = await getEmailPreferences(viewer)
  await recordAudit({
    action: 'account.notification_preferences',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    target: { kind: 'user', id: viewer.userId },
    meta,
    details: { mutedEmailEvents: muted },
  })
  return saved
}
