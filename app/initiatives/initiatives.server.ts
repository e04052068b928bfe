import { Types } from 'mongoose'
import { z } from 'zod'
import { InitiativeModel, initiativeHealths, initiativeStatuses, type Initiative } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { recordAudit } from '~/audit/audit.server'
import { actionTypes, tlpLabels } from '~/domain/vocabulary'
import { canSeeInitiative } from '~/policy/access.server'
import { can, isCentre, type Viewer } from '~/policy/permissions'
import { safeText } from '~/tasks/tasks.server'
import { claimOnce } from '~/utils/claims.server'
import type { RequestMeta } from '~/utils/request.server'

export class InitiativeError extends Error {
  override name = 'InitiativeError'
  constructor(public readonly code: 'notFound' | 'forbidden' | 'invalidParticipant' | 'notInvited' | 'conflict') {
    super(code)
  }
}

const objectId = z.string().regex(/^[a-f\d]{24}$/i, 'invalid')
const actorOf = (viewer: Viewer) => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

export const initiativeInput = z
  .object({
    title: safeText(200).pipe(z.string().trim().min(3, 'tooShort')),
    purpose: safeText(2000).pipe(z.string().trim().min(10, 'tooShort')),
    status: z.enum(initiativeStatuses).default('planned'),
    startAt: z.coerce.date({ error: 'invalid' }).optional(),
    targetAt: z.coerce.date({ error: 'invalid' }).optional(),
    tlp: z.enum(tlpLabels).default('AMBER'),
    objectives: z.array(z.object({ actionType: z.enum(actionTypes), target: z.coerce.number().int('invalid').min(1, 'invalid').max(10_000_000, 'invalid') })).max(20).default([]),
    milestones: z.array(z.object({ title: safeText(200).pipe(z.string().trim().min(1, 'required')), dueAt: z.coerce.date({ error: 'invalid' }) })).max(50).default([]),
    excludeNotApplicable: z.boolean().default(false),
  })
  .refine((value) => !value.startAt || !value.targetAt || value.targetAt > value.startAt, { message: 'targetBeforeStart', path: ['targetAt'] })
export type InitiativeInput = z.input<typeof initiativeInput>

/** A centre starts an initiative; it leads it. */
export async function createInitiative(viewer: Viewer, raw: InitiativeInput, meta?: RequestMeta) {
  if (!can(viewer, 'initiative:manage') || !isCentre(viewer)) throw new InitiativeError('forbidden')
  const input = initiativeInput.parse(raw)
  const created = await InitiativeModel.create({ ...input, leadCentreId: viewer.organisationId, createdBy: viewer.userId })
  await recordAudit({ action: 'initiative.created', actor: actorOf(viewer), target: { kind: 'initiative', id: String(created._id) }, meta })
  return String(created._id)
}

export type LoadedInitiative = Initiative & { _id: Types.ObjectId; __v?: number }

/** An initiative the viewer may see, with their relation to it; anything else is "not found". */
export async function loadInitiative(viewer: Viewer, initiativeId: string) {
  if (!objectId.safeParse(initiativeId).success) throw new InitiativeError('notFound')
  const initiative = await InitiativeModel.findById(initiativeId).lean<LoadedInitiative>()
  if (!initiative) throw new InitiativeError('notFound')
  const side = canSeeInitiative(viewer, initiative)
  if (!side) {
    // An invited organisation sees enough to answer the invitation.
    const invited = initiative.invitations.some((i) => String(i.organisationId) === viewer.organisationId && i.status === 'invited')
    if (!invited || !can(viewer, 'initiative:respond')) throw new InitiativeError('notFound')
    return { initiative, side: 'invited' as const }
  }
  return { initiative, side }
}

async function requireLead(viewer: Viewer, initiativeId: string) {
  const loaded = await loadInitiative(viewer, initiativeId)
  if (loaded.side !== 'lead' || !can(viewer, 'initiative:manage')) throw new InitiativeError('forbidden')
  return loaded.initiative
}

/** One change of an initiative at a time (conditional updates are not atomic on every backend). */
async function updateInitiative(initiative: LoadedInitiative, update: Record<string, unknown>) {
  if (!(await claimOnce(`initiative:${String(initiative._id)}@${initiative.__v ?? 0}`))) throw new InitiativeError('conflict')
  const { $set, ...rest } = update as { $set?: Record<string, unknown> }
  await InitiativeModel.updateOne({ _id: initiative._id }, { ...rest, $set: { ...$set, updatedAt: new Date() }, $inc: { __v: 1 } })
}

/** The lead centre invites organisations; each accepts or declines. */
export async function inviteParticipants(viewer: Viewer, initiativeId: string, organisationIds: string[], meta?: RequestMeta) {
  const initiative = await requireLead(viewer, initiativeId)
  const wanted = [...new Set(organisationIds)].filter((id) => id !== viewer.organisationId)
  const valid = await OrganisationModel.find({ _id: { $in: wanted }, status: { $in: ['active', 'probation'] }, isOperator: { $ne: true } })
    .select({ _id: 1 })
    .lean()
  if (valid.length !== wanted.length) throw new InitiativeError('invalidParticipant')
  const known = new Set(initiative.invitations.map((i) => String(i.organisationId)))
  const fresh = wanted.filter((id) => !known.has(id))
  if (fresh.length === 0) return 0
  const now = new Date()
  await updateInitiative(initiative, {
    $push: { invitations: { $each: fresh.map((organisationId) => ({ organisationId, status: 'invited', at: now })) } },
  })
  await recordAudit({ action: 'initiative.invited', actor: actorOf(viewer), target: { kind: 'initiative', id: initiativeId }, meta, details: { organisations: fresh.length } })
  return fresh.length
}

export async function respondToInvitation(viewer: Viewer, initiativeId: string, accept: boolean, meta?: RequestMeta) {
  if (!can(viewer, 'initiative:respond')) throw new InitiativeError('forbidden')
  const { initiative } = await loadInitiative(viewer, initiativeId)
  const invitation = initiative.invitations.find((i) => String(i.organisationId) === viewer.organisationId)
  if (!invitation || invitation.status !== 'invited') throw new InitiativeError('notInvited')
  const invitations = initiative.invitations.map((i) =>
    String(i.organisationId) === viewer.organisationId ? { organisationId: i.organisationId, status: accept ? 'accepted' : 'declined', at: new Date() } : i,
  )
  await updateInitiative(initiative, {
    $set: { invitations },
    ...(accept ? { $addToSet: { participantIds: new Types.ObjectId(viewer.organisationId) } } : {}),
  })
  await recordAudit({
    action: accept ? 'initiative.joined' : 'initiative.declined',
    actor: actorOf(viewer),
    target: { kind: 'initiative', id: initiativeId },
    meta,
  })
}

export const statusUpdateInput = z.object({
  text: safeText(2000).pipe(z.string().trim().min(3, 'tooShort')),
  health: z.enum(initiativeHealths),
})

/** The lead writes a status update; its health overrides the suggested one until the next update. */
export async function addStatusUpdate(viewer: Viewer, initiativeId: string, raw: z.input<typeof statusUpdateInput>, meta?: RequestMeta) {
  const initiative = await requireLead(viewer, initiativeId)
  const input = statusUpdateInput.parse(raw)
  await updateInitiative(initiative, {
    $push: { updates: { at: new Date(), authorUserId: viewer.userId, authorName: viewer.name, text: input.text, health: input.health } },
  })
  await recordAudit({ action: 'initiative.status_update', actor: actorOf(viewer), target: { kind: 'initiative', id: initiativeId }, meta, details: { health: input.health } })
}

export { requireLead, updateInitiative }
