import { RateLimitHitModel } from '../../models/rate-limit'

/**
 * Sliding-window limit shared by every app server: records this attempt, then counts the attempts of
 * the last `windowMs`. Returns whether this one is within `limit`.
 */
export async function hitRateLimit(key: string, limit: number, windowMs: number) {
  const now = Date.now()
  await RateLimitHitModel.create({ key, at: new Date(now), expiresAt: new Date(now + windowMs) })
  const recent = await RateLimitHitModel.find({ key, at: { $gt: new Date(now - windowMs) } })
    .sort({ at: 1 })
    .limit(limit + 1)
    .select({ at: 1 })
    .lean()
  const allowed = recent.length <= limit
  const oldest = recent[0]?.at.getTime() ?? now
  return { allowed, retryAfterMs: allowed ? 0 : Math.max(oldest + windowMs - now, 1_000) }
}

/** Drops attempts older than their window; run by the housekeeping job. */
export async function sweepRateLimits(now = new Date()) {
  const { deletedCount } = await RateLimitHitModel.deleteMany({ expiresAt: { $lt: now } })
  return deletedCount
}
