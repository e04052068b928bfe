import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS, revokeSessionsOf } from '~/auth/session.server'
import { action as accountAction, loader as accountLoader } from '~/routes/account'
import { action as logoutAction } from '~/routes/logout'
import { loader as homeLoader } from '~/routes/home'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient, type Client } from '../support/requests'

let organisationId: string

beforeAll(async () => {
  organisationId = (await createTestOrganisation({ kind: 'acquirer_processor', status: 'active' })).id
})

afterEach(() => {
  vi.useRealTimers()
})

const viewerOf = (client: Client) => getViewer(get('/home', client))

describe('sessions', () => {
  test('end after 30 minutes without activity', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = new Date('2030-02-01T08:00:00Z')
    vi.setSystemTime(start)
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const client = await signedInClient(user)
    // Activity every 20 minutes keeps the session alive...
    for (let minutes = 20; minutes <= 100; minutes += 20) {
      vi.setSystemTime(new Date(start.getTime() + minutes * 60_000))
      expect(await viewerOf(client)).not.toBeNull()
    }
    // ...31 idle minutes end it, and it stays ended.
    vi.setSystemTime(new Date(start.getTime() + 100 * 60_000 + IDLE_TIMEOUT_MS + 60_000))
    expect(await viewerOf(client)).toBeNull()
    vi.setSystemTime(new Date(start.getTime() + 100 * 60_000 + 60_000))
    expect(await viewerOf(client)).toBeNull()
  })

  test('end 12 hours after sign-in however active', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = new Date('2030-02-02T08:00:00Z')
    vi.setSystemTime(start)
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const client = await signedInClient(user)
    let elapsed = 0
    while (elapsed + 20 * 60_000 < ABSOLUTE_TIMEOUT_MS) {
      elapsed += 20 * 60_000
      vi.setSystemTime(new Date(start.getTime() + elapsed))
      expect(await viewerOf(client)).not.toBeNull()
    }
    vi.setSystemTime(new Date(start.getTime() + ABSOLUTE_TIMEOUT_MS + 1_000))
    expect(await viewerOf(client)).toBeNull()
  })

  test('a signed-out session cannot be used again', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const client = await signedInClient(user)
    const response = (await call(() => logoutAction(routeArgs(post('/logout', client, {}))))) as Response
    expect(response.status).toBe(302)
    const home = (await call(() => homeLoader(routeArgs(get('/home', client))))) as Response
    expect(home.status).toBe(302)
    expect(home.headers.get('location')).toBe('/login?redirectTo=%2Fhome')
  })

  test('"sign out everywhere" ends every session of the person, and only theirs', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const colleague = await createTestUser({ organisationId, roles: ['member'] })
    const laptop = await signedInClient(user)
    const phone = await signedInClient(user)
    const other = await signedInClient(colleague)
    const account = (await accountLoader(routeArgs(get('/account', laptop)))) as { sessions: unknown[] }
    expect(account.sessions).toHaveLength(2)
    const response = (await call(() =>
      accountAction(routeArgs(post('/account', laptop, { intent: 'sign-out-everywhere' }))),
    )) as Response
    expect(response.headers.get('location')).toBe('/login')
    expect(await viewerOf(laptop)).toBeNull()
    expect(await viewerOf(phone)).toBeNull()
    expect(await viewerOf(other)).not.toBeNull()
  })

  test('an administrator can revoke a person’s sessions at once', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const client = await signedInClient(user)
    expect(await revokeSessionsOf(user, 'revoked_by_admin')).toBe(1)
    expect(await viewerOf(client)).toBeNull()
  })

  test('a forged cookie reads as signed out', async () => {
    const forged: Client = { cookie: '__session=eyJmYWtlIjoidG9rZW4ifQ%3D%3D.bm90YXNpZ25hdHVyZQ', csrf: '' }
    expect(await viewerOf(forged)).toBeNull()
  })
})
