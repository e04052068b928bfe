import { createHash, randomBytes } from 'node:crypto'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { stringify } from 'csv-stringify/sync'
import { createInstance } from 'i18next'
import { createElement, type ComponentType } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { Outlet, type RouteObject } from 'react-router-dom'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { indicatorId } from '~/indicators/ids.server'
import { parseIndicator } from '~/indicators/types'
import { containsCardNumber } from '~/utils/card-numbers'
import { i18nConfig, type Language } from '~/utils/i18n'
import { testContext, type Client } from '../support/requests'

export { auditEvents, body, collection, member, outcome } from './partners-support'

/** A Luhn-valid test card number (Visa test range): must never be stored anywhere. */
export const CARD_NUMBER = '4111 1111 1111 1111'

const run = randomBytes(4).toString('hex')
let sequence = 0
/** A label unique to this test run, so that tests sharing a database never meet each other's values. */
export const unique = (prefix = 'v') => `${prefix}${run}${(++sequence).toString(36)}`

export const IMPORT_HEADER = ['type', 'value', 'chain', 'acquirer', 'tlp', 'reliability', 'credibility', 'personal', 'context', 'first_seen', 'last_seen']

/** CSV text as a spreadsheet writes it (header first, CRLF). */
export const csvText = (rows: string[][], header: string[] = IMPORT_HEADER) => stringify([header, ...rows], { record_delimiter: 'windows' })
export const bytesOf = (text: string) => new TextEncoder().encode(text)

/** A valid import line of a rotating type, unique to this run; `tag` ends up in the context. */
export function goodRow(index: number, tag = unique('r')): string[] {
  const n = `${tag}-${index}`
  switch (index % 5) {
    case 0:
      return ['domain', `shop-${n}.example.com`, '', '', 'AMBER', 'B', '2', 'no', `Storefront ${n}`, '2025-01-10', '2025-02-01']
    case 1:
      return ['url', `https://pay-${n}.example.net/checkout?id=${index}`, '', '', 'GREEN', 'A', '1', '', 'Checkout page', '', '']
    case 2:
      return ['email', `seller-${n}@example.org`, '', '', '', '', '', '', 'Contact address on the storefront', '', '2025-02-01T10:00:00Z']
    case 3:
      return ['merchant_descriptor', `SHOP*${n.toUpperCase()}`, '', '', 'AMBER', 'C', '3', 'no', 'Descriptor from a test purchase', '', '']
    default:
      return ['file_hash', hashWithoutCardNumber(n), '', '', 'CLEAR', 'B', '2', 'no', '', '', '']
  }
}

/**
 * A SHA-256 of the text that does not happen to contain a Luhn-valid run of 13–19 digits (about one
 * random hash in 200 does, and the card-number rule refuses it like any other value).
 */
export function hashWithoutCardNumber(text: string) {
  for (let salt = 0; ; salt++) {
    const hash = createHash('sha256').update(salt === 0 ? text : `${text}#${salt}`).digest('hex')
    if (!containsCardNumber(hash)) return hash
  }
}

/** A bad import line of a rotating kind, with the column and reason code the report must give. */
export function badRow(index: number, tag = unique('b')): { row: string[]; column: string; reason: string } {
  const n = `${tag}-${index}`
  switch (index % 8) {
    case 0:
      return { row: ['telepathy', `x-${n}`, '', '', '', '', '', '', '', '', ''], column: 'type', reason: 'unknownType' }
    case 1:
      return { row: ['domain', `not a domain ${n}`, '', '', '', '', '', '', '', '', ''], column: 'value', reason: 'invalidDomain' }
    case 2:
      return { row: ['domain', `card-${n}.example.com`, '', '', '', '', '', '', `Paid with ${CARD_NUMBER}`, '', ''], column: 'context', reason: 'cardNumber' }
    case 3:
      return { row: ['domain', `tlp-${n}.example.com`, '', '', 'PURPLE', '', '', '', '', '', ''], column: 'tlp', reason: 'invalidTlp' }
    case 4:
      return { row: ['domain', `grade-${n}.example.com`, '', '', '', 'Z', '', '', '', '', ''], column: 'reliability', reason: 'invalidReliability' }
    case 5:
      return { row: ['domain', `future-${n}.example.com`, '', '', '', '', '', '', '', '', '2999-01-01'], column: 'last_seen', reason: 'futureDate' }
    case 6:
      return { row: ['iban', `DE00${String(index).padStart(18, '0')}`, '', '', '', '', '', '', '', '', ''], column: 'value', reason: 'checksum' }
    default:
      return { row: ['domain', '', '', '', '', '', '', '', '', '', ''], column: 'value', reason: 'required' }
  }
}

/** The deterministic id an import line resolves to. */
export function idOf(type: string, value: string, options: { chain?: string; acquirer?: string } = {}) {
  const parsed = parseIndicator(type, value, options)
  if (!parsed.ok) throw new Error(`not a valid ${type}: ${value} (${parsed.error})`)
  return indicatorId(type, parsed.indicator.normalised)
}

/** A multipart upload as a browser sends it, with the anti-forgery field unless `csrf: false`. */
export function uploadRequest(
  path: string,
  client: Client,
  file: { bytes: Uint8Array; name?: string; type?: string } | null,
  { csrf = true, intent = 'import' }: { csrf?: boolean | string; intent?: string } = {},
) {
  const form = new FormData()
  if (csrf) form.append('csrf', typeof csrf === 'string' ? csrf : client.csrf)
  form.append('intent', intent)
  if (file) form.append('file', new File([Buffer.from(file.bytes)], file.name ?? 'indicators.csv', { type: file.type ?? 'text/csv' }))
  else form.append('file', new File([], '', { type: 'application/octet-stream' }))
  return new Request(`http://localhost${path}`, { method: 'POST', headers: { cookie: client.cookie }, body: form })
}

/** The first bytes of real files of the kinds that must never come in. */
export const forbiddenFiles = {
  png: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01]),
  jpeg: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  zip: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, ...bytesOf('indicators.csv')]),
  gzip: Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]),
  pdf: bytesOf('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n'),
  mp4: Uint8Array.from([0x00, 0x00, 0x00, 0x18, ...bytesOf('ftypmp42'), 0x00, 0x00, 0x00, 0x00]),
}

/** Renders a route module's page for a request (GET, or a POST such as an upload) in one language. */
export async function renderRoute(
  request: Request,
  page: {
    pattern: string
    loader: (args: LoaderFunctionArgs) => Promise<unknown>
    action?: (args: ActionFunctionArgs) => Promise<unknown>
    Component: ComponentType
  },
  { language = 'en', csrf = '' }: { language?: Language; csrf?: string } = {},
) {
  const route: RouteObject = {
    id: 'page',
    path: page.pattern,
    loader: ({ request, params }) => page.loader({ request, params, context: testContext }),
    element: createElement(page.Component),
  }
  const action = page.action
  if (action) route.action = ({ request, params }) => action({ request, params, context: testContext })
  const handler = createStaticHandler([{ id: 'root', path: '/', loader: () => ({ csrfToken: csrf }), element: createElement(Outlet), children: [route] }])
  const context = await handler.query(request)
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`)
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  const router = createStaticRouter(handler.dataRoutes, context)
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

/** Keys of the `indicators-io` namespace that were not translated show up as their dotted names. */
export const rawKeys = (html: string) => html.match(/\b(import|result|report|refused|reasons|fieldNames|export|purposes|types)\.[a-zA-Z_.]+\b/g) ?? []
