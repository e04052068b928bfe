import { Types } from 'mongoose'
import { z } from 'zod'
import { InitiativeModel, initiativeHealths, initiativeStatuses, type Initiative } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { overviewFigures } from './progress.server'
import {
  filterAndSortOverview,
  initiativeHealthList,
  initiativeStatusList,
  tlpRank,
  type InitiativeHealth,
  type InitiativeStatus,
  type OverviewRow,
  type OverviewState,
  type PendingInvitation,
} from './shared'
import { recordAudit } from '~/audit/audit.server'
import { actionTypes, tlpLabels, type TlpLabel } from '~/domain/vocabulary'
import { countryName } from '~/partners/countries.server'
import { canSeeInitiative, initiativeAccessFilter } from '~/policy/access.server'
import { can, isCentre, type Viewer } from '~/policy/permissions'
import { safeText } from '~/tasks/tasks.server'
import { claimOnce } from '~/utils/claims.server'
import type { RequestMeta } from '~/utils/request.server'
import { emitInitiativeUpdated } from '~/webhooks/domain-events.server'

export class InitiativeError extends Error {
  override name = 'InitiativeError'
  constructor(
    public readonly code: 'notFound' | 'forbidden' | 'invalidParticipant' | 'notInvited' | 'conflict' | 'tlpReasonRequired' | 'unknownMilestone',
  ) {
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
  await emitInitiativeUpdated(initiativeId)
}

// ---------------------------------------------------------------------------------------------
// Lists, and the lead centre's changes to its initiative.

// The UI's copies of the model's vocabularies (./shared) must be the same lists, both ways.
const _sameStatuses: [readonly InitiativeStatus[], readonly (typeof initiativeStatuses)[number][]] = [initiativeStatuses, initiativeStatusList]
const _sameHealths: [readonly InitiativeHealth[], readonly (typeof initiativeHealths)[number][]] = [initiativeHealths, initiativeHealthList]

/** The health the lead last stated in a status update, if any. */
export function latestUpdateOf<T extends { at: Date }>(updates: readonly T[]): T | null {
  return updates.reduce<T | null>((latest, update) => (!latest || update.at.getTime() >= latest.at.getTime() ? update : latest), null)
}

/** The overview reads at most this many initiatives (the most recently changed first). */
export const OVERVIEW_LIMIT = 500

/**
 * The initiatives the viewer may see (the access filter, then the access function on each), with the
 * progress module's figures, filtered and sorted as asked. Filter options come from these rows only,
 * so nothing about an initiative the viewer may not see reaches the page, not even as a count.
 */
export async function listInitiativesFor(viewer: Viewer, state: OverviewState, locale: string, now = new Date()) {
  const filter = initiativeAccessFilter(viewer)
  if (!filter) return null
  const found = await InitiativeModel.find(filter)
    .select({ title: 1, status: 1, tlp: 1, leadCentreId: 1, participantIds: 1, startAt: 1, targetAt: 1, objectives: 1, excludeNotApplicable: 1, createdAt: 1, updates: 1 })
    .sort({ updatedAt: -1, _id: -1 })
    .limit(OVERVIEW_LIMIT + 1)
    .lean<LoadedInitiative[]>()
  const visible = found.slice(0, OVERVIEW_LIMIT).flatMap((initiative) => {
    const side = canSeeInitiative(viewer, initiative)
    return side ? [{ initiative, side }] : []
  })
  const centreIds = [...new Set(visible.map(({ initiative }) => String(initiative.leadCentreId)))]
  const [figures, centres] = await Promise.all([
    overviewFigures(
      visible.map(({ initiative }) => initiative),
      now,
    ),
    OrganisationModel.find({ _id: { $in: centreIds } })
      .select({ legalName: 1, country: 1 })
      .lean(),
  ])
  const centreById = new Map(centres.map((centre) => [String(centre._id), centre]))
  const rows: OverviewRow[] = visible.flatMap(({ initiative, side }) => {
    const id = String(initiative._id)
    const figure = figures.get(id)
    if (!figure) return []
    const centre = centreById.get(String(initiative.leadCentreId))
    const update = latestUpdateOf(initiative.updates)
    return [
      {
        id,
        title: initiative.title,
        status: initiative.status,
        tlp: initiative.tlp as TlpLabel,
        side,
        leadCentre: {
          id: String(initiative.leadCentreId),
          name: centre?.legalName ?? '',
          country: centre?.country ?? '',
          countryName: centre ? countryName(centre.country, locale) : '',
        },
        targetAt: initiative.targetAt?.toISOString() ?? null,
        completion: figure.completion,
        kpiAttainment: figure.kpiAttainment,
        overdue: figure.overdue,
        health: update?.health ?? figure.suggestedHealth,
        healthSuggested: !update,
      },
    ]
  })
  const collator = new Intl.Collator(locale)
  const centreOptions = [...new Map(rows.map((row) => [row.leadCentre.id, { id: row.leadCentre.id, name: row.leadCentre.name }])).values()].sort((a, b) =>
    collator.compare(a.name, b.name),
  )
  const countryOptions = [...new Map(rows.map((row) => [row.leadCentre.country, { code: row.leadCentre.country, name: row.leadCentre.countryName }])).values()]
    .filter((option) => option.code)
    .sort((a, b) => collator.compare(a.name, b.name))
  return {
    rows: filterAndSortOverview(rows, state, locale),
    total: rows.length,
    truncated: found.length > OVERVIEW_LIMIT,
    options: { centres: centreOptions, countries: countryOptions },
  }
}

/** Invitations waiting for the viewer's organisation to answer. */
export async function pendingInvitationsFor(viewer: Viewer): Promise<PendingInvitation[]> {
  if (!can(viewer, 'initiative:respond')) return []
  const found = await InitiativeModel.find({ 'invitations.organisationId': new Types.ObjectId(viewer.organisationId) })
    .select({ title: 1, purpose: 1, leadCentreId: 1, invitations: 1 })
    .sort({ createdAt: -1, _id: -1 })
    .limit(200)
    .lean()
  const pending = found.flatMap((initiative) => {
    const invitation = initiative.invitations.find((i) => String(i.organisationId) === viewer.organisationId && i.status === 'invited')
    return invitation ? [{ initiative, at: invitation.at }] : []
  })
  const centres = await OrganisationModel.find({ _id: { $in: [...new Set(pending.map(({ initiative }) => String(initiative.leadCentreId)))] } })
    .select({ legalName: 1 })
    .lean()
  const names = new Map(centres.map((centre) => [String(centre._id), centre.legalName]))
  return pending.map(({ initiative, at }) => ({
    initiativeId: String(initiative._id),
    title: initiative.title,
    purpose: initiative.purpose,
    leadCentreName: names.get(String(initiative.leadCentreId)) ?? '',
    invitedAt: at.toISOString(),
  }))
}

const milestoneChange = z.object({
  id: objectId.optional(),
  title: safeText(200).pipe(z.string().trim().min(1, 'required')),
  dueAt: z.coerce.date({ error: 'invalid' }),
})

/** Everything the edit page changes at once. Lowering the label needs a reason (it is audited). */
export const initiativeChangesInput = z
  .object({
    title: initiativeInput.shape.title,
    purpose: initiativeInput.shape.purpose,
    status: z.enum(initiativeStatuses),
    startAt: initiativeInput.shape.startAt,
    targetAt: initiativeInput.shape.targetAt,
    tlp: z.enum(tlpLabels),
    tlpReason: safeText(500).pipe(z.string().trim()).optional(),
    objectives: initiativeInput.shape.objectives,
    milestones: z.array(milestoneChange).max(50).default([]),
    excludeNotApplicable: z.boolean().default(false),
  })
  .refine((value) => !value.startAt || !value.targetAt || value.targetAt > value.startAt, { message: 'targetBeforeStart', path: ['targetAt'] })
export type InitiativeChanges = z.input<typeof initiativeChangesInput>

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null)

/** The lead edits its initiative's details, objectives and milestones (milestones keep their done dates). */
export async function updateInitiativeDetails(viewer: Viewer, initiativeId: string, raw: InitiativeChanges, meta?: RequestMeta) {
  const initiative = await requireLead(viewer, initiativeId)
  const input = initiativeChangesInput.parse(raw)
  const previousTlp = initiative.tlp as TlpLabel
  const lowered = tlpRank(input.tlp) < tlpRank(previousTlp)
  if (lowered && !input.tlpReason) throw new InitiativeError('tlpReasonRequired')
  const existing = new Map(initiative.milestones.map((milestone) => [String(milestone._id), milestone]))
  const milestones = input.milestones.map((milestone) => {
    const kept = milestone.id ? existing.get(milestone.id) : undefined
    return kept
      ? { _id: kept._id, title: milestone.title, dueAt: milestone.dueAt, ...(kept.doneAt ? { doneAt: kept.doneAt } : {}) }
      : { _id: new Types.ObjectId(), title: milestone.title, dueAt: milestone.dueAt }
  })
  const changed = [
    input.title !== initiative.title && 'title',
    input.purpose !== initiative.purpose && 'purpose',
    input.status !== initiative.status && 'status',
    !sameTime(input.startAt, initiative.startAt) && 'startAt',
    !sameTime(input.targetAt, initiative.targetAt) && 'targetAt',
    input.tlp !== previousTlp && 'tlp',
    input.excludeNotApplicable !== Boolean(initiative.excludeNotApplicable) && 'excludeNotApplicable',
    JSON.stringify(input.objectives) !== JSON.stringify(initiative.objectives.map((o) => ({ actionType: o.actionType, target: o.target }))) && 'objectives',
    JSON.stringify(milestones.map((m) => [String(m._id), m.title, m.dueAt])) !==
      JSON.stringify(initiative.milestones.map((m) => [String(m._id), m.title, m.dueAt])) && 'milestones',
  ].filter((field): field is string => Boolean(field))
  if (changed.length === 0) return []
  const unset: Record<string, 1> = {}
  if (!input.startAt) unset.startAt = 1
  if (!input.targetAt) unset.targetAt = 1
  await updateInitiative(initiative, {
    $set: {
      title: input.title,
      purpose: input.purpose,
      status: input.status,
      tlp: input.tlp,
      excludeNotApplicable: input.excludeNotApplicable,
      objectives: input.objectives,
      milestones,
      ...(input.startAt ? { startAt: input.startAt } : {}),
      ...(input.targetAt ? { targetAt: input.targetAt } : {}),
    },
    ...(Object.keys(unset).length ? { $unset: unset } : {}),
  })
  await recordAudit({
    action: 'initiative.updated',
    actor: actorOf(viewer),
    target: { kind: 'initiative', id: initiativeId },
    meta,
    details: {
      fields: changed,
      ...(input.status !== initiative.status ? { statusFrom: initiative.status, statusTo: input.status } : {}),
      ...(input.tlp !== previousTlp ? { tlpFrom: previousTlp, tlpTo: input.tlp, tlpLowered: lowered, tlpReason: input.tlpReason ?? null } : {}),
    },
  })
  await emitInitiativeUpdated(initiativeId)
  return changed
}

/** The lead moves its initiative through planned, active, paused, completed and archived. */
export async function changeInitiativeStatus(viewer: Viewer, initiativeId: string, status: InitiativeStatus, meta?: RequestMeta) {
  const initiative = await requireLead(viewer, initiativeId)
  const next = z.enum(initiativeStatuses).parse(status)
  if (next === initiative.status) return false
  await updateInitiative(initiative, { $set: { status: next } })
  await recordAudit({
    action: 'initiative.status_changed',
    actor: actorOf(viewer),
    target: { kind: 'initiative', id: initiativeId },
    meta,
    details: { from: initiative.status, to: next },
  })
  await emitInitiativeUpdated(initiativeId)
  return true
}

/** The lead marks a milestone reached (or not reached after all). */
export async function setMilestoneDone(viewer: Viewer, initiativeId: string, milestoneId: string, done: boolean, meta?: RequestMeta) {
  const initiative = await requireLead(viewer, initiativeId)
  const milestone = initiative.milestones.find((m) => String(m._id) === milestoneId)
  if (!milestone) throw new InitiativeError('unknownMilestone')
  if (Boolean(milestone.doneAt) === done) return false
  const now = new Date()
  const milestones = initiative.milestones.map((m) => {
    const base = { _id: m._id, title: m.title, dueAt: m.dueAt }
    if (String(m._id) === milestoneId) return done ? { ...base, doneAt: now } : base
    return m.doneAt ? { ...base, doneAt: m.doneAt } : base
  })
  await updateInitiative(initiative, { $set: { milestones } })
  await recordAudit({
    action: done ? 'initiative.milestone_done' : 'initiative.milestone_reopened',
    actor: actorOf(viewer),
    target: { kind: 'initiative', id: initiativeId },
    meta,
    details: { milestone: milestoneId },
  })
  await emitInitiativeUpdated(initiativeId)
  return true
}

export { requireLead, updateInitiative }
