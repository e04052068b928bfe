import { createHash } from 'node:crypto'

/**
 * Deterministic `_id` of an indicator: the same (type, normal form) always gives the same id, so a
 * lookup by value is an `_id` lookup and a value can never be stored twice.
 */
export function indicatorId(type: string, normalised: string): string {
  return createHash('sha256').update(`${type}\u0000${normalised}`, 'utf8').digest('hex')
}
