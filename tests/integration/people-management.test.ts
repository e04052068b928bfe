import mongoose from 'mongoose'
import { describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { checkPassword } from '~/auth/sign-in.server'
import type { Role } from '~/domain/vocabulary'
import { action as personAction, loader as personLoader } from '~/routes/people.$userId'
import { loader as listLoader } from '~/routes/people._index'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient, type Client } from '../support/requests'

function outcome(result: unknown): { status: number; body: unknown; location: string | null } {
  if (result instanceof Response) return { status: result.status, body: null, location: result.headers.get('location') }
  if (typeof result === 'object' && result !== null && 'init' in result && 'data' in result) {
    const init = result.init as ResponseInit | null
    return { status: init?.status ?? 200, body: result.data, location: null }
  }
  return { status: 200, body: result, location: null }
}

const collection = (name: string) => mongoose.connection.collection(name)
const auditFor = (action: string, targetId: string) => collection('auditevents').find({ action, targetId }).toArray()
const storedUser = (id: string) => collection('users').findOne({ _id: new mongoose.Types.ObjectId(id) })

let ipCounter = 0
/** Sign-in attempts from distinct addresses, so the per-address rate limit never interferes. */
const signIn = (user: TestUser) => checkPassword({ email: user.email, password: user.password }, { ip: `10.9.0.${++ipCounter}` })

async function bank() {
  const organisation = await createTestOrganisation({ kind: 'bank' })
  const admin = await createTestUser({ organisationId: organisation.id, roles: ['admin'] })
  const member = await createTestUser({ organisationId: organisation.id, roles: ['member'] })
  return { organisation, admin, member, adminClient: await signedInClient(admin) }
}

const viewPerson = (client: Client, userId: string) =>
  call(() => personLoader(routeArgs(get(`/people/${userId}`, client), { userId })))

const act = (client: Client, userId: string, fields: Record<string, string | string[]>, options?: { csrf?: boolean }) =>
  call(() => personAction(routeArgs(post(`/people/${userId}`, client, fields, options), { userId })))

const everyAction: Record<string, string | string[]>[] = [
  { intent: 'changeRoles', roles: ['admin'] },
  { intent: 'deactivate', confirm: 'yes' },
  { intent: 'reactivate' },
  { intent: 'revokeSessions', confirm: 'yes' },
  { intent: 'resetMfa', confirm: 'yes' },
]

describe('who may manage people', () => {
  test('a member (not an admin) gets 403 on the list, the detail and every action', async () => {
    const { admin, member } = await bank()
    const client = await signedInClient(member)
    expect(outcome(await call(() => listLoader(routeArgs(get('/people', client))))).status).toBe(403)
    expect(outcome(await viewPerson(client, admin.id)).status).toBe(403)
    for (const fields of everyAction) {
      expect(outcome(await act(client, admin.id, fields)).status, String(fields.intent)).toBe(403)
    }
    const target = await storedUser(admin.id)
    expect(target).toMatchObject({ roles: ['admin'], status: 'active' })
    expect(target?.totpSecret).toBeTruthy()
  })

  test('centre staff get 403; a centre coordinator manages the centre’s people', async () => {
    const centre = await createTestOrganisation({ kind: 'national_centre' })
    const coordinator = await createTestUser({ organisationId: centre.id, roles: ['coordinator'] })
    const staff = await createTestUser({ organisationId: centre.id, roles: ['staff'] })
    expect(outcome(await viewPerson(await signedInClient(staff), coordinator.id)).status).toBe(403)
    const client = await signedInClient(coordinator)
    expect(outcome(await viewPerson(client, staff.id)).body).toMatchObject({ person: { email: staff.email }, roles: ['staff', 'coordinator', 'dpo'] })
    expect(outcome(await act(client, staff.id, { intent: 'changeRoles', roles: ['staff', 'dpo'] })).status).toBe(302)
    expect(await storedUser(staff.id)).toMatchObject({ roles: ['staff', 'dpo'] })
  })

  test('an admin of organisation A gets 404 for a person of organisation B, and cannot change them', async () => {
    const a = await bank()
    const b = await bank()
    const bClient = await signedInClient(b.member)
    expect(outcome(await viewPerson(a.adminClient, b.member.id)).status).toBe(404)
    for (const fields of everyAction) {
      expect(outcome(await act(a.adminClient, b.member.id, fields)).status, String(fields.intent)).toBe(404)
    }
    // Even an invalid form says nothing more than 404 about another organisation's person.
    expect(outcome(await act(a.adminClient, b.member.id, { intent: 'changeRoles' })).status).toBe(404)
    const untouched = await storedUser(b.member.id)
    expect(untouched).toMatchObject({ roles: ['member'], status: 'active' })
    expect(untouched?.totpSecret).toBeTruthy()
    expect(await getViewer(get('/people', bClient))).toMatchObject({ userId: b.member.id })
    expect(await auditFor('user.roles_changed', b.member.id)).toHaveLength(0)
  })

  test('unknown and malformed ids answer 404, never 500', async () => {
    const { adminClient } = await bank()
    for (const userId of ['0123456789abcdef01234567', 'nope', '123', 'zzzzzzzzzzzzzzzzzzzzzzzz', '{"$gt":""}']) {
      expect(outcome(await viewPerson(adminClient, userId)).status, userId).toBe(404)
      expect(outcome(await act(adminClient, userId, { intent: 'deactivate', confirm: 'yes' })).status, userId).toBe(404)
    }
  })

  test('an action posted without the anti-forgery field gets 403 and changes nothing', async () => {
    const { adminClient, member } = await bank()
    for (const fields of everyAction) {
      expect(outcome(await act(adminClient, member.id, fields, { csrf: false })).status, String(fields.intent)).toBe(403)
    }
    expect(await storedUser(member.id)).toMatchObject({ roles: ['member'], status: 'active' })
  })
})

describe('the person page', () => {
  test('shows roles, second factor, last sign-in and live sessions with address and browser', async () => {
    const { adminClient, member } = await bank()
    await signedInClient(member)
    const page = outcome(await viewPerson(adminClient, member.id))
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({
      person: { id: member.id, email: member.email, roles: ['member'], status: 'active', mfaEnrolled: true, isSelf: false },
      roles: ['member', 'admin'],
    })
    const sessions = (page.body as { person: { sessions: unknown[] } }).person.sessions
    expect(sessions).toEqual([expect.objectContaining({ ip: '127.0.0.1', userAgent: 'vitest', current: false })])
    expect(sessions[0]).not.toHaveProperty('id')
  })
})

describe('changing roles', () => {
  test('is audited with the roles before and after', async () => {
    const { admin, adminClient, member } = await bank()
    const result = outcome(await act(adminClient, member.id, { intent: 'changeRoles', roles: ['member', 'admin'] }))
    expect(result).toMatchObject({ status: 302, location: `/people/${member.id}` })
    expect(await storedUser(member.id)).toMatchObject({ roles: ['member', 'admin'] })
    const audit = await auditFor('user.roles_changed', member.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorUserId: admin.id, details: { before: ['member'], after: ['member', 'admin'] } })
  })

  test('needs at least one role, and only roles of the organisation', async () => {
    const { adminClient, member } = await bank()
    const cases: [Record<string, string | string[]>, string][] = [
      [{ intent: 'changeRoles' }, 'rolesRequired'],
      [{ intent: 'changeRoles', roles: ['coordinator'] }, 'roleNotAllowed'],
      [{ intent: 'changeRoles', roles: ['member', 'platform_admin'] }, 'roleNotAllowed'],
      [{ intent: 'changeRoles', roles: ['root'] }, 'roleNotAllowed'],
      [{ intent: 'changeRoles', roles: 'x'.repeat(41) }, 'roleNotAllowed'],
    ]
    for (const [fields, code] of cases) {
      const result = outcome(await act(adminClient, member.id, fields))
      expect(result.status).toBe(400)
      expect(result.body).toMatchObject({ errors: { roles: [code] } })
    }
    expect(await storedUser(member.id)).toMatchObject({ roles: ['member'] })
    expect(await auditFor('user.roles_changed', member.id)).toHaveLength(0)
  })

  test('the last admin cannot drop their own admin role; with a second admin they can', async () => {
    const { admin, adminClient } = await bank()
    const refused = outcome(await act(adminClient, admin.id, { intent: 'changeRoles', roles: ['member'] }))
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ errors: { form: ['lastManager'] }, values: { roles: 'member' } })
    expect(await storedUser(admin.id)).toMatchObject({ roles: ['admin'] })

    await createTestUser({ organisationId: admin.organisationId, roles: ['admin'] })
    const allowed = outcome(await act(adminClient, admin.id, { intent: 'changeRoles', roles: ['member'] }))
    expect(allowed.status).toBe(302)
    expect(await storedUser(admin.id)).toMatchObject({ roles: ['member'] })
    // The change applies at once: the former admin no longer manages people.
    expect(outcome(await call(() => listLoader(routeArgs(get('/people', adminClient))))).status).toBe(403)
  })

  test('a deactivated admin does not keep the organisation managed', async () => {
    const { admin, adminClient } = await bank()
    await createTestUser({ organisationId: admin.organisationId, roles: ['admin'], status: 'deactivated' })
    const refused = outcome(await act(adminClient, admin.id, { intent: 'changeRoles', roles: ['member'] }))
    expect(refused.body).toMatchObject({ errors: { form: ['lastManager'] } })
    expect(await storedUser(admin.id)).toMatchObject({ roles: ['admin'] })
  })
})

describe('deactivation', () => {
  test('asks for confirmation, ends every session, refuses sign-in, and can be undone', async () => {
    const { admin, adminClient, member } = await bank()
    const memberClient = await signedInClient(member)
    const otherDevice = await signedInClient(member)
    expect(await getViewer(get('/tasks', memberClient))).toMatchObject({ userId: member.id })

    const unconfirmed = outcome(await act(adminClient, member.id, { intent: 'deactivate' }))
    expect(unconfirmed.status).toBe(400)
    expect(unconfirmed.body).toMatchObject({ errors: { confirm: ['confirmRequired'] } })
    expect(await getViewer(get('/tasks', memberClient))).not.toBeNull()

    const done = outcome(await act(adminClient, member.id, { intent: 'deactivate', confirm: 'yes' }))
    expect(done).toMatchObject({ status: 302, location: `/people/${member.id}` })
    expect(await storedUser(member.id)).toMatchObject({ status: 'deactivated' })
    expect(await getViewer(get('/tasks', memberClient))).toBeNull()
    expect(await getViewer(get('/tasks', otherDevice))).toBeNull()
    const memberSessions = await collection('sessions').find({ userId: new mongoose.Types.ObjectId(member.id) }).toArray()
    expect(await collection('sessionrevocations').countDocuments({ _id: { $in: memberSessions.map((s) => s._id) } })).toBe(memberSessions.length)
    expect(await signIn(member)).toMatchObject({ ok: false })
    const audit = await auditFor('user.deactivated', member.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorUserId: admin.id, details: { sessionsRevoked: 2 } })

    const list = outcome(await call(() => listLoader(routeArgs(get('/people?status=deactivated', adminClient)))))
    expect(list.body).toMatchObject({ page: { people: [{ id: member.id, status: 'deactivated' }] } })

    expect(outcome(await act(adminClient, member.id, { intent: 'reactivate' })).status).toBe(302)
    expect(await signIn(member)).toMatchObject({ ok: true })
    expect(await auditFor('user.reactivated', member.id)).toHaveLength(1)
  })

  test('nobody can deactivate themselves', async () => {
    const { admin, adminClient } = await bank()
    await createTestUser({ organisationId: admin.organisationId, roles: ['admin'] })
    const result = outcome(await act(adminClient, admin.id, { intent: 'deactivate', confirm: 'yes' }))
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ errors: { form: ['self'] } })
    expect(await storedUser(admin.id)).toMatchObject({ status: 'active' })
    expect(await getViewer(get('/people', adminClient))).toMatchObject({ userId: admin.id })
  })
})

describe('sessions and second factor', () => {
  test('revoking sessions ends every live session of the person and audits how many', async () => {
    const { admin, adminClient, member } = await bank()
    const clients = [await signedInClient(member), await signedInClient(member), await signedInClient(member)]
    const result = outcome(await act(adminClient, member.id, { intent: 'revokeSessions', confirm: 'yes' }))
    expect(result.status).toBe(302)
    for (const client of clients) expect(await getViewer(get('/tasks', client))).toBeNull()
    const audit = await auditFor('session.revoked_by_admin', member.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorUserId: admin.id, details: { count: 3 } })
    // The person may sign in again: ending sessions is not deactivation.
    expect(await signIn(member)).toMatchObject({ ok: true, next: 'password' })
    expect(await getViewer(get('/people', adminClient))).not.toBeNull()
  })

  test('on one’s own page, revoking sessions keeps the one in use', async () => {
    const { admin, adminClient } = await bank()
    const laptop = await signedInClient(admin)
    expect(outcome(await act(adminClient, admin.id, { intent: 'revokeSessions', confirm: 'yes' })).status).toBe(302)
    expect(await getViewer(get('/people', adminClient))).toMatchObject({ userId: admin.id })
    expect(await getViewer(get('/people', laptop))).toBeNull()
  })

  test('resetting MFA forgets the second factor, ends sessions and forces enrolment at next sign-in', async () => {
    const { admin, adminClient, member } = await bank()
    const memberClient = await signedInClient(member)
    expect(await signIn(member)).toMatchObject({ ok: true, next: 'password' })

    const unconfirmed = outcome(await act(adminClient, member.id, { intent: 'resetMfa' }))
    expect(unconfirmed.status).toBe(400)
    expect((await storedUser(member.id))?.totpSecret).toBeTruthy()

    expect(outcome(await act(adminClient, member.id, { intent: 'resetMfa', confirm: 'yes' })).status).toBe(302)
    const stored = await storedUser(member.id)
    for (const field of ['totpSecret', 'totpEnrolledAt', 'totpLastStep', 'recoveryCodeHashes']) expect(stored).not.toHaveProperty(field)
    expect(await getViewer(get('/tasks', memberClient))).toBeNull()
    expect(await signIn(member)).toMatchObject({ ok: true, next: 'enrol' })
    const audit = await auditFor('auth.mfa_reset', member.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorUserId: admin.id })

    const page = outcome(await viewPerson(adminClient, member.id))
    expect(page.body).toMatchObject({ person: { mfaEnrolled: false, mfaEnrolledAt: null } })
  })

  test('nobody resets their own second factor here', async () => {
    const { admin, adminClient } = await bank()
    const result = outcome(await act(adminClient, admin.id, { intent: 'resetMfa', confirm: 'yes' }))
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ errors: { form: ['self'] } })
    expect((await storedUser(admin.id))?.totpSecret).toBeTruthy()
  })

  test('an unknown intent answers 400', async () => {
    const { adminClient, member } = await bank()
    const roles: Role[] = ['admin']
    expect(outcome(await act(adminClient, member.id, { intent: 'promoteToGod', roles })).status).toBe(400)
    expect(await storedUser(member.id)).toMatchObject({ roles: ['member'] })
  })
})
