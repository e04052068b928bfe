import { clearSignInFailures, lockedUntil } from '~/auth/lockout.server'
import type { QueryFilter } from 'mongoose'
import { z } from 'zod'
import { TokenModel } from '../../models/token'
import { UserModel } from '../../models/user'
import { recordAudit, type AuditActor } from '~/audit/audit.server'
import { forbidden, requireSignedIn, type SignedIn } from '~/auth/guards.server'
import { listLiveSessions, revokeSessionsOf } from '~/auth/session.server'
import { roles as allRoles, rolesForOrganisation, type Role } from '~/domain/vocabulary'
import { canManagePeopleOf, permissionRoles, type Viewer } from '~/policy/permissions'
import type { RequestMeta } from '~/utils/request.server'

/** Roles that can manage an organisation's people: an organisation must always keep one active holder. */
export const managerRoles: readonly Role[] = permissionRoles['user:manage']
const holdsManagerRole = (roles: readonly string[]) => roles.some((role) => (managerRoles as readonly string[]).includes(role))

export const PEOPLE_PAGE_SIZE = 25
export const INVITATIONS_SHOWN = 100

/** Signed in and allowed to manage the people of their own organisation; otherwise sign-in or 403. */
export async function requirePeopleManager(request: Request): Promise<SignedIn> {
  const signedIn = await requireSignedIn(request)
  if (!canManagePeopleOf(signedIn.viewer, signedIn.viewer.organisationId)) throw forbidden()
  return signedIn
}

/** Every domain function checks again: the routes are not the only way in. */
function assertManager(viewer: Viewer) {
  if (!canManagePeopleOf(viewer, viewer.organisationId)) throw forbidden()
}

const actorOf = (viewer: Viewer): AuditActor => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

export const objectIdSchema = z.string().regex(/^[a-f\d]{24}$/i)

/** A well-formed id from a URL, or null (which the routes answer with 404, never 500). */
export function parseObjectId(value: string | undefined): string | null {
  const parsed = objectIdSchema.safeParse(value)
  return parsed.success ? parsed.data.toLowerCase() : null
}

/** Roles a manager may hand out in their own organisation. */
export function assignableRoles(viewer: Pick<Viewer, 'organisationKind' | 'isOperator'>): Role[] {
  return rolesForOrganisation({ kind: viewer.organisationKind, isOperator: viewer.isOperator })
}

const toRoles = (values: readonly string[] | null | undefined): Role[] =>
  (values ?? []).filter((role): role is Role => (allRoles as readonly string[]).includes(role))

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function searchFilter(q: string | undefined) {
  if (!q) return null
  const pattern = { $regex: escapeRegex(q), $options: 'i' }
  return { $or: [{ name: pattern }, { email: pattern }] }
}

// ---------------------------------------------------------------------------------------------------
// The list of people, with keyset paging

import { peopleSorts, peopleStatusFilters, type PeopleSort } from './schemas'
export { peopleSorts, peopleStatusFilters, type PeopleSort }

const sortFields = { name: 'name', email: 'email', lastSignIn: 'lastSignInAt', created: 'createdAt' } as const
type SortField = (typeof sortFields)[PeopleSort]
const dateFields: readonly SortField[] = ['lastSignInAt', 'createdAt']

/** The list's query string; anything malformed falls back to the default rather than failing. */
export const peopleListQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  role: z.enum(allRoles).optional().catch(undefined),
  status: z.enum(peopleStatusFilters).catch('all'),
  sort: z.enum(peopleSorts).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  after: z.string().max(300).optional().catch(undefined),
  before: z.string().max(300).optional().catch(undefined),
})
export type PeopleListQuery = z.infer<typeof peopleListQuery>

export function readPeopleListQuery(url: URL): PeopleListQuery {
  const raw = Object.fromEntries(url.searchParams)
  return peopleListQuery.parse({ ...raw, q: raw.q || undefined, role: raw.role || undefined })
}

type CursorValue = string | Date | null
type Cursor = { value: CursorValue; id: string }

const cursorSchema = z.tuple([z.string().max(200).nullable(), objectIdSchema])

function encodeCursor(value: CursorValue | undefined, id: string) {
  const plain = value instanceof Date ? value.toISOString() : (value ?? null)
  return Buffer.from(JSON.stringify([plain, id])).toString('base64url')
}

function decodeCursor(raw: string | undefined, field: SortField): Cursor | null {
  if (!raw) return null
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  const parsed = cursorSchema.safeParse(json)
  if (!parsed.success) return null
  const [value, id] = parsed.data
  if (!dateFields.includes(field)) return value === null ? null : { value, id }
  if (value === null) return field === 'lastSignInAt' ? { value: null, id } : null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : { value: date, id }
}

/**
 * Rows strictly after the cursor in the order `{ field: order, _id: order }`. Missing values (a person
 * who never signed in) sort first ascending and last descending, as MongoDB orders them.
 */
function afterCursor(field: SortField, order: 1 | -1, cursor: Cursor): Record<string, unknown> {
  const beyond = order === 1 ? '$gt' : '$lt'
  if (cursor.value === null) {
    return order === 1
      ? { $or: [{ [field]: null, _id: { $gt: cursor.id } }, { [field]: { $ne: null } }] }
      : { [field]: null, _id: { $lt: cursor.id } }
  }
  const clauses: Record<string, unknown>[] = [
    { [field]: cursor.value, _id: { [beyond]: cursor.id } },
    { [field]: { [beyond]: cursor.value } },
  ]
  if (order === -1 && field === 'lastSignInAt') clauses.push({ [field]: null })
  return { $or: clauses }
}

export type PersonRow = {
  id: string
  name: string
  email: string
  roles: Role[]
  status: 'active' | 'deactivated'
  mfaEnrolled: boolean
  lastSignInAt: string | null
}

export type PeoplePage = { people: PersonRow[]; next: string | null; previous: string | null }

/** One page of the viewer's organisation's people. */
export async function listPeople(viewer: Viewer, query: PeopleListQuery): Promise<PeoplePage> {
  assertManager(viewer)
  if (query.status === 'invited') return { people: [], next: null, previous: null }
  const field = sortFields[query.sort]
  const order = query.dir === 'asc' ? 1 : -1
  const cursor = decodeCursor(query.before ?? query.after, field)
  const backwards = Boolean(cursor && query.before)
  const effective = backwards ? (order === 1 ? -1 : 1) : order

  const conditions: Record<string, unknown>[] = []
  const search = searchFilter(query.q)
  if (search) conditions.push(search)
  if (cursor) conditions.push(afterCursor(field, effective, cursor))
  const filter: QueryFilter<unknown> = {
    organisationId: viewer.organisationId,
    ...(query.status === 'all' ? {} : { status: query.status }),
    ...(query.role ? { roles: query.role } : {}),
    ...(conditions.length ? { $and: conditions } : {}),
  }
  const rows = await UserModel.find(filter)
    .sort({ [field]: effective, _id: effective })
    .limit(PEOPLE_PAGE_SIZE + 1)
    .select({ name: 1, email: 1, roles: 1, status: 1, totpEnrolledAt: 1, lastSignInAt: 1, createdAt: 1 })
    .lean()
  const more = rows.length > PEOPLE_PAGE_SIZE
  const page = rows.slice(0, PEOPLE_PAGE_SIZE)
  if (backwards) page.reverse()
  const first = page[0]
  const last = page[page.length - 1]
  const keyOf = (row: (typeof page)[number]) => encodeCursor(row[field], String(row._id))
  const hasNext = backwards ? true : more
  const hasPrevious = backwards ? more : Boolean(cursor)
  return {
    people: page.map((row) => ({
      id: String(row._id),
      name: row.name,
      email: row.email,
      roles: toRoles(row.roles),
      status: row.status === 'deactivated' ? 'deactivated' : 'active',
      mfaEnrolled: Boolean(row.totpEnrolledAt),
      lastSignInAt: row.lastSignInAt ? row.lastSignInAt.toISOString() : null,
    })),
    next: hasNext && last ? keyOf(last) : null,
    previous: hasPrevious && first ? keyOf(first) : null,
  }
}

// ---------------------------------------------------------------------------------------------------
// Pending invitations

export type InvitationRow = {
  id: string
  name: string
  email: string
  roles: Role[]
  invitedBy: string | null
  createdAt: string
  expiresAt: string
}

function pendingInvitationFilter(viewer: Viewer) {
  return {
    organisationId: viewer.organisationId,
    purpose: 'invitation' as const,
    usedAt: { $exists: false },
    revokedAt: { $exists: false },
    expiresAt: { $gt: new Date() },
  }
}

/** Invitations not yet used, revoked or expired (at most 72 hours old, so a short list), soonest to expire first. */
export async function listPendingInvitations(
  viewer: Viewer,
  query: Pick<PeopleListQuery, 'q' | 'role' | 'status'>,
): Promise<{ invitations: InvitationRow[]; more: boolean }> {
  assertManager(viewer)
  if (query.status === 'active' || query.status === 'deactivated') return { invitations: [], more: false }
  const search = searchFilter(query.q)
  const found = await TokenModel.find({
    ...pendingInvitationFilter(viewer),
    ...(query.role ? { roles: query.role } : {}),
    ...(search ?? {}),
  })
    .sort({ expiresAt: 1, _id: 1 })
    .limit(INVITATIONS_SHOWN + 1)
    .select({ name: 1, email: 1, roles: 1, createdBy: 1, createdAt: 1, expiresAt: 1 })
    .lean()
  const invitations = found.slice(0, INVITATIONS_SHOWN)
  const inviterIds = [...new Set(invitations.flatMap((row) => (row.createdBy ? [String(row.createdBy)] : [])))]
  const inviters = inviterIds.length
    ? await UserModel.find({ organisationId: viewer.organisationId, _id: { $in: inviterIds } }).select({ name: 1 }).lean()
    : []
  const names = new Map(inviters.map((user) => [String(user._id), user.name]))
  return {
    more: found.length > INVITATIONS_SHOWN,
    invitations: invitations.map((row) => ({
      id: String(row._id),
      name: row.name ?? '',
      email: row.email,
      roles: toRoles(row.roles),
      invitedBy: row.createdBy ? (names.get(String(row.createdBy)) ?? null) : null,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
    })),
  }
}

export async function getPendingInvitation(viewer: Viewer, invitationId: string): Promise<InvitationRow | null> {
  assertManager(viewer)
  const id = parseObjectId(invitationId)
  if (!id) return null
  const found = await TokenModel.findOne({ ...pendingInvitationFilter(viewer), _id: id })
    .select({ name: 1, email: 1, roles: 1, createdBy: 1, createdAt: 1, expiresAt: 1 })
    .lean()
  if (!found) return null
  const inviter = found.createdBy
    ? await UserModel.findOne({ organisationId: viewer.organisationId, _id: found.createdBy }).select({ name: 1 }).lean()
    : null
  return {
    id: String(found._id),
    name: found.name ?? '',
    email: found.email,
    roles: toRoles(found.roles),
    invitedBy: inviter?.name ?? null,
    createdAt: found.createdAt.toISOString(),
    expiresAt: found.expiresAt.toISOString(),
  }
}

/** Withdraws a pending invitation: its link stops working at once. */
export async function revokeInvitation(viewer: Viewer, invitationId: string, meta?: RequestMeta) {
  assertManager(viewer)
  const id = parseObjectId(invitationId)
  if (!id) return { ok: false as const, reason: 'notFound' as const }
  const revoked = await TokenModel.findOneAndUpdate(
    { ...pendingInvitationFilter(viewer), _id: id },
    { $set: { revokedAt: new Date() } },
    { returnDocument: 'after', lean: true },
  )
  if (!revoked) return { ok: false as const, reason: 'notFound' as const }
  await recordAudit({
    action: 'user.invitation_revoked',
    actor: actorOf(viewer),
    target: { kind: 'invitation', id },
    meta,
    details: { email: revoked.email, roles: toRoles(revoked.roles) },
  })
  return { ok: true as const, email: revoked.email }
}

// ---------------------------------------------------------------------------------------------------
// One person

export type PersonDetail = PersonRow & {
  isSelf: boolean
  mfaEnrolledAt: string | null
  lockedUntil: string | null
  createdAt: string
  /** Without their ids: even a session's hashed id has no business in a browser. */
  sessions: { createdAt: string; lastSeenAt: string; ip: string | null; userAgent: string | null; current: boolean }[]
}

async function findPerson(viewer: Viewer, userId: string) {
  const id = parseObjectId(userId)
  if (!id) return null
  return UserModel.findOne({ _id: id, organisationId: viewer.organisationId })
    .select({ name: 1, email: 1, roles: 1, status: 1, totpEnrolledAt: 1, lastSignInAt: 1, createdAt: 1, updatedAt: 1 })
    .lean()
}

/** Whether the id names a person of the viewer's own organisation (anything else answers 404). */
export async function isPersonOf(viewer: Viewer, userId: string | undefined) {
  assertManager(viewer)
  const id = parseObjectId(userId)
  if (!id) return false
  return Boolean(await UserModel.exists({ _id: id, organisationId: viewer.organisationId }))
}

/** A person of the viewer's own organisation with their live sessions, or null (another organisation's person too). */
export async function getPerson(viewer: Viewer, userId: string, currentSessionId?: string): Promise<PersonDetail | null> {
  assertManager(viewer)
  const found = await findPerson(viewer, userId)
  if (!found) return null
  const id = String(found._id)
  const sessions = await listLiveSessions({ id, organisationId: viewer.organisationId })
  const locked = (await lockedUntil({ id, organisationId: viewer.organisationId }))?.toISOString() ?? null
  return {
    id,
    name: found.name,
    email: found.email,
    roles: toRoles(found.roles),
    status: found.status === 'deactivated' ? 'deactivated' : 'active',
    mfaEnrolled: Boolean(found.totpEnrolledAt),
    mfaEnrolledAt: found.totpEnrolledAt ? found.totpEnrolledAt.toISOString() : null,
    lastSignInAt: found.lastSignInAt ? found.lastSignInAt.toISOString() : null,
    lockedUntil: locked,
    createdAt: found.createdAt.toISOString(),
    isSelf: id === viewer.userId,
    sessions: sessions.map(({ id: sessionId, ...session }) => ({ ...session, current: sessionId === currentSessionId })),
  }
}

export type PeopleRefusal =
  | 'notFound'
  | 'lastManager'
  | 'roleNotAllowed'
  | 'self'
  | 'conflict'
  | 'alreadyDeactivated'
  | 'alreadyActive'
type Outcome<T extends object = object> = ({ ok: true } & T) | { ok: false; reason: PeopleRefusal }

const countActiveManagers = (organisationId: string, exceptUserId?: string) =>
  UserModel.countDocuments({
    organisationId,
    status: 'active',
    roles: { $in: [...managerRoles] },
    ...(exceptUserId ? { _id: { $ne: exceptUserId } } : {}),
  })

/**
 * Replaces a person's roles with others valid for the organisation. The organisation must keep one
 * active person who can manage its people: checked before, and again after the write (no
 * transactions), undoing it if two managers demoted each other at the same moment.
 */
export async function changeRoles(
  viewer: Viewer,
  userId: string,
  requested: readonly Role[],
  meta?: RequestMeta,
): Promise<Outcome<{ changed: boolean }>> {
  assertManager(viewer)
  const person = await findPerson(viewer, userId)
  if (!person) return { ok: false, reason: 'notFound' }
  const allowed = assignableRoles(viewer)
  const after = allowed.filter((role) => requested.includes(role))
  if (after.length === 0 || requested.some((role) => !allowed.includes(role))) return { ok: false, reason: 'roleNotAllowed' }
  const before = toRoles(person.roles)
  if (before.length === after.length && before.every((role) => after.includes(role))) return { ok: true, changed: false }

  const scope = { _id: person._id, organisationId: viewer.organisationId }
  const losesManagement = person.status === 'active' && holdsManagerRole(before) && !holdsManagerRole(after)
  if (losesManagement && (await countActiveManagers(viewer.organisationId, String(person._id))) === 0) {
    return { ok: false, reason: 'lastManager' }
  }
  const updated = await UserModel.updateOne({ ...scope, updatedAt: person.updatedAt }, { $set: { roles: after } })
  if (updated.modifiedCount !== 1) return { ok: false, reason: 'conflict' }
  if (losesManagement && (await countActiveManagers(viewer.organisationId)) === 0) {
    await UserModel.updateOne(scope, { $set: { roles: before } })
    return { ok: false, reason: 'lastManager' }
  }
  await recordAudit({
    action: 'user.roles_changed',
    actor: actorOf(viewer),
    target: { kind: 'user', id: String(person._id) },
    meta,
    details: { email: person.email, before, after },
  })
  return { ok: true, changed: true }
}

/** Deactivates a person of the organisation (never oneself) and ends every session they have. */
export async function deactivatePerson(viewer: Viewer, userId: string, meta?: RequestMeta): Promise<Outcome<{ sessionsRevoked: number }>> {
  assertManager(viewer)
  const person = await findPerson(viewer, userId)
  if (!person) return { ok: false, reason: 'notFound' }
  const id = String(person._id)
  if (id === viewer.userId) return { ok: false, reason: 'self' }
  const updated = await UserModel.updateOne(
    { _id: person._id, organisationId: viewer.organisationId, status: 'active' },
    { $set: { status: 'deactivated' } },
  )
  if (updated.modifiedCount !== 1) return { ok: false, reason: 'alreadyDeactivated' }
  const sessionsRevoked = await revokeSessionsOf({ id, organisationId: viewer.organisationId }, 'deactivated')
  await recordAudit({
    action: 'user.deactivated',
    actor: actorOf(viewer),
    target: { kind: 'user', id },
    meta,
    details: { email: person.email, sessionsRevoked },
  })
  return { ok: true, sessionsRevoked }
}

export async function reactivatePerson(viewer: Viewer, userId: string, meta?: RequestMeta): Promise<Outcome> {
  assertManager(viewer)
  const person = await findPerson(viewer, userId)
  if (!person) return { ok: false, reason: 'notFound' }
  const id = String(person._id)
  const updated = await UserModel.updateOne(
    { _id: person._id, organisationId: viewer.organisationId, status: 'deactivated' },
    { $set: { status: 'active' } },
  )
  if (updated.modifiedCount !== 1) return { ok: false, reason: 'alreadyActive' }
  await clearSignInFailures({ id, organisationId: viewer.organisationId })
  await recordAudit({ action: 'user.reactivated', actor: actorOf(viewer), target: { kind: 'user', id }, meta, details: { email: person.email } })
  return { ok: true }
}

/** Ends a person's live sessions; on one's own page the session in use is kept. */
export async function revokePersonSessions(
  viewer: Viewer,
  userId: string,
  currentSessionId: string | undefined,
  meta?: RequestMeta,
): Promise<Outcome<{ count: number }>> {
  assertManager(viewer)
  const person = await findPerson(viewer, userId)
  if (!person) return { ok: false, reason: 'notFound' }
  const id = String(person._id)
  const keep = id === viewer.userId ? currentSessionId : undefined
  const count = await revokeSessionsOf({ id, organisationId: viewer.organisationId }, 'revoked_by_admin', keep)
  await recordAudit({
    action: 'session.revoked_by_admin',
    actor: actorOf(viewer),
    target: { kind: 'user', id },
    meta,
    details: { email: person.email, count },
  })
  return { ok: true, count }
}

/**
 * Forgets a person's second factor and recovery codes, so they enrol a new one at their next sign-in,
 * and ends their sessions. Not for oneself: a stolen session must not be enough to replace the factor.
 */
export async function resetPersonMfa(viewer: Viewer, userId: string, meta?: RequestMeta): Promise<Outcome<{ sessionsRevoked: number }>> {
  assertManager(viewer)
  const person = await findPerson(viewer, userId)
  if (!person) return { ok: false, reason: 'notFound' }
  const id = String(person._id)
  if (id === viewer.userId) return { ok: false, reason: 'self' }
  await UserModel.updateOne(
    { _id: person._id, organisationId: viewer.organisationId },
    { $unset: { totpSecret: 1, totpEnrolledAt: 1, recoveryCodeHashes: 1 } },
  )
  const sessionsRevoked = await revokeSessionsOf({ id, organisationId: viewer.organisationId }, 'mfa_reset')
  await recordAudit({
    action: 'auth.mfa_reset',
    actor: actorOf(viewer),
    target: { kind: 'user', id },
    meta,
    details: { email: person.email, sessionsRevoked },
  })
  return { ok: true, sessionsRevoked }
}
