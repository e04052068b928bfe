import { randomUUID } from 'node:crypto'
import { Types } from 'mongoose'
import { InitiativeModel } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { UserModel } from '../../models/user'
import { duePolicyOf } from './policy.server'
import type { OrganisationKind } from '~/domain/vocabulary'
import { isCentre, permissionRoles, type Viewer } from '~/policy/permissions'

/** Initiatives a centre may file new tasks under: the ones it leads and that are not over. */
export const openInitiativeStatuses = ['planned', 'active', 'paused'] as const

export type AssignableOrganisation = { id: string; name: string; kind: OrganisationKind; probation: boolean }
export type Person = { id: string; name: string }

/** Organisations a centre may assign tasks to: active or on probation, not the operator, not itself. */
export async function assignableOrganisations(viewer: Viewer, kinds?: OrganisationKind[]): Promise<AssignableOrganisation[]> {
  if (!isCentre(viewer)) return []
  const rows = await OrganisationModel.find({
    status: { $in: ['active', 'probation'] },
    isOperator: { $ne: true },
    kind: { $ne: 'national_centre' },
    _id: { $ne: new Types.ObjectId(viewer.organisationId) },
    ...(kinds ? { kind: { $in: kinds } } : {}),
  })
    .select({ legalName: 1, kind: 1, status: 1 })
    .sort({ nameKey: 1 })
    .limit(2000)
    .lean()
  return rows.map((row) => ({ id: String(row._id), name: row.legalName, kind: row.kind as OrganisationKind, probation: row.status === 'probation' }))
}

/** Initiatives the centre leads and that still take tasks. */
export async function ledInitiatives(viewer: Viewer) {
  if (!isCentre(viewer)) return []
  const rows = await InitiativeModel.find({ leadCentreId: new Types.ObjectId(viewer.organisationId), status: { $in: [...openInitiativeStatuses] } })
    .select({ title: 1, participantIds: 1 })
    .sort({ title: 1 })
    .limit(500)
    .lean()
  return rows.map((row) => ({ id: String(row._id), title: row.title, participantIds: (row.participantIds ?? []).map(String) }))
}

const taskPeopleRoles = [...permissionRoles['task:view']]

/** The people of an assignable organisation who work tasks, for the optional "assign to a person" step. */
export async function peopleOf(viewer: Viewer, organisationId: string): Promise<Person[]> {
  const organisations = await assignableOrganisations(viewer)
  if (!organisations.some((organisation) => organisation.id === organisationId)) return []
  const rows = await UserModel.find({ organisationId, status: 'active', roles: { $in: taskPeopleRoles } })
    .select({ name: 1 })
    .sort({ name: 1 })
    .limit(500)
    .lean()
  return rows.map((row) => ({ id: String(row._id), name: row.name }))
}

/** The viewer's colleagues who may be named on a TLP:RED task. */
export async function colleaguesOf(viewer: Viewer): Promise<Person[]> {
  const rows = await UserModel.find({ organisationId: viewer.organisationId, status: 'active', roles: { $in: taskPeopleRoles }, _id: { $ne: new Types.ObjectId(viewer.userId) } })
    .select({ name: 1 })
    .sort({ name: 1 })
    .limit(500)
    .lean()
  return rows.map((row) => ({ id: String(row._id), name: row.name }))
}

/** Everything the creation form offers a centre. */
export async function creationOptions(viewer: Viewer) {
  const [organisations, initiatives, duePolicy] = await Promise.all([assignableOrganisations(viewer), ledInitiatives(viewer), duePolicyOf(viewer.organisationId)])
  return { organisations, initiatives: initiatives.map(({ id, title }) => ({ id, title })), duePolicy }
}

/** A due date typed as a day means the end of that day (UTC), so a task due today is not overdue this morning. */
export function endOfDay(day: string) {
  return new Date(`${day}T23:59:59.999Z`)
}

export function today(now = new Date()) {
  return now.toISOString().slice(0, 10)
}

/** A key a form carries once, so that sending it twice does the work once (see `claimOnce`). */
export function newSubmissionKey() {
  return randomUUID()
}
