import { Types } from 'mongoose'
import { z } from 'zod'
import { NotificationModel } from '../../models/notification'
import { TaskModel, type Task } from '../../models/task'
import { notificationEvents, type NotificationEvent } from '~/domain/vocabulary'
import { IndicatorError, loadIndicatorFor } from '~/indicators/indicators.server'
import { initiativesOf, taskSideFor } from '~/policy/access.server'
import type { Viewer } from '~/policy/permissions'
import { forgetUnreadCount, rememberedUnreadCount, rememberUnreadCount } from './unread-cache.server'

export const NOTIFICATIONS_PAGE_SIZE = 25

const objectId = z.string().regex(/^[a-f\d]{24}$/i)

/** The viewer's own notifications and nobody else's: every query here starts from this filter. */
function ownedBy(viewer: Viewer) {
  return { organisationId: new Types.ObjectId(viewer.organisationId), userId: new Types.ObjectId(viewer.userId) }
}

/** How many of the viewer's notifications are still unread (the bell's badge). */
export async function countUnread(viewer: Viewer): Promise<number> {
  const known = rememberedUnreadCount(viewer.userId)
  if (known !== null) return known
  const count = await NotificationModel.countDocuments({ ...ownedBy(viewer), readAt: null })
  rememberUnreadCount(viewer.userId, count)
  return count
}

export const notificationFilters = ['unread', 'all'] as const
export type NotificationFilter = (typeof notificationFilters)[number]

/** The list's query string; anything malformed falls back to the default rather than failing. */
export const notificationListQuery = z.object({
  show: z.enum(notificationFilters).catch('all'),
  after: z.string().max(200).optional().catch(undefined),
})
export type NotificationListQuery = z.infer<typeof notificationListQuery>

export function readNotificationListQuery(url: URL): NotificationListQuery {
  return notificationListQuery.parse(Object.fromEntries(url.searchParams))
}

const cursorSchema = z.tuple([z.iso.datetime(), objectId])

function encodeCursor(createdAt: Date, id: Types.ObjectId) {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), String(id)])).toString('base64url')
}

function decodeCursor(raw: string | undefined): { createdAt: Date; id: Types.ObjectId } | null {
  if (!raw) return null
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')))
    return parsed.success ? { createdAt: new Date(parsed.data[0]), id: new Types.ObjectId(parsed.data[1]) } : null
  } catch {
    return null
  }
}

export type NotificationRow = {
  id: string
  event: NotificationEvent
  createdAt: string
  read: boolean
  /** Null when the viewer may no longer see the task: then neither its title nor its actor is shown. */
  task: { id: string; title: string; actorName: string | null } | null
  /** The indicator a notice is about (a retraction), only while the viewer may still open its page. */
  indicator: { id: string; actorName: string | null } | null
}

export type NotificationPage = { notifications: NotificationRow[]; next: string | null }

/**
 * Tasks among `taskIds` that the viewer may still see, asked of the one access function at read time:
 * a notification never shows more than its recipient may see today (a task relabelled RED, moved to
 * another organisation, or a role taken away).
 */
async function visibleTasks(viewer: Viewer, taskIds: Types.ObjectId[]) {
  const visible = new Map<string, { title: string }>()
  if (taskIds.length === 0) return visible
  const tasks = await TaskModel.find({ _id: { $in: taskIds } })
    .setOptions({ acrossOrganisations: 'loaded by id from the viewer’s own notifications, then checked by the access function' })
    .select({ ownerCentreId: 1, assigneeOrganisationId: 1, assigneeUserId: 1, tlp: 1, status: 1, createdBy: 1, initiativeId: 1, redRecipientIds: 1, title: 1 })
    .lean<(Pick<Task, 'ownerCentreId' | 'assigneeOrganisationId' | 'assigneeUserId' | 'tlp' | 'status' | 'createdBy' | 'initiativeId' | 'title'> & {
      _id: Types.ObjectId
      redRecipientIds?: Types.ObjectId[] | null
    })[]>()
  const initiatives = tasks.some((task) => task.initiativeId) ? (await initiativesOf(viewer)).map(String) : []
  for (const task of tasks) {
    if (taskSideFor(viewer, task, initiatives)) visible.set(String(task._id), { title: task.title })
  }
  return visible
}

/**
 * Indicators among `ids` whose page the viewer may still open, asked of `loadIndicatorFor` (the TLP
 * access function) at read time: a relabelled, deleted or no longer shared indicator gets no link.
 */
async function openableIndicators(viewer: Viewer, ids: string[]) {
  const openable = new Set<string>()
  for (const id of ids) {
    try {
      await loadIndicatorFor(viewer, id)
      openable.add(id)
    } catch (error) {
      if (!(error instanceof IndicatorError && error.code === 'notFound')) throw error
    }
  }
  return openable
}

/** One page of the viewer's notifications, newest first, paged by (createdAt, _id). */
export async function listNotifications(viewer: Viewer, query: NotificationListQuery): Promise<NotificationPage> {
  const cursor = decodeCursor(query.after)
  const rows = await NotificationModel.find({
    ...ownedBy(viewer),
    ...(query.show === 'unread' ? { readAt: null } : {}),
    ...(cursor ? { $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor.id } }] } : {}),
  })
    .sort({ createdAt: -1, _id: -1 })
    .limit(NOTIFICATIONS_PAGE_SIZE + 1)
    .select({ event: 1, taskId: 1, indicatorId: 1, actorName: 1, createdAt: 1, readAt: 1 })
    .lean()
  const page = rows.slice(0, NOTIFICATIONS_PAGE_SIZE)
  const taskIds = [...new Map(page.flatMap((row) => (row.taskId ? [[String(row.taskId), row.taskId]] : []))).values()]
  const indicatorIds = [...new Set(page.flatMap((row) => (row.indicatorId ? [row.indicatorId] : [])))]
  const [visible, indicators] = await Promise.all([visibleTasks(viewer, taskIds), openableIndicators(viewer, indicatorIds)])
  const last = page[page.length - 1]
  return {
    notifications: page.map((row) => {
      const task = row.taskId ? visible.get(String(row.taskId)) : undefined
      return {
        id: String(row._id),
        event: toEvent(row.event),
        createdAt: row.createdAt.toISOString(),
        read: Boolean(row.readAt),
        task: task && row.taskId ? { id: String(row.taskId), title: task.title, actorName: row.actorName ?? null } : null,
        indicator: row.indicatorId && indicators.has(row.indicatorId) ? { id: row.indicatorId, actorName: row.actorName ?? null } : null,
      }
    }),
    next: rows.length > NOTIFICATIONS_PAGE_SIZE && last ? encodeCursor(last.createdAt, last._id) : null,
  }
}

function toEvent(value: string): NotificationEvent {
  const event = notificationEvents.find((known) => known === value)
  if (!event) throw new Error(`unknown notification event ${value}`)
  return event
}

/** Marks one of the viewer's notifications as read; false when it is not theirs (or does not exist). */
export async function markNotificationRead(viewer: Viewer, notificationId: string, now = new Date()): Promise<boolean> {
  if (!objectId.safeParse(notificationId).success) return false
  const filter = { ...ownedBy(viewer), _id: new Types.ObjectId(notificationId) }
  const exists = await NotificationModel.exists(filter)
  if (!exists) return false
  await NotificationModel.updateOne({ ...filter, readAt: null }, { $set: { readAt: now } })
  forgetUnreadCount(viewer.userId)
  return true
}

/** Marks every unread notification of the viewer as read; returns how many there were. */
export async function markAllNotificationsRead(viewer: Viewer, now = new Date()): Promise<number> {
  const result = await NotificationModel.updateMany({ ...ownedBy(viewer), readAt: null }, { $set: { readAt: now } })
  forgetUnreadCount(viewer.userId)
  return result.modifiedCount
}

/** Marks the viewer's notifications about one task as read (the task page calls this when it opens). */
export async function markTaskNotificationsRead(viewer: Viewer, taskId: string, now = new Date()): Promise<number> {
  if (!objectId.safeParse(taskId).success) return 0
  // Nothing unread at all (as this server knows it): no need to look through the notifications.
  if (rememberedUnreadCount(viewer.userId) === 0) return 0
  const result = await NotificationModel.updateMany(
    { ...ownedBy(viewer), taskId: new Types.ObjectId(taskId), readAt: null },
    { $set: { readAt: now } },
  )
  if (result.modifiedCount > 0) forgetUnreadCount(viewer.userId)
  return result.modifiedCount
}
