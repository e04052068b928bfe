import type { OrganisationKind, OrganisationStatus, Role } from '~/domain/vocabulary'

/**
 * The one policy table: which roles hold which permission. Loaders, actions, the API and the UI all ask
 * `can()`; a permission name that does not exist here is a compile error.
 */
export const permissionRoles = {
  'partner:directory': ['staff', 'coordinator', 'dpo', 'member', 'admin', 'platform_admin'],
  'partner:vet': ['coordinator'],
  'partner:suspend': ['coordinator'],
  'user:invite': ['admin', 'coordinator'],
  'user:manage': ['admin', 'coordinator'],
  'audit:read': ['dpo', 'platform_admin'],
  'dpo:view': ['dpo'],
  'retention:configure': ['dpo'],
  'indicator:view': ['staff', 'coordinator', 'member', 'admin'],
  'indicator:submit': ['staff', 'coordinator', 'member', 'admin'],
  'indicator:export': ['staff', 'coordinator', 'member', 'admin'],
  'settings:manage': ['platform_admin'],
  'task:view': ['staff', 'coordinator', 'member', 'admin'],
  'task:assign': ['staff', 'coordinator'],
  'task:verify': ['staff', 'coordinator'],
  'task:work': ['member', 'admin'],
  'template:manage': ['staff', 'coordinator'],
  'centre:policy': ['coordinator'],
  'initiative:view': ['staff', 'coordinator', 'member', 'admin'],
  'initiative:manage': ['staff', 'coordinator'],
  'initiative:respond': ['member', 'admin', 'staff', 'coordinator'],
  'initiative:overview': ['coordinator'],
  // API keys and webhooks: a partner's systems act for the organisation (issue: partner API).
  'integration:manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof permissionRoles

/** Who is asking: the person, their organisation and what it is. */
export type Viewer = {
  userId: string
  name: string
  email: string
  roles: Role[]
  organisationId: string
  organisationName: string
  organisationKind: OrganisationKind
  organisationStatus: OrganisationStatus
  isOperator: boolean
}

type RoleHolder = { roles: readonly Role[]; organisationStatus: Viewer['organisationStatus'] }

/** Organisations that may act in the portal at all (people signing in, API keys, webhooks). */
export const organisationMayAct = (status: string) => status === 'active' || status === 'probation'

export function can(viewer: RoleHolder | null | undefined, permission: Permission): boolean {
  if (!viewer) return false
  if (!organisationMayAct(viewer.organisationStatus)) return false
  const allowed: readonly Role[] = permissionRoles[permission]
  return viewer.roles.some((role) => allowed.includes(role))
}

/**
 * The roles an API key works with: those of a working person on its organisation's side of the
 * partnership (its scopes narrow them further; it never manages people or settings).
 */
export function apiKeyRoles(kind: OrganisationKind): Role[] {
  return kind === 'national_centre' ? ['staff'] : ['member']
}

export const isCentre = (viewer: Pick<Viewer, 'organisationKind'>) => viewer.organisationKind === 'national_centre'

/** Community-wide material (the directory's contact points, TLP:GREEN) is for vetted organisations past probation. */
export function seesCommunityMaterial(viewer: Pick<Viewer, 'organisationStatus' | 'isOperator'>) {
  return viewer.organisationStatus === 'active' && !viewer.isOperator
}

/** Organisations listed in the directory for this viewer: members for all, the rest for centres only. */
export function directoryStatusesFor(viewer: Pick<Viewer, 'organisationKind'>): OrganisationStatus[] {
  return isCentre(viewer) ? ['active', 'probation', 'suspended'] : ['active', 'probation']
}

/** People of an organisation are managed by that organisation's admins (or a centre's coordinators). */
export function canManagePeopleOf(viewer: Viewer, organisationId: string) {
  return viewer.organisationId === organisationId && can(viewer, 'user:manage')
}
