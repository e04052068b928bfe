import type { LoaderFunctionArgs } from '@remix-run/node'
import { createInstance } from 'i18next'
import { createElement, type ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import type { OrganisationKind, Role } from '~/domain/vocabulary'
import { createInitiative, inviteParticipants, loadInitiative, respondToInvitation } from '~/initiatives/initiatives.server'
import { initiativeProgress } from '~/initiatives/progress.server'
import type { Viewer } from '~/policy/permissions'
import InitiativePage, { action as pageAction, loader as pageLoader } from '~/routes/initiatives.$initiativeId'
import EditPage, { action as editAction, loader as editLoader } from '~/routes/initiatives.$initiativeId_.edit'
import InitiativesPage, { loader as listLoader } from '~/routes/initiatives._index'
import { createTasks, submitReport, transitionTask, type ReportedAction } from '~/tasks/tasks.server'
import { i18nConfig, type Language } from '~/utils/i18n'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient, testContext, type Client } from '../support/requests'
import { body, outcome } from './partners-support'

/**
 * The reference scenario of initiative-progress.test.ts, driven through the pages: the initiative
 * page and the coordinator overview must show the progress module's numbers unchanged.
 */

const DAY = 24 * 60 * 60 * 1000
const start = new Date('2030-04-01T09:00:00Z')
const due = new Date('2030-04-15T09:00:00Z')

type Person = { user: TestUser; organisationId: string }

async function person(kind: OrganisationKind, roles: Role[], legalName: string, country = 'FR'): Promise<Person> {
  const organisation = await createTestOrganisation({ kind, status: 'active', legalName, country })
  const user = await createTestUser({ organisationId: organisation.id, roles })
  return { user, organisationId: organisation.id }
}

/** Signs in now (sessions expire: the scenario moves the clock) and returns the client and the viewer. */
async function signIn(who: Person): Promise<{ client: Client; viewer: Viewer }> {
  const client = await signedInClient(who.user)
  const viewer = await getViewer(get('/', client))
  if (!viewer) throw new Error('could not sign in')
  return { client, viewer }
}

/** Server-renders a page the way Remix does (its loader through a data router, then the component). */
async function render(
  path: string,
  client: Client,
  page: { pattern: string; loader: (args: LoaderFunctionArgs) => Promise<unknown>; Component: ComponentType },
  language: Language = 'en',
) {
  const handler = createStaticHandler([
    {
      id: 'root',
      path: '/',
      loader: () => ({ csrfToken: client.csrf }),
      element: createElement(Outlet),
      children: [
        {
          id: 'page',
          path: page.pattern,
          loader: ({ request, params }) => page.loader({ request, params, context: testContext }),
          element: createElement(page.Component),
        },
      ],
    },
  ])
  const context = await handler.query(new Request(`http://localhost${path}`, { headers: { cookie: client.cookie } }))
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`)
  expect(context.errors).toBeNull()
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

/** Untranslated keys show up as their dotted names. */
const rawKeys = (html: string) =>
  html.match(/\b(list|overview|progress|charts|partners|overdue|milestones|updates|manage|detail|exports|rules|health|status|format|form|invitations)\.[a-zA-Z.]+\b/g) ?? []

let centre: Person
let coordinator: Person
let otherCentre: Person
const partners = {} as Record<'V' | 'M' | 'A' | 'B' | 'I', Person>
let initiativeId: string
let greenId: string

const report = (type: ReportedAction['type'], quantity = 1): ReportedAction[] => [
  { type, quantity, actionDate: new Date('2030-04-10T12:00:00Z'), reference: 'REF-1' },
]

const openPage = async (who: Person, id: string, search = '') => {
  const { client } = await signIn(who)
  return call(() => pageLoader(routeArgs(get(`/initiatives/${id}${search}`, client), { initiativeId: id })))
}
const pageOf = async (who: Person, id: string) => {
  const page = body(await openPage(who, id)).page
  if (page.side === 'invited') throw new Error('expected the full page')
  return page
}
const overview = async (who: Person, search = '') => {
  const { client } = await signIn(who)
  return body(await call(() => listLoader(routeArgs(get(`/initiatives${search}`, client)))))
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(start)
  centre = await person('national_centre', ['staff'], 'Centre Pages Test', 'FR')
  coordinator = { user: await createTestUser({ organisationId: centre.organisationId, roles: ['coordinator'] }), organisationId: centre.organisationId }
  otherCentre = await person('national_centre', ['staff'], 'Other Centre Pages Test', 'DE')
  partners.V = await person('card_scheme', ['member'], 'Scheme V')
  partners.M = await person('card_scheme', ['member'], 'Scheme M')
  partners.A = await person('acquirer_processor', ['member'], 'Acquirer A')
  partners.B = await person('acquirer_processor', ['member'], 'Acquirer B')
  partners.I = await person('isp', ['member'], 'ISP I')
  const lead = (await signIn(centre)).viewer
  const viewers = {} as Record<keyof typeof partners, Viewer>
  for (const key of Object.keys(partners) as (keyof typeof partners)[]) viewers[key] = (await signIn(partners[key])).viewer

  initiativeId = await createInitiative(lead, {
    title: 'Card payment disruption, spring 2030',
    purpose: 'Cut card acceptance of the storefront network; data used for this disruption only.',
    status: 'active',
    startAt: start,
    targetAt: due,
    objectives: [{ actionType: 'merchant_terminated', target: 20 }],
  })
  await inviteParticipants(lead, initiativeId, Object.values(partners).map((p) => p.organisationId))
  for (const viewer of Object.values(viewers)) await respondToInvitation(viewer, initiativeId, true)

  const counts = { V: 2, M: 2, A: 3, B: 2, I: 1 } as const
  const tasks = {} as Record<keyof typeof counts, string[]>
  for (const [key, count] of Object.entries(counts) as [keyof typeof counts, number][]) {
    tasks[key] = []
    for (let i = 0; i < count; i++) {
      const { ids } = await createTasks(lead, { title: `${key} task ${i + 1}`, assigneeOrganisationIds: [partners[key].organisationId], dueAt: due, initiativeId })
      tasks[key].push(ids[0] as string)
    }
  }
  vi.setSystemTime(new Date(due.getTime() - 3 * DAY))
  const work = async (key: keyof typeof counts, index: number, type: ReportedAction['type']) => {
    const id = tasks[key][index] as string
    await transitionTask(viewers[key], id, 'acknowledge')
    await submitReport(viewers[key], id, report(type))
    await transitionTask(lead, id, 'verify')
  }
  await work('V', 0, 'notice_sent')
  await work('V', 1, 'notice_sent')
  await work('M', 0, 'notice_sent')
  await work('A', 0, 'merchant_terminated')
  await work('A', 1, 'merchant_terminated')
  await transitionTask(viewers.A, tasks.A[2] as string, 'notApplicable', { reason: 'No relationship found.' })
  await work('B', 0, 'merchant_terminated')

  // Another centre's initiative, shared with every active organisation (TLP:GREEN), still planned.
  greenId = await createInitiative((await signIn(otherCentre)).viewer, {
    title: 'Crypto off-ramp mapping',
    purpose: 'Map the exchanges used to cash out; data used for this mapping only.',
    status: 'planned',
    tlp: 'GREEN',
  })
  // The day after the due date.
  vi.setSystemTime(new Date(due.getTime() + DAY))
})

afterAll(() => {
  vi.useRealTimers()
})

describe('the initiative page shows the progress module’s figures', () => {
  test('completion 70 % (rule stated), merchants terminated 3 of 20, overdue M, B and I', async () => {
    const page = await pageOf(centre, initiativeId)
    expect(page.side).toBe('lead')
    expect(page.completion).toMatchObject({ done: 7, total: 10, percent: 70, rule: 'includeNotApplicable' })
    expect(page.alternativeCompletion).toBeNull()
    expect(page.kpis).toEqual([{ actionType: 'merchant_terminated', target: 20, achieved: 3, percent: 15 }])
    expect(page.overdue.map((o) => [o.organisationName, o.daysOverdue]).sort()).toEqual([
      ['Acquirer B', 1],
      ['ISP I', 1],
      ['Scheme M', 1],
    ])
    // The lead centre owns the tasks: it may open each one and sees each partner's contact point.
    expect(page.overdue.every((o) => o.taskId && o.title && o.contact?.email.includes('@'))).toBe(true)
  })

  test('every number is the progress module’s, unchanged', async () => {
    const page = await pageOf(centre, initiativeId)
    const { initiative } = await loadInitiative((await signIn(centre)).viewer, initiativeId)
    const progress = await initiativeProgress(initiative)
    expect(page.completion).toEqual(progress.completion)
    expect(page.kpis).toEqual(progress.kpis)
    expect(page.partners).toEqual(progress.partners)
    expect(page.actionsPerWeek).toEqual(progress.actionsPerWeek)
    expect(page.burnup).toEqual(progress.burnup)
    expect(page.overdue.map((o) => [o.key, o.daysOverdue, o.dueAt])).toEqual(progress.overdue.map((o) => [o.taskId, o.daysOverdue, o.dueAt]))
    expect(page.health).toEqual({ value: progress.suggestedHealth, suggested: true, suggestion: progress.suggestedHealth })
  })

  test('a partner taking part sees the same figures, with the tasks shared with it', async () => {
    const page = await pageOf(partners.M, initiativeId)
    expect(page.side).toBe('participant')
    expect(page.canManage).toBe(false)
    expect(page.lead).toBeNull()
    expect(page.completion.percent).toBe(70)
    expect(page.overdue).toHaveLength(3)
    const own = page.overdue.find((o) => o.organisationName === 'Scheme M')
    expect(own?.title).toBe('M task 2')
  })

  test('the page renders: header with purpose, rule, KPI card, partner table, SVG charts with their data tables, export links', async () => {
    const { client } = await signIn(centre)
    const html = await render(`/initiatives/${initiativeId}`, client, { pattern: 'initiatives/:initiativeId', loader: pageLoader, Component: InitiativePage })
    for (const text of [
      'Card payment disruption, spring 2030',
      'Purpose: what this data may be used for',
      'Cut card acceptance of the storefront network',
      'TLP:AMBER',
      '70%',
      '(verified + closed + not applicable) ÷ all tasks except cancelled ones.',
      'Merchants terminated',
      '3 / 20',
      'Scheme V',
      '11 d',
      'Verified actions per week, by type',
      'Completed tasks against the target date',
      'Show the numbers as a table',
      'suggested',
      `/initiatives/${initiativeId}/tasks.csv`,
      `/initiatives/${initiativeId}/reports.csv`,
      `/initiatives/${initiativeId}/report.pdf`,
      `/initiatives/${initiativeId}/edit`,
    ]) {
      expect(html).toContain(text)
    }
    expect(html.match(/<svg[^>]*role="img"/g)?.length).toBeGreaterThanOrEqual(2)
    expect(html).toMatch(/<title id="[^"]+">Verified actions per week, by type<\/title>/)
    // The stacked-bar chart's table holds the week's numbers: 3 notices and 3 terminations in the week of 8 April.
    expect(html).toMatch(/<th scope="row"[^>]*>Apr 8<\/th><td[^>]*>3<\/td><td[^>]*>3<\/td><td[^>]*>6<\/td>/)
    expect(rawKeys(html)).toEqual([])
  })

  test.each(['fr', 'ru'] as const)('the page renders in %s without raw keys', async (language) => {
    const { client } = await signIn(centre)
    const html = await render(`/initiatives/${initiativeId}`, client, { pattern: 'initiatives/:initiativeId', loader: pageLoader, Component: InitiativePage }, language)
    expect(html).toContain('<svg')
    expect(html).toContain(language === 'fr' ? 'Finalité' : 'Цель')
    expect(rawKeys(html)).toEqual([])
  })
})

describe('the coordinator overview', () => {
  test('lists the initiative with the same completion and overdue count, and the other centre’s TLP:GREEN one', async () => {
    const list = await overview(coordinator)
    expect(list.coordinator).toBe(true)
    const row = list.rows.find((r) => r.id === initiativeId)
    const page = await pageOf(centre, initiativeId)
    expect(row?.completion).toEqual(page.completion)
    expect(row?.overdue).toBe(3)
    expect(row?.kpiAttainment).toBe(15)
    expect(row).toMatchObject({ status: 'active', health: page.health.value, healthSuggested: true, leadCentre: { name: 'Centre Pages Test', country: 'FR' } })
    expect(list.rows.map((r) => r.id).sort()).toEqual([initiativeId, greenId].sort())
  })

  test('filters by status, health, centre and country; sorts by completion', async () => {
    const ids = async (search: string) => (await overview(coordinator, search)).rows.map((r) => r.id)
    expect(await ids('?status=active')).toEqual([initiativeId])
    expect(await ids('?status=planned')).toEqual([greenId])
    expect(await ids('?status=paused')).toEqual([])
    // Past the target date at 70 %: off track; the other has no dates and nothing done: at risk.
    expect(await ids('?health=off_track')).toEqual([initiativeId])
    expect(await ids('?health=at_risk')).toEqual([greenId])
    expect(await ids(`?centre=${centre.organisationId}`)).toEqual([initiativeId])
    expect(await ids(`?centre=${otherCentre.organisationId}`)).toEqual([greenId])
    expect(await ids('?country=DE')).toEqual([greenId])
    expect(await ids('?country=FR&status=active')).toEqual([initiativeId])
    expect(await ids('?sort=completion&dir=asc')).toEqual([greenId, initiativeId])
    expect(await ids('?sort=completion&dir=desc')).toEqual([initiativeId, greenId])
    const filtered = await overview(coordinator, '?status=paused')
    expect(filtered.total).toBe(2)
    expect(filtered.options.countries.map((c) => c.code).sort()).toEqual(['DE', 'FR'])
  })

  test('renders as a table with progress bars, the completion rule and the suggested-health marker; empty state when nothing matches', async () => {
    const { client } = await signIn(coordinator)
    const html = await render('/initiatives', client, { pattern: 'initiatives', loader: listLoader, Component: InitiativesPage })
    for (const text of ['Coordinator overview', 'Card payment disruption, spring 2030', 'Crypto off-ramp mapping', 'role="progressbar"', '(suggested)', 'Off track', 'France', 'Completion counts verified, closed and not-applicable tasks']) {
      expect(html).toContain(text)
    }
    expect(rawKeys(html)).toEqual([])
    const empty = await render('/initiatives?status=paused', client, { pattern: 'initiatives', loader: listLoader, Component: InitiativesPage })
    expect(empty).toContain('No initiative matches these filters.')
  })

  test('centre staff without the coordinator role get the simple list: filters are ignored', async () => {
    const list = await overview(centre, '?status=planned')
    expect(list.coordinator).toBe(false)
    expect(list.filtered).toBe(false)
    expect(list.rows.map((r) => r.id).sort()).toEqual([initiativeId, greenId].sort())
  })
})

describe('the lead’s changes through the pages', () => {
  test('a status update sets the health shown (no longer suggested); the feed is newest first', async () => {
    const { client } = await signIn(centre)
    const first = outcome(await call(() => pageAction(routeArgs(post(`/initiatives/${initiativeId}`, client, { intent: 'update', text: 'Chasing M, B and I.', health: 'at_risk' }), { initiativeId }))))
    expect(first).toMatchObject({ status: 302, location: `/initiatives/${initiativeId}` })
    vi.setSystemTime(new Date(due.getTime() + DAY + 60_000))
    const { client: again } = await signIn(centre)
    await call(() => pageAction(routeArgs(post(`/initiatives/${initiativeId}`, again, { intent: 'update', text: 'B answered.', health: 'on_track' }), { initiativeId })))
    const page = await pageOf(partners.V, initiativeId)
    expect(page.health).toMatchObject({ value: 'on_track', suggested: false })
    expect(page.updates.map((u) => u.text)).toEqual(['B answered.', 'Chasing M, B and I.'])
    const row = (await overview(coordinator)).rows.find((r) => r.id === initiativeId)
    expect(row).toMatchObject({ health: 'on_track', healthSuggested: false })
  })

  test('a partner cannot post an update (403) and an empty one is refused with its message', async () => {
    const { client } = await signIn(partners.V)
    const refused = outcome(await call(() => pageAction(routeArgs(post(`/initiatives/${initiativeId}`, client, { intent: 'update', text: 'Taking over.', health: 'on_track' }), { initiativeId }))))
    expect(refused.status).toBe(403)
    const { client: lead } = await signIn(centre)
    const empty = outcome(await call(() => pageAction(routeArgs(post(`/initiatives/${initiativeId}`, lead, { intent: 'update', text: '', health: 'on_track' }), { initiativeId }))))
    expect(empty.status).toBe(400)
    expect(empty.body).toMatchObject({ intent: 'update', errors: { text: ['required'] } })
  })

  test('excluding not-applicable tasks: 60 % under the stated rule, and 70 % shown as the alternative', async () => {
    const { client } = await signIn(centre)
    const loaded = body(await call(() => editLoader(routeArgs(get(`/initiatives/${initiativeId}/edit`, client), { initiativeId }))))
    expect(loaded.form.objectives[0]).toEqual({ actionType: 'merchant_terminated', target: '20' })
    const fields = {
      intent: 'save',
      title: loaded.form.title,
      purpose: loaded.form.purpose,
      status: loaded.form.status,
      startDate: loaded.form.startDate,
      targetDate: loaded.form.targetDate,
      tlp: loaded.form.tlp,
      excludeNotApplicable: 'on',
      objective_type: ['merchant_terminated', ''],
      objective_target: ['20', ''],
      milestone_id: ['', ''],
      milestone_title: ['Acquirers notified', 'Merchants terminated'],
      milestone_due: ['2030-04-05', '2030-04-30'],
    }
    const saved = outcome(await call(() => editAction(routeArgs(post(`/initiatives/${initiativeId}/edit`, client, fields), { initiativeId }))))
    expect(saved).toMatchObject({ status: 302, location: `/initiatives/${initiativeId}` })
    const page = await pageOf(centre, initiativeId)
    expect(page.completion).toMatchObject({ done: 6, total: 10, percent: 60, rule: 'excludeNotApplicable' })
    expect(page.alternativeCompletion).toMatchObject({ done: 7, total: 10, percent: 70, rule: 'includeNotApplicable' })
    expect(page.milestones.map((m) => [m.title, m.state])).toEqual([
      ['Acquirers notified', 'overdue'],
      ['Merchants terminated', 'upcoming'],
    ])
    const html = await render(`/initiatives/${initiativeId}`, client, { pattern: 'initiatives/:initiativeId', loader: pageLoader, Component: InitiativePage })
    expect(html).toContain('60%')
    expect(html).toContain('not-applicable tasks count among the tasks but not as done')
    expect(html).toContain('Counting not-applicable tasks as done, completion would be 70%')
  })

  test('the lead marks a milestone done; an edit keeps its done date', async () => {
    const { client } = await signIn(centre)
    const before = await pageOf(centre, initiativeId)
    const milestone = before.milestones[0]
    if (!milestone) throw new Error('no milestone')
    const done = outcome(await call(() => pageAction(routeArgs(post(`/initiatives/${initiativeId}`, client, { intent: 'milestone', milestoneId: milestone.id, done: '1' }), { initiativeId }))))
    expect(done.status).toBe(302)
    const after = await pageOf(centre, initiativeId)
    expect(after.milestones[0]).toMatchObject({ id: milestone.id, state: 'done' })
    const loaded = body(await call(() => editLoader(routeArgs(get(`/initiatives/${initiativeId}/edit`, client), { initiativeId }))))
    const rows = loaded.form.milestones.filter((m) => m.title)
    await call(() =>
      editAction(
        routeArgs(
          post(`/initiatives/${initiativeId}/edit`, client, {
            intent: 'save',
            title: loaded.form.title,
            purpose: loaded.form.purpose,
            status: loaded.form.status,
            startDate: loaded.form.startDate,
            targetDate: loaded.form.targetDate,
            tlp: loaded.form.tlp,
            excludeNotApplicable: 'on',
            objective_type: 'merchant_terminated',
            objective_target: '20',
            milestone_id: rows.map((m) => m.id),
            milestone_title: rows.map((m) => (m.id === milestone.id ? 'Acquirers and schemes notified' : m.title)),
            milestone_due: rows.map((m) => m.dueDate),
          }),
          { initiativeId },
        ),
      ),
    )
    const edited = await pageOf(centre, initiativeId)
    expect(edited.milestones[0]).toMatchObject({ id: milestone.id, title: 'Acquirers and schemes notified', state: 'done' })
    // A participant may not mark milestones.
    const { client: partner } = await signIn(partners.A)
    const refused = outcome(await call(() => pageAction(routeArgs(post(`/initiatives/${initiativeId}`, partner, { intent: 'milestone', milestoneId: milestone.id, done: '0' }), { initiativeId }))))
    expect(refused.status).toBe(403)
  })

  test('the edit page renders its rows and keeps the lead’s values', async () => {
    const { client } = await signIn(centre)
    const html = await render(`/initiatives/${initiativeId}/edit`, client, { pattern: 'initiatives/:initiativeId/edit', loader: editLoader, Component: EditPage })
    expect(html).toContain('Acquirers and schemes notified')
    expect(html).toContain('name="milestone_due"')
    expect(html).toContain('Reason for lowering the label')
    expect(rawKeys(html)).toEqual([])
  })
})
