import { z } from 'zod'
import { commonProblems, type Endpoint } from './endpoint.server'
import { indicatorEndpoints } from './indicators.server'
import { initiativeEndpoints } from './initiatives.server'
import { problemCodes, problemTitles } from './problem.server'
import { taskEndpoints } from './tasks.server'
import { apiScopes } from '~/domain/vocabulary'
import { publicUrl } from '~/utils/env.server'

/** Every endpoint of /api/v1: the routes run them, this document describes them. */
export const apiEndpoints: Endpoint[] = [...taskEndpoints, ...initiativeEndpoints, ...indicatorEndpoints] as unknown as Endpoint[]

export const API_VERSION = '1.0.0'

type JsonSchema = Record<string, unknown>

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema
  return rest
}

function parametersOf(endpoint: Endpoint) {
  const out: JsonSchema[] = []
  for (const [where, schema] of [
    ['path', endpoint.params],
    ['query', endpoint.query],
  ] as const) {
    if (!schema) continue
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] }
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...propertySchema } = property
      out.push({
        name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: propertySchema,
      })
    }
  }
  return out
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
})

function operationOf(endpoint: Endpoint) {
  const responses: Record<string, unknown> = {
    [String(endpoint.success.status)]: {
      description: endpoint.success.description,
      content: { 'application/json': { schema: jsonSchema(endpoint.success.schema, 'output') } },
    },
  }
  for (const { status, code } of [...endpoint.problems, ...commonProblems]) {
    const key = String(status)
    const existing = responses[key] as { description: string } | undefined
    const line = `${problemTitles[code]} (\`${code}\`)`
    responses[key] = existing ? { ...existing, description: `${existing.description}; ${line}` } : problemResponse(line)
  }
  return {
    operationId: endpoint.operationId,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    ...(endpoint.description ? { description: endpoint.description } : {}),
    security: [{ apiKey: [endpoint.scope] }],
    'x-scope': endpoint.scope,
    parameters: [
      ...parametersOf(endpoint),
      ...(endpoint.method === 'POST'
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Any unique string (a UUID): a retry with the same key returns the first answer and changes nothing. Kept for 24 hours.',
              schema: { type: 'string', minLength: 1, maxLength: 255 },
            },
          ]
        : []),
    ],
    ...(endpoint.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(endpoint.body, 'input') } } } } : {}),
    responses,
  }
}

/** The OpenAPI 3.1 document of the API, generated from the same schemas that validate the requests. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const endpoint of apiEndpoints) {
    const item = (paths[endpoint.path] ??= {})
    item[endpoint.method.toLowerCase()] = operationOf(endpoint)
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Payment Channel Partnership API',
      version: API_VERSION,
      description:
        'Let your case system take tasks, report the actions you took, follow initiatives and share indicators, under the same access rules as the portal. Authenticate with an API key (Authorization: Bearer <key>) created by an administrator of your organisation under Integrations. Errors are application/problem+json (RFC 9457) with a stable `type`. Lists use cursor paging (`limit`, `next`). Every POST accepts an Idempotency-Key. Card numbers are refused in any field.',
    },
    servers: [{ url: `${publicUrl()}/api/v1` }],
    tags: [
      { name: 'Tasks', description: 'Coordination tasks assigned to your organisation' },
      { name: 'Initiatives', description: 'Joint initiatives your organisation takes part in' },
      { name: 'Indicators', description: 'Payment-channel indicators shared under TLP 2.0' },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: `An API key of your organisation. Scopes: ${apiScopes.join(', ')}.`,
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', description: `Stable per error: one of ${problemCodes.map((code) => `…#problem-${code}`).join(', ')}` },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', required: ['path', 'code'], properties: { path: { type: 'string' }, code: { type: 'string' } } },
            },
          },
        },
      },
    },
  }
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>
