import { forgetUnreadCount } from '~/notifications/unread-cache.server'
import { Types } from 'mongoose'
import { IndicatorModel, IndicatorSubmissionModel } from '../../models/indicator'
import { NotificationModel } from '../../models/notification'
import { OrganisationModel } from '../../models/organisation'
import { UserModel } from '../../models/user'
import { sweepExpiredIndicators, type SweepResult } from '~/dpo/sweep.server'
import { sendTemplatedMail } from '~/mail/messages.server'
import { claimOnce, releaseClaim } from '~/utils/claims.server'
import { publicUrl } from '~/utils/env.server'

const ACROSS = 'the retention job scans every organisation’s submissions that are due for review'
const BATCH = 200
/** Sweeps per daily run at most (each one handles up to SWEEP_LIMIT submissions). */
const MAX_SWEEPS_PER_RUN = 20

/** The roles that work with their organisation's indicators and hear of their reviews. */
const reviewerRoles = ['admin', 'member', 'coordinator', 'staff'] as const

type DueSubmission = {
  _id: string
  indicatorId: string
  organisationId: Types.ObjectId
  submittedBy?: Types.ObjectId | null
  tlp: string
  redRecipientIds?: Types.ObjectId[] | null
  reviewBy: Date
  deleteBy: Date
}

/** The lease of the daily retention run (review notices, then the sweep) for the UTC day of `now`. */
export function retentionLeaseKey(now: Date) {
  return `job:retention:${now.toISOString().slice(0, 10)}`
}

/** Active submissions whose review date has come and whose data is not yet due for deletion. */
async function* dueForReview(now: Date) {
  let after: { reviewBy: Date; id: string } | null = null
  for (;;) {
    const page: DueSubmission[] = await IndicatorSubmissionModel.find({
      status: 'active',
      reviewBy: { $lte: now },
      deleteBy: { $gt: now },
      ...(after ? { $or: [{ reviewBy: { $gt: after.reviewBy } }, { reviewBy: after.reviewBy, _id: { $gt: after.id } }] } : {}),
    })
      .setOptions({ acrossOrganisations: ACROSS })
      .sort({ reviewBy: 1, _id: 1 })
      .limit(BATCH)
      .select({ indicatorId: 1, organisationId: 1, submittedBy: 1, tlp: 1, redRecipientIds: 1, reviewBy: 1, deleteBy: 1 })
      .lean<DueSubmission[]>()
    if (page.length === 0) return
    yield page
    const last = page[page.length - 1]
    if (!last || page.length < BATCH) return
    after = { reviewBy: last.reviewBy, id: last._id }
  }
}

/**
 * The people of the source organisation who hear that a submission is due for review: its working
 * members (admins, members; staff and coordinators for a centre). A TLP:RED submission reaches only
 * the person who submitted it and the people named on it.
 */
async function reviewersOf(submission: DueSubmission) {
  const named = submission.tlp === 'RED' ? [submission.submittedBy, ...(submission.redRecipientIds ?? [])].filter((id) => id != null) : null
  return UserModel.find({
    organisationId: submission.organisationId,
    status: 'active',
    roles: { $in: [...reviewerRoles] },
    ...(named ? { _id: { $in: named.map((id) => new Types.ObjectId(String(id))) } } : {}),
  })
    .select({ email: 1, locale: 1, mutedEmailEvents: 1, organisationId: 1 })
    .lean()
}

/**
 * Tells each source organisation which of its submissions reached their review date: an in-app
 * notification (`review_due`) for each of its working members and an e-mail unless they muted it. Never
 * the value, only its type and label, with a link to the re-justification page.
 *
 * Once per submission and review date, however often it runs: the dedupe key
 * `indicator:<submission id>:review:<reviewBy>:<user id>` is unique, so a second run (or a second
 * server) notifies no one again; a re-justification moves `reviewBy` and so earns the next notice.
 * Suspended organisations hear nothing. Returns how many people were notified.
 */
export async function runRetentionReviews(now = new Date()): Promise<{ notified: number; submissions: number }> {
  let notified = 0
  let submissions = 0
  for await (const page of dueForReview(now)) {
    const organisations = await OrganisationModel.find({
      _id: { $in: [...new Set(page.map((row) => String(row.organisationId)))].map((id) => new Types.ObjectId(id)) },
      status: { $in: ['active', 'probation'] },
    })
      .select({ legalName: 1 })
      .lean()
    const names = new Map(organisations.map((organisation) => [String(organisation._id), organisation.legalName]))
    const types = new Map(
      (await IndicatorModel.find({ _id: { $in: [...new Set(page.map((row) => row.indicatorId))] } }).select({ type: 1 }).lean()).map((indicator) => [
        String(indicator._id),
        indicator.type,
      ]),
    )
    for (const submission of page) {
      const organisation = names.get(String(submission.organisationId))
      if (!organisation) continue
      submissions++
      const type = types.get(submission.indicatorId) ?? 'indicator'
      const dedupeKey = `indicator:${submission._id}:review:${submission.reviewBy.toISOString()}`
      for (const user of await reviewersOf(submission)) {
        const key = `${dedupeKey}:${String(user._id)}`
        try {
          await NotificationModel.create({
            organisationId: user.organisationId,
            userId: user._id,
            event: 'review_due',
            // The notice names the kind of indicator and its label, never its value.
            title: `${type} · TLP:${submission.tlp}`,
            dedupeKey: key,
            createdAt: new Date(),
          })
          forgetUnreadCount(String(user._id))
        } catch (error) {
          if ((error as { code?: number }).code === 11000) continue
          throw error
        }
        notified++
        if ((user.mutedEmailEvents ?? []).includes('review_due')) continue
        await sendTemplatedMail({
          to: user.email,
          kind: 'indicatorReviewDue',
          locale: user.locale,
          dedupeKey: `mail:${key}`,
          params: {
            organisation,
            type,
            label: submission.tlp,
            reviewBy: submission.reviewBy.toISOString().slice(0, 10),
            deleteBy: submission.deleteBy.toISOString().slice(0, 10),
            link: `${publicUrl()}/retention/${encodeURIComponent(submission._id)}`,
          },
        })
      }
    }
  }
  return { notified, submissions }
}

export type DailyRetentionResult =
  | { leased: false }
  | { leased: true; reviews: { notified: number; submissions: number }; sweeps: SweepResult[] }

/**
 * The daily retention run: review notices, then the sweep. One server per UTC day does it (a claim on
 * `job:retention:<day>`); when it fails the claim is given back so that the next tick retries.
 */
export async function runDailyRetention(now = new Date()): Promise<DailyRetentionResult> {
  const lease = retentionLeaseKey(now)
  if (!(await claimOnce(lease))) return { leased: false }
  try {
    const reviews = await runRetentionReviews(now)
    const sweeps: SweepResult[] = []
    for (let run = 0; run < MAX_SWEEPS_PER_RUN; run++) {
      const result = await sweepExpiredIndicators(now)
      sweeps.push(result)
      if (!result.more) break
    }
    return { leased: true, reviews, sweeps }
  } catch (error) {
    await releaseClaim(lease)
    throw error
  }
}
