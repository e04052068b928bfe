import { faker } from '@faker-js/faker'
import { hashPassword } from '~/auth/password.server'
import type { Role } from '~/domain/vocabulary'
import { provisionUser } from '~/people/users.server'

export const TEST_PASSWORD = 'correct horse battery staple 42'

let cachedHash: Promise<string> | undefined

export type TestUser = {
  id: string
  organisationId: string
  email: string
  name: string
  roles: Role[]
  password: string
  totpSecret: string | null
}

/** A person with a password and (unless `enrolled: false`) an enrolled TOTP secret. */
export async function createTestUser({
  organisationId,
  roles,
  email,
  name,
  password,
  enrolled = true,
  status = 'active',
  locale,
}: {
  organisationId: string
  roles: Role[]
  email?: string
  name?: string
  password?: string
  enrolled?: boolean
  status?: 'active' | 'deactivated'
  locale?: 'en' | 'fr' | 'ru'
}): Promise<TestUser> {
  const personName = name ?? faker.person.fullName()
  const address = (email ?? `${faker.string.alphanumeric(10)}@example.org`).toLowerCase()
  // Hashing is deliberately slow; tests share one hash of the default password.
  const passwordHash = password ? await hashPassword(password) : await (cachedHash ??= hashPassword(TEST_PASSWORD))
  const created = await provisionUser({ organisationId, email: address, name: personName, roles, passwordHash, enrolled, status, locale })
  return { ...created, name: personName, roles, password: password ?? TEST_PASSWORD }
}
