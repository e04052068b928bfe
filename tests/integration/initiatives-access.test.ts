import type { LoaderFunctionArgs } from '@remix-run/node'
import { createInstance } from 'i18next'
import mongoose from 'mongoose'
import { createElement, type ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeAll, describe, expect, test } from 'vitest'
import { createInitiative, inviteParticipants, respondToInvitation } from '~/initiatives/initiatives.server'
import InitiativePage, { action as pageAction, loader as pageLoader } from '~/routes/initiatives.$initiativeId'
import { action as editAction, loader as editLoader } from '~/routes/initiatives.$initiativeId_.edit'
import { action as listAction, loader as listLoader } from '~/routes/initiatives._index'
import NewInitiativePage, { action as newAction, loader as newLoader } from '~/routes/initiatives.new'
import { createTasks } from '~/tasks/tasks.server'
import { i18nConfig } from '~/utils/i18n'
import { call, get, post, routeArgs, testContext, type Client } from '../support/requests'
import { auditEvents, body, collection, member, outcome } from './partners-support'

/**
 * Who sees what of the initiatives through the pages: a partner of one initiative nothing of another,
 * an invited organisation only its invitation, and only the lead centre changes an initiative.
 */

type Member = Awaited<ReturnType<typeof member>>
const DAY = 24 * 60 * 60 * 1000
const CARD_NUMBER = '4111 1111 1111 1111'

const openList = (who: Member, search = '') => call(() => listLoader(routeArgs(get(`/initiatives${search}`, who.client))))
const openPage = (who: Member, id: string, search = '') => call(() => pageLoader(routeArgs(get(`/initiatives/${id}${search}`, who.client), { initiativeId: id })))
const postPage = async (who: Member, id: string, fields: Record<string, string | string[]>) =>
  outcome(await call(() => pageAction(routeArgs(post(`/initiatives/${id}`, who.client, fields), { initiativeId: id }))))
const openEdit = (who: Member, id: string) => call(() => editLoader(routeArgs(get(`/initiatives/${id}/edit`, who.client), { initiativeId: id })))
const postEdit = async (who: Member, id: string, fields: Record<string, string | string[]>) =>
  outcome(await call(() => editAction(routeArgs(post(`/initiatives/${id}/edit`, who.client, fields), { initiativeId: id }))))
const postList = async (who: Member, fields: Record<string, string>) => outcome(await call(() => listAction(routeArgs(post('/initiatives', who.client, fields)))))
const postNew = async (who: Member, fields: Record<string, string | string[]>) => outcome(await call(() => newAction(routeArgs(post('/initiatives/new', who.client, fields)))))
const statusOf = (result: unknown) => (result instanceof Response ? result.status : 200)

const stored = (id: string) => collection('initiatives').findOne({ _id: new mongoose.Types.ObjectId(id) })
const countLedBy = (centre: Member) => collection('initiatives').countDocuments({ leadCentreId: new mongoose.Types.ObjectId(centre.organisation.id) })

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

/** The form fields of a valid initiative; override any. */
const validForm = (overrides: Record<string, string | string[]> = {}) => ({
  intent: 'save',
  submission: crypto.randomUUID(),
  title: 'Hosting takedowns, summer',
  purpose: 'Take down the storefronts hosted in the region; data used for the takedowns only.',
  status: 'planned',
  startDate: '2031-06-01',
  targetDate: '2031-08-31',
  tlp: 'AMBER',
  objective_type: ['content_removed', 'url_blocked', ''],
  objective_target: ['40', '100', ''],
  milestone_title: ['Hosts notified', ''],
  milestone_due: ['2031-06-15', ''],
  ...overrides,
})

let lead: Member
let otherCentre: Member
let p1: Member
let p2: Member
let invited: Member
let decliner: Member
let x: string
let y: string

beforeAll(async () => {
  lead = await member({ kind: 'national_centre', roles: ['staff'], overrides: { legalName: 'Lead Centre Access Test' } })
  otherCentre = await member({ kind: 'national_centre', roles: ['coordinator'] })
  p1 = await member({ kind: 'bank', overrides: { legalName: 'Partner One Bank' } })
  p2 = await member({ kind: 'isp', overrides: { legalName: 'Partner Two Broadband' } })
  invited = await member({ kind: 'card_scheme', overrides: { legalName: 'Invited Card Network' } })
  decliner = await member({ kind: 'payment_service', overrides: { legalName: 'Declining Pay' } })
  x = await createInitiative(lead.viewer, {
    title: 'Initiative X card disruption',
    purpose: 'Disrupt card acceptance of network X; data used for this disruption only.',
    status: 'active',
    objectives: [{ actionType: 'merchant_terminated', target: 10 }],
  })
  y = await createInitiative(lead.viewer, {
    title: 'Initiative Y wallet screening',
    purpose: 'Screen the wallets of network Y; data used for this screening only.',
    status: 'active',
  })
  await inviteParticipants(lead.viewer, x, [p1.organisation.id, invited.organisation.id, decliner.organisation.id])
  await respondToInvitation(p1.viewer, x, true)
  await inviteParticipants(lead.viewer, y, [p2.organisation.id])
  await respondToInvitation(p2.viewer, y, true)
  const past = new Date(Date.now() - 2 * DAY)
  await createTasks(lead.viewer, { title: 'X task for partner one', assigneeOrganisationIds: [p1.organisation.id], dueAt: past, initiativeId: x })
  await createTasks(lead.viewer, { title: 'Y secret task for partner two', assigneeOrganisationIds: [p2.organisation.id], dueAt: past, initiativeId: y })
})

describe('a partner of one initiative sees nothing of another', () => {
  test('not in its list, not in the counts', async () => {
    const list = body(await openList(p1))
    expect(list.rows.map((row) => row.id)).toEqual([x])
    expect(list.total).toBe(1)
    expect(list.rows[0]?.overdue).toBe(1)
    const text = JSON.stringify(list)
    expect(text).not.toContain(y)
    expect(text).not.toContain('Initiative Y')
    expect(text).not.toContain('Partner Two')
  })

  test('its page, edit page and actions answer 404', async () => {
    expect(statusOf(await openPage(p1, y))).toBe(404)
    expect(statusOf(await openEdit(p1, y))).toBe(404)
    expect((await postPage(p1, y, { intent: 'accept', initiativeId: y })).status).toBe(404)
    expect((await postPage(p1, y, { intent: 'update', text: 'Hello there', health: 'on_track' })).status).toBe(404)
    expect(statusOf(await openPage(p1, 'not-an-id'))).toBe(404)
  })

  test('the page of its own initiative does not mention the other one', async () => {
    const page = body(await openPage(p1, x)).page
    expect(page.side).toBe('participant')
    const text = JSON.stringify(page)
    expect(text).not.toContain('Y secret task')
    expect(text).not.toContain('Partner Two')
  })

  test('a coordinator of another centre sees neither (TLP:AMBER), in the overview or by address', async () => {
    const list = body(await openList(otherCentre))
    expect(list.coordinator).toBe(true)
    expect(list.rows.map((row) => row.id)).not.toContain(x)
    expect(list.rows.map((row) => row.id)).not.toContain(y)
    expect(list.options.centres.map((c) => c.id)).not.toContain(lead.organisation.id)
    expect(statusOf(await openPage(otherCentre, x))).toBe(404)
    expect(statusOf(await openEdit(otherCentre, x))).toBe(404)
  })
})

describe('an invited organisation sees only the invitation', () => {
  test('its list shows the invitation, not the initiative', async () => {
    const list = body(await openList(invited))
    expect(list.rows.map((row) => row.id)).not.toContain(x)
    expect(list.invitations).toEqual([
      expect.objectContaining({ initiativeId: x, title: 'Initiative X card disruption', leadCentreName: 'Lead Centre Access Test', purpose: expect.stringContaining('Disrupt card acceptance') }),
    ])
  })

  test('the page holds title, purpose and lead centre only, with the answer form', async () => {
    const { page } = body(await openPage(invited, x))
    expect(page.side).toBe('invited')
    expect(Object.keys(page).sort()).toEqual(['invitation', 'side'])
    const text = JSON.stringify(page)
    expect(text).toContain('Lead Centre Access Test')
    expect(text).not.toContain('Partner One')
    expect(text).not.toContain('X task for partner one')
    const html = await renderPage(`/initiatives/${x}`, invited.client, 'initiatives/:initiativeId', pageLoader, InitiativePage)
    expect(html).toContain('Accept and take part')
    expect(html).toContain('Purpose: what this data may be used for')
    expect(html).not.toContain('<svg')
    expect(html).not.toContain('Progress')
  })

  test('it cannot edit or manage (403)', async () => {
    expect(statusOf(await openEdit(invited, x))).toBe(403)
    expect((await postPage(invited, x, { intent: 'status', status: 'paused' })).status).toBe(403)
  })
})

describe('answering invitations', () => {
  test('accepting from the list joins the initiative', async () => {
    const accepted = await postList(invited, { intent: 'accept', initiativeId: x })
    expect(accepted).toMatchObject({ status: 302, location: `/initiatives/${x}` })
    const { page } = body(await openPage(invited, x))
    expect(page.side).toBe('participant')
    const initiative = await stored(x)
    expect(initiative?.participantIds.map(String)).toContain(invited.organisation.id)
    const joined = await auditEvents('initiative.joined', x)
    expect(joined.filter((event) => event.actorOrganisationId === invited.organisation.id)).toHaveLength(1)
    expect(body(await openList(invited)).invitations).toEqual([])
  })

  test('declining asks for confirmation first, then the initiative is out of reach', async () => {
    expect(body(await openList(decliner, `?decline=${x}`)).declining).toBe(x)
    const unconfirmed = await postList(decliner, { intent: 'decline', initiativeId: x })
    expect(unconfirmed.status).toBe(400)
    expect(unconfirmed.body).toMatchObject({ errors: { confirm: ['initiatives:errors.confirmDecline'] } })
    expect((await stored(x))?.invitations.find((i: { organisationId: unknown }) => String(i.organisationId) === decliner.organisation.id)?.status).toBe('invited')
    const declined = await postList(decliner, { intent: 'decline', initiativeId: x, confirm: 'yes' })
    expect(declined).toMatchObject({ status: 302, location: '/initiatives' })
    const invitation = (await stored(x))?.invitations.find((i: { organisationId: unknown }) => String(i.organisationId) === decliner.organisation.id)
    expect(invitation?.status).toBe('declined')
    expect((await stored(x))?.participantIds.map(String)).not.toContain(decliner.organisation.id)
    expect(statusOf(await openPage(decliner, x))).toBe(404)
    expect(body(await openList(decliner)).invitations).toEqual([])
  })

  test('declining from the initiative page works the same way', async () => {
    const late = await member({ kind: 'hosting_provider' })
    await inviteParticipants(lead.viewer, x, [late.organisation.id])
    expect(body(await openPage(late, x, '?confirm=decline')).confirming).toBe(true)
    expect((await postPage(late, x, { intent: 'decline', initiativeId: x })).status).toBe(400)
    expect(await postPage(late, x, { intent: 'decline', initiativeId: x, confirm: 'yes' })).toMatchObject({ status: 302, location: '/initiatives' })
    expect(statusOf(await openPage(late, x))).toBe(404)
  })
})

describe('only the lead centre changes an initiative', () => {
  const editFields = (overrides: Record<string, string | string[]> = {}) => ({
    intent: 'save',
    title: 'Initiative X card disruption',
    purpose: 'Disrupt card acceptance of network X; data used for this disruption only.',
    status: 'active',
    startDate: '',
    targetDate: '',
    tlp: 'AMBER',
    objective_type: 'merchant_terminated',
    objective_target: '10',
    ...overrides,
  })

  test('a participant gets 403 on the edit page and its form; nothing changes', async () => {
    expect(statusOf(await openEdit(p1, x))).toBe(403)
    expect((await postEdit(p1, x, editFields({ title: 'Taken over by partner one' }))).status).toBe(403)
    expect((await postPage(p1, x, { intent: 'status', status: 'archived' })).status).toBe(403)
    expect((await postPage(p1, x, { intent: 'invite', organisationIds: p2.organisation.id })).status).toBe(403)
    const initiative = await stored(x)
    expect(initiative).toMatchObject({ title: 'Initiative X card disruption', status: 'active' })
  })

  test('the lead edits; lowering the label needs a reason, which is audited', async () => {
    expect(statusOf(await openEdit(lead, x))).toBe(200)
    const noReason = await postEdit(lead, x, editFields({ tlp: 'GREEN' }))
    expect(noReason.status).toBe(400)
    expect(noReason.body).toMatchObject({ errors: { tlpReason: ['initiatives:errors.tlpReasonRequired'] }, form: { tlp: 'GREEN' } })
    expect((await stored(x))?.tlp).toBe('AMBER')
    const withReason = await postEdit(lead, x, editFields({ tlp: 'GREEN', tlpReason: 'Shared with the whole community for the annual review.', title: 'Initiative X, phase 2' }))
    expect(withReason).toMatchObject({ status: 302, location: `/initiatives/${x}` })
    expect(await stored(x)).toMatchObject({ tlp: 'GREEN', title: 'Initiative X, phase 2' })
    const [event] = await auditEvents('initiative.updated', x)
    expect(event?.details).toMatchObject({ tlpFrom: 'AMBER', tlpTo: 'GREEN', tlpLowered: true, tlpReason: 'Shared with the whole community for the annual review.' })
    // Raising it back needs no reason.
    expect((await postEdit(lead, x, editFields({ tlp: 'AMBER' }))).status).toBe(302)
    expect((await stored(x))?.tlp).toBe('AMBER')
  })

  test('the lead changes the status and invites; a bad organisation is refused', async () => {
    expect(await postPage(lead, x, { intent: 'status', status: 'paused' })).toMatchObject({ status: 302, location: `/initiatives/${x}` })
    expect((await stored(x))?.status).toBe('paused')
    expect(await auditEvents('initiative.status_changed', x)).toHaveLength(1)
    const newcomer = await member({ kind: 'crypto_exchange' })
    expect((await postPage(lead, x, { intent: 'invite', organisationIds: newcomer.organisation.id })).status).toBe(302)
    expect((await stored(x))?.invitations.map((i: { organisationId: unknown }) => String(i.organisationId))).toContain(newcomer.organisation.id)
    const operator = await member({ isOperator: true })
    const refused = await postPage(lead, x, { intent: 'invite', organisationIds: operator.organisation.id })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ errors: { organisationIds: ['initiatives:errors.invalidParticipant'] } })
    const none = await postPage(lead, x, { intent: 'invite' })
    expect(none.body).toMatchObject({ errors: { organisationIds: ['initiatives:errors.chooseOrganisation'] } })
  })
})

describe('creating an initiative', () => {
  test('only centre staff and coordinators may (403 for partners)', async () => {
    expect(statusOf(await call(() => newLoader(routeArgs(get('/initiatives/new', p1.client)))))).toBe(403)
    expect((await postNew(p1, validForm())).status).toBe(403)
    expect(statusOf(await call(() => newLoader(routeArgs(get('/initiatives/new', lead.client)))))).toBe(200)
  })

  test('the form renders: purpose explained, AMBER chosen by default, blank objective and milestone rows', async () => {
    const html = await renderPage('/initiatives/new', lead.client, 'initiatives/new', newLoader, NewInitiativePage)
    expect(html).toContain('Purpose: what this data may be used for')
    expect(html).toContain('Purpose binding')
    const checked = (html.match(/<input type="radio"[^>]*>/g) ?? []).filter((input) => input.includes('checked=""'))
    expect(checked).toEqual([expect.stringContaining('value="AMBER"')])
    expect(html).toContain('the lead centre and the organisations taking part.')
    expect(html.match(/name="objective_type"/g)).toHaveLength(3)
    expect(html.match(/name="milestone_title"/g)).toHaveLength(3)
    expect(html).toContain('Do not count not-applicable tasks as done')
    expect(html).not.toMatch(/\b(form|create|tlp)\.[a-zA-Z.]+\b/)
  })

  test('invalid input answers 400 with field messages, keeps the values and stores nothing', async () => {
    const before = await countLedBy(lead)
    const result = await postNew(
      lead,
      validForm({
        title: '',
        purpose: 'short',
        startDate: '2031-06-10',
        targetDate: '2031-06-01',
        objective_type: ['merchant_terminated', 'url_blocked', 'merchant_terminated'],
        objective_target: ['', 'abc', '5'],
        milestone_title: ['Kick-off', ''],
        milestone_due: ['', '2031-07-01'],
      }),
    )
    expect(result.status).toBe(400)
    const { errors, form } = result.body as { errors: Record<string, string[]>; form: { title: string; purpose: string; objectives: { target: string }[]; milestones: { title: string; dueDate: string }[] } }
    expect(errors).toMatchObject({
      title: ['required'],
      purpose: ['tooShort'],
      targetDate: ['initiatives:errors.targetBeforeStart'],
      'objectives.0.target': ['required'],
      'objectives.1.target': ['initiatives:errors.target'],
      'objectives.2.actionType': ['initiatives:errors.duplicateObjective'],
      'milestones.0.dueDate': ['required'],
      'milestones.1.title': ['required'],
    })
    expect(form.purpose).toBe('short')
    expect(form.objectives[1]?.target).toBe('abc')
    expect(form.milestones[0]?.title).toBe('Kick-off')
    expect(await countLedBy(lead)).toBe(before)
  })

  test('a card number is refused in any field, and nothing is stored', async () => {
    const before = await countLedBy(lead)
    const result = await postNew(lead, validForm({ title: `Shop ${CARD_NUMBER}`, milestone_title: [`Card ${CARD_NUMBER}`, ''] }))
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ errors: { title: ['cardNumber'], 'milestones.0.title': ['cardNumber'] } })
    expect(await countLedBy(lead)).toBe(before)
  })

  test('"more rows" adds blank rows without saving', async () => {
    const before = await countLedBy(lead)
    const result = await postNew(lead, validForm({ intent: 'moreObjectives' }))
    expect(result.status).toBe(200)
    expect((result.body as { form: { objectives: unknown[] } }).form.objectives).toHaveLength(6)
    expect(await countLedBy(lead)).toBe(before)
  })

  test('a valid form creates the initiative (AMBER by default), once, and redirects to it', async () => {
    const fields = validForm({ excludeNotApplicable: 'on' })
    const created = await postNew(lead, fields)
    expect(created.status).toBe(302)
    const id = /^\/initiatives\/([a-f\d]{24})$/.exec(created.location ?? '')?.[1]
    if (!id) throw new Error(`unexpected redirect ${created.location}`)
    const initiative = await stored(id)
    expect(initiative).toMatchObject({ title: 'Hosting takedowns, summer', status: 'planned', tlp: 'AMBER', excludeNotApplicable: true })
    expect(initiative?.objectives.map((o: { actionType: string; target: number }) => [o.actionType, o.target])).toEqual([
      ['content_removed', 40],
      ['url_blocked', 100],
    ])
    expect(initiative?.milestones.map((m: { title: string; dueAt: Date }) => [m.title, m.dueAt.toISOString()])).toEqual([['Hosts notified', '2031-06-15T23:59:59.999Z']])
    expect(initiative?.startAt.toISOString()).toBe('2031-06-01T00:00:00.000Z')
    const before = await countLedBy(lead)
    const again = await postNew(lead, fields)
    expect(again).toMatchObject({ status: 302, location: '/initiatives' })
    expect(await countLedBy(lead)).toBe(before)
  })
})

describe('the overdue list follows the access rules', () => {
  test('an organisation on probation sees its own overdue task, not the others’ titles, and no contact points', async () => {
    const probation = await member({ kind: 'bank', status: 'probation', overrides: { legalName: 'Probation Bank' } })
    const active = await member({ kind: 'acquirer_processor', overrides: { legalName: 'Active Acquirer' } })
    const z = await createInitiative(lead.viewer, {
      title: 'Initiative Z',
      purpose: 'Follow the merchants of network Z; data used for this only.',
      status: 'active',
    })
    await inviteParticipants(lead.viewer, z, [probation.organisation.id, active.organisation.id])
    await respondToInvitation(probation.viewer, z, true)
    await respondToInvitation(active.viewer, z, true)
    const past = new Date(Date.now() - 3 * DAY)
    await createTasks(lead.viewer, { title: 'Z task for the bank', assigneeOrganisationIds: [probation.organisation.id], dueAt: past, initiativeId: z })
    await createTasks(lead.viewer, { title: 'Z task for the acquirer', assigneeOrganisationIds: [active.organisation.id], dueAt: past, initiativeId: z })

    const seenByProbation = body(await openPage(probation, z)).page
    if (seenByProbation.side === 'invited') throw new Error('expected the full page')
    expect(seenByProbation.overdue.map((o) => [o.organisationName, o.title, o.daysOverdue]).sort()).toEqual([
      ['Active Acquirer', null, 3],
      ['Probation Bank', 'Z task for the bank', 3],
    ])
    expect(seenByProbation.overdue.every((o) => o.contact === null)).toBe(true)
    expect(JSON.stringify(seenByProbation)).not.toContain('Z task for the acquirer')

    const seenByActive = body(await openPage(active, z)).page
    if (seenByActive.side === 'invited') throw new Error('expected the full page')
    expect(seenByActive.overdue.every((o) => o.title && o.contact?.email.includes('@'))).toBe(true)
  })
})
