import { Types } from 'mongoose'
import { AuditEventModel } from '../../models/audit-event'
import { IndicatorModel, IndicatorSubmissionModel } from '../../models/indicator'
import { recordAudit } from '~/audit/audit.server'
import { getRetentionPolicy } from '~/dpo/retention-policy.server'
import { isIndicatorType, isTlpLabel, rejustifySchema, type RejustifyInput } from '~/dpo/shared'
import type { IndicatorType, TlpLabel } from '~/domain/vocabulary'
import type { Viewer } from '~/policy/permissions'
import type { FieldErrors } from '~/utils/forms.server'
import type { RequestMeta } from '~/utils/request.server'

/** `<indicator id (sha-256 hex)>:<organisation id>`, the shape of a submission's `_id`. */
const submissionIdPattern = /^[a-f0-9]{64}:[a-f0-9]{24}$/

/** The same day of the month `months` later, in UTC; the 31st becomes the last day of a shorter month. */
export function addMonths(from: Date, months: number): Date {
  const date = new Date(from.getTime())
  const day = date.getUTCDate()
  date.setUTCDate(1)
  date.setUTCMonth(date.getUTCMonth() + months)
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate()
  date.setUTCDate(Math.min(day, lastDay))
  return date
}

/**
 * When a clock started at `from` comes up for review and when its data is deleted, under the DPO's
 * configuration (defaults: personal data 6 and 12 months, business identifiers 12 and 36).
 */
export async function retentionDates({ personal, from }: { personal: boolean; from: Date }): Promise<{ reviewBy: Date; deleteBy: Date }> {
  const policy = await getRetentionPolicy()
  const review = personal ? policy.personalReviewMonths : policy.businessReviewMonths
  const remove = personal ? policy.personalDeleteMonths : policy.businessDeleteMonths
  return { reviewBy: addMonths(from, review), deleteBy: addMonths(from, remove) }
}

/** Why a re-justification was refused; routes turn `notFound` into 404 and `notActive` into a message. */
export class RetentionError extends Error {
  override name = 'RetentionError'
  constructor(public readonly code: 'notFound' | 'notActive') {
    super(code)
  }
}

/** The roles that work with their organisation's indicators (not the DPO or the platform operator). */
const workingRoles = ['member', 'admin', 'staff', 'coordinator'] as const

type SubmissionForRetention = {
  _id: string
  indicatorId: string
  organisationId: Types.ObjectId
  submittedBy?: Types.ObjectId | null
  tlp: string
  redRecipientIds?: Types.ObjectId[] | null
  personal: boolean
  status: string
  reviewBy: Date
  deleteBy: Date
  createdAt: Date
}

/**
 * The viewer's own organisation's submission, or null. Another organisation's submission is never
 * read (the query is scoped to the viewer's organisation); a TLP:RED one only by the person who
 * submitted it and the people named on it.
 */
async function ownSubmission(viewer: Viewer, submissionId: string): Promise<SubmissionForRetention | null> {
  if (!submissionIdPattern.test(submissionId) || viewer.isOperator) return null
  if (!viewer.roles.some((role) => (workingRoles as readonly string[]).includes(role))) return null
  const submission = await IndicatorSubmissionModel.findOne({ _id: submissionId, organisationId: new Types.ObjectId(viewer.organisationId) })
    .select({ indicatorId: 1, organisationId: 1, submittedBy: 1, tlp: 1, redRecipientIds: 1, personal: 1, status: 1, reviewBy: 1, deleteBy: 1, createdAt: 1 })
    .lean<SubmissionForRetention>()
  if (!submission) return null
  if (submission.tlp === 'RED') {
    const named = [submission.submittedBy, ...(submission.redRecipientIds ?? [])].map((id) => String(id))
    if (!named.includes(viewer.userId)) return null
  }
  return submission
}

export type SubmissionRetention = {
  id: string
  indicatorId: string
  type: IndicatorType | null
  tlp: TlpLabel | null
  personal: boolean
  status: string
  submittedAt: string
  reviewBy: string
  deleteBy: string
  reviewDue: boolean
  justifications: { at: string; by: string | null; purpose: string; justification: string }[]
}

/** The retention clock of one of the viewer's organisation's submissions (never its value), or null. */
export async function getSubmissionRetention(viewer: Viewer, submissionId: string, now = new Date()): Promise<SubmissionRetention | null> {
  const submission = await ownSubmission(viewer, submissionId)
  if (!submission) return null
  const [indicator, history] = await Promise.all([
    IndicatorModel.findById(submission.indicatorId).select({ type: 1 }).lean(),
    AuditEventModel.find({ action: 'indicator.rejustified', targetKind: 'indicatorSubmission', targetId: submission._id })
      .sort({ seq: -1 })
      .limit(10)
      .select({ at: 1, actorLabel: 1, details: 1 })
      .lean(),
  ])
  return {
    id: submission._id,
    indicatorId: submission.indicatorId,
    type: isIndicatorType(indicator?.type) ? indicator.type : null,
    tlp: isTlpLabel(submission.tlp) ? submission.tlp : null,
    personal: submission.personal,
    status: submission.status,
    submittedAt: submission.createdAt.toISOString(),
    reviewBy: submission.reviewBy.toISOString(),
    deleteBy: submission.deleteBy.toISOString(),
    reviewDue: submission.reviewBy.getTime() <= now.getTime(),
    justifications: history.map((event) => {
      const details = rejustifiedDetails(event.details)
      return { at: event.at.toISOString(), by: event.actorLabel ?? null, purpose: details.purpose, justification: details.justification }
    }),
  }
}

function rejustifiedDetails(details: unknown): { purpose: string; justification: string } {
  const record = typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {}
  return {
    purpose: typeof record.purpose === 'string' ? record.purpose : '',
    justification: typeof record.justification === 'string' ? record.justification : '',
  }
}

export type RejustifyResult =
  | { ok: true; reviewBy: Date; deleteBy: Date }
  | { ok: false; errors: FieldErrors; values: Record<string, unknown> }

/**
 * The source organisation keeps one of its submissions past its review: with a purpose and a written
 * justification, the clock restarts from `now` under the current configuration. The deletion date is
 * never brought forward by it (a shorter configuration applies to the next clock, not this one). The
 * justification goes into the audit log (`indicator.rejustified`); the value does not.
 *
 * Throws `RetentionError('notFound')` for anything the viewer's organisation did not submit (the route
 * answers 404) and `RetentionError('notActive')` for a retracted or expired submission.
 */
export async function rejustifySubmission(
  viewer: Viewer,
  submissionId: string,
  input: RejustifyInput | Record<string, unknown>,
  { meta, now = new Date() }: { meta?: RequestMeta; now?: Date } = {},
): Promise<RejustifyResult> {
  const submission = await ownSubmission(viewer, submissionId)
  if (!submission) throw new RetentionError('notFound')
  if (submission.status !== 'active') throw new RetentionError('notActive')
  const parsed = rejustifySchema.safeParse(input)
  if (!parsed.success) {
    const errors: FieldErrors = {}
    for (const issue of parsed.error.issues) (errors[issue.path.join('.') || 'form'] ??= []).push(issue.message)
    return { ok: false, errors, values: { ...input } }
  }
  const dates = await retentionDates({ personal: submission.personal, from: now })
  const deleteBy = dates.deleteBy.getTime() > submission.deleteBy.getTime() ? dates.deleteBy : submission.deleteBy
  await IndicatorSubmissionModel.updateOne(
    { _id: submission._id, organisationId: submission.organisationId },
    { $set: { reviewBy: dates.reviewBy, deleteBy } },
  )
  await recordAudit({
    action: 'indicator.rejustified',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    target: { kind: 'indicatorSubmission', id: submission._id },
    meta,
    details: {
      purpose: parsed.data.purpose,
      justification: parsed.data.justification,
      personal: submission.personal,
      previousReviewBy: submission.reviewBy,
      previousDeleteBy: submission.deleteBy,
      reviewBy: dates.reviewBy,
      deleteBy,
    },
  })
  return { ok: true, reviewBy: dates.reviewBy, deleteBy }
}
