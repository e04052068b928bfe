import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { api } from '../support/api'
import { arrangeWorld, type World } from '../support/access-fixtures'
import { databaseProblems } from '../support/database-checks'
import { createApiKey } from '~/api/keys.server'
import { apiScopes } from '~/domain/vocabulary'
import { resetEnvCache } from '~/utils/env.server'

/**
 * Hostile input against every API endpoint, property-based with a fixed seed: 200 generated requests
 * each, mixing valid bodies and queries with MongoDB operators, prototype keys, 100k-character strings,
 * control characters, HTML and formula payloads, card numbers, wrong types, missing and extra fields,
 * invalid JSON and invalid UTF-8, odd Idempotency-Keys. Every answer is a 2xx or a 4xx problem document,
 * never a 5xx; afterwards nothing stored holds an operator key, a prototype key, a card number or a
 * document its schema refuses, and Object.prototype is untouched.
 */

const SEED = 20_261_129
const RUNS = 200

let world: World
let key: string

beforeAll(async () => {
  // The suite sends thousands of calls with one key; the limit itself is tested elsewhere.
  process.env.API_RATE_LIMIT_PER_MINUTE = '1000000'
  resetEnvCache()
  world = await arrangeWorld()
  key = (await createApiKey(world.viewers.admin, { name: 'Hostile suite', scopes: [...apiScopes], expiresInDays: 1 })).secret
})

afterAll(() => {
  delete process.env.API_RATE_LIMIT_PER_MINUTE
  resetEnvCache()
})

const card = fc.constantFrom('4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005', 'pay 4012888888881881 now')
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({ $gt: '' }),
  fc.constant({ $where: 'sleep(1000)' }),
  fc.constant({ $ne: null }),
  fc.constant('$where'),
  fc.constant('__proto__'),
  fc.constant(JSON.parse('{"__proto__": {"polluted": "yes"}}')),
  fc.constant({ constructor: { prototype: { polluted: 'yes' } } }),
  fc.constant('x'.repeat(100_000)),
  fc.constant('\u0000\u0001\u001b[31m\u202e'),
  fc.constant('\ud800 lone surrogate'),
  fc.constant('<script>alert(1)</script><img src=x onerror=alert(1)>'),
  fc.constant('=HYPERLINK("http://evil.example","x")'),
  fc.constant('+cmd|" /C calc"!A0'),
  card,
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
)

type Target = { method: 'GET' | 'POST'; path: () => string; body?: () => Record<string, unknown>; query?: () => Record<string, string> }

const targets: Record<string, Target> = {
  'GET /tasks': { method: 'GET', path: () => '/api/v1/tasks', query: () => ({ status: 'assigned', limit: '10' }) },
  'GET /tasks/{taskId}': { method: 'GET', path: () => `/api/v1/tasks/${world.tasks.own}` },
  'POST /tasks/{taskId}/acknowledge': { method: 'POST', path: () => `/api/v1/tasks/${world.tasks.own}/acknowledge`, body: () => ({}) },
  'POST /tasks/{taskId}/decline': { method: 'POST', path: () => `/api/v1/tasks/${world.tasks.own}/decline`, body: () => ({ reason: 'Not our merchant' }) },
  'POST /tasks/{taskId}/reports': {
    method: 'POST',
    path: () => `/api/v1/tasks/${world.tasks.own}/reports`,
    body: () => ({ actions: [{ type: 'url_blocked', quantity: 12, actionDate: '2026-11-01', reference: 'CASE-1' }] }),
  },
  'POST /tasks/{taskId}/comments': { method: 'POST', path: () => `/api/v1/tasks/${world.tasks.own}/comments`, body: () => ({ body: 'Blocked at our resolvers.' }) },
  'GET /initiatives': { method: 'GET', path: () => '/api/v1/initiatives', query: () => ({ limit: '5' }) },
  'GET /initiatives/{initiativeId}': { method: 'GET', path: () => `/api/v1/initiatives/${world.initiatives.own}` },
  'GET /indicators': { method: 'GET', path: () => '/api/v1/indicators', query: () => ({ q: 'shop.example', type: 'domain' }) },
  'POST /indicators': {
    method: 'POST',
    path: () => '/api/v1/indicators',
    body: () => ({ indicators: [{ type: 'domain', value: 'hostile-suite.example', tlp: 'AMBER', context: 'seen in a test purchase' }] }),
  },
  'GET /indicators/{indicatorId}': { method: 'GET', path: () => `/api/v1/indicators/${world.indicators.own}`, query: () => ({ purpose: 'investigation' }) },
  'POST /indicators/{indicatorId}/sightings': {
    method: 'POST',
    path: () => `/api/v1/indicators/${world.indicators.own}/sightings`,
    body: () => ({ kind: 'seen', at: '2026-11-01T10:00:00Z', count: 2 }),
  },
}

/** One generated request: a mutation of the valid one. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('valid' as const) }),
  fc.record({ kind: fc.constant('replace' as const), field: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('nested' as const), field: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('extra' as const), name: fc.constantFrom('$where', '__proto__', 'constructor', 'organisationId', 'status', 'x.y'), value: hostileValue }),
  fc.record({ kind: fc.constant('drop' as const), field: fc.nat() }),
  fc.record({ kind: fc.constant('whole' as const), value: hostileValue }),
  fc.record({ kind: fc.constant('raw' as const), text: fc.constantFrom('{"a":', 'null', '[]', '"text"', '{"__proto__":{"polluted":"yes"}}', 'a=b&c=d', '') }),
  fc.record({ kind: fc.constant('bytes' as const) }),
  fc.record({ kind: fc.constant('idempotency' as const), header: fc.constantFrom('', 'x'.repeat(300), 'retry-1', '{"$gt":""}', '\u00e9t\u00e9') }),
)

function mutate(base: Record<string, unknown>, m: fc.Arbitrary<unknown> extends never ? never : Record<string, unknown> & { kind: string }) {
  const keys = Object.keys(base)
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(base))
  const pick = (n: unknown) => keys[Number(n) % Math.max(keys.length, 1)]
  switch (m.kind) {
    case 'replace': {
      const field = pick(m.field)
      if (field) copy[field] = m.value
      return copy
    }
    case 'nested': {
      // Into the first element of the first list (a report's action, an indicator row).
      const list = Object.values(copy).find(Array.isArray) as unknown[] | undefined
      const first = list?.[0]
      if (first && typeof first === 'object') {
        const inner = Object.keys(first)
        const field = inner[Number(m.field) % Math.max(inner.length, 1)]
        if (field) (first as Record<string, unknown>)[field] = m.value
      } else copy.value = m.value
      return copy
    }
    case 'extra':
      copy[String(m.name)] = m.value
      return copy
    case 'drop': {
      const field = pick(m.field)
      if (field) delete copy[field]
      return copy
    }
    default:
      return copy
  }
}

async function send(target: Target, m: Record<string, unknown> & { kind: string }) {
  const headers: Record<string, string> = {}
  if (m.kind === 'idempotency') headers['idempotency-key'] = String(m.header)
  const query = new URLSearchParams(target.query?.() ?? {})
  if (target.method === 'GET') {
    if (m.kind === 'replace' || m.kind === 'extra' || m.kind === 'whole' || m.kind === 'nested') {
      const name = m.kind === 'extra' ? String(m.name) : ([...query.keys()][Number(m.field ?? 0) % Math.max([...query.keys()].length, 1)] ?? 'q')
      query.set(name, typeof m.value === 'string' ? m.value : JSON.stringify(m.value) ?? '')
    }
    if (m.kind === 'drop') query.delete([...query.keys()][0] ?? '')
    const qs = query.toString()
    return api('GET', `${target.path()}${qs ? `?${qs}` : ''}`, { key, headers })
  }
  const base = target.body?.() ?? {}
  if (m.kind === 'raw') return api('POST', target.path(), { key, rawBody: String(m.text), headers })
  if (m.kind === 'bytes') {
    return api('POST', target.path(), { key, rawBody: Buffer.from([0x7b, 0x22, 0x62, 0x6f, 0x64, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]).toString('latin1'), headers })
  }
  const body = m.kind === 'whole' ? m.value : mutate(base, m)
  return api('POST', target.path(), { key, rawBody: JSON.stringify(body) ?? 'undefined', headers })
}

describe.each(Object.keys(targets))('%s', (name) => {
  test(`answers ${RUNS} generated hostile requests with a 2xx or a 4xx problem, never a 5xx`, { timeout: 180_000 }, async () => {
    const target = targets[name] as Target
    const failures: string[] = []
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const answer = await send(target, m as Record<string, unknown> & { kind: string })
        if (answer.status >= 500) failures.push(`${answer.status} for ${JSON.stringify(m).slice(0, 200)}: ${answer.text.slice(0, 200)}`)
        else if (answer.status >= 400) {
          const type = answer.headers.get('content-type') ?? ''
          if (!type.startsWith('application/problem+json') || typeof answer.json?.title !== 'string' || !String(answer.json?.type).includes('#problem-')) {
            failures.push(`${answer.status} without a problem document for ${JSON.stringify(m).slice(0, 200)}`)
          }
        } else if (answer.status < 200 || answer.status >= 300) failures.push(`unexpected ${answer.status}`)
        return true
      }),
      { seed: SEED, numRuns: RUNS },
    )
    expect(failures.slice(0, 10)).toEqual([])
  })
})

describe('after every hostile request above', () => {
  test('no stored document holds an operator key, a prototype key or a card number, and every one passes its schema', async () => {
    const problems = await databaseProblems()
    expect(problems.slice(0, 20)).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
