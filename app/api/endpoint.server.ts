import crypto from 'node:crypto'
import type { AppLoadContext } from '@remix-run/node'
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'
import { z } from 'zod'
import { ApiIdempotencyModel } from '../../models/api-key'
import { authenticateApiKey, type ApiCaller } from './keys.server'
import { ApiProblem, problem, problemBody, type FieldProblem, type ProblemCode } from './problem.server'
import { recordAudit } from '~/audit/audit.server'
import type { ApiScope } from '~/domain/vocabulary'
import { IndicatorError } from '~/indicators/indicators.server'
import { IndicatorSubmitError } from '~/indicators/submit.server'
import { InitiativeError } from '~/initiatives/initiatives.server'
import { TaskError } from '~/tasks/tasks.server'
import { containsCardNumber } from '~/utils/card-numbers'
import { isDatabaseUnavailableError, noteDatabaseFailure } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { formValues, readBodyUpTo } from '~/utils/forms.server'
import { getLogger } from '~/utils/logger.server'
import { requestMeta, type RequestMeta } from '~/utils/request.server'

type ObjectSchema = z.ZodObject<z.ZodRawShape>

/** What an endpoint says about itself: the route runs it, the OpenAPI document describes it. */
export type Endpoint<P extends ObjectSchema = ObjectSchema, Q extends ObjectSchema = ObjectSchema, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> = {
  operationId: string
  method: 'GET' | 'POST'
  /** The path under /api/v1, with `{param}` placeholders. */
  path: string
  tag: 'Tasks' | 'Initiatives' | 'Indicators'
  summary: string
  description?: string
  scope: ApiScope
  params?: P
  query?: Q
  body?: B
  /** The largest body accepted, in bytes (default 256 KiB). */
  maxBodyBytes?: number
  success: { status: 200 | 201; description: string; schema: R }
  /** The problems this endpoint may answer with, besides the ones every call may get. */
  problems: { status: number; code: ProblemCode }[]
  handler: (input: {
    caller: ApiCaller
    params: z.output<P>
    query: z.output<Q>
    body: z.output<B>
    request: Request
    meta: RequestMeta
  }) => Promise<z.input<R>>
}

/** Keeps the types of one endpoint's parts together. */
export function defineEndpoint<P extends ObjectSchema, Q extends ObjectSchema, B extends z.ZodType, R extends z.ZodType>(
  endpoint: Endpoint<P, Q, B, R>,
): Endpoint<P, Q, B, R> {
  return endpoint
}

/** Problems any authenticated call may answer with. */
export const commonProblems: { status: number; code: ProblemCode }[] = [
  { status: 401, code: 'unauthorized' },
  { status: 403, code: 'insufficient-scope' },
  { status: 429, code: 'rate-limited' },
  { status: 503, code: 'service-unavailable' },
]
export const postProblems: { status: number; code: ProblemCode }[] = [
  { status: 400, code: 'invalid-request' },
  { status: 409, code: 'idempotency-key-in-progress' },
  { status: 413, code: 'payload-too-large' },
  { status: 415, code: 'unsupported-media-type' },
  { status: 400, code: 'invalid-json' },
  { status: 422, code: 'idempotency-key-reused' },
  { status: 422, code: 'card-number' },
]

const DEFAULT_MAX_BODY = 256 * 1024
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000

let limiter: { points: number; limiter: RateLimiterMemory } | undefined
function rateLimiter() {
  const points = getEnv().API_RATE_LIMIT_PER_MINUTE
  if (limiter?.points !== points) limiter = { points, limiter: new RateLimiterMemory({ points, duration: 60, keyPrefix: 'api' }) }
  return limiter.limiter
}

/** Zod issues as `{ path, code }` pairs: the path in the request, the code of what is wrong. */
function fieldProblems(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.slice(0, 50).map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    code: issue.message && /^[\w:.-]+$/.test(issue.message) ? issue.message : issue.code,
  }))
}

function anyCardNumber(value: unknown, depth = 0): boolean {
  if (depth > 20) return false
  if (typeof value === 'string') return containsCardNumber(value)
  if (typeof value === 'number') return containsCardNumber(String(value))
  if (Array.isArray(value)) return value.some((item) => anyCardNumber(item, depth + 1))
  if (value && typeof value === 'object') return Object.entries(value).some(([key, item]) => containsCardNumber(key) || anyCardNumber(item, depth + 1))
  return false
}

/** Domain refusals as problems. */
function problemOfError(error: unknown): ApiProblem | null {
  if (error instanceof ApiProblem) return error
  if (error instanceof TaskError || error instanceof InitiativeError || error instanceof IndicatorError || error instanceof IndicatorSubmitError) {
    const code = String(error.code)
    if (code === 'notFound') return new ApiProblem(404, 'not-found')
    if (code === 'forbidden') return new ApiProblem(403, 'forbidden')
    if (code === 'conflict') return new ApiProblem(409, 'conflict')
    if (code === 'illegalTransition' || code === 'notActive') return new ApiProblem(409, 'illegal-transition', `The resource does not allow this now (${code}).`)
    return new ApiProblem(422, 'invalid-request', code)
  }
  if (error instanceof z.ZodError) return new ApiProblem(422, 'invalid-request', undefined, fieldProblems(error, 'body'))
  if (error instanceof Response) {
    if (error.status === 404) return new ApiProblem(404, 'not-found')
    if (error.status === 403) return new ApiProblem(403, 'forbidden')
    if (error.status >= 400 && error.status < 500) return new ApiProblem(error.status, 'invalid-request')
  }
  return null
}

async function audit(caller: ApiCaller | null, endpoint: Endpoint, status: number, meta: RequestMeta, target: string) {
  await recordAudit({
    action: 'api.call',
    outcome: status < 400 ? 'success' : status === 401 || status === 403 || status === 404 ? 'denied' : 'failure',
    actor: caller ? { userId: caller.viewer.userId, organisationId: caller.viewer.organisationId, label: caller.keyId } : null,
    target: { kind: 'api', id: endpoint.operationId },
    meta,
    details: { method: endpoint.method, path: target, status, ...(caller ? { keyId: caller.keyId } : {}) },
  })
}

type Args = { request: Request; params: Record<string, string | undefined>; context: AppLoadContext }

/**
 * Runs one API call: key, rate limit, scope, validation, idempotency, the endpoint, the audit event.
 * Every answer is JSON; every error is `application/problem+json`.
 */
export async function runEndpoint(endpoint: Endpoint, { request, params, context }: Args): Promise<Response> {
  const meta = requestMeta(request, context)
  const url = new URL(request.url)
  const target = url.pathname
  let caller: ApiCaller | null = null
  let idempotencyId: string | null = null
  const finish = async (response: Response) => {
    await audit(caller, endpoint, response.status, meta, target).catch((error: unknown) => getLogger().warn({ err: error }, 'API audit failed'))
    return response
  }
  try {
    caller = await authenticateApiKey(request.headers.get('authorization'), meta)
    if (!caller) {
      return await finish(problem(401, 'unauthorized', 'Send a valid key as "Authorization: Bearer <key>".', { headers: { 'WWW-Authenticate': 'Bearer realm="api"' } }))
    }
    try {
      await rateLimiter().consume(caller.keyId)
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))
      return await finish(
        problem(429, 'rate-limited', `At most ${getEnv().API_RATE_LIMIT_PER_MINUTE} calls a minute per key; try again in ${seconds} s.`, {
          headers: { 'Retry-After': String(seconds) },
        }),
      )
    }
    if (!caller.scopes.includes(endpoint.scope)) {
      return await finish(problem(403, 'insufficient-scope', `This call needs the scope "${endpoint.scope}".`))
    }

    const parsedParams = (endpoint.params ?? z.object({})).safeParse(params)
    if (!parsedParams.success) return await finish(problem(404, 'not-found'))
    const query = formValues(url.searchParams)
    if (anyCardNumber(query)) return await finish(problem(422, 'card-number', 'Card numbers are never accepted, in any field.'))
    const parsedQuery = (endpoint.query ?? z.object({})).safeParse(query)
    if (!parsedQuery.success) return await finish(problem(400, 'invalid-request', undefined, { errors: fieldProblems(parsedQuery.error, 'query') }))

    let body: unknown = undefined
    if (endpoint.method === 'POST') {
      const type = request.headers.get('content-type') ?? ''
      const raw = await readBodyUpTo(request, endpoint.maxBodyBytes ?? DEFAULT_MAX_BODY)
      if (!raw) return await finish(problem(413, 'payload-too-large', `At most ${endpoint.maxBodyBytes ?? DEFAULT_MAX_BODY} bytes.`))
      if (raw.length > 0 || endpoint.body) {
        if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) return await finish(problem(415, 'unsupported-media-type', 'Send Content-Type: application/json.'))
        const text = new TextDecoder('utf-8', { fatal: false }).decode(raw)
        try {
          body = raw.length === 0 ? {} : JSON.parse(text)
        } catch {
          return await finish(problem(400, 'invalid-json', 'The body could not be read as JSON.'))
        }
      }
      if (anyCardNumber(body)) return await finish(problem(422, 'card-number', 'Card numbers are never accepted, in any field.'))

      const key = request.headers.get('idempotency-key')
      if (key !== null) {
        if (key.length < 1 || key.length > 255) {
          return await finish(problem(400, 'invalid-request', 'The Idempotency-Key header must be 1 to 255 characters.'))
        }
        idempotencyId = `${caller.keyId}:${crypto.createHash('sha256').update(key).digest('hex')}`
        const requestHash = crypto.createHash('sha256').update(`${endpoint.method} ${target}\n`).update(raw).digest('hex')
        const replay = await claimIdempotency(idempotencyId, requestHash)
        if (replay) {
          idempotencyId = null
          return await finish(replay)
        }
      }
    }
    const parsedBody = endpoint.body ? endpoint.body.safeParse(body) : { success: true as const, data: undefined }
    if (!parsedBody.success) {
      return await finish(await settle(idempotencyId, problem(422, 'invalid-request', undefined, { errors: fieldProblems(parsedBody.error, 'body') })))
    }

    let response: Response
    try {
      const result = await endpoint.handler({ caller, params: parsedParams.data, query: parsedQuery.data, body: parsedBody.data, request, meta })
      response = Response.json(result, { status: endpoint.success.status, headers: { 'Cache-Control': 'no-store' } })
    } catch (error) {
      const known = problemOfError(error)
      if (!known) throw error
      response = problem(known.status, known.code, known.detail, { errors: known.errors })
    }
    return await finish(await settle(idempotencyId, response))
  } catch (error) {
    if (idempotencyId) await ApiIdempotencyModel.deleteOne({ _id: idempotencyId }).catch(() => {})
    if (isDatabaseUnavailableError(error)) {
      noteDatabaseFailure()
      return problem(503, 'service-unavailable', 'The database is unavailable; try again shortly.', { headers: { 'Retry-After': '5' } })
    }
    getLogger().error({ err: error, url: target }, 'API call failed')
    const response = Response.json(problemBody(500, 'service-unavailable', 'Something went wrong on our side; it has been logged.'), { status: 500 })
    response.headers.set('Content-Type', 'application/problem+json; charset=utf-8')
    return await finish(response).catch(() => response)
  }
}

/**
 * Claims an Idempotency-Key for this request, or returns the answer to give instead: the first
 * answer again (same request), or a problem (another request under the same key, or still running).
 */
async function claimIdempotency(id: string, requestHash: string): Promise<Response | null> {
  const now = new Date()
  try {
    await ApiIdempotencyModel.create({ _id: id, requestHash, state: 'pending', createdAt: now })
    return null
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error
  }
  const first = await ApiIdempotencyModel.findById(id).lean()
  if (!first || now.getTime() - first.createdAt.getTime() > IDEMPOTENCY_TTL_MS) {
    // Expired: the key may be used afresh.
    await ApiIdempotencyModel.deleteOne({ _id: id })
    return claimIdempotency(id, requestHash)
  }
  if (first.requestHash !== requestHash) return problem(422, 'idempotency-key-reused', 'Use a new Idempotency-Key for a different request.')
  if (first.state !== 'done' || first.status === undefined || first.status === null) {
    return problem(409, 'idempotency-key-in-progress', 'The first request with this key has not finished; retry in a moment.', { headers: { 'Retry-After': '1' } })
  }
  return new Response(first.body ?? '', {
    status: first.status,
    headers: {
      'Content-Type': first.status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8',
      'Idempotent-Replayed': 'true',
      'Cache-Control': 'no-store',
    },
  })
}

/** Stores the answer under the claimed key (server errors release it so that a retry runs again). */
async function settle(id: string | null, response: Response): Promise<Response> {
  if (!id) return response
  if (response.status >= 500) {
    await ApiIdempotencyModel.deleteOne({ _id: id })
    return response
  }
  const body = await response.clone().text()
  await ApiIdempotencyModel.updateOne({ _id: id }, { $set: { state: 'done', status: response.status, body } })
  return response
}

/** Drops remembered answers older than a day (housekeeping). */
export async function sweepIdempotencyKeys(now = new Date()) {
  const { deletedCount } = await ApiIdempotencyModel.deleteMany({ createdAt: { $lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } })
  return deletedCount
}

/** The loader and action of an API route: each method to its endpoint, anything else 405. */
export function apiRoute(...endpoints: Endpoint[]) {
  const byMethod = new Map(endpoints.map((endpoint) => [endpoint.method, endpoint]))
  const allow = [...byMethod.keys()].join(', ')
  const handle = (args: Args) => {
    const endpoint = byMethod.get(args.request.method === 'HEAD' ? 'GET' : (args.request.method as 'GET' | 'POST'))
    if (!endpoint) return Promise.resolve(problem(405, 'method-not-allowed', `Allowed: ${allow}.`, { headers: { Allow: allow } }))
    return runEndpoint(endpoint, args)
  }
  return { loader: handle, action: handle }
}
