import mongoose from 'mongoose'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { knownAuditActions } from '~/audit/actions'
import { recordAudit } from '~/audit/audit.server'
import { loader } from '~/routes/audit._index'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { call, get, routeArgs, signedInClient, type Client } from '../support/requests'

function rawCollection(name: string) {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  return db.collection(name)
}

type Org = { id: string; legalName: string }
let centre: Org
let bank: Org
let operator: Org
const people: Record<'dpo' | 'coordinator' | 'admin' | 'member' | 'platformAdmin', TestUser> = {} as never
const clients: Partial<Record<keyof typeof people, Client>> = {}

async function clientFor(who: keyof typeof people) {
  return (clients[who] ??= await signedInClient(people[who]))
}

async function loadAudit(query: string, who: keyof typeof people = 'dpo') {
  const result = await call(() => loader(routeArgs(get(`/audit${query}`, clients[who]))))
  if (result instanceof Response) throw new Error(`unexpected response ${result.status}`)
  // Settle the streamed chain check before the test moves on and changes the log under it.
  return { ...result, chain: await result.chain }
}

/** Records an event as if at a given moment (only the clock is faked). */
async function recordAt(at: string, input: Parameters<typeof recordAudit>[0]) {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(at))
  try {
    await recordAudit(input)
  } finally {
    vi.useRealTimers()
  }
}

afterEach(() => {
  vi.useRealTimers()
})

beforeAll(async () => {
  await rawCollection('auditevents').deleteMany({})
  centre = await createTestOrganisation({ kind: 'national_centre', legalName: 'Centre National Audit Test' })
  bank = await createTestOrganisation({ kind: 'bank', legalName: 'Harbour Audit Test Bank' })
  operator = await createTestOrganisation({ kind: 'other', legalName: 'Portal Operator Audit Test' })
  await rawCollection('organisations').updateOne(
    { _id: new mongoose.Types.ObjectId(operator.id) },
    { $set: { isOperator: true } },
  )
  people.dpo = await createTestUser({ organisationId: centre.id, roles: ['dpo'], email: 'dpo@centre.example' })
  people.coordinator = await createTestUser({ organisationId: centre.id, roles: ['coordinator', 'staff'] })
  people.admin = await createTestUser({ organisationId: bank.id, roles: ['admin', 'member'] })
  people.member = await createTestUser({ organisationId: bank.id, roles: ['member'] })
  people.platformAdmin = await createTestUser({ organisationId: operator.id, roles: ['platform_admin'] })
  for (const who of Object.keys(people) as (keyof typeof people)[]) await clientFor(who)

  const alice = { userId: people.admin.id, organisationId: bank.id, label: 'Alice.Kern@harbour.example' }
  const coordinator = { userId: people.coordinator.id, organisationId: centre.id, label: 'coordinator@centre.example' }
  const meta = { ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' }
  await recordAt('2024-03-01T09:00:00Z', { action: 'auth.sign_in', actor: alice, meta, details: { factor: 'totp' } })
  await recordAt('2024-03-01T09:05:00Z', {
    action: 'auth.sign_in',
    outcome: 'failure',
    actor: alice,
    meta,
    details: { reason: 'wrong_password' },
  })
  await recordAt('2024-03-02T12:00:00Z', {
    action: 'auth.rate_limited',
    outcome: 'denied',
    actor: { label: 'mallory(x)+1@example.net' },
    meta: { ip: '192.0.2.66' },
  })
  await recordAt('2024-03-03T08:00:00Z', {
    action: 'user.invited',
    actor: coordinator,
    target: { kind: 'organisation', id: bank.id },
    details: { email: 'new.person@harbour.example', roles: ['member'] },
  })
  await recordAt('2024-03-04T23:59:59Z', {
    action: 'partner.approved',
    actor: coordinator,
    target: { kind: 'organisation', id: bank.id },
  })
  await recordAt('2024-03-05T10:00:00Z', {
    action: 'custom.experiment',
    actor: { userId: people.platformAdmin.id, organisationId: operator.id, label: 'operator@portal.example' },
    target: { kind: 'user', id: people.member.id },
  })
})

const seqs = (events: { seq: number }[]) => events.map((event) => event.seq)

describe('the audit log page', () => {
  test('is for data-protection officers and platform admins only', async () => {
    for (const who of ['admin', 'member', 'coordinator'] as const) {
      const result = await call(() => loader(routeArgs(get('/audit', clients[who]))))
      expect(result instanceof Response && result.status, who).toBe(403)
    }
    const anonymous = await call(() => loader(routeArgs(get('/audit'))))
    expect(anonymous instanceof Response && anonymous.status).toBe(302)
    expect(anonymous instanceof Response && anonymous.headers.get('location')).toBe('/login?redirectTo=%2Faudit')

    for (const who of ['dpo', 'platformAdmin'] as const) {
      const page = await loadAudit('', who)
      expect(page.total, who).toBe(6)
      expect(page.events, who).toHaveLength(6)
    }
  })

  test('lists events newest first with actor organisation, target and details resolved', async () => {
    const page = await loadAudit('')
    expect(seqs(page.events)).toEqual([6, 5, 4, 3, 2, 1])
    const [unknown, approved, invited, limited, failed] = page.events
    expect(unknown).toMatchObject({
      action: 'custom.experiment',
      actor: { label: 'operator@portal.example', organisationName: operator.legalName },
      target: { kind: 'user', id: people.member.id, name: people.member.name },
    })
    expect(approved).toMatchObject({
      at: '2024-03-04T23:59:59.000Z',
      action: 'partner.approved',
      outcome: 'success',
      actor: { label: 'coordinator@centre.example', organisationId: centre.id, organisationName: centre.legalName },
      target: { kind: 'organisation', id: bank.id, name: bank.legalName },
    })
    expect(invited?.details).toEqual({ email: 'new.person@harbour.example', roles: ['member'] })
    expect(limited).toMatchObject({ outcome: 'denied', ip: '192.0.2.66', actor: { organisationId: null, organisationName: null } })
    expect(failed).toMatchObject({
      outcome: 'failure',
      actor: { organisationName: bank.legalName },
      userAgent: expect.stringContaining('Firefox/128.0'),
      details: { reason: 'wrong_password' },
    })
    expect(page).toMatchObject({ olderAfter: null, newerBefore: null, filtered: false })
  })

  test('reports the chain intact, with the number of events checked', async () => {
    const page = await loadAudit('')
    expect(page.chain).toEqual({ ok: true, checked: 6 })
  })

  test('offers every known action, any other recorded one, and the organisations seen', async () => {
    const { choices } = await loadAudit('')
    expect(choices.actions).toEqual(expect.arrayContaining([...knownAuditActions, 'custom.experiment']))
    expect(choices.organisations.map((o) => o.name)).toEqual(
      [bank.legalName, centre.legalName, operator.legalName].sort((a, b) => a.localeCompare(b)),
    )
  })

  test.each([
    ['?outcome=failure', [2]],
    ['?action=auth.sign_in', [2, 1]],
    ['?prefix=auth.', [3, 2, 1]],
    ['?prefix=auth.&outcome=denied', [3]],
    ['?action=auth.sign_in&prefix=user.', []],
    ['?actor=alice.kern', [2, 1]],
    ['?actor=(x)%2B1', [3]],
    ['?from=2024-03-02&to=2024-03-04', [5, 4, 3]],
    ['?from=2024-03-05', [6]],
    ['?to=2024-03-01', [2, 1]],
    ['?outcome=success&to=2024-03-03', [4, 1]],
    ['?organisation=none', [3]],
  ])('filters %s', async (query, expected) => {
    const page = await loadAudit(query)
    expect(seqs(page.events)).toEqual(expected)
    expect(page.total).toBe(expected.length)
    expect(page.filtered).toBe(true)
    expect(page.errors).toEqual({})
  })

  test('filters by the actor organisation', async () => {
    const page = await loadAudit(`?organisation=${bank.id}`)
    expect(seqs(page.events)).toEqual([2, 1])
    expect(page.query).toBe(`organisation=${bank.id}`)
  })

  test('reports an invalid filter instead of applying it, and keeps what was typed', async () => {
    const page = await loadAudit('?outcome=bogus&from=2024-03-05&to=2024-03-01&organisation=nope&action=auth.sign_in')
    expect(page.errors).toEqual({ outcome: ['invalid'], organisation: ['invalid'], to: ['invalid'] })
    expect(page.values).toMatchObject({ outcome: 'bogus', organisation: 'nope', to: '2024-03-01' })
    // Only the valid filters apply: action and from.
    expect(seqs(page.events)).toEqual([])
    expect((await loadAudit('?outcome=bogus&action=auth.sign_in')).total).toBe(2)
  })
})

describe('paging', () => {
  beforeAll(async () => {
    await rawCollection('auditevents').deleteMany({})
    for (let i = 1; i <= 125; i++) {
      await recordAudit({
        action: i % 5 === 0 ? 'auth.lockout' : 'auth.sign_in',
        outcome: i % 5 === 0 ? 'denied' : 'success',
        actor: { label: `person${i}@example.org` },
      })
    }
  })

  const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i)

  test('walks 50 events at a time by sequence number, older and newer', async () => {
    const first = await loadAudit('')
    expect(first.total).toBe(125)
    expect(seqs(first.events)).toEqual(range(125, 76))
    expect(first).toMatchObject({ newerBefore: null, olderAfter: 76, paged: false })

    const second = await loadAudit(`?after=${first.olderAfter}`)
    expect(seqs(second.events)).toEqual(range(75, 26))
    expect(second).toMatchObject({ newerBefore: 75, olderAfter: 26, total: 125, paged: true })

    const third = await loadAudit(`?after=${second.olderAfter}`)
    expect(seqs(third.events)).toEqual(range(25, 1))
    expect(third).toMatchObject({ newerBefore: 25, olderAfter: null })

    const back = await loadAudit(`?before=${third.newerBefore}`)
    expect(seqs(back.events)).toEqual(range(75, 26))
    const top = await loadAudit(`?before=${back.newerBefore}`)
    expect(seqs(top.events)).toEqual(range(125, 76))
    expect(top.newerBefore).toBeNull()
  })

  test('keeps the filters while paging', async () => {
    const first = await loadAudit('?outcome=denied&after=126')
    expect(first.total).toBe(25)
    expect(seqs(first.events)).toEqual(range(125, 1).filter((seq) => seq % 5 === 0))
    expect(first.olderAfter).toBeNull()
    const small = await loadAudit('?prefix=auth.&after=10')
    expect(seqs(small.events)).toEqual(range(9, 1))
  })

  test('a page past the end is empty, not an error', async () => {
    const page = await loadAudit('?after=1')
    expect(page.events).toEqual([])
    expect(page).toMatchObject({ total: 125, olderAfter: null, newerBefore: null, paged: true })
  })
})

describe('a tampered log', () => {
  test('shows the first broken event on the page', async () => {
    await rawCollection('auditevents').deleteMany({})
    for (let i = 1; i <= 5; i++) await recordAudit({ action: 'auth.sign_out', actor: { label: `p${i}@example.org` } })
    const victim = await rawCollection('auditevents').findOne({ seq: 3 })
    await rawCollection('auditevents').updateOne({ seq: 3 }, { $set: { actorLabel: 'someone-else@example.org' } })
    const page = await loadAudit('')
    expect(page.chain).toEqual({ ok: false, checked: 2, brokenAt: { seq: 3, id: String(victim?._id), reason: 'hash' } })
    // The table still lists every event, so the broken one can be inspected.
    expect(seqs(page.events)).toEqual([5, 4, 3, 2, 1])
  })

  test('an empty log is reported as such', async () => {
    await rawCollection('auditevents').deleteMany({})
    const page = await loadAudit('')
    expect(page).toMatchObject({ events: [], total: 0, filtered: false })
    expect(page.chain).toEqual({ ok: true, checked: 0 })
  })
})
