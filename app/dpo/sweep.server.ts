import crypto from 'node:crypto'
import type { Types } from 'mongoose'
import { AuditEventModel } from '../../models/audit-event'
import { IndicatorModel, IndicatorSubmissionModel, SightingModel } from '../../models/indicator'
import { recordAudit } from '~/audit/audit.server'
import { sessionSecret } from '~/utils/env.server'

const ACROSS = 'the retention sweep deletes every organisation’s expired indicator data'
const BATCH = 500
/** At most this many submissions per sweep, so that one audit event stays a reasonable size. */
export const SWEEP_LIMIT = 10_000

/** Names the keyed digest in each event, so that a later change of scheme or key can be told apart. */
export const DIGEST_SCHEME = 'hmac-sha256/hkdf(session-secret)/v1'

let digestKey: Buffer | undefined

/**
 * Keyed digest of a deleted value (`HMAC-SHA256(K, type NUL normalised form)`, K derived from
 * SESSION_SECRET with HKDF). Why keyed: most indicator values have little entropy (a phone number, an
 * e-mail address); a plain or salted hash kept next to its salt can be reversed by trying every
 * candidate, so the audit log would still hold the deleted data. With a server-side key the log alone
 * (or an export of it) reveals nothing, while someone holding the key can still answer "was this value
 * deleted in that sweep?". Rotating SESSION_SECRET makes older digests unmatchable, which is acceptable:
 * they only ever prove a deletion, never restore a value.
 */
export function deletedValueDigest(type: string, normalised: string): string {
  digestKey ??= Buffer.from(crypto.hkdfSync('sha256', sessionSecret(), 'pcp-retention-sweep', DIGEST_SCHEME, 32))
  return crypto.createHmac('sha256', digestKey).update(`${type}\u0000${normalised}`).digest('hex')
}

/** For tests that change SESSION_SECRET in a running process. */
export function resetDigestKey() {
  digestKey = undefined
}

export type SweepResult = { submissions: number; personal: number; indicators: number; sightings: number; more: boolean }

type ExpiredSubmission = { _id: string; indicatorId: string; organisationId: Types.ObjectId; value: string; personal: boolean; deleteBy: Date }

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size))
  return out
}

/** Indicators among `ids` that no submission refers to any more. */
async function withoutSubmissions(ids: string[]): Promise<string[]> {
  const orphans: string[] = []
  for (const part of chunks(ids, BATCH)) {
    const remaining = new Set(
      (await IndicatorSubmissionModel.distinct('indicatorId', { indicatorId: { $in: part } }).setOptions({ acrossOrganisations: ACROSS })).map(String),
    )
    orphans.push(...part.filter((id) => !remaining.has(id)))
  }
  return orphans
}

/**
 * Deletes what the retention clock says must go: every submission past its `deleteBy`, then the
 * indicators no submission refers to any more, and their sightings. Writes ONE audit event
 * (`retention.swept`) with the counts and a keyed digest of each deleted value (see
 * `deletedValueDigest`), never a value itself: "deletion is logged without the deleted value".
 *
 * Each submission is deleted with its expiry as a condition, so one re-justified meanwhile survives.
 * Sweeps at most `SWEEP_LIMIT` submissions; `more` says whether another sweep should follow.
 */
export async function sweepExpiredIndicators(now = new Date(), { limit = SWEEP_LIMIT }: { limit?: number } = {}): Promise<SweepResult> {
  const digests = new Set<string>()
  const touched = new Set<string>()
  let submissions = 0
  let personal = 0
  let more = false
  let after: { deleteBy: Date; id: string } | null = null

  for (;;) {
    const room = limit - submissions
    if (room <= 0) {
      more = (await IndicatorSubmissionModel.countDocuments({ deleteBy: { $lte: now } }).setOptions({ acrossOrganisations: ACROSS })) > 0
      break
    }
    const page: ExpiredSubmission[] = await IndicatorSubmissionModel.find({
      deleteBy: { $lte: now },
      ...(after ? { $or: [{ deleteBy: { $gt: after.deleteBy } }, { deleteBy: after.deleteBy, _id: { $gt: after.id } }] } : {}),
    })
      .setOptions({ acrossOrganisations: ACROSS })
      .sort({ deleteBy: 1, _id: 1 })
      .limit(Math.min(BATCH, room))
      .select({ indicatorId: 1, organisationId: 1, value: 1, personal: 1, deleteBy: 1 })
      .lean<ExpiredSubmission[]>()
    if (page.length === 0) break
    const indicators = await IndicatorModel.find({ _id: { $in: [...new Set(page.map((row) => row.indicatorId))] } })
      .select({ type: 1, normalised: 1 })
      .lean()
    const byId = new Map(indicators.map((indicator) => [String(indicator._id), indicator]))
    for (const row of page) {
      const { deletedCount } = await IndicatorSubmissionModel.deleteOne({ _id: row._id, organisationId: row.organisationId, deleteBy: { $lte: now } })
      if (deletedCount !== 1) continue
      submissions++
      if (row.personal) personal++
      touched.add(row.indicatorId)
      const indicator = byId.get(row.indicatorId)
      digests.add(indicator ? deletedValueDigest(indicator.type, indicator.normalised) : deletedValueDigest('submission', row.value))
    }
    const last = page[page.length - 1]
    if (!last) break
    after = { deleteBy: last.deleteBy, id: last._id }
  }

  // Indicators left without any submission go too, with every sighting of them. Asked again right
  // before deleting, so that a value submitted again meanwhile keeps its indicator.
  let indicators = 0
  let sightings = 0
  const orphans = await withoutSubmissions([...touched])
  for (const part of chunks(orphans, BATCH)) {
    const still = await withoutSubmissions(part)
    if (still.length === 0) continue
    sightings += (await SightingModel.deleteMany({ indicatorId: { $in: still } }).setOptions({ acrossOrganisations: ACROSS })).deletedCount
    indicators += (await IndicatorModel.deleteMany({ _id: { $in: still } })).deletedCount
  }

  await recordAudit({
    action: 'retention.swept',
    actor: null,
    target: null,
    details: {
      submissions,
      personal,
      indicators,
      sightings,
      more,
      before: now,
      digestScheme: DIGEST_SCHEME,
      // Sorted, so the order says nothing about which organisation or submission a digest came from.
      valueDigests: [...digests].sort(),
    },
  })
  return { submissions, personal, indicators, sightings, more }
}

export type SweepRow = { id: string; at: string; submissions: number; personal: number; indicators: number; sightings: number; digests: number }

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

/** The latest sweeps, newest first, for the DPO overview. */
export async function listRecentSweeps(limit = 10): Promise<SweepRow[]> {
  const events = await AuditEventModel.find({ action: 'retention.swept' }).sort({ seq: -1 }).limit(limit).select({ at: 1, details: 1 }).lean()
  return events.map((event) => {
    const details: Record<string, unknown> = typeof event.details === 'object' && event.details !== null ? { ...event.details } : {}
    return {
      id: String(event._id),
      at: event.at.toISOString(),
      submissions: count(details.submissions),
      personal: count(details.personal),
      indicators: count(details.indicators),
      sightings: count(details.sightings),
      digests: Array.isArray(details.valueDigests) ? details.valueDigests.length : 0,
    }
  })
}
