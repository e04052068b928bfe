import type { OrganisationStatus } from '~/domain/vocabulary'
import { can, directoryStatusesFor, seesCommunityMaterial, type Viewer } from '~/policy/permissions'

/**
 * Who may see and act on which organisation. Built only from the policy module's helpers, so the
 * directory, the detail page, suspension and the UI all ask the same questions.
 */

export type OrganisationFacts = { id: string; status: OrganisationStatus; isOperator?: boolean | null }

type DirectoryViewer = Pick<Viewer, 'roles' | 'organisationId' | 'organisationKind' | 'organisationStatus' | 'isOperator'>

/**
 * Whether the organisation exists as far as this viewer is concerned. Applications (applied, rejected)
 * are only seen by coordinators in the vetting queue; the operator is not a partner and is not listed.
 */
export function canSeeOrganisation(viewer: DirectoryViewer, organisation: OrganisationFacts) {
  if (!can(viewer, 'partner:directory')) return false
  if (organisation.isOperator) return false
  return directoryStatusesFor(viewer).includes(organisation.status)
}

/** Why a viewer does not see contact points, or null when they do. */
export function contactHiddenReason(viewer: Pick<Viewer, 'organisationStatus' | 'isOperator'>): 'operator' | 'probation' | null {
  if (seesCommunityMaterial(viewer)) return null
  return viewer.isOperator ? 'operator' : 'probation'
}

/** A coordinator suspends another organisation that is a member (on probation or active), never their own. */
export function canSuspendOrganisation(viewer: DirectoryViewer, organisation: OrganisationFacts) {
  return (
    can(viewer, 'partner:suspend') &&
    canSeeOrganisation(viewer, organisation) &&
    viewer.organisationId !== organisation.id &&
    (organisation.status === 'active' || organisation.status === 'probation')
  )
}

export function canReinstateOrganisation(viewer: DirectoryViewer, organisation: OrganisationFacts) {
  return (
    can(viewer, 'partner:suspend') &&
    canSeeOrganisation(viewer, organisation) &&
    viewer.organisationId !== organisation.id &&
    organisation.status === 'suspended'
  )
}
