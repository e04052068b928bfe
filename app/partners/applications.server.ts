import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { UserModel } from '../../models/user'
import { recordAudit, type AuditActor } from '~/audit/audit.server'
import { organisationKinds, type OrganisationKind, type OrganisationStatus, type Role } from '~/domain/vocabulary'
import { sendTemplatedMail } from '~/mail/messages.server'
import { InvitationError, invitePerson } from '~/people/invitations.server'
import { can, type Viewer } from '~/policy/permissions'
import { getEnv } from '~/utils/env.server'
import type { RequestMeta } from '~/utils/request.server'
import { transitionOrganisation } from './claims.server'
import { countryName, isCountryCode } from './countries.server'
import { keysetPage, type KeySpec } from './keyset.server'
import { isObjectIdString, nameKeyOf, tidyLegalName } from './organisations.server'

/** Error codes are translated in the UI (`forms.errors.*`, or `partners:apply.errors.*` for our own). */
const requiredText = (max: number) => z.string({ error: 'required' }).trim().min(1, 'required').max(max, 'tooLong')
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'tooLong')
    .optional()
    .transform((value) => value || undefined)
/** A choice left empty is missing; anything else outside the list is invalid. */
const choiceError = (issue: { input?: unknown }) => (issue.input === undefined || issue.input === '' ? 'required' : 'invalid')
const emailAddress = z.string({ error: 'required' }).trim().toLowerCase().min(1, 'required').max(254, 'tooLong').pipe(z.email('email'))

/** Applications per network address and hour: enough for a few corrections, not for flooding the queue. */
export const APPLICATION_RATE_LIMIT = { attempts: 10, windowMs: 60 * 60 * 1000 }

export const applicationSchema = z.object({
  legalName: requiredText(200).min(2, 'tooShort').transform(tidyLegalName),
  kind: z.enum(organisationKinds, { error: choiceError }),
  country: z
    .string({ error: 'required' })
    .trim()
    .toUpperCase()
    .min(1, 'required')
    .refine(isCountryCode, 'invalid'),
  agreementReference: optionalText(80),
  contactName: requiredText(120),
  contactEmail: emailAddress,
  contactPhone: requiredText(32).regex(/^\+?[0-9][0-9 ().-]{4,30}$/, 'invalid'),
  applicantName: requiredText(120),
  applicantEmail: emailAddress,
  acceptTerms: z.literal('on', { error: 'termsRequired' }),
})
export type ApplicationInput = z.infer<typeof applicationSchema>

/**
 * Files an application to join: the organisation is stored with status `applied`, the applicant gets
 * an acknowledgement in their language. A legal name already known (whatever its case) is refused.
 */
export async function submitApplication(
  input: ApplicationInput,
  { locale, meta }: { locale: string; meta?: RequestMeta },
): Promise<{ ok: true; id: string } | { ok: false; errors: { legalName: ['nameTaken'] } }> {
  const nameKey = nameKeyOf(input.legalName)
  const taken = { ok: false as const, errors: { legalName: ['nameTaken'] as ['nameTaken'] } }
  if (await OrganisationModel.exists({ nameKey })) return taken
  let id: string
  try {
    const created = await OrganisationModel.create({
      legalName: input.legalName,
      nameKey,
      kind: input.kind,
      country: input.country,
      agreementReference: input.agreementReference,
      contact: { name: input.contactName, email: input.contactEmail, phone: input.contactPhone },
      status: 'applied',
      // Whatever the form says, an application never creates the operator.
      isOperator: false,
      applicant: { name: input.applicantName, email: input.applicantEmail, locale },
      termsAcceptedAt: new Date(),
    })
    id = String(created._id)
  } catch (error) {
    // Two submissions of the same name at once: the unique index lets one through.
    if ((error as { code?: number }).code === 11000) return taken
    throw error
  }
  await sendTemplatedMail({
    to: input.applicantEmail,
    kind: 'applicationReceived',
    locale,
    dedupeKey: `application-received:${id}`,
    params: { name: input.applicantName, organisation: input.legalName },
  })
  await recordAudit({
    action: 'partner.applied',
    actor: { label: input.applicantEmail },
    target: { kind: 'organisation', id },
    meta,
    details: { legalName: input.legalName, kind: input.kind, country: input.country },
  })
  return { ok: true, id }
}

export type ApplicationView = {
  id: string
  legalName: string
  kind: OrganisationKind
  country: string
  countryName: string
  agreementReference: string | null
  contact: { name: string; email: string; phone: string }
  applicant: { name: string; email: string; locale: string | null }
  appliedAt: string
  status: OrganisationStatus
  vetting: { decision: 'approved' | 'rejected'; reason: string; decidedAt: string | null } | null
}

const APPLICATION_FIELDS = {
  legalName: 1,
  kind: 1,
  country: 1,
  agreementReference: 1,
  contact: 1,
  applicant: 1,
  status: 1,
  vetting: 1,
  createdAt: 1,
} as const

type ApplicationDoc = {
  _id: unknown
  legalName: string
  kind: string
  country: string
  agreementReference?: string | null
  contact?: { name?: string | null; email?: string | null; phone?: string | null } | null
  applicant?: { name?: string | null; email?: string | null; locale?: string | null } | null
  status: string
  vetting?: { decision?: string | null; reason?: string | null; decidedAt?: Date | null } | null
  createdAt: Date
}

function toApplicationView(doc: ApplicationDoc, locale: string): ApplicationView {
  const decision = doc.vetting?.decision
  return {
    id: String(doc._id),
    legalName: doc.legalName,
    kind: doc.kind as OrganisationKind,
    country: doc.country,
    countryName: countryName(doc.country, locale),
    agreementReference: doc.agreementReference ?? null,
    contact: { name: doc.contact?.name ?? '', email: doc.contact?.email ?? '', phone: doc.contact?.phone ?? '' },
    applicant: { name: doc.applicant?.name ?? '', email: doc.applicant?.email ?? '', locale: doc.applicant?.locale ?? null },
    appliedAt: doc.createdAt.toISOString(),
    status: doc.status as OrganisationStatus,
    vetting:
      decision === 'approved' || decision === 'rejected'
        ? { decision, reason: doc.vetting?.reason ?? '', decidedAt: doc.vetting?.decidedAt?.toISOString() ?? null }
        : null,
  }
}

export const APPLICATIONS_PAGE_SIZE = 25
const queueOrder: KeySpec = [
  { field: 'createdAt', direction: 1, type: 'date' },
  { field: '_id', direction: 1, type: 'id' },
]

/** The vetting queue: open applications, oldest first. */
export async function listApplications({ after, before, locale }: { after?: string; before?: string; locale: string }) {
  const filter = { status: 'applied' as const }
  const [total, page] = await Promise.all([
    OrganisationModel.countDocuments(filter),
    keysetPage({
      spec: queueOrder,
      filter,
      after,
      before,
      pageSize: APPLICATIONS_PAGE_SIZE,
      run: (query, sort, limit) => OrganisationModel.find(query).sort(sort).limit(limit).select(APPLICATION_FIELDS).lean<ApplicationDoc[]>(),
    }),
  ])
  return {
    total,
    items: page.items.map((doc) => toApplicationView(doc, locale)),
    next: page.next,
    previous: page.previous,
  }
}

/**
 * One application for the vetting page: open ones, and decided ones (to show the decision). An
 * organisation that never applied through the portal is not an application.
 */
export async function getApplication(organisationId: string | undefined, locale: string) {
  if (!isObjectIdString(organisationId)) return null
  const doc = await OrganisationModel.findById(organisationId).select(APPLICATION_FIELDS).lean<ApplicationDoc>()
  if (!doc || (doc.status !== 'applied' && !doc.vetting?.decision)) return null
  const application = toApplicationView(doc, locale)
  const applicantHasAccount =
    doc.status === 'applied' && application.applicant.email
      ? Boolean(
          await UserModel.exists({ email: application.applicant.email }).setOptions({
            acrossOrganisations: 'an e-mail address is unique across the portal',
          }),
        )
      : false
  return { application, applicantHasAccount }
}

export const decisionSchema = z.object({
  intent: z.enum(['approve', 'reject'], { error: 'invalid' }),
  reason: requiredText(1000),
})

export type DecisionFailure = 'notFound' | 'alreadyDecided' | 'applicantHasAccount' | 'forbidden'
export type DecisionResult =
  | { ok: true; decision: 'approved'; legalName: string; probationEndsAt: Date; invited: boolean }
  | { ok: true; decision: 'rejected'; legalName: string }
  | { ok: false; reason: DecisionFailure }

const actorOf = (viewer: Viewer): AuditActor => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

/** Roles of the first person of a newly approved organisation: the one who will invite the others. */
function firstPersonRoles(kind: OrganisationKind): Role[] {
  return kind === 'national_centre' ? ['coordinator'] : ['admin']
}

async function whyUndecidable(organisationId: string): Promise<DecisionFailure> {
  const current = await OrganisationModel.findById(organisationId).select({ status: 1, vetting: 1 }).lean()
  if (!current || (current.status !== 'applied' && !current.vetting?.decision)) return 'notFound'
  return 'alreadyDecided'
}

/**
 * Approves an open application: probation starts now, and the applicant is invited as the
 * organisation's first administrator (a coordinator for a centre). The status only changes if the
 * application is still open, and only once (see `transitionOrganisation`), so two coordinators
 * deciding at once cannot both succeed.
 */
export async function approveApplication({
  organisationId,
  reason,
  by,
  meta,
  now = new Date(),
}: {
  organisationId: string
  reason: string
  by: Viewer
  meta?: RequestMeta
  now?: Date
}): Promise<DecisionResult> {
  if (!can(by, 'partner:vet')) return { ok: false, reason: 'forbidden' }
  if (!isObjectIdString(organisationId)) return { ok: false, reason: 'notFound' }
  const open = await OrganisationModel.findOne({ _id: organisationId, status: 'applied' }).select({ applicant: 1 }).lean()
  if (!open) return { ok: false, reason: await whyUndecidable(organisationId) }
  const applicantEmail = open.applicant?.email ?? ''
  // An address already in use could not receive the invitation; decide nothing rather than half.
  const emailInUse =
    !applicantEmail ||
    (await UserModel.exists({ email: applicantEmail }).setOptions({ acrossOrganisations: 'an e-mail address is unique across the portal' }))
  if (emailInUse) return { ok: false, reason: 'applicantHasAccount' }

  const probationEndsAt = new Date(now.getTime() + getEnv().PROBATION_DAYS * 24 * 60 * 60 * 1000)
  const approved = await transitionOrganisation(organisationId, ['applied'], {
    $set: {
      status: 'probation',
      probationEndsAt,
      vetting: { decision: 'approved', reason, decidedBy: by.userId, decidedAt: now },
    },
  })
  if (!approved) return { ok: false, reason: await whyUndecidable(organisationId) }

  const kind = approved.kind as OrganisationKind
  const roles = firstPersonRoles(kind)
  await recordAudit({
    action: 'partner.approved',
    actor: actorOf(by),
    target: { kind: 'organisation', id: organisationId },
    meta,
    details: { legalName: approved.legalName, reason, probationEndsAt },
  })
  let invited = true
  try {
    await invitePerson({
      organisationId,
      email: applicantEmail,
      name: approved.applicant?.name ?? applicantEmail,
      roles,
      invitedBy: actorOf(by),
      locale: approved.applicant?.locale,
      meta,
    })
  } catch (error) {
    // Only when the address was taken between the check and now; the coordinator is told.
    if (!(error instanceof InvitationError)) throw error
    invited = false
  }
  return { ok: true, decision: 'approved', legalName: approved.legalName, probationEndsAt, invited }
}

/** Rejects an open application and tells the applicant why, in their language. */
export async function rejectApplication({
  organisationId,
  reason,
  by,
  meta,
  now = new Date(),
}: {
  organisationId: string
  reason: string
  by: Viewer
  meta?: RequestMeta
  now?: Date
}): Promise<DecisionResult> {
  if (!can(by, 'partner:vet')) return { ok: false, reason: 'forbidden' }
  if (!isObjectIdString(organisationId)) return { ok: false, reason: 'notFound' }
  const rejected = await transitionOrganisation(organisationId, ['applied'], {
    $set: { status: 'rejected', vetting: { decision: 'rejected', reason, decidedBy: by.userId, decidedAt: now } },
  })
  if (!rejected) return { ok: false, reason: await whyUndecidable(organisationId) }
  await recordAudit({
    action: 'partner.rejected',
    actor: actorOf(by),
    target: { kind: 'organisation', id: organisationId },
    meta,
    details: { legalName: rejected.legalName, reason },
  })
  if (rejected.applicant?.email) {
    await sendTemplatedMail({
      to: rejected.applicant.email,
      kind: 'applicationRejected',
      locale: rejected.applicant.locale,
      dedupeKey: `application-rejected:${organisationId}`,
      params: { name: rejected.applicant.name ?? '', organisation: rejected.legalName, reason },
    })
  }
  return { ok: true, decision: 'rejected', legalName: rejected.legalName }
}

/**
 * Moves organisations whose probation has ended to `active`; meant for a scheduled job. Each move is
 * claimed, so overlapping runs promote (and audit) an organisation once. Returns how many moved.
 */
export async function promoteFinishedProbations(now = new Date()) {
  const due = await OrganisationModel.find({ status: 'probation', probationEndsAt: { $lte: now } })
    .select({ legalName: 1, probationEndsAt: 1 })
    .lean()
  let promoted = 0
  for (const organisation of due) {
    // Claimed like every status change, so a suspension at the same moment is never undone.
    const moved = await transitionOrganisation(String(organisation._id), ['probation'], { $set: { status: 'active' } })
    if (!moved) continue
    promoted++
    await recordAudit({
      action: 'partner.probation_completed',
      actor: { label: 'system' },
      target: { kind: 'organisation', id: String(organisation._id) },
      details: { legalName: organisation.legalName, probationEndsAt: organisation.probationEndsAt },
    })
  }
  return promoted
}
