import type { UpdateQuery } from 'mongoose'
import { OrganisationModel, type Organisation } from '../../models/organisation'
import type { OrganisationStatus } from '~/domain/vocabulary'
import { claimOnce, releaseClaim } from '~/utils/claims.server'

/**
 * Conditional updates are not atomic on the embedded database (docs/decisions/0003-atomic-claims.md),
 * so each change of an organisation's status first claims the version it read (`__v`, which every
 * change increments); only one claimant per version goes on to write. A claim is kept once its write
 * is done (a freed key would let a late claimant through).
 *
 * Moves an organisation that is in one of the `from` statuses, applying `update`, at most once per
 * version of it. Returns the updated organisation, or null when it was not in `from` or another
 * change got there first (the caller re-reads to say which).
 */
export async function transitionOrganisation(organisationId: string, from: OrganisationStatus[], update: UpdateQuery<Organisation>) {
  const current = await OrganisationModel.findOne({ _id: organisationId, status: { $in: from } })
    .select({ __v: 1 })
    .lean<{ __v?: number }>()
  if (!current) return null
  const version = current.__v ?? 0
  const key = `organisation:${organisationId}@${version}`
  if (!(await claimOnce(key))) return null
  try {
    return await OrganisationModel.findOneAndUpdate(
      { _id: organisationId, status: { $in: from } },
      { ...update, $inc: { ...update.$inc, __v: 1 } },
      { returnDocument: 'after', lean: true },
    )
  } catch (error) {
    // Nothing was written, so the version is still current: let the next attempt have it.
    await releaseClaim(key)
    throw error
  }
}
