import type { QueryFilter, Types } from 'mongoose'
import { IndicatorModel, IndicatorSubmissionModel, type IndicatorSubmission } from '../../models/indicator'
import { OrganisationModel } from '../../models/organisation'
import { defang } from './defang'
import { databaseScansFilters } from './lookup.server'
import { stixBundle, type StixIndicatorInput } from './stix.server'
import { recordAudit } from '~/audit/audit.server'
import { accessPurposes, indicatorTypes, tlpLabels, type IndicatorType, type OrganisationKind, type TlpLabel } from '~/domain/vocabulary'
import { visibleSubmissionFilter } from '~/policy/access.server'
import { can, type Viewer } from '~/policy/permissions'
import { csvDateStamp, csvLines } from '~/utils/csv.server'
import type { RequestMeta } from '~/utils/request.server'

export type IndicatorExportFormat = 'csv' | 'stix'

export type IndicatorExportRequest = {
  format: IndicatorExportFormat
  purpose: (typeof accessPurposes)[number]
  note?: string
  type?: IndicatorType
  tlp?: TlpLabel
}

/** More than this many rows is not an export but a copy of the database; the file says it was cut. */
export const MAX_EXPORT_ROWS = 100_000
const CHUNK = 1_000

/** The columns of the CSV export: the exchange format, the same in every language (as the import's). */
export const exportColumns = [
  'indicator_id',
  'type',
  'value',
  'chain',
  'tlp',
  'reliability',
  'credibility',
  'personal',
  'untraceable',
  'context',
  'first_seen',
  'last_seen',
  'source',
  'updated_at',
] as const

/** Who may take indicators out: centre and partner working roles (`indicator:export`), never the operator. */
export function canExportIndicators(viewer: Viewer | null | undefined): boolean {
  return Boolean(viewer && !viewer.isOperator && can(viewer, 'indicator:export'))
}

export class IndicatorExportError extends Error {
  override name = 'IndicatorExportError'
  constructor(readonly code: 'forbidden') {
    super(code)
  }
}

const ACROSS = 'an export reads every submission the TLP access filter lets the viewer see'

type ExportSubmission = {
  _id: string
  indicatorId: string
  organisationId: Types.ObjectId
  tlp: TlpLabel
  personal: boolean
  reliability: string
  credibility: string
  context?: string | null
  firstSeenAt: Date
  lastSeenAt: Date
  createdAt: Date
  updatedAt: Date
}

type ExportIndicator = { _id: string; type: IndicatorType; normalised: string; chain?: string | null; untraceable?: boolean | null }
type ExportSource = { id: string; name: string; kind: OrganisationKind; createdAt: Date; updatedAt: Date }
type ExportItem = { submission: ExportSubmission; indicator: ExportIndicator; source: ExportSource }

/** Shown defanged wherever it could become a link. */
const displayOf = (indicator: ExportIndicator) => (indicator.type === 'url' || indicator.type === 'domain' ? defang(indicator.normalised) : indicator.normalised)

/** The indicators with these ids: `$in` per chunk, or one pass where filters scan anyway (see lookup.server.ts). */
async function indicatorsById(ids: string[]): Promise<Map<string, ExportIndicator>> {
  const found = new Map<string, ExportIndicator>()
  const fields = { type: 1, normalised: 1, chain: 1, untraceable: 1 }
  if (ids.length > CHUNK && (await databaseScansFilters())) {
    const wanted = new Set(ids)
    for await (const indicator of IndicatorModel.find({}).select(fields).lean<ExportIndicator[]>().cursor({ batchSize: 5_000 })) {
      if (wanted.has(indicator._id)) found.set(indicator._id, indicator)
    }
    return found
  }
  for (let start = 0; start < ids.length; start += CHUNK) {
    const rows = await IndicatorModel.find({ _id: { $in: ids.slice(start, start + CHUNK) } })
      .select(fields)
      .lean<ExportIndicator[]>()
    for (const indicator of rows) found.set(indicator._id, indicator)
  }
  return found
}

/**
 * Every active submission the viewer may see (the TLP access filter of app/policy/access.server.ts),
 * with its indicator and source, in a stable order; optionally only one type or one label. At most
 * MAX_EXPORT_ROWS submissions are read; `truncated` says when there were more.
 */
async function visibleItems(viewer: Viewer, { type, tlp }: Pick<IndicatorExportRequest, 'type' | 'tlp'>): Promise<{ items: ExportItem[]; truncated: boolean }> {
  const visible = await visibleSubmissionFilter(viewer)
  const query: QueryFilter<IndicatorSubmission> = { $and: [visible, { status: 'active' as const }, ...(tlp ? [{ tlp }] : [])] }
  const submissions = await IndicatorSubmissionModel.find(query)
    .select({ indicatorId: 1, organisationId: 1, tlp: 1, personal: 1, reliability: 1, credibility: 1, context: 1, firstSeenAt: 1, lastSeenAt: 1, createdAt: 1, updatedAt: 1 })
    .sort({ _id: 1 })
    .limit(MAX_EXPORT_ROWS + 1)
    .setOptions({ acrossOrganisations: ACROSS })
    .lean<ExportSubmission[]>()
  const truncated = submissions.length > MAX_EXPORT_ROWS
  if (truncated) submissions.length = MAX_EXPORT_ROWS
  const [indicators, organisations] = await Promise.all([
    indicatorsById([...new Set(submissions.map((row) => row.indicatorId))]),
    OrganisationModel.find({ _id: { $in: [...new Set(submissions.map((row) => String(row.organisationId)))] } })
      .select({ legalName: 1, kind: 1, createdAt: 1, updatedAt: 1 })
      .lean(),
  ])
  const sources = new Map<string, ExportSource>(
    organisations.map((row) => [
      String(row._id),
      { id: String(row._id), name: row.legalName, kind: row.kind as OrganisationKind, createdAt: row.createdAt, updatedAt: row.updatedAt },
    ]),
  )
  const items = submissions.flatMap((submission) => {
    const indicator = indicators.get(submission.indicatorId)
    const source = sources.get(String(submission.organisationId))
    if (!indicator || !source || (type && indicator.type !== type)) return []
    return [{ submission, indicator, source }]
  })
  return { items, truncated }
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : '')

function csvRow({ submission, indicator, source }: ExportItem): unknown[] {
  return [
    indicator._id,
    indicator.type,
    displayOf(indicator),
    indicator.chain ?? '',
    `TLP:${submission.tlp}`,
    submission.reliability,
    submission.credibility,
    submission.personal ? 'yes' : 'no',
    indicator.untraceable ? 'yes' : 'no',
    submission.context ?? '',
    iso(submission.firstSeenAt),
    iso(submission.lastSeenAt),
    source.name,
    iso(submission.updatedAt),
  ]
}

function stixInput({ submission, indicator, source }: ExportItem): StixIndicatorInput {
  return {
    submissionId: submission._id,
    type: indicator.type,
    normalised: indicator.normalised,
    display: displayOf(indicator),
    tlp: submission.tlp,
    reliability: submission.reliability,
    credibility: submission.credibility,
    personal: submission.personal,
    untraceable: Boolean(indicator.untraceable),
    context: submission.context ?? '',
    firstSeenAt: submission.firstSeenAt,
    createdAt: submission.createdAt,
    updatedAt: submission.updatedAt,
    source,
  }
}

export type IndicatorExportFile = {
  body: string
  filename: string
  contentType: string
  rows: number
  personal: number
  truncated: boolean
}

/**
 * The indicators the viewer may see, as CSV (formula-safe, TLP in every row, values defanged) or as a
 * STIX 2.1 bundle. Every export states its purpose, which goes into the audit log (`indicator.exported`)
 * with what was exported; a viewer who may not export gets `IndicatorExportError('forbidden')`.
 */
export async function exportIndicators(
  viewer: Viewer,
  request: IndicatorExportRequest,
  { meta, now = new Date() }: { meta?: RequestMeta; now?: Date } = {},
): Promise<IndicatorExportFile> {
  if (!canExportIndicators(viewer)) throw new IndicatorExportError('forbidden')
  if (!(accessPurposes as readonly string[]).includes(request.purpose)) throw new TypeError('an export needs a purpose')
  if (request.type && !(indicatorTypes as readonly string[]).includes(request.type)) throw new TypeError('unknown indicator type')
  if (request.tlp && !(tlpLabels as readonly string[]).includes(request.tlp)) throw new TypeError('unknown TLP label')

  const { items, truncated } = await visibleItems(viewer, request)
  const personal = items.filter((item) => item.submission.personal).length

  let file: Pick<IndicatorExportFile, 'body' | 'filename' | 'contentType'>
  if (request.format === 'stix') {
    file = {
      body: JSON.stringify(stixBundle(items.map(stixInput)), null, 2),
      filename: `indicators-${csvDateStamp(now)}.stix.json`,
      contentType: 'application/stix+json;version=2.1',
    }
  } else {
    file = {
      body: csvLines([[...exportColumns], ...items.map(csvRow)], { bom: true }),
      filename: `indicators-${csvDateStamp(now)}.csv`,
      contentType: 'text/csv; charset=utf-8',
    }
  }

  await recordAudit({
    action: 'indicator.exported',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    target: { kind: 'organisation', id: viewer.organisationId },
    meta,
    details: {
      format: request.format,
      purpose: request.purpose,
      note: request.note || undefined,
      type: request.type,
      tlp: request.tlp,
      rows: items.length,
      personal,
      truncated,
    },
  })
  return { ...file, rows: items.length, personal, truncated }
}
