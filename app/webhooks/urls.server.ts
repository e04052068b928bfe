import ipaddr from 'ipaddr.js'
import { getEnv } from '~/utils/env.server'

/** Why an endpoint address is refused; each is a key under `webhooks:errors`. */
export type WebhookUrlError = 'urlInvalid' | 'urlScheme' | 'urlHttps' | 'urlCredentials' | 'urlPrivate' | 'tooLong'

const MAX_URL_LENGTH = 2000
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The host as an IP address when it is an IP literal (IPv6 without brackets, IPv4-mapped unwrapped). */
function ipLiteral(hostname: string) {
  const bare = hostname.replace(/^\[|\]$/g, '')
  if (!ipaddr.isValid(bare)) return null
  return ipaddr.process(bare)
}

/**
 * Where the portal may POST events: HTTPS; plain HTTP only to this machine (loopback) outside
 * production, for a developer's receiver. Never user:password in the address (it would end up in logs),
 * and in production never an IP literal outside public unicast space nor a `localhost` name, so an
 * admin cannot point the portal at its own network.
 */
export function checkWebhookUrl(raw: string, { production = getEnv().NODE_ENV === 'production' } = {}): { ok: true; url: string } | { ok: false; error: WebhookUrlError } {
  const text = raw.trim()
  if (text.length > MAX_URL_LENGTH) return { ok: false, error: 'tooLong' }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { ok: false, error: 'urlInvalid' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, error: 'urlScheme' }
  if (!url.hostname) return { ok: false, error: 'urlInvalid' }
  if (url.username || url.password) return { ok: false, error: 'urlCredentials' }
  const hostname = url.hostname.toLowerCase()
  const loopback = loopbackHosts.has(hostname)
  if (url.protocol === 'http:' && (production || !loopback)) return { ok: false, error: 'urlHttps' }
  if (production) {
    if (hostname === 'localhost' || hostname.endsWith('.localhost')) return { ok: false, error: 'urlPrivate' }
    const ip = ipLiteral(hostname)
    if (ip && ip.range() !== 'unicast') return { ok: false, error: 'urlPrivate' }
  }
  url.hash = ''
  return { ok: true, url: url.href }
}
