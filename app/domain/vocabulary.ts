/** Controlled vocabularies shared by models, domain modules and forms (no server code here). */

export const organisationKinds = [
  'national_centre',
  'isp',
  'hosting_provider',
  'bank',
  'card_scheme',
  'acquirer_processor',
  'payment_service',
  'crypto_exchange',
  'hotline_ngo',
  'other',
] as const
export type OrganisationKind = (typeof organisationKinds)[number]

export const organisationStatuses = ['applied', 'probation', 'active', 'rejected', 'suspended'] as const
export type OrganisationStatus = (typeof organisationStatuses)[number]

export const supportedLocales = ['en', 'fr', 'ru'] as const

export const tlpLabels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const
export type TlpLabel = (typeof tlpLabels)[number]

export const centreRoles = ['staff', 'coordinator', 'dpo'] as const
export const partnerRoles = ['member', 'admin'] as const
export const operatorRoles = ['platform_admin'] as const
export const roles = [...centreRoles, ...partnerRoles, ...operatorRoles] as const
export type Role = (typeof roles)[number]

/** The operator of the portal is an organisation of kind `other` with this flag; it holds platform admins. */
export function rolesForOrganisation(organisation: { kind: OrganisationKind; isOperator?: boolean | null }) {
  if (organisation.isOperator) return [...operatorRoles] as Role[]
  return organisation.kind === 'national_centre' ? ([...centreRoles] as Role[]) : ([...partnerRoles] as Role[])
}
