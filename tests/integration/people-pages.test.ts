import { createElement, type ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { createInstance } from 'i18next'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import type { LoaderFunctionArgs } from '@remix-run/node'
import { describe, expect, test } from 'vitest'
import PersonPage, { loader as personLoader } from '~/routes/people.$userId'
import PeopleList, { loader as listLoader } from '~/routes/people._index'
import InvitePage, { loader as inviteLoader } from '~/routes/people.invite'
import { i18nConfig, type Language } from '~/utils/i18n'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { signedInClient, testContext, type Client } from '../support/requests'

/**
 * Server-renders a page the way Remix does (its loader through a data router, then the component),
 * in a given language, and returns the HTML.
 */
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
  return renderToString(
    createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })),
  )
}

/** Untranslated keys show up as their dotted names. */
const rawKeys = (html: string) => html.match(/\b(list|invitations|invite|person|roles|status|errors|format)\.[a-zA-Z.]+\b/g) ?? []

let banks = 0
async function bankWithPeople() {
  const organisation = await createTestOrganisation({ kind: 'bank', legalName: `Render Test Bank ${++banks}` })
  const admin = await createTestUser({ organisationId: organisation.id, roles: ['admin'], name: 'Alice Admin' })
  const member = await createTestUser({ organisationId: organisation.id, roles: ['member'], name: 'Bob Member', enrolled: false })
  return { admin, member, client: await signedInClient(admin) }
}

describe('people pages render', () => {
  test('the list shows people, translated roles, MFA state and the invitations section', async () => {
    const { client } = await bankWithPeople()
    const html = await render('/people', client, { pattern: 'people', loader: listLoader, Component: PeopleList })
    for (const text of ['Alice Admin', 'Bob Member', 'Administrator', 'Member', 'Not enrolled', 'Pending invitations', 'Invite a person', 'Render Test Bank 1']) {
      expect(html).toContain(text)
    }
    expect(html).toContain('No invitation is waiting for an answer.')
    expect(rawKeys(html)).toEqual([])
  })

  test('the list says so when nothing matches', async () => {
    const { client } = await bankWithPeople()
    const html = await render('/people?q=nobody', client, { pattern: 'people', loader: listLoader, Component: PeopleList })
    expect(html).toContain('No one matches these filters.')
  })

  test('the person page, in French, with the deactivation confirmation step', async () => {
    const { member, client } = await bankWithPeople()
    const html = await render(
      `/people/${member.id}?confirm=deactivate`,
      client,
      { pattern: 'people/:userId', loader: personLoader, Component: PersonPage },
      'fr',
    )
    for (const text of ['Bob Member', 'Désactiver Bob Member ?', 'Désactiver le compte', 'Non configuré', 'Fermer toutes les sessions', 'Enregistrer les rôles']) {
      expect(html).toContain(text)
    }
    expect(html).toContain('name="confirm" value="yes"')
    expect(html).toContain(`name="csrf" value="${client.csrf}"`)
    expect(rawKeys(html)).toEqual([])
  })

  test('one’s own page offers neither deactivation nor an MFA reset', async () => {
    const { admin, client } = await bankWithPeople()
    const html = await render(`/people/${admin.id}?confirm=deactivate`, client, {
      pattern: 'people/:userId',
      loader: personLoader,
      Component: PersonPage,
    })
    expect(html).toContain('You cannot deactivate your own account')
    expect(html).not.toContain('value="deactivate"')
    expect(html).not.toContain('Reset the second factor</a>')
    expect(html).toContain('This session')
  })

  test('the invitation form, in Russian, offers only the organisation’s roles', async () => {
    const { client } = await bankWithPeople()
    const html = await render('/people/invite', client, { pattern: 'people/invite', loader: inviteLoader, Component: InvitePage }, 'ru')
    expect(html).toContain('Пригласить сотрудника')
    expect(html).toContain('value="member"')
    expect(html).toContain('value="admin"')
    expect(html).not.toContain('value="coordinator"')
    expect(rawKeys(html)).toEqual([])
  })
})
