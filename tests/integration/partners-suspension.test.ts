import mongoose from 'mongoose'
import { describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { readSession } from '~/auth/session.server'
import { checkPassword } from '~/auth/sign-in.server'
import { promoteFinishedProbations } from '~/partners/applications.server'
import { reinstateOrganisation, suspendOrganisation } from '~/partners/suspension.server'
import { action as profileAction, loader as profileLoader } from '~/routes/partners.$organisationId'
import { createTestUser, TEST_PASSWORD } from '../factories/users'
import { call, get, post, routeArgs, type Client } from '../support/requests'
import { auditEvents, body, collection, member, outcome } from './partners-support'

const organisation = (id: string) => collection('organisations').findOne({ _id: new mongoose.Types.ObjectId(id) })

async function change(client: Client, id: string, fields: Record<string, string>, options?: { csrf?: boolean }) {
  return outcome(await call(() => profileAction(routeArgs(post(`/partners/${id}`, client, fields, options), { organisationId: id }))))
}

async function page(client: Client, id: string, search = '') {
  return body(await call(() => profileLoader(routeArgs(get(`/partners/${id}${search}`, client), { organisationId: id }))))
}

const suspend = { intent: 'suspend', reason: 'Shared a TLP:RED report outside the partnership.', confirm: 'on' }

describe('suspending an organisation', () => {
  test('signs its people out at once and keeps them out until it is reinstated', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const partner = await member({ kind: 'payment_service' })
    const colleague = await createTestUser({ organisationId: partner.organisation.id, roles: ['admin'] })
    const signIn = () => checkPassword({ email: colleague.email, password: TEST_PASSWORD })
    expect(await signIn()).toMatchObject({ ok: true })
    expect(await getViewer(get('/', partner.client))).not.toBeNull()

    const result = await change(coordinator.client, partner.organisation.id, suspend)
    expect(result).toMatchObject({ status: 302, location: `/partners/${partner.organisation.id}` })
    expect(await organisation(partner.organisation.id)).toMatchObject({ status: 'suspended', suspensionReason: suspend.reason })

    expect(await readSession(get('/', partner.client))).toBeNull()
    expect(await getViewer(get('/', partner.client))).toBeNull()
    expect(await signIn()).toEqual({ ok: false, reason: 'invalid' })
    const revoked = await mongoose.connection.collection<{ _id: string }>('sessionrevocations').findOne({ _id: partner.client.sessionId })
    expect(revoked).toMatchObject({ reason: 'organisation_suspended' })
    // The coordinator's own session is untouched.
    expect(await getViewer(get('/', coordinator.client))).not.toBeNull()

    const audit = await auditEvents('partner.suspended', partner.organisation.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ outcome: 'success', actorUserId: coordinator.user.id, details: { reason: suspend.reason, sessionsEnded: 1 } })

    const reinstated = await change(coordinator.client, partner.organisation.id, { intent: 'reinstate', reason: 'Breach investigated; training done.', confirm: 'on' })
    expect(reinstated.status).toBe(302)
    const stored = await organisation(partner.organisation.id)
    expect(stored).toMatchObject({ status: 'active' })
    expect(stored?.suspensionReason).toBeUndefined()
    expect(await signIn()).toMatchObject({ ok: true })
    // Ended sessions stay ended: people sign in again.
    expect(await getViewer(get('/', partner.client))).toBeNull()
    expect(await auditEvents('partner.reinstated', partner.organisation.id)).toHaveLength(1)
  })

  test('an organisation on probation can be suspended, and the probation job leaves it suspended', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const newcomer = await member({ kind: 'isp', status: 'probation', overrides: { probationEndsAt: new Date(Date.now() - 60_000) } })
    expect(await suspendOrganisation({ organisationId: newcomer.organisation.id, reason: 'Doubts about identity', by: coordinator.viewer })).toMatchObject({ ok: true })
    await promoteFinishedProbations()
    expect(await organisation(newcomer.organisation.id)).toMatchObject({ status: 'suspended' })
  })

  test('a suspension racing the probation job: one of them wins, the other changes nothing', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    for (let round = 0; round < 5; round++) {
      const newcomer = await member({ kind: 'isp', status: 'probation', overrides: { probationEndsAt: new Date(Date.now() - 60_000) } })
      const [suspension] = await Promise.all([
        suspendOrganisation({ organisationId: newcomer.organisation.id, reason: 'race', by: coordinator.viewer }),
        promoteFinishedProbations(),
      ])
      const stored = await organisation(newcomer.organisation.id)
      expect(stored?.status).toBe(suspension.ok ? 'suspended' : 'active')
    }
  })

  test('a coordinator cannot suspend their own centre', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const result = await change(coordinator.client, coordinator.organisation.id, suspend)
    expect(result).toMatchObject({ status: 403, body: { formError: 'ownOrganisation' } })
    expect(await organisation(coordinator.organisation.id)).toMatchObject({ status: 'active' })
    expect(await getViewer(get('/', coordinator.client))).not.toBeNull()
    expect(await auditEvents('partner.suspended', coordinator.organisation.id)).toMatchObject([{ outcome: 'denied' }])
    // …and is not offered the control.
    const own = await page(coordinator.client, coordinator.organisation.id, '?confirm=suspend')
    expect(own).toMatchObject({ confirming: null, ownCentreNote: true, profile: { canSuspend: false } })
  })

  test('a coordinator may suspend another centre', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const otherCentre = await member({ kind: 'national_centre' })
    expect((await change(coordinator.client, otherCentre.organisation.id, suspend)).status).toBe(302)
    expect(await organisation(otherCentre.organisation.id)).toMatchObject({ status: 'suspended' })
  })

  test('only coordinators may suspend: staff and partner admins get 403', async () => {
    const staff = await member({ kind: 'national_centre', roles: ['staff'] })
    const admin = await member({ kind: 'bank', roles: ['admin'] })
    const target = await member({ kind: 'isp' })
    for (const { client } of [staff, admin]) {
      expect((await change(client, target.organisation.id, suspend)).status).toBe(403)
    }
    expect(await organisation(target.organisation.id)).toMatchObject({ status: 'active' })
    expect(await page(staff.client, target.organisation.id, '?confirm=suspend')).toMatchObject({ confirming: null, profile: { canSuspend: false } })
  })

  test('needs a reason and the confirmation, and shows the confirmation step when asked', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const target = await member({ kind: 'isp' })
    expect(await page(coordinator.client, target.organisation.id)).toMatchObject({ confirming: null, profile: { canSuspend: true } })
    expect(await page(coordinator.client, target.organisation.id, '?confirm=suspend')).toMatchObject({ confirming: 'suspend' })

    const noReason = await change(coordinator.client, target.organisation.id, { intent: 'suspend', reason: ' ', confirm: 'on' })
    expect(noReason).toMatchObject({ status: 400, body: { intent: 'suspend', errors: { reason: ['required'] } } })
    const unconfirmed = await change(coordinator.client, target.organisation.id, { intent: 'suspend', reason: 'why' })
    expect(unconfirmed).toMatchObject({ status: 400, body: { errors: { confirm: ['confirmRequired'] }, values: { reason: 'why' } } })
    expect(await organisation(target.organisation.id)).toMatchObject({ status: 'active' })
  })

  test('suspending twice or reinstating an active organisation answers 409', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const target = await member({ kind: 'isp' })
    expect((await change(coordinator.client, target.organisation.id, suspend)).status).toBe(302)
    // Only centres see a suspended organisation at all, so the refusal is about its status.
    expect(await change(coordinator.client, target.organisation.id, suspend)).toMatchObject({ status: 409, body: { formError: 'wrongStatus' } })
    const active = await member({ kind: 'bank' })
    expect(await reinstateOrganisation({ organisationId: active.organisation.id, reason: 'x', by: coordinator.viewer })).toEqual({ ok: false, reason: 'wrongStatus' })
  })

  test('an organisation the coordinator cannot see answers 404', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const applicant = await collection('organisations').insertOne({ legalName: 'Pending Ltd', nameKey: `pending ltd ${Date.now()}`, kind: 'isp', country: 'IE', status: 'applied' })
    expect((await change(coordinator.client, String(applicant.insertedId), suspend)).status).toBe(404)
    expect((await change(coordinator.client, '0123456789abcdef01234567', suspend)).status).toBe(404)
  })

  test('a change without the anti-forgery field answers 403', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const target = await member({ kind: 'isp' })
    expect((await change(coordinator.client, target.organisation.id, suspend, { csrf: false })).status).toBe(403)
    expect(await organisation(target.organisation.id)).toMatchObject({ status: 'active' })
  })
})
