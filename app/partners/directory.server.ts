import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { organisationKinds, organisationStatuses, type OrganisationKind, type OrganisationStatus } from '~/domain/vocabulary'
import { directoryStatusesFor, type Viewer } from '~/policy/permissions'
import { countryName, countryOptions } from './countries.server'
import { keysetPage, type KeySpec } from './keyset.server'
import { escapeRegex, isObjectIdString, nameKeyOf } from './organisations.server'
import { canReinstateOrganisation, canSeeOrganisation, canSuspendOrganisation, contactHiddenReason } from './policy'

export const DIRECTORY_PAGE_SIZE = 25
import { defaultSortDirection, directorySorts, type DirectorySort } from './directory'
export { defaultSortDirection, directorySorts, type DirectorySort }

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value)
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional()).catch(undefined)

/** The directory's query string; anything unknown is ignored rather than refused. */
export const directoryQuerySchema = z.object({
  q: optional(z.string().trim().max(100)),
  kind: optional(z.enum(organisationKinds)),
  country: optional(z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/)),
  status: optional(z.enum(organisationStatuses)),
  sort: z.preprocess(blankToUndefined, z.enum(directorySorts).default('name')).catch('name'),
  dir: optional(z.enum(['asc', 'desc'])),
  after: optional(z.string().max(600)),
  before: optional(z.string().max(600)),
})
export type DirectoryQuery = z.infer<typeof directoryQuerySchema>

export function parseDirectoryQuery(searchParams: URLSearchParams): DirectoryQuery {
  return directoryQuerySchema.parse(Object.fromEntries(searchParams))
}

/** Natural direction of each sort (newest members first); `dir` reverses it. */
const sortSpecs: Record<DirectorySort, KeySpec> = {
  name: [
    { field: 'nameKey', direction: 1, type: 'string' },
    { field: '_id', direction: 1, type: 'id' },
  ],
  country: [
    { field: 'country', direction: 1, type: 'string' },
    { field: 'nameKey', direction: 1, type: 'string' },
    { field: '_id', direction: 1, type: 'id' },
  ],
  kind: [
    { field: 'kind', direction: 1, type: 'string' },
    { field: 'nameKey', direction: 1, type: 'string' },
    { field: '_id', direction: 1, type: 'id' },
  ],
  joined: [
    { field: 'createdAt', direction: -1, type: 'date' },
    { field: '_id', direction: -1, type: 'id' },
  ],
}

function specFor(sort: DirectorySort, dir: 'asc' | 'desc' | undefined): KeySpec {
  const spec = sortSpecs[sort]
  if (!dir || dir === defaultSortDirection[sort]) return spec
  return spec.map((key) => ({ ...key, direction: key.direction === 1 ? -1 : 1 }))
}

export type ContactPoint = { name: string; email: string; phone: string }

export type DirectoryEntry = {
  id: string
  legalName: string
  kind: OrganisationKind
  country: string
  countryName: string
  status: OrganisationStatus
  joinedAt: string
  /** Null when the viewer may not see contact points (see `contactHidden`). */
  contact: ContactPoint | null
}

type DirectoryDoc = {
  _id: unknown
  legalName: string
  nameKey: string
  kind: string
  country: string
  status: string
  contact?: { name?: string | null; email?: string | null; phone?: string | null } | null
  createdAt: Date
}

const DIRECTORY_FIELDS = { legalName: 1, nameKey: 1, kind: 1, country: 1, status: 1, contact: 1, createdAt: 1 } as const

function toEntry(doc: DirectoryDoc, locale: string, showContact: boolean): DirectoryEntry {
  return {
    id: String(doc._id),
    legalName: doc.legalName,
    kind: doc.kind as OrganisationKind,
    country: doc.country,
    countryName: countryName(doc.country, locale),
    status: doc.status as OrganisationStatus,
    joinedAt: doc.createdAt.toISOString(),
    contact: showContact ? { name: doc.contact?.name ?? '', email: doc.contact?.email ?? '', phone: doc.contact?.phone ?? '' } : null,
  }
}

/** Organisations this viewer may find in the directory, before any search or filter. */
function visibleFilter(viewer: Viewer) {
  return { status: { $in: directoryStatusesFor(viewer) }, isOperator: { $ne: true } }
}

/**
 * The partner directory as this viewer may see it: only listed statuses (`directoryStatusesFor`),
 * contact points only for those who see community material. Searched, filtered, sorted and paged.
 */
export async function listDirectory(viewer: Viewer, query: DirectoryQuery, locale: string) {
  const statuses = directoryStatusesFor(viewer)
  const filter: Record<string, unknown> = { ...visibleFilter(viewer) }
  if (query.status && statuses.includes(query.status)) filter.status = query.status
  if (query.kind) filter.kind = query.kind
  if (query.country) filter.country = query.country
  const search = query.q ? nameKeyOf(query.q) : ''
  if (search) filter.nameKey = { $regex: escapeRegex(search) }

  const hidden = contactHiddenReason(viewer)
  const spec = specFor(query.sort, query.dir)
  const [total, page, countries] = await Promise.all([
    OrganisationModel.countDocuments(filter),
    keysetPage({
      spec,
      filter,
      after: query.after,
      before: query.before,
      pageSize: DIRECTORY_PAGE_SIZE,
      run: (full, sort, limit) => OrganisationModel.find(full).sort(sort).limit(limit).select(DIRECTORY_FIELDS).lean<DirectoryDoc[]>(),
    }),
    OrganisationModel.distinct('country', visibleFilter(viewer)),
  ])
  return {
    total,
    items: page.items.map((doc) => toEntry(doc, locale, hidden === null)),
    next: page.next,
    previous: page.previous,
    contactHidden: hidden,
    statuses,
    countries: countryOptions(locale, countries.map(String)),
  }
}

export type OrganisationProfile = DirectoryEntry & {
  agreementReference: string | null
  probationEndsAt: string | null
  suspensionReason: string | null
  contactHidden: 'operator' | 'probation' | null
  isOwn: boolean
  canSuspend: boolean
  canReinstate: boolean
}

/** One organisation's directory page, or null when this viewer may not know of it (answer 404). */
export async function getOrganisationProfile(viewer: Viewer, organisationId: string | undefined, locale: string) {
  if (!isObjectIdString(organisationId)) return null
  const doc = await OrganisationModel.findById(organisationId)
    .select({ ...DIRECTORY_FIELDS, agreementReference: 1, probationEndsAt: 1, suspensionReason: 1, isOperator: 1 })
    .lean()
  if (!doc) return null
  const facts = { id: organisationId, status: doc.status as OrganisationStatus, isOperator: doc.isOperator }
  if (!canSeeOrganisation(viewer, facts)) return null
  const hidden = contactHiddenReason(viewer)
  const profile: OrganisationProfile = {
    ...toEntry(doc, locale, hidden === null),
    agreementReference: hidden === null ? (doc.agreementReference ?? null) : null,
    probationEndsAt: doc.status === 'probation' ? (doc.probationEndsAt?.toISOString() ?? null) : null,
    // Only centres see suspended organisations at all; they see why.
    suspensionReason: doc.status === 'suspended' ? (doc.suspensionReason ?? null) : null,
    contactHidden: hidden,
    isOwn: viewer.organisationId === organisationId,
    canSuspend: canSuspendOrganisation(viewer, facts),
    canReinstate: canReinstateOrganisation(viewer, facts),
  }
  return profile
}
