import crypto from 'node:crypto'
import mongoose from 'mongoose'
import { beforeAll, describe, expect, test } from 'vitest'
import { recordAudit } from '~/audit/audit.server'
import { DPO_PAGE_SIZE } from '~/dpo/shared'
import { designateOperator } from '~/platform/operator.server'
import { loader as accessesLoader } from '~/routes/dpo.accesses'
import { loader as overviewLoader } from '~/routes/dpo._index'
import { action as retentionAction, loader as retentionLoader } from '~/routes/dpo.retention'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { anonymousClient, call, get, post, routeArgs, signedInClient, type Client } from '../support/requests'

const DAY = 24 * 60 * 60 * 1000

function db() {
  const database = mongoose.connection.db
  if (!database) throw new Error('no database')
  return database
}
const indicators = () => db().collection<{ _id: string; [field: string]: unknown }>('indicators')
const submissions = () => db().collection<{ _id: string; [field: string]: unknown }>('indicatorsubmissions')
const auditEvents = () => db().collection('auditevents')

type Who = 'anonymous' | 'staff' | 'coordinator' | 'dpo' | 'member' | 'admin' | 'platform_admin'
const clients = {} as Record<Who, Client>
const world = {} as { centreId: string; bankId: string; bankName: string; exchangeId: string; exchangeName: string; dpoEmail: string }
const values = { email: '', domain: '', merchant: '' }
const submissionIds = { email: '', domain: '', merchant: '', far: '' }

async function submit(organisationId: string, seed: { type: string; value: string; personal?: boolean; tlp?: string; reviewBy: Date; deleteBy: Date }) {
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
    value: seed.value,
    tlp: seed.tlp ?? 'AMBER',
    personal: seed.personal ?? false,
    reliability: 'B',
    credibility: '2',
    context: `about ${seed.value}`,
    status: 'active',
    firstSeenAt: now,
    lastSeenAt: now,
    reviewBy: seed.reviewBy,
    deleteBy: seed.deleteBy,
    createdAt: now,
    updatedAt: now,
  })
  return id
}

/** Status and body of what a loader or action answered, whether a Response, `data(value, init)` or a plain object. */
async function reply(run: () => Promise<unknown>): Promise<{ status: number; location?: string | null; body: unknown }> {
  const result = await call(run)
  if (result instanceof Response) return { status: result.status, location: result.headers.get('location'), body: null }
  if (typeof result === 'object' && result !== null && 'init' in result && 'data' in result) {
    const init: unknown = result.init
    const status = typeof init === 'object' && init !== null && 'status' in init && typeof init.status === 'number' ? init.status : 200
    return { status, body: result.data }
  }
  return { status: 200, body: result }
}

beforeAll(async () => {
  const centre = await createTestOrganisation({ kind: 'national_centre' })
  const bank = await createTestOrganisation({ kind: 'bank' })
  const exchange = await createTestOrganisation({ kind: 'crypto_exchange' })
  const operator = await createTestOrganisation({ kind: 'other' })
  await designateOperator(operator.id)
  Object.assign(world, { centreId: centre.id, bankId: bank.id, bankName: bank.legalName, exchangeId: exchange.id, exchangeName: exchange.legalName })
  const people = {
    staff: await createTestUser({ organisationId: centre.id, roles: ['staff'] }),
    coordinator: await createTestUser({ organisationId: centre.id, roles: ['coordinator'] }),
    dpo: await createTestUser({ organisationId: centre.id, roles: ['dpo'] }),
    member: await createTestUser({ organisationId: bank.id, roles: ['member'] }),
    admin: await createTestUser({ organisationId: bank.id, roles: ['admin'] }),
    platform_admin: await createTestUser({ organisationId: operator.id, roles: ['platform_admin'] }),
  }
  world.dpoEmail = people.dpo.email
  clients.anonymous = await anonymousClient()
  for (const [who, person] of Object.entries(people)) clients[who as Exclude<Who, 'anonymous'>] = await signedInClient(person)

  const now = Date.now()
  const u = crypto.randomBytes(4).toString('hex')
  values.email = `Card.Holder.${u}@example.org`
  values.domain = `pay-${u}.example`
  values.merchant = `ACME*DIGITAL ${u}`
  submissionIds.email = await submit(bank.id, { type: 'email', value: values.email, personal: true, tlp: 'RED', reviewBy: new Date(now - DAY), deleteBy: new Date(now + 20 * DAY) })
  submissionIds.domain = await submit(exchange.id, { type: 'domain', value: values.domain, reviewBy: new Date(now + 10 * DAY), deleteBy: new Date(now + 700 * DAY) })
  submissionIds.merchant = await submit(bank.id, { type: 'merchant_descriptor', value: values.merchant, reviewBy: new Date(now - 400 * DAY), deleteBy: new Date(now - DAY) })
  submissionIds.far = await submit(exchange.id, { type: 'domain', value: `far-${u}.example`, reviewBy: new Date(now + 200 * DAY), deleteBy: new Date(now + 900 * DAY) })
})

describe('who may open the DPO pages', () => {
  const pages = {
    overview: () => (client: Client) => overviewLoader(routeArgs(get('/dpo', client))),
    retention: () => (client: Client) => retentionLoader(routeArgs(get('/dpo/retention', client))),
    configure: () => (client: Client) =>
      retentionAction(routeArgs(post('/dpo/retention', client, { personalReviewMonths: '6', personalDeleteMonths: '12', businessReviewMonths: '12', businessDeleteMonths: '36' }))),
    accesses: () => (client: Client) => accessesLoader(routeArgs(get('/dpo/accesses', client))),
  }
  test.each(Object.keys(pages) as (keyof typeof pages)[])('%s: the DPO only; everyone else 403, anonymous to sign-in', async (page) => {
    const run = pages[page]()
    for (const who of ['staff', 'coordinator', 'member', 'admin', 'platform_admin'] as const) {
      expect({ who, status: (await reply(() => run(clients[who]))).status }).toEqual({ who, status: 403 })
    }
    const anonymous = await reply(() => run(clients.anonymous))
    expect(anonymous.status).toBe(302)
    expect(anonymous.location).toMatch(/^\/login/)
    expect((await reply(() => run(clients.dpo))).status).toBeLessThan(400)
  })
})

describe('reviews and deletions coming up', () => {
  test('lists type, source, label and personal flag within 30 days, never a value', async () => {
    const data = await overviewLoader(routeArgs(get('/dpo', clients.dpo)))
    expect(data.reviews.total).toBe(2)
    expect(data.reviews.personal).toBe(1)
    expect(data.reviews.rows).toEqual([
      expect.objectContaining({ id: submissionIds.email, indicatorType: 'email', organisation: { id: world.bankId, name: world.bankName }, tlp: 'RED', personal: true, late: true }),
      expect.objectContaining({ id: submissionIds.domain, indicatorType: 'domain', organisation: { id: world.exchangeId, name: world.exchangeName }, tlp: 'AMBER', personal: false, late: false }),
    ])
    expect(data.deletions.total).toBe(2)
    expect(data.deletions.rows.map((row) => [row.id, row.late])).toEqual([
      [submissionIds.merchant, true],
      [submissionIds.email, false],
    ])
    const json = JSON.stringify(data)
    for (const value of Object.values(values)) {
      expect(json).not.toContain(value)
      expect(json).not.toContain(value.toLowerCase())
    }
    expect(json).not.toContain(submissionIds.far)
  })
})

describe('retention settings', () => {
  test('show the defaults, save valid durations with an audit event, refuse invalid ones keeping the input', async () => {
    // The permission test above saved once as the DPO: start again from no setting.
    await db().collection<{ _id: string; [field: string]: unknown }>('settings').deleteMany({})
    const configuredBefore = await auditEvents().countDocuments({ action: 'retention.configured' })
    const before = await retentionLoader(routeArgs(get('/dpo/retention', clients.dpo)))
    expect(before.policy).toMatchObject({ personalReviewMonths: 6, personalDeleteMonths: 12, businessReviewMonths: 12, businessDeleteMonths: 36, configured: false })
    expect(before.canConfigure).toBe(true)

    const invalid = { personalReviewMonths: '12', personalDeleteMonths: '6', businessReviewMonths: '0', businessDeleteMonths: '121' }
    const refused = await reply(() => retentionAction(routeArgs(post('/dpo/retention', clients.dpo, invalid))))
    expect(refused).toEqual({
      status: 400,
      body: {
        errors: { personalDeleteMonths: ['dpo:errors.reviewBeforeDelete'], businessReviewMonths: ['dpo:errors.monthsRange'], businessDeleteMonths: ['dpo:errors.monthsRange'] },
        values: invalid,
      },
    })
    expect(await auditEvents().countDocuments({ action: 'retention.configured' })).toBe(configuredBefore)

    const saved = await reply(() =>
      retentionAction(routeArgs(post('/dpo/retention', clients.dpo, { personalReviewMonths: '4', personalDeleteMonths: '10', businessReviewMonths: '18', businessDeleteMonths: '48' }))),
    )
    expect(saved).toMatchObject({ status: 302, location: '/dpo/retention' })
    const after = await retentionLoader(routeArgs(get('/dpo/retention', clients.dpo)))
    expect(after.policy).toMatchObject({ personalReviewMonths: 4, personalDeleteMonths: 10, businessReviewMonths: 18, businessDeleteMonths: 48, configured: true })
    expect(await auditEvents().countDocuments({ action: 'retention.configured' })).toBe(configuredBefore + 1)
    expect(await auditEvents().findOne({ action: 'retention.configured' }, { sort: { seq: -1 } })).toMatchObject({
      actorLabel: world.dpoEmail,
      targetKind: 'setting',
      targetId: 'retention',
      details: { after: { personalReviewMonths: 4, personalDeleteMonths: 10, businessReviewMonths: 18, businessDeleteMonths: 48 } },
    })

    const overview = await overviewLoader(routeArgs(get('/dpo', clients.dpo)))
    expect(overview.policy).toMatchObject({ personalReviewMonths: 4, businessDeleteMonths: 48 })
  })
})

describe('access justifications', () => {
  test('list who opened or exported what, why and when; filter by purpose, organisation, event and date; page through', async () => {
    const actor = (organisationId: string, label: string) => ({ userId: new mongoose.Types.ObjectId().toString(), organisationId, label })
    const indicatorId = submissionIds.email.split(':')[0] ?? ''
    await recordAudit({
      action: 'indicator.personal_accessed',
      actor: actor(world.bankId, 'analyst@bank.example'),
      target: { kind: 'indicator', id: indicatorId },
      details: { purpose: 'investigation', note: 'Case 2031-17' },
    })
    await recordAudit({
      action: 'initiative.exported',
      actor: actor(world.centreId, 'staff@centre.example'),
      target: { kind: 'initiative', id: new mongoose.Types.ObjectId().toString() },
      details: { kind: 'tasks', rows: 12, purpose: 'progress_review' },
    })
    await recordAudit({ action: 'audit.exported', actor: actor(world.centreId, 'dpo@centre.example'), details: { rows: 40, purpose: 'Quarterly review of exports' } })
    // Not an access: never listed.
    await recordAudit({ action: 'task.created', actor: actor(world.centreId, 'staff@centre.example'), details: { purpose: 'investigation' } })

    const all = await accessesLoader(routeArgs(get('/dpo/accesses', clients.dpo)))
    expect(all.total).toBe(3)
    expect(all.rows.map((row) => row.action)).toEqual(['audit.exported', 'initiative.exported', 'indicator.personal_accessed'])
    expect(all.rows[2]).toMatchObject({
      actor: { label: 'analyst@bank.example', organisationId: world.bankId, organisationName: world.bankName },
      purpose: 'investigation',
      note: 'Case 2031-17',
      target: { kind: 'indicator', id: indicatorId, indicatorType: 'email' },
    })
    expect(all.rows[1]).toMatchObject({ purpose: 'progress_review', rows: 12 })
    expect(all.rows[0]).toMatchObject({ purpose: 'Quarterly review of exports', rows: 40 })
    expect(all.organisations.map((organisation) => organisation.id).sort()).toEqual([world.bankId, world.centreId].sort())

    const byPurpose = await accessesLoader(routeArgs(get('/dpo/accesses?purpose=investigation', clients.dpo)))
    expect(byPurpose.rows.map((row) => row.action)).toEqual(['indicator.personal_accessed'])
    const byOrganisation = await accessesLoader(routeArgs(get(`/dpo/accesses?organisation=${world.centreId}`, clients.dpo)))
    expect(byOrganisation.rows.map((row) => row.action)).toEqual(['audit.exported', 'initiative.exported'])
    const byEvent = await accessesLoader(routeArgs(get('/dpo/accesses?action=initiative.exported', clients.dpo)))
    expect(byEvent.total).toBe(1)
    const today = new Date().toISOString().slice(0, 10)
    expect((await accessesLoader(routeArgs(get(`/dpo/accesses?from=${today}&to=${today}`, clients.dpo)))).total).toBe(3)
    expect((await accessesLoader(routeArgs(get('/dpo/accesses?to=2000-01-01', clients.dpo)))).total).toBe(0)
    const bad = await accessesLoader(routeArgs(get('/dpo/accesses?purpose=gossip&from=2031-02-31', clients.dpo)))
    expect(bad.errors).toEqual({ purpose: ['invalid'], from: ['invalid'] })
    expect(bad.total).toBe(3)

    for (let index = 0; index < DPO_PAGE_SIZE; index++) {
      await recordAudit({ action: 'indicator.exported', actor: actor(world.exchangeId, `export${index}@exchange.example`), details: { purpose: 'disruption', rows: index + 1 } })
    }
    const first = await accessesLoader(routeArgs(get('/dpo/accesses', clients.dpo)))
    expect(first.total).toBe(DPO_PAGE_SIZE + 3)
    expect(first.rows).toHaveLength(DPO_PAGE_SIZE)
    expect(first.newerBefore).toBeNull()
    expect(first.olderAfter).not.toBeNull()
    const second = await accessesLoader(routeArgs(get(`/dpo/accesses?after=${first.olderAfter}`, clients.dpo)))
    expect(second.rows.map((row) => row.action)).toEqual(['audit.exported', 'initiative.exported', 'indicator.personal_accessed'])
    expect(second.olderAfter).toBeNull()
    const back = await accessesLoader(routeArgs(get(`/dpo/accesses?before=${second.newerBefore}`, clients.dpo)))
    expect(back.rows.map((row) => row.id)).toEqual(first.rows.map((row) => row.id))
  })
})
