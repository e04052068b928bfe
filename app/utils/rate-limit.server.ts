import { RateLimitModel } from '../../models/rate-limit'

/**
 * Fixed-window counter in the database, so that every app server shares it. Returns whether this hit
 * is within `limit` for the current window and when the window ends.
 */
export async function hitRateLimit(key: string, limit: number, windowMs: number) {
  const now = Date.now()
  const windowStart = Math.floor(now / windowMs) * windowMs
  const id = `${key}:${windowStart}`
  const doc = await RateLimitModel.findOneAndUpdate(
    { _id: id },
    { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(windowStart + windowMs) } },
    { upsert: true, returnDocument: 'after', lean: true },
  )
  return { allowed: (doc?.count ?? 1) <= limit, retryAfterMs: windowStart + windowMs - now }
}

/** Drops finished windows; run by the housekeeping job. */
export async function sweepRateLimits(now = new Date()) {
  const { deletedCount } = await RateLimitModel.deleteMany({ expiresAt: { $lt: now } })
  return deletedCount
}
