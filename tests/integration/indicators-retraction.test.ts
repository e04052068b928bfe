import { randomBytes } from 'node:crypto'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import type { Role, TlpLabel } from '~/domain/vocabulary'
import { linkIndicatorToTask, recordSighting, retractSubmission } from '~/indicators/indicators.server'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import { listNotifications } from '~/notifications/notifications.server'
import TaskPage, { loader as taskLoader } from '~/routes/tasks.$taskId'
import { action as reviewAction } from '~/routes/tasks.$taskId_.review'
import { getTaskDetail } from '~/tasks/detail.server'
import { listTasks, parseTaskListQuery } from '~/tasks/queues.server'
import { createTasks, transitionTask } from '~/tasks/tasks.server'
import { settleWebhookDelivery } from '~/webhooks/deliver.server'
import { createTestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient } from '../support/requests'
import { renderRoute } from './indicators-io-support'
import { auditEvents, body, collection, member } from './partners-support'

/**
 * A source retracts an indicator: the open tasks that carry it go back to their owning centre for
 * review (a flag, the partner's state unchanged), the people who received it hear of it only if they
 * could see the statement, and each receiving organisation's systems get a webhook with what it may see.
 */

type Member = Awaited<ReturnType<typeof member>>
type Person = Pick<Member, 'client' | 'viewer' | 'user'>

const run = randomBytes(4).toString('hex')
let counter = 0
const fresh = (prefix: string) => `${prefix}-${run}-${++counter}.example.com`

let coordinator: Member
let creator: Person
let colleague: Person
let source: Member
let assignee: Member
let assigneeColleague: Person
let sighter: Member
let other: Member

async function personIn(organisationId: string, roles: Role[]): Promise<Person> {
  const user = await createTestUser({ organisationId, roles })
  const client = await signedInClient(user)
  const viewer = await getViewer(get('/', client))
  if (!viewer) throw new Error('could not sign in')
  return { user, client, viewer }
}

async function submit(who: Pick<Member, 'viewer'>, value: string, tlp: TlpLabel, extra: Record<string, unknown> = {}) {
  const result = await submitIndicatorBatch(who.viewer, [{ type: 'domain', value, tlp, reliability: 'B', credibility: '2', ...extra }], { source: 'api' })
  expect(result.rejected).toEqual([])
  return result.ids[0] ?? ''
}

async function endpointFor(who: Member) {
  // Loopback on the discard port: a delivery attempt fails at once, the queued payload is what we read.
  await collection('webhookendpoints').insertOne({
    organisationId: new mongoose.Types.ObjectId(who.organisation.id),
    url: 'http://127.0.0.1:9/hooks',
    description: 'test receiver',
    events: ['indicator.retracted'],
    secret: `whsec_${randomBytes(24).toString('base64')}`,
    enabled: true,
    createdBy: new mongoose.Types.ObjectId(who.user.id),
    createdAt: new Date(),
    updatedAt: new Date(),
  })
}

async function retractionsOf(who: Pick<Person, 'viewer'>) {
  return (await listNotifications(who.viewer, { show: 'all' })).notifications.filter((notification) => notification.event === 'indicator_retracted')
}

async function webhookPayloads(indicatorId: string) {
  const deliveries = await collection('webhookdeliveries').find({ event: 'indicator.retracted' }).toArray()
  return deliveries
    .map((delivery) => ({ organisationId: String(delivery.organisationId), payload: JSON.parse(String(delivery.payload)) as { type: string; data: Record<string, unknown> } }))
    .filter((delivery) => delivery.payload.data.indicatorId === indicatorId)
}

beforeAll(async () => {
  coordinator = await member({ kind: 'national_centre' })
  creator = await personIn(coordinator.organisation.id, ['staff'])
  colleague = await personIn(coordinator.organisation.id, ['staff'])
  source = await member({ kind: 'bank' })
  assignee = await member({ kind: 'acquirer_processor' })
  assigneeColleague = await personIn(assignee.organisation.id, ['member'])
  sighter = await member({ kind: 'isp' })
  other = await member({ kind: 'hosting_provider' })
  for (const who of [assignee, sighter, other, source]) await endpointFor(who)
})

afterAll(async () => {
  await settleWebhookDelivery()
})

describe('a retraction sends open linked tasks back to the centre for review', () => {
  let id = ''
  let openTask = ''
  let doneTask = ''
  const value = fresh('retracted')

  beforeAll(async () => {
    id = await submit(source, value, 'GREEN')
    openTask = (await createTasks(creator.viewer, { title: 'Terminate the merchant behind the storefront', assigneeOrganisationIds: [assignee.organisation.id], tlp: 'AMBER' })).ids[0] ?? ''
    doneTask = (await createTasks(creator.viewer, { title: 'Check the reseller account', assigneeOrganisationIds: [assignee.organisation.id], tlp: 'AMBER' })).ids[0] ?? ''
    for (const task of [openTask, doneTask]) expect(await linkIndicatorToTask(creator.viewer, task, id)).toEqual({ linked: true })
    await transitionTask(assignee.viewer, openTask, 'acknowledge')
    await transitionTask(assignee.viewer, doneTask, 'notApplicable', { reason: 'No relationship found' })
    await recordSighting(sighter.viewer, id, { kind: 'seen', at: new Date(Date.now() - 60_000), count: 3, tlp: 'GREEN' })

    const result = await retractSubmission(source.viewer, id, { reason: 'False positive: the merchant sells flowers' })
    expect(result).toMatchObject({ tasksForReview: 1 })
  })

  test('the open task is flagged for its centre, its state unchanged; the closed one is left alone', async () => {
    const centreView = await getTaskDetail(creator.viewer, openTask)
    expect(centreView.status).toBe('acknowledged')
    expect(centreView.review).toMatchObject({ reason: 'indicator_retracted' })
    expect(centreView.canClearReview).toBe(true)
    const step = centreView.timeline.at(-1)
    expect(step).toMatchObject({ transition: 'indicator_retracted', from: 'acknowledged', to: 'acknowledged', actorSide: 'system', reason: null })

    // The partner keeps working: no flag, no review step, nothing to clear.
    const partnerView = await getTaskDetail(assignee.viewer, openTask)
    expect(partnerView.review).toBeNull()
    expect(partnerView.canClearReview).toBe(false)
    expect(partnerView.timeline.map((item) => item.transition)).not.toContain('indicator_retracted')
    expect(partnerView.transitions).toContain('start')

    const closed = await getTaskDetail(creator.viewer, doneTask)
    expect(closed.status).toBe('not_applicable')
    expect(closed.review).toBeNull()

    const [audit] = await auditEvents('task.review_requested', openTask)
    expect(audit?.details).toMatchObject({ reason: 'indicator_retracted', indicatorId: id })
    expect(await auditEvents('task.review_requested', doneTask)).toHaveLength(0)
  })

  test('the centre queue shows the badge; the partner queue does not', async () => {
    const owned = await listTasks(creator.viewer, parseTaskListQuery(new URLSearchParams('view=owned')))
    const rows = owned?.items ?? []
    expect(rows.find((row) => row.id === openTask)?.needsReview).toBe(true)
    expect(rows.find((row) => row.id === doneTask)?.needsReview).toBe(false)
    const queue = await listTasks(assignee.viewer, parseTaskListQuery(new URLSearchParams('view=assigned')))
    expect(queue?.items.find((row) => row.id === openTask)?.needsReview).toBe(false)
  })

  test('the creator, the coordinators, the assignee and the sighting organisation hear of it; nobody else', async () => {
    const toCreator = await retractionsOf(creator)
    expect(toCreator.map((n) => n.task?.id)).toEqual([openTask])
    expect((await retractionsOf(coordinator)).map((n) => n.task?.id)).toEqual([openTask])
    expect(await retractionsOf(colleague)).toHaveLength(0)
    expect((await retractionsOf(assignee)).map((n) => n.task?.id)).toEqual([openTask])
    expect((await retractionsOf(assigneeColleague)).map((n) => n.task?.id)).toEqual([openTask])
    // The sighting organisation has no task: its notice stands alone.
    const toSighter = await retractionsOf(sighter)
    expect(toSighter).toHaveLength(1)
    expect(toSighter[0]?.task).toBeNull()
    expect(await retractionsOf(other)).toHaveLength(0)
    expect(await retractionsOf(source)).toHaveLength(0)
  })

  test('each receiving organisation gets one webhook with what it may see; others get none', async () => {
    const payloads = await webhookPayloads(id)
    expect(new Set(payloads.map((p) => p.organisationId))).toEqual(new Set([assignee.organisation.id, sighter.organisation.id]))
    expect(payloads).toHaveLength(2)
    for (const { payload } of payloads) {
      expect(payload.type).toBe('indicator.retracted')
      expect(payload.data).toMatchObject({ indicatorId: id, type: 'domain', tlp: 'GREEN', value: value.replace(/\./g, '[.]'), reason: 'False positive: the merchant sells flowers' })
      expect(typeof payload.data.retractedAt).toBe('string')
    }
  })

  test('the task page shows the centre the badge and the form to clear it, in every language; the partner sees neither', async () => {
    const page = { pattern: '/tasks/:taskId', loader: taskLoader, Component: TaskPage }
    const centreHtml = await renderRoute(get(`/tasks/${openTask}`, creator.client), page)
    expect(centreHtml).toContain('Indicator retracted — review')
    expect(centreHtml).toContain('Indicator retracted: review this task')
    expect(centreHtml).toContain(`action="/tasks/${openTask}/review"`)
    expect(centreHtml).toContain('Mark the review as done')
    expect(centreHtml).not.toContain(value)
    const french = await renderRoute(get(`/tasks/${openTask}`, creator.client), page, { language: 'fr' })
    expect(french).toContain('Indicateur retiré — à réexaminer')
    const partnerHtml = await renderRoute(get(`/tasks/${openTask}`, assignee.client), page)
    expect(partnerHtml).not.toContain('Indicator retracted')
    expect(partnerHtml).not.toContain('/review"')
  })

  test('the centre marks the review as done from the task page (audited); others cannot', async () => {
    const page = body(await call(() => taskLoader(routeArgs(get(`/tasks/${openTask}`, creator.client), { taskId: openTask }))))
    expect(page.task.review).toMatchObject({ reason: 'indicator_retracted' })

    const byPartner = await call(() => reviewAction(routeArgs(post(`/tasks/${openTask}/review`, assignee.client, { note: '' }), { taskId: openTask })))
    expect(byPartner instanceof Response ? byPartner.status : 200).toBe(403)
    const byStranger = await call(() => reviewAction(routeArgs(post(`/tasks/${openTask}/review`, other.client, { note: '' }), { taskId: openTask })))
    expect(byStranger instanceof Response ? byStranger.status : 200).toBe(404)
    const noCsrf = await call(() => reviewAction(routeArgs(post(`/tasks/${openTask}/review`, creator.client, { note: '' }, { csrf: false }), { taskId: openTask })))
    expect(noCsrf instanceof Response ? noCsrf.status : 200).toBe(403)
    expect((await getTaskDetail(creator.viewer, openTask)).review).not.toBeNull()

    const done = await call(() =>
      reviewAction(routeArgs(post(`/tasks/${openTask}/review`, creator.client, { note: 'Merchant terminated on other grounds; the work stands.' }), { taskId: openTask })),
    )
    expect(done).toBeInstanceOf(Response)
    expect((done as Response).status).toBe(302)
    expect((done as Response).headers.get('location')).toBe(`/tasks/${openTask}`)

    const after = await getTaskDetail(creator.viewer, openTask)
    expect(after.review).toBeNull()
    expect(after.status).toBe('acknowledged')
    expect(after.timeline.at(-1)).toMatchObject({ transition: 'review_cleared', actorSide: 'centre', reason: 'Merchant terminated on other grounds; the work stands.' })
    const [audit] = await auditEvents('task.review_cleared', openTask)
    expect(String(audit?.actorUserId)).toBe(creator.user.id)
    expect(audit?.details).toMatchObject({ reason: 'indicator_retracted', indicatorId: id })

    // A second click finds nothing left to clear and says so, without another audit event.
    const again = await call(() => reviewAction(routeArgs(post(`/tasks/${openTask}/review`, creator.client, { note: '' }), { taskId: openTask })))
    expect((again as Response).status).toBe(302)
    expect(await auditEvents('task.review_cleared', openTask)).toHaveLength(1)
    const owned = await listTasks(creator.viewer, parseTaskListQuery(new URLSearchParams('view=owned')))
    expect(owned?.items.find((row) => row.id === openTask)?.needsReview).toBe(false)
  })
})

describe('a retraction respects the labels', () => {
  test('TLP:RED reaches the named person only; the centre that could not see it gets no review and no webhook carries the value', async () => {
    const id = await submit(source, fresh('red'), 'RED', { redRecipientIds: [assignee.user.id] })
    const taskId = (await createTasks(creator.viewer, { title: 'Screen the payout accounts', assigneeOrganisationIds: [assignee.organisation.id], tlp: 'AMBER' })).ids[0] ?? ''
    // The centre may not see the statement, so it cannot link it; put it there to prove nothing widens RED.
    await collection('tasks').updateOne({ _id: new mongoose.Types.ObjectId(taskId) }, { $addToSet: { indicatorIds: id } })
    const before = await Promise.all([creator, coordinator, assigneeColleague].map(async (who) => (await retractionsOf(who)).length))

    const result = await retractSubmission(source.viewer, id, { reason: 'Withdrawn: wrong account' })
    expect(result.tasksForReview).toBe(0)
    expect((await getTaskDetail(creator.viewer, taskId)).review).toBeNull()
    expect((await retractionsOf(assignee)).filter((n) => n.task?.id === taskId)).toHaveLength(1)
    const afterwards = await Promise.all([creator, coordinator, assigneeColleague].map(async (who) => (await retractionsOf(who)).length))
    expect(afterwards).toEqual(before)
    // RED never goes to an organisation's systems beyond its id and label.
    const payloads = await webhookPayloads(id)
    expect(payloads.map((p) => p.organisationId)).toEqual([assignee.organisation.id])
    expect(payloads[0]?.payload.data).toEqual({ indicatorId: id, tlp: 'RED' })
  })

  test('TLP:RED naming the task creator sends the task back for review, and only the creator hears of it at the centre', async () => {
    const id = await submit(source, fresh('red-named'), 'RED', { redRecipientIds: [creator.user.id] })
    const taskId = (await createTasks(creator.viewer, { title: 'Close the merchant account', assigneeOrganisationIds: [assignee.organisation.id], tlp: 'AMBER' })).ids[0] ?? ''
    expect(await linkIndicatorToTask(creator.viewer, taskId, id)).toEqual({ linked: true })
    const coordinatorBefore = (await retractionsOf(coordinator)).length
    expect((await retractSubmission(source.viewer, id, { reason: 'Withdrawn: duplicate' })).tasksForReview).toBe(1)
    expect((await getTaskDetail(creator.viewer, taskId)).review).toMatchObject({ reason: 'indicator_retracted' })
    expect((await retractionsOf(creator)).filter((n) => n.task?.id === taskId)).toHaveLength(1)
    expect(await retractionsOf(coordinator)).toHaveLength(coordinatorBefore)
    expect((await retractionsOf(assignee)).filter((n) => n.task?.id === taskId)).toHaveLength(0)
  })

  test('a personal value leaves the portal without its value', async () => {
    const email = `payouts-${run}@mail.example.org`
    const result = await submitIndicatorBatch(source.viewer, [{ type: 'email', value: email, tlp: 'GREEN', reliability: 'B', credibility: '2' }], { source: 'api' })
    const id = result.ids[0] ?? ''
    await recordSighting(sighter.viewer, id, { kind: 'matched', at: new Date(Date.now() - 60_000), count: 1, tlp: 'GREEN' })
    await retractSubmission(source.viewer, id, { reason: 'Mistyped address' })
    const payloads = await webhookPayloads(id)
    expect(payloads.map((p) => p.organisationId)).toEqual([sighter.organisation.id])
    expect(payloads[0]?.payload.data).toMatchObject({ indicatorId: id, type: 'email', personal: true })
    expect(JSON.stringify(payloads[0]?.payload)).not.toContain(email)
  })
})
