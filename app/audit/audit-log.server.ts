import type { QueryFilter } from 'mongoose'
import { AuditEventModel, type AuditEvent } from '../../models/audit-event'
import { OrganisationModel } from '../../models/organisation'
import { UserModel } from '../../models/user'
import { AUDIT_PAGE_SIZE, knownAuditActions, type AuditOutcome } from './actions'
import type { AuditCursor, AuditFilter } from './audit-filter'

const DAY_MS = 24 * 60 * 60 * 1000
const ACROSS = { acrossOrganisations: 'the audit log names the people its events are about, in every organisation' }

function escapeRegex(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The database filter for parsed audit filters; built only from validated values. */
export function auditEventQuery(filter: AuditFilter): QueryFilter<AuditEvent> {
  const clauses: QueryFilter<AuditEvent>[] = []
  if (filter.action) clauses.push({ action: filter.action })
  if (filter.prefix) clauses.push({ action: { $regex: `^${escapeRegex(filter.prefix)}` } })
  if (filter.outcome) clauses.push({ outcome: filter.outcome })
  if (filter.organisation === 'none') clauses.push({ actorOrganisationId: null })
  else if (filter.organisation) clauses.push({ actorOrganisationId: filter.organisation })
  if (filter.from) clauses.push({ at: { $gte: new Date(`${filter.from}T00:00:00Z`) } })
  if (filter.to) clauses.push({ at: { $lt: new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + DAY_MS) } })
  if (filter.actor) clauses.push({ actorLabel: { $regex: escapeRegex(filter.actor), $options: 'i' } })
  if (clauses.length === 0) return {}
  return clauses.length === 1 ? (clauses[0] ?? {}) : { $and: clauses }
}

/** Adds a condition on `seq` to a filter without clobbering the others. */
function withSeq(query: QueryFilter<AuditEvent>, seq: Record<string, number>): QueryFilter<AuditEvent> {
  return Object.keys(query).length === 0 ? { seq } : { $and: [query, { seq }] }
}

const listedFields = {
  seq: 1,
  at: 1,
  actorUserId: 1,
  actorOrganisationId: 1,
  actorLabel: 1,
  action: 1,
  targetKind: 1,
  targetId: 1,
  outcome: 1,
  ip: 1,
  userAgent: 1,
  details: 1,
} as const

type StoredEvent = Pick<
  AuditEvent,
  'seq' | 'at' | 'actorUserId' | 'actorOrganisationId' | 'actorLabel' | 'action' | 'targetKind' | 'targetId' | 'outcome' | 'ip' | 'userAgent' | 'details'
> & { _id: unknown }

export type AuditEventRow = {
  id: string
  seq: number
  /** ISO 8601, UTC. */
  at: string
  actor: { label: string | null; userId: string | null; organisationId: string | null; organisationName: string | null }
  action: string
  outcome: AuditOutcome
  target: { kind: string; id: string; name: string | null } | null
  ip: string | null
  userAgent: string | null
  details: Record<string, unknown>
}

/** Names of organisations and people the events mention, each fetched with one query (no joins). */
async function resolveNames(events: StoredEvent[], cache = new Map<string, string | null>()) {
  const organisationIds = new Set<string>()
  const userIds = new Set<string>()
  for (const event of events) {
    if (event.actorOrganisationId) organisationIds.add(event.actorOrganisationId)
    if (event.targetKind === 'organisation' && event.targetId) organisationIds.add(event.targetId)
    if (event.targetKind === 'user' && event.targetId) userIds.add(event.targetId)
  }
  const unresolved = (ids: Set<string>, kind: string) =>
    [...ids].filter((id) => !cache.has(`${kind}:${id}`) && /^[a-f0-9]{24}$/.test(id))
  const organisationsToFind = unresolved(organisationIds, 'organisation')
  const usersToFind = unresolved(userIds, 'user')
  const [organisations, users] = await Promise.all([
    organisationsToFind.length
      ? OrganisationModel.find({ _id: { $in: organisationsToFind } }).select({ legalName: 1 }).lean()
      : [],
    usersToFind.length ? UserModel.find({ _id: { $in: usersToFind } }, null, ACROSS).select({ name: 1 }).lean() : [],
  ])
  // Unknown ids are remembered too (deleted records), so they are not looked up again.
  for (const id of organisationsToFind) cache.set(`organisation:${id}`, null)
  for (const id of usersToFind) cache.set(`user:${id}`, null)
  for (const organisation of organisations) cache.set(`organisation:${String(organisation._id)}`, organisation.legalName)
  for (const user of users) cache.set(`user:${String(user._id)}`, user.name)
  return cache
}

function toRow(event: StoredEvent, names: Map<string, string | null>): AuditEventRow {
  const details = event.details && typeof event.details === 'object' && !Array.isArray(event.details) ? event.details : {}
  return {
    id: String(event._id),
    seq: event.seq,
    at: event.at.toISOString(),
    actor: {
      label: event.actorLabel ?? null,
      userId: event.actorUserId ?? null,
      organisationId: event.actorOrganisationId ?? null,
      organisationName: event.actorOrganisationId ? (names.get(`organisation:${event.actorOrganisationId}`) ?? null) : null,
    },
    action: event.action,
    outcome: event.outcome,
    target: event.targetKind
      ? {
          kind: event.targetKind,
          id: event.targetId ?? '',
          name: event.targetId ? (names.get(`${event.targetKind}:${event.targetId}`) ?? null) : null,
        }
      : null,
    ip: event.ip ?? null,
    userAgent: event.userAgent ?? null,
    details: { ...(details as Record<string, unknown>) },
  }
}

export type AuditPage = {
  events: AuditEventRow[]
  /** How many events match the filters, over all pages. */
  total: number
  /** Cursor for older events (`?after=`), or null on the last page. */
  olderAfter: number | null
  /** Cursor for newer events (`?before=`), or null on the first page. */
  newerBefore: number | null
}

/** One page of events, newest first, by keyset on `seq`. */
export async function listAuditEvents(filter: AuditFilter, cursor: AuditCursor = {}, pageSize = AUDIT_PAGE_SIZE): Promise<AuditPage> {
  const query = auditEventQuery(filter)
  const backwards = Boolean(cursor.before && !cursor.after)
  const pageQuery = cursor.after
    ? withSeq(query, { $lt: cursor.after })
    : cursor.before
      ? withSeq(query, { $gt: cursor.before })
      : query
  const [found, total] = await Promise.all([
    AuditEventModel.find(pageQuery)
      .sort({ seq: backwards ? 1 : -1 })
      .limit(pageSize)
      .select(listedFields)
      .lean<StoredEvent[]>(),
    AuditEventModel.countDocuments(query),
  ])
  const events = backwards ? found.reverse() : found
  const newest = events[0]?.seq
  const oldest = events.at(-1)?.seq
  const [hasOlder, hasNewer, names] = await Promise.all([
    oldest !== undefined ? AuditEventModel.exists(withSeq(query, { $lt: oldest })) : null,
    newest !== undefined ? AuditEventModel.exists(withSeq(query, { $gt: newest })) : null,
    resolveNames(events),
  ])
  return {
    events: events.map((event) => toRow(event, names)),
    total,
    olderAfter: hasOlder && oldest !== undefined ? oldest : null,
    newerBefore: hasNewer && newest !== undefined ? newest : null,
  }
}

/** Choices for the filter form: every known action plus any other recorded, and the organisations seen. */
export async function auditFilterChoices() {
  const [actions, organisationIds] = await Promise.all([
    AuditEventModel.distinct('action'),
    AuditEventModel.distinct('actorOrganisationId'),
  ])
  const ids = organisationIds.filter((id): id is string => typeof id === 'string' && /^[a-f0-9]{24}$/.test(id))
  const organisations = ids.length
    ? await OrganisationModel.find({ _id: { $in: ids } }).select({ legalName: 1 }).lean()
    : []
  return {
    actions: [...new Set<string>([...knownAuditActions, ...actions.filter((a): a is string => typeof a === 'string')])],
    organisations: organisations
      .map((organisation) => ({ id: String(organisation._id), name: organisation.legalName }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }
}

/** The newest sequence number now; an export reads up to it so its row count is exact. */
export async function latestAuditSeq() {
  const last = await AuditEventModel.findOne({}).sort({ seq: -1 }).select({ seq: 1 }).lean()
  return last?.seq ?? 0
}

export async function countAuditEvents(filter: AuditFilter, upToSeq?: number) {
  const query = auditEventQuery(filter)
  return AuditEventModel.countDocuments(upToSeq === undefined ? query : withSeq(query, { $lte: upToSeq }))
}

/**
 * Matching events, newest first, in batches read with a keyset cursor so that a large export never
 * sits in memory at once.
 */
export async function* auditEventBatches(
  filter: AuditFilter,
  { upToSeq, limit, batchSize = 1_000 }: { upToSeq: number; limit: number; batchSize?: number },
): AsyncGenerator<AuditEventRow[]> {
  const query = auditEventQuery(filter)
  const names = new Map<string, string | null>()
  let below = upToSeq + 1
  let remaining = limit
  while (remaining > 0) {
    const batch = await AuditEventModel.find(withSeq(query, { $lt: below }))
      .sort({ seq: -1 })
      .limit(Math.min(batchSize, remaining))
      .select(listedFields)
      .lean<StoredEvent[]>()
    if (batch.length === 0) return
    await resolveNames(batch, names)
    yield batch.map((event) => toRow(event, names))
    remaining -= batch.length
    below = batch.at(-1)?.seq ?? 0
    if (batch.length < batchSize) return
  }
}
