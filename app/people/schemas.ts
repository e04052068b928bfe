import { z } from 'zod'
import { roles, type Role } from '~/domain/vocabulary'

/** Values of a form field as a list: absent is none, one ticked box is a list of one. */
const asList = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value])
const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value)

/**
 * The ticked role boxes of a people form (shared by the browser and the server, so no server code
 * here). Errors land on the field itself, not on one box, so the form can show them.
 */
export const rolesField = z.preprocess(
  asList,
  z
    .array(z.string())
    .min(1, 'rolesRequired')
    .max(roles.length, 'roleNotAllowed')
    .refine((list) => list.every(isRole), 'roleNotAllowed')
    .transform((list) => [...new Set(list.filter(isRole))]),
)

/** A destructive step sent without its confirmation is refused. */
export const confirmField = z.literal('yes', { error: 'confirmRequired' })

/** List sorting and status filters, shared by the server query and the page's controls. */
export const peopleSorts = ['name', 'email', 'lastSignIn', 'created'] as const
export type PeopleSort = (typeof peopleSorts)[number]
export const peopleStatusFilters = ['all', 'active', 'deactivated', 'invited'] as const
