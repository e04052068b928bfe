import { createCookie, redirect } from '@remix-run/node'
import { getEnv, sessionSecret } from './env.server'

/** A one-time message shown after a redirect; `key` is a translation key, `values` its variables. */
export type Toast = { kind: 'success' | 'error' | 'info'; key: string; values?: Record<string, string | number> }

function toastCookie() {
  return createCookie('__toast', {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: getEnv().NODE_ENV === 'production',
    secrets: [sessionSecret()],
  })
}

export async function redirectWithToast(url: string, toast: Toast, init: { headers?: HeadersInit } = {}) {
  const headers = new Headers(init.headers)
  headers.append('Set-Cookie', await toastCookie().serialize(toast, { maxAge: 60 }))
  return redirect(url, { headers })
}

/** The pending toast, and the header that clears it. */
export async function takeToast(request: Request): Promise<{ toast: Toast | null; setCookie?: string }> {
  const value = (await toastCookie().parse(request.headers.get('cookie'))) as Toast | null
  if (!value || typeof value.key !== 'string') return { toast: null }
  return { toast: value, setCookie: await toastCookie().serialize('', { maxAge: 0 }) }
}
