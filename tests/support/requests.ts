import type { AppLoadContext } from '@remix-run/node'
import { startSession } from '~/auth/session.server'
import { csrfTokenFor } from '~/utils/csrf.server'

const BASE = 'http://localhost'

/** A browser's cookie jar in miniature: signed session and anti-forgery cookies for direct loader/action calls. */
export type Client = { cookie: string; csrf: string }

export async function anonymousClient(): Promise<Client> {
  const { token, setCookie } = await csrfTokenFor(new Request(BASE))
  return { cookie: cookiePair(setCookie ?? ''), csrf: token }
}

/** Signs a person straight in (second factor done) without going through the forms. */
export async function signedInClient(user: { id: string; organisationId: string }): Promise<Client & { sessionId: string }> {
  const client = await anonymousClient()
  const session = await startSession(user, 'full', { ip: '127.0.0.1', userAgent: 'vitest' })
  return { ...withCookie(client, session.setCookie), sessionId: session.id }
}

export function withCookie(client: Client, setCookie: string | null | undefined): Client {
  if (!setCookie) return client
  const pairs = new Map(client.cookie.split('; ').filter(Boolean).map((pair) => [pair.split('=')[0], pair]))
  for (const header of setCookie.split(/,(?=\s*__)/)) {
    const pair = cookiePair(header)
    pairs.set(pair.split('=')[0], pair)
  }
  return { ...client, cookie: [...pairs.values()].join('; ') }
}

function cookiePair(setCookie: string) {
  return setCookie.split(';')[0]?.trim() ?? ''
}

export function get(path: string, client?: Client) {
  return new Request(`${BASE}${path}`, { headers: client ? { cookie: client.cookie } : {} })
}

/** A form POST as the browser sends it, with the anti-forgery field unless `csrf: false`. */
export function post(path: string, client: Client | undefined, fields: Record<string, string | string[]>, { csrf = true } = {}) {
  const body = new URLSearchParams()
  if (csrf && client) body.append('csrf', client.csrf)
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(key, item)
  }
  return new Request(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(client ? { cookie: client.cookie } : {}) },
    body,
  })
}

export const testContext: AppLoadContext = { cspNonce: 'test', requestId: 'test', clientIp: '127.0.0.1' }

export function routeArgs(request: Request, params: Record<string, string> = {}, context: AppLoadContext = testContext) {
  return { request, params, context }
}

/** Runs a loader or action and returns its Response whether it returned or threw one. */
export async function call<T>(fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof Response) return error
    if (isDataWithResponseInit(error)) return new Response(JSON.stringify(error.data), error.init ?? { status: 500 })
    throw error
  }
}

function isDataWithResponseInit(value: unknown): value is { data: unknown; init: ResponseInit | null; type: string } {
  return typeof value === 'object' && value !== null && (value as { type?: string }).type === 'DataWithResponseInit'
}
