import { createElement, type ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { createInstance } from 'i18next'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import type { LoaderFunctionArgs } from '@remix-run/node'
import mongoose from 'mongoose'
import { describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import { NotificationBell } from '~/components/notification-bell'
import type { Viewer } from '~/policy/permissions'
import { loader as rootLoader } from '~/root'
import PreferencesPage, { action as preferencesAction, loader as preferencesLoader } from '~/routes/account_.notifications'
import NotificationsPage, { action as notificationsAction, loader as notificationsLoader } from '~/routes/notifications'
import { createTasks } from '~/tasks/tasks.server'
import { i18nConfig, type Language } from '~/utils/i18n'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient, testContext, type Client } from '../support/requests'

const DAY = 24 * 60 * 60 * 1000
const oid = (id: string) => new mongoose.Types.ObjectId(id)

function collection(name: 'notifications' | 'outboxmessages' | 'tasks' | 'users') {
  const db = mongoose.connection.db
  if (!db) throw new Error('no database')
  return db.collection(name)
}

async function i18nFor(language: Language) {
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  return i18n
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
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(
    createElement(I18nextProvider, { i18n: await i18nFor(language) }, createElement(StaticRouterProvider, { router, context, hydrate: false })),
  )
}

const rawKeys = (html: string) => html.match(/\b(page|bell|events|preferences|toast)\.[a-zA-Z_.]+\b/g) ?? []

async function viewerOf(client: Client): Promise<Viewer> {
  const viewer = await getViewer(get('/', client))
  if (!viewer) throw new Error('not signed in')
  return viewer
}

let worlds = 0
/** A centre with staff, a bank with two members and an admin, and a second bank with one member. */
async function world() {
  const n = ++worlds
  const centre = await createTestOrganisation({ kind: 'national_centre', legalName: `Notif Centre ${n}` })
  const bank = await createTestOrganisation({ kind: 'bank', legalName: `Notif Bank ${n}` })
  const otherBank = await createTestOrganisation({ kind: 'bank', legalName: `Notif Other Bank ${n}` })
  const staff = await createTestUser({ organisationId: centre.id, roles: ['staff'], name: `Stella Staff ${n}` })
  const member = await createTestUser({ organisationId: bank.id, roles: ['member'], name: `Mona Member ${n}` })
  const colleague = await createTestUser({ organisationId: bank.id, roles: ['member'], name: `Carl Colleague ${n}` })
  const admin = await createTestUser({ organisationId: bank.id, roles: ['admin'], name: `Ada Admin ${n}` })
  const outsider = await createTestUser({ organisationId: otherBank.id, roles: ['member'], name: `Oscar Outsider ${n}` })
  const staffViewer = await viewerOf(await signedInClient(staff))
  const assign = async (title: string, organisationId: string, extra: Record<string, unknown> = {}) => {
    const { ids } = await createTasks(staffViewer, { title, assigneeOrganisationIds: [organisationId], dueAt: new Date(Date.now() + 10 * DAY), ...extra })
    return ids[0] ?? ''
  }
  return { n, centre, bank, otherBank, staff, member, colleague, admin, outsider, staffViewer, assign }
}

async function rootViewer(client: Client) {
  const result = await rootLoader(routeArgs(get('/home', client)))
  return (result as unknown as { data: { viewer: { unreadNotifications?: number } | null } }).data.viewer
}

describe('the bell', () => {
  test('counts only the viewer’s own unread notifications', async () => {
    const w = await world()
    await w.assign(`Terminate merchant ${w.n}`, w.bank.id)
    await w.assign(`Block wallet ${w.n}`, w.bank.id)
    await w.assign(`Someone else’s task ${w.n}`, w.otherBank.id)
    // A row carrying the member's user id but another organisation's id is never theirs.
    await collection('notifications').insertOne({
      organisationId: oid(w.otherBank.id),
      userId: oid(w.member.id),
      event: 'assigned',
      title: 'Forged',
      dedupeKey: `forged:${w.n}`,
      createdAt: new Date(),
    })

    expect((await rootViewer(await signedInClient(w.member)))?.unreadNotifications).toBe(2)
    expect((await rootViewer(await signedInClient(w.outsider)))?.unreadNotifications).toBe(1)
    expect((await rootViewer(await signedInClient(w.staff)))?.unreadNotifications).toBe(0)
    const anonymous = await rootLoader(routeArgs(get('/')))
    expect((anonymous as unknown as { data: { viewer: unknown } }).data.viewer).toBeNull()
  })

  test('says how many are unread to screen readers, in every language', async () => {
    const html = (language: Language, count: number) => {
      const handler = createStaticHandler([{ path: '/', element: createElement(NotificationBell, { count }) }])
      return handler.query(new Request('http://localhost/')).then(async (context) => {
        if (context instanceof Response) throw new Error('unexpected response')
        const router = createStaticRouter(handler.dataRoutes, context)
        return renderToString(
          createElement(I18nextProvider, { i18n: await i18nFor(language) }, createElement(StaticRouterProvider, { router, context, hydrate: false })),
        )
      })
    }
    const three = await html('en', 3)
    expect(three).toContain('aria-label="Notifications, 3 unread"')
    expect(three).toContain('href="/notifications"')
    expect(await html('en', 1)).toContain('aria-label="Notifications, 1 unread"')
    expect(await html('en', 0)).toContain('aria-label="Notifications, none unread"')
    expect(await html('en', 150)).toContain('99+')
    expect(await html('fr', 3)).toContain('Notifications, 3 non lues')
    expect(await html('ru', 3)).toContain('Уведомления, 3 непрочитанных')
  })
})

describe('the notifications page', () => {
  test('lists the viewer’s notifications, newest first, translated, linking to their tasks', async () => {
    const w = await world()
    const first = await w.assign(`First merchant ${w.n}`, w.bank.id)
    const second = await w.assign(`Second merchant ${w.n}`, w.bank.id)
    await w.assign(`Hidden from Mona ${w.n}`, w.otherBank.id)
    const client = await signedInClient(w.member)
    const data = await notificationsLoader(routeArgs(get('/notifications', client)))
    expect(data.page.notifications.map((row) => row.task?.title)).toEqual([`Second merchant ${w.n}`, `First merchant ${w.n}`])
    expect(data.unread).toBe(2)

    const html = await render('/notifications', client, { pattern: 'notifications', loader: notificationsLoader, Component: NotificationsPage })
    expect(html).toContain(`href="/tasks/${first}"`)
    expect(html).toContain(`href="/tasks/${second}"`)
    expect(html).toContain('Assigned')
    expect(html).toContain(`by Stella Staff ${w.n}`)
    expect(html).toContain('2 unread')
    expect(html).toContain('Mark all as read')
    expect(html).toContain('href="/account/notifications"')
    expect(html).not.toContain(`Hidden from Mona ${w.n}`)
    expect(rawKeys(html)).toEqual([])

    const french = await render('/notifications', client, { pattern: 'notifications', loader: notificationsLoader, Component: NotificationsPage }, 'fr')
    expect(french).toContain('Attribuée')
    expect(french).toContain('Tout marquer comme lu')
  })

  test('an empty list says so', async () => {
    const w = await world()
    const client = await signedInClient(w.colleague)
    const html = await render('/notifications', client, { pattern: 'notifications', loader: notificationsLoader, Component: NotificationsPage })
    expect(html).toContain('You have no notifications yet.')
    const unread = await render('/notifications?show=unread', client, { pattern: 'notifications', loader: notificationsLoader, Component: NotificationsPage })
    expect(unread).toContain('Nothing unread.')
  })

  test('pages by 25, newest first, without gaps or repeats', async () => {
    const w = await world()
    const taskId = await w.assign(`Busy task ${w.n}`, w.bank.id)
    const base = Date.now()
    // Same-millisecond pairs too: the cursor breaks ties on the id.
    await collection('notifications').insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        organisationId: oid(w.bank.id),
        userId: oid(w.colleague.id),
        event: 'commented',
        taskId: oid(taskId),
        title: `Busy task ${w.n}`,
        actorName: `Commenter ${i}`,
        dedupeKey: `paging:${w.n}:${i}`,
        createdAt: new Date(base - Math.floor(i / 2) * 1000),
      })),
    )
    const client = await signedInClient(w.colleague)
    const first = await notificationsLoader(routeArgs(get('/notifications', client)))
    expect(first.page.notifications).toHaveLength(25)
    expect(first.page.next).toBeTruthy()
    const second = await notificationsLoader(routeArgs(get(`/notifications?after=${first.page.next}`, client)))
    // Colleague also got the "assigned" notification: 31 in all.
    expect(second.page.notifications).toHaveLength(6)
    expect(second.page.next).toBeNull()
    const all = [...first.page.notifications, ...second.page.notifications]
    expect(new Set(all.map((row) => row.id)).size).toBe(31)
    const times = all.map((row) => row.createdAt)
    expect([...times].sort().reverse()).toEqual(times)

    const html = await render(`/notifications?after=${first.page.next}`, client, { pattern: 'notifications', loader: notificationsLoader, Component: NotificationsPage })
    expect(html).toContain('Newest')
    expect(html).not.toContain('rel="next"')

    // A malformed cursor is the first page, not an error.
    const garbage = await notificationsLoader(routeArgs(get('/notifications?after=%%%nonsense', client)))
    expect(garbage.page.notifications).toHaveLength(25)
  })

  test('a notification about a task the viewer can no longer see keeps its title and actor to itself', async () => {
    const w = await world()
    const taskId = await w.assign(`Confidential merchant ${w.n}`, w.bank.id)
    // The centre restricts the task to one named person who is not Mona.
    await collection('tasks').updateOne({ _id: oid(taskId) }, { $set: { tlp: 'RED', redRecipientIds: [oid(w.colleague.id)] } })
    const client = await signedInClient(w.member)
    const data = await notificationsLoader(routeArgs(get('/notifications', client)))
    expect(data.page.notifications).toHaveLength(1)
    expect(data.page.notifications[0]?.task).toBeNull()
    expect(data.page.notifications[0]?.event).toBe('assigned')
    const html = await render('/notifications', client, { pattern: 'notifications', loader: notificationsLoader, Component: NotificationsPage })
    expect(html).toContain('A task you no longer have access to')
    expect(html).not.toContain(`Confidential merchant ${w.n}`)
    expect(html).not.toContain(`/tasks/${taskId}`)
    expect(html).not.toContain('Stella Staff')

    // The named colleague still sees it in full.
    const theirs = await notificationsLoader(routeArgs(get('/notifications', await signedInClient(w.colleague))))
    expect(theirs.page.notifications[0]?.task?.title).toBe(`Confidential merchant ${w.n}`)
  })
})

describe('marking as read', () => {
  test('one notification, then all; only the viewer’s own', async () => {
    const w = await world()
    await w.assign(`Read me ${w.n}`, w.bank.id)
    await w.assign(`Read me too ${w.n}`, w.bank.id)
    const client = await signedInClient(w.member)
    const before = await notificationsLoader(routeArgs(get('/notifications', client)))
    const [newest, older] = before.page.notifications
    if (!newest || !older) throw new Error('expected two notifications')

    const response = await call(() => notificationsAction(routeArgs(post('/notifications', client, { intent: 'read', id: newest.id, redirectTo: '/notifications?show=unread' }))))
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).status).toBe(302)
    expect((response as Response).headers.get('location')).toBe('/notifications?show=unread')
    const unreadOnly = await notificationsLoader(routeArgs(get('/notifications?show=unread', client)))
    expect(unreadOnly.page.notifications.map((row) => row.id)).toEqual([older.id])
    expect(unreadOnly.unread).toBe(1)

    // Another person's notification answers 404 and stays unread.
    const colleagueClient = await signedInClient(w.colleague)
    const theirs = (await notificationsLoader(routeArgs(get('/notifications', colleagueClient)))).page.notifications[0]
    if (!theirs) throw new Error('expected a notification')
    const stolen = await call(() => notificationsAction(routeArgs(post('/notifications', client, { intent: 'read', id: theirs.id }))))
    expect((stolen as Response).status).toBe(404)
    expect((await collection('notifications').findOne({ _id: oid(theirs.id) }))?.readAt).toBeUndefined()

    // An off-site redirect target falls back to the list.
    const all = await call(() => notificationsAction(routeArgs(post('/notifications', client, { intent: 'read-all', redirectTo: '//evil.example/' }))))
    expect((all as Response).status).toBe(302)
    expect((all as Response).headers.get('location')).toBe('/notifications')
    expect((all as Response).headers.get('set-cookie')).toContain('__toast')
    expect((await notificationsLoader(routeArgs(get('/notifications', client)))).unread).toBe(0)
    expect((await notificationsLoader(routeArgs(get('/notifications', colleagueClient)))).unread).toBe(2)
  })

  test('refuses a submission without the anti-forgery token', async () => {
    const w = await world()
    await w.assign(`Forgery target ${w.n}`, w.bank.id)
    const client = await signedInClient(w.member)
    const [row] = (await notificationsLoader(routeArgs(get('/notifications', client)))).page.notifications
    if (!row) throw new Error('expected a notification')
    const one = await call(() => notificationsAction(routeArgs(post('/notifications', client, { intent: 'read', id: row.id }, { csrf: false }))))
    expect((one as Response).status).toBe(403)
    const all = await call(() => notificationsAction(routeArgs(post('/notifications', client, { intent: 'read-all' }, { csrf: false }))))
    expect((all as Response).status).toBe(403)
    expect((await notificationsLoader(routeArgs(get('/notifications', client)))).unread).toBe(1)
  })

  test('signed-out people are sent to sign in', async () => {
    const response = await call(() => notificationsLoader(routeArgs(get('/notifications'))))
    expect((response as Response).status).toBe(302)
    expect((response as Response).headers.get('location')).toContain('/login')
  })
})

describe('e-mail preferences', () => {
  test('offer the events of the viewer’s side, and a muted event keeps its in-app notification', async () => {
    const w = await world()
    const client = await signedInClient(w.member)
    const page = await preferencesLoader(routeArgs(get('/account/notifications', client)))
    expect(page.preferences.map((p) => p.event)).toEqual(['assigned', 'verified', 'returned', 'commented', 'due_soon', 'review_due', 'indicator_retracted'])
    expect(page.preferences.every((p) => p.email)).toBe(true)

    const html = await render('/account/notifications', client, { pattern: 'account/notifications', loader: preferencesLoader, Component: PreferencesPage })
    expect(html).toContain('Notification e-mails')
    expect(html).toContain('A national centre assigns a task to your organisation or to you.')
    expect(html).not.toContain('past its due date')
    expect(rawKeys(html)).toEqual([])

    // Everything but "assigned" stays on.
    const saved = await call(() =>
      preferencesAction(routeArgs(post('/account/notifications', client, { email: ['verified', 'returned', 'commented', 'due_soon', 'review_due', 'indicator_retracted'] }))),
    )
    expect((saved as Response).status).toBe(302)
    const user = await collection('users').findOne({ _id: oid(w.member.id) })
    expect(user?.mutedEmailEvents).toEqual(['assigned'])
    const after = await preferencesLoader(routeArgs(get('/account/notifications', client)))
    expect(after.preferences.find((p) => p.event === 'assigned')?.email).toBe(false)
    expect(after.preferences.find((p) => p.event === 'due_soon')?.email).toBe(true)

    const taskId = await w.assign(`Muted assignment ${w.n}`, w.bank.id)
    const notified = await collection('notifications').find({ taskId: oid(taskId), event: 'assigned' }).toArray()
    expect(notified.map((row) => String(row.userId)).sort()).toEqual([w.member.id, w.colleague.id, w.admin.id].sort())
    const mails = await collection('outboxmessages').find({ kind: 'taskAssigned', dedupeKey: { $regex: taskId } }).toArray()
    expect(mails.map((mail) => mail.to).sort()).toEqual([w.colleague.email, w.admin.email].sort())
  })

  test('centre coordinators are offered the overdue escalation; people without task roles nothing', async () => {
    const w = await world()
    const coordinator = await createTestUser({ organisationId: w.centre.id, roles: ['coordinator'] })
    const dpo = await createTestUser({ organisationId: w.centre.id, roles: ['dpo'] })
    const coordinatorPage = await preferencesLoader(routeArgs(get('/account/notifications', await signedInClient(coordinator))))
    expect(coordinatorPage.preferences.map((p) => p.event)).toEqual(['acknowledged', 'declined', 'reported', 'commented', 'overdue', 'review_due', 'indicator_retracted'])
    const staffPage = await preferencesLoader(routeArgs(get('/account/notifications', await signedInClient(w.staff))))
    expect(staffPage.preferences.map((p) => p.event)).toEqual(['acknowledged', 'declined', 'reported', 'commented', 'review_due', 'indicator_retracted'])
    const dpoClient = await signedInClient(dpo)
    const html = await render('/account/notifications', dpoClient, { pattern: 'account/notifications', loader: preferencesLoader, Component: PreferencesPage })
    expect(html).toContain('Your roles receive no task notifications')
  })

  test('turning everything off and on again; forged, unknown and CSRF-less submissions are refused', async () => {
    const w = await world()
    const client = await signedInClient(w.admin)
    await call(() => preferencesAction(routeArgs(post('/account/notifications', client, {}))))
    const off = await collection('users').findOne({ _id: oid(w.admin.id) })
    expect(off?.mutedEmailEvents).toEqual(['assigned', 'verified', 'returned', 'commented', 'due_soon', 'review_due', 'indicator_retracted'])

    const forged = await call(() => preferencesAction(routeArgs(post('/account/notifications', client, { email: 'assigned' }, { csrf: false }))))
    expect((forged as Response).status).toBe(403)
    const unknown = await call(() => preferencesAction(routeArgs(post('/account/notifications', client, { email: 'everything' }))))
    expect(unknown).not.toBeInstanceOf(Response)
    expect((unknown as unknown as { init: { status: number } }).init.status).toBe(400)
    const still = await collection('users').findOne({ _id: oid(w.admin.id) })
    expect(still?.mutedEmailEvents).toHaveLength(7)

    await call(() => preferencesAction(routeArgs(post('/account/notifications', client, { email: ['assigned', 'verified', 'returned', 'commented', 'due_soon', 'review_due', 'indicator_retracted'] }))))
    const on = await collection('users').findOne({ _id: oid(w.admin.id) })
    expect(on?.mutedEmailEvents).toEqual([])
  })
})
