import { Validator } from '@seriousme/openapi-schema-validator'
import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { beforeAll, describe, expect, test } from 'vitest'
import { api, apiRouteFiles } from '../support/api'
import { arrangeWorld, urlOfRouteFile, type World } from '../support/access-fixtures'
import { createApiKey } from '~/api/keys.server'
import { apiScopes } from '~/domain/vocabulary'

/**
 * The OpenAPI document and the routes cannot drift: every route under /api/v1 is documented with the
 * methods it serves, every documented operation has a route, the document is valid OpenAPI 3.1, and
 * real answers of every operation validate against the schemas it declares.
 */

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> }
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } }

let doc: Document
let world: World
let key: string
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)

beforeAll(async () => {
  doc = (await api('GET', '/api/v1/openapi.json')).json as unknown as Document
  world = await arrangeWorld()
  key = (await createApiKey(world.viewers.admin, { name: 'Conformance', scopes: [...apiScopes], expiresInDays: 5 })).secret
})

const documentedPath = (file: string) =>
  urlOfRouteFile(file)
    .replace(/^\/api\/v1/, '')
    .replace(/:(\w+)/g, '{$1}')

const operationFiles = () => apiRouteFiles.filter((file) => file.startsWith('api.v1.') && file !== 'api.v1.openapi[.]json.ts')

function validate(path: string, method: string, status: number, body: unknown) {
  const operation = doc.paths[path]?.[method]
  expect(operation, `${method} ${path} is documented`).toBeTruthy()
  const response = operation?.responses[String(status)]
  expect(response, `${method} ${path} documents status ${status}`).toBeTruthy()
  const content = response?.content?.['application/json'] ?? response?.content?.['application/problem+json']
  const schema = content?.schema as { $ref?: string } | undefined
  const resolved = schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop() as string] : schema
  const check = ajv.compile(resolved ?? {})
  const ok = check(body)
  expect(ok, `${method} ${path} ${status}: ${ajv.errorsText(check.errors)}`).toBe(true)
}

describe('the OpenAPI document', () => {
  test('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0])
    expect(result.errors ?? [], JSON.stringify(result.errors ?? []).slice(0, 2000)).toEqual([])
    expect(result.valid).toBe(true)
  })

  test('every route under /api/v1 is documented with its methods, and every documented operation has a route', async () => {
    const served = new Set<string>()
    for (const file of operationFiles()) {
      const pattern = urlOfRouteFile(file)
      const example = pattern.replace(/:(\w+)/g, (_, name: string) => (name === 'indicatorId' ? 'a'.repeat(64) : 'a'.repeat(24)))
      for (const method of ['GET', 'POST']) {
        // Without a key: a method the route serves answers 401; one it does not, 405.
        const answer = await api(method, example, { body: method === 'POST' ? {} : undefined })
        expect([401, 405], `${method} ${file}`).toContain(answer.status)
        if (answer.status === 401) served.add(`${method.toLowerCase()} ${documentedPath(file)}`)
      }
    }
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)))
    expect([...served].filter((op) => !documented.has(op)), 'undocumented routes').toEqual([])
    expect([...documented].filter((op) => !served.has(op)), 'documented operations without a route').toEqual([])
    console.info(`OpenAPI conformance: ${served.size} operations in ${operationFiles().length} route files, all documented`)
  })

  test('real answers of every operation validate against their schemas', async () => {
    const calls: [string, string, string, unknown?][] = [
      ['get', '/tasks', '/api/v1/tasks'],
      ['get', '/tasks/{taskId}', `/api/v1/tasks/${world.tasks.own}`],
      ['post', '/tasks/{taskId}/comments', `/api/v1/tasks/${world.tasks.own}/comments`, { body: 'Received, on it.' }],
      ['post', '/tasks/{taskId}/acknowledge', `/api/v1/tasks/${world.tasks.own}/acknowledge`],
      ['post', '/tasks/{taskId}/reports', `/api/v1/tasks/${world.tasks.own}/reports`, { actions: [{ type: 'merchant_terminated', quantity: 1, actionDate: '2026-11-01', matchReasonCode: '13' }] }],
      ['post', '/tasks/{taskId}/decline', `/api/v1/tasks/${world.tasks.own}/decline`, { reason: 'Already reported, so not possible now' }],
      ['get', '/initiatives', '/api/v1/initiatives'],
      ['get', '/initiatives/{initiativeId}', `/api/v1/initiatives/${world.initiatives.own}`],
      ['get', '/indicators', '/api/v1/indicators'],
      ['get', '/indicators', '/api/v1/indicators?q=shop.example&type=domain'],
      ['post', '/indicators', '/api/v1/indicators', { indicators: [{ type: 'domain', value: 'pay-shop-conformance.example', tlp: 'AMBER' }, { type: 'iban', value: 'DE00 1234' }] }],
      ['get', '/indicators/{indicatorId}', `/api/v1/indicators/${world.indicators.own}`],
      ['post', '/indicators/{indicatorId}/sightings', `/api/v1/indicators/${world.indicators.own}/sightings`, { kind: 'seen', at: '2026-11-01T10:00:00Z', count: 3 }],
      ['get', '/tasks/{taskId}', `/api/v1/tasks/${world.tasks.other}`],
      ['get', '/tasks', '/api/v1/tasks?limit=0'],
    ]
    const statuses: number[] = []
    for (const [method, path, url, body] of calls) {
      const answer = await api(method.toUpperCase(), url, { key, body })
      statuses.push(answer.status)
      validate(path, method, answer.status, answer.json)
    }
    // Successes, a refused transition (409), a rejected item inside a 200, a 404 and a 400 were all checked.
    expect(statuses).toEqual(expect.arrayContaining([200, 201, 409, 404, 400]))
  })
})
