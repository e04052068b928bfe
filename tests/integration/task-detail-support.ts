import { createInstance } from 'i18next'
import mongoose from 'mongoose'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import type { OrganisationKind, Role, TaskStatus } from '~/domain/vocabulary'
import TaskPage, { action, loader } from '~/routes/tasks.$taskId'
import { createTasks, type TaskInput } from '~/tasks/tasks.server'
import { i18nConfig, type Language } from '~/utils/i18n'
import { call, get, post, routeArgs, testContext, type Client } from '../support/requests'
import { body, collection, member, outcome } from './partners-support'

export { body, collection, member, outcome }

type Member = Awaited<ReturnType<typeof member>>

/** A centre (one coordinator) and the organisation it works with (one member). */
export async function centreAndPartner({ partnerKind = 'acquirer_processor', centreRoles }: { partnerKind?: OrganisationKind; centreRoles?: Role[] } = {}) {
  const centre = await member({ kind: 'national_centre', roles: centreRoles })
  const partner = await member({ kind: partnerKind })
  return { centre, partner }
}

/** A task from the centre to one organisation, assigned unless `draft`. */
export async function createTask(centre: Member, assigneeOrganisationId: string, overrides: Partial<TaskInput> = {}) {
  const { ids } = await createTasks(centre.viewer, {
    title: 'Terminate the merchant behind the test purchase',
    description: 'Test purchase on 3 March: descriptor **SHOP-4471**, amount 49.90 EUR.',
    assigneeOrganisationIds: [assigneeOrganisationId],
    priority: 'high',
    tlp: 'AMBER',
    ...overrides,
  })
  const id = ids[0]
  if (!id) throw new Error('no task was created')
  return id
}

/** Test only: puts a task straight into a state, as a stale page would find it after someone else acted. */
export async function forceStatus(taskId: string, status: TaskStatus) {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  await db.collection('tasks').updateOne({ _id: new mongoose.Types.ObjectId(taskId) }, { $set: { status } })
}

export const storedTask = (taskId: string) => collection('tasks').findOne({ _id: new mongoose.Types.ObjectId(taskId) })
export const storedReports = (taskId: string) =>
  collection('actionreports')
    .find({ taskId: new mongoose.Types.ObjectId(taskId) })
    .sort({ version: 1 })
    .toArray()
export const storedComments = (taskId: string) => collection('taskcomments').find({ taskId: new mongoose.Types.ObjectId(taskId) }).toArray()

/** Notifications any person of an organisation received. */
export const notificationsOf = (organisationId: string) =>
  collection('notifications')
    .find({ organisationId: new mongoose.Types.ObjectId(organisationId) })
    .toArray()

/** The task page's loader, as the person behind `client` opens `/tasks/:id`. */
export async function openTask(client: Client, id: string, search = '') {
  return call(() => loader(routeArgs(get(`/tasks/${id}${search}`, client), { taskId: id })))
}

/** Opens the page and fails loudly unless it answered with data. */
export async function taskPage(client: Client, id: string, search = '') {
  return body(await openTask(client, id, search))
}

/** A form posted to the task page: status, body (action data) and redirect target. */
export async function postTask(client: Client, id: string, fields: Record<string, string | string[]>, options?: { csrf?: boolean }) {
  return outcome(await call(() => action(routeArgs(post(`/tasks/${id}`, client, fields, options), { taskId: id }))))
}

/** The action data of a refused form, typed loosely for assertions. */
export function refusal(result: { body: unknown }) {
  return result.body as { intent: string | null; transition: string | null; errors: Record<string, string[]>; values: Record<string, string | string[]>; message: string | null }
}

export const today = () => new Date().toISOString().slice(0, 10)
export const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10)

/** A Visa test number: passes the Luhn check, so the portal must refuse it everywhere. */
export const CARD_NUMBER = '4111 1111 1111 1111'

/**
 * Server-renders the task page the way Remix does (its loader through a data router, then the
 * component) in one language, and returns the HTML.
 */
export async function renderTaskPage(client: Client, id: string, language: Language = 'en', search = '') {
  const handler = createStaticHandler([
    {
      id: 'root',
      path: '/',
      loader: () => ({ csrfToken: client.csrf }),
      element: createElement(Outlet),
      children: [
        {
          id: 'task',
          path: 'tasks/:taskId',
          loader: ({ request, params }) => loader({ request, params, context: testContext }),
          element: createElement(TaskPage),
        },
      ],
    },
  ])
  const context = await handler.query(new Request(`http://localhost/tasks/${id}${search}`, { headers: { cookie: client.cookie } }))
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`)
  if (context.errors) throw new Error(`the page failed: ${JSON.stringify(context.errors)}`)
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}
