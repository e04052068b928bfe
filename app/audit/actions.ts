/** Audit vocabulary shared by the server and the UI (no server code here). */

/** Every action the portal records so far; each has a label in the `audit` namespace (`actions.<code>`). */
export const knownAuditActions = [
  'auth.sign_in',
  'auth.password_accepted',
  'auth.lockout',
  'auth.rate_limited',
  'auth.mfa',
  'auth.mfa_enrolled',
  'auth.mfa_reset',
  'auth.password_reset_requested',
  'auth.password_reset',
  'auth.sign_out',
  'auth.sign_out_everywhere',
  'user.invited',
  'user.invitation_accepted',
  'user.invitation_revoked',
  'user.roles_changed',
  'user.deactivated',
  'user.reactivated',
  'session.revoked_by_admin',
  'partner.applied',
  'partner.approved',
  'partner.rejected',
  'partner.suspended',
  'partner.reinstated',
  'partner.probation_completed',
  'audit.exported',
  'account.notification_preferences',
  'centre.due_policy_changed',
  'initiative.created',
  'initiative.exported',
  'initiative.invited',
  'initiative.joined',
  'initiative.declined',
  'initiative.status_changed',
  'initiative.status_update',
  'initiative.updated',
  'task.created',
  'task.commented',
  'task.assign',
  'task.acknowledge',
  'task.start',
  'task.decline',
  'task.report',
  'task.verify',
  'task.return',
  'task.close',
  'task.notApplicable',
  'task.cancel',
  'template.created',
  'template.updated',
  'template.deleted',
  'template.applied',
  'system.demo_seeded',
  'retention.configured',
  'retention.swept',
  'indicator.rejustified',
  'indicator.submitted',
  'indicator.personal_accessed',
  'indicator.exported',
  'indicator.retracted',
  'indicator.label_lowered',
  'indicator.sighting',
  'indicator.linked_to_task',
  'indicator.import_refused',
] as const
export type KnownAuditAction = (typeof knownAuditActions)[number]

export function isKnownAuditAction(action: string): action is KnownAuditAction {
  return (knownAuditActions as readonly string[]).includes(action)
}

export const auditOutcomes = ['success', 'failure', 'denied'] as const
export type AuditOutcome = (typeof auditOutcomes)[number]

/** Target kinds with a translated name (`targets.<kind>`); others are shown as recorded. */
export const knownTargetKinds = ['user', 'organisation', 'session', 'invitation', 'task', 'initiative', 'template', 'setting', 'indicator', 'indicatorSubmission'] as const

export function isKnownTargetKind(kind: string): kind is (typeof knownTargetKinds)[number] {
  return (knownTargetKinds as readonly string[]).includes(kind)
}

export const AUDIT_PAGE_SIZE = 50
export const AUDIT_EXPORT_LIMIT = 100_000
