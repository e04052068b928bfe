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

export const taskStatuses = [
  'draft',
  'assigned',
  'acknowledged',
  'in_progress',
  'reported',
  'returned',
  'verified',
  'closed',
  'declined',
  'not_applicable',
  'cancelled',
] as const
export type TaskStatus = (typeof taskStatuses)[number]

/** States in which a task still waits for someone. */
export const openTaskStatuses = ['draft', 'assigned', 'acknowledged', 'in_progress', 'reported', 'returned', 'declined'] as const satisfies readonly TaskStatus[]

export const taskPriorities = ['low', 'normal', 'high', 'urgent'] as const
export type TaskPriority = (typeof taskPriorities)[number]

/** Default days to the due date, per priority; each centre may change its own. */
export const defaultDuePolicy: Record<TaskPriority, number> = { urgent: 2, high: 5, normal: 10, low: 20 }

export const actionTypes = [
  'merchant_terminated',
  'no_relationship_found',
  'merchant_investigated',
  'reserve_or_funds_held',
  'account_closed',
  'str_filed',
  'funds_frozen',
  'notice_sent',
  'url_blocked',
  'content_removed',
  'domain_suspended',
  'accounts_actioned',
  'wallet_screened_match',
  'wallet_screened_no_match',
  'other',
] as const
export type ActionType = (typeof actionTypes)[number]

/** Mastercard MATCH reason codes 01–14, recorded with `merchant_terminated`. */
export const matchReasonCodes = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14'] as const

export const notificationEvents = [
  'assigned',
  'acknowledged',
  'declined',
  'reported',
  'verified',
  'returned',
  'commented',
  'due_soon',
  'overdue',
  'review_due',
  'indicator_retracted',
] as const
export type NotificationEvent = (typeof notificationEvents)[number]

export const indicatorTypes = [
  'url',
  'domain',
  'ip',
  'email',
  'phone',
  'merchant_id',
  'merchant_descriptor',
  'acquirer_bin',
  'mcc',
  'iban',
  'bic',
  'crypto_wallet',
  'payment_handle',
  'payment_processor',
  'file_hash',
] as const
export type IndicatorType = (typeof indicatorTypes)[number]

/** Types that name a natural person: flagged personal automatically (an IBAN only when it is a person's). */
export const personalIndicatorTypes = ['email', 'phone', 'payment_handle'] as const satisfies readonly IndicatorType[]

export const reliabilityGrades = ['A', 'B', 'C', 'X'] as const
export const credibilityGrades = ['1', '2', '3', '4'] as const
export const indicatorStatuses = ['active', 'retracted', 'expired'] as const
export const sightingKinds = ['seen', 'processed', 'matched', 'no_match'] as const

export const accessPurposes = ['investigation', 'disruption', 'verification', 'data_protection_review', 'other'] as const

/** Events a partner's systems can subscribe to with a webhook (partner API). */
export const webhookEvents = ['task.assigned', 'task.returned', 'task.due_soon', 'indicator.retracted', 'initiative.updated'] as const
export type WebhookEvent = (typeof webhookEvents)[number]

/** What an API key may do; a key never does more than its organisation's own rights either. */
export const apiScopes = ['tasks:read', 'tasks:write', 'reports:write', 'initiatives:read', 'indicators:read', 'indicators:write', 'sightings:write'] as const
export type ApiScope = (typeof apiScopes)[number]
