import { ActionReportModel } from '../../models/action-report'
import { InitiativeModel } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel } from '../../models/task'
import { UserModel } from '../../models/user'
import { canTransition, transitionPermission, transitionsFrom } from './lifecycle'
import { renderTaskMarkdown } from './markdown.server'
import { canClearReview, isReviewStep, reviewOf } from './review.server'
import { listComments, loadTask } from './tasks.server'
import type { ActionType, TaskPriority, TaskStatus, TlpLabel } from '~/domain/vocabulary'
import { can, type Viewer } from '~/policy/permissions'

const DAY = 24 * 60 * 60 * 1000

/** States in which the assigned organisation still owes work: only these can be overdue. */
const awaitingPartner: readonly TaskStatus[] = ['assigned', 'acknowledged', 'in_progress', 'returned']

/** Who made a timeline step, as the viewer may know it. */
export type ActorSide = 'centre' | 'partner' | 'other' | 'system'

export type TimelineItem = {
  at: string
  transition: string
  from: TaskStatus | null
  to: TaskStatus
  actorSide: ActorSide
  /** Null when the viewer may not see who it was (observers; steps of a previous assignee). */
  actorName: string | null
  /** Null when there was none or the viewer may not read it. */
  reason: string | null
  /** The report version a `report` step submitted. */
  reportVersion: number | null
}

export type ReportView = {
  version: number
  status: 'current' | 'superseded'
  verification: 'pending' | 'verified' | 'returned'
  verifiedAt: string | null
  submittedAt: string
  submittedByName: string | null
  actions: {
    type: ActionType
    quantity: number
    actionDate: string
    reference: string | null
    matchReasonCode: string | null
    note: string | null
  }[]
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null)
const idOf = (value: unknown) => (value === undefined || value === null ? null : String(value))

/**
 * Everything the task page shows, shaped for the viewer's side: the header, the description as safe
 * HTML, the steps the lifecycle and the policy let this person take, the report history, the timeline
 * and the comments they may read. Throws `TaskError('notFound')` for a task they may not see.
 */
export async function getTaskDetail(viewer: Viewer, taskId: string, now = new Date()) {
  const { task, side } = await loadTask(viewer, taskId)
  const status = task.status as TaskStatus
  const ownerId = String(task.ownerCentreId)
  const assigneeId = String(task.assigneeOrganisationId)

  const [organisations, person, initiative, groupSize, reports, comments] = await Promise.all([
    OrganisationModel.find({ _id: { $in: [task.ownerCentreId, task.assigneeOrganisationId] } })
      .select({ legalName: 1 })
      .lean(),
    task.assigneeUserId && side !== 'observer'
      ? UserModel.findOne({ _id: task.assigneeUserId, organisationId: task.assigneeOrganisationId }).select({ name: 1 }).lean()
      : null,
    task.initiativeId ? InitiativeModel.findById(task.initiativeId).select({ title: 1, leadCentreId: 1, participantIds: 1 }).lean() : null,
    task.assignmentId && side === 'centre' ? TaskModel.countDocuments({ assignmentId: task.assignmentId, ownerCentreId: task.ownerCentreId }) : 0,
    ActionReportModel.find({
      taskId: task._id,
      ownerCentreId: task.ownerCentreId,
      // A partner reads its own organisation's reports only (a reassigned task keeps the earlier ones).
      ...(side === 'centre' ? {} : { assigneeOrganisationId: task.assigneeOrganisationId }),
    })
      .sort({ version: 1 })
      .lean(),
    listComments(viewer, task, side),
  ])
  const nameOf = (id: string) => organisations.find((organisation) => String(organisation._id) === id)?.legalName ?? ''

  const initiativeShown =
    initiative && (String(initiative.leadCentreId) === viewer.organisationId || initiative.participantIds.some((id) => String(id) === viewer.organisationId))

  const transitions =
    side === 'observer' ? [] : transitionsFrom(status, side).filter((transition) => can(viewer, transitionPermission(transition)))
  const canReport = side === 'partner' && can(viewer, transitionPermission('report')) && canTransition(status, 'report')
  const reassigning = status === 'declined' && transitions.includes('assign')

  const dueAt = task.dueAt
  const overdueDays = awaitingPartner.includes(status) && dueAt.getTime() < now.getTime() ? Math.ceil((now.getTime() - dueAt.getTime()) / DAY) : null

  const reportViews: ReportView[] = reports
    // Observers read the current report only, and without references, notes or names.
    .filter((report) => side !== 'observer' || report.status === 'current')
    .map((report) => ({
      version: report.version,
      status: report.status,
      verification: report.verification,
      verifiedAt: iso(report.verifiedAt),
      submittedAt: report.submittedAt.toISOString(),
      submittedByName: side === 'observer' ? null : (report.submittedByName ?? ''),
      actions: report.actions.map((action) => ({
        type: action.type as ActionType,
        quantity: action.quantity,
        actionDate: action.actionDate.toISOString(),
        reference: side === 'observer' ? null : (action.reference ?? null),
        matchReasonCode: action.matchReasonCode ?? null,
        note: side === 'observer' ? null : (action.note ?? null),
      })),
    }))

  const submittedVersions = reports.filter((report) => String(report.assigneeOrganisationId) === assigneeId).map((report) => report.version)
  let reportSteps = 0
  // Review steps (an indicator retracted, the review cleared) concern the owning centre only.
  const steps = side === 'centre' ? task.timeline : task.timeline.filter((entry) => !isReviewStep(entry.transition))
  const timeline: TimelineItem[] = steps.map((entry) => {
    const actorOrganisation = idOf(entry.actorOrganisationId)
    const actorSide: ActorSide =
      actorOrganisation === null ? 'system' : actorOrganisation === ownerId ? 'centre' : actorOrganisation === assigneeId ? 'partner' : 'other'
    // Partners read what the centre and their own organisation did; a previous assignee stays anonymous.
    const readable = side === 'centre' || (side === 'partner' && actorSide !== 'other')
    return {
      at: entry.at.toISOString(),
      transition: entry.transition,
      from: (entry.from ?? null) as TaskStatus | null,
      to: entry.to as TaskStatus,
      actorSide,
      actorName: readable ? (entry.actorName ?? '') : null,
      reason: readable ? (entry.reason ?? null) : null,
      reportVersion: entry.transition === 'report' && actorSide === 'partner' ? (submittedVersions[reportSteps++] ?? null) : null,
    }
  })

  const reassignOptions = reassigning
    ? (
        await OrganisationModel.find({
          _id: { $nin: [task.ownerCentreId, task.assigneeOrganisationId] },
          status: { $in: ['active', 'probation'] },
          isOperator: { $ne: true },
          kind: { $ne: 'national_centre' },
        })
          .select({ legalName: 1 })
          .sort({ legalName: 1 })
          .limit(500)
          .lean()
      ).map((organisation) => ({ id: String(organisation._id), name: organisation.legalName }))
    : []

  return {
    id: String(task._id),
    title: task.title,
    status,
    priority: task.priority as TaskPriority,
    tlp: task.tlp as TlpLabel,
    dueAt: dueAt.toISOString(),
    overdueDays,
    createdAt: task.timeline[0]?.at.toISOString() ?? task.statusChangedAt.toISOString(),
    createdByName: side === 'observer' ? null : (task.createdByName ?? null),
    ownerCentre: { id: ownerId, name: nameOf(ownerId) },
    assignee: { id: assigneeId, name: nameOf(assigneeId), personName: person?.name ?? null },
    initiative: task.initiativeId ? { id: String(task.initiativeId), title: initiativeShown ? (initiative?.title ?? null) : null } : null,
    assignmentSize: groupSize > 1 ? groupSize : null,
    descriptionHtml: renderTaskMarkdown(task.description ?? ''),
    side,
    review: reviewOf(task, side),
    canClearReview: side === 'centre' && canClearReview(viewer),
    transitions,
    canReport,
    canComment: side !== 'observer',
    canCommentInternally: side === 'centre',
    reassignOptions,
    reports: reportViews,
    timeline,
    comments: comments.map((comment) => ({ ...comment, authorName: side === 'observer' ? null : comment.authorName })),
  }
}

export type TaskDetail = Awaited<ReturnType<typeof getTaskDetail>>
