import { beforeAll, describe, expect, test } from 'vitest'
import { api } from '../support/api'
import { arrangeWorld, locationOf, statusOf, type World } from '../support/access-fixtures'
import { call, get, post, routeArgs, signedInClient, type Client } from '../support/requests'
import { loader as keysLoader } from '~/routes/integrations._index'
import { action as keyAction, loader as keyLoader } from '~/routes/integrations.keys.$keyId'
import { action as newKeyAction } from '~/routes/integrations.keys.new'

/** A partner admin creates, reads and revokes a key through the pages; the API follows at once. */

let world: World
let admin: Client

beforeAll(async () => {
  world = await arrangeWorld()
  admin = await signedInClient(world.people.admin)
})

type Created = { created: { id: string; secret: string; name: string } | null; errors: Record<string, string[]>; values: { name: string; scopes: string[]; expiresInDays: string } }
const dataOf = <T,>(result: unknown) => (result as { data: T }).data

describe('API keys in the portal', () => {
  test('a bad form keeps its values and says what is wrong; nothing is created', async () => {
    const result = await call(() => newKeyAction(routeArgs(post('/integrations/keys/new', admin, { name: 'Case system', expiresInDays: '400' }))))
    expect(statusOf(result)).toBe(400)
    const body = dataOf<Created>(result)
    expect(body.created).toBeNull()
    expect(body.errors.scopes).toEqual(['api:errors.scopesRequired'])
    expect(body.errors.expiresInDays).toEqual(['api:errors.expiryTooLong'])
    expect(body.values.name).toBe('Case system')
    const list = dataOf<{ keys: unknown[] }>({ data: await keysLoader(routeArgs(get('/integrations', admin))) })
    expect(list.keys).toEqual([])
  })

  test('the key is shown once, works at once, is listed without its secret, and stops at once when revoked', async () => {
    const result = await call(() =>
      newKeyAction(routeArgs(post('/integrations/keys/new', admin, { name: 'Case system (production)', scopes: ['tasks:read', 'initiatives:read'], expiresInDays: '90' }))),
    )
    const created = dataOf<Created>(result).created
    expect(created?.secret).toMatch(/^pcp_[\w-]{12}_[\w-]{43}$/)
    const secret = created?.secret ?? ''
    expect((await api('GET', '/api/v1/tasks', { key: secret })).status).toBe(200)

    const listed = (await keysLoader(routeArgs(get('/integrations', admin)))) as { keys: { id: string; name: string; scopes: string[]; state: string; lastUsedAt: string | null }[] }
    const row = listed.keys.find((key) => key.name === 'Case system (production)')
    expect(row).toMatchObject({ id: created?.id, scopes: ['tasks:read', 'initiatives:read'], state: 'active' })
    expect(row?.lastUsedAt).not.toBeNull()
    expect(JSON.stringify(listed)).not.toContain(secret.slice(17))
    const detail = await keyLoader(routeArgs(get(`/integrations/keys/${created?.id}`, admin), { keyId: created?.id ?? '' }))
    expect(JSON.stringify(detail)).not.toContain(secret.slice(17))

    // Revoking asks for a confirmation first.
    const unconfirmed = await call(() => keyAction(routeArgs(post(`/integrations/keys/${created?.id}`, admin, { intent: 'revoke' }), { keyId: created?.id ?? '' })))
    expect(statusOf(unconfirmed)).toBe(400)
    expect((await api('GET', '/api/v1/tasks', { key: secret })).status).toBe(200)
    const revoked = await call(() => keyAction(routeArgs(post(`/integrations/keys/${created?.id}`, admin, { intent: 'revoke', confirm: 'yes' }), { keyId: created?.id ?? '' })))
    expect(statusOf(revoked)).toBe(302)
    expect(locationOf(revoked)).toBe('/integrations')
    expect((await api('GET', '/api/v1/tasks', { key: secret })).status).toBe(401)
  })

  test("another organisation's admin cannot see or revoke the key", async () => {
    const created = dataOf<Created>(
      await call(() => newKeyAction(routeArgs(post('/integrations/keys/new', admin, { name: 'Reporting', scopes: 'tasks:read', expiresInDays: '30' })))),
    ).created
    const { createTestUser } = await import('../factories/users')
    const outsider = await signedInClient(await createTestUser({ organisationId: world.organisations.partnerQ, roles: ['admin'] }))
    const seen = await call(() => keyLoader(routeArgs(get(`/integrations/keys/${created?.id}`, outsider), { keyId: created?.id ?? '' })))
    expect(statusOf(seen)).toBe(404)
    const revoke = await call(() => keyAction(routeArgs(post(`/integrations/keys/${created?.id}`, outsider, { intent: 'revoke', confirm: 'yes' }), { keyId: created?.id ?? '' })))
    expect(statusOf(revoke)).toBe(404)
    expect((await api('GET', '/api/v1/tasks', { key: created?.secret })).status).toBe(200)
  })
})

describe('what the key form says about each scope', () => {
  test.each(['en', 'fr', 'ru'])('%s: every scope has its own description, not the last word of its name', async (lng) => {
    const { createInstance } = await import('i18next')
    const { i18nConfig } = await import('~/utils/i18n')
    const { scopeKey } = await import('~/components/api-key-ui')
    const { apiScopes } = await import('~/domain/vocabulary')
    const i18n = createInstance()
    await i18n.init({ ...i18nConfig, lng, ns: ['api'], defaultNS: 'api' })
    const texts = apiScopes.map((scope) => i18n.t(scopeKey(scope)))
    for (const [i, text] of texts.entries()) expect(text.length, apiScopes[i]).toBeGreaterThan(12)
    expect(new Set(texts).size).toBe(apiScopes.length)
  })
})
