import mongoose from 'mongoose'
import { beforeAll, describe, expect, test } from 'vitest'
import { PEOPLE_PAGE_SIZE } from '~/people/people.server'
import { loader as listLoader } from '~/routes/people._index'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { call, get, routeArgs, signedInClient, type Client } from '../support/requests'

type Page = {
  page: { people: { id: string; name: string; email: string; status: string; mfaEnrolled: boolean; lastSignInAt: string | null }[]; next: string | null; previous: string | null }
  invitations: { email: string }[]
}

function isPage(value: unknown): value is Page {
  return typeof value === 'object' && value !== null && 'page' in value && 'invitations' in value
}

async function list(client: Client, search = '') {
  const result = await call(() => listLoader(routeArgs(get(`/people${search}`, client))))
  if (!isPage(result)) throw new Error(`expected a page, got ${result instanceof Response ? result.status : String(result)}`)
  return result
}

/** Every page, following `after` cursors from the first. */
async function walk(client: Client, query: string) {
  const pages: Page['page'][] = []
  let after: string | null = null
  do {
    const params = new URLSearchParams(query)
    if (after) params.set('after', after)
    const { page } = await list(client, `?${params}`)
    pages.push(page)
    after = page.next
  } while (after && pages.length < 20)
  return pages
}

const names = (pages: Page['page'][]) => pages.flatMap((page) => page.people.map((person) => person.name))

let client: Client
let admin: TestUser
let people: TestUser[]
const signInTimes = new Map<string, Date>()

async function recordSignIns(who: TestUser[]) {
  const users = mongoose.connection.collection('users')
  const base = Date.UTC(2025, 0, 1)
  for (const [index, person] of who.entries()) {
    const at = new Date(base + Math.floor(index / 4) * 60_000)
    signInTimes.set(person.id, at)
    await users.updateOne({ _id: new mongoose.Types.ObjectId(person.id) }, { $set: { lastSignInAt: at } })
  }
}

/** Walks both directions of the last-sign-in order and checks it is complete, unique and ordered. */
async function expectSignInOrder(viewer: Client, total: number) {
  for (const dir of ['desc', 'asc'] as const) {
    const pages = await walk(viewer, `sort=lastSignIn&dir=${dir}`)
    expect(pages.length).toBeGreaterThan(1)
    const rows = pages.flatMap((page) => page.people)
    expect(rows).toHaveLength(total)
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length)
    const times = rows.map((row) => (row.lastSignInAt ? Date.parse(row.lastSignInAt) : null))
    const signedIn = times.filter((time): time is number => time !== null)
    expect(signedIn).toEqual([...signedIn].sort((a, b) => (dir === 'asc' ? a - b : b - a)))
    // Newest first ends with those who never signed in; oldest first starts with them.
    if (dir === 'desc') expect(times.indexOf(null)).toBeGreaterThan(times.findLastIndex((time) => time !== null))
    else expect(times.lastIndexOf(null)).toBeLessThan(times.findIndex((time) => time !== null))
    for (const row of rows) expect(row.lastSignInAt).toBe(signInTimes.get(row.id)?.toISOString() ?? null)
  }
}

beforeAll(async () => {
  const organisation = await createTestOrganisation({ kind: 'payment_service' })
  admin = await createTestUser({ organisationId: organisation.id, roles: ['admin'], name: 'Zelda Admin', email: 'zelda@pay.example' })
  people = []
  for (let i = 0; i < PEOPLE_PAGE_SIZE + 7; i++) {
    const number = String(i).padStart(2, '0')
    people.push(
      await createTestUser({
        organisationId: organisation.id,
        roles: i % 4 === 0 ? ['admin'] : ['member'],
        name: `Person ${number}`,
        email: `person${number}@pay.example`,
        status: i % 5 === 0 ? 'deactivated' : 'active',
        enrolled: i % 3 !== 0,
      }),
    )
  }
  // Most have signed in (several at the very same moment), a few never did.
  await recordSignIns(people.filter((_, index) => index % 8 !== 7))
  client = await signedInClient(admin)

  // Another organisation's people never appear.
  const other = await createTestOrganisation({ kind: 'bank' })
  await createTestUser({ organisationId: other.id, roles: ['member'], name: 'Person Elsewhere', email: 'person-elsewhere@bank.example' })
})

describe('the people list', () => {
  test('shows only the viewer’s organisation, sorted by name, in keyset pages that join up', async () => {
    const pages = await walk(client, '')
    expect(pages.length).toBe(2)
    expect(pages[0]?.people).toHaveLength(PEOPLE_PAGE_SIZE)
    expect(pages[0]?.previous).toBeNull()
    expect(pages[1]?.previous).not.toBeNull()
    const all = names(pages)
    expect(all).toHaveLength(people.length + 1)
    expect(all).toEqual([...people.map((person) => person.name), 'Zelda Admin'])
    expect(all).not.toContain('Person Elsewhere')
    const row = pages[0]?.people.find((person) => person.id === people[15]?.id)
    expect(row).toMatchObject({ email: 'person15@pay.example', status: 'deactivated', mfaEnrolled: false, lastSignInAt: null })
    expect(pages[0]?.people.find((person) => person.id === people[1]?.id)).toMatchObject({ status: 'active', mfaEnrolled: true })
  })

  test('pages backwards with the `before` cursor', async () => {
    const [first, second] = await walk(client, 'sort=email&dir=desc')
    expect(second?.previous).toBeTruthy()
    const back = await list(client, `?sort=email&dir=desc&before=${second?.previous}`)
    expect(back.page.people.map((person) => person.id)).toEqual(first?.people.map((person) => person.id))
    expect(back.page.previous).toBeNull()
    expect(back.page.next).toBeTruthy()
  })

  test('sorts by last sign-in both ways; people who never signed in come last when newest first', async () => {
    await expectSignInOrder(client, people.length + 1)
  })

  test('pages through last sign-ins when most people never signed in', async () => {
    const organisation = await createTestOrganisation({ kind: 'isp' })
    const manager = await createTestUser({ organisationId: organisation.id, roles: ['admin'] })
    const crowd: TestUser[] = [manager]
    for (let i = 0; i < PEOPLE_PAGE_SIZE + 5; i++) crowd.push(await createTestUser({ organisationId: organisation.id, roles: ['member'] }))
    await recordSignIns(crowd.slice(-3))
    await expectSignInOrder(await signedInClient(manager), crowd.length)
  })

  test('searches by name or e-mail, whatever the case, and filters by role and status', async () => {
    expect((await list(client, '?q=PERSON1')).page.people.map((person) => person.name)).toEqual(
      people.filter((person) => person.email.startsWith('person1')).map((person) => person.name),
    )
    expect((await list(client, '?q=zelda%40pay')).page.people.map((person) => person.id)).toEqual([admin.id])
    // Regular-expression characters are taken literally.
    expect((await list(client, '?q=.*')).page.people).toEqual([])

    const admins = names(await walk(client, 'role=admin'))
    expect(admins).toEqual([...people.filter((_, i) => i % 4 === 0).map((person) => person.name), 'Zelda Admin'])
    const deactivated = names(await walk(client, 'status=deactivated'))
    expect(deactivated).toEqual(people.filter((_, i) => i % 5 === 0).map((person) => person.name))
    const activeAdmins = names(await walk(client, 'role=admin&status=active'))
    expect(activeAdmins).toEqual([...people.filter((_, i) => i % 4 === 0 && i % 5 !== 0).map((person) => person.name), 'Zelda Admin'])
  })

  test('shows an empty page, not an error, when nothing matches or the query is nonsense', async () => {
    expect((await list(client, '?q=nobody-at-all')).page).toEqual({ people: [], next: null, previous: null })
    const nonsense = await list(client, '?sort=passwordHash&dir=sideways&role=root&status=maybe&after=%7B%7D&before=bad')
    expect(nonsense.page.people.length).toBe(PEOPLE_PAGE_SIZE)
    expect(nonsense.page.people[0]?.name).toBe('Person 00')
  })

  test('never sends secrets to the page', async () => {
    const result = await list(client, '')
    const text = JSON.stringify(result)
    for (const secret of ['passwordHash', 'totpSecret', 'recoveryCodeHashes', admin.totpSecret ?? 'no-secret']) {
      expect(text).not.toContain(secret)
    }
  })
})
