import { randomBytes } from 'node:crypto'
import type { LoaderFunctionArgs } from '@remix-run/node'
import { createInstance } from 'i18next'
import { createElement, type ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeAll, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import IndicatorPage, { action as detailAction, loader as detailLoader } from '~/routes/indicators.$indicatorId'
import IndicatorsPage, { loader as listLoader } from '~/routes/indicators._index'
import NewIndicatorPage, { action as newAction, loader as newLoader } from '~/routes/indicators.new'
import { action as taskAction, loader as taskLoader } from '~/routes/tasks.$taskId'
import { createTasks } from '~/tasks/tasks.server'
import { i18nConfig } from '~/utils/i18n'
import { createTestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient, testContext, withCookie, type Client } from '../support/requests'
import { auditEvents, body, collection, member, outcome } from './partners-support'

/**
 * The indicator pages as a person uses them: the single-entry form (per-field errors, values kept, no
 * card numbers, and the same answer whether or not someone else already holds the value), the purpose
 * asked before personal data is shown, and what the list and detail pages render (defanged values,
 * never links, grades, the untraceable-chain badge).
 */

type Member = Awaited<ReturnType<typeof member>>
type Person = Pick<Member, 'client' | 'viewer'>

const run = randomBytes(4).toString('hex')
let counter = 0
const fresh = (prefix: string) => `${prefix}-${run}-${++counter}.example.com`
const MONERO = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A'
const CARD_NUMBER = '4111 1111 1111 1111'

const postNew = async (who: Person, fields: Record<string, string | string[]>) => outcome(await call(() => newAction(routeArgs(post('/indicators/new', who.client, fields)))))
const openDetail = (client: Client, id: string) => call(() => detailLoader(routeArgs(get(`/indicators/${id}`, client), { indicatorId: id })))
const postDetail = async (client: Client, id: string, fields: Record<string, string>) => call(() => detailAction(routeArgs(post(`/indicators/${id}`, client, fields), { indicatorId: id })))
const list = async (who: Person, query = '') => body(await call(() => listLoader(routeArgs(get(`/indicators${query}`, who.client))))).list

const form = (overrides: Record<string, string | string[]> = {}) => ({ type: 'domain', value: fresh('form'), tlp: 'AMBER', reliability: 'B', credibility: '2', context: '', ...overrides })

async function renderPage(path: string, client: Client, pattern: string, loader: (args: LoaderFunctionArgs) => Promise<unknown>, Component: ComponentType) {
  const handler = createStaticHandler([
    {
      id: 'root',
      path: '/',
      loader: () => ({ csrfToken: client.csrf }),
      element: createElement(Outlet),
      children: [{ id: 'page', path: pattern, loader: ({ request, params }) => loader({ request, params, context: testContext }), element: createElement(Component) }],
    },
  ])
  const context = await handler.query(new Request(`http://localhost${path}`, { headers: { cookie: client.cookie } }))
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`)
  expect(context.errors).toBeNull()
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: 'en' })
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context, hydrate: false })))
}

let bank: Member
let exchange: Member
let centre: Member

beforeAll(async () => {
  bank = await member({ kind: 'bank' })
  exchange = await member({ kind: 'crypto_exchange' })
  centre = await member({ kind: 'national_centre' })
})

describe('the single-entry form', () => {
  test('is for the working roles of centres and partners only', async () => {
    expect(await call(() => newLoader(routeArgs(get('/indicators/new', bank.client))))).not.toBeInstanceOf(Response)
    const operator = await member({ kind: 'other', isOperator: true })
    const dpoUser = await createTestUser({ organisationId: centre.organisation.id, roles: ['dpo'] })
    const dpo = { client: await signedInClient(dpoUser) }
    for (const client of [operator.client, dpo.client]) {
      const answer = await call(() => newLoader(routeArgs(get('/indicators/new', client))))
      expect(answer).toBeInstanceOf(Response)
      expect((answer as Response).status).toBe(403)
    }
  })

  test('answers the same whether or not another organisation holds the value, and leaks nothing of it', async () => {
    const known = fresh('known')
    const unknown = fresh('unknown')
    // The exchange reported `known` long ago, under a label the bank may not see.
    expect((await submitIndicatorBatch(exchange.viewer, [{ type: 'domain', value: known, tlp: 'AMBER+STRICT', reliability: 'A', credibility: '1', firstSeenAt: '2019-05-01', lastSeenAt: '2019-06-01', context: 'Seen in 2019' }], { source: 'api' })).rejected).toEqual([])

    const answers = await Promise.all([known, unknown].map((value) => postNew(bank, form({ value, lastSeenAt: '2025-02-01' }))))
    for (const answer of answers) {
      expect(answer.status).toBe(302)
      expect(answer.location).toMatch(/^\/indicators\/[a-f0-9]{64}$/)
    }
    for (const value of [known, unknown]) {
      const id = (answers[[known, unknown].indexOf(value)]?.location ?? '').split('/').pop() ?? ''
      const page = body(await openDetail(bank.client, id))
      if (page.page.state !== 'open') throw new Error('expected an open page')
      const { detail } = page.page
      // Only the bank's own statement, no count of others, and dates from what the bank may see.
      expect(detail.submissions.map((s) => s.own)).toEqual([true])
      expect(detail.alsoSeenBy).toBe(0)
      expect(detail.firstSeenAt.slice(0, 4)).not.toBe('2019')
      expect(JSON.stringify(page)).not.toContain('Seen in 2019')
      expect(JSON.stringify(page)).not.toContain(exchange.viewer.organisationName)
    }
  })

  test('shows errors per field with translated codes and keeps every value', async () => {
    const bad = await postNew(bank, form({ value: 'not a domain at all', context: 'Found by the crawler', reliability: 'B' }))
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ errors: { value: ['invalidDomain'] }, values: { value: 'not a domain at all', context: 'Found by the crawler', reliability: 'B' } })

    const missing = await postNew(bank, form({ type: '', reliability: '' }))
    expect(missing.status).toBe(400)
    expect(missing.body).toMatchObject({ errors: { type: ['required'], reliability: ['required'] } })

    const wallet = await postNew(bank, form({ type: 'crypto_wallet', value: MONERO }))
    expect(wallet.body).toMatchObject({ errors: { chain: ['chainRequired'] } })

    const html = await renderPage('/indicators/new', bank.client, 'indicators/new', newLoader, NewIndicatorPage)
    expect(html).toContain('Add an indicator')
  })

  test('refuses card numbers in any field and stores nothing', async () => {
    const value = fresh('card')
    const before = await collection('indicatorsubmissions').countDocuments({ value })
    const answers = [
      await postNew(bank, form({ value, context: `Test purchase with ${CARD_NUMBER}` })),
      await postNew(bank, form({ type: 'merchant_descriptor', value: CARD_NUMBER })),
      await postNew(bank, form({ type: 'merchant_id', value: 'M-1', acquirer: CARD_NUMBER })),
    ]
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400])
    expect(answers[0]?.body).toMatchObject({ errors: { context: ['cardNumber'] } })
    expect(answers[1]?.body).toMatchObject({ errors: { value: ['cardNumber'] } })
    expect(answers[2]?.body).toMatchObject({ errors: { acquirer: ['cardNumber'] } })
    expect(await collection('indicatorsubmissions').countDocuments({ value })).toBe(before)
    expect(await collection('indicatorsubmissions').countDocuments({ context: { $regex: '4111' } })).toBe(0)
  })
})

describe('personal data asks for a purpose', () => {
  test('before the value is shown; the purpose is audited and remembered for the session', async () => {
    const email = `seller-${run}@example.org`
    const [id] = (await submitIndicatorBatch(bank.viewer, [{ type: 'email', value: email, tlp: 'GREEN', reliability: 'B', credibility: '2' }], { source: 'api' })).ids
    if (!id) throw new Error('not stored')

    // The list marks it personal and hides the value.
    const row = (await list(exchange, `?q=${encodeURIComponent(email)}`)).rows[0]
    expect(row).toMatchObject({ indicatorId: id, personal: true, display: null })

    const gated = body(await openDetail(exchange.client, id))
    expect(gated.page.state).toBe('purpose')
    expect(JSON.stringify(gated)).not.toContain(email)
    expect(JSON.stringify(gated)).not.toContain(`seller-${run}`)

    expect(outcome(await postDetail(exchange.client, id, { intent: 'purpose', purpose: '', justification: '' }))).toMatchObject({ status: 400, body: { errors: { purpose: ['required'] } } })
    expect(outcome(await postDetail(exchange.client, id, { intent: 'purpose', purpose: 'other', justification: '' }))).toMatchObject({
      status: 400,
      body: { errors: { justification: ['indicators:errors.justificationRequired'] } },
    })
    expect(await auditEvents('indicator.personal_accessed', id)).toHaveLength(0)

    const granted = await postDetail(exchange.client, id, { intent: 'purpose', purpose: 'investigation', justification: 'Wallet screening case 2025-17' })
    if (!(granted instanceof Response)) throw new Error('expected a redirect')
    expect(granted.status).toBe(302)
    const [audit] = await auditEvents('indicator.personal_accessed', id)
    expect(audit).toMatchObject({ actorUserId: exchange.user.id, details: { purpose: 'investigation', justification: 'Wallet screening case 2025-17' } })

    const withPurpose = withCookie(exchange.client, granted.headers.get('set-cookie'))
    const open = body(await openDetail(withPurpose, id))
    if (open.page.state !== 'open') throw new Error('expected the value after the purpose')
    expect(open.page.detail.display).toBe(email)
    // The page keeps working after posting (a sighting), without asking again.
    const sighting = await postDetail(withPurpose, id, { intent: 'sighting', kind: 'seen', at: '2025-03-01', count: '1', tlp: 'AMBER' })
    expect((sighting as Response).status).toBe(302)
    expect(body(await openDetail(withPurpose, id)).page.state).toBe('open')

    // Another session of the same person (or the cookie presented by someone else) is asked again.
    const otherSession = await signedInClient(exchange.user)
    expect(body(await openDetail(otherSession, id)).page.state).toBe('purpose')
    const colleague = await createTestUser({ organisationId: exchange.organisation.id, roles: ['member'] })
    const colleagueClient = await signedInClient(colleague)
    const borrowed = withCookie(colleagueClient, granted.headers.get('set-cookie'))
    expect(await getViewer(get('/', borrowed))).not.toBeNull()
    expect(body(await openDetail(borrowed, id)).page.state).toBe('purpose')
  })
})

describe('what the pages render', () => {
  test('URLs and domains defanged and never links, grades as "B2", untraceable chains marked', async () => {
    const host = fresh('shop')
    const url = `https://${host}/checkout?id=7`
    const result = await submitIndicatorBatch(
      exchange.viewer,
      [
        { type: 'url', value: url, tlp: 'GREEN', reliability: 'B', credibility: '2', context: 'Checkout page of the storefront' },
        { type: 'crypto_wallet', value: MONERO, chain: 'xmr', tlp: 'GREEN', reliability: 'A', credibility: '1' },
      ],
      { source: 'api' },
    )
    expect(result.rejected).toEqual([])
    const [urlId, walletId] = result.ids

    const listHtml = await renderPage(`/indicators?q=${encodeURIComponent(url)}`, bank.client, 'indicators', listLoader, IndicatorsPage)
    const defanged = `hxxps://${host.replaceAll('.', '[.]')}/checkout?id=7`
    // The search box echoes what the person typed; the results show the value defanged, never as a link.
    const results = listHtml.slice(listHtml.indexOf('<ul aria-label="Indicators you may see"'))
    expect(results).toContain(defanged.replaceAll('&', '&amp;'))
    expect(listHtml).not.toMatch(/href="https?:/)
    expect(results).not.toContain(`https://${host}`)
    expect(results).toContain('>B2<')

    const detailHtml = await renderPage(`/indicators/${urlId}`, bank.client, 'indicators/:indicatorId', detailLoader, IndicatorPage)
    expect(detailHtml).toContain(defanged.replaceAll('&', '&amp;'))
    expect(detailHtml).not.toMatch(/href="https?:/)
    expect(detailHtml).not.toContain(`https://${host}`)

    // The source's own page offers its actions: retract (with a confirmation) and lower its label.
    const ownHtml = await renderPage(`/indicators/${urlId}`, exchange.client, 'indicators/:indicatorId', detailLoader, IndicatorPage)
    expect(ownHtml).toContain('Retract this statement')
    expect(ownHtml).toContain('Yes, retract my organisation')
    expect(ownHtml).toContain('Lower the label')
    expect(ownHtml).toContain('Record a sighting')
    expect(detailHtml).not.toContain('Retract this statement')

    const email = `gate-${run}@example.org`
    const [gatedId] = (await submitIndicatorBatch(exchange.viewer, [{ type: 'email', value: email, tlp: 'GREEN', reliability: 'B', credibility: '2' }], { source: 'api' })).ids
    const gateHtml = await renderPage(`/indicators/${gatedId}`, bank.client, 'indicators/:indicatorId', detailLoader, IndicatorPage)
    expect(gateHtml).toContain('Why are you opening this personal data?')
    expect(gateHtml).not.toContain(`gate-${run}`)

    const walletHtml = await renderPage(`/indicators/${walletId}`, bank.client, 'indicators/:indicatorId', detailLoader, IndicatorPage)
    expect(walletHtml).toContain('Not traceable on-chain')
    expect(walletHtml).toContain('>A1<')
  })

  test('the list filters by type, label, status, personal data and own organisation, and pages by cursor', async () => {
    const mine = await member({ kind: 'payment_service' })
    const rows = Array.from({ length: 30 }, (_, index) => ({ type: 'domain', value: fresh('page'), tlp: index % 2 ? 'GREEN' : 'CLEAR', reliability: 'C', credibility: '3' }))
    rows.push({ type: 'mcc', value: '5967', tlp: 'GREEN', reliability: 'C', credibility: '3' })
    expect((await submitIndicatorBatch(mine.viewer, rows, { source: 'api' })).rejected).toEqual([])

    const own = await list(mine, '?mine=1')
    expect(own.rows).toHaveLength(25)
    expect(own.rows.every((row) => row.own)).toBe(true)
    const second = await list(mine, `?mine=1&after=${own.next ?? ''}`)
    expect(second.rows).toHaveLength(6)
    expect(second.next).toBeNull()
    expect(new Set([...own.rows, ...second.rows].map((row) => row.submissionId)).size).toBe(31)

    expect((await list(mine, '?mine=1&type=mcc')).rows.map((row) => row.type)).toEqual(['mcc'])
    expect((await list(mine, '?mine=1&tlp=CLEAR')).rows.every((row) => row.tlp === 'CLEAR')).toBe(true)
    expect((await list(mine, '?mine=1&tlp=CLEAR')).rows).toHaveLength(15)
    expect((await list(mine, '?mine=1&personal=yes')).rows).toEqual([])
    expect((await list(mine, '?mine=1&status=retracted')).rows).toEqual([])

    const searchCard = await list(mine, `?q=${encodeURIComponent(CARD_NUMBER)}`)
    expect(searchCard).toMatchObject({ rows: [], searchProblem: 'cardNumber' })
    const html = await renderPage('/indicators?mine=1', mine.client, 'indicators', listLoader, IndicatorsPage)
    expect(html).toContain('rel="next"')
  })
})

describe('the indicators of a task', () => {
  test('the owning centre links values it may see; a hidden value answers like an unknown one', async () => {
    const { ids } = await createTasks(centre.viewer, { title: 'Block the storefront', assigneeOrganisationIds: [bank.organisation.id], tlp: 'AMBER' })
    const taskId = ids[0] ?? ''
    const openTask = async (client: Client) => body(await call(() => taskLoader(routeArgs(get(`/tasks/${taskId}`, client), { taskId }))))
    const link = async (client: Client, value: string, type = 'domain') =>
      outcome(await call(() => taskAction(routeArgs(post(`/tasks/${taskId}`, client, { intent: 'linkIndicator', indicatorType: type, indicatorValue: value }), { taskId }))))

    expect((await openTask(centre.client)).indicators).toMatchObject({ canLink: true, indicators: [] })
    expect((await openTask(bank.client)).indicators).toMatchObject({ canLink: false, indicators: [] })

    const hidden = fresh('hidden')
    const shared = fresh('shared')
    await submitIndicatorBatch(exchange.viewer, [{ type: 'domain', value: hidden, tlp: 'AMBER+STRICT', reliability: 'B', credibility: '2' }], { source: 'api' })
    const sharedId = (await submitIndicatorBatch(exchange.viewer, [{ type: 'domain', value: shared, tlp: 'CLEAR', reliability: 'B', credibility: '2' }], { source: 'api' })).ids[0]

    const refusals = [await link(centre.client, hidden), await link(centre.client, fresh('unknown'))]
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400)
      expect(refusal.body).toMatchObject({ errors: { indicatorValue: ['indicators:errors.noVisibleIndicator'] } })
    }
    expect(JSON.stringify({ ...(refusals[0]?.body as object), values: null })).toBe(JSON.stringify({ ...(refusals[1]?.body as object), values: null }))
    expect(await link(centre.client, 'not a domain')).toMatchObject({ status: 400, body: { errors: { indicatorValue: ['indicators:errors.invalidDomain'] } } })
    expect(await link(bank.client, shared)).toMatchObject({ status: 403 })

    expect(await link(centre.client, `  ${shared.toUpperCase()}`)).toMatchObject({ status: 302, location: `/tasks/${taskId}#indicators` })
    expect((await openTask(bank.client)).indicators.indicators).toEqual([expect.objectContaining({ id: sharedId, type: 'domain', tlp: 'CLEAR', retracted: false })])
    const [audit] = await auditEvents('indicator.linked_to_task', taskId)
    expect(audit?.details).toMatchObject({ indicatorId: sharedId })
  })
})
