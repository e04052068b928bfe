import { Types, type QueryFilter } from 'mongoose'
import { InitiativeModel } from '../../models/initiative'
import type { IndicatorSubmission } from '../../models/indicator'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel, type Task } from '../../models/task'
import type { TlpLabel } from '~/domain/vocabulary'
import { can, isCentre, seesCommunityMaterial, type Viewer } from './permissions'

/**
 * The one access function for tasks (and, through the same TLP rules, everything shared later):
 * every list, count, detail page, export and notification asks it.
 *
 * - the owning centre sees its tasks (TLP:RED ones only the creator and the named people);
 * - the assigned organisation sees them once assigned (RED: the named people and the assignee only);
 * - TLP:AMBER also reaches the organisations taking part in the task's initiative;
 * - TLP:GREEN reaches every active organisation past probation, TLP:CLEAR every signed-in person.
 */
export type TaskSide = 'centre' | 'partner' | 'observer'

type TaskFacts = Pick<Task, 'ownerCentreId' | 'assigneeOrganisationId' | 'assigneeUserId' | 'tlp' | 'status' | 'createdBy' | 'initiativeId'> & {
  redRecipientIds?: unknown[] | null
}

const same = (a: unknown, b: string) => a !== undefined && a !== null && String(a) === b

/** Initiatives the viewer's organisation leads or takes part in. */
export async function initiativesOf(viewer: Viewer): Promise<Types.ObjectId[]> {
  const organisation = new Types.ObjectId(viewer.organisationId)
  const rows = await InitiativeModel.find({ $or: [{ leadCentreId: organisation }, { participantIds: organisation }] })
    .select({ _id: 1 })
    .lean()
  return rows.map((row) => row._id)
}

/** How the viewer relates to a task, or null when they may not see it at all. */
export function taskSideFor(viewer: Viewer, task: TaskFacts, viewerInitiatives: readonly string[] = []): TaskSide | null {
  if (!can(viewer, 'task:view')) return null
  const named = (task.redRecipientIds ?? []).some((id) => same(id, viewer.userId))
  const red = task.tlp === 'RED'
  if (isCentre(viewer) && same(task.ownerCentreId, viewer.organisationId)) {
    return !red || same(task.createdBy, viewer.userId) || named ? 'centre' : null
  }
  if (task.status === 'draft') return null
  if (same(task.assigneeOrganisationId, viewer.organisationId)) {
    return !red || same(task.assigneeUserId, viewer.userId) || named ? 'partner' : null
  }
  return observerSees(viewer, task.tlp as TlpLabel, task.initiativeId, viewerInitiatives) ? 'observer' : null
}

function observerSees(viewer: Viewer, tlp: TlpLabel, initiativeId: unknown, viewerInitiatives: readonly string[]) {
  if (tlp === 'CLEAR') return true
  if (viewer.organisationStatus !== 'active') return false
  if (tlp === 'GREEN') return true
  return tlp === 'AMBER' && initiativeId !== undefined && initiativeId !== null && viewerInitiatives.includes(String(initiativeId))
}

/**
 * The same rules as a database filter, for lists and counts. `scope` narrows to the centre's own
 * tasks, the organisation's queue, or everything the viewer may see.
 */
export async function taskAccessFilter(
  viewer: Viewer,
  scope: 'owned' | 'assigned' | 'all' = 'all',
): Promise<{ filter: QueryFilter<Task>; acrossOrganisations: string | undefined } | null> {
  if (!can(viewer, 'task:view')) return null
  const me = new Types.ObjectId(viewer.userId)
  const organisation = new Types.ObjectId(viewer.organisationId)
  const branches: QueryFilter<Task>[] = []
  if (scope !== 'assigned' && isCentre(viewer)) {
    branches.push({ ownerCentreId: organisation, tlp: { $ne: 'RED' } })
    branches.push({ ownerCentreId: organisation, tlp: 'RED', $or: [{ createdBy: me }, { redRecipientIds: me }] })
  }
  if (scope !== 'owned') {
    branches.push({ assigneeOrganisationId: organisation, status: { $ne: 'draft' }, tlp: { $ne: 'RED' } })
    branches.push({
      assigneeOrganisationId: organisation,
      status: { $ne: 'draft' },
      tlp: 'RED',
      $or: [{ assigneeUserId: me }, { redRecipientIds: me }],
    })
  }
  let acrossOrganisations: string | undefined
  if (scope === 'all') {
    acrossOrganisations = 'TLP:AMBER initiative, GREEN and CLEAR tasks reach beyond the two organisations'
    if (viewer.organisationStatus === 'active') {
      const initiatives = await initiativesOf(viewer)
      if (initiatives.length > 0) branches.push({ initiativeId: { $in: initiatives }, tlp: 'AMBER', status: { $ne: 'draft' } })
      branches.push({ tlp: 'GREEN', status: { $ne: 'draft' } })
    }
    branches.push({ tlp: 'CLEAR', status: { $ne: 'draft' } })
  }
  if (branches.length === 0) return null
  return { filter: { $or: branches }, acrossOrganisations }
}

type InitiativeFacts = { leadCentreId: unknown; participantIds?: unknown[] | null; tlp: string }

/**
 * Initiatives follow the same TLP rules: the lead centre and the organisations taking part see them
 * (AMBER and AMBER+STRICT alike: an initiative is shared with its participants), GREEN reaches active
 * organisations past probation, CLEAR every signed-in person. RED: the lead centre only.
 */
export function canSeeInitiative(viewer: Viewer, initiative: InitiativeFacts): 'lead' | 'participant' | 'observer' | null {
  if (!can(viewer, 'initiative:view')) return null
  if (isCentre(viewer) && same(initiative.leadCentreId, viewer.organisationId)) return 'lead'
  if (initiative.tlp === 'RED') return null
  if ((initiative.participantIds ?? []).some((id) => same(id, viewer.organisationId))) return 'participant'
  if (initiative.tlp === 'CLEAR') return 'observer'
  if (initiative.tlp === 'GREEN' && viewer.organisationStatus === 'active') return 'observer'
  return null
}

/** The same rule as a filter for lists and counts of initiatives. */
export function initiativeAccessFilter(viewer: Viewer) {
  if (!can(viewer, 'initiative:view')) return null
  const organisation = new Types.ObjectId(viewer.organisationId)
  const branches: Record<string, unknown>[] = [{ participantIds: organisation, tlp: { $ne: 'RED' } }, { tlp: 'CLEAR' }]
  if (isCentre(viewer)) branches.push({ leadCentreId: organisation })
  if (viewer.organisationStatus === 'active') branches.push({ tlp: 'GREEN' })
  return { $or: branches }
}

/**
 * Indicators: the TLP table applied to each organisation's submission about a value.
 *
 * Only people holding `indicator:view` see any (not the operator, who sees no case content, nor the DPO's role alone).
 *
 * - CLEAR: every signed-in person of a centre or partner;
 * - GREEN: active organisations past probation, and the source;
 * - AMBER: the source, the organisations of the submission's initiative (lead and participants), the
 *   organisations assigned a task that carries the indicator and, when the source is a partner, the
 *   centres owning such tasks (`reach` says which these are);
 * - AMBER+STRICT: the source and the centre it was shared with (the lead centre of its initiative);
 * - RED: only the named people and the person who submitted it.
 */
export type SubmissionFacts = Pick<IndicatorSubmission, 'tlp'> & {
  organisationId: unknown
  submittedBy?: unknown
  redRecipientIds?: unknown[] | null
}

export type SubmissionReach = {
  /** Lead centre and participants of the submission's initiative. */
  initiativeOrganisationIds: string[]
  /** Assignees of (non-draft) tasks carrying the indicator, and their owning centres when the source is a partner. */
  taskOrganisationIds: string[]
  /** The centre an AMBER+STRICT submission was shared with; without it only the source sees one. */
  initiativeLeadCentreId?: string | null
}

/** Whether the viewer may see one submission (or a sighting, with the sighting organisation as its source). */
export function submissionSideFor(viewer: Viewer, submission: SubmissionFacts, facts: SubmissionReach): boolean {
  if (viewer.isOperator || !can(viewer, 'indicator:view')) return false
  const source = submission.organisationId === undefined || submission.organisationId === null ? '' : String(submission.organisationId)
  const ours = source === viewer.organisationId
  switch (submission.tlp) {
    case 'CLEAR':
      return true
    case 'GREEN':
      return ours || seesCommunityMaterial(viewer)
    case 'AMBER':
      return ours || facts.initiativeOrganisationIds.includes(viewer.organisationId) || facts.taskOrganisationIds.includes(viewer.organisationId)
    case 'AMBER+STRICT':
      return ours || (isCentre(viewer) && !!facts.initiativeLeadCentreId && facts.initiativeLeadCentreId === viewer.organisationId)
    case 'RED':
      return same(submission.submittedBy, viewer.userId) || (submission.redRecipientIds ?? []).some((id) => same(id, viewer.userId))
    default:
      return false
  }
}

const tasksCarryingIndicators = 'tasks are read only for the indicator ids they carry, to compute TLP:AMBER reach'

/** Ids of the indicators on the tasks assigned to the viewer's organisation (and, for a centre, on the tasks it owns). */
async function indicatorIdsOnTasksOf(viewer: Viewer) {
  const organisation = new Types.ObjectId(viewer.organisationId)
  const collect = (rows: { indicatorIds?: unknown[] | null }[]) => [...new Set(rows.flatMap((row) => (row.indicatorIds ?? []).map(String)))]
  const [assigned, owned] = await Promise.all([
    TaskModel.find({ assigneeOrganisationId: organisation, status: { $ne: 'draft' }, indicatorIds: { $exists: true } })
      .setOptions({ acrossOrganisations: tasksCarryingIndicators })
      .select({ indicatorIds: 1 })
      .lean(),
    isCentre(viewer)
      ? TaskModel.find({ ownerCentreId: organisation, indicatorIds: { $exists: true } })
          .setOptions({ acrossOrganisations: tasksCarryingIndicators })
          .select({ indicatorIds: 1 })
          .lean()
      : Promise.resolve([]),
  ])
  return { assigned: collect(assigned), owned: collect(owned) }
}

/**
 * The same rules as a filter on indicator submissions, for lists, search and counts. Queries with it
 * span organisations by design: pass `acrossOrganisations` with it.
 */
export async function visibleSubmissionFilter(viewer: Viewer): Promise<QueryFilter<IndicatorSubmission>> {
  if (viewer.isOperator || !can(viewer, 'indicator:view')) return { _id: { $in: [] } }
  const me = new Types.ObjectId(viewer.userId)
  const organisation = new Types.ObjectId(viewer.organisationId)
  const branches: QueryFilter<IndicatorSubmission>[] = [
    { tlp: 'CLEAR' },
    { organisationId: organisation, tlp: { $in: ['GREEN', 'AMBER', 'AMBER+STRICT'] } },
    { tlp: 'RED', submittedBy: me },
    { tlp: 'RED', redRecipientIds: me },
  ]
  if (seesCommunityMaterial(viewer)) branches.push({ tlp: 'GREEN' })
  const [initiatives, led, onTasks] = await Promise.all([
    initiativesOf(viewer),
    isCentre(viewer) ? InitiativeModel.find({ leadCentreId: organisation }).select({ _id: 1 }).lean() : Promise.resolve([]),
    indicatorIdsOnTasksOf(viewer),
  ])
  if (initiatives.length > 0) branches.push({ tlp: 'AMBER', initiativeId: { $in: initiatives } })
  if (led.length > 0) branches.push({ tlp: 'AMBER+STRICT', initiativeId: { $in: led.map((row) => row._id) } })
  if (onTasks.assigned.length > 0) branches.push({ tlp: 'AMBER', indicatorId: { $in: onTasks.assigned } })
  if (onTasks.owned.length > 0) {
    // A centre owning a task receives the partners' AMBER submissions about its indicators, not other centres'.
    const centres = await OrganisationModel.find({ kind: 'national_centre' }).select({ _id: 1 }).lean()
    branches.push({ tlp: 'AMBER', indicatorId: { $in: onTasks.owned }, organisationId: { $nin: centres.map((row) => row._id) } })
  }
  return { $or: branches }
}

/**
 * What an API key reaches of what its organisation may see: its own work (the tasks it is assigned or
 * owns, the initiatives it leads or takes part in), not what it only observes through an initiative.
 */
export const keyReachesTask = (side: TaskSide | null) => side === 'partner' || side === 'centre'
export const keyReachesInitiative = (side: string | null): side is 'lead' | 'participant' => side === 'lead' || side === 'participant'
