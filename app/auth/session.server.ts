import crypto from 'node:crypto'
import { createCookie } from '@remix-run/node'
import { SessionModel } from '../../models/session'
import { SessionRevocationModel } from '../../models/session-revocation'
import { getEnv, sessionSecret } from '~/utils/env.server'
import type { RequestMeta } from '~/utils/request.server'

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000
/** Between the password and the second factor. */
const PENDING_TIMEOUT_MS = 10 * 60 * 1000
const TOUCH_EVERY_MS = 60 * 1000

export type SessionStage = 'password' | 'enrol' | 'full'

function sessionCookie() {
  return createCookie('__session', {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: getEnv().NODE_ENV === 'production',
    secrets: [sessionSecret()],
  })
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex')
const WHY_BY_ID = { acrossOrganisations: 'a session is found by its own secret id' }

export type ActiveSession = {
  id: string
  userId: string
  organisationId: string
  stage: SessionStage
  pendingTotpSecret?: string | null
  createdAt: Date
}

/** Starts a session with a fresh id; returns the Set-Cookie header. */
export async function startSession(
  user: { id: string; organisationId: string },
  stage: SessionStage,
  meta: RequestMeta = {},
): Promise<{ id: string; setCookie: string }> {
  const token = crypto.randomBytes(32).toString('base64url')
  const now = new Date()
  const id = hashToken(token)
  await SessionModel.create({
    _id: id,
    userId: user.id,
    organisationId: user.organisationId,
    stage,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + (stage === 'full' ? ABSOLUTE_TIMEOUT_MS : PENDING_TIMEOUT_MS)),
    ip: meta.ip,
    userAgent: meta.userAgent,
  })
  return { id, setCookie: await sessionCookie().serialize(token, { maxAge: ABSOLUTE_TIMEOUT_MS / 1000 }) }
}

/** The live session of this request, or null when there is none, or it was revoked, idle or too old. */
export async function readSession(request: Request): Promise<ActiveSession | null> {
  const token: unknown = await sessionCookie().parse(request.headers.get('cookie'))
  if (typeof token !== 'string' || token.length < 32) return null
  const id = hashToken(token)
  const session = await SessionModel.findOne({ _id: id }, null, WHY_BY_ID).lean()
  if (!session) return null
  const scope = { id, organisationId: String(session.organisationId), userId: String(session.userId) }
  if (await SessionRevocationModel.exists({ _id: id, organisationId: session.organisationId })) return null
  const now = Date.now()
  const expired =
    now >= session.expiresAt.getTime()
      ? 'expired'
      : session.stage === 'full' && now - session.lastSeenAt.getTime() > IDLE_TIMEOUT_MS
        ? 'idle'
        : null
  if (expired) {
    await revokeIds([scope.id], scope, expired)
    return null
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await SessionModel.updateOne({ _id: id, organisationId: session.organisationId }, { $set: { lastSeenAt: new Date(now) } })
  }
  return {
    id,
    userId: scope.userId,
    organisationId: scope.organisationId,
    stage: session.stage as SessionStage,
    pendingTotpSecret: session.pendingTotpSecret,
    createdAt: session.createdAt,
  }
}

/** Revocations are documents of their own: no concurrent update of a session can undo one. */
async function revokeIds(ids: string[], owner: { organisationId: string; userId: string }, reason: string) {
  if (ids.length === 0) return 0
  const at = new Date()
  const result = await SessionRevocationModel.insertMany(
    ids.map((_id) => ({ _id, organisationId: owner.organisationId, userId: owner.userId, at, reason })),
    { ordered: false },
  ).catch((error: { insertedDocs?: unknown[]; writeErrors?: { code?: number; err?: { code?: number } }[] }) => {
    const duplicatesOnly = (error.writeErrors ?? []).every((e) => (e.code ?? e.err?.code) === 11000)
    if (!duplicatesOnly || !error.writeErrors) throw error
    return error.insertedDocs ?? []
  })
  return result.length
}

export async function setPendingTotpSecret(session: ActiveSession, secret: string) {
  await SessionModel.updateOne(
    { _id: session.id, organisationId: session.organisationId },
    { $set: { pendingTotpSecret: secret } },
  )
}

export async function revokeSession(session: Pick<ActiveSession, 'id' | 'organisationId' | 'userId'>, reason: string) {
  await revokeIds([session.id], session, reason)
}

async function liveSessionIds(filter: { organisationId: string; userId?: string }, exceptSessionId?: string) {
  const now = new Date()
  const sessions = await SessionModel.find({ ...filter, expiresAt: { $gt: now } })
    .select({ _id: 1, userId: 1 })
    .lean()
  const revoked = new Set(
    (
      await SessionRevocationModel.find({ organisationId: filter.organisationId, _id: { $in: sessions.map((s) => s._id) } })
        .select({ _id: 1 })
        .lean()
    ).map((r) => r._id),
  )
  return sessions.filter((s) => !revoked.has(s._id) && s._id !== exceptSessionId)
}

/** Ends every live session of a person (sign out everywhere, deactivation, password reset). */
export async function revokeSessionsOf(
  user: { id: string; organisationId: string },
  reason: string,
  exceptSessionId?: string,
) {
  const live = await liveSessionIds({ organisationId: user.organisationId, userId: user.id }, exceptSessionId)
  return revokeIds(
    live.map((s) => s._id),
    { organisationId: user.organisationId, userId: user.id },
    reason,
  )
}

export async function listLiveSessions(user: { id: string; organisationId: string }) {
  const now = new Date()
  const sessions = await SessionModel.find({
    organisationId: user.organisationId,
    userId: user.id,
    stage: 'full',
    expiresAt: { $gt: now },
    lastSeenAt: { $gt: new Date(now.getTime() - IDLE_TIMEOUT_MS) },
  })
    .sort({ lastSeenAt: -1 })
    .select({ createdAt: 1, lastSeenAt: 1, ip: 1, userAgent: 1 })
    .lean()
  const revoked = new Set(
    (
      await SessionRevocationModel.find({ organisationId: user.organisationId, _id: { $in: sessions.map((s) => s._id) } })
        .select({ _id: 1 })
        .lean()
    ).map((r) => r._id),
  )
  return sessions
    .filter((s) => !revoked.has(s._id))
    .map((s) => ({
      id: s._id,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      ip: s.ip ?? null,
      userAgent: s.userAgent ?? null,
    }))
}

export async function clearSessionCookie() {
  return sessionCookie().serialize('', { maxAge: 0 })
}

/** Ends every live session of an organisation's people (suspension). */
export async function revokeOrganisationSessions(organisationId: string, reason: string) {
  const live = await liveSessionIds({ organisationId })
  let count = 0
  const byUser = new Map<string, string[]>()
  for (const session of live) byUser.set(String(session.userId), [...(byUser.get(String(session.userId)) ?? []), session._id])
  for (const [userId, ids] of byUser) count += await revokeIds(ids, { organisationId, userId }, reason)
  return count
}
