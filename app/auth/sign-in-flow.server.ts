import { redirect } from '@remix-run/node'
import { revokeSession, startSession, type ActiveSession } from './session.server'
import { getUserLocale } from '~/people/users.server'
import { localeCookie } from '~/utils/i18next.server'
import { safeRedirect, type RequestMeta } from '~/utils/request.server'

/**
 * Finishes sign-in after the second factor: the pending session is ended and a new one, with a new id,
 * starts; the person's saved language becomes the page language.
 */
export async function finishSignIn(pending: ActiveSession, meta: RequestMeta): Promise<Headers> {
  await revokeSession(pending, 'signed_in')
  const user = { id: pending.userId, organisationId: pending.organisationId }
  const session = await startSession(user, 'full', meta)
  const headers = new Headers({ 'Set-Cookie': session.setCookie })
  const locale = await getUserLocale(user)
  if (locale) headers.append('Set-Cookie', await localeCookie.serialize(locale))
  return headers
}

export async function completeSignIn(pending: ActiveSession, meta: RequestMeta, redirectTo: string) {
  return redirect(redirectTo, { headers: await finishSignIn(pending, meta) })
}

/** Carries the page to return to through the sign-in steps. */
export function redirectTarget(request: Request) {
  return safeRedirect(new URL(request.url).searchParams.get('redirectTo'), '/home')
}

export function withRedirect(path: string, redirectTo: string) {
  return redirectTo === '/home' ? path : `${path}?${new URLSearchParams({ redirectTo })}`
}
