import { z } from 'zod'
import { OrganisationModel } from '../../models/organisation'
import { organisationKinds, organisationStatuses, type OrganisationKind } from '~/domain/vocabulary'

export const organisationInput = z.object({
  legalName: z.string().trim().min(2).max(200),
  kind: z.enum(organisationKinds),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/),
  agreementReference: z.string().trim().max(80).optional(),
  contact: z
    .object({
      name: z.string().trim().max(120).optional(),
      email: z.email().max(254).optional(),
      phone: z.string().trim().max(32).optional(),
    })
    .default({}),
  status: z.enum(organisationStatuses).default('applied'),
  probationEndsAt: z.date().optional(),
})
export type OrganisationInput = z.input<typeof organisationInput>

export type OrganisationSummary = {
  id: string
  legalName: string
  kind: OrganisationKind
  country: string
  status: (typeof organisationStatuses)[number]
}

export async function createOrganisation(input: OrganisationInput): Promise<OrganisationSummary> {
  const data = organisationInput.parse(input)
  const created = await OrganisationModel.create({ ...data, nameKey: nameKeyOf(data.legalName) })
  return toSummary(created)
}

/**
 * The uniqueness key of a legal name: case, Unicode compatibility forms and runs of spaces do not make
 * two organisations different. Also what directory search matches against.
 */
export function nameKeyOf(legalName: string) {
  return legalName.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase()
}

/** A legal name as stored: trimmed, with single spaces. */
export function tidyLegalName(legalName: string) {
  return legalName.replace(/\s+/g, ' ').trim()
}

/** Text to match literally inside a regular expression. */
export function escapeRegex(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Whether a route parameter can be an organisation id at all (anything else is simply not found). */
export function isObjectIdString(value: string | undefined): value is string {
  return typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value)
}

export async function countOrganisations() {
  return OrganisationModel.countDocuments({})
}

/** Aggregate figures for the public landing page: no names, only counts of active members. */
export async function getPartnershipOverview() {
  const rows = await OrganisationModel.aggregate<{ _id: { kind: string; country: string }; count: number }>([
    { $match: { status: 'active', isOperator: { $ne: true } } },
    { $group: { _id: { kind: '$kind', country: '$country' }, count: { $sum: 1 } } },
  ])
  const countries = new Set(rows.map((row) => row._id.country))
  const centres = rows.filter((row) => row._id.kind === 'national_centre').reduce((sum, row) => sum + row.count, 0)
  const total = rows.reduce((sum, row) => sum + row.count, 0)
  return { centres, partners: total - centres, countries: countries.size }
}

function toSummary(doc: {
  _id: unknown
  legalName: string
  kind: OrganisationKind
  country: string
  status: OrganisationSummary['status']
}): OrganisationSummary {
  return { id: String(doc._id), legalName: doc.legalName, kind: doc.kind, country: doc.country, status: doc.status }
}
