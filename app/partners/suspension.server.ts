import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { recordAudit } from '~/audit/audit.server'
import { revokeOrganisationSessions } from '~/auth/session.server'
import type { OrganisationStatus } from '~/domain/vocabulary'
import type { Viewer } from '~/policy/permissions'
import type { RequestMeta } from '~/utils/request.server'
import { transitionOrganisation } from './claims.server'
import { isObjectIdString } from './organisations.server'
import { canReinstateOrganisation, canSeeOrganisation, canSuspendOrganisation } from './policy'

export const suspensionSchema = z.object({
  intent: z.enum(['suspend', 'reinstate'], { error: 'invalid' }),
  reason: z.string({ error: 'required' }).trim().min(1, 'required').max(500, 'tooLong'),
  confirm: z.literal('on', { error: 'confirmRequired' }),
})

export type SuspensionFailure = 'notFound' | 'ownOrganisation' | 'notAllowed' | 'wrongStatus'
export type SuspensionResult = { ok: true; legalName: string; sessionsEnded: number } | { ok: false; reason: SuspensionFailure }

async function loadFacts(organisationId: string) {
  if (!isObjectIdString(organisationId)) return null
  const found = await OrganisationModel.findById(organisationId).select({ legalName: 1, status: 1, isOperator: 1 }).lean()
  if (!found) return null
  return { id: organisationId, legalName: found.legalName, status: found.status as OrganisationStatus, isOperator: Boolean(found.isOperator) }
}

const actorOf = (viewer: Viewer) => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

/**
 * Suspends a member organisation: it leaves the directory of partners, every one of its people is
 * signed out at once and none can sign in until it is reinstated.
 */
export async function suspendOrganisation({
  organisationId,
  reason,
  by,
  meta,
}: {
  organisationId: string
  reason: string
  by: Viewer
  meta?: RequestMeta
}): Promise<SuspensionResult> {
  const organisation = await loadFacts(organisationId)
  if (!organisation || !canSeeOrganisation(by, organisation)) return { ok: false, reason: 'notFound' }
  if (!canSuspendOrganisation(by, organisation)) {
    const why: SuspensionFailure =
      by.organisationId === organisationId ? 'ownOrganisation' : organisation.status === 'suspended' ? 'wrongStatus' : 'notAllowed'
    await recordAudit({
      action: 'partner.suspended',
      outcome: 'denied',
      actor: actorOf(by),
      target: { kind: 'organisation', id: organisationId },
      meta,
      details: { why },
    })
    return { ok: false, reason: why }
  }
  const suspended = await transitionOrganisation(organisationId, ['active', 'probation'], {
    $set: { status: 'suspended', suspensionReason: reason },
  })
  if (!suspended) return { ok: false, reason: 'wrongStatus' }
  const sessionsEnded = await revokeOrganisationSessions(organisationId, 'organisation_suspended')
  await recordAudit({
    action: 'partner.suspended',
    actor: actorOf(by),
    target: { kind: 'organisation', id: organisationId },
    meta,
    details: { legalName: suspended.legalName, reason, previousStatus: organisation.status, sessionsEnded },
  })
  return { ok: true, legalName: suspended.legalName, sessionsEnded }
}

/** Lifts a suspension: the organisation is an active member again and its people can sign in. */
export async function reinstateOrganisation({
  organisationId,
  reason,
  by,
  meta,
}: {
  organisationId: string
  reason: string
  by: Viewer
  meta?: RequestMeta
}): Promise<SuspensionResult> {
  const organisation = await loadFacts(organisationId)
  if (!organisation || !canSeeOrganisation(by, organisation)) return { ok: false, reason: 'notFound' }
  if (!canReinstateOrganisation(by, organisation)) {
    return { ok: false, reason: organisation.status !== 'suspended' ? 'wrongStatus' : 'notAllowed' }
  }
  const reinstated = await transitionOrganisation(organisationId, ['suspended'], {
    $set: { status: 'active' },
    $unset: { suspensionReason: 1 },
  })
  if (!reinstated) return { ok: false, reason: 'wrongStatus' }
  await recordAudit({
    action: 'partner.reinstated',
    actor: actorOf(by),
    target: { kind: 'organisation', id: organisationId },
    meta,
    details: { legalName: reinstated.legalName, reason },
  })
  return { ok: true, legalName: reinstated.legalName, sessionsEnded: 0 }
}
