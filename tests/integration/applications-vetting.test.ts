import { describe, expect, test } from 'vitest'
import {
  approveApplication,
  listApplications,
  promoteFinishedProbations,
  rejectApplication,
  submitApplication,
  type ApplicationInput,
} from '~/partners/applications.server'
import { createTestUser } from '../factories/users'
import { createTestOrganisation } from '../factories/organisations'
import { action as decideAction, loader as detailLoader } from '~/routes/vetting.$organisationId'
import { loader as queueLoader } from '~/routes/vetting._index'
import { call, get, post, routeArgs, type Client } from '../support/requests'
import { auditEvents, body, collection, member, outbox, outcome, uniqueName } from './partners-support'
import mongoose from 'mongoose'

const DAY_MS = 24 * 60 * 60 * 1000

function application(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  const slug = Math.random().toString(36).slice(2, 8)
  return {
    legalName: uniqueName('Vetted'),
    kind: 'bank',
    country: 'LT',
    agreementReference: undefined,
    contactName: 'Financial crime unit',
    contactEmail: `fcu-${slug}@example.org`,
    contactPhone: '+370 5 123 4567',
    applicantName: 'Rūta Kazlauskienė',
    applicantEmail: `ruta-${slug}@example.org`,
    acceptTerms: 'on',
    ...overrides,
  }
}

async function applied(overrides: Partial<ApplicationInput> = {}, locale = 'en') {
  const input = application(overrides)
  const result = await submitApplication(input, { locale })
  if (!result.ok) throw new Error('the test application was refused')
  return { id: result.id, input }
}

const organisation = async (id: string) => collection('organisations').findOne({ _id: new mongoose.Types.ObjectId(id) })

async function decide(client: Client, id: string, fields: Record<string, string>, options?: { csrf?: boolean }) {
  return outcome(await call(() => decideAction(routeArgs(post(`/vetting/${id}`, client, fields, options), { organisationId: id }))))
}

describe('the vetting queue', () => {
  test('is for coordinators only: centre staff and partner admins get 403', async () => {
    const staff = await member({ kind: 'national_centre', roles: ['staff'] })
    const admin = await member({ kind: 'bank', roles: ['admin'] })
    for (const { client } of [staff, admin]) {
      expect(outcome(await call(() => queueLoader(routeArgs(get('/vetting', client))))).status).toBe(403)
    }
    const { id } = await applied()
    expect(outcome(await call(() => detailLoader(routeArgs(get(`/vetting/${id}`, admin.client), { organisationId: id })))).status).toBe(403)
    expect((await decide(admin.client, id, { intent: 'approve', reason: 'looks fine' })).status).toBe(403)
    expect(await organisation(id)).toMatchObject({ status: 'applied' })
  })

  test('lists open applications oldest first, with their count', async () => {
    const { client } = await member({ kind: 'national_centre' })
    const first = await applied()
    const second = await applied()
    const decided = await applied()
    const coordinator = await member({ kind: 'national_centre' })
    await rejectApplication({ organisationId: decided.id, reason: 'duplicate', by: coordinator.viewer })

    const queue = body(await call(() => queueLoader(routeArgs(get('/vetting', client)))))
    const expected = await listApplications({ locale: 'en' })
    expect(queue.total).toBe(expected.total)
    const ids = queue.items.map((item) => item.id)
    expect(ids).not.toContain(decided.id)
    expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0)
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id))
    const appliedAt = queue.items.map((item) => item.appliedAt)
    expect(appliedAt).toEqual([...appliedAt].sort())
    expect(queue.items.find((item) => item.id === first.id)).toMatchObject({
      legalName: first.input.legalName,
      countryName: 'Lithuania',
      applicant: { email: first.input.applicantEmail },
    })
  })

  test('an organisation that never applied has no vetting page', async () => {
    const { client } = await member({ kind: 'national_centre' })
    const seeded = await createTestOrganisation({ status: 'active' })
    for (const id of [seeded.id, '0123456789abcdef01234567', 'nonsense']) {
      expect(outcome(await call(() => detailLoader(routeArgs(get(`/vetting/${id}`, client), { organisationId: id })))).status).toBe(404)
    }
  })
})

describe('deciding an application', () => {
  test('approval starts probation and invites the applicant as the organisation’s administrator', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const { id, input } = await applied({}, 'ru')
    const before = Date.now()
    const result = await decide(coordinator.client, id, { intent: 'approve', reason: 'Known acquirer, references checked.' })
    expect(result).toMatchObject({ status: 302, location: '/vetting' })

    const stored = await organisation(id)
    expect(stored).toMatchObject({
      status: 'probation',
      vetting: { decision: 'approved', reason: 'Known acquirer, references checked.' },
    })
    expect(String(stored?.vetting?.decidedBy)).toBe(coordinator.user.id)
    const ends = (stored?.probationEndsAt as Date).getTime()
    expect(ends).toBeGreaterThanOrEqual(before + 30 * DAY_MS)
    expect(ends).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS)

    const invitation = await collection('tokens').findOne({ purpose: 'invitation', email: input.applicantEmail })
    expect(invitation).toMatchObject({ roles: ['admin'], name: input.applicantName })
    expect(String(invitation?.organisationId)).toBe(id)
    const mail = await outbox(input.applicantEmail)
    expect(mail.map((message) => message.kind).sort()).toEqual(['applicationReceived', 'invitation'])
    // The invitation speaks the language the applicant applied in.
    expect(mail.find((message) => message.kind === 'invitation')?.text).toContain('Здравствуйте')

    const audit = await auditEvents('partner.approved', id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorUserId: coordinator.user.id, details: { reason: 'Known acquirer, references checked.' } })
  })

  test('a centre’s applicant is invited as its coordinator', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const { id, input } = await applied({ kind: 'national_centre' })
    const result = await approveApplication({ organisationId: id, reason: 'Designated by the ministry', by: coordinator.viewer })
    expect(result).toMatchObject({ ok: true, decision: 'approved', invited: true })
    expect(await collection('tokens').findOne({ email: input.applicantEmail })).toMatchObject({ roles: ['coordinator'] })
  })

  test('rejection closes the application and tells the applicant why', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const { id, input } = await applied()
    const result = await decide(coordinator.client, id, { intent: 'reject', reason: 'No licence as a payment institution.' })
    expect(result).toMatchObject({ status: 302, location: '/vetting' })
    expect(await organisation(id)).toMatchObject({ status: 'rejected', vetting: { decision: 'rejected', reason: 'No licence as a payment institution.' } })
    const rejection = (await outbox(input.applicantEmail)).find((message) => message.kind === 'applicationRejected')
    expect(rejection?.text).toContain('No licence as a payment institution.')
    expect(await collection('tokens').findOne({ email: input.applicantEmail })).toBeNull()
    expect(await auditEvents('partner.rejected', id)).toHaveLength(1)

    // The decision stays readable on the application's page.
    const page = body(await call(() => detailLoader(routeArgs(get(`/vetting/${id}`, coordinator.client), { organisationId: id }))))
    expect(page.application.vetting).toMatchObject({ decision: 'rejected', reason: 'No licence as a payment institution.' })
  })

  test('a decision needs a reason', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const { id } = await applied()
    const result = await decide(coordinator.client, id, { intent: 'reject', reason: '   ' })
    expect(result).toMatchObject({ status: 400, body: { intent: 'reject', errors: { reason: ['required'] } } })
    expect(await organisation(id)).toMatchObject({ status: 'applied' })
  })

  test('an application decided once cannot be decided again', async () => {
    const first = await member({ kind: 'national_centre' })
    const second = await member({ kind: 'national_centre' })
    const { id, input } = await applied()
    expect((await decide(first.client, id, { intent: 'approve', reason: 'ok' })).status).toBe(302)
    const again = await decide(second.client, id, { intent: 'reject', reason: 'too late' })
    expect(again).toMatchObject({ status: 409, body: { formError: 'alreadyDecided' } })
    expect(await organisation(id)).toMatchObject({ status: 'probation', vetting: { decision: 'approved' } })
    expect((await outbox(input.applicantEmail)).some((message) => message.kind === 'applicationRejected')).toBe(false)
  })

  test('two coordinators deciding at the same moment: exactly one decision wins', async () => {
    const first = await member({ kind: 'national_centre' })
    const second = await member({ kind: 'national_centre' })
    // Several rounds: a race that is only sometimes lost must still fail this test.
    for (let round = 0; round < 5; round++) {
      const { id, input } = await applied()
      const results = await Promise.all([
        approveApplication({ organisationId: id, reason: 'approve', by: first.viewer }),
        rejectApplication({ organisationId: id, reason: 'reject', by: second.viewer }),
        approveApplication({ organisationId: id, reason: 'approve too', by: second.viewer }),
      ])
      expect(results.filter((result) => result.ok)).toHaveLength(1)
      expect(results.filter((result) => !result.ok)).toEqual([
        { ok: false, reason: 'alreadyDecided' },
        { ok: false, reason: 'alreadyDecided' },
      ])
      const decisions = [...(await auditEvents('partner.approved', id)), ...(await auditEvents('partner.rejected', id))]
      expect(decisions).toHaveLength(1)
      const stored = await organisation(id)
      expect(stored?.vetting?.reason).toBe(decisions[0]?.details?.reason)
      const invitations = await collection('tokens').countDocuments({ email: input.applicantEmail })
      expect(invitations).toBe(stored?.status === 'probation' ? 1 : 0)
    }
  })

  test('an applicant whose address already has an account cannot be approved (nothing is half done)', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const other = await createTestOrganisation({ kind: 'isp' })
    const taken = await createTestUser({ organisationId: other.id, roles: ['member'] })
    const { id } = await applied({ applicantEmail: taken.email })
    const page = body(await call(() => detailLoader(routeArgs(get(`/vetting/${id}`, coordinator.client), { organisationId: id }))))
    expect(page.applicantHasAccount).toBe(true)
    const result = await decide(coordinator.client, id, { intent: 'approve', reason: 'ok' })
    expect(result).toMatchObject({ status: 409, body: { formError: 'applicantHasAccount' } })
    expect(await organisation(id)).toMatchObject({ status: 'applied' })
  })

  test('a decision without the anti-forgery field answers 403', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const { id } = await applied()
    expect((await decide(coordinator.client, id, { intent: 'approve', reason: 'ok' }, { csrf: false })).status).toBe(403)
    expect(await organisation(id)).toMatchObject({ status: 'applied' })
  })
})

describe('probation', () => {
  test('ends when its time is up: the organisation becomes active, once, and it is audited', async () => {
    const coordinator = await member({ kind: 'national_centre' })
    const { id } = await applied()
    const approval = await approveApplication({ organisationId: id, reason: 'ok', by: coordinator.viewer })
    if (!approval.ok || approval.decision !== 'approved') throw new Error('approval failed')

    expect(await promoteFinishedProbations(new Date(approval.probationEndsAt.getTime() - 60_000))).toBe(0)
    expect(await organisation(id)).toMatchObject({ status: 'probation' })

    const later = new Date(approval.probationEndsAt.getTime() + DAY_MS)
    expect(await promoteFinishedProbations(later)).toBeGreaterThanOrEqual(1)
    expect(await organisation(id)).toMatchObject({ status: 'active' })
    expect(await promoteFinishedProbations(later)).toBe(0)
    expect(await auditEvents('partner.probation_completed', id)).toHaveLength(1)
  })

  test('a suspended organisation is not promoted when its probation date passes', async () => {
    const organisationOnHold = await createTestOrganisation({ status: 'suspended', probationEndsAt: new Date(Date.now() - DAY_MS) })
    await promoteFinishedProbations()
    expect(await organisation(organisationOnHold.id)).toMatchObject({ status: 'suspended' })
  })
})
