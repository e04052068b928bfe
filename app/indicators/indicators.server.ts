import { createCookie } from '@remix-run/node'
import { Types, type QueryFilter } from 'mongoose'
import { z } from 'zod'
import { IndicatorModel, IndicatorSubmissionModel, SightingModel, type IndicatorSubmission } from '../../models/indicator'
import { InitiativeModel } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel } from '../../models/task'
import { UserModel } from '../../models/user'
import { defang } from './defang'
import { indicatorId as indicatorIdOf } from './ids.server'
import {
  gradeOf,
  INDICATOR_PAGE_SIZE,
  lowerLabelsThan,
  purposeMaxLength,
  tlpRank,
  type IndicatorDetail,
  type IndicatorListRow,
  type IndicatorListState,
  type IndicatorStatus,
  type IndicatorSummary,
  type LinkedTaskView,
  type SightingKind,
  type SightingView,
  type SubmissionView,
  type TaskIndicatorView,
} from './shared'
import { canSubmitIndicators } from './submit.server'
import { parseIndicator, supportedChains } from './types'
import { recordAudit } from '~/audit/audit.server'
import {
  accessPurposes,
  credibilityGrades,
  indicatorStatuses,
  indicatorTypes,
  openTaskStatuses,
  personalIndicatorTypes,
  reliabilityGrades,
  sightingKinds,
  tlpLabels,
  type IndicatorType,
  type OrganisationKind,
  type OrganisationStatus,
  type Role,
  type TaskStatus,
  type TlpLabel,
} from '~/domain/vocabulary'
import { notifyIndicatorRetracted } from '~/notifications/notify.server'
import { initiativesOf, submissionSideFor, taskSideFor, visibleSubmissionFilter, type SubmissionReach } from '~/policy/access.server'
import { can, type Viewer } from '~/policy/permissions'
import { returnTasksForReview } from '~/tasks/review.server'
import { loadTask } from '~/tasks/tasks.server'
import { containsCardNumber } from '~/utils/card-numbers'
import { claimOnce } from '~/utils/claims.server'
import { getEnv, sessionSecret } from '~/utils/env.server'
import { parseForm, type FieldErrors } from '~/utils/forms.server'
import type { RequestMeta } from '~/utils/request.server'
import { safeText } from '~/utils/text-schemas'
import { emitWebhookEvent } from '~/webhooks/emit.server'

/**
 * The read side of indicators and the few changes a source or a receiver makes afterwards: detail,
 * list and search, sightings, retraction, label lowering, links to tasks. Every path decides visibility
 * with the one access function (`submissionSideFor` / `visibleSubmissionFilter`): an indicator exists
 * for a viewer only when at least one of its submissions is visible to them, and every count, hint and
 * refusal says nothing more than that.
 */

/** Why an indicator operation was refused; routes answer `notFound` with 404 and the rest with a message. */
export class IndicatorError extends Error {
  override name = 'IndicatorError'
  constructor(public readonly code: 'notFound' | 'forbidden' | 'conflict' | 'notActive' | 'notLower' | 'taskClosed' | 'tooMany') {
    super(code)
  }
}

const indicatorIdPattern = /^[a-f0-9]{64}$/
const ACROSS = 'indicators are shared across organisations under TLP; each row is checked by the access function'
const ACROSS_PEOPLE = 'the people of the organisations that received a retracted indicator'
const DAY = 24 * 60 * 60 * 1000
const workingRoles: readonly Role[] = ['member', 'admin', 'staff', 'coordinator']

type SubmissionDoc = {
  _id: string
  indicatorId: string
  organisationId: Types.ObjectId
  submittedBy?: Types.ObjectId | null
  value: string
  tlp: TlpLabel
  redRecipientIds?: Types.ObjectId[] | null
  initiativeId?: Types.ObjectId | null
  personal: boolean
  reliability: string
  credibility: string
  context?: string | null
  status: IndicatorStatus
  retraction?: { reason?: string | null; at?: Date | null; by?: Types.ObjectId | null } | null
  firstSeenAt: Date
  lastSeenAt: Date
  reviewBy: Date
  deleteBy: Date
  createdAt: Date
  updatedAt: Date
}

type IndicatorDoc = {
  _id: string
  type: IndicatorType
  normalised: string
  chain?: string | null
  untraceable?: boolean | null
  firstSeenAt: Date
  lastSeenAt: Date
}

type SightingDoc = {
  _id: Types.ObjectId
  indicatorId: string
  organisationId: Types.ObjectId
  userId?: Types.ObjectId | null
  kind: SightingKind
  at: Date
  count: number
  tlp: TlpLabel
  note?: string | null
}

type LinkedTaskDoc = {
  _id: Types.ObjectId
  ownerCentreId: Types.ObjectId
  assigneeOrganisationId: Types.ObjectId
  assigneeUserId?: Types.ObjectId | null
  initiativeId?: Types.ObjectId | null
  tlp: TlpLabel
  status: TaskStatus
  createdBy: Types.ObjectId
  redRecipientIds?: Types.ObjectId[] | null
  title: string
  dueAt: Date
  indicatorIds?: unknown[] | null
}

const linkedTaskFields = {
  ownerCentreId: 1,
  assigneeOrganisationId: 1,
  assigneeUserId: 1,
  initiativeId: 1,
  tlp: 1,
  status: 1,
  createdBy: 1,
  redRecipientIds: 1,
  title: 1,
  dueAt: 1,
  indicatorIds: 1,
} as const

const submissionFields = {
  indicatorId: 1,
  organisationId: 1,
  submittedBy: 1,
  value: 1,
  tlp: 1,
  redRecipientIds: 1,
  initiativeId: 1,
  personal: 1,
  reliability: 1,
  credibility: 1,
  context: 1,
  status: 1,
  retraction: 1,
  firstSeenAt: 1,
  lastSeenAt: 1,
  reviewBy: 1,
  deleteBy: 1,
  createdAt: 1,
  updatedAt: 1,
} as const

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : '')
const isOpenStatus = (status: string) => (openTaskStatuses as readonly string[]).includes(status)
const isPersonalType = (type: string) => (personalIndicatorTypes as readonly string[]).includes(type)

/** How a value is shown: URLs and domains defanged so that they can never become links. */
export function displayOf(type: IndicatorType, text: string) {
  return type === 'url' || type === 'domain' ? defang(text) : text
}

/** Chains a wallet may be on (canonical codes), for the forms. */
export function indicatorChains(): string[] {
  return [...supportedChains]
}

/** Who may record sightings, retract and lower their organisation's labels: the working roles of centres and partners. */
export function canWorkWithIndicators(viewer: Viewer) {
  return !viewer.isOperator && can(viewer, 'indicator:submit') && canSubmitIndicators(viewer)
}

/** Who may open the indicator pages at all; what they see there is decided submission by submission. */
export function canViewIndicators(viewer: Viewer) {
  return !viewer.isOperator && can(viewer, 'indicator:view')
}

// --- who an indicator reaches ---------------------------------------------------------------------

type ReachContext = {
  tasks: LinkedTaskDoc[]
  initiatives: Map<string, { lead: string; members: string[] }>
  organisations: Map<string, { name: string; kind: OrganisationKind }>
}

/** Tasks carrying the indicators, the submissions' initiatives and the organisations involved. */
async function reachContext(indicatorIds: string[], submissions: SubmissionDoc[], moreOrganisationIds: string[] = []): Promise<ReachContext> {
  const initiativeIds = [...new Set(submissions.flatMap((s) => (s.initiativeId ? [String(s.initiativeId)] : [])))]
  const [tasks, initiatives] = await Promise.all([
    // The tasks that carry an indicator decide who its TLP:AMBER submissions reach, whichever organisations they link.
    // Through the driver: indicator ids are strings, which the task schema's ObjectId cast would refuse.
    indicatorIds.length > 0
      ? TaskModel.collection.find<LinkedTaskDoc>({ indicatorIds: { $in: indicatorIds } }, { projection: linkedTaskFields }).toArray()
      : Promise.resolve([]),
    initiativeIds.length > 0
      ? InitiativeModel.find({ _id: { $in: initiativeIds } })
          .select({ leadCentreId: 1, participantIds: 1 })
          .lean()
      : Promise.resolve([]),
  ])
  const organisationIds = new Set([
    ...submissions.map((s) => String(s.organisationId)),
    ...tasks.flatMap((task) => [String(task.ownerCentreId), String(task.assigneeOrganisationId)]),
    ...moreOrganisationIds,
  ])
  const organisations = await OrganisationModel.find({ _id: { $in: [...organisationIds] } })
    .select({ legalName: 1, kind: 1 })
    .lean()
  return {
    tasks,
    initiatives: new Map(
      initiatives.map((initiative) => [
        String(initiative._id),
        { lead: String(initiative.leadCentreId), members: (initiative.participantIds ?? []).map(String) },
      ]),
    ),
    organisations: new Map(organisations.map((org) => [String(org._id), { name: org.legalName, kind: org.kind as OrganisationKind }])),
  }
}

const carries = (task: LinkedTaskDoc, indicatorId: string) => (task.indicatorIds ?? []).some((id) => String(id) === indicatorId)

/** Organisations a task carrying the indicator brings into reach: its assignee and, for a partner's statement, its owning centre. */
function taskReach(ctx: ReachContext, indicatorId: string, sourceId: string) {
  const sourceIsCentre = ctx.organisations.get(sourceId)?.kind === 'national_centre'
  return [
    ...new Set(
      ctx.tasks
        .filter((task) => carries(task, indicatorId))
        .flatMap((task) => [...(task.status !== 'draft' ? [String(task.assigneeOrganisationId)] : []), ...(sourceIsCentre ? [] : [String(task.ownerCentreId)])]),
    ),
  ]
}

function reachOfSubmission(submission: Pick<SubmissionDoc, 'indicatorId' | 'organisationId' | 'initiativeId'>, ctx: ReachContext): SubmissionReach {
  const initiative = submission.initiativeId ? ctx.initiatives.get(String(submission.initiativeId)) : undefined
  return {
    initiativeOrganisationIds: initiative ? [initiative.lead, ...initiative.members] : [],
    taskOrganisationIds: taskReach(ctx, submission.indicatorId, String(submission.organisationId)),
    initiativeLeadCentreId: initiative?.lead ?? null,
  }
}

/** A sighting follows the TLP table with the sighting organisation as its source; AMBER also reaches the indicator's sources. */
function sightingVisible(viewer: Viewer, sighting: SightingDoc, submissions: SubmissionDoc[], ctx: ReachContext) {
  return submissionSideFor(
    viewer,
    { organisationId: sighting.organisationId, submittedBy: sighting.userId, tlp: sighting.tlp },
    {
      initiativeOrganisationIds: [...new Set(submissions.map((s) => String(s.organisationId)))],
      taskOrganisationIds: taskReach(ctx, sighting.indicatorId, String(sighting.organisationId)),
      initiativeLeadCentreId: null,
    },
  )
}

type LoadedIndicator = {
  indicator: IndicatorDoc
  submissions: SubmissionDoc[]
  visible: SubmissionDoc[]
  ctx: ReachContext
  personal: boolean
}

/**
 * An indicator the viewer may see, with every submission (for the checks of this module) and the
 * visible ones; anything else — a malformed id, an unknown value, a value only others may see — is
 * "not found", alike.
 */
export async function loadIndicatorFor(viewer: Viewer, id: string): Promise<LoadedIndicator> {
  if (!indicatorIdPattern.test(id) || !canViewIndicators(viewer)) throw new IndicatorError('notFound')
  const indicator = await IndicatorModel.findOne({ _id: id }).lean<IndicatorDoc>()
  if (!indicator) throw new IndicatorError('notFound')
  const submissions = await IndicatorSubmissionModel.find({ indicatorId: id })
    .setOptions({ acrossOrganisations: ACROSS })
    .select(submissionFields)
    .lean<SubmissionDoc[]>()
  const ctx = await reachContext([id], submissions)
  const visible = submissions.filter((submission) => submissionSideFor(viewer, submission, reachOfSubmission(submission, ctx)))
  if (visible.length === 0) throw new IndicatorError('notFound')
  const personal = isPersonalType(indicator.type) || visible.some((submission) => submission.personal)
  return { indicator, submissions, visible, ctx, personal }
}

function summaryOf(indicator: IndicatorDoc, personal: boolean): IndicatorSummary {
  return {
    id: indicator._id,
    type: indicator.type,
    display: personal ? null : displayOf(indicator.type, indicator.normalised),
    personal,
    chain: indicator.chain ?? null,
    untraceable: Boolean(indicator.untraceable),
  }
}

export type IndicatorPage =
  | { state: 'purpose'; summary: IndicatorSummary; ownSubmission: boolean }
  | { state: 'open'; detail: IndicatorDetail }

/**
 * What the indicator page shows. Personal data stays behind a purpose: until the viewer has given one
 * (`purposeGiven`), only the type and the fact that it is personal are returned.
 */
export async function indicatorPageFor(viewer: Viewer, id: string, { purposeGiven }: { purposeGiven: boolean }): Promise<IndicatorPage> {
  const loaded = await loadIndicatorFor(viewer, id)
  const { indicator, submissions, visible, ctx, personal } = loaded
  if (personal && !purposeGiven) {
    return {
      state: 'purpose',
      summary: summaryOf(indicator, true),
      ownSubmission: visible.some((submission) => String(submission.organisationId) === viewer.organisationId),
    }
  }
  const mayWork = canWorkWithIndicators(viewer)

  const sightings = await SightingModel.find({ indicatorId: id })
    .setOptions({ acrossOrganisations: ACROSS })
    .sort({ at: -1, _id: -1 })
    .select({ indicatorId: 1, organisationId: 1, userId: 1, kind: 1, at: 1, count: 1, tlp: 1, note: 1 })
    .lean<SightingDoc[]>()
  const sightingOrganisations = [...new Set(sightings.map((s) => String(s.organisationId)))].filter((orgId) => !ctx.organisations.has(orgId))
  if (sightingOrganisations.length > 0) {
    const more = await OrganisationModel.find({ _id: { $in: sightingOrganisations } })
      .select({ legalName: 1, kind: 1 })
      .lean()
    for (const org of more) ctx.organisations.set(String(org._id), { name: org.legalName, kind: org.kind as OrganisationKind })
  }
  const visibleSightings = sightings.filter((sighting) => sightingVisible(viewer, sighting, submissions, ctx))
  const nameOf = (orgId: unknown) => ctx.organisations.get(String(orgId))?.name ?? ''

  // "Also seen by": other organisations whose submission or sighting the viewer may see, and no others.
  const others = new Set([...visible.map((s) => String(s.organisationId)), ...visibleSightings.map((s) => String(s.organisationId))])
  others.delete(viewer.organisationId)

  const viewerInitiatives = ctx.tasks.some((task) => task.initiativeId) ? (await initiativesOf(viewer)).map(String) : []
  const linked = ctx.tasks.filter((task) => taskSideFor(viewer, task, viewerInitiatives))
  const linkedTasks: LinkedTaskView[] = linked
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
    .map((task) => ({ id: String(task._id), title: task.title, status: task.status, open: isOpenStatus(task.status), dueAt: iso(task.dueAt) }))

  const submissionViews: SubmissionView[] = visible
    .map((submission) => {
      const own = String(submission.organisationId) === viewer.organisationId
      const active = submission.status === 'active'
      return {
        id: submission._id,
        own,
        sourceName: nameOf(submission.organisationId),
        value: displayOf(indicator.type, submission.value),
        tlp: submission.tlp,
        reliability: submission.reliability,
        credibility: submission.credibility,
        grade: gradeOf(submission.reliability, submission.credibility),
        personal: submission.personal,
        context: submission.context ?? '',
        status: submission.status,
        retraction: submission.retraction?.at ? { reason: submission.retraction.reason ?? '', at: iso(submission.retraction.at) } : null,
        firstSeenAt: iso(submission.firstSeenAt),
        lastSeenAt: iso(submission.lastSeenAt),
        reviewBy: iso(submission.reviewBy),
        deleteBy: iso(submission.deleteBy),
        canRetract: own && active && mayWork,
        lowerTo: own && active && mayWork ? lowerLabelsThan(submission.tlp) : [],
      }
    })
    .sort((a, b) => Number(b.own) - Number(a.own) || (a.lastSeenAt < b.lastSeenAt ? 1 : -1))

  const sightingViews: SightingView[] = visibleSightings.slice(0, 100).map((sighting) => ({
    id: String(sighting._id),
    own: String(sighting.organisationId) === viewer.organisationId,
    organisationName: nameOf(sighting.organisationId),
    kind: sighting.kind,
    at: iso(sighting.at),
    count: sighting.count,
    tlp: sighting.tlp,
    note: sighting.note ?? null,
  }))

  const relatedIds = [...new Set(linked.flatMap((task) => (task.indicatorIds ?? []).map(String)))].filter((other) => other !== id)
  return {
    state: 'open',
    detail: {
      ...summaryOf(indicator, personal),
      display: displayOf(indicator.type, indicator.normalised),
      // From the visible statements only: the indicator's own dates also cover those the viewer may not see.
      firstSeenAt: iso(new Date(Math.min(...visible.map((s) => s.firstSeenAt.getTime())))),
      lastSeenAt: iso(new Date(Math.max(...visible.map((s) => s.lastSeenAt.getTime())))),
      submissions: submissionViews,
      sightings: sightingViews,
      alsoSeenBy: others.size,
      linkedTasks,
      related: (await visibleIndicators(viewer, relatedIds)).map(({ summary }) => summary),
      canRecordSighting: mayWork,
    },
  }
}

/** The indicators among `ids` with at least one submission the viewer may see, with those submissions. */
async function visibleIndicators(viewer: Viewer, ids: string[]) {
  if (ids.length === 0 || !canViewIndicators(viewer)) return []
  const submissions = await IndicatorSubmissionModel.find({ $and: [{ indicatorId: { $in: ids } }, await visibleSubmissionFilter(viewer)] })
    .setOptions({ acrossOrganisations: ACROSS })
    .select({ indicatorId: 1, tlp: 1, personal: 1, status: 1 })
    .lean<Pick<SubmissionDoc, '_id' | 'indicatorId' | 'tlp' | 'personal' | 'status'>[]>()
  const byIndicator = new Map<string, typeof submissions>()
  for (const submission of submissions) byIndicator.set(submission.indicatorId, [...(byIndicator.get(submission.indicatorId) ?? []), submission])
  const indicators = await IndicatorModel.find({ _id: { $in: [...byIndicator.keys()] } }).lean<IndicatorDoc[]>()
  return indicators
    .map((indicator) => {
      const seen = byIndicator.get(indicator._id) ?? []
      const personal = isPersonalType(indicator.type) || seen.some((s) => s.personal)
      return {
        summary: summaryOf(indicator, personal),
        tlp: seen.reduce<TlpLabel>((most, s) => (tlpRank(s.tlp) > tlpRank(most) ? s.tlp : most), 'CLEAR'),
        retracted: seen.length > 0 && seen.every((s) => s.status === 'retracted'),
      }
    })
    .sort((a, b) => a.summary.type.localeCompare(b.summary.type) || a.summary.id.localeCompare(b.summary.id))
}

// --- list and search ------------------------------------------------------------------------------

const blankToEmpty = <T extends z.ZodType>(schema: T) => schema.or(z.literal('')).catch('')

/** The list's query string; anything malformed falls back to "no filter" rather than failing. */
export const indicatorListQuery = z.object({
  q: z.string().trim().max(2048).catch(''),
  type: blankToEmpty(z.enum(indicatorTypes)),
  chain: z.string().trim().max(40).catch(''),
  acquirer: z.string().trim().max(200).catch(''),
  tlp: blankToEmpty(z.enum(tlpLabels)),
  status: blankToEmpty(z.enum(indicatorStatuses)),
  personal: blankToEmpty(z.enum(['yes', 'no'])),
  mine: z
    .string()
    .optional()
    .transform((value) => value === '1')
    .catch(false),
  after: z.string().max(300).optional().catch(undefined),
})

export type IndicatorListQuery = IndicatorListState & { after?: string }

export function readIndicatorListQuery(url: URL): IndicatorListQuery {
  return indicatorListQuery.parse(Object.fromEntries(url.searchParams))
}

const cursorSchema = z.tuple([z.iso.datetime(), z.string().regex(/^[a-f0-9]{64}:[a-f0-9]{24}$/)])

function encodeCursor(updatedAt: Date, id: string) {
  return Buffer.from(JSON.stringify([updatedAt.toISOString(), id])).toString('base64url')
}

function decodeCursor(raw: string | undefined): { updatedAt: Date; id: string } | null {
  if (!raw) return null
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')))
    return parsed.success ? { updatedAt: new Date(parsed.data[0]), id: parsed.data[1] } : null
  } catch {
    return null
  }
}

/**
 * The ids a typed value could have: the query normalised as each plausible type (or the chosen one),
 * a wallet without a chain tried on every chain. Nothing is looked up but `_id`s.
 */
export function candidateIds(query: Pick<IndicatorListState, 'q' | 'type' | 'chain' | 'acquirer'>): string[] {
  const types = query.type ? [query.type] : indicatorTypes
  const ids = new Set<string>()
  for (const type of types) {
    const chains = type === 'crypto_wallet' && !query.chain ? supportedChains : [query.chain || undefined]
    for (const chain of chains) {
      const parsed = parseIndicator(type, query.q, { chain, acquirer: query.acquirer || undefined })
      if (parsed.ok) ids.add(indicatorIdOf(type, parsed.indicator.normalised))
    }
  }
  return [...ids]
}

export type IndicatorList = {
  rows: IndicatorListRow[]
  next: string | null
  /** A search that could not even be read as a value: why (a card number is refused outright). */
  searchProblem: 'cardNumber' | 'noType' | null
}

const SCAN_BATCH = 200
const SCAN_LIMIT = 2_000

/**
 * One page of the submissions the viewer may see, newest first, paged by (updatedAt, _id). A search
 * looks up the exact value's ids; a type filter without a search reads in batches and keeps the rows
 * of that type (at most SCAN_LIMIT rows are read per page; the cursor then continues from there).
 */
export async function listIndicatorsFor(viewer: Viewer, query: IndicatorListQuery): Promise<IndicatorList> {
  const empty = (searchProblem: IndicatorList['searchProblem'] = null): IndicatorList => ({ rows: [], next: null, searchProblem })
  if (!canViewIndicators(viewer)) return empty()
  const parts: QueryFilter<IndicatorSubmission>[] = [await visibleSubmissionFilter(viewer)]
  let typeToScan: IndicatorType | null = query.type || null
  if (query.q) {
    if (containsCardNumber(query.q)) return empty('cardNumber')
    const ids = candidateIds(query)
    if (ids.length === 0) return empty('noType')
    parts.push({ indicatorId: { $in: ids } })
    typeToScan = null
  }
  if (query.tlp) parts.push({ tlp: query.tlp })
  if (query.status) parts.push({ status: query.status })
  if (query.personal) parts.push({ personal: query.personal === 'yes' })
  if (query.mine) parts.push({ organisationId: new Types.ObjectId(viewer.organisationId) })

  const rows: SubmissionDoc[] = []
  const indicators = new Map<string, IndicatorDoc>()
  let cursor = decodeCursor(query.after)
  let next: string | null = null
  let scanned = 0
  for (;;) {
    const batch = typeToScan ? SCAN_BATCH : INDICATOR_PAGE_SIZE + 1
    const page = await IndicatorSubmissionModel.find({
      $and: [...parts, ...(cursor ? [{ $or: [{ updatedAt: { $lt: cursor.updatedAt } }, { updatedAt: cursor.updatedAt, _id: { $lt: cursor.id } }] }] : [])],
    })
      .setOptions({ acrossOrganisations: ACROSS })
      .sort({ updatedAt: -1, _id: -1 })
      .limit(batch)
      .select(submissionFields)
      .lean<SubmissionDoc[]>()
    const wanted = page.map((s) => s.indicatorId).filter((id) => !indicators.has(id))
    if (wanted.length > 0) {
      for (const indicator of await IndicatorModel.find({ _id: { $in: [...new Set(wanted)] } }).lean<IndicatorDoc[]>()) indicators.set(indicator._id, indicator)
    }
    let filled = false
    for (const submission of page) {
      const indicator = indicators.get(submission.indicatorId)
      scanned++
      cursor = { updatedAt: submission.updatedAt, id: submission._id }
      if (!indicator || (typeToScan && indicator.type !== typeToScan)) continue
      if (rows.length === INDICATOR_PAGE_SIZE) {
        filled = true
        break
      }
      rows.push(submission)
    }
    const last = rows[rows.length - 1]
    if (filled) {
      next = last ? encodeCursor(last.updatedAt, last._id) : null
      break
    }
    if (page.length < batch) break
    if (!typeToScan || scanned >= SCAN_LIMIT) {
      next = cursor ? encodeCursor(cursor.updatedAt, cursor.id) : null
      break
    }
  }

  const sources = await OrganisationModel.find({ _id: { $in: [...new Set(rows.map((s) => String(s.organisationId)))] } })
    .select({ legalName: 1 })
    .lean()
  const names = new Map(sources.map((org) => [String(org._id), org.legalName]))
  return {
    rows: rows.flatMap((submission) => {
      const indicator = indicators.get(submission.indicatorId)
      if (!indicator) return []
      const personal = submission.personal || isPersonalType(indicator.type)
      return [
        {
          submissionId: submission._id,
          indicatorId: indicator._id,
          type: indicator.type,
          display: personal ? null : displayOf(indicator.type, indicator.normalised),
          personal,
          chain: indicator.chain ?? null,
          untraceable: Boolean(indicator.untraceable),
          tlp: submission.tlp,
          reliability: submission.reliability,
          credibility: submission.credibility,
          status: submission.status,
          sourceName: names.get(String(submission.organisationId)) ?? '',
          own: String(submission.organisationId) === viewer.organisationId,
          updatedAt: iso(submission.updatedAt),
        },
      ]
    }),
    next,
    searchProblem: null,
  }
}

// --- personal data: a purpose before the value ----------------------------------------------------

const PURPOSE_TTL_MS = 30 * 60 * 1000
const MAX_GRANTS = 20

const grantsSchema = z.object({ s: z.string(), g: z.record(z.string(), z.number()) })
type Grants = z.infer<typeof grantsSchema>

/** Purposes given in this session, per indicator, for half an hour; signed, bound to the session. */
function purposeCookie() {
  return createCookie('__indicator_purpose', {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: getEnv().NODE_ENV === 'production',
    secrets: [sessionSecret()],
    maxAge: PURPOSE_TTL_MS / 1000,
  })
}

async function grantsOf(request: Request, sessionId: string, now: number): Promise<Grants> {
  const parsed = grantsSchema.safeParse(await purposeCookie().parse(request.headers.get('cookie')))
  if (!parsed.success || parsed.data.s !== sessionId) return { s: sessionId, g: {} }
  return { s: sessionId, g: Object.fromEntries(Object.entries(parsed.data.g).filter(([, until]) => until > now)) }
}

/** Whether the viewer gave a purpose for this indicator in this session, less than half an hour ago. */
export async function purposeGiven(request: Request, sessionId: string, indicatorId: string, now = Date.now()) {
  return ((await grantsOf(request, sessionId, now)).g[indicatorId] ?? 0) > now
}

export const purposeInput = z
  .object({
    purpose: z.enum(accessPurposes, 'required'),
    justification: safeText(purposeMaxLength).transform((text) => text.trim()).default(''),
  })
  .refine((value) => value.purpose !== 'other' || value.justification.length >= 3, { message: 'indicators:errors.justificationRequired', path: ['justification'] })

/**
 * Records why the viewer opens a personal indicator (`indicator.personal_accessed`, with the purpose)
 * and returns the cookie that remembers it for this session and indicator.
 */
export async function givePurpose(
  request: Request,
  viewer: Viewer,
  sessionId: string,
  id: string,
  raw: z.input<typeof purposeInput>,
  meta?: RequestMeta,
  now = Date.now(),
) {
  const input = purposeInput.parse(raw)
  const { personal } = await loadIndicatorFor(viewer, id)
  if (personal) {
    await recordAudit({
      action: 'indicator.personal_accessed',
      actor: actorOf(viewer),
      target: { kind: 'indicator', id },
      meta,
      details: { purpose: input.purpose, justification: input.justification },
    })
  }
  const grants = await grantsOf(request, sessionId, now)
  const kept = Object.entries(grants.g)
    .filter(([key]) => key !== id)
    .sort(([, a], [, b]) => b - a)
    .slice(0, MAX_GRANTS - 1)
  return purposeCookie().serialize({ s: sessionId, g: { ...Object.fromEntries(kept), [id]: now + PURPOSE_TTL_MS } } satisfies Grants)
}

// --- sightings, retraction, labels ----------------------------------------------------------------

const actorOf = (viewer: Viewer) => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

/** A reason for a retraction or a lowered label: said in words, audited. */
export const reasonInput = safeText(2000).pipe(z.string().trim().min(3, 'tooShort'))

export const sightingInput = z.object({
  kind: z.enum(sightingKinds, 'required'),
  at: z.coerce.date({ error: 'invalid' }).refine((date) => date.getTime() <= Date.now() + DAY, 'indicators:errors.futureDate'),
  count: z.coerce.number({ error: 'invalid' }).int('invalid').min(1, 'invalid').max(1_000_000, 'invalid').default(1),
  tlp: z.enum(tlpLabels, 'required').default('AMBER'),
  note: safeText(2000)
    .transform((text) => text.trim())
    .optional(),
})

/** Records that the viewer's organisation saw, processed or matched a value (or screened it without a match). */
export async function recordSighting(viewer: Viewer, id: string, raw: z.input<typeof sightingInput>, meta?: RequestMeta, now = new Date()) {
  await loadIndicatorFor(viewer, id)
  if (!canWorkWithIndicators(viewer)) throw new IndicatorError('forbidden')
  const input = sightingInput.parse(raw)
  const created = await SightingModel.create({
    indicatorId: id,
    organisationId: new Types.ObjectId(viewer.organisationId),
    userId: new Types.ObjectId(viewer.userId),
    kind: input.kind,
    at: input.at,
    count: input.count,
    tlp: input.tlp,
    note: input.note || undefined,
    createdAt: now,
  })
  await recordAudit({
    action: 'indicator.sighting',
    actor: actorOf(viewer),
    target: { kind: 'indicator', id },
    meta,
    details: { sightingId: String(created._id), kind: input.kind, tlp: input.tlp, count: input.count },
  })
  return String(created._id)
}

/** The viewer's organisation's own submission, if the viewer may see it and may act on it. */
async function ownSubmission(viewer: Viewer, id: string) {
  const loaded = await loadIndicatorFor(viewer, id)
  const own = loaded.visible.find((submission) => String(submission.organisationId) === viewer.organisationId)
  if (!own || !canWorkWithIndicators(viewer)) throw new IndicatorError('forbidden')
  if (own.status !== 'active') throw new IndicatorError('notActive')
  return { ...loaded, own }
}

/**
 * The source takes its statement back, with a reason (audited). Everyone who received it hears of it,
 * each only if they could see this submission (the TLP access function decides, person by person):
 *
 * - the organisations that recorded sightings of the value: their working people;
 * - the organisations assigned an open task carrying it: their people who may see that task;
 * - the centres owning such tasks: the task's creator and the centre's coordinators. Those open tasks
 *   go back to the owning centre for review (a flag on the task; the partner's state is unchanged),
 *   when that centre could see the statement or made it.
 *
 * Each receiving organisation's systems get an `indicator.retracted` webhook with what it may see.
 */
export async function retractSubmission(viewer: Viewer, id: string, raw: { reason: string }, meta?: RequestMeta, now = new Date()) {
  const why = reasonInput.parse(raw.reason)
  const { own, ctx, indicator, submissions } = await ownSubmission(viewer, id)
  if (!(await claimOnce(`indicator-submission:${own._id}@${own.updatedAt.getTime()}`))) throw new IndicatorError('conflict')
  await IndicatorSubmissionModel.updateOne(
    { _id: own._id, organisationId: own.organisationId },
    { $set: { status: 'retracted', retraction: { reason: why, at: now, by: new Types.ObjectId(viewer.userId) }, updatedAt: now } },
  )
  await recordAudit({ action: 'indicator.retracted', actor: actorOf(viewer), target: { kind: 'indicator', id }, meta, details: { submissionId: own._id, reason: why } })

  const { people, organisations } = await receiversOf(own, ctx)
  const source = String(own.organisationId)
  // A TLP:RED statement reached named people only: the flag goes only where one of them owns the task.
  const centreReceived = (task: LinkedTaskDoc) =>
    own.tlp === 'RED'
      ? people.some((person) => person.taskId === String(task._id) && person.organisationId === String(task.ownerCentreId))
      : String(task.ownerCentreId) === source || organisations.has(String(task.ownerCentreId))
  const forReview = ctx.tasks.filter((task) => carries(task, id) && isOpenStatus(task.status) && centreReceived(task))
  const tasksForReview = await returnTasksForReview({ taskIds: forReview.map((task) => String(task._id)), indicatorId: id, at: now })
  const notified = await notifyIndicatorRetracted({
    recipients: people,
    indicatorId: id,
    title: indicator.type,
    actor: { userId: viewer.userId, name: viewer.organisationName },
    dedupeKey: `indicator:${own._id}:retracted:${now.getTime()}`,
  })
  const personal = isPersonalType(indicator.type) || submissions.some((submission) => submission.personal)
  const webhooks = retractionWebhooks(own, indicator, personal, [...organisations], { at: now, reason: why })
  for (const webhook of webhooks) await emitWebhookEvent(webhook)
  return { notified, tasksForReview: tasksForReview.length, organisations: organisations.size }
}

/**
 * The `indicator.retracted` webhook of each receiving organisation, with only what it may see: a
 * TLP:RED statement reaches named people, never an organisation's systems, so those get the id and the
 * label alone; personal data never travels without a stated purpose, so its value is left out.
 */
export function retractionWebhooks(
  submission: Pick<SubmissionDoc, '_id' | 'tlp'>,
  indicator: Pick<IndicatorDoc, '_id' | 'type' | 'normalised' | 'chain' | 'untraceable'>,
  personal: boolean,
  organisationIds: string[],
  { at, reason }: { at: Date; reason: string },
) {
  const data: Record<string, unknown> =
    submission.tlp === 'RED'
      ? { indicatorId: indicator._id, tlp: submission.tlp }
      : {
          indicatorId: indicator._id,
          type: indicator.type,
          tlp: submission.tlp,
          ...(personal ? { personal: true } : { value: displayOf(indicator.type, indicator.normalised), ...(indicator.chain ? { chain: indicator.chain } : {}) }),
          retractedAt: at.toISOString(),
          reason,
        }
  return organisationIds.map((organisationId) => ({
    event: 'indicator.retracted' as const,
    organisationId,
    data,
    dedupeKey: `indicator.retracted:${submission._id}:${at.getTime()}:${organisationId}`,
  }))
}

type Receiver = { userId: string; organisationId: string; taskId: string | null; taskTitle: string | null }

/**
 * Who received a submission and may see it: people to notify (each with the open task that concerns
 * them, if any) and the organisations, other than the source, with at least one such person.
 */
async function receiversOf(submission: SubmissionDoc, ctx: ReachContext): Promise<{ people: Receiver[]; organisations: Set<string> }> {
  const source = String(submission.organisationId)
  const sightings = await SightingModel.find({ indicatorId: submission.indicatorId })
    .setOptions({ acrossOrganisations: ACROSS })
    .select({ organisationId: 1 })
    .lean()
  const sighted = new Set(sightings.map((s) => String(s.organisationId)))
  const onTasks = ctx.tasks.filter((task) => carries(task, submission.indicatorId))
  const openTasks = onTasks.filter((task) => isOpenStatus(task.status))
  const organisationIds = new Set([
    ...sighted,
    ...onTasks.flatMap((task) => [...(task.status !== 'draft' ? [String(task.assigneeOrganisationId)] : []), String(task.ownerCentreId)]),
  ])
  if (organisationIds.size === 0) return { people: [], organisations: new Set() }
  const ids = [...organisationIds].map((orgId) => new Types.ObjectId(orgId))
  const [organisations, people] = await Promise.all([
    OrganisationModel.find({ _id: { $in: ids }, status: { $in: ['active', 'probation'] } })
      .select({ legalName: 1, kind: 1, status: 1, isOperator: 1 })
      .lean(),
    UserModel.find({ organisationId: { $in: ids }, status: 'active', roles: { $in: [...workingRoles] } })
      .setOptions({ acrossOrganisations: ACROSS_PEOPLE })
      .select({ name: 1, email: 1, roles: 1, organisationId: 1 })
      .lean(),
  ])
  const byId = new Map(organisations.map((org) => [String(org._id), org]))
  const reach = reachOfSubmission(submission, ctx)
  const receiving = new Set<string>()
  const receivers: Receiver[] = []
  for (const person of people) {
    const org = byId.get(String(person.organisationId))
    if (!org) continue
    const asViewer: Viewer = {
      userId: String(person._id),
      name: person.name,
      email: person.email,
      roles: person.roles as Role[],
      organisationId: String(org._id),
      organisationName: org.legalName,
      organisationKind: org.kind as OrganisationKind,
      organisationStatus: org.status as OrganisationStatus,
      isOperator: Boolean(org.isOperator),
    }
    if (!submissionSideFor(asViewer, submission, reach)) continue
    const orgId = asViewer.organisationId
    if (orgId !== source) receiving.add(orgId)
    const mine = (task: LinkedTaskDoc) => {
      const side = taskSideFor(asViewer, task)
      if (side === 'centre') return String(task.createdBy) === asViewer.userId || asViewer.roles.includes('coordinator')
      return side === 'partner'
    }
    const tasks = openTasks.filter(mine)
    for (const task of tasks) receivers.push({ userId: asViewer.userId, organisationId: orgId, taskId: String(task._id), taskTitle: task.title })
    // Without a task of their own, the people of an organisation that recorded a sighting still hear of it.
    if (tasks.length === 0 && orgId !== source && sighted.has(orgId)) receivers.push({ userId: asViewer.userId, organisationId: orgId, taskId: null, taskTitle: null })
  }
  return { people: receivers, organisations: receiving }
}

/**
 * The source lowers its own label, with a reason (audited `indicator.label_lowered`). Nothing else
 * ever lowers a label: merges and re-submissions keep the most restrictive one.
 */
export async function lowerSubmissionLabel(viewer: Viewer, id: string, raw: { tlp: string; reason: string }, meta?: RequestMeta, now = new Date()) {
  const tlp = z.enum(tlpLabels).parse(raw.tlp)
  const why = reasonInput.parse(raw.reason)
  const { own } = await ownSubmission(viewer, id)
  if (tlpRank(tlp) >= tlpRank(own.tlp)) throw new IndicatorError('notLower')
  if (!(await claimOnce(`indicator-submission:${own._id}@${own.updatedAt.getTime()}`))) throw new IndicatorError('conflict')
  await IndicatorSubmissionModel.updateOne(
    { _id: own._id, organisationId: own.organisationId },
    { $set: { tlp, updatedAt: now }, ...(own.tlp === 'RED' ? { $unset: { redRecipientIds: 1 } } : {}) },
  )
  await recordAudit({
    action: 'indicator.label_lowered',
    actor: actorOf(viewer),
    target: { kind: 'indicator', id },
    meta,
    details: { submissionId: own._id, from: own.tlp, to: tlp, reason: why },
  })
}

// --- tasks ----------------------------------------------------------------------------------------

const MAX_INDICATORS_PER_TASK = 200

/** The indicators of a task the viewer may see, and whether they may link more (the owning centre). */
export async function indicatorsOfTask(viewer: Viewer, task: { id: string }): Promise<{ canLink: boolean; indicators: TaskIndicatorView[] }> {
  const { task: stored, side } = await loadTask(viewer, task.id)
  const ids = [...new Set((stored.indicatorIds ?? []).map(String))]
  const visible = await visibleIndicators(viewer, ids)
  return {
    canLink: side === 'centre' && can(viewer, 'task:assign') && isOpenStatus(stored.status),
    indicators: visible.map(({ summary, tlp, retracted }) => ({ ...summary, tlp, retracted })),
  }
}

/**
 * The owning centre puts an indicator it may see on an open task. The assignee then receives the
 * indicator's AMBER submissions (see the access rules). One change of a task at a time.
 */
export async function linkIndicatorToTask(viewer: Viewer, taskId: string, id: string, meta?: RequestMeta) {
  const { task, side } = await loadTask(viewer, taskId)
  if (side !== 'centre' || !can(viewer, 'task:assign')) throw new IndicatorError('forbidden')
  if (!isOpenStatus(task.status)) throw new IndicatorError('taskClosed')
  await loadIndicatorFor(viewer, id)
  const current = (task.indicatorIds ?? []).map(String)
  if (current.includes(id)) return { linked: false }
  if (current.length >= MAX_INDICATORS_PER_TASK) throw new IndicatorError('tooMany')
  if (!(await claimOnce(`task:${taskId}@${task.__v ?? 0}`))) throw new IndicatorError('conflict')
  // Through the driver, scoped by hand to the owning centre: see `reachContext` on the id type.
  await TaskModel.collection.updateOne(
    { _id: task._id, ownerCentreId: task.ownerCentreId },
    { $addToSet: { indicatorIds: id }, $inc: { __v: 1 }, $set: { updatedAt: new Date() } },
  )
  await recordAudit({ action: 'indicator.linked_to_task', actor: actorOf(viewer), target: { kind: 'task', id: taskId }, meta, details: { indicatorId: id } })
  return { linked: true }
}

export const linkIndicatorInput = z.object({
  indicatorType: z.enum(indicatorTypes, 'required'),
  indicatorValue: safeText(2048).pipe(z.string().trim().min(1, 'required')),
  indicatorChain: z.string().trim().max(40).optional(),
  indicatorAcquirer: safeText(200).optional(),
})

/**
 * Links by value, as typed by the centre: a value that does not parse answers its validation code;
 * one nobody submitted and one only others may see answer the same `notFound`.
 */
export async function linkIndicatorByValue(viewer: Viewer, taskId: string, raw: z.input<typeof linkIndicatorInput>, meta?: RequestMeta) {
  const input = linkIndicatorInput.parse(raw)
  const parsed = parseIndicator(input.indicatorType, input.indicatorValue, { chain: input.indicatorChain || undefined, acquirer: input.indicatorAcquirer || undefined })
  if (!parsed.ok) return { ok: false as const, error: parsed.error }
  const id = indicatorIdOf(input.indicatorType, parsed.indicator.normalised)
  const result = await linkIndicatorToTask(viewer, taskId, id, meta)
  return { ok: true as const, id, linked: result.linked }
}

// --- the single-entry form ------------------------------------------------------------------------

export type NamedPerson = { id: string; name: string; organisationName: string }

/**
 * What the form offers: initiatives the viewer's organisation takes part in (open ones), and the
 * people a TLP:RED statement may name — colleagues and the people of organisations sharing one of
 * those initiatives.
 */
export async function submissionFormOptions(viewer: Viewer) {
  const initiativeIds = await initiativesOf(viewer)
  const initiatives =
    initiativeIds.length > 0
      ? await InitiativeModel.find({ _id: { $in: initiativeIds }, status: { $in: ['planned', 'active', 'paused'] } })
          .select({ title: 1, leadCentreId: 1, participantIds: 1 })
          .sort({ title: 1 })
          .lean()
      : []
  const organisationIds = [
    ...new Set([viewer.organisationId, ...initiatives.flatMap((initiative) => [String(initiative.leadCentreId), ...(initiative.participantIds ?? []).map(String)])]),
  ]
  const [organisations, people] = await Promise.all([
    OrganisationModel.find({ _id: { $in: organisationIds }, status: { $in: ['active', 'probation'] }, isOperator: { $ne: true } })
      .select({ legalName: 1 })
      .lean(),
    UserModel.find({ organisationId: { $in: organisationIds }, status: 'active', roles: { $in: [...workingRoles] } })
      .setOptions({ acrossOrganisations: 'people of the organisations sharing an initiative with the viewer, who may be named on TLP:RED' })
      .select({ name: 1, organisationId: 1 })
      .lean(),
  ])
  const names = new Map(organisations.map((org) => [String(org._id), org.legalName]))
  const recipients: NamedPerson[] = people
    .filter((person) => names.has(String(person.organisationId)) && String(person._id) !== viewer.userId)
    .map((person) => ({ id: String(person._id), name: person.name, organisationName: names.get(String(person.organisationId)) ?? '' }))
    .sort((a, b) => Number(b.organisationName === viewer.organisationName) - Number(a.organisationName === viewer.organisationName) || a.organisationName.localeCompare(b.organisationName) || a.name.localeCompare(b.name))
  return {
    initiatives: initiatives.map((initiative) => ({ id: String(initiative._id), title: initiative.title })),
    recipients,
    chains: indicatorChains(),
  }
}

const optionalDate = z
  .string()
  .trim()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'invalid')
  .optional()
  .transform((value) => value || undefined)

/** The single-entry form; the value itself is validated by `submitIndicatorBatch` (one rule for every path). */
export const newIndicatorForm = z.object({
  type: z.enum(indicatorTypes, 'required'),
  value: safeText(2048).pipe(z.string().trim().min(1, 'required')),
  chain: z.string().trim().max(40).optional(),
  acquirer: safeText(200).optional(),
  tlp: z.enum(tlpLabels, 'invalid').or(z.literal('')).optional(),
  reliability: z.enum(reliabilityGrades, 'required'),
  credibility: z.enum(credibilityGrades, 'required'),
  context: safeText(4000).optional(),
  personal: z.literal('on').optional(),
  initiativeId: z
    .string()
    .regex(/^([a-f\d]{24})?$/i, 'invalid')
    .optional(),
  firstSeenAt: optionalDate,
  lastSeenAt: optionalDate,
  redRecipientIds: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter(Boolean)),
})
export type NewIndicatorInput = z.infer<typeof newIndicatorForm>

/**
 * The task page's "link an indicator" form, read and answered in one place: a value nobody submitted
 * and one only others may see get the same answer (`noVisibleIndicator`).
 */
export async function linkIndicatorFromForm(
  viewer: Viewer,
  taskId: string,
  form: FormData,
  meta?: RequestMeta,
): Promise<{ ok: true; key: string } | { ok: false; status: number; errors: FieldErrors; values: Record<string, string | string[]> }> {
  const parsed = parseForm(linkIndicatorInput, form)
  if (!parsed.ok) return { ok: false, status: 400, errors: namespaced(parsed.errors), values: parsed.values }
  const refuse = (status: number, field: string, code: string) => ({ ok: false as const, status, errors: { [field]: [`indicators:errors.${code}`] }, values: parsed.values })
  try {
    const result = await linkIndicatorByValue(viewer, taskId, parsed.value, meta)
    if (!result.ok) return refuse(400, result.error === 'chainRequired' || result.error === 'unsupportedChain' ? 'indicatorChain' : 'indicatorValue', result.error)
    return { ok: true, key: result.linked ? 'indicators:toast.linked' : 'indicators:toast.alreadyLinked' }
  } catch (error) {
    if (!(error instanceof IndicatorError)) throw error
    if (error.code === 'notFound') return refuse(400, 'indicatorValue', 'noVisibleIndicator')
    if (error.code === 'forbidden') return refuse(403, 'indicatorValue', 'forbidden')
    if (error.code === 'tooMany') return refuse(400, 'indicatorValue', 'tooMany')
    return refuse(409, 'indicatorValue', error.code)
  }
}

const namespaced = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([field, codes]) => [field, codes.map((code) => (code.includes(':') ? code : `indicators:errors.${code}`))]))
