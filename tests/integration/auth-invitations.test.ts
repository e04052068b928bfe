import mongoose from 'mongoose'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { checkPassword, requestPasswordReset, resetPassword } from '~/auth/sign-in.server'
import { acceptInvitation, INVITATION_TTL_MS, invitePerson, readInvitation } from '~/people/invitations.server'
import { action as acceptAction } from '~/routes/invitations.$token'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { anonymousClient, call, post, routeArgs } from '../support/requests'

let organisationId: string
const password = 'a long and unusual passphrase'

beforeAll(async () => {
  organisationId = (await createTestOrganisation({ kind: 'card_scheme', status: 'active' })).id
})

afterEach(() => {
  vi.useRealTimers()
})

const outbox = () => mongoose.connection.db!.collection('outboxmessages')
const tokens = () => mongoose.connection.db!.collection('tokens')

async function invite(email: string) {
  return invitePerson({ organisationId, email, name: 'Ana Example', roles: ['member'], invitedBy: null })
}

describe('invitations', () => {
  test('send a link that works once; only its hash is stored', async () => {
    const { token } = await invite('ana@example.org')
    const mail = await outbox().findOne({ to: 'ana@example.org', kind: 'invitation' })
    expect(mail?.text).toContain(`/invitations/${token}`)
    expect(await tokens().countDocuments({ tokenHash: token })).toBe(0)
    expect(JSON.stringify(await tokens().find({}).toArray())).not.toContain(token)

    expect(await acceptInvitation(token, { name: 'Ana Example', password })).toMatchObject({ ok: true })
    expect(await acceptInvitation(token, { name: 'Ana Again', password })).toEqual({ ok: false, reason: 'used' })
    expect(await readInvitation(token)).toEqual({ status: 'used' })
    // The account needs TOTP enrolment before it is usable.
    expect(await checkPassword({ email: 'ana@example.org', password }, { ip: '10.9.0.1' })).toMatchObject({ ok: true, next: 'enrol' })
  })

  test('expire after 72 hours', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = new Date('2030-03-01T09:00:00Z')
    vi.setSystemTime(start)
    const { token } = await invite('late@example.org')
    vi.setSystemTime(new Date(start.getTime() + INVITATION_TTL_MS + 1_000))
    expect(await readInvitation(token)).toEqual({ status: 'expired' })
    expect(await acceptInvitation(token, { name: 'Late Person', password })).toEqual({ ok: false, reason: 'expired' })
  })

  test('two simultaneous submissions of one link create one account', async () => {
    const { token } = await invite('twice@example.org')
    const results = await Promise.all([
      acceptInvitation(token, { name: 'First Tab', password }),
      acceptInvitation(token, { name: 'Second Tab', password }),
    ])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(await mongoose.connection.db!.collection('users').countDocuments({ email: 'twice@example.org' })).toBe(1)
  })

  test('the form refuses a common or short password and keeps the name', async () => {
    const { token } = await invite('weak@example.org')
    const client = await anonymousClient()
    for (const weak of ['Unbelievable', 'short']) {
      const result = (await call(() =>
        acceptAction(routeArgs(post(`/invitations/${token}`, client, { name: 'Weak Person', password: weak, confirm: weak }), { token })),
      )) as unknown as { data: { errors: Record<string, string[]>; name: string }; init: ResponseInit }
      expect(result.init.status).toBe(400)
      expect(result.data.errors.password).toContain(weak === 'short' ? 'tooShort' : 'tooCommon')
      expect(result.data.name).toBe('Weak Person')
    }
    expect(await readInvitation(token)).toMatchObject({ status: 'valid' })
  })

  test('a link used by another browser tab cannot be replayed through the form', async () => {
    const { token } = await invite('replay@example.org')
    const client = await anonymousClient()
    const fields = { name: 'Replay Person', password, confirm: password }
    const first = (await call(() => acceptAction(routeArgs(post(`/invitations/${token}`, client, fields), { token })))) as Response
    expect(first.status).toBe(302)
    expect(first.headers.get('location')).toBe('/login/enrol')
    const second = (await call(() => acceptAction(routeArgs(post(`/invitations/${token}`, client, fields), { token })))) as unknown as {
      init: ResponseInit
    }
    expect(second.init.status).toBe(410)
  })
})

describe('password reset', () => {
  test('a link works once, within the hour, ends sessions and lifts a lockout', async () => {
    const user = await createTestUser({ organisationId, roles: ['member'] })
    for (let i = 0; i < 5; i++) await checkPassword({ email: user.email, password: `nope ${i}` }, { ip: '10.8.0.1' })
    await requestPasswordReset(user.email, { ip: '10.8.0.2' })
    const mail = await outbox().findOne({ to: user.email, kind: 'passwordReset' })
    const token = /reset-password\/([\w-]+)/.exec(mail?.text ?? '')?.[1] as string
    expect(token).toBeTruthy()
    expect(await resetPassword(token, 'a brand new passphrase here')).toEqual({ ok: true })
    expect(await resetPassword(token, 'yet another passphrase here')).toEqual({ ok: false })
    expect(await checkPassword({ email: user.email, password: 'a brand new passphrase here' }, { ip: '10.8.0.3' })).toMatchObject({
      ok: true,
    })
  })

  test('an unknown address sends nothing and answers the same', async () => {
    const before = await outbox().countDocuments({})
    await requestPasswordReset('nobody-here@example.org', { ip: '10.8.0.4' })
    expect(await outbox().countDocuments({})).toBe(before)
  })
})
