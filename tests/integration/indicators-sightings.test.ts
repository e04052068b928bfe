import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { tlpLabels, type TlpLabel } from '~/domain/vocabulary'
import { linkIndicatorToTask } from '~/indicators/indicators.server'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import { listNotifications } from '~/notifications/notifications.server'
import { action as detailAction, loader as detailLoader } from '~/routes/indicators.$indicatorId'
import { createTasks } from '~/tasks/tasks.server'
import { createTestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient } from '../support/requests'
import { auditEvents, body, collection, member, outcome } from './partners-support'

/**
 * After a value is shared: sightings reach only whom their own label allows, a retraction reaches
 * everyone who received the statement (and nobody who did not), and only the source lowers its own
 * label, with a reason, audited.
 */

type Member = Awaited<ReturnType<typeof member>>
type Person = Pick<Member, 'client' | 'viewer'>

const run = randomBytes(4).toString('hex')
let counter = 0
const fresh = (prefix: string) => `${prefix}-${run}-${++counter}.example.com`

const openPage = async (who: Person, id: string) => body(await call(() => detailLoader(routeArgs(get(`/indicators/${id}`, who.client), { indicatorId: id }))))
const openDetail = async (who: Person, id: string) => {
  const page = await openPage(who, id)
  if (page.page.state !== 'open') throw new Error('expected an open page')
  return page.page.detail
}
const statusOf = async (who: Person, id: string) => {
  const result = await call(() => detailLoader(routeArgs(get(`/indicators/${id}`, who.client), { indicatorId: id })))
  return result instanceof Response ? result.status : 200
}
const postPage = async (who: Person, id: string, fields: Record<string, string>) =>
  outcome(await call(() => detailAction(routeArgs(post(`/indicators/${id}`, who.client, fields), { indicatorId: id }))))

async function submit(who: Person, value: string, tlp: TlpLabel, extra: Record<string, unknown> = {}) {
  const result = await submitIndicatorBatch(who.viewer, [{ type: 'domain', value, tlp, reliability: 'B', credibility: '2', ...extra }], { source: 'api' })
  expect(result.rejected).toEqual([])
  return result.ids[0] ?? ''
}

let source: Member
let sighter: Member
let sighterColleague: Person
let other: Member
let probation: Member
let centre: Member
let assignee: Member

beforeAll(async () => {
  source = await member({ kind: 'bank' })
  sighter = await member({ kind: 'crypto_exchange' })
  const colleague = await createTestUser({ organisationId: sighter.organisation.id, roles: ['member'] })
  const colleagueClient = await signedInClient(colleague)
  const colleagueViewer = await getViewer(get('/', colleagueClient))
  if (!colleagueViewer) throw new Error('the colleague could not be signed in')
  sighterColleague = { client: colleagueClient, viewer: colleagueViewer }
  other = await member({ kind: 'isp' })
  probation = await member({ kind: 'payment_service', status: 'probation' })
  centre = await member({ kind: 'national_centre' })
  assignee = await member({ kind: 'acquirer_processor' })
})

describe('sightings', () => {
  test('each sighting is visible as far as its own label allows, with the sighting organisation as source', async () => {
    const id = await submit(source, fresh('seen'), 'CLEAR')
    for (const tlp of tlpLabels) {
      const answer = await postPage(sighter, id, { intent: 'sighting', kind: 'matched', at: '2025-03-01', count: '3', tlp, note: `noted ${tlp}` })
      expect(answer.status).toBe(302)
    }
    const { ids } = await createTasks(centre.viewer, { title: 'Screen the wallet', assigneeOrganisationIds: [assignee.organisation.id], tlp: 'AMBER' })
    await linkIndicatorToTask(centre.viewer, ids[0] ?? '', id)

    const seenBy = async (who: Person) => (await openDetail(who, id)).sightings.map((sighting) => sighting.tlp).sort()
    const sorted = (labels: TlpLabel[]) => [...labels].sort()
    expect(await seenBy(sighter)).toEqual(sorted([...tlpLabels]))
    expect(await seenBy(sighterColleague)).toEqual(sorted(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT']))
    // The source of the value receives AMBER sightings; AMBER+STRICT and RED stay with the sighting organisation.
    expect(await seenBy(source)).toEqual(sorted(['CLEAR', 'GREEN', 'AMBER']))
    // The organisation assigned a task carrying the value, and the centre owning it, receive AMBER too.
    expect(await seenBy(assignee)).toEqual(sorted(['CLEAR', 'GREEN', 'AMBER']))
    expect(await seenBy(centre)).toEqual(sorted(['CLEAR', 'GREEN', 'AMBER']))
    expect(await seenBy(other)).toEqual(sorted(['CLEAR', 'GREEN']))
    expect(await seenBy(probation)).toEqual(['CLEAR'])

    const mine = (await openDetail(sighter, id)).sightings.find((sighting) => sighting.tlp === 'RED')
    expect(mine).toMatchObject({ own: true, kind: 'matched', count: 3, note: 'noted RED' })
  })

  test('"also seen by" counts only the organisations whose statement or sighting the viewer may see', async () => {
    const id = await submit(source, fresh('count'), 'CLEAR')
    await postPage(sighter, id, { intent: 'sighting', kind: 'seen', at: '2025-03-02', count: '1', tlp: 'AMBER+STRICT' })
    await postPage(sighter, id, { intent: 'sighting', kind: 'seen', at: '2025-03-03', count: '1', tlp: 'RED' })
    // Only hidden sightings by the exchange: the other organisation counts the source alone.
    expect((await openDetail(other, id)).alsoSeenBy).toBe(1)
    expect((await openDetail(other, id)).sightings).toEqual([])
    expect((await openDetail(sighterColleague, id)).alsoSeenBy).toBe(1)
    expect((await openDetail(source, id)).alsoSeenBy).toBe(0)
    await postPage(sighter, id, { intent: 'sighting', kind: 'processed', at: '2025-03-04', count: '2', tlp: 'GREEN' })
    expect((await openDetail(other, id)).alsoSeenBy).toBe(2)
    expect((await openDetail(probation, id)).alsoSeenBy).toBe(1)
  })

  test('a refused sighting keeps its values; card numbers and future dates are refused; nothing is stored', async () => {
    const id = await submit(source, fresh('refused'), 'GREEN')
    const before = await collection('sightings').countDocuments({ indicatorId: id })
    const future = await postPage(sighter, id, { intent: 'sighting', kind: 'seen', at: '2999-01-01', count: '0', tlp: 'AMBER', note: 'too early' })
    expect(future.status).toBe(400)
    expect(future.body).toMatchObject({ intent: 'sighting', errors: { at: ['indicators:errors.futureDate'], count: ['invalid'] }, values: { note: 'too early' } })
    const card = await postPage(sighter, id, { intent: 'sighting', kind: 'seen', at: '2025-01-01', count: '1', tlp: 'AMBER', note: 'paid with 4111 1111 1111 1111' })
    expect(card.status).toBe(400)
    expect(card.body).toMatchObject({ errors: { note: ['cardNumber'] } })
    expect(await collection('sightings').countDocuments({ indicatorId: id })).toBe(before)
  })

  test('nobody records a sighting of a value they may not see: 404, as for an unknown value', async () => {
    const id = await submit(source, fresh('hidden'), 'AMBER+STRICT')
    const answer = await postPage(other, id, { intent: 'sighting', kind: 'seen', at: '2025-01-01', count: '1', tlp: 'CLEAR' })
    expect(answer.status).toBe(404)
    expect(await collection('sightings').countDocuments({ indicatorId: id })).toBe(0)
  })
})

describe('retraction', () => {
  test('the source retracts with a reason; everyone who received it is notified, nobody else', async () => {
    const value = fresh('retract')
    const id = await submit(source, value, 'GREEN')
    await postPage(sighter, id, { intent: 'sighting', kind: 'matched', at: '2025-03-01', count: '1', tlp: 'GREEN' })
    const { ids } = await createTasks(centre.viewer, { title: 'Terminate the merchant behind it', assigneeOrganisationIds: [assignee.organisation.id], tlp: 'AMBER' })
    const taskId = ids[0] ?? ''
    await linkIndicatorToTask(centre.viewer, taskId, id)

    const unconfirmed = await postPage(source, id, { intent: 'retract', reason: 'The storefront was a false positive' })
    expect(unconfirmed.status).toBe(400)
    expect(unconfirmed.body).toMatchObject({ errors: { confirm: ['indicators:errors.confirmRequired'] }, values: { reason: 'The storefront was a false positive' } })
    expect(await postPage(source, id, { intent: 'retract', reason: '', confirm: 'yes' })).toMatchObject({ status: 400 })
    // Only the source retracts: another organisation that sees it is refused.
    expect(await postPage(other, id, { intent: 'retract', reason: 'Not mine to retract', confirm: 'yes' })).toMatchObject({ status: 403 })

    const done = await postPage(source, id, { intent: 'retract', reason: 'The storefront was a false positive', confirm: 'yes' })
    expect(done.status).toBe(302)
    expect(await postPage(source, id, { intent: 'retract', reason: 'Again', confirm: 'yes' })).toMatchObject({ status: 409 })

    const [audit] = await auditEvents('indicator.retracted', id)
    expect(audit?.details).toMatchObject({ reason: 'The storefront was a false positive' })

    const retractions = async (who: Person) =>
      (await listNotifications(who.viewer, { show: 'all' })).notifications.filter((notification) => notification.event === 'indicator_retracted')
    const toAssignee = await retractions(assignee)
    expect(toAssignee).toHaveLength(1)
    expect(toAssignee[0]?.task).toMatchObject({ id: taskId, title: 'Terminate the merchant behind it' })
    expect(await retractions(centre)).toHaveLength(1)
    expect(await retractions(sighter)).toHaveLength(1)
    expect(await retractions(sighterColleague)).toHaveLength(1)
    expect(await retractions(other)).toHaveLength(0)
    expect(await retractions(source)).toHaveLength(0)

    // Receivers see it withdrawn, with the reason, and the open task that carries it.
    const detail = await openDetail(assignee, id)
    expect(detail.submissions[0]).toMatchObject({ status: 'retracted', retraction: { reason: 'The storefront was a false positive' } })
    expect(detail.linkedTasks).toEqual([expect.objectContaining({ id: taskId, open: true })])
  })

  test('an organisation that could not see the retracted statement hears nothing of it', async () => {
    const value = fresh('strict')
    const neutral = await member({ kind: 'hotline_ngo' })
    const id = await submit(neutral, value, 'CLEAR')
    await submit(source, value, 'AMBER+STRICT')
    await postPage(sighter, id, { intent: 'sighting', kind: 'seen', at: '2025-03-01', count: '1', tlp: 'GREEN' })
    const heard = async () => (await listNotifications(sighter.viewer, { show: 'all' })).notifications.filter((n) => n.event === 'indicator_retracted').length
    const before = await heard()
    expect(await postPage(source, id, { intent: 'retract', reason: 'Withdrawn for a reason', confirm: 'yes' })).toMatchObject({ status: 302 })
    expect(await heard()).toBe(before)
    expect((await openDetail(sighter, id)).submissions.map((s) => s.status)).toEqual(['active'])
  })
})

describe('lowering a label', () => {
  test('only the source lowers its own label, with a reason, audited; merging never lowers', async () => {
    const value = fresh('lower')
    const id = await submit(source, value, 'AMBER+STRICT')
    expect(await statusOf(other, id)).toBe(404)

    expect((await openDetail(source, id)).submissions[0]?.lowerTo).toEqual(['AMBER', 'GREEN', 'CLEAR'])
    const noReason = await postPage(source, id, { intent: 'lower', tlp: 'GREEN', reason: '' })
    expect(noReason.status).toBe(400)
    expect(noReason.body).toMatchObject({ errors: { reason: ['tooShort'] } })
    expect(await postPage(source, id, { intent: 'lower', tlp: 'RED', reason: 'Make it stricter' })).toMatchObject({ status: 400, body: { errors: { tlp: ['notLower'] } } })

    // Re-submitting at a lower label never lowers it.
    await submit(source, value, 'CLEAR')
    expect(await statusOf(other, id)).toBe(404)
    expect((await openDetail(source, id)).submissions[0]?.tlp).toBe('AMBER+STRICT')

    expect(await postPage(source, id, { intent: 'lower', tlp: 'GREEN', reason: 'Confirmed by the acquirer; share with the community' })).toMatchObject({ status: 302 })
    const [audit] = await auditEvents('indicator.label_lowered', id)
    expect(audit?.details).toMatchObject({ from: 'AMBER+STRICT', to: 'GREEN', reason: 'Confirmed by the acquirer; share with the community' })
    expect(await statusOf(other, id)).toBe(200)

    // Another organisation that now sees it cannot lower it further.
    expect((await openDetail(other, id)).submissions[0]?.lowerTo).toEqual([])
    expect(await postPage(other, id, { intent: 'lower', tlp: 'CLEAR', reason: 'Everyone should see it' })).toMatchObject({ status: 403 })
    expect(await statusOf(probation, id)).toBe(404)
  })

  test('lowering a RED statement drops its named recipients', async () => {
    const id = await submit(source, fresh('red'), 'RED', { redRecipientIds: [other.user.id] })
    expect(await statusOf(other, id)).toBe(200)
    expect(await statusOf(sighter, id)).toBe(404)
    expect(await postPage(source, id, { intent: 'lower', tlp: 'AMBER', reason: 'Shared with the source organisation only' })).toMatchObject({ status: 302 })
    const stored = await collection('indicatorsubmissions').findOne({ indicatorId: id })
    expect(stored?.tlp).toBe('AMBER')
    expect(stored?.redRecipientIds).toBeUndefined()
    expect(await statusOf(other, id)).toBe(404)
  })
})
