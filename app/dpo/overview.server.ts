import { Types } from 'mongoose'
import { IndicatorModel, IndicatorSubmissionModel } from '../../models/indicator'
import { OrganisationModel } from '../../models/organisation'
import { DPO_PAGE_SIZE, isIndicatorType, isTlpLabel, UPCOMING_WINDOW_DAYS } from './shared'
import type { IndicatorType, TlpLabel } from '~/domain/vocabulary'
import { keysetPage, type KeySpec } from '~/partners/keyset.server'

const DAY_MS = 24 * 60 * 60 * 1000
/**
 * The DPO oversees retention across the partnership: these lists span organisations but show only
 * what retention needs (type, source, label, personal flag, dates), never a value or a context.
 */
const ACROSS = 'the data-protection officer reviews the retention clocks of every organisation (metadata only, never values)'

export const upcomingKinds = ['reviews', 'deletions'] as const
export type UpcomingKind = (typeof upcomingKinds)[number]

export type UpcomingRow = {
  id: string
  indicatorType: IndicatorType | null
  organisation: { id: string; name: string | null }
  tlp: TlpLabel | null
  personal: boolean
  status: string
  reviewBy: string
  deleteBy: string
  /** Reviews: the review date has passed. Deletions: the sweep has not run since the date passed. */
  late: boolean
}

export type UpcomingList = { total: number; personal: number; rows: UpcomingRow[]; next: string | null; previous: string | null }

type StoredRow = {
  _id: string
  indicatorId: string
  organisationId: Types.ObjectId
  tlp: string
  personal: boolean
  status: string
  reviewBy: Date
  deleteBy: Date
}

/**
 * Reviews: active submissions whose review date falls within the window (or has passed) and that are
 * not yet due for deletion. Deletions: submissions whose deletion date falls within the window (or has
 * passed and awaits the next sweep).
 */
function upcomingFilter(kind: UpcomingKind, now: Date) {
  const horizon = new Date(now.getTime() + UPCOMING_WINDOW_DAYS * DAY_MS)
  return kind === 'reviews' ? { status: 'active' as const, reviewBy: { $lte: horizon }, deleteBy: { $gt: now } } : { deleteBy: { $lte: horizon } }
}

const specs: Record<UpcomingKind, KeySpec> = {
  reviews: [
    { field: 'reviewBy', direction: 1, type: 'date' },
    { field: '_id', direction: 1, type: 'string' },
  ],
  deletions: [
    { field: 'deleteBy', direction: 1, type: 'date' },
    { field: '_id', direction: 1, type: 'string' },
  ],
}

/** One page of the reviews or deletions coming up in the next 30 days, soonest first, with totals. */
export async function listUpcoming(kind: UpcomingKind, { now = new Date(), after, before }: { now?: Date; after?: string; before?: string } = {}): Promise<UpcomingList> {
  const filter = upcomingFilter(kind, now)
  const [total, personal, page] = await Promise.all([
    IndicatorSubmissionModel.countDocuments(filter).setOptions({ acrossOrganisations: ACROSS }),
    IndicatorSubmissionModel.countDocuments({ ...filter, personal: true }).setOptions({ acrossOrganisations: ACROSS }),
    keysetPage<StoredRow>({
      spec: specs[kind],
      filter,
      after,
      before,
      pageSize: DPO_PAGE_SIZE,
      run: (query, sort, limit) =>
        IndicatorSubmissionModel.find(query)
          .setOptions({ acrossOrganisations: ACROSS })
          .sort(sort)
          .limit(limit)
          .select({ indicatorId: 1, organisationId: 1, tlp: 1, personal: 1, status: 1, reviewBy: 1, deleteBy: 1 })
          .lean<StoredRow[]>(),
    }),
  ])
  const [indicators, organisations] = await Promise.all([
    IndicatorModel.find({ _id: { $in: [...new Set(page.items.map((row) => row.indicatorId))] } }).select({ type: 1 }).lean(),
    OrganisationModel.find({ _id: { $in: [...new Set(page.items.map((row) => String(row.organisationId)))].map((id) => new Types.ObjectId(id)) } })
      .select({ legalName: 1 })
      .lean(),
  ])
  const types = new Map(indicators.map((indicator) => [String(indicator._id), indicator.type]))
  const names = new Map(organisations.map((organisation) => [String(organisation._id), organisation.legalName]))
  return {
    total,
    personal,
    next: page.next,
    previous: page.previous,
    rows: page.items.map((row) => {
      const type = types.get(row.indicatorId)
      return {
        id: row._id,
        indicatorType: isIndicatorType(type) ? type : null,
        organisation: { id: String(row.organisationId), name: names.get(String(row.organisationId)) ?? null },
        tlp: isTlpLabel(row.tlp) ? row.tlp : null,
        personal: row.personal,
        status: row.status,
        reviewBy: row.reviewBy.toISOString(),
        deleteBy: row.deleteBy.toISOString(),
        late: (kind === 'reviews' ? row.reviewBy : row.deleteBy).getTime() <= now.getTime(),
      }
    }),
  }
}
