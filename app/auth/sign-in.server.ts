import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { TokenModel } from '../../models/token'
import { UserModel } from '../../models/user'
import { recordAudit } from '~/audit/audit.server'
import { clearSignInFailures, lockedUntil, recordSignInFailure } from './lockout.server'
import { hashPassword, newPasswordSchema, verifyPassword } from './password.server'
import { revokeSessionsOf, setPendingTotpSecret, type ActiveSession } from './session.server'
import { createRecoveryCodes, createTotpSecret, hashRecoveryCode, verifyTotpCode } from './totp.server'
import { claimAll, claimOnce, releaseClaim } from '~/utils/claims.server'
import { sendTemplatedMail } from '~/mail/messages.server'
import { publicUrl } from '~/utils/env.server'
import { hitRateLimit } from '~/utils/rate-limit.server'
import type { RequestMeta } from '~/utils/request.server'
import { createLinkToken, hashLinkToken } from '~/utils/tokens.server'

export { LOCKOUT_MS, MAX_FAILED_ATTEMPTS } from './lockout.server'
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
    .select({ passwordHash: 1, organisationId: 1, status: 1, totpEnrolledAt: 1 })
    .lean()
  const passwordOk = await verifyPassword(input.password, user?.passwordHash)
  const actor = user ? { userId: String(user._id), organisationId: String(user.organisationId), label: input.email } : { label: input.email }

  if (!user) {
    await recordAudit({ action: 'auth.sign_in', outcome: 'failure', actor, meta, details: { reason: 'unknown_email' } })
    return { ok: false, reason: 'invalid' }
  }
  const person = { id: String(user._id), organisationId: String(user.organisationId) }
  if (await lockedUntil(person)) {
    await recordAudit({ action: 'auth.sign_in', outcome: 'denied', actor, meta, details: { reason: 'locked' } })
    return { ok: false, reason: 'invalid' }
  }
  if (!passwordOk) {
    await registerFailure(person, actor, meta, 'wrong_password')
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

async function registerFailure(
  person: { id: string; organisationId: string },
  actor: { userId?: string; organisationId?: string; label?: string },
  meta: RequestMeta,
  reason: string,
) {
  await recordAudit({ action: 'auth.sign_in', outcome: 'failure', actor, meta, details: { reason } })
  const lockedUntilDate = await recordSignInFailure(person)
  if (lockedUntilDate) await recordAudit({ action: 'auth.lockout', outcome: 'denied', actor, meta, details: { lockedUntil: lockedUntilDate } })
}

async function loadSecondFactor(session: ActiveSession) {
  return UserModel.findOne({ _id: session.userId, organisationId: session.organisationId })
    .select({ email: 1, totpSecret: 1, recoveryCodeHashes: 1, status: 1 })
    .lean()
}

export const secondFactorSchema = z.object({ code: z.string().trim().min(6, 'required').max(20) })

/**
 * Second step: a TOTP code or a one-time recovery code. Each TOTP step and each recovery code is
 * claimed once (a unique insert), and an accepted step also spends the step before it, so no code is
 * accepted twice and no older code after a newer one. Failures count towards the lockout.
 */
export async function checkSecondFactor(session: ActiveSession, code: string, meta: RequestMeta = {}) {
  const user = await loadSecondFactor(session)
  const actor = { userId: session.userId, organisationId: session.organisationId, label: user?.email }
  if (!user?.totpSecret || user.status !== 'active') return { ok: false as const }
  const person = { id: session.userId, organisationId: session.organisationId }
  if (await lockedUntil(person)) {
    await recordAudit({ action: 'auth.mfa', outcome: 'denied', actor, meta, details: { reason: 'locked' } })
    return { ok: false as const }
  }
  const step = await verifyTotpCode(code, user.totpSecret)
  if (step !== null && (await claimOnce(`totp:${session.userId}:${step}`))) {
    await claimAll([`totp:${session.userId}:${step - 1}`])
    await signedIn(person, actor, meta, { factor: 'totp' })
    return { ok: true as const }
  }
  const recoveryHash = hashRecoveryCode(code)
  if (user.recoveryCodeHashes?.includes(recoveryHash) && (await claimOnce(`recovery:${session.userId}:${recoveryHash}`))) {
    await UserModel.updateOne({ _id: session.userId, organisationId: session.organisationId }, { $pull: { recoveryCodeHashes: recoveryHash } })
    await signedIn(person, actor, meta, { factor: 'recovery_code', recoveryCodesLeft: user.recoveryCodeHashes.length - 1 })
    return { ok: true as const }
  }
  await registerFailure(person, actor, meta, 'wrong_second_factor')
  return { ok: false as const }
}

async function signedIn(
  person: { id: string; organisationId: string },
  actor: { userId?: string; organisationId?: string; label?: string },
  meta: RequestMeta,
  details: Record<string, unknown>,
) {
  await clearSignInFailures(person)
  await UserModel.updateOne({ _id: person.id, organisationId: person.organisationId }, { $set: { lastSignInAt: new Date() } })
  await recordAudit({ action: 'auth.sign_in', actor, meta, details })
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
  const scope = { _id: session.userId, organisationId: session.organisationId }
  const current = await UserModel.findOne(scope).select({ totpEnrolledAt: 1 }).lean()
  // One enrolment per pending secret, even when the form is submitted twice at once.
  if (!current || current.totpEnrolledAt || !(await claimOnce(`enrol:${session.id}`))) return { ok: false as const }
  await claimAll([`totp:${session.userId}:${step}`, `totp:${session.userId}:${step - 1}`])
  const recoveryCodes = createRecoveryCodes()
  await UserModel.updateOne(scope, {
    $set: {
      totpSecret: secret,
      totpEnrolledAt: new Date(),
      recoveryCodeHashes: recoveryCodes.map(hashRecoveryCode),
      lastSignInAt: new Date(),
    },
  })
  await clearSignInFailures({ id: session.userId, organisationId: session.organisationId })
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
  const tokenHash = hashLinkToken(token)
  const found = await TokenModel.findOne(
    { tokenHash, purpose: 'password_reset', usedAt: { $exists: false }, expiresAt: { $gt: new Date() } },
    null,
    resetWhy,
  ).lean()
  if (!found?.userId || !(await claimOnce(`password-reset:${tokenHash}`))) return { ok: false as const }
  const passwordHash = await hashPassword(password).catch(async (error: unknown) => {
    await releaseClaim(`password-reset:${tokenHash}`)
    throw error
  })
  await TokenModel.updateOne({ _id: found._id, organisationId: found.organisationId }, { $set: { usedAt: new Date() } })
  const user = { id: String(found.userId), organisationId: String(found.organisationId) }
  await UserModel.updateOne({ _id: found.userId, organisationId: found.organisationId }, { $set: { passwordHash } })
  await clearSignInFailures(user)
  await revokeSessionsOf(user, 'password_reset')
  await recordAudit({
    action: 'auth.password_reset',
    actor: { userId: user.id, organisationId: user.organisationId, label: found.email },
    target: { kind: 'user', id: user.id },
    meta,
  })
  return { ok: true as const }
}
