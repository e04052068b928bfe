import { SignInEventModel } from '../../models/sign-in-event'

export const MAX_FAILED_ATTEMPTS = 5
export const LOCKOUT_MS = 15 * 60 * 1000

type Person = { id: string; organisationId: string }

const scope = (person: Person) => ({ organisationId: person.organisationId, userId: person.id })

/**
 * When five failures since the last clearing event fall within 15 minutes, the account is locked until
 * 15 minutes after the fifth. Attempts made while locked are not counted, so the lock ends on time.
 */
export async function lockedUntil(person: Person, now = Date.now()): Promise<Date | null> {
  const clear = await SignInEventModel.findOne({ ...scope(person), kind: 'clear' }).sort({ at: -1 }).select({ at: 1 }).lean()
  const failures = await SignInEventModel.find({
    ...scope(person),
    kind: 'failure',
    ...(clear ? { at: { $gt: clear.at } } : {}),
  })
    .sort({ at: -1 })
    .limit(MAX_FAILED_ATTEMPTS)
    .select({ at: 1 })
    .lean()
  const newest = failures[0]?.at.getTime()
  const oldest = failures[MAX_FAILED_ATTEMPTS - 1]?.at.getTime()
  if (newest === undefined || oldest === undefined || newest - oldest >= LOCKOUT_MS) return null
  const until = newest + LOCKOUT_MS
  return until > now ? new Date(until) : null
}

/** Records a failed attempt; returns the end of the lock when this failure started one. */
export async function recordSignInFailure(person: Person): Promise<Date | null> {
  await SignInEventModel.create({ ...scope(person), kind: 'failure', at: new Date() })
  return lockedUntil(person)
}

/** A successful sign-in, a password reset or a reactivation starts the count afresh. */
export async function clearSignInFailures(person: Person) {
  await SignInEventModel.create({ ...scope(person), kind: 'clear', at: new Date() })
}
