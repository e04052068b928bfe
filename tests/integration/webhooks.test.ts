import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createInstance } from 'i18next'
import mongoose from 'mongoose'
import { createElement, type ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { addStatusUpdate, createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import EndpointPage, { action as endpointAction, loader as endpointLoader } from '~/routes/integrations.webhooks.$endpointId'
import ListPage, { loader as listLoader } from '~/routes/integrations.webhooks._index'
import NewPage, { action as newAction, loader as newLoader } from '~/routes/integrations.webhooks.new'
import { transitionTask } from '~/tasks/tasks.server'
import { deliverWebhooks, nextAttemptAt, RETRY_DELAYS_MS, settleWebhookDelivery, sweepWebhookRecords } from '~/webhooks/deliver.server'
import { emitWebhookEvent } from '~/webhooks/emit.server'
import { checkWebhookUrl } from '~/webhooks/urls.server'
import { i18nConfig, type Language } from '~/utils/i18n'
import { call, get, post, routeArgs, testContext, type Client } from '../support/requests'
import { auditEvents, body, collection, member, outcome } from './partners-support'
import { createTask, forceStatus } from './task-detail-support'

// A receiver in the test process: records each POST as it arrived and answers from a script of statuses.
type Received = { headers: Record<string, string>; body: string; path: string }
let server: http.Server
let base = ''
const received = new Map<string, Received[]>()
const script = new Map<string, number[]>()

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const path = request.url ?? '/'
      const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')]))
      received.set(path, [...(received.get(path) ?? []), { headers, body: Buffer.concat(chunks).toString('utf8'), path }])
      const status = script.get(path)?.shift() ?? 204
      response.writeHead(status, { 'content-type': 'text/plain' })
      response.end(status < 300 ? '' : 'not now')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await settleWebhookDelivery()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

let receivers = 0
/** A fresh path on the receiver, answering with `statuses` in turn (then 204). */
function receiver(statuses: number[] = []) {
  const path = `/hooks/${++receivers}`
  script.set(path, [...statuses])
  return { url: `${base}${path}`, calls: () => received.get(path) ?? [] }
}

type Admin = Awaited<ReturnType<typeof member>>

async function partnerAdmin() {
  return member({ kind: 'acquirer_processor', roles: ['admin'] })
}

/** Registers an endpoint through the page, as the admin does; returns its id and the secret shown once. */
async function addEndpoint(admin: Admin, url: string, events: string[], description = 'Case system') {
  const result = outcome(await call(() => newAction(routeArgs(post('/integrations/webhooks/new', admin.client, { url, description, events })))))
  expect(result.status).toBe(201)
  const created = (result.body as { created: { id: string; secret: string } | null }).created
  if (!created) throw new Error('no endpoint was created')
  return created
}

async function deliveryLog(client: Client, endpointId: string, search = '') {
  return body(await call(() => endpointLoader(routeArgs(get(`/integrations/webhooks/${endpointId}${search}`, client), { endpointId }))))
}

const postToEndpoint = (client: Client, endpointId: string, fields: Record<string, string | string[]>) =>
  call(() => endpointAction(routeArgs(post(`/integrations/webhooks/${endpointId}`, client, fields), { endpointId })))

type Payload = { type: string; timestamp: string; data: { task?: Record<string, unknown>; initiative?: Record<string, unknown> } }

function verified(secret: string, message: Received): Payload {
  return new Webhook(secret).verify(message.body, message.headers) as Payload
}

describe('delivery', () => {
  test('a task assigned to the organisation reaches its endpoint once, signed with the secret shown at creation', async () => {
    const centre = await member({ kind: 'national_centre' })
    const admin = await partnerAdmin()
    const hook = receiver()
    const { id: endpointId, secret } = await addEndpoint(admin, hook.url, ['task.assigned'])
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)

    const taskId = await createTask(centre, admin.organisation.id, { title: 'Stop the merchant SHOP-4471' })
    await settleWebhookDelivery()

    expect(hook.calls()).toHaveLength(1)
    const [message] = hook.calls()
    if (!message) throw new Error('nothing arrived')
    expect(message.headers['webhook-id']).toMatch(/^msg_/)
    expect(message.headers['webhook-signature']).toMatch(/^v1,/)
    expect(message.headers['content-type']).toBe('application/json')
    const payload = verified(secret, message)
    expect(payload.type).toBe('task.assigned')
    expect(payload.data.task).toMatchObject({ id: taskId, title: 'Stop the merchant SHOP-4471', status: 'assigned', priority: 'high', tlp: 'AMBER' })
    expect(payload.data.task?.url).toMatch(new RegExp(`/tasks/${taskId}$`))
    // Tampering breaks the signature; another secret does not verify it.
    expect(() => new Webhook(secret).verify(message.body.replace('SHOP', 'SHQP'), message.headers)).toThrow()
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(message.body, message.headers)).toThrow()

    // Running the worker again sends nothing more; the log shows one delivered attempt.
    await deliverWebhooks()
    expect(hook.calls()).toHaveLength(1)
    const log = await deliveryLog(admin.client, endpointId)
    expect(log.deliveries).toHaveLength(1)
    expect(log.deliveries[0]).toMatchObject({ event: 'task.assigned', status: 'delivered', messageId: message.headers['webhook-id'], nextAttemptAt: null })
    expect(log.deliveries[0]?.attempts).toEqual([expect.objectContaining({ statusCode: 204, error: null })])
  })

  test('a receiver that fails twice gets the delivery on the third attempt; the log shows all three; redeliver sends it again', async () => {
    const centre = await member({ kind: 'national_centre' })
    const admin = await partnerAdmin()
    const hook = receiver([500, 500, 200])
    const { id: endpointId, secret } = await addEndpoint(admin, hook.url, ['task.assigned'])

    await createTask(centre, admin.organisation.id)
    await settleWebhookDelivery()
    expect(hook.calls()).toHaveLength(1)
    let [delivery] = (await deliveryLog(admin.client, endpointId)).deliveries
    expect(delivery).toMatchObject({ status: 'pending', attempts: [expect.objectContaining({ statusCode: 500 })] })
    const firstRetry = delivery?.nextAttemptAt
    if (!firstRetry || !delivery) throw new Error('no retry was scheduled')
    expect(new Date(firstRetry).getTime() - new Date(delivery.attempts[0]?.at ?? 0).getTime()).toBe(RETRY_DELAYS_MS[0])

    // Not due yet: nothing is sent.
    await deliverWebhooks()
    expect(hook.calls()).toHaveLength(1)

    await deliverWebhooks({ now: new Date(firstRetry) })
    expect(hook.calls()).toHaveLength(2)
    ;[delivery] = (await deliveryLog(admin.client, endpointId)).deliveries
    expect(delivery).toMatchObject({ status: 'pending' })
    const secondRetry = delivery?.nextAttemptAt
    if (!secondRetry) throw new Error('no second retry was scheduled')
    expect(new Date(secondRetry).getTime() - new Date(firstRetry).getTime()).toBe(RETRY_DELAYS_MS[1])

    await deliverWebhooks({ now: new Date(secondRetry) })
    expect(hook.calls()).toHaveLength(3)
    ;[delivery] = (await deliveryLog(admin.client, endpointId)).deliveries
    expect(delivery).toMatchObject({ status: 'delivered', nextAttemptAt: null })
    expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200])
    expect(delivery?.deliveredAt).not.toBeNull()
    // Every attempt carries the same message id and a valid signature.
    const ids = new Set(hook.calls().map((message) => message.headers['webhook-id']))
    expect(ids.size).toBe(1)
    for (const message of hook.calls()) expect(verified(secret, message).type).toBe('task.assigned')

    // Redeliver queues a fresh attempt at once, audited.
    const redelivered = outcome(await postToEndpoint(admin.client, endpointId, { intent: 'redeliver', deliveryId: delivery?.id ?? '' }))
    expect(redelivered).toMatchObject({ status: 302, location: `/integrations/webhooks/${endpointId}` })
    await settleWebhookDelivery()
    expect(hook.calls()).toHaveLength(4)
    expect(hook.calls()[3]?.headers['webhook-id']).toBe([...ids][0])
    ;[delivery] = (await deliveryLog(admin.client, endpointId)).deliveries
    expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200, 204])
    expect(await auditEvents('webhook.redelivered', delivery?.id)).toHaveLength(1)
  })

  test('a receiver that never answers well is given up 24 hours after the first try', async () => {
    const centre = await member({ kind: 'national_centre' })
    const admin = await partnerAdmin()
    const hook = receiver(Array.from({ length: 20 }, () => 503))
    const { id: endpointId } = await addEndpoint(admin, hook.url, ['task.assigned'])
    await createTask(centre, admin.organisation.id)
    await settleWebhookDelivery()
    for (let i = 0; i < 20; i++) {
      const [delivery] = (await deliveryLog(admin.client, endpointId)).deliveries
      if (!delivery?.nextAttemptAt) break
      await deliverWebhooks({ now: new Date(delivery.nextAttemptAt) })
    }
    const [delivery] = (await deliveryLog(admin.client, endpointId)).deliveries
    expect(delivery?.status).toBe('failed')
    expect(delivery?.attempts).toHaveLength(8)
    const first = new Date(delivery?.attempts[0]?.at ?? 0).getTime()
    const last = new Date(delivery?.attempts.at(-1)?.at ?? 0).getTime()
    expect(last - first).toBeLessThanOrEqual(24 * 60 * 60 * 1000)
    expect(last - first).toBeGreaterThan(23 * 60 * 60 * 1000)
    expect(hook.calls()).toHaveLength(8)
    expect(nextAttemptAt(8, new Date(first), new Date(last))).toBeNull()
  })

  test('a TLP:RED task travels as its id and label only', async () => {
    const centre = await member({ kind: 'national_centre' })
    const admin = await partnerAdmin()
    const hook = receiver()
    const { secret } = await addEndpoint(admin, hook.url, ['task.assigned'])
    const taskId = await createTask(centre, admin.organisation.id, { tlp: 'RED', title: 'Secret merchant SHOP-9999', redRecipientIds: [admin.user.id] })
    await settleWebhookDelivery()
    const [message] = hook.calls()
    if (!message) throw new Error('nothing arrived')
    expect(message.body).not.toContain('SHOP-9999')
    const payload = verified(secret, message)
    expect(Object.keys(payload.data.task ?? {}).sort()).toEqual(['id', 'tlp', 'url'])
    expect(payload.data.task).toMatchObject({ id: taskId, tlp: 'RED' })
  })

  test('a task returned to the organisation is sent to endpoints subscribed to task.returned', async () => {
    const centre = await member({ kind: 'national_centre' })
    const admin = await partnerAdmin()
    const hook = receiver()
    const { secret } = await addEndpoint(admin, hook.url, ['task.returned'])
    const taskId = await createTask(centre, admin.organisation.id)
    await settleWebhookDelivery()
    expect(hook.calls()).toHaveLength(0)
    await forceStatus(taskId, 'reported')
    await transitionTask(centre.viewer, taskId, 'return', { reason: 'Please add the date the merchant was closed.' })
    await settleWebhookDelivery()
    expect(hook.calls()).toHaveLength(1)
    expect(verified(secret, hook.calls()[0] as Received)).toMatchObject({ type: 'task.returned', data: { task: { id: taskId, status: 'returned' } } })
  })

  test('events an endpoint did not choose are not sent, and a disabled endpoint gets nothing', async () => {
    const centre = await member({ kind: 'national_centre' })
    const admin = await partnerAdmin()
    const other = receiver()
    const off = receiver()
    await addEndpoint(admin, other.url, ['task.due_soon', 'initiative.updated'])
    const { id: offId } = await addEndpoint(admin, off.url, ['task.assigned'])
    const saved = outcome(await postToEndpoint(admin.client, offId, { intent: 'save', description: 'Paused', events: ['task.assigned'] }))
    expect(saved.status).toBe(302)
    expect((await deliveryLog(admin.client, offId)).endpoint).toMatchObject({ enabled: false, description: 'Paused' })
    expect(await auditEvents('webhook.endpoint_updated', offId)).toHaveLength(1)

    await createTask(centre, admin.organisation.id)
    await settleWebhookDelivery()
    expect(other.calls()).toHaveLength(0)
    expect(off.calls()).toHaveLength(0)
    expect(await collection('webhookdeliveries').countDocuments({ organisationId: new mongoose.Types.ObjectId(admin.organisation.id) })).toBe(0)
    // The page offers no redelivery and the list shows the endpoint as disabled.
    const list = body(await call(() => listLoader(routeArgs(get('/integrations/webhooks', admin.client)))))
    expect(list.endpoints.find((endpoint) => endpoint.id === offId)).toMatchObject({ enabled: false, lastDelivery: null })
  })

  test('the same event with the same key is queued once per endpoint; an organisation without endpoints gets nothing', async () => {
    const admin = await partnerAdmin()
    const hook = receiver()
    await addEndpoint(admin, hook.url, ['indicator.retracted'])
    const event = { event: 'indicator.retracted' as const, organisationId: admin.organisation.id, data: { indicator: { id: 'abc' } }, dedupeKey: 'test:retracted:1' }
    expect(await emitWebhookEvent(event)).toBe(1)
    expect(await emitWebhookEvent(event)).toBe(0)
    await settleWebhookDelivery()
    expect(hook.calls()).toHaveLength(1)
    const lonely = await partnerAdmin()
    expect(await emitWebhookEvent({ ...event, organisationId: lonely.organisation.id })).toBe(0)

    // Finished deliveries leave the log after 30 days; pending ones stay.
    const pendingHook = receiver([500])
    await addEndpoint(admin, pendingHook.url, ['indicator.retracted'])
    expect(await emitWebhookEvent({ ...event, dedupeKey: 'test:retracted:2' })).toBe(2)
    await settleWebhookDelivery()
    const organisationId = new mongoose.Types.ObjectId(admin.organisation.id)
    expect(await collection('webhookdeliveries').countDocuments({ organisationId })).toBe(3)
    await sweepWebhookRecords(new Date(Date.now() + 29 * 24 * 60 * 60 * 1000))
    expect(await collection('webhookdeliveries').countDocuments({ organisationId })).toBe(3)
    await sweepWebhookRecords(new Date(Date.now() + 31 * 24 * 60 * 60 * 1000))
    expect(await collection('webhookdeliveries').find({ organisationId }).map((d) => d.status as string).toArray()).toEqual(['pending'])
  })

  test('organisations taking part in an initiative hear of its updates; a TLP:RED one tells no one', async () => {
    const centre = await member({ kind: 'national_centre' })
    const admin = await partnerAdmin()
    const hook = receiver()
    const { secret } = await addEndpoint(admin, hook.url, ['initiative.updated'])
    const purpose = 'Close the payment channels of one network of sites.'
    const initiativeId = await createInitiative(centre.viewer, { title: 'Operation Lantern', purpose, tlp: 'AMBER' })
    await inviteParticipants(centre.viewer, initiativeId, [admin.organisation.id])
    await respondToInvitation(admin.viewer, initiativeId, true)
    await addStatusUpdate(centre.viewer, initiativeId, { text: 'Two acquirers closed their merchants this week.', health: 'on_track' })
    await settleWebhookDelivery()
    expect(hook.calls()).toHaveLength(1)
    expect(verified(secret, hook.calls()[0] as Received)).toMatchObject({
      type: 'initiative.updated',
      data: { initiative: { id: initiativeId, name: 'Operation Lantern', status: 'planned' } },
    })

    const redId = await createInitiative(centre.viewer, { title: 'Operation Ember', purpose, tlp: 'RED' })
    await inviteParticipants(centre.viewer, redId, [admin.organisation.id])
    await collection('initiatives').updateOne(
      { _id: new mongoose.Types.ObjectId(redId) },
      { $set: { participantIds: [new mongoose.Types.ObjectId(admin.organisation.id)] } },
    )
    await addStatusUpdate(centre.viewer, redId, { text: 'Nothing to share outside the centre.', health: 'at_risk' })
    await settleWebhookDelivery()
    expect(hook.calls()).toHaveLength(1)
  })
})

describe('endpoints', () => {
  test('addresses must be HTTPS (HTTP only to loopback outside production) and carry no credentials', async () => {
    const admin = await partnerAdmin()
    const refused = async (url: string) => {
      const result = outcome(await call(() => newAction(routeArgs(post('/integrations/webhooks/new', admin.client, { url, events: 'task.assigned' })))))
      expect(result.status, url).toBe(400)
      const answer = result.body as { errors: Record<string, string[]>; values: { url: string } }
      expect(answer.values.url).toBe(url)
      return answer.errors.url
    }
    expect(await refused('http://hooks.example.org/portal')).toEqual(['webhooks:errors.urlHttps'])
    expect(await refused('https://user:hunter2@hooks.example.org/portal')).toEqual(['webhooks:errors.urlCredentials'])
    expect(await refused('ftp://hooks.example.org/portal')).toEqual(['webhooks:errors.urlScheme'])
    expect(await refused('not a url')).toEqual(['webhooks:errors.urlInvalid'])
    const noEvents = outcome(await call(() => newAction(routeArgs(post('/integrations/webhooks/new', admin.client, { url: 'https://hooks.example.org/portal' })))))
    expect((noEvents.body as { errors: Record<string, string[]> }).errors.events).toEqual(['webhooks:errors.eventsRequired'])
    expect(await collection('webhookendpoints').countDocuments({ organisationId: new mongoose.Types.ObjectId(admin.organisation.id) })).toBe(0)

    // Production refuses loopback and private networks outright.
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', { production: false })).toMatchObject({ ok: true })
    expect(checkWebhookUrl('http://localhost:9000/hook', { production: true })).toEqual({ ok: false, error: 'urlHttps' })
    for (const url of ['https://10.1.2.3/hook', 'https://127.0.0.1/hook', 'https://[::1]/hook', 'https://169.254.169.254/latest', 'https://[fd00::1]/x', 'https://localhost/x', 'https://[::ffff:192.168.0.1]/x']) {
      expect(checkWebhookUrl(url, { production: true }), url).toEqual({ ok: false, error: 'urlPrivate' })
    }
    expect(checkWebhookUrl('https://hooks.example.org/portal#frag', { production: true })).toEqual({ ok: true, url: 'https://hooks.example.org/portal' })
  })

  test('the secret is never listed; rotating shows a new one once, deleting takes a confirmation; all audited', async () => {
    const admin = await partnerAdmin()
    const hook = receiver()
    const { id, secret } = await addEndpoint(admin, hook.url, ['task.assigned'])
    expect(await auditEvents('webhook.endpoint_created', id)).toHaveLength(1)
    const list = body(await call(() => listLoader(routeArgs(get('/integrations/webhooks', admin.client)))))
    expect(list.endpoints.map((endpoint) => endpoint.id)).toEqual([id])
    expect(JSON.stringify(list)).not.toContain(secret)
    expect(JSON.stringify(await deliveryLog(admin.client, id))).not.toContain(secret)

    const unconfirmed = outcome(await postToEndpoint(admin.client, id, { intent: 'rotate' }))
    expect(unconfirmed).toMatchObject({ status: 302, location: `/integrations/webhooks/${id}?confirm=rotate` })
    expect((await deliveryLog(admin.client, id, '?confirm=rotate')).confirming).toBe('rotate')
    const rotated = outcome(await postToEndpoint(admin.client, id, { intent: 'rotate', confirm: 'yes' }))
    const fresh = (rotated.body as { secret: string }).secret
    expect(fresh).toMatch(/^whsec_/)
    expect(fresh).not.toBe(secret)
    expect(await auditEvents('webhook.secret_rotated', id)).toHaveLength(1)
    // New messages are signed with the new secret.
    await emitWebhookEvent({ event: 'task.assigned', organisationId: admin.organisation.id, data: { task: { id: 'x' } }, dedupeKey: 'rotation-check' })
    await settleWebhookDelivery()
    expect(verified(fresh, hook.calls()[0] as Received).type).toBe('task.assigned')

    const notYet = outcome(await postToEndpoint(admin.client, id, { intent: 'delete' }))
    expect(notYet).toMatchObject({ status: 302, location: `/integrations/webhooks/${id}?confirm=delete` })
    expect(await collection('webhookendpoints').countDocuments({ _id: new mongoose.Types.ObjectId(id) })).toBe(1)
    const deleted = outcome(await postToEndpoint(admin.client, id, { intent: 'delete', confirm: 'yes' }))
    expect(deleted).toMatchObject({ status: 302, location: '/integrations/webhooks' })
    expect(await collection('webhookendpoints').countDocuments({ _id: new mongoose.Types.ObjectId(id) })).toBe(0)
    expect(await collection('webhookdeliveries').countDocuments({ endpointId: new mongoose.Types.ObjectId(id) })).toBe(0)
    expect(await auditEvents('webhook.endpoint_deleted', id)).toHaveLength(1)
    expect(outcome(await call(() => endpointLoader(routeArgs(get(`/integrations/webhooks/${id}`, admin.client), { endpointId: id })))).status).toBe(404)
  })

  test('another organisation’s admin gets 404 for the endpoint; a member who is not an admin gets 403', async () => {
    const admin = await partnerAdmin()
    const hook = receiver()
    const { id } = await addEndpoint(admin, hook.url, ['task.assigned'])
    await emitWebhookEvent({ event: 'task.assigned', organisationId: admin.organisation.id, data: { task: { id: 'y' } }, dedupeKey: 'access-check' })
    await settleWebhookDelivery()
    const [delivery] = (await deliveryLog(admin.client, id)).deliveries

    const stranger = await partnerAdmin()
    const strangerLoad = await call(() => endpointLoader(routeArgs(get(`/integrations/webhooks/${id}`, stranger.client), { endpointId: id })))
    expect(outcome(strangerLoad).status).toBe(404)
    const attempts: Record<string, string>[] = [
      { intent: 'redeliver', deliveryId: delivery?.id ?? '' },
      { intent: 'delete', confirm: 'yes' },
      { intent: 'rotate', confirm: 'yes' },
      { intent: 'save', events: 'task.assigned', enabled: 'on' },
    ]
    for (const fields of attempts) {
      expect(outcome(await postToEndpoint(stranger.client, id, fields)).status, fields.intent).toBe(404)
    }
    const strangerList = body(await call(() => listLoader(routeArgs(get('/integrations/webhooks', stranger.client)))))
    expect(strangerList.endpoints).toEqual([])
    // A delivery of another endpoint is not found through one's own endpoint either.
    const { id: ownId } = await addEndpoint(stranger, receiver().url, ['task.assigned'])
    expect(outcome(await postToEndpoint(stranger.client, ownId, { intent: 'redeliver', deliveryId: delivery?.id ?? '' })).status).toBe(404)
    expect(outcome(await call(() => endpointLoader(routeArgs(get('/integrations/webhooks/not-an-id', stranger.client), { endpointId: 'not-an-id' })))).status).toBe(404)

    const colleague = await member({ kind: 'acquirer_processor', roles: ['member'] })
    const centre = await member({ kind: 'national_centre' })
    for (const person of [colleague, centre]) {
      expect(outcome(await call(() => listLoader(routeArgs(get('/integrations/webhooks', person.client))))).status).toBe(403)
      expect(outcome(await call(() => newLoader(routeArgs(get('/integrations/webhooks/new', person.client))))).status).toBe(403)
      expect(outcome(await call(() => newAction(routeArgs(post('/integrations/webhooks/new', person.client, { url: 'https://hooks.example.org/x', events: 'task.assigned' }))))).status).toBe(403)
      expect(outcome(await call(() => endpointLoader(routeArgs(get(`/integrations/webhooks/${id}`, person.client), { endpointId: id })))).status).toBe(403)
      expect(outcome(await postToEndpoint(person.client, id, { intent: 'delete', confirm: 'yes' })).status).toBe(403)
    }
    // Without the anti-forgery field nothing changes.
    const forged = outcome(await call(() => endpointAction(routeArgs(post(`/integrations/webhooks/${id}`, admin.client, { intent: 'delete', confirm: 'yes' }, { csrf: false }), { endpointId: id }))))
    expect(forged.status).toBe(403)
    expect(await collection('webhookendpoints').countDocuments({ _id: new mongoose.Types.ObjectId(id) })).toBe(1)
  })
})

/** Server-renders one page the way Remix does (loader through a data router, then the component), in one language. */
async function renderPage(client: Client, path: string, pattern: string, Page: ComponentType, loader: (args: ReturnType<typeof routeArgs>) => Promise<unknown>, language: Language) {
  const handler = createStaticHandler([
    {
      id: 'root',
      path: '/',
      loader: () => ({ csrfToken: client.csrf }),
      element: createElement(Outlet),
      children: [{ id: 'page', path: pattern, loader: ({ request, params }) => loader({ request, params: params as Record<string, string>, context: testContext }), element: createElement(Page) }],
    },
  ])
  const context = await handler.query(new Request(`http://localhost${path}`, { headers: { cookie: client.cookie } }))
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`)
  if (context.errors) throw new Error(`the page failed: ${JSON.stringify(context.errors)}`)
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

describe('pages', () => {
  test.each(['en', 'fr', 'ru'] as const)('list, new and endpoint pages render in %s with the log, events and no untranslated keys', async (language) => {
    const admin = await partnerAdmin()
    const empty = await renderPage(admin.client, '/integrations/webhooks', 'integrations/webhooks', ListPage, listLoader, language)
    expect(empty).toContain('href="/integrations/webhooks/new"')
    const hook = receiver([500])
    const { id, secret } = await addEndpoint(admin, hook.url, ['task.assigned', 'initiative.updated'])
    await emitWebhookEvent({ event: 'task.assigned', organisationId: admin.organisation.id, data: { task: { id: 'z' } }, dedupeKey: `render-${language}` })
    await settleWebhookDelivery()
    const pages = [
      await renderPage(admin.client, '/integrations/webhooks', 'integrations/webhooks', ListPage, listLoader, language),
      await renderPage(admin.client, '/integrations/webhooks/new', 'integrations/webhooks/new', NewPage, newLoader, language),
      await renderPage(admin.client, `/integrations/webhooks/${id}?confirm=delete`, 'integrations/webhooks/:endpointId', EndpointPage, endpointLoader, language),
    ]
    const [list, form, detail] = pages
    expect(list).toContain(hook.url)
    expect(form).toContain('name="events"')
    expect(detail).toContain('HTTP 500')
    expect(detail).toContain('value="redeliver"')
    expect(detail).toContain('name="confirm"')
    for (const html of pages) {
      expect(html).not.toContain(secret)
      expect(html).not.toMatch(/\b(list|form|detail|log|events|deliveryStatus|endpointStatus|attemptErrors)\.[a-zA-Z_.]+\b(?![^<]*>)/)
    }
  })
})
