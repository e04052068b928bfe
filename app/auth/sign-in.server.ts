import type { Types } from 'mongoose'
import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { TokenModel } from '../../models/token'
import { UserModel } from '../../models/user'
import { recordAudit } from '~/audit/audit.server'
import { hashPassword, newPasswordSchema, verifyPassword } from './password.server'
import { revokeSessionsOf, setPendingTotpSecret, type ActiveSession } from './session.server'
import { createRecoveryCodes, createTotpSecret, hashRecoveryCode, verifyTotpCode } from './totp.server'
import { sendTemplatedMail } from '~/mail/messages.server'
import { publicUrl } from '~/utils/env.server'
import { hitRateLimit } from '~/utils/rate-limit.server'
import type { RequestMeta } from '~/utils/request.server'
import { createLinkToken, hashLinkToken } from '~/utils/tokens.server'

export const MAX_FAILED_ATTEMPTS = 5
export const LOCKOUT_MS = 15 * 60 * 1000
export const ADDRESS_LIMIT = { attempts: 30, windowMs: 15 * 60 * 1000 }
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000

const BY_EMAIL = { acrossOrganisations: 'sign-in finds a person by e-mail address' }
const SIGN_IN_STATUSES = ['active', 'probation']

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('email')),
  password: z.string().min(1, 'required').max(200),
})

type SignInFailure = { ok: false; reason: 'invalid' | 'rate_limited' }
type SignInSuccess = { ok: true; user: { id: string; organisationId: string }; next: 'password' | 'enrol' }

/**
 * Checks e-mail and password. Every failure answers the same way, so the reply never tells whether an
 * address has an account or whether it is locked; the audit log keeps the difference.
 */
export async function checkPassword(
  input: z.infer<typeof signInSchema>,
  meta: RequestMeta = {},
): Promise<SignInFailure | SignInSuccess> {
  const limit = await hitRateLimit(`sign-in:${meta.ip ?? 'unknown'}`, ADDRESS_LIMIT.attempts, ADDRESS_LIMIT.windowMs)
  if (!limit.allowed) {
    await recordAudit({ action: 'auth.rate_limited', outcome: 'denied', meta, details: { email: input.email } })
    return { ok: false, reason: 'rate_limited' }
  }

  const user = await UserModel.findOne({ email: input.email }, null, BY_EMAIL)
    .select({ passwordHash: 1, organisationId: 1, status: 1, lockedUntil: 1, failedSignIns: 1, totpEnrolledAt: 1 })
    .lean()
  const passwordOk = await verifyPassword(input.password, user?.passwordHash)
  const actor = user ? { userId: String(user._id), organisationId: String(user.organisationId), label: input.email } : { label: input.email }

  if (!user) {
    await recordAudit({ action: 'auth.sign_in', outcome: 'failure', actor, meta, details: { reason: 'unknown_email' } })
    return { ok: false, reason: 'invalid' }
  }
  const scope: UserScope = { _id: user._id, organisationId: user.organisationId }
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    await recordAudit({ action: 'auth.sign_in', outcome: 'denied', actor, meta, details: { reason: 'locked' } })
    return { ok: false, reason: 'invalid' }
  }
  if (!passwordOk) {
    await registerFailure(scope, actor, meta, 'wrong_password')
    return { ok: false, reason: 'invalid' }
  }
  const organisation = await OrganisationModel.findById(user.organisationId).select({ status: 1 }).lean()
  if (user.status !== 'active' || !organisation || !SIGN_IN_STATUSES.includes(organisation.status)) {
    await recordAudit({
      action: 'auth.sign_in',
      outcome: 'denied',
      actor,
      meta,
      details: { reason: user.status !== 'active' ? 'deactivated' : 'organisation_not_active' },
    })
    return { ok: false, reason: 'invalid' }
  }
  await recordAudit({ action: 'auth.password_accepted', actor, meta })
  return {
    ok: true,
    user: { id: String(user._id), organisationId: String(user.organisationId) },
    next: user.totpEnrolledAt ? 'password' : 'enrol',
  }
}

type UserScope = { _id: string | Types.ObjectId; organisationId: string | Types.ObjectId }

async function registerFailure(
  scope: UserScope,
  actor: { userId?: string; organisationId?: string; label?: string },
  meta: RequestMeta,
  reason: string,
) {
  // updateOne then findOne: findAndModify with a projection (select:false fields) is not on every backend.
  await UserModel.updateOne(scope, { $inc: { failedSignIns: 1 } })
  const updated = await UserModel.findOne(scope).select({ failedSignIns: 1 }).lean()
  await recordAudit({ action: 'auth.sign_in', outcome: 'failure', actor, meta, details: { reason } })
  if (updated && updated.failedSignIns >= MAX_FAILED_ATTEMPTS) {
    const lockedUntil = new Date(Date.now() + LOCKOUT_MS)
    await UserModel.updateOne(scope, { $set: { lockedUntil, failedSignIns: 0 } })
    await recordAudit({ action: 'auth.lockout', outcome: 'denied', actor, meta, details: { lockedUntil } })
  }
}

async function loadSecondFactor(session: ActiveSession) {
  return UserModel.findOne({ _id: session.userId, organisationId: session.organisationId })
    .select({ email: 1, totpSecret: 1, totpLastStep: 1, recoveryCodeHashes: 1, lockedUntil: 1, status: 1 })
    .lean()
}

export const secondFactorSchema = z.object({ code: z.string().trim().min(6, 'required').max(20) })

/** Second step: a TOTP code (each accepted once) or a one-time recovery code. Failures count towards lockout. */
export async function checkSecondFactor(session: ActiveSession, code: string, meta: RequestMeta = {}) {
  const user = await loadSecondFactor(session)
  const actor = { userId: session.userId, organisationId: session.organisationId, label: user?.email }
  if (!user?.totpSecret || user.status !== 'active') return { ok: false as const }
  const scope: UserScope = { _id: session.userId, organisationId: session.organisationId }
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    await recordAudit({ action: 'auth.mfa', outcome: 'denied', actor, meta, details: { reason: 'locked' } })
    return { ok: false as const }
  }
  const step = await verifyTotpCode(code, user.totpSecret, user.totpLastStep)
  if (step !== null) {
    const claimed = await UserModel.updateOne(
      { ...scope, $or: [{ totpLastStep: { $exists: false } }, { totpLastStep: { $lt: step } }] },
      { $set: { totpLastStep: step, failedSignIns: 0, lastSignInAt: new Date() }, $unset: { lockedUntil: 1 } },
    )
    if (claimed.modifiedCount === 1) {
      await recordAudit({ action: 'auth.sign_in', actor, meta, details: { factor: 'totp' } })
      return { ok: true as const }
    }
  }
  const recoveryHash = hashRecoveryCode(code)
  if (user.recoveryCodeHashes?.includes(recoveryHash)) {
    const used = await UserModel.updateOne(
      { ...scope, recoveryCodeHashes: recoveryHash },
      { $pull: { recoveryCodeHashes: recoveryHash }, $set: { failedSignIns: 0, lastSignInAt: new Date() }, $unset: { lockedUntil: 1 } },
    )
    if (used.modifiedCount === 1) {
      await recordAudit({
        action: 'auth.sign_in',
        actor,
        meta,
        details: { factor: 'recovery_code', recoveryCodesLeft: user.recoveryCodeHashes.length - 1 },
      })
      return { ok: true as const }
    }
  }
  await registerFailure(scope, actor, meta, 'wrong_second_factor')
  return { ok: false as const }
}

/** First sign-in: a new secret kept in the pending session until a code from it proves the app has it. */
export async function beginTotpEnrolment(session: ActiveSession) {
  if (session.pendingTotpSecret) return session.pendingTotpSecret
  const secret = createTotpSecret()
  await setPendingTotpSecret(session, secret)
  return secret
}

export async function confirmTotpEnrolment(session: ActiveSession, code: string, meta: RequestMeta = {}) {
  const secret = session.pendingTotpSecret
  if (!secret) return { ok: false as const }
  const step = await verifyTotpCode(code, secret)
  if (step === null) return { ok: false as const }
  const recoveryCodes = createRecoveryCodes()
  const updated = await UserModel.updateOne(
    { _id: session.userId, organisationId: session.organisationId, totpEnrolledAt: { $exists: false } },
    {
      $set: {
        totpSecret: secret,
        totpEnrolledAt: new Date(),
        totpLastStep: step,
        recoveryCodeHashes: recoveryCodes.map(hashRecoveryCode),
        failedSignIns: 0,
        lastSignInAt: new Date(),
      },
    },
  )
  if (updated.modifiedCount !== 1) return { ok: false as const }
  await recordAudit({
    action: 'auth.mfa_enrolled',
    actor: { userId: session.userId, organisationId: session.organisationId },
    target: { kind: 'user', id: session.userId },
    meta,
  })
  return { ok: true as const, recoveryCodes }
}

export const passwordResetRequestSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('email')),
})

/** Sends a reset link when the address belongs to an active person; answers the same either way. */
export async function requestPasswordReset(email: string, meta: RequestMeta = {}, pageLocale?: string) {
  const limit = await hitRateLimit(`password-reset:${meta.ip ?? 'unknown'}`, 10, 15 * 60 * 1000)
  if (!limit.allowed) return
  const user = await UserModel.findOne({ email, status: 'active' }, null, BY_EMAIL).select({ name: 1, organisationId: 1, locale: 1 }).lean()
  await recordAudit({
    action: 'auth.password_reset_requested',
    actor: user ? { userId: String(user._id), organisationId: String(user.organisationId), label: email } : { label: email },
    outcome: user ? 'success' : 'failure',
    meta,
  })
  if (!user) return
  const { token, tokenHash } = createLinkToken()
  const reset = await TokenModel.create({
    purpose: 'password_reset',
    tokenHash,
    organisationId: user.organisationId,
    userId: user._id,
    email,
    expiresAt: new Date(Date.now() + PASSWORD_RESET_TTL_MS),
  })
  await sendTemplatedMail({
    to: email,
    kind: 'passwordReset',
    locale: user.locale ?? pageLocale,
    dedupeKey: `password-reset:${String(reset._id)}`,
    params: { name: user.name, link: `${publicUrl()}/reset-password/${token}` },
  })
}

const resetWhy = { acrossOrganisations: 'a reset link is found by its own secret token' }

export async function readPasswordReset(token: string) {
  const found = await TokenModel.findOne({ tokenHash: hashLinkToken(token), purpose: 'password_reset' }, null, resetWhy).lean()
  if (!found) return 'unknown' as const
  if (found.usedAt || found.revokedAt) return 'used' as const
  if (found.expiresAt.getTime() <= Date.now()) return 'expired' as const
  return 'valid' as const
}

export const passwordResetSchema = z
  .object({ password: newPasswordSchema, confirm: z.string() })
  .refine((value) => value.password === value.confirm, { message: 'mismatch', path: ['confirm'] })

/** Sets a new password from a reset link: single use, ends every session, lifts a lockout. */
export async function resetPassword(token: string, password: string, meta: RequestMeta = {}) {
  const passwordHash = await hashPassword(password)
  const now = new Date()
  const claimed = await TokenModel.findOneAndUpdate(
    { tokenHash: hashLinkToken(token), purpose: 'password_reset', usedAt: { $exists: false }, expiresAt: { $gt: now } },
    { $set: { usedAt: now } },
    { returnDocument: 'after', lean: true, ...resetWhy },
  )
  if (!claimed?.userId) return { ok: false as const }
  const user = { id: String(claimed.userId), organisationId: String(claimed.organisationId) }
  await UserModel.updateOne(
    { _id: claimed.userId, organisationId: claimed.organisationId },
    { $set: { passwordHash, failedSignIns: 0 }, $unset: { lockedUntil: 1 } },
  )
  await revokeSessionsOf(user, 'password_reset')
  await recordAudit({
    action: 'auth.password_reset',
    actor: { userId: user.id, organisationId: user.organisationId, label: claimed.email },
    target: { kind: 'user', id: user.id },
    meta,
  })
  return { ok: true as const }
}
