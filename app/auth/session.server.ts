import crypto from 'node:crypto'
import { createCookie } from '@remix-run/node'
import { SessionModel } from '../../models/session'
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
  if (!session || session.revokedAt) return null
  const now = Date.now()
  const expired =
    now >= session.expiresAt.getTime()
      ? 'expired'
      : session.stage === 'full' && now - session.lastSeenAt.getTime() > IDLE_TIMEOUT_MS
        ? 'idle'
        : null
  if (expired) {
    await SessionModel.updateOne(
      { _id: id, organisationId: session.organisationId },
      { $set: { revokedAt: new Date(now), revokedReason: expired } },
    )
    return null
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await SessionModel.updateOne({ _id: id, organisationId: session.organisationId }, { $set: { lastSeenAt: new Date(now) } })
  }
  return {
    id,
    userId: String(session.userId),
    organisationId: String(session.organisationId),
    stage: session.stage as SessionStage,
    pendingTotpSecret: session.pendingTotpSecret,
    createdAt: session.createdAt,
  }
}

export async function setPendingTotpSecret(session: ActiveSession, secret: string) {
  await SessionModel.updateOne(
    { _id: session.id, organisationId: session.organisationId },
    { $set: { pendingTotpSecret: secret } },
  )
}

export async function revokeSession(session: Pick<ActiveSession, 'id' | 'organisationId'>, reason: string) {
  await SessionModel.updateOne(
    { _id: session.id, organisationId: session.organisationId, revokedAt: { $exists: false } },
    { $set: { revokedAt: new Date(), revokedReason: reason } },
  )
}

/** Ends every live session of a person (sign out everywhere, deactivation, password reset). */
export async function revokeSessionsOf(
  user: { id: string; organisationId: string },
  reason: string,
  exceptSessionId?: string,
) {
  const filter: Record<string, unknown> = {
    organisationId: user.organisationId,
    userId: user.id,
    revokedAt: { $exists: false },
  }
  if (exceptSessionId) filter._id = { $ne: exceptSessionId }
  const { modifiedCount } = await SessionModel.updateMany(filter, { $set: { revokedAt: new Date(), revokedReason: reason } })
  return modifiedCount
}

export async function listLiveSessions(user: { id: string; organisationId: string }) {
  const now = new Date()
  const sessions = await SessionModel.find({
    organisationId: user.organisationId,
    userId: user.id,
    stage: 'full',
    revokedAt: { $exists: false },
    expiresAt: { $gt: now },
    lastSeenAt: { $gt: new Date(now.getTime() - IDLE_TIMEOUT_MS) },
  })
    .sort({ lastSeenAt: -1 })
    .select({ createdAt: 1, lastSeenAt: 1, ip: 1, userAgent: 1 })
    .lean()
  return sessions.map((s) => ({
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
  const { modifiedCount } = await SessionModel.updateMany(
    { organisationId, revokedAt: { $exists: false } },
    { $set: { revokedAt: new Date(), revokedReason: reason } },
  )
  return modifiedCount
}
