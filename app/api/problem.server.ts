import { publicUrl } from '~/utils/env.server'

/**
 * Every error the API gives, by a stable code. The `type` of a problem (RFC 9457) is the address of
 * its explanation in the API reference, so a partner's system can branch on it and a person can read it.
 */
export const problemTitles = {
  'unauthorized': 'Missing, unknown, expired or revoked API key',
  'insufficient-scope': 'The API key lacks the scope this call needs',
  'forbidden': 'Your organisation may not do this',
  'not-found': 'No such resource, or not one your organisation may see',
  'method-not-allowed': 'This resource does not accept that method',
  'invalid-request': 'The request does not validate',
  'invalid-json': 'The body is not a JSON document',
  'unsupported-media-type': 'The body must be application/json',
  'payload-too-large': 'The body is too large',
  'card-number': 'A card number was sent; card numbers are never accepted',
  'conflict': 'Someone changed this resource at the same time; read it again',
  'illegal-transition': 'The resource is not in a state that allows this',
  'purpose-required': 'Personal data needs a stated purpose',
  'idempotency-key-reused': 'This Idempotency-Key was used with a different request',
  'idempotency-key-in-progress': 'A request with this Idempotency-Key is still being processed',
  'rate-limited': 'Too many requests for this API key',
  'service-unavailable': 'The service is briefly unavailable',
} as const

export type ProblemCode = keyof typeof problemTitles
export const problemCodes = Object.keys(problemTitles) as ProblemCode[]

export type FieldProblem = { path: string; code: string }
export type Problem = { type: string; title: string; status: number; detail?: string; instance?: string; errors?: FieldProblem[] }

export const problemType = (code: ProblemCode) => `${publicUrl()}/developers#problem-${code}`

export function problemBody(status: number, code: ProblemCode, detail?: string, errors?: FieldProblem[]): Problem {
  return { type: problemType(code), title: problemTitles[code], status, ...(detail ? { detail } : {}), ...(errors?.length ? { errors } : {}) }
}

/** An `application/problem+json` answer. */
export function problem(status: number, code: ProblemCode, detail?: string, { errors, headers }: { errors?: FieldProblem[]; headers?: HeadersInit } = {}) {
  const response = Response.json(problemBody(status, code, detail, errors), { status, headers })
  response.headers.set('Content-Type', 'application/problem+json; charset=utf-8')
  response.headers.set('Cache-Control', 'no-store')
  return response
}

/** Thrown inside an endpoint to answer with a problem. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
  ) {
    super(code)
  }
}
