import crypto from 'node:crypto'
import mongoose from 'mongoose'
import { beforeEach, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { rejustifySubmission } from '~/indicators/retention.server'
import { runRetentionReviews } from '~/jobs/retention.server'
import type { Viewer } from '~/policy/permissions'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { get, signedInClient } from '../support/requests'

const DAY = 24 * 60 * 60 * 1000

function db() {
  const database = mongoose.connection.db
  if (!database) throw new Error('no database')
  return database
}
const indicators = () => db().collection<{ _id: string; [field: string]: unknown }>('indicators')
const submissions = () => db().collection<{ _id: string; [field: string]: unknown }>('indicatorsubmissions')
const notifications = () => db().collection('notifications')
const outbox = () => db().collection('outboxmessages')
const users = () => db().collection('users')

const unique = () => crypto.randomBytes(5).toString('hex')

async function viewerOf(user: TestUser): Promise<Viewer> {
  const viewer = await getViewer(get('/', await signedInClient(user)))
  if (!viewer) throw new Error('not signed in')
  return viewer
}

type Seed = { type: string; value: string; personal?: boolean; reviewBy: Date; deleteBy: Date; tlp?: string; submittedBy?: string; redRecipientIds?: string[]; status?: string }

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
    ...(seed.redRecipientIds ? { redRecipientIds: seed.redRecipientIds.map((user) => new mongoose.Types.ObjectId(user)) } : {}),
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

/** Who got the review notice of a submission, one entry per notification. */
async function notified(submissionId: string) {
  const rows = await notifications().find({ event: 'review_due', dedupeKey: { $regex: `^indicator:${submissionId}:review:` } }).toArray()
  return rows.map((row) => String(row.userId)).sort()
}

async function mailed(submissionId: string) {
  const rows = await outbox().find({ kind: 'indicatorReviewDue', dedupeKey: { $regex: `^mail:indicator:${submissionId}:review:` } }).toArray()
  return rows.map((row) => String(row.to)).sort()
}

const ids = (...people: TestUser[]) => people.map((person) => person.id).sort()
const emails = (...people: TestUser[]) => people.map((person) => person.email).sort()

async function world() {
  const bank = await createTestOrganisation({ kind: 'bank' })
  const exchange = await createTestOrganisation({ kind: 'crypto_exchange' })
  const centre = await createTestOrganisation({ kind: 'national_centre' })
  const admin = await createTestUser({ organisationId: bank.id, roles: ['admin'] })
  const member = await createTestUser({ organisationId: bank.id, roles: ['member'] })
  const gone = await createTestUser({ organisationId: bank.id, roles: ['member'], status: 'deactivated' })
  const other = await createTestUser({ organisationId: exchange.id, roles: ['member', 'admin'] })
  const staff = await createTestUser({ organisationId: centre.id, roles: ['staff'] })
  const dpo = await createTestUser({ organisationId: centre.id, roles: ['dpo'] })
  return { bank, exchange, centre, admin, member, gone, other, staff, dpo }
}

beforeEach(async () => {
  // The job scans every organisation: each test starts from no submission so its counts are its own.
  await Promise.all([indicators().deleteMany({}), submissions().deleteMany({})])
})

describe('review-due notices', () => {
  test('reach the source organisation’s working members once, in the portal and by e-mail, without the value', async () => {
    const w = await world()
    const now = new Date()
    const value = `Mule.${unique()}@example.org`
    const due = await submit(w.bank.id, { type: 'email', value, personal: true, reviewBy: new Date(now.getTime() - DAY), deleteBy: new Date(now.getTime() + 100 * DAY) })
    const notYet = await submit(w.bank.id, { type: 'domain', value: `later-${unique()}.example`, reviewBy: new Date(now.getTime() + DAY), deleteBy: new Date(now.getTime() + 400 * DAY) })
    const otherDue = await submit(w.exchange.id, { type: 'domain', value: `other-${unique()}.example`, reviewBy: new Date(now.getTime() - DAY), deleteBy: new Date(now.getTime() + 400 * DAY) })
    const centreDue = await submit(w.centre.id, { type: 'url', value: `https://centre-${unique()}.example/pay`, reviewBy: new Date(now.getTime() - DAY), deleteBy: new Date(now.getTime() + 400 * DAY) })

    const first = await runRetentionReviews(now)
    expect(first).toEqual({ notified: 4, submissions: 3 })
    expect(await notified(due)).toEqual(ids(w.admin, w.member))
    expect(await mailed(due)).toEqual(emails(w.admin, w.member))
    expect(await notified(notYet)).toEqual([])
    expect(await notified(otherDue)).toEqual(ids(w.other))
    // A centre's staff hear of their own submissions; its DPO is not a submitter.
    expect(await notified(centreDue)).toEqual(ids(w.staff))

    const mail = await outbox().findOne({ kind: 'indicatorReviewDue', to: w.member.email })
    expect(mail?.text).toContain(`/retention/${encodeURIComponent(due)}`)
    expect(mail?.subject).toContain(w.bank.legalName)
    const notice = JSON.stringify(await notifications().find({ event: 'review_due' }).toArray())
    const mails = JSON.stringify(await outbox().find({ kind: 'indicatorReviewDue' }).toArray())
    for (const text of [notice, mails]) {
      expect(text).not.toContain(value)
      expect(text).not.toContain(value.toLowerCase())
    }

    // Run again (a second server, a restart): nobody hears twice.
    expect(await runRetentionReviews(new Date(now.getTime() + 60_000))).toEqual({ notified: 0, submissions: 3 })
    expect(await notified(due)).toEqual(ids(w.admin, w.member))
    expect(await mailed(due)).toEqual(emails(w.admin, w.member))
  })

  test('a re-justified submission is reviewed again at its new date, with a new notice', async () => {
    const w = await world()
    const now = new Date()
    const due = await submit(w.bank.id, { type: 'domain', value: `again-${unique()}.example`, reviewBy: new Date(now.getTime() - DAY), deleteBy: new Date(now.getTime() + 300 * DAY) })
    await runRetentionReviews(now)
    const result = await rejustifySubmission(await viewerOf(w.admin), due, { purpose: 'investigation', justification: 'Still part of an open investigation.' }, { now })
    if (!result.ok) throw new Error('not re-justified')
    expect(await runRetentionReviews(new Date(now.getTime() + DAY))).toEqual({ notified: 0, submissions: 0 })
    expect(await runRetentionReviews(new Date(result.reviewBy.getTime() + 1000))).toMatchObject({ notified: 2 })
    expect(await notified(due)).toEqual([...ids(w.admin, w.member), ...ids(w.admin, w.member)].sort())
  })

  test('skip retracted and deletion-due submissions, suspended organisations; TLP:RED only to the people named', async () => {
    const w = await world()
    const now = new Date()
    const past = new Date(now.getTime() - DAY)
    const retracted = await submit(w.bank.id, { type: 'domain', value: `retracted-${unique()}.example`, reviewBy: past, deleteBy: new Date(now.getTime() + 300 * DAY), status: 'retracted' })
    const expired = await submit(w.bank.id, { type: 'domain', value: `expired-${unique()}.example`, reviewBy: new Date(now.getTime() - 10 * DAY), deleteBy: past })
    const red = await submit(w.bank.id, {
      type: 'phone',
      value: `+4420${Math.floor(Math.random() * 1e7)}`,
      personal: true,
      tlp: 'RED',
      submittedBy: w.member.id,
      redRecipientIds: [w.other.id],
      reviewBy: past,
      deleteBy: new Date(now.getTime() + 100 * DAY),
    })
    const suspended = await submit(w.exchange.id, { type: 'domain', value: `suspended-${unique()}.example`, reviewBy: past, deleteBy: new Date(now.getTime() + 300 * DAY) })
    await db().collection('organisations').updateOne({ _id: new mongoose.Types.ObjectId(w.exchange.id) }, { $set: { status: 'suspended' } })

    await runRetentionReviews(now)
    expect(await notified(retracted)).toEqual([])
    expect(await notified(expired)).toEqual([])
    // Named from another organisation: still only the source organisation's people hear of it.
    expect(await notified(red)).toEqual(ids(w.member))
    expect(await notified(suspended)).toEqual([])
  })

  test('muted by e-mail: still in the portal, not in the mailbox', async () => {
    const w = await world()
    await users().updateOne({ _id: new mongoose.Types.ObjectId(w.member.id) }, { $set: { mutedEmailEvents: ['review_due'] } })
    const now = new Date()
    const due = await submit(w.bank.id, { type: 'domain', value: `muted-${unique()}.example`, reviewBy: new Date(now.getTime() - DAY), deleteBy: new Date(now.getTime() + 300 * DAY) })
    await runRetentionReviews(now)
    expect(await notified(due)).toEqual(ids(w.admin, w.member))
    expect(await mailed(due)).toEqual(emails(w.admin))
  })
})
