import { PassThrough } from 'node:stream'
import { createInstance } from 'i18next'
import mongoose from 'mongoose'
import { createElement } from 'react'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeAll, describe, expect, test } from 'vitest'
import { recordAudit } from '~/audit/audit.server'
import { detailEntries, summariseUserAgent } from '~/audit/format'
import AuditLog, { loader } from '~/routes/audit._index'
import { i18nConfig } from '~/utils/i18n'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { get, routeArgs, signedInClient, type Client } from '../support/requests'

function auditCollection() {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  return db.collection('auditevents')
}

/** Server-renders the audit page as a browser would receive it, once the chain check has streamed in. */
async function renderAudit(path: string, client: Client, language = 'en') {
  const handler = createStaticHandler([
    { id: 'audit', path: '/audit', loader: ({ request }) => loader(routeArgs(request)), Component: AuditLog },
  ])
  const context = await handler.query(get(path, client))
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`)
  const router = createStaticRouter(handler.dataRoutes, context)
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  const page = createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false }))
  const html = await new Promise<string>((resolve, reject) => {
    const { pipe } = renderToPipeableStream(page, {
      onAllReady() {
        const body = new PassThrough()
        let text = ''
        body.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
        body.on('end', () => resolve(text))
        pipe(body)
      },
      onShellError: reject,
      onError: reject,
    })
  })
  // Text as a person reads it: tags and React's streaming markers dropped, entities decoded.
  return html
    .replace(/<template[^>]*>.*?<\/template>/gs, '')
    .replace(/<!--.*?-->/gs, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

let dpoClient: Client
let bankName: string

beforeAll(async () => {
  await auditCollection().deleteMany({})
  const centre = await createTestOrganisation({ kind: 'national_centre' })
  const bank = await createTestOrganisation({ kind: 'bank' })
  bankName = bank.legalName
  dpoClient = await signedInClient(await createTestUser({ organisationId: centre.id, roles: ['dpo'] }))
  const agent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
  await recordAudit({
    action: 'auth.sign_in',
    outcome: 'failure',
    actor: { organisationId: bank.id, label: 'teller@bank.example' },
    meta: { ip: '198.51.100.4', userAgent: agent },
    details: { reason: 'wrong_password' },
  })
  await recordAudit({ action: 'auth.rate_limited', outcome: 'denied', actor: { label: 'bot@example.net' } })
  await recordAudit({ action: 'legacy.imported', actor: { label: 'migration' } })
  for (let i = 0; i < 55; i++) await recordAudit({ action: 'auth.sign_out', actor: { label: `leaver${i}@example.org` } })
})

describe('the audit log page as rendered', () => {
  test('shows the chain status, the count, translated actions, badges and compact columns', async () => {
    const text = await renderAudit('/audit?prefix=auth.sign_&outcome=failure', dpoClient)
    expect(text).toContain('Chain intact: 58 events verified.')
    expect(text).toContain('1 event matches the filters')
    expect(text).toContain('Sign-in')
    expect(text).toContain('Failure')
    expect(text).toContain(`teller@bank.example ${bankName}`)
    expect(text).toContain('Chrome 126 · Windows')
    expect(text).toContain('198.51.100.4')
    expect(text).toContain('reason: wrong_password')
    expect(text).toContain('Download CSV')
  })

  test('shows the raw code of an action it has no label for', async () => {
    const text = await renderAudit('/audit?prefix=legacy.', dpoClient)
    expect(text).toContain('legacy.imported Action without a label')
    expect(text).toContain('No organisation')
  })

  test('pages with older and newer links that keep the filters', async () => {
    const html = await renderAudit('/audit?prefix=auth.', dpoClient)
    expect(html).toContain('57 events match the filters')
    expect(html).toContain('Older events')
    expect(html).not.toContain('Newer events')
  })

  test('has an empty state that offers to clear the filters', async () => {
    const text = await renderAudit('/audit?from=2001-01-01&to=2001-01-01', dpoClient)
    expect(text).toContain('No event matches these filters.')
    expect(text).toContain('Clear the filters')
    expect(text).not.toContain('Download CSV')
  })

  test('puts a broken chain first and foremost, in the reader’s language', async () => {
    await auditCollection().updateOne({ seq: 2 }, { $set: { outcome: 'success' } })
    try {
      const english = await renderAudit('/audit', dpoClient)
      expect(english).toContain('Chain broken at event #2')
      expect(english).toContain('The content of this event no longer matches its hash')
      const french = await renderAudit('/audit', dpoClient, 'fr')
      expect(french).toContain('Chaîne rompue à l’événement n° 2')
      const russian = await renderAudit('/audit', dpoClient, 'ru')
      expect(russian).toContain('Цепочка разорвана на событии № 2')
    } finally {
      await auditCollection().updateOne({ seq: 2 }, { $set: { outcome: 'denied' } })
    }
  })
})

describe('compact columns', () => {
  test.each([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox 128 · Linux'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Safari 17 · iOS',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
      'Edge 126 · macOS',
    ],
    ['curl/8.5.0', 'curl/8.5.0'],
    ['x'.repeat(60), `${'x'.repeat(39)}…`],
  ])('a user agent %s reads %s', (agent, expected) => {
    expect(summariseUserAgent(agent)).toBe(expected)
  })

  test('details read as key: value pairs', () => {
    expect(detailEntries({ reason: 'locked', roles: ['member', 'admin'], filter: { outcome: 'denied' }, empty: '', none: null })).toEqual([
      ['reason', 'locked'],
      ['roles', 'member, admin'],
      ['filter', '{"outcome":"denied"}'],
    ])
    expect(detailEntries({ note: 'y'.repeat(300) })[0]?.[1]).toHaveLength(120)
  })
})
