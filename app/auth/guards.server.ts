import { redirect } from '@remix-run/node'
import { OrganisationModel } from '../../models/organisation'
import { UserModel } from '../../models/user'
import { readSession, type ActiveSession } from './session.server'
import type { OrganisationKind, OrganisationStatus, Role } from '~/domain/vocabulary'
import { can, organisationMayAct, type Permission, type Viewer } from '~/policy/permissions'

export type SignedIn = { viewer: Viewer; session: ActiveSession }

/** The person as the policy sees them, or null when they or their organisation may not act now. */
export async function loadViewer(userId: string, organisationId: string): Promise<Viewer | null> {
  const user = await UserModel.findOne({ _id: userId, organisationId }).select({ name: 1, email: 1, roles: 1, status: 1 }).lean()
  if (!user || user.status !== 'active') return null
  const organisation = await OrganisationModel.findById(organisationId).select({ legalName: 1, kind: 1, status: 1, isOperator: 1 }).lean()
  if (!organisation || !organisationMayAct(organisation.status)) return null
  return {
    userId,
    name: user.name,
    email: user.email,
    roles: user.roles as Role[],
    organisationId,
    organisationName: organisation.legalName,
    organisationKind: organisation.kind as OrganisationKind,
    organisationStatus: organisation.status as OrganisationStatus,
    isOperator: Boolean(organisation.isOperator),
  }
}

/** The signed-in person of this request (second factor done), or null. */
export async function getSignedIn(request: Request): Promise<SignedIn | null> {
  const session = await readSession(request)
  if (!session || session.stage !== 'full') return null
  const viewer = await loadViewer(session.userId, session.organisationId)
  return viewer ? { session, viewer } : null
}

export async function getViewer(request: Request): Promise<Viewer | null> {
  return (await getSignedIn(request))?.viewer ?? null
}

function signInRedirect(request: Request) {
  const url = new URL(request.url)
  const back = `${url.pathname}${url.search}`
  return redirect(back === '/' ? '/login' : `/login?${new URLSearchParams({ redirectTo: back })}`)
}

/** Signed in, or sent to the sign-in page (and back here afterwards). */
export async function requireSignedIn(request: Request): Promise<SignedIn> {
  const signedIn = await getSignedIn(request)
  if (!signedIn) throw signInRedirect(request)
  return signedIn
}

export async function requireViewer(request: Request): Promise<Viewer> {
  return (await requireSignedIn(request)).viewer
}

/** Signed in and holding the permission; otherwise sign-in redirect or 403. */
export async function requirePermission(request: Request, permission: Permission): Promise<Viewer> {
  const viewer = await requireViewer(request)
  if (!can(viewer, permission)) throw forbidden()
  return viewer
}

/** Only for a session between password and second factor (or TOTP enrolment). */
export async function requirePendingSession(request: Request, stage: 'password' | 'enrol'): Promise<ActiveSession> {
  const session = await readSession(request)
  if (!session) throw redirect('/login')
  if (session.stage === 'full') throw redirect('/home')
  if (session.stage !== stage) throw redirect(session.stage === 'enrol' ? '/login/enrol' : '/login/verify')
  return session
}

/** Pages for signed-out people (sign-in, apply) send signed-in people home. */
export async function requireAnonymous(request: Request) {
  if (await getSignedIn(request)) throw redirect('/home')
}

export function notFound(): Response {
  return new Response('Not found', { status: 404 })
}

export function forbidden(): Response {
  return new Response('Forbidden', { status: 403 })
}
