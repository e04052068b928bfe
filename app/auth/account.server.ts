import { OrganisationModel } from '../../models/organisation'
import { UserModel } from '../../models/user'
import { recordAudit } from '~/audit/audit.server'
import type { ActiveSession } from './session.server'
import { listLiveSessions, revokeSession, revokeSessionsOf } from './session.server'
import type { Viewer } from '~/policy/permissions'
import type { RequestMeta } from '~/utils/request.server'

export async function getSessionEmail(session: Pick<ActiveSession, 'userId' | 'organisationId'>) {
  const user = await UserModel.findOne({ _id: session.userId, organisationId: session.organisationId }).select({ email: 1 }).lean()
  return user?.email ?? ''
}

/** What a person sees of their own account. */
export async function getAccount(viewer: Viewer, currentSessionId: string) {
  const user = await UserModel.findOne({ _id: viewer.userId, organisationId: viewer.organisationId })
    .select({ totpEnrolledAt: 1, lastSignInAt: 1, recoveryCodeHashes: 1 })
    .select('+recoveryCodeHashes')
    .lean()
  const sessions = await listLiveSessions({ id: viewer.userId, organisationId: viewer.organisationId })
  return {
    name: viewer.name,
    email: viewer.email,
    organisationName: viewer.organisationName,
    organisationStatus: viewer.organisationStatus,
    roles: viewer.roles,
    mfaEnrolledAt: user?.totpEnrolledAt?.toISOString() ?? null,
    recoveryCodesLeft: user?.recoveryCodeHashes?.length ?? 0,
    lastSignInAt: user?.lastSignInAt?.toISOString() ?? null,
    sessions: sessions.map((session) => ({ ...session, current: session.id === currentSessionId })),
  }
}

export async function signOut(viewer: Viewer | null, session: ActiveSession, meta: RequestMeta) {
  await revokeSession(session, 'signed_out')
  await recordAudit({
    action: 'auth.sign_out',
    actor: { userId: session.userId, organisationId: session.organisationId, label: viewer?.email },
    meta,
  })
}

/** Ends every session of this person, the current one included. */
export async function signOutEverywhere(viewer: Viewer, meta: RequestMeta) {
  const count = await revokeSessionsOf({ id: viewer.userId, organisationId: viewer.organisationId }, 'signed_out_everywhere')
  await recordAudit({
    action: 'auth.sign_out_everywhere',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    meta,
    details: { sessions: count },
  })
  return count
}

/** The home page's facts about the viewer's own organisation. */
export async function getOwnOrganisationSummary(viewer: Viewer) {
  const organisation = await OrganisationModel.findById(viewer.organisationId).select({ probationEndsAt: 1, country: 1 }).lean()
  return {
    probationEndsAt: viewer.organisationStatus === 'probation' ? (organisation?.probationEndsAt?.toISOString() ?? null) : null,
    country: organisation?.country ?? null,
  }
}
