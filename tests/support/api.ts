import fs from 'node:fs'
import path from 'node:path'
import type { AppLoadContext } from '@remix-run/node'
import { urlOfRouteFile } from './access-fixtures'
import { testContext } from './requests'

/**
 * Calls the API as a partner's system would: a real Request with a bearer key, dispatched to the route
 * module that Remix would pick for the path (its real loader or action).
 */

const routesDir = path.resolve('app/routes')
export const apiRouteFiles = fs
  .readdirSync(routesDir)
  .filter((file) => file.startsWith('api.'))
  .sort()

type RouteModule = { loader?: (args: unknown) => Promise<Response> | Response; action?: (args: unknown) => Promise<Response> | Response }
const routes = apiRouteFiles.map((file) => {
  const pattern = urlOfRouteFile(file)
  const segments = pattern.split('/').filter(Boolean)
  // Remix ranks static segments over dynamic ones over splats.
  const score = segments.reduce((sum, segment) => sum + (segment === '*' ? 0 : segment.startsWith(':') ? 2 : 3), 0) - (segments.includes('*') ? 100 : 0)
  return { file, pattern, segments, score }
})

function match(pathname: string) {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent)
  const candidates = routes
    .map((route) => {
      const params: Record<string, string> = {}
      for (let i = 0; i < route.segments.length; i++) {
        const segment = route.segments[i] as string
        if (segment === '*') {
          params['*'] = parts.slice(i).join('/')
          return { route, params }
        }
        const part = parts[i]
        if (part === undefined) return null
        if (segment.startsWith(':')) params[segment.slice(1)] = part
        else if (segment !== part) return null
      }
      return parts.length === route.segments.length ? { route, params } : null
    })
    .filter((found) => found !== null)
    .sort((a, b) => b.route.score - a.route.score)
  return candidates[0] ?? null
}

export type ApiOptions = { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string>; context?: AppLoadContext }

export async function api(method: string, pathAndQuery: string, { key, body, rawBody, headers = {}, context = testContext }: ApiOptions = {}) {
  const url = new URL(pathAndQuery, 'http://localhost')
  const found = match(url.pathname)
  if (!found) throw new Error(`no route for ${url.pathname}`)
  const module = (await import(path.join(routesDir, found.route.file))) as RouteModule
  const request = new Request(url, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : rawBody !== undefined ? { body: rawBody } : {}),
  })
  const handler = method === 'GET' || method === 'HEAD' ? module.loader : module.action
  if (!handler) throw new Error(`${found.route.file} has no ${method === 'GET' ? 'loader' : 'action'}`)
  const response = await handler({ request, params: found.params, context })
  const text = await response.text()
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = null
  }
  return { status: response.status, headers: response.headers, json: json as Record<string, unknown> & { data?: unknown[] }, text, file: found.route.file }
}
