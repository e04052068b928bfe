import { Types } from 'mongoose'
import { z } from 'zod'
import { ActionReportModel } from '../../models/action-report'
import { InitiativeModel } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel, type Task } from '../../models/task'
import { TaskCommentModel } from '../../models/task-comment'
import { UserModel } from '../../models/user'
import { canTransition, taskTransitions, transitionPermission, type TaskTransition } from './lifecycle'
import { recordAudit } from '~/audit/audit.server'
import {
  actionTypes,
  defaultDuePolicy,
  matchReasonCodes,
  taskPriorities,
  tlpLabels,
  type NotificationEvent,
  type TaskPriority,
  type TaskStatus,
} from '~/domain/vocabulary'
import { notifyTask, type Audience } from '~/notifications/notify.server'
import { initiativesOf, taskSideFor, type TaskSide } from '~/policy/access.server'
import { can, isCentre, type Viewer } from '~/policy/permissions'
import { claimOnce } from '~/utils/claims.server'
import { containsCardNumber } from '~/utils/card-numbers'
import { objectId, safeText } from '~/utils/text-schemas'
import type { RequestMeta } from '~/utils/request.server'

const DAY = 24 * 60 * 60 * 1000

export { objectId, safeText }

/** Why a task operation was refused; the routes turn each into a status and a translated message. */
export class TaskError extends Error {
  override name = 'TaskError'
  constructor(
    public readonly code: 'notFound' | 'forbidden' | 'illegalTransition' | 'conflict' | 'reasonRequired' | 'invalidAssignee',
    public readonly status: TaskStatus | null = null,
  ) {
    super(code)
  }
}


export const taskInput = z.object({
  title: safeText(200).pipe(z.string().trim().min(3, 'tooShort')),
  description: safeText(20_000).default(''),
  assigneeOrganisationIds: z.array(objectId).min(1, 'required').max(200),
  assigneeUserId: objectId.optional(),
  priority: z.enum(taskPriorities).default('normal'),
  dueAt: z.coerce.date({ error: 'invalid' }).optional(),
  tlp: z.enum(tlpLabels).default('AMBER'),
  initiativeId: objectId.optional(),
  redRecipientIds: z.array(objectId).max(20).optional(),
  draft: z.boolean().default(false),
})
export type TaskInput = z.input<typeof taskInput>

const actorOf = (viewer: Viewer) => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

/** The due date a centre's policy gives a priority. */
export async function defaultDueAt(centreId: string, priority: TaskPriority, from = new Date()) {
  const centre = await OrganisationModel.findById(centreId).select({ duePolicy: 1 }).lean()
  const days = centre?.duePolicy?.[priority] ?? defaultDuePolicy[priority]
  return new Date(from.getTime() + days * DAY)
}

/**
 * Creates one task per assigned organisation (grouped under one assignment when there are several).
 * Only centre staff create tasks, for active or probation organisations, never for their own centre.
 */
export async function createTasks(viewer: Viewer, raw: TaskInput, meta?: RequestMeta) {
  if (!can(viewer, 'task:assign') || !isCentre(viewer)) throw new TaskError('forbidden')
  const input = taskInput.parse(raw)
  const organisationIds = [...new Set(input.assigneeOrganisationIds)]
  // Tasks go to partner organisations: centres coordinate, they do not work another centre's queue.
  const organisations = await OrganisationModel.find({ _id: { $in: organisationIds }, status: { $in: ['active', 'probation'] }, isOperator: { $ne: true }, kind: { $ne: 'national_centre' } })
    .select({ _id: 1 })
    .lean()
  if (organisations.length !== organisationIds.length || organisationIds.includes(viewer.organisationId)) {
    throw new TaskError('invalidAssignee')
  }
  if (input.assigneeUserId) {
    const person = organisationIds.length === 1 && (await UserModel.exists({ _id: input.assigneeUserId, organisationId: organisationIds[0], status: 'active' }))
    if (!person) throw new TaskError('invalidAssignee')
  }
  if (input.initiativeId && !(await InitiativeModel.exists({ _id: input.initiativeId, leadCentreId: viewer.organisationId }))) {
    throw new TaskError('notFound')
  }
  const now = new Date()
  const dueAt = input.dueAt ?? (await defaultDueAt(viewer.organisationId, input.priority, now))
  const assignmentId = organisationIds.length > 1 ? new Types.ObjectId() : undefined
  const status: TaskStatus = input.draft ? 'draft' : 'assigned'
  const created = await TaskModel.insertMany(
    organisationIds.map((assigneeOrganisationId) => ({
      ownerCentreId: viewer.organisationId,
      assigneeOrganisationId,
      assigneeUserId: input.assigneeUserId,
      assignmentId,
      initiativeId: input.initiativeId,
      title: input.title,
      description: input.description,
      priority: input.priority,
      dueAt,
      tlp: input.tlp,
      redRecipientIds: input.tlp === 'RED' ? input.redRecipientIds : undefined,
      status,
      statusChangedAt: now,
      assignedAt: status === 'assigned' ? now : undefined,
      createdBy: viewer.userId,
      createdByName: viewer.name,
      timeline: [
        { at: now, actorUserId: viewer.userId, actorOrganisationId: viewer.organisationId, actorName: viewer.name, from: null, to: status, transition: 'create' },
      ],
    })),
  )
  const stored = await TaskModel.find({ _id: { $in: created.map((task) => task._id) }, ownerCentreId: viewer.organisationId }).lean()
  for (const task of stored) {
    await recordAudit({ action: 'task.created', actor: actorOf(viewer), target: { kind: 'task', id: String(task._id) }, meta, details: { status, tlp: input.tlp } })
    if (status === 'assigned') {
      await notifyTask({ event: 'assigned', task, audience: 'partner', actor: viewer, dedupeKey: `task:${String(task._id)}:assigned:0` })
    }
  }
  return { ids: created.map((task) => String(task._id)), assignmentId: assignmentId ? String(assignmentId) : null }
}

/** A task the viewer may see, with their side of it; anything else is "not found". */
export async function loadTask(viewer: Viewer, taskId: string): Promise<{ task: Task & { _id: Types.ObjectId; __v?: number }; side: TaskSide }> {
  if (!objectId.safeParse(taskId).success) throw new TaskError('notFound')
  const task = await TaskModel.findOne({ _id: taskId })
    .setOptions({ acrossOrganisations: 'loaded by id, then checked by the access function' })
    .lean<Task & { _id: Types.ObjectId; __v?: number }>()
  if (!task) throw new TaskError('notFound')
  const initiatives = task.initiativeId ? (await initiativesOf(viewer)).map(String) : []
  const side = taskSideFor(viewer, task, initiatives)
  if (!side) throw new TaskError('notFound')
  return { task, side }
}

const stampOf: Partial<Record<TaskStatus, keyof Task>> = {
  assigned: 'assignedAt',
  acknowledged: 'acknowledgedAt',
  reported: 'reportedAt',
  verified: 'verifiedAt',
  closed: 'closedAt',
}

const notices: Partial<Record<TaskTransition, { event: NotificationEvent; audience: Audience }>> = {
  assign: { event: 'assigned', audience: 'partner' },
  acknowledge: { event: 'acknowledged', audience: 'centre' },
  decline: { event: 'declined', audience: 'centre' },
  report: { event: 'reported', audience: 'centre' },
  verify: { event: 'verified', audience: 'partner' },
  return: { event: 'returned', audience: 'partner' },
}

/**
 * Moves a task along its lifecycle. The side, the current state and the required reason are checked
 * here for every caller; the change claims the task's version so two people can't both make it.
 */
export async function transitionTask(
  viewer: Viewer,
  taskId: string,
  transition: TaskTransition,
  { reason, assigneeOrganisationId, meta }: { reason?: string; assigneeOrganisationId?: string; meta?: RequestMeta } = {},
) {
  const { task, side } = await loadTask(viewer, taskId)
  const rule = taskTransitions[transition]
  if (side !== rule.side || !can(viewer, transitionPermission(transition))) throw new TaskError('forbidden')
  if (!canTransition(task.status as TaskStatus, transition)) throw new TaskError('illegalTransition', task.status as TaskStatus)
  const why = reason?.trim()
  if (rule.needs && !why) throw new TaskError('reasonRequired', task.status as TaskStatus)
  if (why && containsCardNumber(why)) throw new TaskError('reasonRequired', task.status as TaskStatus)

  // A new assignee is checked before the version is claimed: a refused choice must not spend the claim.
  const reassignTo =
    transition === 'assign' && assigneeOrganisationId && assigneeOrganisationId !== String(task.assigneeOrganisationId) ? assigneeOrganisationId : null
  if (reassignTo) {
    const valid = objectId.safeParse(reassignTo).success && reassignTo !== viewer.organisationId
    const target = valid && (await OrganisationModel.exists({ _id: reassignTo, status: { $in: ['active', 'probation'] }, isOperator: { $ne: true }, kind: { $ne: 'national_centre' } }))
    if (!target) throw new TaskError('invalidAssignee', task.status as TaskStatus)
  }

  const version = task.__v ?? 0
  if (!(await claimOnce(`task:${taskId}@${version}`))) throw new TaskError('conflict', task.status as TaskStatus)
  const now = new Date()
  const set: Record<string, unknown> = { status: rule.to, statusChangedAt: now }
  const stamp = stampOf[rule.to]
  if (stamp) set[stamp] = now
  if (reassignTo) set.assigneeOrganisationId = new Types.ObjectId(reassignTo)
  await TaskModel.updateOne(
    { _id: taskId, ownerCentreId: task.ownerCentreId },
    {
      $set: set,
      // The person named in the previous organisation has nothing to do with the new one.
      ...(reassignTo ? { $unset: { assigneeUserId: 1 } } : {}),
      $inc: { __v: 1 },
      $push: {
        timeline: {
          at: now,
          actorUserId: viewer.userId,
          actorOrganisationId: viewer.organisationId,
          actorName: viewer.name,
          from: task.status,
          to: rule.to,
          transition,
          reason: why,
        },
      },
    },
  )
  if (transition === 'verify' || transition === 'return') {
    await ActionReportModel.updateMany(
      { taskId, ownerCentreId: task.ownerCentreId, status: 'current', verification: 'pending' },
      { $set: { verification: transition === 'verify' ? 'verified' : 'returned', ...(transition === 'verify' ? { verifiedAt: now } : {}) } },
    )
  }
  await recordAudit({
    action: `task.${transition}`,
    actor: actorOf(viewer),
    target: { kind: 'task', id: taskId },
    meta,
    details: { from: task.status, to: rule.to, ...(why ? { reason: why.slice(0, 200) } : {}) },
  })
  const notice = notices[transition]
  if (notice) {
    const updated = { ...task, ...set, ...(reassignTo ? { assigneeUserId: undefined } : {}), _id: task._id } as typeof task
    await notifyTask({ ...notice, task: updated, actor: viewer, dedupeKey: `task:${taskId}:${transition}:${version}` })
  }
  return { from: task.status as TaskStatus, to: rule.to }
}

export const reportedAction = z
  .object({
    type: z.enum(actionTypes),
    quantity: z.coerce.number({ error: 'invalid' }).int('invalid').min(1, 'invalid').max(1_000_000, 'invalid'),
    actionDate: z.coerce.date({ error: 'invalid' }),
    reference: safeText(120).optional(),
    matchReasonCode: z.enum(matchReasonCodes).optional(),
    note: safeText(2000).optional(),
  })
  .refine((action) => !action.matchReasonCode || action.type === 'merchant_terminated', {
    message: 'matchOnlyForTermination',
    path: ['matchReasonCode'],
  })
  .refine((action) => action.actionDate.getTime() <= Date.now() + DAY, { message: 'future', path: ['actionDate'] })
export type ReportedAction = z.infer<typeof reportedAction>

/**
 * A partner reports what it did: a new version of the task's report (the previous one stays, marked
 * superseded) and the task moves to `reported`.
 */
export async function submitReport(viewer: Viewer, taskId: string, actions: ReportedAction[], meta?: RequestMeta) {
  if (actions.length === 0 || actions.length > 50) throw new TaskError('reasonRequired')
  const { task, side } = await loadTask(viewer, taskId)
  if (side !== 'partner' || !can(viewer, 'task:work')) throw new TaskError('forbidden')
  if (!canTransition(task.status as TaskStatus, 'report')) throw new TaskError('illegalTransition', task.status as TaskStatus)
  const previous = await ActionReportModel.findOne({ taskId, assigneeOrganisationId: task.assigneeOrganisationId }).sort({ version: -1 }).select({ version: 1 }).lean()
  const version = (previous?.version ?? 0) + 1
  // The unique (task, version) index makes two simultaneous reports one report and one refusal.
  try {
    await ActionReportModel.create({
      taskId,
      ownerCentreId: task.ownerCentreId,
      assigneeOrganisationId: task.assigneeOrganisationId,
      initiativeId: task.initiativeId,
      version,
      actions,
      submittedBy: viewer.userId,
      submittedByName: viewer.name,
      submittedAt: new Date(),
    })
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new TaskError('conflict', task.status as TaskStatus)
    throw error
  }
  try {
    await transitionTask(viewer, taskId, 'report', { meta })
  } catch (error) {
    // Someone moved the task meanwhile (cancelled it, say): the refused report must not linger as current.
    if (error instanceof TaskError) await ActionReportModel.deleteOne({ taskId, assigneeOrganisationId: task.assigneeOrganisationId, version })
    throw error
  }
  if (previous) {
    await ActionReportModel.updateMany(
      { taskId, assigneeOrganisationId: task.assigneeOrganisationId, version: { $lt: version } },
      { $set: { status: 'superseded' } },
    )
  }
  return { version }
}

export const commentInput = z.object({
  body: safeText(8000).pipe(z.string().trim().min(1, 'required')),
  visibility: z.enum(['shared', 'internal']).default('internal'),
})

/** Centre staff comment internally by default; partners (and observers) only ever write shared comments. */
export async function addComment(viewer: Viewer, taskId: string, raw: z.input<typeof commentInput>, meta?: RequestMeta) {
  const { task, side } = await loadTask(viewer, taskId)
  if (side === 'observer') throw new TaskError('forbidden')
  const input = commentInput.parse(raw)
  const visibility = side === 'centre' ? input.visibility : 'shared'
  const comment = await TaskCommentModel.create({
    taskId,
    ownerCentreId: task.ownerCentreId,
    assigneeOrganisationId: task.assigneeOrganisationId,
    visibility,
    body: input.body,
    authorUserId: viewer.userId,
    authorOrganisationId: viewer.organisationId,
    authorName: viewer.name,
    createdAt: new Date(),
  })
  await recordAudit({ action: 'task.commented', actor: actorOf(viewer), target: { kind: 'task', id: taskId }, meta, details: { visibility } })
  const key = `comment:${String(comment._id)}`
  if (visibility === 'shared') {
    await notifyTask({ event: 'commented', task, audience: side === 'centre' ? 'partner' : 'centre', actor: viewer, dedupeKey: key })
  } else {
    await notifyTask({ event: 'commented', task, audience: 'centre', actor: viewer, dedupeKey: key })
  }
  return { id: String(comment._id), visibility }
}

/** Comments the viewer may read: partners and observers never get internal ones, by any path. */
export async function listComments(
  viewer: Viewer,
  task: { _id: Types.ObjectId; ownerCentreId: Types.ObjectId; assigneeOrganisationId?: Types.ObjectId | null },
  side: TaskSide,
) {
  const rows = await TaskCommentModel.find({
    taskId: task._id,
    ownerCentreId: task.ownerCentreId,
    // After a reassignment, the new organisation does not read the conversation with the previous one.
    ...(side === 'centre' ? {} : { visibility: 'shared', ...(task.assigneeOrganisationId ? { assigneeOrganisationId: task.assigneeOrganisationId } : {}) }),
  })
    .sort({ createdAt: 1 })
    .lean()
  return rows.map((row) => ({
    id: String(row._id),
    visibility: row.visibility,
    body: row.body,
    authorName: row.authorName ?? '',
    fromCentre: String(row.authorOrganisationId) === String(task.ownerCentreId),
    createdAt: row.createdAt.toISOString(),
  }))
}
