import type { AppLoadContext } from '@remix-run/node'

export type RequestMeta = { ip?: string; userAgent?: string }

/** Where a request came from, for the audit log and rate limits. */
export function requestMeta(request: Request, context?: Partial<AppLoadContext>): RequestMeta {
  return {
    ip: context?.clientIp || undefined,
    userAgent: request.headers.get('user-agent')?.slice(0, 400) ?? undefined,
  }
}

/**
 * A same-site path to return to after sign-in, never another origin: one leading slash, then no second
 * slash or backslash, and no whitespace or control character anywhere (browsers drop tabs and treat
 * backslashes as slashes, which would turn "/\\evil.example" into another site).
 */
export function safeRedirect(target: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (typeof target !== 'string' || target.length > 2_000) return fallback
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (!/^\/(?![\\/])[^\s\\\u0000-\u001f\u007f]*$/.test(target)) return fallback
  // A Location header carries ASCII only: other characters travel percent-encoded.
  try {
    return target.replace(/[^\u0020-\u007e]+/g, (text) => encodeURIComponent(text))
  } catch {
    return fallback
  }
}
