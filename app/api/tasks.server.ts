import { type Types } from 'mongoose'
import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel, type Task } from '../../models/task'
import { defineEndpoint, postProblems } from './endpoint.server'
import { ApiProblem } from './problem.server'
import { encodeCursor, isoDateTime, itemsAfter, limitParam, mongoId, nextParam, pageOf, updatedSinceParam } from './schemas.server'
import { actionTypes, matchReasonCodes, taskPriorities, taskStatuses, tlpLabels, type TaskStatus } from '~/domain/vocabulary'
import { keyReachesTask, taskAccessFilter } from '~/policy/access.server'
import type { Viewer } from '~/policy/permissions'
import { isOpenStatus } from '~/tasks/lifecycle'
import { addComment, loadTask, reportedAction, submitReport, transitionTask } from '~/tasks/tasks.server'
import { publicUrl } from '~/utils/env.server'

export const taskSchema = z
  .object({
    id: mongoId,
    title: z.string(),
    description: z.string().describe('Markdown'),
    status: z.enum(taskStatuses),
    priority: z.enum(taskPriorities),
    tlp: z.enum(tlpLabels),
    dueAt: isoDateTime,
    overdue: z.boolean(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    statusChangedAt: isoDateTime,
    initiativeId: mongoId.nullable(),
    ownerCentre: z.object({ id: mongoId, name: z.string() }),
    indicatorIds: z.array(z.string()),
    url: z.string().describe('The task in the portal'),
  })
  .describe('A coordination task assigned to your organisation')

const taskDetailSchema = taskSchema.extend({
  timeline: z.array(z.object({ at: isoDateTime, from: z.enum(taskStatuses).nullable(), to: z.enum(taskStatuses), transition: z.string() })),
})

type TaskDoc = Task & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date }

async function centreNames(tasks: TaskDoc[]) {
  const ids = [...new Set(tasks.map((task) => String(task.ownerCentreId)))]
  const centres = await OrganisationModel.find({ _id: { $in: ids } })
    .select({ legalName: 1 })
    .lean()
  return new Map(centres.map((centre) => [String(centre._id), centre.legalName]))
}

function taskJson(task: TaskDoc, centres: Map<string, string>, now: Date): z.input<typeof taskSchema> {
  const id = String(task._id)
  return {
    id,
    title: task.title,
    description: task.description ?? '',
    status: task.status as TaskStatus,
    priority: task.priority,
    tlp: task.tlp,
    dueAt: task.dueAt.toISOString(),
    overdue: isOpenStatus(task.status as TaskStatus) && task.dueAt < now,
    createdAt: (task.createdAt ?? task.statusChangedAt).toISOString(),
    updatedAt: (task.updatedAt ?? task.statusChangedAt).toISOString(),
    statusChangedAt: task.statusChangedAt.toISOString(),
    initiativeId: task.initiativeId ? String(task.initiativeId) : null,
    ownerCentre: { id: String(task.ownerCentreId), name: centres.get(String(task.ownerCentreId)) ?? '' },
    indicatorIds: task.indicatorIds ?? [],
    url: `${publicUrl()}/tasks/${id}`,
  }
}

/** A task the key's organisation may see (loadTask) and that is its own work; anything else is 404. */
async function reachableTask(viewer: Viewer, taskId: string) {
  const { task, side } = await loadTask(viewer, taskId)
  if (!keyReachesTask(side)) throw new ApiProblem(404, 'not-found')
  return task
}

/** The task as the API shows it to the key's organisation. */
async function taskDetail(viewer: Viewer, taskId: string, now = new Date()): Promise<z.input<typeof taskDetailSchema>> {
  const task = await reachableTask(viewer, taskId)
  const centres = await centreNames([task])
  return {
    ...taskJson(task, centres, now),
    timeline: (task.timeline ?? []).map((entry) => ({
      at: entry.at.toISOString(),
      from: (entry.from ?? null) as TaskStatus | null,
      to: entry.to as TaskStatus,
      transition: entry.transition,
    })),
  }
}

const taskParams = z.object({ taskId: mongoId })

export const listTasksEndpoint = defineEndpoint({
  operationId: 'listTasks',
  method: 'GET',
  path: '/tasks',
  tag: 'Tasks',
  summary: "List your organisation's tasks",
  description:
    'Tasks assigned to your organisation, oldest change first, so that `updated_since` with the `next` cursor reads every change once. TLP:RED tasks are addressed to named people and never reach an API key.',
  scope: 'tasks:read',
  query: z.object({
    status: z.enum(taskStatuses).optional().describe('Only tasks in this status'),
    updated_since: updatedSinceParam,
    limit: limitParam,
    next: nextParam,
  }),
  success: { status: 200, description: 'A page of tasks', schema: pageOf(taskSchema) },
  problems: [{ status: 400, code: 'invalid-request' }],
  handler: async ({ caller, query }) => {
    const now = new Date()
    const after = itemsAfter(query.next, 'objectId')
    const access = await taskAccessFilter(caller.viewer, 'assigned')
    if (!access) return { data: [], next: null }
    const parts: Record<string, unknown>[] = [access.filter]
    if (query.status) parts.push({ status: query.status })
    if (query.updated_since) parts.push({ updatedAt: { $gte: new Date(query.updated_since) } })
    if (after) parts.push(after)
    const found = await TaskModel.find({ $and: parts })
      .setOptions({ acrossOrganisations: access.acrossOrganisations })
      .select({ timeline: 0 })
      .sort({ updatedAt: 1, _id: 1 })
      .limit(query.limit + 1)
      .lean<TaskDoc[]>()
    const page = found.slice(0, query.limit)
    const centres = await centreNames(page)
    const last = page[page.length - 1]
    return {
      data: page.map((task) => taskJson(task, centres, now)),
      next: found.length > query.limit && last ? encodeCursor(last.updatedAt ?? last.statusChangedAt, String(last._id)) : null,
    }
  },
})

export const getTaskEndpoint = defineEndpoint({
  operationId: 'getTask',
  method: 'GET',
  path: '/tasks/{taskId}',
  tag: 'Tasks',
  summary: 'Read one task with its timeline',
  scope: 'tasks:read',
  params: taskParams,
  success: { status: 200, description: 'The task', schema: taskDetailSchema },
  problems: [{ status: 404, code: 'not-found' }],
  handler: ({ caller, params }) => taskDetail(caller.viewer, params.taskId),
})

export const acknowledgeTaskEndpoint = defineEndpoint({
  operationId: 'acknowledgeTask',
  method: 'POST',
  path: '/tasks/{taskId}/acknowledge',
  tag: 'Tasks',
  summary: 'Acknowledge an assigned task',
  scope: 'tasks:write',
  params: taskParams,
  success: { status: 200, description: 'The task, now acknowledged', schema: taskDetailSchema },
  problems: [...postProblems, { status: 404, code: 'not-found' }, { status: 409, code: 'illegal-transition' }, { status: 409, code: 'conflict' }],
  handler: async ({ caller, params, meta }) => {
    await reachableTask(caller.viewer, params.taskId)
    await transitionTask(caller.viewer, params.taskId, 'acknowledge', { meta })
    return taskDetail(caller.viewer, params.taskId)
  },
})

export const declineTaskEndpoint = defineEndpoint({
  operationId: 'declineTask',
  method: 'POST',
  path: '/tasks/{taskId}/decline',
  tag: 'Tasks',
  summary: 'Decline a task, with the reason',
  scope: 'tasks:write',
  params: taskParams,
  body: z.object({ reason: z.string().trim().min(3).max(4000).describe('Why your organisation cannot take the task') }).strict(),
  success: { status: 200, description: 'The task, now declined', schema: taskDetailSchema },
  problems: [...postProblems, { status: 404, code: 'not-found' }, { status: 409, code: 'illegal-transition' }, { status: 422, code: 'invalid-request' }],
  handler: async ({ caller, params, body, meta }) => {
    await reachableTask(caller.viewer, params.taskId)
    await transitionTask(caller.viewer, params.taskId, 'decline', { reason: body.reason, meta })
    return taskDetail(caller.viewer, params.taskId)
  },
})

const apiAction = z
  .object({
    type: z.enum(actionTypes).describe('What was done'),
    quantity: z.number().int().min(1).max(1_000_000).describe('How many (accounts, URLs, merchants…)'),
    actionDate: z.iso.date().describe('When it was done (YYYY-MM-DD), not in the future'),
    reference: z.string().max(120).optional().describe("Your own case reference"),
    matchReasonCode: z.enum(matchReasonCodes).optional().describe('MATCH reason code, only with merchant_terminated'),
    note: z.string().max(2000).optional(),
  })
  .strict()

export const submitReportEndpoint = defineEndpoint({
  operationId: 'submitReport',
  method: 'POST',
  path: '/tasks/{taskId}/reports',
  tag: 'Tasks',
  summary: 'Report the actions your organisation took',
  description: 'A new version of the task’s action report; the task moves to `reported` for the centre to verify. Verified actions count towards the initiative’s objectives.',
  scope: 'reports:write',
  params: taskParams,
  body: z.object({ actions: z.array(apiAction).min(1).max(50) }).strict(),
  success: {
    status: 201,
    description: 'The report was recorded',
    schema: z.object({ report: z.object({ version: z.number().int() }), task: taskDetailSchema }),
  },
  problems: [...postProblems, { status: 404, code: 'not-found' }, { status: 409, code: 'illegal-transition' }, { status: 409, code: 'conflict' }, { status: 422, code: 'invalid-request' }],
  handler: async ({ caller, params, body, meta }) => {
    await reachableTask(caller.viewer, params.taskId)
    const actions = body.actions.map((action) => reportedAction.parse(action))
    const { version } = await submitReport(caller.viewer, params.taskId, actions, meta)
    return { report: { version }, task: await taskDetail(caller.viewer, params.taskId) }
  },
})

export const addCommentEndpoint = defineEndpoint({
  operationId: 'addComment',
  method: 'POST',
  path: '/tasks/{taskId}/comments',
  tag: 'Tasks',
  summary: 'Add a comment shared with the centre',
  scope: 'tasks:write',
  params: taskParams,
  body: z.object({ body: z.string().trim().min(1).max(8000).describe('Plain text') }).strict(),
  success: { status: 201, description: 'The comment was added', schema: z.object({ id: mongoId, visibility: z.literal('shared') }) },
  problems: [...postProblems, { status: 404, code: 'not-found' }, { status: 422, code: 'invalid-request' }],
  handler: async ({ caller, params, body, meta }) => {
    await reachableTask(caller.viewer, params.taskId)
    const { id } = await addComment(caller.viewer, params.taskId, { body: body.body, visibility: 'shared' }, meta)
    return { id, visibility: 'shared' as const }
  },
})

export const taskEndpoints = [listTasksEndpoint, getTaskEndpoint, acknowledgeTaskEndpoint, declineTaskEndpoint, submitReportEndpoint, addCommentEndpoint]
