import crypto from 'node:crypto'
import { createCookie } from '@remix-run/node'
import { getEnv, sessionSecret } from './env.server'

/**
 * Double-submit protection against cross-site request forgery: a random token in a signed, HttpOnly
 * cookie, repeated in a hidden field of every form. A cross-site page can neither read nor set it.
 */
function csrfCookie() {
  return createCookie('__csrf', {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: getEnv().NODE_ENV === 'production',
    secrets: [sessionSecret()],
  })
}

export const CSRF_FIELD = 'csrf'

/** The token for this browser, and a Set-Cookie header when it is new. */
export async function csrfTokenFor(request: Request): Promise<{ token: string; setCookie?: string }> {
  const existing: unknown = await csrfCookie().parse(request.headers.get('cookie'))
  if (typeof existing === 'string' && existing.length >= 32) return { token: existing }
  const token = crypto.randomBytes(24).toString('base64url')
  return { token, setCookie: await csrfCookie().serialize(token) }
}

export class CsrfError extends Error {
  override name = 'CsrfError'
}

export async function verifyCsrf(request: Request, formData: FormData) {
  const expected: unknown = await csrfCookie().parse(request.headers.get('cookie'))
  const given = formData.get(CSRF_FIELD)
  if (typeof expected !== 'string' || typeof given !== 'string' || expected.length !== given.length) {
    throw new CsrfError('missing or mismatched token')
  }
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(given))) throw new CsrfError('mismatched token')
}
