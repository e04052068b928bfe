import type { AppLoadContext } from '@remix-run/node'

export type RequestMeta = { ip?: string; userAgent?: string }

/** Where a request came from, for the audit log and rate limits. */
export function requestMeta(request: Request, context?: Partial<AppLoadContext>): RequestMeta {
  return {
    ip: context?.clientIp || undefined,
    userAgent: request.headers.get('user-agent')?.slice(0, 400) ?? undefined,
  }
}

/** A same-site path to return to after sign-in, never another origin. */
export function safeRedirect(target: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) {
    return fallback
  }
  return target
}
