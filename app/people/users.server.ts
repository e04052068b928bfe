import { UserModel } from '../../models/user'
import { hashPassword } from '~/auth/password.server'
import { createTotpSecret } from '~/auth/totp.server'
import type { Role } from '~/domain/vocabulary'
import type { Language } from '~/utils/i18n'
import type { Viewer } from '~/policy/permissions'

/**
 * Creates an account directly, with its TOTP already enrolled: for the demo seed and the operator's
 * bootstrap of a first administrator. People otherwise join through invitations.
 */
export async function provisionUser(input: {
  organisationId: string
  email: string
  name: string
  roles: Role[]
  password?: string
  passwordHash?: string
  enrolled?: boolean
  totpSecret?: string
  status?: 'active' | 'deactivated'
  locale?: Language
}) {
  const totpSecret = input.enrolled === false ? null : (input.totpSecret ?? createTotpSecret())
  const passwordHash = input.passwordHash ?? (input.password ? await hashPassword(input.password) : undefined)
  const user = await UserModel.create({
    organisationId: input.organisationId,
    email: input.email.toLowerCase(),
    name: input.name,
    roles: input.roles,
    status: input.status ?? 'active',
    locale: input.locale,
    passwordHash,
    ...(totpSecret ? { totpSecret, totpEnrolledAt: new Date() } : {}),
  })
  return { id: String(user._id), organisationId: input.organisationId, email: user.email, totpSecret }
}

/** Remembers the language a person picked, for the e-mails the portal sends them. */
export async function saveLocaleChoice(viewer: Pick<Viewer, 'userId' | 'organisationId'>, locale: Language) {
  await UserModel.updateOne({ _id: viewer.userId, organisationId: viewer.organisationId }, { $set: { locale } })
}

export async function getUserLocale(user: { id: string; organisationId: string }) {
  const found = await UserModel.findOne({ _id: user.id, organisationId: user.organisationId }).select({ locale: 1 }).lean()
  return found?.locale ?? null
}
