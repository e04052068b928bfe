import crypto from 'node:crypto'
import mongoose from 'mongoose'
import { beforeEach, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { saveRetentionPolicy } from '~/dpo/retention-policy.server'
import { addMonths, rejustifySubmission, retentionDates, RetentionError } from '~/indicators/retention.server'
import type { Viewer } from '~/policy/permissions'
import { action, loader } from '~/routes/retention.$submissionId'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient } from '../support/requests'

const DAY = 24 * 60 * 60 * 1000

function db() {
  const database = mongoose.connection.db
  if (!database) throw new Error('no database')
  return database
}
const settings = () => db().collection<{ _id: string; [field: string]: unknown }>('settings')
const indicators = () => db().collection<{ _id: string; [field: string]: unknown }>('indicators')
const submissions = () => db().collection<{ _id: string; [field: string]: unknown }>('indicatorsubmissions')
const auditEvents = () => db().collection('auditevents')

async function viewerOf(user: TestUser): Promise<Viewer> {
  const viewer = await getViewer(get('/', await signedInClient(user)))
  if (!viewer) throw new Error('not signed in')
  return viewer
}

const utc = (text: string) => new Date(`${text}Z`)

/** Status and body of what an action answered, whether a Response or `data(value, init)`. */
async function reply(result: unknown): Promise<{ status: number; body: unknown }> {
  if (result instanceof Response) return { status: result.status, body: result.headers.get('content-type')?.includes('json') ? await result.json() : null }
  if (typeof result === 'object' && result !== null && 'init' in result && 'data' in result) {
    const init: unknown = result.init
    const status = typeof init === 'object' && init !== null && 'status' in init && typeof init.status === 'number' ? init.status : 200
    return { status, body: result.data }
  }
  return { status: 200, body: result }
}

type Seed = { type: string; value: string; personal?: boolean; reviewBy: Date; deleteBy: Date; status?: string; tlp?: string; submittedBy?: string }

async function submit(organisationId: string, seed: Seed) {
  const normalised = seed.value.toLowerCase()
  const indicatorId = crypto.createHash('sha256').update(`${seed.type}\u0000${normalised}`).digest('hex')
  const now = new Date()
  await indicators().updateOne(
    { _id: indicatorId },
    { $setOnInsert: { type: seed.type, normalised, untraceable: false, firstSeenAt: now, lastSeenAt: now, createdAt: now, updatedAt: now } },
    { upsert: true },
  )
  const id = `${indicatorId}:${organisationId}`
  await submissions().insertOne({
    _id: id,
    indicatorId,
    organisationId: new mongoose.Types.ObjectId(organisationId),
    ...(seed.submittedBy ? { submittedBy: new mongoose.Types.ObjectId(seed.submittedBy) } : {}),
    value: seed.value,
    tlp: seed.tlp ?? 'AMBER',
    personal: seed.personal ?? false,
    reliability: 'B',
    credibility: '2',
    context: '',
    status: seed.status ?? 'active',
    firstSeenAt: now,
    lastSeenAt: now,
    reviewBy: seed.reviewBy,
    deleteBy: seed.deleteBy,
    createdAt: now,
    updatedAt: now,
  })
  return id
}

async function dpoViewer() {
  const centre = await createTestOrganisation({ kind: 'national_centre' })
  return viewerOf(await createTestUser({ organisationId: centre.id, roles: ['dpo'] }))
}

beforeEach(async () => {
  await settings().deleteMany({})
})

describe('retentionDates', () => {
  test('defaults: personal data reviewed at 6 months and deleted at 12; business identifiers at 12 and 36', async () => {
    const from = utc('2030-03-15T10:00:00')
    expect(await retentionDates({ personal: true, from })).toEqual({ reviewBy: utc('2030-09-15T10:00:00'), deleteBy: utc('2031-03-15T10:00:00') })
    expect(await retentionDates({ personal: false, from })).toEqual({ reviewBy: utc('2031-03-15T10:00:00'), deleteBy: utc('2033-03-15T10:00:00') })
  })

  test('follow the DPO’s configuration once saved, and audit the change', async () => {
    const dpo = await dpoViewer()
    await saveRetentionPolicy(dpo, { personalReviewMonths: 3, personalDeleteMonths: 9, businessReviewMonths: 24, businessDeleteMonths: 60 })
    const from = utc('2030-01-10T00:00:00')
    expect(await retentionDates({ personal: true, from })).toEqual({ reviewBy: utc('2030-04-10T00:00:00'), deleteBy: utc('2030-10-10T00:00:00') })
    expect(await retentionDates({ personal: false, from })).toEqual({ reviewBy: utc('2032-01-10T00:00:00'), deleteBy: utc('2035-01-10T00:00:00') })
    const event = await auditEvents().findOne({ action: 'retention.configured' }, { sort: { seq: -1 } })
    expect(event).toMatchObject({
      actorUserId: dpo.userId,
      details: {
        before: { personalReviewMonths: 6, personalDeleteMonths: 12, businessReviewMonths: 12, businessDeleteMonths: 36 },
        after: { personalReviewMonths: 3, personalDeleteMonths: 9, businessReviewMonths: 24, businessDeleteMonths: 60 },
      },
    })
  })

  test('a stored setting that breaks the rules is not trusted: the defaults apply', async () => {
    await settings().insertOne({ _id: 'retention', value: { personalReviewMonths: 12, personalDeleteMonths: 1, businessReviewMonths: 12, businessDeleteMonths: 36 }, updatedAt: new Date() })
    const from = utc('2030-03-15T10:00:00')
    expect((await retentionDates({ personal: true, from })).deleteBy).toEqual(utc('2031-03-15T10:00:00'))
  })

  test('months end on the last day of a shorter month', () => {
    expect(addMonths(utc('2031-01-31T12:00:00'), 1)).toEqual(utc('2031-02-28T12:00:00'))
    expect(addMonths(utc('2032-08-31T00:00:00'), 6)).toEqual(utc('2033-02-28T00:00:00'))
    expect(addMonths(utc('2031-11-30T00:00:00'), 3)).toEqual(utc('2032-02-29T00:00:00'))
  })
})

describe('re-justification', () => {
  async function world() {
    const bank = await createTestOrganisation({ kind: 'bank' })
    const exchange = await createTestOrganisation({ kind: 'crypto_exchange' })
    const member = await createTestUser({ organisationId: bank.id, roles: ['member'] })
    const outsider = await createTestUser({ organisationId: exchange.id, roles: ['admin'] })
    const now = new Date()
    const value = `Payer.${crypto.randomBytes(4).toString('hex')}@example.org`
    const submissionId = await submit(bank.id, {
      type: 'email',
      value,
      personal: true,
      reviewBy: new Date(now.getTime() - DAY),
      deleteBy: new Date(now.getTime() + 150 * DAY),
    })
    return { bank, exchange, member, outsider, value, submissionId }
  }

  test('restarts the clock from now and audits the justification, never the value', async () => {
    const w = await world()
    const now = new Date()
    const result = await rejustifySubmission(await viewerOf(w.member), w.submissionId, { purpose: 'investigation', justification: 'Linked to an open case on a payment network.' }, { now })
    expect(result).toEqual({ ok: true, reviewBy: addMonths(now, 6), deleteBy: addMonths(now, 12) })
    const stored = await submissions().findOne({ _id: w.submissionId })
    expect(stored?.reviewBy).toEqual(addMonths(now, 6))
    expect(stored?.deleteBy).toEqual(addMonths(now, 12))

    const event = await auditEvents().findOne({ action: 'indicator.rejustified', targetId: w.submissionId })
    expect(event).toMatchObject({
      actorUserId: w.member.id,
      actorOrganisationId: w.bank.id,
      targetKind: 'indicatorSubmission',
      details: { purpose: 'investigation', justification: 'Linked to an open case on a payment network.', personal: true },
    })
    expect(JSON.stringify(event)).not.toContain(w.value)
    expect(JSON.stringify(event)).not.toContain(w.value.toLowerCase())
  })

  test('never brings the deletion date forward', async () => {
    const w = await world()
    const dpo = await dpoViewer()
    await saveRetentionPolicy(dpo, { personalReviewMonths: 1, personalDeleteMonths: 2, businessReviewMonths: 12, businessDeleteMonths: 36 })
    const before = await submissions().findOne({ _id: w.submissionId })
    const now = new Date()
    const result = await rejustifySubmission(await viewerOf(w.member), w.submissionId, { purpose: 'disruption', justification: 'Merchant still active on the network.' }, { now })
    expect(result).toMatchObject({ ok: true, reviewBy: addMonths(now, 1), deleteBy: before?.deleteBy })
  })

  test('another organisation cannot see or extend it (404); bad input is refused with the fields kept', async () => {
    const w = await world()
    await expect(rejustifySubmission(await viewerOf(w.outsider), w.submissionId, { purpose: 'investigation', justification: 'Trying to keep it alive.' })).rejects.toEqual(
      new RetentionError('notFound'),
    )
    const outsiderClient = await signedInClient(w.outsider)
    const page = await call(() => loader(routeArgs(get(`/retention/${encodeURIComponent(w.submissionId)}`, outsiderClient), { submissionId: w.submissionId })))
    expect(page).toBeInstanceOf(Response)
    expect((page as Response).status).toBe(404)
    const posted = await call(() =>
      action(routeArgs(post(`/retention/x`, outsiderClient, { purpose: 'investigation', justification: 'Trying to keep it alive.' }), { submissionId: w.submissionId })),
    )
    expect((posted as Response).status).toBe(404)

    const client = await signedInClient(w.member)
    const bad = await call(() => action(routeArgs(post('/retention/x', client, { purpose: 'curiosity', justification: 'short' }), { submissionId: w.submissionId })))
    expect(await reply(bad)).toEqual({
      status: 400,
      body: { errors: { purpose: ['required'], justification: ['tooShort'] }, values: { purpose: 'curiosity', justification: 'short' } },
    })
    expect(await auditEvents().countDocuments({ action: 'indicator.rejustified', targetId: w.submissionId })).toBe(0)
  })

  test('the page shows the clock but not the value, and its form extends the clock', async () => {
    const w = await world()
    const client = await signedInClient(w.member)
    const page = await loader(routeArgs(get(`/retention/${encodeURIComponent(w.submissionId)}`, client), { submissionId: w.submissionId }))
    expect(page.retention).toMatchObject({ id: w.submissionId, type: 'email', personal: true, status: 'active', reviewDue: true, justifications: [] })
    expect(JSON.stringify(page)).not.toContain(w.value)
    expect(JSON.stringify(page)).not.toContain(w.value.toLowerCase())

    const response = await call(() =>
      action(routeArgs(post('/retention/x', client, { purpose: 'verification', justification: 'Awaiting the acquirer’s answer.' }), { submissionId: w.submissionId })),
    )
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).status).toBe(302)
    expect((response as Response).headers.get('location')).toBe(`/retention/${encodeURIComponent(w.submissionId)}`)
    const after = await loader(routeArgs(get('/retention/x', client), { submissionId: w.submissionId }))
    expect(after.retention.reviewDue).toBe(false)
    expect(new Date(after.retention.reviewBy).getTime()).toBeGreaterThan(Date.now() + 150 * DAY)
    expect(after.retention.justifications).toEqual([
      expect.objectContaining({ by: w.member.email, purpose: 'verification', justification: 'Awaiting the acquirer’s answer.' }),
    ])
  })

  test('a retracted submission cannot be extended', async () => {
    const w = await world()
    await submissions().updateOne({ _id: w.submissionId }, { $set: { status: 'retracted' } })
    const client = await signedInClient(w.member)
    const response = await call(() =>
      action(routeArgs(post('/retention/x', client, { purpose: 'investigation', justification: 'Still needed for the case.' }), { submissionId: w.submissionId })),
    )
    expect(await reply(response)).toMatchObject({ status: 400, body: { errors: { form: ['dpo:rejustify.notActive'] } } })
  })

  test('a TLP:RED submission is only for the people named on it, even inside its organisation', async () => {
    const w = await world()
    const colleague = await createTestUser({ organisationId: w.bank.id, roles: ['admin'] })
    const now = new Date()
    const red = await submit(w.bank.id, {
      type: 'phone',
      value: '+447700900123',
      personal: true,
      tlp: 'RED',
      submittedBy: w.member.id,
      reviewBy: new Date(now.getTime() - DAY),
      deleteBy: new Date(now.getTime() + 100 * DAY),
    })
    const colleagueClient = await signedInClient(colleague)
    const hidden = await call(() => loader(routeArgs(get('/retention/x', colleagueClient), { submissionId: red })))
    expect((hidden as Response).status).toBe(404)
    const shown = await loader(routeArgs(get('/retention/x', await signedInClient(w.member)), { submissionId: red }))
    expect(shown.retention.tlp).toBe('RED')
  })
})
