import type { QueryFilter } from 'mongoose'
import { z } from 'zod'
import { AuditEventModel, type AuditEvent } from '../../models/audit-event'
import { IndicatorModel } from '../../models/indicator'
import { OrganisationModel } from '../../models/organisation'
import { accessActions, DPO_PAGE_SIZE, isIndicatorType, knownPurposes, type AccessAction } from './shared'
import type { IndicatorType } from '~/domain/vocabulary'

const DAY_MS = 24 * 60 * 60 * 1000

const blankAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid')
  .refine((value) => new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'invalid')
const seq = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** The access log's filters and paging, as the filter form and the paging links send them. */
export const accessFilterSchema = z.object({
  action: z.preprocess(blankAsUndefined, z.enum(accessActions, 'invalid').optional()),
  purpose: z.preprocess(blankAsUndefined, z.string().refine((value) => knownPurposes.includes(value), 'invalid').optional()),
  organisation: z.preprocess(blankAsUndefined, z.string().regex(/^[a-f0-9]{24}$/, 'invalid').optional()),
  from: z.preprocess(blankAsUndefined, day.optional()),
  to: z.preprocess(blankAsUndefined, day.optional()),
})
export type AccessFilter = z.infer<typeof accessFilterSchema>
const filterFields = Object.keys(accessFilterSchema.shape) as (keyof AccessFilter)[]

export type ParsedAccessQuery = {
  filter: AccessFilter
  values: Record<keyof AccessFilter, string>
  errors: Partial<Record<keyof AccessFilter, string[]>>
  after?: number
  before?: number
}

/** Reads the query string; an invalid filter is left out and reported rather than failing the page. */
export function parseAccessQuery(params: URLSearchParams): ParsedAccessQuery {
  const filter: AccessFilter = {}
  const values = {} as Record<keyof AccessFilter, string>
  const errors: ParsedAccessQuery['errors'] = {}
  for (const field of filterFields) {
    const raw = params.get(field) ?? ''
    values[field] = raw.slice(0, 100)
    const result = accessFilterSchema.shape[field].safeParse(raw)
    if (!result.success) errors[field] = result.error.issues.map((issue) => issue.message)
    else if (result.data !== undefined) Object.assign(filter, { [field]: result.data })
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    errors.to = ['invalid']
    delete filter.to
  }
  const after = seq.safeParse(params.get('after') ?? '')
  const before = seq.safeParse(params.get('before') ?? '')
  return { filter, values, errors, ...(after.success ? { after: after.data } : before.success ? { before: before.data } : {}) }
}

/** The filters as a query string (only those set), for paging links. */
export function accessFilterQuery(filter: AccessFilter) {
  const params = new URLSearchParams()
  for (const field of filterFields) {
    const value = filter[field]
    if (value) params.set(field, value)
  }
  return params.toString()
}

function accessEventQuery(filter: AccessFilter): QueryFilter<AuditEvent> {
  const clauses: QueryFilter<AuditEvent>[] = [{ action: filter.action ? filter.action : { $in: [...accessActions] } }]
  if (filter.purpose) clauses.push({ 'details.purpose': filter.purpose })
  if (filter.organisation) clauses.push({ actorOrganisationId: filter.organisation })
  if (filter.from) clauses.push({ at: { $gte: new Date(`${filter.from}T00:00:00Z`) } })
  if (filter.to) clauses.push({ at: { $lt: new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + DAY_MS) } })
  return clauses.length === 1 ? (clauses[0] ?? {}) : { $and: clauses }
}

export type AccessRow = {
  id: string
  seq: number
  at: string
  action: AccessAction
  actor: { label: string | null; organisationId: string | null; organisationName: string | null }
  purpose: string | null
  note: string | null
  target: { kind: string; id: string; indicatorType: IndicatorType | null } | null
  rows: number | null
}

export type AccessPage = { total: number; rows: AccessRow[]; olderAfter: number | null; newerBefore: number | null }

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null)

/**
 * The access-justification log: who opened personal data or exported, when, why and what, newest
 * first, paged by the audit sequence number. Read from the audit log itself, so it can never disagree
 * with it.
 */
export async function listAccessJustifications(query: ParsedAccessQuery): Promise<AccessPage> {
  const base = accessEventQuery(query.filter)
  const forward = query.before === undefined
  const paged: QueryFilter<AuditEvent> =
    query.after !== undefined ? { $and: [base, { seq: { $lt: query.after } }] } : query.before !== undefined ? { $and: [base, { seq: { $gt: query.before } }] } : base
  const [total, found] = await Promise.all([
    AuditEventModel.countDocuments(base),
    AuditEventModel.find(paged)
      .sort({ seq: forward ? -1 : 1 })
      .limit(DPO_PAGE_SIZE + 1)
      .select({ seq: 1, at: 1, action: 1, actorLabel: 1, actorOrganisationId: 1, targetKind: 1, targetId: 1, details: 1 })
      .lean(),
  ])
  const more = found.length > DPO_PAGE_SIZE
  const events = found.slice(0, DPO_PAGE_SIZE)
  if (!forward) events.reverse()

  const organisationIds = [...new Set(events.flatMap((event) => (event.actorOrganisationId && /^[a-f0-9]{24}$/.test(event.actorOrganisationId) ? [event.actorOrganisationId] : [])))]
  const indicatorIds = [...new Set(events.flatMap((event) => (event.targetKind === 'indicator' && event.targetId ? [event.targetId] : [])))]
  const [organisations, indicators] = await Promise.all([
    OrganisationModel.find({ _id: { $in: organisationIds } }).select({ legalName: 1 }).lean(),
    IndicatorModel.find({ _id: { $in: indicatorIds } }).select({ type: 1 }).lean(),
  ])
  const names = new Map(organisations.map((organisation) => [String(organisation._id), organisation.legalName]))
  const types = new Map(indicators.map((indicator) => [String(indicator._id), indicator.type]))

  const rows: AccessRow[] = events.flatMap((event) => {
    const action = accessActions.find((known) => known === event.action)
    if (!action) return []
    const details: Record<string, unknown> = typeof event.details === 'object' && event.details !== null ? { ...event.details } : {}
    const type = event.targetId ? types.get(event.targetId) : undefined
    return [
      {
        id: String(event._id),
        seq: event.seq,
        at: event.at.toISOString(),
        action,
        actor: {
          label: event.actorLabel ?? null,
          organisationId: event.actorOrganisationId ?? null,
          organisationName: event.actorOrganisationId ? (names.get(event.actorOrganisationId) ?? null) : null,
        },
        purpose: text(details.purpose),
        note: text(details.note) ?? text(details.purposeNote),
        target: event.targetKind && event.targetId ? { kind: event.targetKind, id: event.targetId, indicatorType: isIndicatorType(type) ? type : null } : null,
        rows: typeof details.rows === 'number' ? details.rows : null,
      },
    ]
  })
  const first = events[0]
  const last = events[events.length - 1]
  const hasOlder = forward ? more : true
  const hasNewer = forward ? query.after !== undefined : more
  return {
    total,
    rows,
    olderAfter: hasOlder && last ? last.seq : null,
    newerBefore: hasNewer && first ? first.seq : null,
  }
}

/** Organisations whose people appear in the access log, for the filter. */
export async function accessOrganisationChoices(): Promise<{ id: string; name: string }[]> {
  const ids = (await AuditEventModel.distinct('actorOrganisationId', { action: { $in: [...accessActions] } }))
    .map(String)
    .filter((id) => /^[a-f0-9]{24}$/.test(id))
  const organisations = await OrganisationModel.find({ _id: { $in: ids } }).select({ legalName: 1 }).lean()
  return organisations.map((organisation) => ({ id: String(organisation._id), name: organisation.legalName })).sort((a, b) => a.name.localeCompare(b.name))
}
