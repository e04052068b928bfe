import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { TokenModel } from '../../models/token'
import { UserModel } from '../../models/user'
import { recordAudit, type AuditActor } from '~/audit/audit.server'
import { hashPassword, newPasswordSchema } from '~/auth/password.server'
import { roles as allRoles, rolesForOrganisation, type Role } from '~/domain/vocabulary'
import { sendTemplatedMail } from '~/mail/messages.server'
import { publicUrl } from '~/utils/env.server'
import type { RequestMeta } from '~/utils/request.server'
import { claimOnce, releaseClaim } from '~/utils/claims.server'
import { createLinkToken, hashLinkToken } from '~/utils/tokens.server'

export const INVITATION_TTL_MS = 72 * 60 * 60 * 1000

export class InvitationError extends Error {
  override name = 'InvitationError'
  constructor(public readonly code: 'emailTaken' | 'roleNotAllowed' | 'organisationClosed') {
    super(code)
  }
}

/**
 * Invites a person into an organisation with the given roles and e-mails them a single-use link that
 * expires after 72 hours. Only the hash of the link's token is stored.
 */
export async function invitePerson({
  organisationId,
  email,
  name,
  roles,
  invitedBy,
  locale,
  meta,
}: {
  organisationId: string
  email: string
  name: string
  roles: Role[]
  invitedBy: AuditActor | null
  locale?: string | null
  meta?: RequestMeta
}) {
  const organisation = await OrganisationModel.findById(organisationId).select({ legalName: 1, kind: 1, isOperator: 1, status: 1 }).lean()
  if (!organisation || !['active', 'probation'].includes(organisation.status)) throw new InvitationError('organisationClosed')
  const allowed = rolesForOrganisation(organisation)
  if (roles.length === 0 || roles.some((role) => !allowed.includes(role))) throw new InvitationError('roleNotAllowed')
  const normalisedEmail = email.trim().toLowerCase()
  const taken = await UserModel.exists({ email: normalisedEmail }).setOptions({
    acrossOrganisations: 'an e-mail address is unique across the portal',
  })
  if (taken) throw new InvitationError('emailTaken')

  const { token, tokenHash } = createLinkToken()
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS)
  const invitation = await TokenModel.create({
    purpose: 'invitation',
    tokenHash,
    organisationId,
    email: normalisedEmail,
    name,
    roles,
    createdBy: invitedBy?.userId,
    expiresAt,
  })
  await sendTemplatedMail({
    to: normalisedEmail,
    kind: 'invitation',
    locale,
    dedupeKey: `invitation:${String(invitation._id)}`,
    params: {
      name,
      organisation: organisation.legalName,
      link: `${publicUrl()}/invitations/${token}`,
      expires: expiresAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    },
  })
  await recordAudit({
    action: 'user.invited',
    actor: invitedBy,
    target: { kind: 'organisation', id: organisationId },
    meta,
    details: { email: normalisedEmail, roles },
  })
  return { id: String(invitation._id), expiresAt, token }
}

export type InvitationView = { email: string; name: string; organisationName: string; roles: Role[] }

/** What an invitation link shows, or why it cannot be used. */
export async function readInvitation(
  token: string,
): Promise<{ status: 'valid'; invitation: InvitationView } | { status: 'expired' | 'used' | 'unknown' }> {
  const found = await TokenModel.findOne({ tokenHash: hashLinkToken(token), purpose: 'invitation' })
    .setOptions({ acrossOrganisations: 'an invitation is found by its own secret token' })
    .lean()
  if (!found) return { status: 'unknown' }
  if (found.usedAt || found.revokedAt) return { status: 'used' }
  if (found.expiresAt.getTime() <= Date.now()) return { status: 'expired' }
  const organisation = await OrganisationModel.findById(found.organisationId).select({ legalName: 1 }).lean()
  return {
    status: 'valid',
    invitation: {
      email: found.email,
      name: found.name ?? '',
      organisationName: organisation?.legalName ?? '',
      roles: (found.roles ?? []) as Role[],
    },
  }
}

export const acceptInvitationSchema = z.object({
  name: z.string().trim().min(2, 'required').max(120, 'tooLong'),
  password: newPasswordSchema,
})

/** The page's form: the same fields and the password typed twice. */
export const acceptInvitationForm = acceptInvitationSchema
  .extend({ confirm: z.string() })
  .refine((value) => value.password === value.confirm, { message: 'mismatch', path: ['confirm'] })

/**
 * Turns a valid invitation into an account (password set, TOTP still to enrol). The token is claimed
 * atomically, so two submissions of the same link create one account at most.
 */
export async function acceptInvitation(
  token: string,
  input: z.infer<typeof acceptInvitationSchema>,
  meta?: RequestMeta,
): Promise<{ ok: true; user: { id: string; organisationId: string } } | { ok: false; reason: 'expired' | 'used' | 'unknown' | 'emailTaken' }> {
  const state = await readInvitation(token)
  if (state.status !== 'valid') return { ok: false, reason: state.status }
  const passwordHash = await hashPassword(input.password)
  const tokenHash = hashLinkToken(token)
  const claimKey = `invitation:${tokenHash}`
  const claimed = await TokenModel.findOne(
    { tokenHash, purpose: 'invitation', usedAt: { $exists: false }, revokedAt: { $exists: false }, expiresAt: { $gt: new Date() } },
    null,
    { lean: true, acrossOrganisations: 'an invitation is claimed by its own secret token' },
  )
  // The unique claim, not the update after it, is what makes the link single-use.
  if (!claimed || !(await claimOnce(claimKey))) return { ok: false, reason: 'used' }
  await TokenModel.updateOne({ _id: claimed._id, organisationId: claimed.organisationId }, { $set: { usedAt: new Date() } })
  try {
    const user = await UserModel.create({
      organisationId: claimed.organisationId,
      email: claimed.email,
      name: input.name,
      roles: (claimed.roles ?? []).filter((role): role is Role => (allRoles as readonly string[]).includes(role)),
      passwordHash,
      status: 'active',
    })
    const created = { id: String(user._id), organisationId: String(claimed.organisationId) }
    await recordAudit({
      action: 'user.invitation_accepted',
      actor: { userId: created.id, organisationId: created.organisationId, label: claimed.email },
      target: { kind: 'user', id: created.id },
      meta,
    })
    return { ok: true, user: created }
  } catch (error) {
    // Nothing half-written: give the link back if the account could not be created.
    await TokenModel.updateOne({ _id: claimed._id, organisationId: claimed.organisationId }, { $unset: { usedAt: 1 } })
    await releaseClaim(claimKey)
    if ((error as { code?: number }).code === 11000) return { ok: false, reason: 'emailTaken' }
    throw error
  }
}
