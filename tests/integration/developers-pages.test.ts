import { beforeAll, describe, expect, test } from 'vitest'
import { openApiDocument } from '~/api/openapi.server'
import { problemCodes, problemTitles, problemType } from '~/api/problem.server'
import { accessPurposes, webhookEvents } from '~/domain/vocabulary'
import enDevelopers from '~/locales/en/developers.json'
import { designateOperator } from '~/platform/operator.server'
import { loader as rootLoader } from '~/root'
import { loader as guideLoader } from '~/routes/developers.guide'
import { loader as referenceLoader } from '~/routes/developers._index'
import { publicUrl } from '~/utils/env.server'
import { resources, supportedLanguages } from '~/utils/i18n'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser } from '../factories/users'
import { anonymousClient, call, get, routeArgs, signedInClient, type Client } from '../support/requests'

type Who = 'anonymous' | 'staff' | 'coordinator' | 'dpo' | 'member' | 'admin' | 'platform_admin'
const clients = {} as Record<Who, Client>

beforeAll(async () => {
  const centre = await createTestOrganisation({ kind: 'national_centre' })
  const bank = await createTestOrganisation({ kind: 'bank' })
  const operator = await createTestOrganisation({ kind: 'other' })
  await designateOperator(operator.id)
  const people: [Who, string, Parameters<typeof createTestUser>[0]['roles']][] = [
    ['staff', centre.id, ['staff']],
    ['coordinator', centre.id, ['coordinator']],
    ['dpo', centre.id, ['dpo']],
    ['member', bank.id, ['member']],
    ['admin', bank.id, ['admin']],
    ['platform_admin', operator.id, ['platform_admin']],
  ]
  clients.anonymous = await anonymousClient()
  for (const [who, organisationId, roles] of people) {
    clients[who] = await signedInClient(await createTestUser({ organisationId, roles }))
  }
})

async function reference(client: Client, headers: Record<string, string> = {}) {
  const request = get('/developers', client)
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value)
  const result = await call(() => referenceLoader(routeArgs(request)))
  if (result instanceof Response) throw new Error(`the reference answered ${result.status}`)
  return result
}

/** Each operation of the document as "METHOD /path". */
function documentedOperations() {
  return Object.entries(openApiDocument().paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
}

describe('the API reference page', () => {
  test('shows every operation of the OpenAPI document, under its tag, with its scope and parameters', async () => {
    const page = await reference(clients.anonymous)
    const shown = page.tags.flatMap((tag) => tag.operations)
    expect(shown.map((operation) => `${operation.method} ${operation.path}`).sort()).toEqual(documentedOperations().sort())
    expect(shown.length).toBeGreaterThanOrEqual(12)

    const document = openApiDocument()
    for (const operation of shown) {
      const documented = (document.paths[operation.path] as Record<string, Record<string, unknown>>)[operation.method.toLowerCase()]
      expect(operation.scope).toBe(documented?.['x-scope'])
      expect(operation.tag).toBe((documented?.tags as string[])[0])
      expect(operation.summary).toBe(documented?.summary)
      expect(operation.parameters.map((parameter) => parameter.name)).toEqual((documented?.parameters as { name: string }[]).map((parameter) => parameter.name))
      expect(operation.success?.schema, `${operation.operationId} shows its response schema`).toBeTruthy()
      // Every error status the document gives the operation is shown with at least one problem code.
      const errorStatuses = Object.keys(documented?.responses as object).map(Number).filter((status) => status >= 400)
      expect([...new Set(operation.problems.map((problem) => problem.status))].sort()).toEqual(errorStatuses.sort())
      if (operation.method === 'POST') {
        expect(operation.parameters.find((parameter) => parameter.name === 'Idempotency-Key')?.in).toBe('header')
      }
    }
    // The contents list every tag of the document, in its order.
    expect(page.tags.map((tag) => tag.name)).toEqual(document.tags.map((tag) => tag.name))
    expect(page.baseUrl).toBe(`${publicUrl()}/api/v1`)
    expect(page.openApiUrl).toBe('/api/v1/openapi.json')
  })

  test('shows the report request body as a readable JSON Schema', async () => {
    const page = await reference(clients.anonymous)
    const report = page.tags.flatMap((tag) => tag.operations).find((operation) => operation.operationId === 'submitReport')
    expect(report?.method).toBe('POST')
    expect(report?.scope).toBe('reports:write')
    const body = JSON.parse(report?.requestBody ?? 'null') as { properties: { actions: { items: { properties: Record<string, { enum?: string[]; format?: string; pattern?: string }> } } } }
    const action = body.properties.actions.items.properties
    expect(action.type?.enum).toContain('url_blocked')
    expect(action.actionDate?.format).toBe('date')
    // The generated date expression is left out where `format` says it; the document keeps it.
    expect(action.actionDate?.pattern).toBeUndefined()
    expect(report?.requestBody).not.toContain('9007199254740991')
    expect(report?.problems).toContainEqual({ status: 422, code: 'card-number' })
  })

  test('has one entry per problem code, at the anchor that the problem’s `type` points to', async () => {
    const page = await reference(clients.anonymous)
    expect(page.problems.map((problem) => problem.code)).toEqual(problemCodes)
    for (const problem of page.problems) {
      expect(problemType(problem.code)).toBe(`${publicUrl()}/developers#${problem.anchor}`)
      expect(problem.title).toBe(problemTitles[problem.code])
      expect(problem.statuses.length, `${problem.code} says where it occurs`).toBeGreaterThan(0)
    }
    expect(page.problems.find((problem) => problem.code === 'rate-limited')?.statuses).toEqual([429])
    expect(page.problems.find((problem) => problem.code === 'method-not-allowed')?.statuses).toEqual([405])
    // Every problem an operation links to has its entry.
    const linked = page.tags.flatMap((tag) => tag.operations.flatMap((operation) => operation.problems.map((problem) => problem.code)))
    expect(linked.every((code) => problemCodes.includes(code))).toBe(true)
  })

  test('says what to do about every problem, in every language', () => {
    for (const code of problemCodes) {
      for (const language of supportedLanguages) {
        const advice = (resources[language].developers.problems as Record<string, string | undefined>)[code]
        expect(advice, `${language}: developers.problems.${code}`).toBeTruthy()
      }
    }
    expect(Object.keys(enDevelopers.problems).sort()).toEqual([...problemCodes].sort())
  })

  test('gives the intro the live rate limit and the purposes that personal data needs', async () => {
    const page = await reference(clients.anonymous)
    expect(page.rateLimit).toBeGreaterThan(0)
    expect(page.purposes).toEqual([...accessPurposes])
  })

  test.each(['anonymous', 'staff', 'coordinator', 'dpo', 'member', 'admin', 'platform_admin'] as const)('opens for %s, in the normal layout', async (who) => {
    const page = await reference(clients[who])
    expect(page.title).toBe(enDevelopers.meta.reference)
    expect(page.tags.flatMap((tag) => tag.operations).length).toBe(documentedOperations().length)
    const guide = await call(() => guideLoader(routeArgs(get('/developers/guide', clients[who]))))
    if (guide instanceof Response) throw new Error(`the guide answered ${guide.status}`)
    expect(guide.title).toBe(enDevelopers.meta.guide)
    const root = await call(() => rootLoader(routeArgs(get('/developers', clients[who]))))
    expect(root).not.toBeInstanceOf(Response)
    const shell = (root as { data: { viewer: unknown } }).data
    if (who === 'anonymous') expect(shell.viewer).toBeNull()
    else expect(shell.viewer).not.toBeNull()
  })

  test('speaks the reader’s language around the English API content', async () => {
    const page = await reference(clients.anonymous, { 'accept-language': 'fr-FR,fr;q=0.9' })
    expect(page.title).toBe(resources.fr.developers.meta.reference)
    expect(page.title).not.toBe(enDevelopers.meta.reference)
    const english = await reference(clients.anonymous)
    expect(page.tags).toEqual(english.tags)
  })
})

describe('the guide', () => {
  test('builds its samples on this server’s public address and names every webhook event', async () => {
    const guide = await call(() => guideLoader(routeArgs(get('/developers/guide', clients.anonymous))))
    if (guide instanceof Response) throw new Error(`the guide answered ${guide.status}`)
    expect(guide.apiUrl).toBe(`${publicUrl()}/api/v1`)
    expect(guide.events).toEqual([...webhookEvents])
  })
})
