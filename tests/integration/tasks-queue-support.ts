import { randomUUID } from 'node:crypto'
import { createElement, type ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { createInstance } from 'i18next'
import mongoose from 'mongoose'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet, type RouteObject } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { expect } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import type { Role, TaskPriority, TaskStatus, TlpLabel } from '~/domain/vocabulary'
import type { Viewer } from '~/policy/permissions'
import { action as listAction, loader as listLoader } from '~/routes/tasks._index'
import { action as newTaskAction } from '~/routes/tasks.new'
import { i18nConfig, type Language } from '~/utils/i18n'
import { createTestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient, testContext, type Client } from '../support/requests'
import { body, collection, member, outcome } from './partners-support'

export { body, collection, member, outcome }

export const DAY = 24 * 60 * 60 * 1000
export const oid = (id: string) => new mongoose.Types.ObjectId(id)

/** Another person in an existing organisation, signed in, as the policy sees them. */
export async function colleague(organisationId: string, roles: Role[]) {
  const user = await createTestUser({ organisationId, roles })
  const client = await signedInClient(user)
  const viewer: Viewer | null = await getViewer(get('/', client))
  if (!viewer) throw new Error('the colleague could not be signed in')
  return { user, client, viewer }
}

/** Posts the "new task" form as a browser would (a fresh submission key unless given). */
export async function postNewTask(client: Client, fields: Record<string, string | string[]>) {
  const form = { submission: randomUUID(), intent: 'assign', priority: 'normal', tlp: 'AMBER', description: '', ...fields }
  return outcome(await call(() => newTaskAction(routeArgs(post('/tasks/new', client, form)))))
}

/** The task list's loader data for a query string. */
export async function listFor(client: Client, search = '') {
  return body(await call(() => listLoader(routeArgs(get(`/tasks${search}`, client)))))
}

export async function postBulk(client: Client, ids: string[]) {
  return outcome(await call(() => listAction(routeArgs(post('/tasks', client, { intent: 'acknowledge', ids })))))
}

export const tasksTitled = (title: string) => collection('tasks').find({ title }).toArray()
export const notificationsFor = (taskIds: string[]) =>
  collection('notifications')
    .find({ taskId: { $in: taskIds.map(oid) } })
    .toArray()

let sequence = 0
/** A unique, recognisable task title for one test. */
export const uniqueTitle = (prefix = 'Task') => `${prefix} ${Date.now().toString(36)}-${++sequence}`

/** A task document as the portal stores it, for tests that need many tasks quickly. */
export function storedTask(fields: {
  ownerCentreId: string
  assigneeOrganisationId: string
  createdBy: string
  title: string
  status?: TaskStatus
  priority?: TaskPriority
  tlp?: TlpLabel
  dueAt?: Date
  statusChangedAt?: Date
  createdAt?: Date
  assigneeUserId?: string
  initiativeId?: string
  assignmentId?: string
  redRecipientIds?: string[]
}) {
  const createdAt = fields.createdAt ?? new Date()
  const status = fields.status ?? 'assigned'
  return {
    ownerCentreId: oid(fields.ownerCentreId),
    assigneeOrganisationId: oid(fields.assigneeOrganisationId),
    ...(fields.assigneeUserId ? { assigneeUserId: oid(fields.assigneeUserId) } : {}),
    ...(fields.initiativeId ? { initiativeId: oid(fields.initiativeId) } : {}),
    ...(fields.assignmentId ? { assignmentId: oid(fields.assignmentId) } : {}),
    ...(fields.redRecipientIds ? { redRecipientIds: fields.redRecipientIds.map(oid) } : {}),
    title: fields.title,
    description: '',
    priority: fields.priority ?? 'normal',
    dueAt: fields.dueAt ?? new Date(createdAt.getTime() + 10 * DAY),
    tlp: fields.tlp ?? 'AMBER',
    status,
    statusChangedAt: fields.statusChangedAt ?? createdAt,
    createdBy: oid(fields.createdBy),
    timeline: [{ at: createdAt, to: status, transition: 'create' }],
    createdAt,
    updatedAt: createdAt,
    __v: 0,
  }
}

/** An initiative led by a centre, with participants. */
export async function createInitiative(leadCentreId: string, participantIds: string[] = [], title = uniqueTitle('Initiative')) {
  const now = new Date()
  const { insertedId } = await collection('initiatives').insertOne({
    title,
    purpose: 'Cut the payment channels of one network of abuse sites.',
    leadCentreId: oid(leadCentreId),
    participantIds: participantIds.map(oid),
    status: 'active',
    tlp: 'AMBER',
    createdAt: now,
    updatedAt: now,
  })
  return { id: String(insertedId), title }
}

/**
 * Server-renders a page the way Remix does (its loader, optionally an action, then the component) in
 * a given language, and returns the HTML.
 */
export async function renderPage(
  path: string,
  client: Client,
  page: {
    pattern: string
    loader: (args: LoaderFunctionArgs) => Promise<unknown>
    action?: (args: ActionFunctionArgs) => Promise<unknown>
    Component: ComponentType
  },
  { language = 'en', form }: { language?: Language; form?: Record<string, string | string[]> } = {},
) {
  const route: RouteObject = {
    id: 'page',
    path: page.pattern,
    loader: ({ request, params }) => page.loader({ request, params, context: testContext }),
    element: createElement(page.Component),
  }
  const action = page.action
  if (action) route.action = ({ request, params }) => action({ request, params, context: testContext })
  const handler = createStaticHandler([{ id: 'root', path: '/', loader: () => ({ csrfToken: client.csrf }), element: createElement(Outlet), children: [route] }])
  const request = form ? post(path, client, form) : get(path, client)
  const context = await handler.query(request)
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`)
  expect(context.errors).toBeNull()
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

/** Untranslated keys of the `tasks` namespace show up as their dotted names. */
export const rawKeys = (html: string) =>
  html.match(/\b(list|views|filters|bulk|create|templates|policy|groups|counts|status|priority|tlp|errors|toast|paging)\.[a-zA-Z.]+\b/g) ?? []
