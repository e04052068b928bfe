import mongoose from 'mongoose'
import { beforeAll, expect, test } from 'vitest'
import { countOrganisations, getPartnershipOverview } from '~/partners/organisations.server'
import { checkPassword } from '~/auth/sign-in.server'
import { indicatorTypes, tlpLabels } from '~/domain/vocabulary'
import { DEMO_PASSWORD, demoOrganisations, seedDemoData } from '../../scripts/seed-data'

beforeAll(async () => {
  await mongoose.connection.dropDatabase()
  await Promise.all(Object.values(mongoose.models).map((model) => model.createIndexes()))
})

test('the demo seed fills an empty database once', async () => {
  const first = await seedDemoData()
  expect(first).toMatchObject({ seeded: true, organisations: 20, indicators: 17 })
  // Every role is represented, each with a TOTP secret to sign in with.
  expect(new Set(first.accounts.flatMap((a) => a.roles))).toEqual(
    new Set(['staff', 'coordinator', 'dpo', 'member', 'admin', 'platform_admin']),
  )
  expect(first.accounts.every((a) => /^[A-Z2-7]{16,}$/.test(a.totpSecret))).toBe(true)
  // Public figures count active members only: not the operator, the applicants, probation or suspension.
  expect(await getPartnershipOverview()).toEqual({ centres: 3, partners: 12, countries: 13 })
  expect(await seedDemoData()).toMatchObject({ seeded: false, organisations: 20 })
  expect(await countOrganisations()).toBe(20)
})

test('the demo has two pending applications and one suspended organisation', async () => {
  const organisations = mongoose.connection.db!.collection('organisations')
  expect(await organisations.countDocuments({ status: 'applied' })).toBe(2)
  expect(await organisations.countDocuments({ status: 'suspended' })).toBe(1)
  expect(await organisations.countDocuments({ status: 'probation' })).toBe(1)
})

test('a seeded person signs in with the demo password and a code from their secret', async () => {
  const [account] = (await mongoose.connection.db!.collection('users').find({ email: 'member@meridian.example' }).toArray())
  expect(account).toBeTruthy()
  const result = await checkPassword({ email: 'member@meridian.example', password: DEMO_PASSWORD }, { ip: '10.7.0.1' })
  expect(result).toMatchObject({ ok: true, next: 'password' })
})

test('the demo covers three centres in different countries and partners of many kinds', () => {
  const centres = demoOrganisations.filter((o) => o.kind === 'national_centre')
  expect(new Set(centres.map((o) => o.country)).size).toBe(3)
  const partnerKinds = new Set(demoOrganisations.filter((o) => o.kind !== 'national_centre').map((o) => o.kind))
  expect(partnerKinds.size).toBeGreaterThanOrEqual(8)
})

test('the demo has tasks in every state, with reports, comments and overdue work', async () => {
  const db = mongoose.connection.db!
  const statuses = await db.collection('tasks').distinct('status')
  expect(new Set(statuses)).toEqual(
    new Set(['draft', 'assigned', 'acknowledged', 'in_progress', 'reported', 'returned', 'verified', 'closed', 'declined', 'not_applicable', 'cancelled']),
  )
  expect(new Set(await db.collection('tasks').distinct('assigneeOrganisationId')).size).toBeGreaterThanOrEqual(5)
  expect(await db.collection('actionreports').countDocuments({})).toBeGreaterThanOrEqual(4)
  expect(await db.collection('taskcomments').countDocuments({ visibility: 'internal' })).toBeGreaterThanOrEqual(1)
  expect(await db.collection('taskcomments').countDocuments({ visibility: 'shared' })).toBeGreaterThanOrEqual(1)
  const overdue = await db
    .collection('tasks')
    .countDocuments({ dueAt: { $lt: new Date() }, status: { $in: ['assigned', 'acknowledged', 'in_progress', 'returned'] } })
  expect(overdue).toBeGreaterThanOrEqual(2)
})

test('the demo has initiatives in different states, one with overdue tasks and one near completion', async () => {
  const db = mongoose.connection.db!
  const initiatives = await db.collection('initiatives').find({}).toArray()
  expect(initiatives.length).toBeGreaterThanOrEqual(3)
  expect(new Set(initiatives.map((i) => i.status)).size).toBeGreaterThanOrEqual(3)
  expect(initiatives.every((i) => i.objectives.length > 0 && i.milestones.length > 0)).toBe(true)
  expect(initiatives.filter((i) => i.updates.length > 0).length).toBeGreaterThanOrEqual(3)
  const withTasks = initiatives.filter((i) => i.status === 'active')
  const open = ['assigned', 'acknowledged', 'in_progress', 'returned']
  const stats = await Promise.all(
    withTasks.map(async (i) => {
      const tasks = await db.collection('tasks').find({ initiativeId: i._id }).toArray()
      const counted = tasks.filter((t) => t.status !== 'cancelled')
      const done = counted.filter((t) => ['verified', 'closed', 'not_applicable'].includes(t.status)).length
      return {
        partners: new Set(tasks.map((t) => String(t.assigneeOrganisationId))).size,
        overdue: tasks.filter((t) => open.includes(t.status) && t.dueAt < new Date()).length,
        completion: done / counted.length,
      }
    }),
  )
  expect(stats.some((s) => s.overdue > 0 && s.partners >= 5)).toBe(true)
  expect(stats.some((s) => s.completion >= 0.75)).toBe(true)
})

test('the demo has indicators of every type and label across initiatives, with sightings, reviews due, a retraction and tasks carrying them', async () => {
  const db = mongoose.connection.db!
  const indicators = await db.collection('indicators').find({}).toArray()
  expect(new Set(indicators.map((i) => i.type))).toEqual(new Set(indicatorTypes))
  // Monero is marked as not traceable on-chain.
  expect(indicators.some((i) => i.type === 'crypto_wallet' && i.chain === 'xmr' && i.untraceable === true)).toBe(true)

  const submissions = await db.collection('indicatorsubmissions').find({}).toArray()
  expect(new Set(submissions.map((s) => s.tlp))).toEqual(new Set(tlpLabels))
  const initiatives = new Set(submissions.filter((s) => s.initiativeId).map((s) => String(s.initiativeId)))
  expect(initiatives.size).toBeGreaterThanOrEqual(3)
  expect(new Set(submissions.map((s) => String(s.organisationId))).size).toBeGreaterThanOrEqual(8)
  expect(submissions.filter((s) => s.tlp === 'RED').every((s) => (s.redRecipientIds ?? []).length > 0)).toBe(true)
  // A second organisation's statement attached to a known value instead of duplicating it.
  const perIndicator = new Map<string, number>()
  for (const s of submissions) perIndicator.set(String(s.indicatorId), (perIndicator.get(String(s.indicatorId)) ?? 0) + 1)
  expect([...perIndicator.values()].some((count) => count >= 2)).toBe(true)

  const sightings = await db.collection('sightings').find({}).toArray()
  expect(new Set(sightings.map((s) => String(s.organisationId))).size).toBeGreaterThanOrEqual(3)
  expect(new Set(sightings.map((s) => s.kind)).size).toBeGreaterThanOrEqual(3)

  // Personal data whose six-month review falls within the next two weeks.
  const now = Date.now()
  const dueSoon = submissions.filter((s) => s.personal && s.reviewBy.getTime() > now && s.reviewBy.getTime() <= now + 14 * 24 * 60 * 60 * 1000)
  expect(dueSoon.length).toBeGreaterThanOrEqual(2)

  // Exactly one retracted statement, with its reason; the receivers heard of it.
  const retracted = submissions.filter((s) => s.status === 'retracted')
  expect(retracted).toHaveLength(1)
  expect(retracted[0]?.retraction?.reason).toMatch(/CDN/)
  expect(await db.collection('notifications').countDocuments({ event: 'indicator_retracted' })).toBeGreaterThanOrEqual(2)

  // Tasks carry indicators; the open one that carried the retracted value is back with its centre for review.
  const carrying = await db.collection('tasks').find({ indicatorIds: { $exists: true } }).toArray()
  expect(carrying.length).toBeGreaterThanOrEqual(2)
  const flagged = carrying.filter((task) => task.needsReview)
  expect(flagged.map((task) => task.title)).toEqual(['Block the storefront mirror URLs'])
  expect(flagged[0]?.needsReview).toMatchObject({ reason: 'indicator_retracted', indicatorId: retracted[0]?.indicatorId })
  expect(flagged[0]?.status).toBe('acknowledged')
})

test('a second run of the seed adds no indicator', async () => {
  const db = mongoose.connection.db!
  const before = await db.collection('indicatorsubmissions').countDocuments({})
  expect(await seedDemoData()).toMatchObject({ seeded: false })
  expect(await db.collection('indicatorsubmissions').countDocuments({})).toBe(before)
})
