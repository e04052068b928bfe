import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Types } from 'mongoose'
import { api } from '../support/api'
import { arrangeWorld, collection, type World } from '../support/access-fixtures'
import { sweepIdempotencyKeys } from '~/api/endpoint.server'
import { createApiKey, revokeApiKey } from '~/api/keys.server'
import { apiScopes, type ApiScope } from '~/domain/vocabulary'
import { createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import { createTasks, transitionTask } from '~/tasks/tasks.server'
import { resetEnvCache } from '~/utils/env.server'

let world: World
let key: string
let initiativeId: string
let taskId: string

const newKey = async (who: 'admin' | 'otherAdmin', scopes: readonly ApiScope[] = apiScopes, days = 30) =>
  (await createApiKey(who === 'admin' ? world.viewers.admin : otherAdmin, { name: `Case system ${++keysMade}`, scopes: [...scopes], expiresInDays: days })).secret
let otherAdmin: World['viewers']['admin']
let keysMade = 0

beforeAll(async () => {
  world = await arrangeWorld()
  const { createTestUser } = await import('../factories/users')
  const { loadViewer } = await import('~/auth/guards.server')
  const q = await createTestUser({ organisationId: world.organisations.partnerQ, roles: ['admin'] })
  otherAdmin = (await loadViewer(q.id, world.organisations.partnerQ))!
  initiativeId = await createInitiative(world.viewers.coordinator, {
    title: 'Block the storefront network',
    purpose: 'Cut the payment channels of one storefront network.',
    status: 'active',
    tlp: 'AMBER',
    objectives: [{ actionType: 'url_blocked', target: 240 }],
  })
  await inviteParticipants(world.viewers.coordinator, initiativeId, [world.organisations.partnerP])
  await respondToInvitation(world.viewers.admin, initiativeId, true)
  taskId = (
    await createTasks(world.viewers.staff, {
      title: 'Block the storefront URLs',
      assigneeOrganisationIds: [world.organisations.partnerP],
      tlp: 'AMBER',
      initiativeId,
    })
  ).ids[0] as string
  key = await newKey('admin')
})

afterAll(() => {
  delete process.env.API_RATE_LIMIT_PER_MINUTE
  resetEnvCache()
})

describe('the partner loop through the API', () => {
  test('list tasks → acknowledge → report url_blocked ×120 → the initiative progress moves once verified', async () => {
    const listed = await api('GET', '/api/v1/tasks?status=assigned&limit=200', { key })
    expect(listed.status).toBe(200)
    const ids = (listed.json.data as { id: string }[]).map((task) => task.id)
    expect(ids).toContain(taskId)
    expect(ids).not.toContain(world.tasks.other)

    const acknowledged = await api('POST', `/api/v1/tasks/${taskId}/acknowledge`, { key })
    expect(acknowledged.status).toBe(200)
    expect(acknowledged.json.status).toBe('acknowledged')

    const before = await api('GET', `/api/v1/initiatives/${initiativeId}`, { key })
    expect(before.status).toBe(200)
    expect((before.json.progress as { kpis: { achieved: number }[] }).kpis[0]?.achieved).toBe(0)

    const report = { actions: [{ type: 'url_blocked', quantity: 120, actionDate: new Date().toISOString().slice(0, 10), reference: 'CASE-118' }] }
    const first = await api('POST', `/api/v1/tasks/${taskId}/reports`, { key, body: report, headers: { 'idempotency-key': 'report-1' } })
    expect(first.status).toBe(201)
    expect((first.json.task as { status: string }).status).toBe('reported')
    // The same POST again with the same key: the first answer, and still one report.
    const again = await api('POST', `/api/v1/tasks/${taskId}/reports`, { key, body: report, headers: { 'idempotency-key': 'report-1' } })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.json).toEqual(first.json)
    expect(await collection('actionreports').countDocuments({ taskId: new Types.ObjectId(taskId) })).toBe(1)
    // The same key with another body is refused rather than silently replayed.
    const reused = await api('POST', `/api/v1/tasks/${taskId}/reports`, { key, body: { actions: [{ ...report.actions[0], quantity: 5 }] }, headers: { 'idempotency-key': 'report-1' } })
    expect(reused.status).toBe(422)
    expect(String(reused.json.type)).toMatch(/#problem-idempotency-key-reused$/)
    // Remembered answers leave after a day (housekeeping); a day later the key is a new request.
    const remembered = await collection('apiidempotencies').countDocuments()
    expect(await sweepIdempotencyKeys(new Date(Date.now() + 25 * 60 * 60 * 1000))).toBeGreaterThanOrEqual(1)
    expect(await collection('apiidempotencies').countDocuments()).toBeLessThan(remembered)

    await transitionTask(world.viewers.staff, taskId, 'verify')
    const after = await api('GET', `/api/v1/initiatives/${initiativeId}`, { key })
    const progress = after.json.progress as { kpis: { actionType: string; achieved: number; percent: number }[]; completion: { done: number; total: number } }
    expect(progress.kpis[0]).toMatchObject({ actionType: 'url_blocked', achieved: 120, percent: 50 })
    expect(progress.completion.done).toBe(1)

    const listedInitiatives = await api('GET', '/api/v1/initiatives', { key })
    const row = (listedInitiatives.json.data as { id: string; role: string; progress: { kpis: { achieved: number }[] } }[]).find((i) => i.id === initiativeId)
    expect(row?.role).toBe('participant')
    expect(row?.progress.kpis[0]?.achieved).toBe(120)
  })

  test('comments are shared with the centre; the audit log records every call with its key', async () => {
    const comment = await api('POST', `/api/v1/tasks/${world.tasks.own}/comments`, { key, body: { body: 'Blocked at the resolver, see our case CASE-118.' } })
    expect(comment.status).toBe(201)
    const stored = await collection('taskcomments').findOne({ _id: new Types.ObjectId(String(comment.json.id)) })
    expect(stored?.visibility).toBe('shared')
    const keyId = key.slice(0, 16)
    const calls = await collection('auditevents').find({ action: 'api.call', actorLabel: keyId }).toArray()
    expect(calls.length).toBeGreaterThanOrEqual(2)
    expect(calls.some((event) => (event.details as { status?: number }).status === 201)).toBe(true)
  })

  test('the delta feed: updated_since and next read every change once', async () => {
    const since = new Date(Date.now() - 60_000).toISOString()
    const seen: string[] = []
    let next: string | null = null
    do {
      const page = await api('GET', `/api/v1/tasks?limit=1&updated_since=${encodeURIComponent(since)}${next ? `&next=${next}` : ''}`, { key })
      expect(page.status).toBe(200)
      seen.push(...(page.json.data as { id: string }[]).map((task) => task.id))
      next = page.json.next as string | null
    } while (next)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(expect.arrayContaining([taskId, world.tasks.own]))
  })
})

describe('keys', () => {
  test('a revoked key gets 401 at once; so does an expired or unknown one', async () => {
    const secret = await newKey('admin')
    expect((await api('GET', '/api/v1/tasks', { key: secret })).status).toBe(200)
    await revokeApiKey(world.viewers.admin, secret.slice(0, 16))
    const revoked = await api('GET', '/api/v1/tasks', { key: secret })
    expect(revoked.status).toBe(401)
    expect(revoked.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(revoked.headers.get('www-authenticate')).toMatch(/^Bearer/)

    const expiring = await newKey('admin')
    await collection('apikeys').updateOne({ _id: expiring.slice(0, 16) } as object, { $set: { expiresAt: new Date(Date.now() - 1000) } })
    expect((await api('GET', '/api/v1/tasks', { key: expiring })).status).toBe(401)
    expect((await api('GET', '/api/v1/tasks', { key: `${key.slice(0, -4)}AAAA` })).status).toBe(401)
    expect((await api('GET', '/api/v1/tasks')).status).toBe(401)
  })

  test('a key without reports:write gets 403 on reports; its other scopes still work', async () => {
    const readOnly = await newKey('admin', ['tasks:read', 'tasks:write'])
    const refused = await api('POST', `/api/v1/tasks/${world.tasks.own}/reports`, {
      key: readOnly,
      body: { actions: [{ type: 'url_blocked', quantity: 1, actionDate: '2026-01-01' }] },
    })
    expect(refused.status).toBe(403)
    expect(String(refused.json.type)).toMatch(/#problem-insufficient-scope$/)
    expect((await api('GET', '/api/v1/tasks', { key: readOnly })).status).toBe(200)
    expect((await api('GET', '/api/v1/indicators', { key: readOnly })).status).toBe(403)
  })

  test("organisation B's key gets 404 for organisation A's task and initiative", async () => {
    const other = await newKey('otherAdmin')
    for (const path of [`/api/v1/tasks/${taskId}`, `/api/v1/initiatives/${initiativeId}`]) {
      const answer = await api('GET', path, { key: other })
      expect(answer.status, path).toBe(404)
      expect(String(answer.json.type)).toMatch(/#problem-not-found$/)
    }
    expect((await api('POST', `/api/v1/tasks/${taskId}/acknowledge`, { key: other })).status).toBe(404)
    const theirs = await api('GET', '/api/v1/tasks?limit=200', { key: other })
    expect((theirs.json.data as { id: string }[]).map((t) => t.id)).not.toContain(taskId)
  })

  test('past the rate limit: 429 with Retry-After', async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = '3'
    resetEnvCache()
    const limited = await newKey('admin')
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await api('GET', '/api/v1/tasks', { key: limited })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const refused = await api('GET', '/api/v1/tasks', { key: limited })
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(String(refused.json.type)).toMatch(/#problem-rate-limited$/)
    delete process.env.API_RATE_LIMIT_PER_MINUTE
    resetEnvCache()
  })
})

describe('bad requests get problems, never 500', () => {
  test('validation, JSON, media type, card numbers, unknown paths and methods', async () => {
    const path = `/api/v1/tasks/${world.tasks.own}/reports`
    const invalid = await api('POST', path, { key, body: { actions: [{ type: 'url_blocked', quantity: -3, actionDate: 'yesterday' }] } })
    expect(invalid.status).toBe(422)
    expect((invalid.json.errors as { path: string }[]).map((e) => e.path)).toEqual(expect.arrayContaining(['body.actions.0.quantity', 'body.actions.0.actionDate']))
    expect((await api('POST', path, { key, rawBody: '{"actions": [' })).status).toBe(400)
    expect((await api('POST', path, { key, rawBody: 'actions=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415)
    const card = await api('POST', `/api/v1/tasks/${world.tasks.own}/comments`, { key, body: { body: 'card 4111 1111 1111 1111' } })
    expect(card.status).toBe(422)
    expect(String(card.json.type)).toMatch(/#problem-card-number$/)
    expect((await api('GET', '/api/v1/nothing-here', { key })).status).toBe(404)
    expect((await api('GET', '/api/v1/tasks/not-an-id', { key })).status).toBe(404)
    const method = await api('POST', '/api/v1/tasks', { key, body: {} })
    expect(method.status).toBe(405)
    expect(method.headers.get('allow')).toBe('GET')
    expect((await api('GET', '/api/v1/tasks?next=garbage', { key })).status).toBe(400)
    expect((await api('GET', '/api/v1/tasks?limit=5000', { key })).status).toBe(400)
  })
})
