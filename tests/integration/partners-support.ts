import { faker } from '@faker-js/faker'
import mongoose from 'mongoose'
import { getViewer } from '~/auth/guards.server'
import type { OrganisationKind, OrganisationStatus, Role } from '~/domain/vocabulary'
import type { OrganisationInput } from '~/partners/organisations.server'
import type { Viewer } from '~/policy/permissions'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { get, signedInClient } from '../support/requests'

/** Status, body and redirect target of whatever a loader or action produced: a Response, `data(...)` or a plain object. */
export function outcome(result: unknown): { status: number; body: unknown; location: string | null } {
  if (result instanceof Response) return { status: result.status, body: null, location: result.headers.get('location') }
  if (typeof result === 'object' && result !== null && 'init' in result && 'data' in result) {
    const init = result.init as ResponseInit | null
    return { status: init?.status ?? 200, body: result.data, location: null }
  }
  return { status: 200, body: result, location: null }
}

/** The body of a plain loader result, failing loudly if it was a Response instead. */
export function body<T>(result: T | Response): T {
  if (result instanceof Response) throw new Error(`expected data, got a ${result.status} response`)
  return result
}

export const collection = (name: string) => mongoose.connection.collection(name)
export const outbox = (to: string) => collection('outboxmessages').find({ to }).toArray()
export const auditEvents = (action: string, targetId?: string) =>
  collection('auditevents')
    .find(targetId ? { action, targetId } : { action })
    .toArray()

/** An organisation (active or on probation) with one signed-in person in it, and that person as the policy sees them. */
export async function member({
  kind = 'bank',
  status = 'active',
  roles,
  isOperator,
  overrides = {},
}: {
  kind?: OrganisationKind
  status?: Extract<OrganisationStatus, 'active' | 'probation'>
  roles?: Role[]
  isOperator?: boolean
  overrides?: Partial<OrganisationInput>
} = {}) {
  const organisation = await createTestOrganisation({ kind, status, ...overrides })
  if (isOperator) await collection('organisations').updateOne({ _id: new mongoose.Types.ObjectId(organisation.id) }, { $set: { isOperator: true } })
  const defaultRoles: Role[] = isOperator ? ['platform_admin'] : kind === 'national_centre' ? ['coordinator'] : ['member']
  const user = await createTestUser({ organisationId: organisation.id, roles: roles ?? defaultRoles })
  const client = await signedInClient(user)
  const viewer: Viewer | null = await getViewer(get('/', client))
  if (!viewer) throw new Error('the test member could not be signed in')
  return { organisation, user, client, viewer }
}

/** A unique, recognisable legal name for one test. */
export const uniqueName = (prefix = 'Test') => `${prefix} ${faker.company.name()} ${faker.string.alphanumeric(6).toUpperCase()}`
