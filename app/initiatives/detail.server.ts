import { OrganisationModel } from '../../models/organisation'
import { TaskModel } from '../../models/task'
import { z } from 'zod'
import { InitiativeError, latestUpdateOf, loadInitiative, respondToInvitation, type LoadedInitiative } from './initiatives.server'
import { initiativeProgress, overviewFigures } from './progress.server'
import type { InitiativeHealth, InitiativeSide, InitiativeStatus } from './shared'
import { forbidden, notFound } from '~/auth/guards.server'
import type { OrganisationKind, TlpLabel } from '~/domain/vocabulary'
import { countryName } from '~/partners/countries.server'
import { initiativesOf, taskSideFor } from '~/policy/access.server'
import { can, seesCommunityMaterial, type Viewer } from '~/policy/permissions'
import type { RequestMeta } from '~/utils/request.server'

/** Turns "not found" and "forbidden" into the responses the routes throw; anything else is rethrown. */
export function initiativeFailure(error: unknown): never {
  if (error instanceof InitiativeError && (error.code === 'notFound' || error.code === 'notInvited')) throw notFound()
  if (error instanceof InitiativeError && error.code === 'forbidden') throw forbidden()
  throw error
}

/** The answer to an invitation: accepting is one step; declining asks for an explicit confirmation. */
export const RespondForm = z
  .object({
    intent: z.enum(['accept', 'decline'], { error: 'invalid' }),
    initiativeId: z.string().regex(/^[a-f\d]{24}$/i, 'invalid'),
    confirm: z.literal('yes').optional(),
  })
  .refine((form) => form.intent !== 'decline' || form.confirm === 'yes', { message: 'initiatives:errors.confirmDecline', path: ['confirm'] })

/** Answers an invitation; returns an error code the page shows, or null when done. */
export async function answerInvitation(viewer: Viewer, initiativeId: string, accept: boolean, meta: RequestMeta): Promise<string | null> {
  try {
    await respondToInvitation(viewer, initiativeId, accept, meta)
    return null
  } catch (error) {
    if (error instanceof InitiativeError && error.code === 'notInvited') return 'initiatives:errors.notInvited'
    if (error instanceof InitiativeError && error.code === 'conflict') return 'initiatives:errors.conflict'
    return initiativeFailure(error)
  }
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null)

/** Of these tasks, the ones the viewer may open (the one access function decides). */
async function tasksTheViewerSees(viewer: Viewer, taskIds: string[]) {
  if (taskIds.length === 0 || !can(viewer, 'task:view')) return new Set<string>()
  const [tasks, initiatives] = await Promise.all([
    TaskModel.find({ _id: { $in: taskIds } })
      .select({ ownerCentreId: 1, assigneeOrganisationId: 1, assigneeUserId: 1, tlp: 1, status: 1, createdBy: 1, initiativeId: 1, redRecipientIds: 1 })
      .setOptions({ acrossOrganisations: 'an initiative’s overdue tasks, each then checked by the access function' })
      .lean(),
    initiativesOf(viewer),
  ])
  const mine = initiatives.map(String)
  return new Set(tasks.filter((task) => taskSideFor(viewer, task, mine)).map((task) => String(task._id)))
}

type MilestoneState = 'done' | 'overdue' | 'upcoming'

function milestonesOf(initiative: LoadedInitiative, now: Date) {
  return initiative.milestones
    .map((milestone) => ({
      id: String(milestone._id),
      title: milestone.title,
      dueAt: milestone.dueAt.toISOString(),
      doneAt: iso(milestone.doneAt),
      state: (milestone.doneAt ? 'done' : milestone.dueAt.getTime() < now.getTime() ? 'overdue' : 'upcoming') as MilestoneState,
    }))
    .sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0))
}

/** What only the lead centre sees: the invitations and the organisations it may still invite. */
async function leadView(viewer: Viewer, initiative: LoadedInitiative) {
  const invitedIds = initiative.invitations.map((invitation) => invitation.organisationId)
  const [invited, invitable] = await Promise.all([
    OrganisationModel.find({ _id: { $in: invitedIds } })
      .select({ legalName: 1, kind: 1 })
      .lean(),
    OrganisationModel.find({
      _id: { $nin: [...invitedIds, initiative.leadCentreId] },
      status: { $in: ['active', 'probation'] },
      isOperator: { $ne: true },
    })
      .select({ legalName: 1, kind: 1, status: 1, nameKey: 1 })
      .sort({ nameKey: 1 })
      .limit(1000)
      .lean(),
  ])
  const byId = new Map(invited.map((organisation) => [String(organisation._id), organisation]))
  return {
    invitations: initiative.invitations
      .map((invitation) => ({
        organisationId: String(invitation.organisationId),
        name: byId.get(String(invitation.organisationId))?.legalName ?? '',
        kind: (byId.get(String(invitation.organisationId))?.kind ?? 'other') as OrganisationKind,
        status: invitation.status as 'invited' | 'accepted' | 'declined',
        at: invitation.at.toISOString(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    invitable: invitable.map((organisation) => ({
      id: String(organisation._id),
      name: organisation.legalName,
      kind: organisation.kind as OrganisationKind,
      probation: organisation.status === 'probation',
    })),
  }
}

/**
 * Everything the initiative page shows, shaped for the viewer's side. Every figure comes from the
 * progress module unchanged; this only decides what the viewer may see of it (which overdue tasks
 * they may open, whose contact points). An invited organisation sees the invitation and nothing more.
 */
export async function initiativePageFor(viewer: Viewer, initiativeId: string, locale: string, now = new Date()) {
  const { initiative, side } = await loadInitiative(viewer, initiativeId)
  const id = String(initiative._id)
  const lead = await OrganisationModel.findById(initiative.leadCentreId).select({ legalName: 1, country: 1 }).lean()
  const leadCentre = { name: lead?.legalName ?? '', countryName: lead ? countryName(lead.country, locale) : '' }
  if (side === 'invited') {
    return { side, invitation: { id, title: initiative.title, purpose: initiative.purpose, leadCentre } } as const
  }
  const progress = await initiativeProgress(initiative, now)
  // With not-applicable excluded, the page also shows the figure under the default rule.
  const alternative = initiative.excludeNotApplicable
    ? ((await overviewFigures([{ ...initiative, excludeNotApplicable: false }], now)).get(id)?.completion ?? null)
    : null
  const showContacts = side === 'lead' || seesCommunityMaterial(viewer)
  const [openable, participants, leadOnly] = await Promise.all([
    tasksTheViewerSees(
      viewer,
      progress.overdue.map((task) => task.taskId),
    ),
    OrganisationModel.find({ _id: { $in: initiative.participantIds } })
      .select({ legalName: 1, kind: 1 })
      .lean(),
    side === 'lead' ? leadView(viewer, initiative) : Promise.resolve(null),
  ])
  const update = latestUpdateOf(initiative.updates)
  const canManage = side === 'lead' && can(viewer, 'initiative:manage')
  return {
    side: side as Exclude<InitiativeSide, 'invited'>,
    initiative: {
      id,
      title: initiative.title,
      purpose: initiative.purpose,
      tlp: initiative.tlp as TlpLabel,
      status: initiative.status as InitiativeStatus,
      leadCentre,
      startAt: iso(initiative.startAt),
      targetAt: iso(initiative.targetAt),
      excludeNotApplicable: Boolean(initiative.excludeNotApplicable),
    },
    health: {
      value: (update?.health ?? progress.suggestedHealth) as InitiativeHealth,
      suggested: !update,
      suggestion: progress.suggestedHealth,
    },
    completion: progress.completion,
    alternativeCompletion: alternative,
    kpis: progress.kpis,
    partners: progress.partners,
    overdue: progress.overdue.map((task) => {
      const open = openable.has(task.taskId)
      return {
        key: task.taskId,
        taskId: open ? task.taskId : null,
        title: open ? task.title : null,
        organisationName: task.organisationName,
        dueAt: task.dueAt,
        daysOverdue: task.daysOverdue,
        contact: showContacts ? task.contact : null,
      }
    }),
    actionsPerWeek: progress.actionsPerWeek,
    burnup: progress.burnup,
    computedAt: progress.computedAt,
    milestones: milestonesOf(initiative, now),
    updates: [...initiative.updates]
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .map((u) => ({ id: String(u._id), at: u.at.toISOString(), authorName: u.authorName ?? '', text: u.text, health: u.health as InitiativeHealth })),
    participants: participants
      .map((organisation) => ({ id: String(organisation._id), name: organisation.legalName, kind: organisation.kind as OrganisationKind }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    lead: leadOnly,
    canManage,
  }
}

export type InitiativePage = Awaited<ReturnType<typeof initiativePageFor>>
export type InitiativePageFull = Exclude<InitiativePage, { side: 'invited' }>
