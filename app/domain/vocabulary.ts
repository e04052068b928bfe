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

export const tlpLabels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const
export type TlpLabel = (typeof tlpLabels)[number]
