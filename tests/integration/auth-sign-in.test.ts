import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { readSession, startSession } from '~/auth/session.server'
import { checkPassword, checkSecondFactor, LOCKOUT_MS } from '~/auth/sign-in.server'
import { totpCodeAt } from '~/auth/totp.server'
import { action as loginAction } from '~/routes/login'
import { action as verifyAction } from '~/routes/login_.verify'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { anonymousClient, call, post, routeArgs, withCookie } from '../support/requests'

let organisationId: string

beforeAll(async () => {
  organisationId = (await createTestOrganisation({ kind: 'bank', status: 'active' })).id
})

afterEach(() => {
  vi.useRealTimers()
})

/** Each test signs in from its own address so the per-address limit never interferes. */
let address = 0
const meta = () => ({ ip: `10.0.0.${++address}`, userAgent: 'vitest' })

async function signInFully(user: TestUser) {
  const client = await anonymousClient()
  const login = (await call(() =>
    loginAction(routeArgs(post('/login', client, { email: user.email, password: user.password }))),
  )) as Response
  expect(login.status).toBe(302)
  expect(login.headers.get('location')).toBe('/login/verify')
  const pending = withCookie(client, login.headers.get('set-cookie'))
  const code = await totpCodeAt(user.totpSecret as string)
  const verified = (await call(() => verifyAction(routeArgs(post('/login/verify', pending, { code }))))) as Response
  expect(verified.status).toBe(302)
  return withCookie(pending, verified.headers.get('set-cookie'))
}

describe('sign-in', () => {
  test('password then TOTP gives a full session with a new id', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const client = await anonymousClient()
    const login = (await call(() =>
      loginAction(routeArgs(post('/login', client, { email: user.email, password: user.password }))),
    )) as Response
    const pending = withCookie(client, login.headers.get('set-cookie'))
    const pendingSession = await readSession(new Request('http://localhost/', { headers: { cookie: pending.cookie } }))
    expect(pendingSession?.stage).toBe('password')
    expect(await getViewer(new Request('http://localhost/', { headers: { cookie: pending.cookie } }))).toBeNull()

    const code = await totpCodeAt(user.totpSecret as string)
    const verified = (await call(() => verifyAction(routeArgs(post('/login/verify', pending, { code }))))) as Response
    const full = withCookie(pending, verified.headers.get('set-cookie'))
    const fullSession = await readSession(new Request('http://localhost/', { headers: { cookie: full.cookie } }))
    expect(fullSession?.stage).toBe('full')
    expect(fullSession?.id).not.toBe(pendingSession?.id)
    // The pending session is gone: its cookie no longer reads.
    expect(await readSession(new Request('http://localhost/', { headers: { cookie: pending.cookie } }))).toBeNull()
  })

  test('a TOTP code is accepted only once', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const code = await totpCodeAt(user.totpSecret as string)
    const first = await startSession(user, 'password')
    const session = { id: first.id, userId: user.id, organisationId, stage: 'password' as const, createdAt: new Date() }
    expect((await checkSecondFactor(session, code, meta())).ok).toBe(true)
    expect((await checkSecondFactor(session, code, meta())).ok).toBe(false)
  })

  test('wrong password and unknown e-mail get the same answer', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const client = await anonymousClient()
    const wrong = (await call(() =>
      loginAction(routeArgs(post('/login', client, { email: user.email, password: 'not the password at all' }))),
    )) as unknown as { data: unknown; init: ResponseInit }
    const unknown = (await call(() =>
      loginAction(routeArgs(post('/login', client, { email: 'nobody@example.org', password: 'not the password at all' }))),
    )) as unknown as { data: unknown; init: ResponseInit }
    expect(wrong.init.status).toBe(401)
    expect(unknown.init.status).toBe(401)
    expect((wrong.data as { error: string }).error).toBe((unknown.data as { error: string }).error)
  })

  test('five failures lock the account for 15 minutes, even against the right password', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = new Date('2030-01-01T10:00:00Z')
    vi.setSystemTime(start)
    const user = await createTestUser({ organisationId, roles: ['member'] })
    for (let i = 0; i < 5; i++) {
      expect(await checkPassword({ email: user.email, password: `wrong password ${i}` }, meta())).toMatchObject({ ok: false })
    }
    // Sixth attempt, right password: refused.
    expect(await checkPassword({ email: user.email, password: user.password }, meta())).toEqual({ ok: false, reason: 'invalid' })
    vi.setSystemTime(new Date(start.getTime() + LOCKOUT_MS - 1_000))
    expect(await checkPassword({ email: user.email, password: user.password }, meta())).toMatchObject({ ok: false })
    vi.setSystemTime(new Date(start.getTime() + LOCKOUT_MS + 1_000))
    expect(await checkPassword({ email: user.email, password: user.password }, meta())).toMatchObject({ ok: true })
  })

  test('the per-address limit stops guessing across many accounts', async () => {
    const ip = '192.0.2.77'
    const results = []
    for (let i = 0; i < 31; i++) {
      results.push(await checkPassword({ email: `guess${i}@example.org`, password: 'whatever password' }, { ip }))
    }
    expect(results.at(29)).toEqual({ ok: false, reason: 'invalid' })
    expect(results.at(30)).toEqual({ ok: false, reason: 'rate_limited' })
  })

  test('a deactivated person cannot sign in', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'], status: 'deactivated' })
    expect(await checkPassword({ email: user.email, password: user.password }, meta())).toEqual({ ok: false, reason: 'invalid' })
  })

  test('a person of a suspended organisation cannot sign in', async () => {
    const suspended = await createTestOrganisation({ kind: 'isp', status: 'suspended' })
    const user = await createTestUser({ organisationId: suspended.id, roles: ['admin'] })
    expect(await checkPassword({ email: user.email, password: user.password }, meta())).toEqual({ ok: false, reason: 'invalid' })
  })

  test('a signed-in person is sent home from the sign-in page', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const client = await signInFully(user)
    const response = (await call(() => loginAction(routeArgs(post('/login', client, { email: user.email, password: user.password }))))) as Response
    expect(response.headers.get('location')).toBe('/home')
  })
})

describe('cross-site request forgery', () => {
  test('a sign-in form posted without the token is refused with 403', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const client = await anonymousClient()
    const response = (await call(() =>
      loginAction(routeArgs(post('/login', client, { email: user.email, password: user.password }, { csrf: false }))),
    )) as Response
    expect(response.status).toBe(403)
  })

  test('a token from another browser is refused', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    const victim = await anonymousClient()
    const attacker = await anonymousClient()
    const forged = post('/login', { ...victim, csrf: attacker.csrf }, { email: user.email, password: user.password })
    expect(((await call(() => loginAction(routeArgs(forged)))) as Response).status).toBe(403)
  })
})
