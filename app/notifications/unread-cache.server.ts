/**
 * The bell's count is asked on every page; on the embedded database counting means reading the whole
 * notifications collection, so each app server remembers it per person for a minute and forgets it as
 * soon as this server notifies that person or marks their notifications read. Another app server's
 * changes (MongoDB deployments, where the count is an index lookup anyway) show within the minute.
 */
const UNREAD_TTL_MS = 60_000

declare global {
  var __portalUnreadCounts: Map<string, { count: number; until: number }> | undefined
}
// On `globalThis`: the server's background jobs and the app bundle each load this module.
const remembered = (globalThis.__portalUnreadCounts ??= new Map<string, { count: number; until: number }>())

export function rememberedUnreadCount(userId: string, now = Date.now()): number | null {
  const known = remembered.get(userId)
  return known && known.until > now ? known.count : null
}

export function rememberUnreadCount(userId: string, count: number, now = Date.now()) {
  if (remembered.size > 10_000) remembered.clear()
  remembered.set(userId, { count, until: now + UNREAD_TTL_MS })
}

/** Forgets a person's remembered unread count (a notification for them was created or read here). */
export function forgetUnreadCount(userId: string) {
  remembered.delete(userId)
}
