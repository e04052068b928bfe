import { OrganisationModel } from '../../models/organisation'

/**
 * Marks the organisation that operates the portal. Its people hold platform-admin rights: settings and
 * the audit trail, no case content. Set once at installation (the demo seed does it too).
 */
export async function designateOperator(organisationId: string) {
  const { modifiedCount } = await OrganisationModel.updateOne({ _id: organisationId }, { $set: { isOperator: true } })
  return modifiedCount === 1
}
