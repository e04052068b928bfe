import type { Collection } from 'mongodb'
import { Types, type Model } from 'mongoose'
import { InitiativeModel } from '../../models/initiative'
import { IndicatorModel, IndicatorSubmissionModel } from '../../models/indicator'
import { UserModel } from '../../models/user'
import { indicatorId } from './ids.server'
import { retentionDates } from './retention.server'
import { parseIndicator } from './types'
import { databaseScansFilters } from './lookup.server'
import { embedsFile } from './uploads.server'
import { recordAudit } from '~/audit/audit.server'
import {
  credibilityGrades,
  indicatorTypes,
  personalIndicatorTypes,
  reliabilityGrades,
  tlpLabels,
  type IndicatorType,
  type TlpLabel,
} from '~/domain/vocabulary'
import { canSeeInitiative } from '~/policy/access.server'
import { can, type Viewer } from '~/policy/permissions'
import { containsCardNumber } from '~/utils/card-numbers'
import type { RequestMeta } from '~/utils/request.server'

/** One indicator as a form, an import line or the API states it; every field is checked here. */
export type IndicatorRow = {
  /** The line of the file (imports) or position in the batch, for the rejection report. */
  line?: number
  type: string
  value: string
  chain?: string
  acquirer?: string
  tlp?: string
  reliability?: string
  credibility?: string
  context?: string
  personal?: boolean | string
  initiativeId?: string
  firstSeenAt?: string | Date
  lastSeenAt?: string | Date
  redRecipientIds?: string[]
}

export type RejectedRow = { line: number; field: string; reason: string }

export type BatchResult = {
  /** Indicators new to the portal (with this organisation's submission). */
  created: number
  /** Indicators already known: this organisation's submission was added, or refreshed because something changed. */
  attached: number
  /** Rows that changed nothing: the organisation had already said exactly this (repeated rows in one batch too). */
  unchanged: number
  rejected: RejectedRow[]
  /** The indicator id of every accepted row, in row order (repeats included). */
  ids: string[]
}

export type BatchSource = 'form' | 'import' | 'api'

export class IndicatorSubmitError extends Error {
  override name = 'IndicatorSubmitError'
  constructor(readonly code: 'forbidden') {
    super(code)
  }
}

/** TLP labels from the least to the most restrictive: when two meet, the later one wins. */
const restrictiveness: Record<TlpLabel, number> = { CLEAR: 0, GREEN: 1, AMBER: 2, 'AMBER+STRICT': 3, RED: 4 }
export const mostRestrictive = (a: TlpLabel, b: TlpLabel): TlpLabel => (restrictiveness[a] >= restrictiveness[b] ? a : b)

/** Defaults for import lines that leave the grading empty: "fairly reliable", "possibly true". */
export const IMPORT_DEFAULT_RELIABILITY = 'C'
export const IMPORT_DEFAULT_CREDIBILITY = '3'

const MAX_VALUE = 2048
const MAX_CONTEXT = 4000
const MAX_TEXT = 200
const CHUNK = 1_000
/** Dates up to a day ahead are clock skew; further ahead they are a mistake. */
const FUTURE_SKEW_MS = 24 * 60 * 60 * 1000
const EARLIEST = Date.UTC(1990, 0, 1)

/** Who may add indicators: centre and partner working roles (`indicator:submit`), never the operator. */
export function canSubmitIndicators(viewer: Viewer | null | undefined): boolean {
  return Boolean(viewer && !viewer.isOperator && can(viewer, 'indicator:submit'))
}

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value)

function parseTlp(raw: string): TlpLabel | null {
  const label = raw.trim().toUpperCase().replace(/^TLP\s*[:_-]?\s*/, '').replace(/\s+/g, '')
  if (label === 'WHITE') return 'CLEAR' // TLP 1.0 files
  if (label === 'AMBERSTRICT' || label === 'AMBER_STRICT') return 'AMBER+STRICT'
  return isOneOf(tlpLabels, label) ? label : null
}

const truthy = new Set(['true', 'yes', 'y', '1', 'oui', 'o', 'да', 'personal'])
const falsy = new Set(['false', 'no', 'n', '0', 'non', 'нет', ''])

function parsePersonal(raw: boolean | string | undefined): boolean | null {
  if (raw === undefined || typeof raw === 'boolean') return raw ?? false
  const text = raw.trim().toLowerCase()
  if (truthy.has(text)) return true
  if (falsy.has(text)) return false
  return null
}

function parseDate(raw: string | Date | undefined, now: number): Date | 'invalidDate' | 'futureDate' | undefined {
  if (raw === undefined || raw === '') return undefined
  let date: Date
  if (raw instanceof Date) date = raw
  else {
    const text = raw.trim()
    if (text === '') return undefined
    // ISO 8601 only (2025-03-14, 2025-03-14T09:30:00Z): a date like 03/04/2025 means two different days.
    if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return 'invalidDate'
    date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text.replace(' ', 'T'))
  }
  if (Number.isNaN(date.getTime()) || date.getTime() < EARLIEST) return 'invalidDate'
  if (date.getTime() > now + FUTURE_SKEW_MS) return 'futureDate'
  return date
}

type Graded = { value: string; given: boolean }

type ValidRow = {
  line: number
  id: string
  type: IndicatorType
  value: string
  normalised: string
  chain?: string
  untraceable: boolean
  tlp: TlpLabel | null
  reliability: Graded
  credibility: Graded
  personal: boolean
  context: string
  initiativeId?: string
  firstSeenAt?: Date
  lastSeenAt?: Date
  redRecipientIds: string[]
}

type Checked = { ok: true; row: ValidRow } | { ok: false; rejection: RejectedRow }

const stringFields = ['type', 'value', 'chain', 'acquirer', 'tlp', 'reliability', 'credibility', 'context', 'personal', 'initiativeId'] as const

/** Every check of one row that needs no database: the first problem found is its reason. */
function checkRow(row: IndicatorRow, line: number, source: BatchSource, now: number): Checked {
  const reject = (field: string, reason: string): Checked => ({ ok: false, rejection: { line, field, reason } })

  // Card numbers never enter the portal, whatever the field (card-data rules, data minimisation).
  for (const field of stringFields) {
    const value = row[field]
    if (typeof value === 'string' && containsCardNumber(value)) return reject(field, 'cardNumber')
  }
  for (const field of ['firstSeenAt', 'lastSeenAt'] as const) {
    const value = row[field]
    if (typeof value === 'string' && containsCardNumber(value)) return reject(field, 'cardNumber')
  }
  // No imagery, ever: not even encoded inside a value.
  for (const field of ['value', 'context'] as const) {
    const embedded = embedsFile(row[field] ?? '')
    if (embedded) return reject(field, embedded)
  }

  const type = (row.type ?? '').trim().toLowerCase()
  if (type === '') return reject('type', 'required')
  if (!isOneOf(indicatorTypes, type)) return reject('type', 'unknownType')
  if ((row.value ?? '').trim() === '') return reject('value', 'required')
  if (row.value.length > MAX_VALUE) return reject('value', 'tooLong')
  for (const field of ['chain', 'acquirer'] as const) {
    if ((row[field] ?? '').length > MAX_TEXT) return reject(field, 'tooLong')
  }

  let tlp: TlpLabel | null = null
  if ((row.tlp ?? '').trim() !== '') {
    tlp = parseTlp(row.tlp ?? '')
    if (!tlp) return reject('tlp', 'invalidTlp')
  }

  const grade = (field: 'reliability' | 'credibility', grades: readonly string[], fallback: string): Graded | 'required' | 'invalid' => {
    const raw = (row[field] ?? '').trim().toUpperCase()
    if (raw === '') return source === 'import' ? { value: fallback, given: false } : 'required'
    return grades.includes(raw) ? { value: raw, given: true } : 'invalid'
  }
  const reliability = grade('reliability', reliabilityGrades, IMPORT_DEFAULT_RELIABILITY)
  if (typeof reliability === 'string') return reject('reliability', reliability === 'required' ? 'required' : 'invalidReliability')
  const credibility = grade('credibility', credibilityGrades, IMPORT_DEFAULT_CREDIBILITY)
  if (typeof credibility === 'string') return reject('credibility', credibility === 'required' ? 'required' : 'invalidCredibility')

  const explicitPersonal = parsePersonal(row.personal)
  if (explicitPersonal === null) return reject('personal', 'invalidPersonal')

  const context = (row.context ?? '').trim()
  if (context.length > MAX_CONTEXT) return reject('context', 'tooLong')

  const firstSeenAt = parseDate(row.firstSeenAt, now)
  if (typeof firstSeenAt === 'string') return reject('firstSeenAt', firstSeenAt)
  const lastSeenAt = parseDate(row.lastSeenAt, now)
  if (typeof lastSeenAt === 'string') return reject('lastSeenAt', lastSeenAt)
  if (firstSeenAt && lastSeenAt && firstSeenAt.getTime() > lastSeenAt.getTime()) return reject('firstSeenAt', 'dateOrder')

  const initiativeId = (row.initiativeId ?? '').trim() || undefined
  if (initiativeId && !Types.ObjectId.isValid(initiativeId)) return reject('initiativeId', 'unknownInitiative')
  const redRecipientIds = [...new Set((row.redRecipientIds ?? []).map((id) => id.trim()).filter(Boolean))]
  if (redRecipientIds.some((id) => !/^[a-f\d]{24}$/i.test(id))) return reject('redRecipientIds', 'unknownRecipient')

  const parsed = parseIndicator(type, row.value, {
    chain: row.chain?.trim() || undefined,
    acquirer: row.acquirer?.trim() || undefined,
    personIban: explicitPersonal,
  })
  if (!parsed.ok) return reject(fieldOfParseError(parsed.error), parsed.error)
  const indicator = parsed.indicator
  if (indicator.normalised.length > MAX_VALUE) return reject('value', 'tooLong')

  // Natural-person data is personal whatever the source said; a source may flag anything else as personal too.
  const personal = explicitPersonal || indicator.personal || isOneOf(personalIndicatorTypes, type)
  return {
    ok: true,
    row: {
      line,
      id: indicatorId(type, indicator.normalised),
      type,
      value: indicator.value.slice(0, MAX_VALUE),
      normalised: indicator.normalised,
      chain: indicator.chain,
      untraceable: Boolean(indicator.untraceable),
      tlp,
      reliability,
      credibility,
      personal,
      context,
      initiativeId,
      firstSeenAt,
      lastSeenAt,
      redRecipientIds,
    },
  }
}

/** Which column a validation code of `parseIndicator` is about. */
function fieldOfParseError(code: string) {
  const lower = code.toLowerCase()
  if (lower.includes('chain')) return 'chain'
  if (lower.includes('acquirer')) return 'acquirer'
  return 'value'
}

/** Two rows of one batch about the same indicator become one statement: the most protective of both. */
function mergeRows(a: ValidRow, b: ValidRow): ValidRow {
  const earliest = (x?: Date, y?: Date) => (x && y ? (x < y ? x : y) : (x ?? y))
  const latest = (x?: Date, y?: Date) => (x && y ? (x > y ? x : y) : (x ?? y))
  return {
    ...a,
    tlp: a.tlp && b.tlp ? mostRestrictive(a.tlp, b.tlp) : (a.tlp ?? b.tlp),
    personal: a.personal || b.personal,
    reliability: b.reliability.given ? b.reliability : a.reliability,
    credibility: b.credibility.given ? b.credibility : a.credibility,
    context: b.context || a.context,
    initiativeId: b.initiativeId ?? a.initiativeId,
    firstSeenAt: earliest(a.firstSeenAt, b.firstSeenAt),
    lastSeenAt: latest(a.lastSeenAt, b.lastSeenAt),
    redRecipientIds: [...new Set([...a.redRecipientIds, ...b.redRecipientIds])],
  }
}

/** A personal submission without a label is AMBER+STRICT; a business one AMBER. */
const defaultTlp = (personal: boolean): TlpLabel => (personal ? 'AMBER+STRICT' : 'AMBER')

type Retention = { reviewBy: Date; deleteBy: Date }

type ExistingSubmission = {
  _id: string
  tlp: TlpLabel
  personal: boolean
  reliability: string
  credibility: string
  context?: string | null
  initiativeId?: Types.ObjectId | null
  redRecipientIds?: Types.ObjectId[] | null
  firstSeenAt: Date
  lastSeenAt: Date
  reviewBy: Date
  deleteBy: Date
}

/** What changes in an existing submission of the same organisation, or null when nothing does. */
function refreshOf(existing: ExistingSubmission, row: ValidRow, viewer: Viewer, retention: (personal: boolean) => Retention) {
  const set: Record<string, unknown> = {}
  const tlp = mostRestrictive(existing.tlp, row.tlp ?? existing.tlp)
  if (tlp !== existing.tlp) set.tlp = tlp
  const personal = existing.personal || row.personal
  if (personal !== existing.personal) set.personal = true
  if (row.reliability.given && row.reliability.value !== existing.reliability) set.reliability = row.reliability.value
  if (row.credibility.given && row.credibility.value !== existing.credibility) set.credibility = row.credibility.value
  if (row.context && row.context !== (existing.context ?? '')) set.context = row.context
  if (row.initiativeId && row.initiativeId !== String(existing.initiativeId ?? '')) set.initiativeId = new Types.ObjectId(row.initiativeId)
  if (row.firstSeenAt && row.firstSeenAt < existing.firstSeenAt) set.firstSeenAt = row.firstSeenAt
  if (row.lastSeenAt && row.lastSeenAt > existing.lastSeenAt) set.lastSeenAt = row.lastSeenAt
  if (tlp === 'RED') {
    const before = (existing.redRecipientIds ?? []).map(String)
    const after = [...new Set([...before, ...(existing.tlp === 'RED' ? [] : [viewer.userId]), ...row.redRecipientIds])]
    if (after.length !== before.length) set.redRecipientIds = after.map((id) => new Types.ObjectId(id))
  }
  if (Object.keys(set).length === 0) return null
  // Saying it again restarts the retention clock (under the stricter clock when it became personal),
  // but never brings a deletion date forward for data that was already kept longer.
  const dates = retention(personal)
  set.reviewBy = dates.reviewBy
  set.deleteBy = personal && !existing.personal ? dates.deleteBy : dates.deleteBy > existing.deleteBy ? dates.deleteBy : existing.deleteBy
  set.updatedAt = new Date()
  return set
}

type WriteError = { index?: number; code?: number; err?: { code?: number } }

/** Indexes of a bulk insert that failed only because the document already exists (a concurrent writer). */
function duplicateIndexes(error: unknown): Set<number> {
  const writeErrors = (error as { writeErrors?: WriteError[] | WriteError }).writeErrors
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []
  if (list.length === 0 || !list.every((entry) => (entry.code ?? entry.err?.code) === 11000)) throw error
  return new Set(list.map((entry) => entry.index ?? -1))
}

async function insertAllowingDuplicates(insert: () => Promise<unknown>): Promise<Set<number>> {
  try {
    await insert()
    return new Set()
  } catch (error) {
    return duplicateIndexes(error)
  }
}

/** Documents keyed by our own string ids (indicators and submissions), for bulk writes. */
type Keyed = { _id: string } & Record<string, unknown>

/** The driver's collection behind a model, for unordered bulk inserts and updates of many documents at once. */
function keyedCollection<T>(model: Model<T>): Collection<Keyed> {
  const db = model.db.db
  if (!db) throw new Error('the database is not connected')
  return db.collection<Keyed>(model.collection.collectionName)
}

const submissionFields = {
  tlp: 1,
  personal: 1,
  reliability: 1,
  credibility: 1,
  context: 1,
  initiativeId: 1,
  redRecipientIds: 1,
  firstSeenAt: 1,
  lastSeenAt: 1,
  reviewBy: 1,
  deleteBy: 1,
} as const

/**
 * The organisation's submissions with these ids. Up to a chunk, or on a database with indexes, one
 * `_id: { $in }` query per chunk of 1,000. On the embedded database (FerretDB 1.24 on SQLite) any filter
 * but `_id` equality scans the whole collection, `$in` included, so a larger set is read in ONE pass
 * over the organisation's submissions instead of one pass per chunk.
 */
async function existingSubmissions(ids: string[], organisationId: Types.ObjectId): Promise<Map<string, ExistingSubmission>> {
  const found = new Map<string, ExistingSubmission>()
  if (ids.length > CHUNK && (await databaseScansFilters())) {
    const wanted = new Set(ids)
    const cursor = IndicatorSubmissionModel.find({ organisationId }).select(submissionFields).lean<ExistingSubmission[]>().cursor({ batchSize: 5_000 })
    for await (const submission of cursor) if (wanted.has(submission._id)) found.set(submission._id, submission)
    return found
  }
  for (let start = 0; start < ids.length; start += CHUNK) {
    const rows = await IndicatorSubmissionModel.find({ _id: { $in: ids.slice(start, start + CHUNK) }, organisationId })
      .select(submissionFields)
      .lean<ExistingSubmission[]>()
    for (const submission of rows) found.set(submission._id, submission)
  }
  return found
}

const ACROSS_USERS = 'TLP:RED recipients may belong to any organisation; only their existence is checked'

/** Rows whose initiative the viewer cannot see, or whose named recipients do not exist, are refused. */
async function checkReferences(rows: ValidRow[], viewer: Viewer): Promise<{ valid: ValidRow[]; rejected: RejectedRow[] }> {
  const initiativeIds = [...new Set(rows.flatMap((row) => (row.initiativeId ? [row.initiativeId] : [])))]
  const recipientIds = [...new Set(rows.flatMap((row) => row.redRecipientIds))]
  const [initiatives, recipients] = await Promise.all([
    initiativeIds.length > 0
      ? InitiativeModel.find({ _id: { $in: initiativeIds } })
          .select({ leadCentreId: 1, participantIds: 1, tlp: 1 })
          .lean()
      : [],
    recipientIds.length > 0
      ? UserModel.find({ _id: { $in: recipientIds }, status: 'active' })
          .select({ _id: 1 })
          .setOptions({ acrossOrganisations: ACROSS_USERS })
          .lean()
      : [],
  ])
  const visibleInitiatives = new Set(initiatives.filter((initiative) => canSeeInitiative(viewer, initiative)).map((initiative) => String(initiative._id)))
  const knownRecipients = new Set(recipients.map((user) => String(user._id)))
  const valid: ValidRow[] = []
  const rejected: RejectedRow[] = []
  for (const row of rows) {
    if (row.initiativeId && !visibleInitiatives.has(row.initiativeId)) rejected.push({ line: row.line, field: 'initiativeId', reason: 'unknownInitiative' })
    else if (row.redRecipientIds.some((id) => !knownRecipients.has(id))) rejected.push({ line: row.line, field: 'redRecipientIds', reason: 'unknownRecipient' })
    else valid.push(row)
  }
  return { valid, rejected }
}

/**
 * Stores a batch of indicators for the viewer's organisation (form, CSV import and API alike).
 *
 * Every row is validated (type, value through `parseIndicator`, label, grading, dates; a card number in
 * any field, a `data:` URI or a base64 blob refuses the row). Valid rows resolve to deterministic ids
 * and are written per chunk of 1,000, insert first: the indicators (unordered; a duplicate key means
 * "already known"), then the organisation's submissions likewise. Only the submissions that already
 * existed are then read (see `existingSubmissions`) and refreshed where something changed. Reading
 * before inserting would cost one full collection scan per chunk on the embedded database, which pushes
 * down no `$in` (766 s instead of about 30 s for 100,000 rows, `npm run bench:import`).
 *
 * A label is never lowered (the most restrictive of old and new wins), personal stays personal, and
 * the retention clock comes from `retentionDates`. An indicator keeps the dates of the submission that
 * created it: another organisation's submission, which the reader may not see, never shows through it.
 * Rows repeating an indicator within the batch are merged into the first (and counted as unchanged).
 * The batch is audited once (`indicator.submitted`, with its counts and source).
 */
export async function submitIndicatorBatch(
  viewer: Viewer,
  rows: IndicatorRow[],
  {
    meta,
    source,
    auditDetails,
    now = new Date(),
  }: { meta?: RequestMeta; source: BatchSource; auditDetails?: Record<string, unknown>; /** The clock (the demo seed tells older stories). */ now?: Date },
): Promise<BatchResult> {
  if (!canSubmitIndicators(viewer)) throw new IndicatorSubmitError('forbidden')
  const started = Date.now()
  const rejected: RejectedRow[] = []
  const checked: ValidRow[] = []
  rows.forEach((row, index) => {
    const result = checkRow(row, row.line ?? index + 1, source, now.getTime())
    if (result.ok) checked.push(result.row)
    else rejected.push(result.rejection)
  })
  const references = await checkReferences(checked, viewer)
  rejected.push(...references.rejected)

  // One statement per indicator: later rows about the same value merge into the first.
  const byId = new Map<string, ValidRow>()
  let repeats = 0
  for (const row of references.valid) {
    const previous = byId.get(row.id)
    if (previous) repeats++
    byId.set(row.id, previous ? mergeRows(previous, row) : row)
  }

  const retentions = new Map<boolean, Retention>([
    [true, await retentionDates({ personal: true, from: now })],
    [false, await retentionDates({ personal: false, from: now })],
  ])
  const retention = (personal: boolean) => retentions.get(personal) ?? { reviewBy: now, deleteBy: now }

  const organisationId = new Types.ObjectId(viewer.organisationId)
  const submitter = new Types.ObjectId(viewer.userId)
  let created = 0
  let attached = 0
  let unchanged = repeats
  const unique = [...byId.values()]

  const submissionIdOf = (row: ValidRow) => `${row.id}:${viewer.organisationId}`
  // Rows whose submission already exists: compared with it once all chunks are inserted.
  const existingRows: ValidRow[] = []

  for (let start = 0; start < unique.length; start += CHUNK) {
    const chunk = unique.slice(start, start + CHUNK)
    // Insert first, read never: the unique `_id` says which indicators were already known.
    const newIndicators: Keyed[] = chunk.map((row) => ({
      _id: row.id,
      type: row.type,
      normalised: row.normalised,
      ...(row.chain ? { chain: row.chain } : {}),
      untraceable: row.untraceable,
      firstSeenAt: row.firstSeenAt ?? row.lastSeenAt ?? now,
      lastSeenAt: row.lastSeenAt ?? now,
      createdAt: now,
      updatedAt: now,
      __v: 0,
    }))
    const knownIndicators = await insertAllowingDuplicates(() => keyedCollection(IndicatorModel).insertMany(newIndicators, { ordered: false }))
    const createdIds = new Set(chunk.filter((_, index) => !knownIndicators.has(index)).map((row) => row.id))

    const newSubmissions = chunk.map((row): Keyed => {
      const tlp = row.tlp ?? defaultTlp(row.personal)
      const dates = retention(row.personal)
      const lastSeenAt = row.lastSeenAt ?? now
      return {
        _id: submissionIdOf(row),
        indicatorId: row.id,
        organisationId,
        submittedBy: submitter,
        value: row.value,
        tlp,
        ...(tlp === 'RED' ? { redRecipientIds: [...new Set([viewer.userId, ...row.redRecipientIds])].map((id) => new Types.ObjectId(id)) } : {}),
        ...(row.initiativeId ? { initiativeId: new Types.ObjectId(row.initiativeId) } : {}),
        personal: row.personal,
        reliability: row.reliability.value,
        credibility: row.credibility.value,
        context: row.context,
        status: 'active',
        firstSeenAt: row.firstSeenAt ?? (lastSeenAt < now ? lastSeenAt : now),
        lastSeenAt,
        reviewBy: dates.reviewBy,
        deleteBy: dates.deleteBy,
        createdAt: now,
        updatedAt: now,
        __v: 0,
      }
    })
    const knownSubmissions = await insertAllowingDuplicates(() => keyedCollection(IndicatorSubmissionModel).insertMany(newSubmissions, { ordered: false }))
    chunk.forEach((row, index) => {
      if (knownSubmissions.has(index)) existingRows.push(row)
      else if (createdIds.has(row.id)) created++
      else attached++
    })
  }

  // What the organisation had already said: refreshed only where something changed.
  if (existingRows.length > 0) {
    const previous = await existingSubmissions(existingRows.map(submissionIdOf), organisationId)
    const refreshes: { updateOne: { filter: { _id: string }; update: Record<string, unknown> } }[] = []
    for (const row of existingRows) {
      const submission = previous.get(submissionIdOf(row))
      const set = submission ? refreshOf(submission, row, viewer, retention) : null
      if (!submission || !set) {
        unchanged++
        continue
      }
      // By `_id` alone (it names the organisation): the embedded database looks up nothing else without a scan.
      refreshes.push({ updateOne: { filter: { _id: submission._id }, update: { $set: set } } })
      attached++
    }
    for (let start = 0; start < refreshes.length; start += CHUNK) {
      await keyedCollection(IndicatorSubmissionModel).bulkWrite(refreshes.slice(start, start + CHUNK), { ordered: false })
    }
  }

  const ids = references.valid.sort((a, b) => a.line - b.line).map((row) => row.id)
  rejected.sort((a, b) => a.line - b.line)
  await recordAudit({
    action: 'indicator.submitted',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    target: ids.length === 1 ? { kind: 'indicator', id: ids[0] ?? '' } : { kind: 'organisation', id: viewer.organisationId },
    meta,
    details: {
      source,
      rows: rows.length,
      created,
      attached,
      unchanged,
      rejected: rejected.length,
      personal: unique.filter((row) => row.personal).length,
      durationMs: Date.now() - started,
      ...auditDetails,
    },
  })
  return { created, attached, unchanged, rejected, ids }
}
