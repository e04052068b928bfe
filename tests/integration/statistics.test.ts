import { beforeAll, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import type { OrganisationKind, Role } from '~/domain/vocabulary'
import { createInitiative } from '~/initiatives/initiatives.server'
import { designateOperator } from '~/platform/operator.server'
import type { Viewer } from '~/policy/permissions'
import Statistics, { loader } from '~/routes/statistics'
import { createTasks, submitReport, transitionTask, type ReportedAction } from '~/tasks/tasks.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { call, get, routeArgs, signedInClient } from '../support/requests'
import { renderRoute } from './reports-support'

const DAY = 24 * 60 * 60 * 1000
const CLEAR_TITLE = 'Open campaign against pay-per-view storefronts'
const AMBER_TITLE = 'Partners-only disruption of the Nimbus processor'
const names: string[] = []

async function viewerOf(kind: OrganisationKind, roles: Role[], status: 'active' | 'applied' | 'suspended' = 'active') {
  const organisation = await createTestOrganisation({ kind, status })
  names.push(organisation.legalName)
  if (status !== 'active') return { organisationId: organisation.id, viewer: null }
  const user = await createTestUser({ organisationId: organisation.id, roles })
  return { organisationId: organisation.id, viewer: (await getViewer(get('/', await signedInClient(user)))) as Viewer }
}

const quarterKey = (date: Date) => `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`
const now = new Date()
const earlier = new Date(now.getTime() - 100 * DAY)

let centre: Viewer
let storefronts = 0
const acquirers: Viewer[] = []

/** One task for a partner, reported and (unless told otherwise) verified by the centre. */
async function reportedTask(partner: Viewer, actions: ReportedAction[], { initiativeId, verify = true }: { initiativeId?: string; verify?: boolean } = {}) {
  const { ids } = await createTasks(centre, {
    title: `Stop card acceptance at storefront ${++storefronts}`,
    assigneeOrganisationIds: [partner.organisationId],
    initiativeId,
  })
  const id = ids[0] as string
  await transitionTask(partner, id, 'acknowledge')
  await submitReport(partner, id, actions)
  if (verify) await transitionTask(centre, id, 'verify')
}

const action = (type: ReportedAction['type'], quantity: number, actionDate = now): ReportedAction => ({ type, quantity, actionDate, reference: 'CASE-9' })

beforeAll(async () => {
  centre = (await viewerOf('national_centre', ['staff'])).viewer as Viewer
  for (let i = 0; i < 6; i++) acquirers.push((await viewerOf('acquirer_processor', ['member'])).viewer as Viewer)
  const bank = (await viewerOf('bank', ['member'])).viewer as Viewer
  await viewerOf('bank', ['member'])
  await viewerOf('bank', [], 'applied')
  await viewerOf('isp', [], 'suspended')
  for (let i = 0; i < 4; i++) await viewerOf('other', ['member'])
  const operator = await createTestOrganisation({ kind: 'other', status: 'active' })
  names.push(operator.legalName)
  await designateOperator(operator.id)

  const clear = await createInitiative(centre, {
    title: CLEAR_TITLE,
    purpose: 'A public campaign whose figures the partnership publishes.',
    status: 'active',
    tlp: 'CLEAR',
    objectives: [{ actionType: 'merchant_terminated', target: 10 }],
  })
  const amber = await createInitiative(centre, { title: AMBER_TITLE, purpose: 'Disrupt one processor; partners only.', status: 'active', tlp: 'AMBER' })
  for (let i = 0; i < 3; i++) await createInitiative(centre, { title: `Regional sweep ${i}`, purpose: 'Sweep the regional storefronts.', status: 'active' })
  await createInitiative(centre, { title: 'Last year sweep', purpose: 'A finished campaign of last year.', status: 'completed' })
  await createInitiative(centre, { title: 'Next year sweep', purpose: 'A campaign still being planned.', status: 'planned' })

  // Six verified terminations this quarter (two of them in the CLEAR initiative), one report never verified.
  for (const [index, acquirer] of acquirers.entries()) {
    await reportedTask(acquirer, [action('merchant_terminated', 1)], { initiativeId: index < 2 ? clear : amber })
  }
  await reportedTask(acquirers[0] as Viewer, [action('merchant_terminated', 10)], { verify: false })
  // Two URLs blocked this quarter and seven sets of funds frozen a hundred days ago.
  await reportedTask(bank, [action('url_blocked', 2), action('funds_frozen', 7, earlier)])
})

describe('public statistics', () => {
  test('answer without sign-in, with every count as shown to the public and small ones as "<5"', async () => {
    const result = await call(() => loader(routeArgs(get('/statistics'))))
    if (result instanceof Response) throw new Error(`unexpected response ${result.status}`)
    const { statistics } = result
    expect(statistics.initiatives).toEqual({ active: '5', completed: '<5' })

    const kinds = Object.fromEntries(statistics.organisations.byKind.map((row) => [row.kind, row.count]))
    // Six active acquirers; two active banks (the applied one is not counted); four "other" organisations
    // (the operator would make five); the suspended ISP is not counted.
    expect(kinds).toMatchObject({ acquirer_processor: '6', bank: '<5', other: '<5', isp: '<5', national_centre: '<5' })
    expect(statistics.organisations.total).toBe('13')

    const quarters = statistics.actions.quarters.map((q) => `${q.year}-Q${q.quarter}`)
    expect(quarters).toHaveLength(4)
    expect(quarters.at(-1)).toBe(quarterKey(now))
    const row = (type: string) => statistics.actions.rows.find((r) => r.type === type)
    const current = quarters.length - 1
    // The unverified report's ten terminations are not counted.
    expect(row('merchant_terminated')?.byQuarter[current]).toBe('6')
    expect(row('merchant_terminated')?.total).toBe('6')
    expect(row('url_blocked')?.byQuarter[current]).toBe('<5')
    expect(row('funds_frozen')?.byQuarter[quarters.indexOf(quarterKey(earlier))]).toBe('7')
    expect(row('funds_frozen')?.total).toBe('7')
    expect(row('str_filed')?.total).toBe('<5')
  })

  test('name no organisation and no initiative except those labelled TLP:CLEAR', async () => {
    const result = await call(() => loader(routeArgs(get('/statistics'))))
    const data = JSON.stringify(result)
    for (const name of names) expect(data).not.toContain(name)
    expect(data).not.toContain(AMBER_TITLE)
    expect(data).not.toContain('Regional sweep')
    expect(data).not.toContain('Stop card acceptance')
    expect(data).toContain(CLEAR_TITLE)

    const page = await renderRoute({ path: '/statistics', pattern: 'statistics', loader, Component: Statistics })
    expect(page).toContain('Partnership statistics')
    expect(page).toContain('Every count under 5 is shown as “<5”')
    expect(page).toContain(CLEAR_TITLE)
    // Two verified terminations in the CLEAR initiative against a target of 10; both of its tasks are done.
    expect(page).toContain('Merchant terminated: <5 of a target of 10')
    expect(page).toContain('Completion: 100%')
    expect(page).not.toContain(AMBER_TITLE)
    for (const name of names) expect(page).not.toContain(name)
  })

  test('read the same in French', async () => {
    const page = await renderRoute({ path: '/statistics', pattern: 'statistics', loader, Component: Statistics, language: 'fr' })
    expect(page).toContain('Statistiques du partenariat')
    expect(page).toContain('Initiatives en cours')
    expect(page).toContain(`T${Math.floor(now.getUTCMonth() / 3) + 1} ${now.getUTCFullYear()}`)
  })
})
