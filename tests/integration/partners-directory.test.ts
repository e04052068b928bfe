import { beforeAll, describe, expect, test } from 'vitest'
import { canSeeOrganisation } from '~/partners/policy'
import { loader as profileLoader } from '~/routes/partners.$organisationId'
import { loader as directoryLoader } from '~/routes/partners._index'
import { localeCookie } from '~/utils/i18next.server'
import { createTestOrganisation } from '../factories/organisations'
import { call, get, routeArgs, withCookie, type Client } from '../support/requests'
import { body, member, outcome } from './partners-support'

async function directory(client: Client, search = '') {
  return body(await call(() => directoryLoader(routeArgs(get(`/partners${search}`, client)))))
}

async function profile(client: Client, id: string) {
  return outcome(await call(() => profileLoader(routeArgs(get(`/partners/${id}`, client), { organisationId: id }))))
}

/** A family of organisations sharing a marker in their names, one per status, for searches that see only them. */
const marker = `Qzx${Math.random().toString(36).slice(2, 7)}`
let orgs: Record<'active' | 'probation' | 'suspended' | 'applied' | 'rejected', { id: string; legalName: string }>
let operatorId: string

beforeAll(async () => {
  const make = (status: keyof typeof orgs, kind: 'bank' | 'isp' = 'bank') =>
    createTestOrganisation({ status, kind, legalName: `${marker} ${status} ${kind}`, country: 'NL' })
  orgs = {
    active: await make('active'),
    probation: await make('probation', 'isp'),
    suspended: await make('suspended'),
    applied: await make('applied'),
    rejected: await make('rejected'),
  }
  const operator = await member({ kind: 'other', isOperator: true, overrides: { legalName: `${marker} operator` } })
  operatorId = operator.organisation.id
})

const names = (items: { legalName: string }[]) => items.map((item) => item.legalName).sort()

describe('who is listed', () => {
  test('a partner sees active and probation members with their contact points, nothing else', async () => {
    const { client } = await member({ kind: 'bank' })
    const page = await directory(client, `?q=${marker}`)
    expect(names(page.items)).toEqual([orgs.active.legalName, orgs.probation.legalName].sort())
    expect(page.total).toBe(2)
    expect(page.contactHidden).toBeNull()
    expect(page.items.every((item) => item.contact && item.contact.email.includes('@'))).toBe(true)
    expect(page.statuses).toEqual(['active', 'probation'])
  })

  test('a centre also sees suspended organisations', async () => {
    const { client } = await member({ kind: 'national_centre', roles: ['staff'] })
    const page = await directory(client, `?q=${marker}`)
    expect(names(page.items)).toEqual([orgs.active.legalName, orgs.probation.legalName, orgs.suspended.legalName].sort())
    expect(page.items.find((item) => item.id === orgs.suspended.id)).toMatchObject({ status: 'suspended' })
  })

  test('an organisation on probation sees the members but not their contact points, and is told why', async () => {
    const { client } = await member({ kind: 'isp', status: 'probation' })
    const page = await directory(client, `?q=${marker}`)
    expect(page.items).toHaveLength(2)
    expect(page.items.every((item) => item.contact === null)).toBe(true)
    expect(page.contactHidden).toBe('probation')
    expect(JSON.stringify(page)).not.toMatch(/"email"|"phone"/)
  })

  test('the operator is not listed and does not see contact points', async () => {
    const { client } = await member({ kind: 'other', isOperator: true })
    const page = await directory(client, `?q=${marker}`)
    expect(page.items.map((item) => item.id)).not.toContain(operatorId)
    expect(page.contactHidden).toBe('operator')
    expect(page.items.every((item) => item.contact === null)).toBe(true)
  })

  test('asking for a status one may not see lists nothing extra', async () => {
    const { client } = await member({ kind: 'bank' })
    for (const status of ['suspended', 'applied', 'rejected']) {
      const page = await directory(client, `?q=${marker}&status=${status}`)
      expect(page.items.map((item) => item.id)).not.toContain(orgs[status as keyof typeof orgs].id)
    }
  })
})

describe('an organisation’s page', () => {
  test('answers 404 where the directory would not list it', async () => {
    const partner = await member({ kind: 'bank' })
    const centre = await member({ kind: 'national_centre' })
    expect((await profile(partner.client, orgs.active.id)).status).toBe(200)
    expect((await profile(partner.client, orgs.probation.id)).status).toBe(200)
    expect((await profile(partner.client, orgs.suspended.id)).status).toBe(404)
    expect((await profile(centre.client, orgs.suspended.id)).status).toBe(200)
    // Applications are seen in the vetting queue, not here, even by coordinators.
    for (const id of [orgs.applied.id, orgs.rejected.id, operatorId, '0123456789abcdef01234567', 'not-an-id']) {
      expect((await profile(centre.client, id)).status).toBe(404)
      expect((await profile(partner.client, id)).status).toBe(404)
    }
  })

  test('shows the contact point only to those who see community material', async () => {
    const partner = await member({ kind: 'bank' })
    const newcomer = await member({ kind: 'bank', status: 'probation' })
    const shown = (await profile(partner.client, orgs.active.id)).body as { profile: { contact: unknown; contactHidden: unknown } }
    expect(shown.profile.contact).toMatchObject({ email: expect.stringContaining('@') })
    const hidden = (await profile(newcomer.client, orgs.active.id)).body as { profile: { contact: unknown; contactHidden: unknown; agreementReference: unknown } }
    expect(hidden.profile).toMatchObject({ contact: null, contactHidden: 'probation', agreementReference: null })
  })

  test('the visibility rule and the pages agree', async () => {
    const partner = await member({ kind: 'bank' })
    const centre = await member({ kind: 'national_centre' })
    for (const [status, { id }] of Object.entries(orgs)) {
      for (const { viewer, client } of [partner, centre]) {
        const visible = canSeeOrganisation(viewer, { id, status: status as keyof typeof orgs })
        expect((await profile(client, id)).status).toBe(visible ? 200 : 404)
      }
    }
  })

  test('a signed-out visitor is sent to sign in', async () => {
    const result = outcome(await call(() => directoryLoader(routeArgs(get('/partners')))))
    expect(result.status).toBe(302)
    expect(result.location).toMatch(/^\/login/)
  })
})

describe('search, filters, sorting and paging', () => {
  const family = `Pgx${Math.random().toString(36).slice(2, 7)}`
  const countries = ['DE', 'FR', 'AT', 'BE', 'ES']
  beforeAll(async () => {
    for (let i = 0; i < 30; i++) {
      await createTestOrganisation({
        status: 'active',
        kind: i % 3 === 0 ? 'card_scheme' : 'payment_service',
        country: countries[i % countries.length],
        legalName: `${family} Member ${String(i).padStart(2, '0')}`,
      })
    }
    await createTestOrganisation({ status: 'active', kind: 'bank', country: 'DE', legalName: `${family.toUpperCase()} a.c. Bank` })
    await createTestOrganisation({ status: 'active', kind: 'bank', country: 'DE', legalName: `${family} abc Bank` })
  })

  test('search is case-insensitive and takes the text literally', async () => {
    const { client } = await member()
    const upper = await directory(client, `?q=${family.toUpperCase()}%20A.C.`)
    expect(names(upper.items)).toEqual([`${family.toUpperCase()} a.c. Bank`])
    const lower = await directory(client, `?q=${family.toLowerCase()}`)
    expect(lower.total).toBe(32)
  })

  test('filters by kind and country, and counts what matches', async () => {
    const { client } = await member()
    const schemes = await directory(client, `?q=${family}&kind=card_scheme`)
    expect(schemes.total).toBe(10)
    expect(schemes.items.every((item) => item.kind === 'card_scheme')).toBe(true)
    const german = await directory(client, `?q=${family}&country=DE`)
    expect(german.total).toBe(8)
    expect(german.items.every((item) => item.country === 'DE')).toBe(true)
    const none = await directory(client, `?q=${family}&kind=crypto_exchange`)
    expect(none).toMatchObject({ total: 0, items: [], next: null, previous: null })
  })

  test('pages of 25 by name, forwards and back, without gaps or repeats', async () => {
    const { client } = await member()
    const first = await directory(client, `?q=${family}`)
    expect(first.items).toHaveLength(25)
    expect(first.previous).toBeNull()
    expect(first.next).toEqual(expect.any(String))
    const second = await directory(client, `?q=${family}&after=${first.next}`)
    expect(second.items).toHaveLength(7)
    expect(second.next).toBeNull()
    const all = [...first.items, ...second.items].map((item) => item.legalName)
    expect(new Set(all).size).toBe(32)
    expect(all).toEqual([...all].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)))
    const back = await directory(client, `?q=${family}&before=${second.previous}`)
    expect(back.items.map((item) => item.id)).toEqual(first.items.map((item) => item.id))
    expect(back.previous).toBeNull()
  })

  test('sorts by country (then name) and by date joined, newest first', async () => {
    const { client } = await member()
    const byCountry = await directory(client, `?q=${family}&sort=country`)
    const codes = byCountry.items.map((item) => item.country)
    expect(codes).toEqual([...codes].sort())
    expect(codes[0]).toBe('AT')
    const descending = await directory(client, `?q=${family}&sort=country&dir=desc`)
    expect(descending.items[0]?.country).toBe('FR')

    const byDate = await directory(client, `?q=${family}&sort=joined`)
    const joined = byDate.items.map((item) => item.joinedAt)
    expect(joined).toEqual([...joined].sort().reverse())
    const rest = await directory(client, `?q=${family}&sort=joined&after=${byDate.next}`)
    expect(rest.items).toHaveLength(7)
    expect(rest.items.every((item) => item.joinedAt <= (joined[joined.length - 1] ?? ''))).toBe(true)
  })

  test('country names follow the reader’s language, as do the country filter’s options', async () => {
    const { client } = await member()
    const russian = withCookie(client, await localeCookie.serialize('ru'))
    const page = await directory(russian, `?q=${family}&country=DE`)
    expect(page.items[0]?.countryName).toBe('Германия')
    expect(page.countries.find((country) => country.code === 'FR')?.name).toBe('Франция')
  })

  test('a cursor that is not ours starts from the first page', async () => {
    const { client } = await member()
    const page = await directory(client, `?q=${family}&after=bm90LWEtY3Vyc29y`)
    expect(page.items).toHaveLength(25)
    expect(page.items[0]?.legalName).toBe(`${family.toUpperCase()} a.c. Bank`)
  })
})
