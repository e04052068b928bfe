import crypto from 'node:crypto'
import mongoose from 'mongoose'
import { describe, expect, test } from 'vitest'
import { readInvitation } from '~/people/invitations.server'
import { action as inviteAction, loader as inviteLoader } from '~/routes/people.invite'
import { action as revokeAction, loader as revokeLoader } from '~/routes/people.invitations.$invitationId'
import { loader as listLoader } from '~/routes/people._index'
import { localeCookie } from '~/utils/i18next.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient, withCookie, type Client } from '../support/requests'

/** Status and body of whatever a loader or action produced: a Response, `data(...)`, or a plain object. */
function outcome(result: unknown): { status: number; body: unknown; location: string | null } {
  if (result instanceof Response) return { status: result.status, body: null, location: result.headers.get('location') }
  if (typeof result === 'object' && result !== null && 'init' in result && 'data' in result) {
    const init = result.init as ResponseInit | null
    return { status: init?.status ?? 200, body: result.data, location: null }
  }
  return { status: 200, body: result, location: null }
}

const collection = (name: string) => mongoose.connection.collection(name)
const auditEvents = (action: string) => collection('auditevents').find({ action }).toArray()

async function organisationWithAdmin(kind: 'bank' | 'national_centre' = 'bank') {
  const organisation = await createTestOrganisation({ kind })
  const admin = await createTestUser({ organisationId: organisation.id, roles: kind === 'bank' ? ['admin'] : ['coordinator'] })
  return { organisation, admin, client: await signedInClient(admin) }
}

async function invite(client: Client, fields: Record<string, string | string[]>, options?: { csrf?: boolean }) {
  return call(() => inviteAction(routeArgs(post('/people/invite', client, fields, options))))
}

async function mailedToken(to: string) {
  const message = await collection('outboxmessages').findOne({ to, kind: 'invitation' })
  expect(message).not.toBeNull()
  const token = /\/invitations\/([A-Za-z0-9_-]{32,})/.exec(String(message?.text))?.[1]
  expect(token).toBeTruthy()
  return { token: token ?? '', subject: String(message?.subject) }
}

describe('inviting people', () => {
  test('an admin invites a colleague; the database keeps only the hash of the link token', async () => {
    const { organisation, admin, client } = await organisationWithAdmin()
    const result = outcome(await invite(client, { name: 'Ada Lovelace', email: ' Ada.Lovelace@Example.org ', roles: ['member'] }))
    expect(result).toMatchObject({ status: 302, location: '/people' })

    const { token } = await mailedToken('ada.lovelace@example.org')
    const stored = await collection('tokens').find({}).toArray()
    expect(JSON.stringify(stored)).not.toContain(token)
    const invitation = stored.find((doc) => doc.email === 'ada.lovelace@example.org')
    expect(invitation).toMatchObject({
      purpose: 'invitation',
      tokenHash: crypto.createHash('sha256').update(token).digest('hex'),
      roles: ['member'],
    })
    expect(String(invitation?.organisationId)).toBe(organisation.id)
    expect(String(invitation?.createdBy)).toBe(admin.id)
    expect(await readInvitation(token)).toMatchObject({ status: 'valid', invitation: { email: 'ada.lovelace@example.org', roles: ['member'] } })

    const audit = await auditEvents('user.invited')
    expect(audit.some((event) => event.actorUserId === admin.id && event.details?.email === 'ada.lovelace@example.org')).toBe(true)

    const list = outcome(await call(() => listLoader(routeArgs(get('/people', client)))))
    expect(list.body).toMatchObject({ invitations: [{ email: 'ada.lovelace@example.org', name: 'Ada Lovelace', roles: ['member'] }] })
  })

  test('the invitation is written in the inviting person’s current language', async () => {
    const { client } = await organisationWithAdmin()
    const french = withCookie(client, await localeCookie.serialize('fr'))
    expect(outcome(await invite(french, { name: 'Jeanne Martin', email: 'jeanne@example.org', roles: 'admin' })).status).toBe(302)
    const { subject } = await mailedToken('jeanne@example.org')
    expect(subject).toBe('Votre invitation au portail du partenariat contre les canaux de paiement')
  })

  test('an e-mail address that already has an account answers 400 and keeps what was typed', async () => {
    const { organisation, client } = await organisationWithAdmin()
    const other = await createTestOrganisation({ kind: 'isp' })
    const existing = await createTestUser({ organisationId: other.id, roles: ['member'] })
    const result = outcome(await invite(client, { name: 'Someone Else', email: existing.email.toUpperCase(), roles: ['member'] }))
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({
      errors: { email: ['emailTaken'] },
      values: { name: 'Someone Else', email: existing.email.toUpperCase(), roles: 'member' },
    })
    expect(await collection('tokens').countDocuments({ organisationId: new mongoose.Types.ObjectId(organisation.id) })).toBe(0)
  })

  test('invalid input answers 400 with field errors and sends nothing', async () => {
    const { client } = await organisationWithAdmin()
    const noRoles = outcome(await invite(client, { name: '', email: 'not-an-address' }))
    expect(noRoles.status).toBe(400)
    expect(noRoles.body).toMatchObject({ errors: { name: ['required'], email: ['email'], roles: ['rolesRequired'] } })
    // A bank has no centre roles, whatever the form says.
    const wrongRole = outcome(await invite(client, { name: 'Carl', email: 'carl@example.org', roles: ['coordinator'] }))
    expect(wrongRole.status).toBe(400)
    expect(wrongRole.body).toMatchObject({ errors: { roles: ['roleNotAllowed'] } })
    const unknownRole = outcome(await invite(client, { name: 'Carl', email: 'carl@example.org', roles: ['superuser'] }))
    expect(unknownRole.status).toBe(400)
    expect(unknownRole.body).toMatchObject({ errors: { roles: ['roleNotAllowed'] } })
    expect(await collection('outboxmessages').countDocuments({ to: 'carl@example.org' })).toBe(0)
  })

  test('a centre coordinator is offered and may give centre roles only', async () => {
    const { client } = await organisationWithAdmin('national_centre')
    const form = outcome(await call(() => inviteLoader(routeArgs(get('/people/invite', client)))))
    expect(form.body).toMatchObject({ roles: ['staff', 'coordinator', 'dpo'] })
    expect(outcome(await invite(client, { name: 'Marta', email: 'marta@example.org', roles: ['member'] })).status).toBe(400)
    expect(outcome(await invite(client, { name: 'Marta', email: 'marta@example.org', roles: ['staff', 'dpo'] })).status).toBe(302)
  })

  test('a member without the admin role gets 403 and sends nothing', async () => {
    const { organisation } = await organisationWithAdmin()
    const member = await createTestUser({ organisationId: organisation.id, roles: ['member'] })
    const client = await signedInClient(member)
    expect(outcome(await call(() => inviteLoader(routeArgs(get('/people/invite', client))))).status).toBe(403)
    expect(outcome(await invite(client, { name: 'Eve', email: 'eve@example.org', roles: ['admin'] })).status).toBe(403)
    expect(await collection('outboxmessages').countDocuments({ to: 'eve@example.org' })).toBe(0)
  })

  test('a form posted without its anti-forgery field is refused with 403', async () => {
    const { client } = await organisationWithAdmin()
    const result = outcome(await invite(client, { name: 'Mallory', email: 'mallory@example.org', roles: ['admin'] }, { csrf: false }))
    expect(result.status).toBe(403)
    expect(await collection('outboxmessages').countDocuments({ to: 'mallory@example.org' })).toBe(0)
  })
})

describe('revoking invitations', () => {
  async function pendingInvitation(client: Client, email: string) {
    expect(outcome(await invite(client, { name: 'Invited Person', email, roles: ['member'] })).status).toBe(302)
    const doc = await collection('tokens').findOne({ email, purpose: 'invitation' })
    return { id: String(doc?._id), ...(await mailedToken(email)) }
  }

  test('an admin revokes a pending invitation after confirming; its link stops working', async () => {
    const { admin, client } = await organisationWithAdmin()
    const invitation = await pendingInvitation(client, 'revoke-me@example.org')
    const page = outcome(await call(() => revokeLoader(routeArgs(get(`/people/invitations/${invitation.id}`, client), { invitationId: invitation.id }))))
    expect(page.body).toMatchObject({ invitation: { email: 'revoke-me@example.org' } })

    const path = `/people/invitations/${invitation.id}`
    const unconfirmed = outcome(await call(() => revokeAction(routeArgs(post(path, client, {}), { invitationId: invitation.id }))))
    expect(unconfirmed.status).toBe(400)
    expect(await readInvitation(invitation.token)).toMatchObject({ status: 'valid' })

    const revoked = outcome(await call(() => revokeAction(routeArgs(post(path, client, { confirm: 'yes' }), { invitationId: invitation.id }))))
    expect(revoked).toMatchObject({ status: 302, location: '/people' })
    expect(await readInvitation(invitation.token)).toEqual({ status: 'used' })
    const audit = await auditEvents('user.invitation_revoked')
    expect(audit.some((event) => event.targetId === invitation.id && event.actorUserId === admin.id)).toBe(true)

    const list = outcome(await call(() => listLoader(routeArgs(get('/people', client)))))
    expect(list.body).toMatchObject({ invitations: [] })
    // Revoked already: the same 404 as any unknown invitation.
    const again = outcome(await call(() => revokeAction(routeArgs(post(path, client, { confirm: 'yes' }), { invitationId: invitation.id }))))
    expect(again.status).toBe(404)
  })

  test('another organisation’s invitation, or a malformed id, answers 404', async () => {
    const a = await organisationWithAdmin()
    const b = await organisationWithAdmin()
    const invitation = await pendingInvitation(b.client, 'b-invitee@example.org')
    for (const invitationId of [invitation.id, 'not-an-id', '0123456789abcdef01234567']) {
      const path = `/people/invitations/${invitationId}`
      expect(outcome(await call(() => revokeLoader(routeArgs(get(path, a.client), { invitationId })))).status).toBe(404)
      expect(outcome(await call(() => revokeAction(routeArgs(post(path, a.client, { confirm: 'yes' }), { invitationId })))).status).toBe(404)
    }
    expect(await readInvitation(invitation.token)).toMatchObject({ status: 'valid' })
  })

  test('a member gets 403, and a revocation without the anti-forgery field gets 403', async () => {
    const { organisation, client } = await organisationWithAdmin()
    const invitation = await pendingInvitation(client, 'kept@example.org')
    const member = await signedInClient(await createTestUser({ organisationId: organisation.id, roles: ['member'] }))
    const path = `/people/invitations/${invitation.id}`
    const params = { invitationId: invitation.id }
    expect(outcome(await call(() => revokeLoader(routeArgs(get(path, member), params)))).status).toBe(403)
    expect(outcome(await call(() => revokeAction(routeArgs(post(path, member, { confirm: 'yes' }), params)))).status).toBe(403)
    expect(outcome(await call(() => revokeAction(routeArgs(post(path, client, { confirm: 'yes' }, { csrf: false }), params)))).status).toBe(403)
    expect(await readInvitation(invitation.token)).toMatchObject({ status: 'valid' })
  })
})
