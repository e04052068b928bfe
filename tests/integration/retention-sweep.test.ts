import crypto from 'node:crypto'
import mongoose from 'mongoose'
import { beforeEach, describe, expect, test } from 'vitest'
import { verifyAuditChain } from '~/audit/audit.server'
import { sweepExpiredIndicators } from '~/dpo/sweep.server'
import { retentionLeaseKey, runDailyRetention } from '~/jobs/retention.server'
import { sessionSecret } from '~/utils/env.server'
import { createTestOrganisation } from '../factories/organisations'

const DAY = 24 * 60 * 60 * 1000

function db() {
  const database = mongoose.connection.db
  if (!database) throw new Error('no database')
  return database
}
const indicators = () => db().collection<{ _id: string; [field: string]: unknown }>('indicators')
const submissions = () => db().collection<{ _id: string; [field: string]: unknown }>('indicatorsubmissions')
const sightings = () => db().collection('sightings')
const auditEvents = () => db().collection('auditevents')

const unique = () => crypto.randomBytes(5).toString('hex')
const indicatorIdOf = (type: string, normalised: string) => crypto.createHash('sha256').update(`${type}\u0000${normalised}`).digest('hex')

/** The documented scheme, recomputed here from the server secret rather than through the module under test. */
function expectedDigest(type: string, normalised: string) {
  const key = Buffer.from(crypto.hkdfSync('sha256', sessionSecret(), 'pcp-retention-sweep', 'hmac-sha256/hkdf(session-secret)/v1', 32))
  return crypto.createHmac('sha256', key).update(`${type}\u0000${normalised}`).digest('hex')
}

type Seed = { type: string; value: string; normalised?: string; personal?: boolean; deleteBy: Date; reviewBy?: Date; status?: string }

/** An indicator (created if new) and one organisation's submission of it, as the submit module stores them. */
async function submit(organisationId: string, seed: Seed) {
  const normalised = seed.normalised ?? seed.value.toLowerCase()
  const indicatorId = indicatorIdOf(seed.type, normalised)
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
    tlp: 'AMBER',
    personal: seed.personal ?? false,
    reliability: 'B',
    credibility: '2',
    context: `context of ${seed.value}`,
    status: seed.status ?? 'active',
    firstSeenAt: now,
    lastSeenAt: now,
    reviewBy: seed.reviewBy ?? new Date(seed.deleteBy.getTime() - 180 * DAY),
    deleteBy: seed.deleteBy,
    createdAt: now,
    updatedAt: now,
  })
  return { id, indicatorId, normalised }
}

async function sight(organisationId: string, indicatorId: string, note: string) {
  const now = new Date()
  await sightings().insertOne({
    indicatorId,
    organisationId: new mongoose.Types.ObjectId(organisationId),
    kind: 'seen',
    at: now,
    count: 1,
    tlp: 'AMBER',
    note,
    createdAt: now,
  })
}

async function sweptEvents() {
  return auditEvents().find({ action: 'retention.swept' }).sort({ seq: 1 }).toArray()
}

beforeEach(async () => {
  // The sweep spans every organisation: each test starts from no indicator data so its counts are its own.
  await Promise.all([indicators().deleteMany({}), submissions().deleteMany({}), sightings().deleteMany({})])
})

describe('the retention sweep', () => {
  test('with the clock moved forward, deletes exactly the expired submissions, orphaned indicators and their sightings', async () => {
    const bank = await createTestOrganisation({ kind: 'bank' })
    const exchange = await createTestOrganisation({ kind: 'crypto_exchange' })
    const now = new Date()
    const later = new Date(now.getTime() + 400 * DAY)
    const u = unique()

    // A person's e-mail, one submission, expires within the moved clock: everything about it goes.
    const email = await submit(bank.id, { type: 'email', value: `Mule.Person.${u}@Example.org`, personal: true, deleteBy: new Date(now.getTime() + 365 * DAY) })
    await sight(bank.id, email.indicatorId, `seen at checkout ${u}`)
    await sight(exchange.id, email.indicatorId, `matched ${u}`)
    // A domain that two organisations submitted: the bank's expires, the exchange's does not.
    const sharedDomain = `shop-${u}.example`
    const bankDomain = await submit(bank.id, { type: 'domain', value: sharedDomain, deleteBy: new Date(now.getTime() + 300 * DAY) })
    const exchangeDomain = await submit(exchange.id, { type: 'domain', value: sharedDomain, deleteBy: new Date(now.getTime() + 1000 * DAY) })
    await sight(exchange.id, bankDomain.indicatorId, `domain seen ${u}`)
    // Expires exactly at the sweep's time: due.
    const handle = await submit(exchange.id, { type: 'payment_handle', value: `$handle${u}`, personal: true, deleteBy: later })
    // A business identifier still within its clock.
    const merchant = await submit(bank.id, { type: 'merchant_descriptor', value: `ACME*DIGITAL ${u}`, deleteBy: new Date(now.getTime() + 500 * DAY) })
    await sight(bank.id, merchant.indicatorId, `descriptor ${u}`)

    const eventsBefore = (await sweptEvents()).length
    const result = await sweepExpiredIndicators(later)

    expect(result).toEqual({ submissions: 3, personal: 2, indicators: 2, sightings: 2, more: false })
    expect((await submissions().find({}).project({ _id: 1 }).toArray()).map((row) => row._id).sort()).toEqual([exchangeDomain.id, merchant.id].sort())
    expect((await indicators().find({}).project({ _id: 1 }).toArray()).map((row) => row._id).sort()).toEqual(
      [bankDomain.indicatorId, merchant.indicatorId].sort(),
    )
    expect((await sightings().find({}).toArray()).map((row) => row.note).sort()).toEqual([`descriptor ${u}`, `domain seen ${u}`])

    // One audit event, with the counts and a keyed digest of each deleted value.
    const events = await sweptEvents()
    expect(events).toHaveLength(eventsBefore + 1)
    const event = events[events.length - 1]
    expect(event?.details).toMatchObject({ submissions: 3, personal: 2, indicators: 2, sightings: 2, more: false })
    expect(event?.details.valueDigests).toEqual(
      [expectedDigest('email', email.normalised), expectedDigest('domain', bankDomain.normalised), expectedDigest('payment_handle', handle.normalised)].sort(),
    )

    // Nowhere in the whole audit log: not the values, not their normal forms, not the (unkeyed) indicator ids.
    const wholeLog = JSON.stringify(await auditEvents().find({}).toArray())
    for (const raw of [`Mule.Person.${u}@Example.org`, email.normalised, sharedDomain, `$handle${u}`, handle.normalised, `seen at checkout ${u}`]) {
      expect(wholeLog).not.toContain(raw)
    }
    const sweepEvent = JSON.stringify(event)
    for (const id of [email.indicatorId, handle.indicatorId, bankDomain.id]) expect(sweepEvent).not.toContain(id)
    expect(await verifyAuditChain()).toMatchObject({ ok: true })
  })

  test('a second sweep finds nothing and still leaves a record that it ran', async () => {
    const bank = await createTestOrganisation({ kind: 'bank' })
    const now = new Date()
    await submit(bank.id, { type: 'domain', value: `gone-${unique()}.example`, deleteBy: new Date(now.getTime() - DAY) })
    expect((await sweepExpiredIndicators(now)).submissions).toBe(1)
    const again = await sweepExpiredIndicators(now)
    expect(again).toEqual({ submissions: 0, personal: 0, indicators: 0, sightings: 0, more: false })
    const last = (await sweptEvents()).at(-1)
    expect(last?.details).toMatchObject({ submissions: 0, valueDigests: [] })
  })

  test('sweeps in bounded runs and says when more remain', async () => {
    const bank = await createTestOrganisation({ kind: 'bank' })
    const past = new Date(Date.now() - DAY)
    for (let index = 0; index < 5; index++) await submit(bank.id, { type: 'domain', value: `bulk-${index}-${unique()}.example`, deleteBy: past })
    const first = await sweepExpiredIndicators(new Date(), { limit: 3 })
    expect(first).toMatchObject({ submissions: 3, indicators: 3, more: true })
    const second = await sweepExpiredIndicators(new Date(), { limit: 3 })
    expect(second).toMatchObject({ submissions: 2, indicators: 2, more: false })
    expect(await submissions().countDocuments({})).toBe(0)
  })

  test('the daily run: one runner per day across servers', async () => {
    const bank = await createTestOrganisation({ kind: 'bank' })
    await submit(bank.id, { type: 'domain', value: `daily-${unique()}.example`, deleteBy: new Date(Date.now() - DAY) })
    const day = new Date(Date.UTC(2031, 0, 15, 3))
    const results = await Promise.all([runDailyRetention(day), runDailyRetention(day)])
    expect(results.map((result) => result.leased).sort()).toEqual([false, true])
    const ran = results.find((result) => result.leased)
    expect(ran && ran.leased ? ran.sweeps.map((sweep) => sweep.submissions) : null).toEqual([1])
    expect(await db().collection<{ _id: string; [field: string]: unknown }>('claims').countDocuments({ _id: retentionLeaseKey(day) })).toBe(1)
    // Later the same day: nothing; the next day: a new run.
    expect((await runDailyRetention(new Date(day.getTime() + 5 * 60 * 60 * 1000))).leased).toBe(false)
    expect((await runDailyRetention(new Date(day.getTime() + DAY))).leased).toBe(true)
  })
})
