import { z } from 'zod'
import { auditOutcomes } from './actions'

/** An empty form field means "no filter". */
const blankAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

const actionCode = z
  .string()
  .trim()
  .max(100, 'tooLong')
  .regex(/^[a-z0-9_.:-]+$/i, 'invalid')

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'invalid')

const cursor = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** The audit log's filters, as the filter form and the export link send them in the query string. */
export const auditFilterSchema = z.object({
  action: z.preprocess(blankAsUndefined, actionCode.optional()),
  prefix: z.preprocess(blankAsUndefined, actionCode.optional()),
  outcome: z.preprocess(blankAsUndefined, z.enum(auditOutcomes, 'invalid').optional()),
  /** An organisation id, or `none` for events without an organisation (e.g. unknown e-mail at sign-in). */
  organisation: z.preprocess(blankAsUndefined, z.string().regex(/^(none|[a-f0-9]{24})$/, 'invalid').optional()),
  from: z.preprocess(blankAsUndefined, day.optional()),
  to: z.preprocess(blankAsUndefined, day.optional()),
  actor: z.preprocess(blankAsUndefined, z.string().trim().max(100, 'tooLong').optional()),
})
export type AuditFilter = z.infer<typeof auditFilterSchema>
export type AuditFilterField = keyof AuditFilter
export const auditFilterFields = Object.keys(auditFilterSchema.shape) as AuditFilterField[]

export const auditCursorSchema = z.object({
  after: z.preprocess(blankAsUndefined, cursor.optional()),
  before: z.preprocess(blankAsUndefined, cursor.optional()),
})
export type AuditCursor = z.infer<typeof auditCursorSchema>

export type ParsedAuditFilter = {
  /** The valid filters; an invalid one is left out (and reported) rather than failing the whole page. */
  filter: AuditFilter
  /** What the person typed, to refill the form. */
  values: Record<AuditFilterField, string>
  errors: Partial<Record<AuditFilterField, string[]>>
}

export function parseAuditFilter(params: URLSearchParams): ParsedAuditFilter {
  const filter: AuditFilter = {}
  const values = {} as Record<AuditFilterField, string>
  const errors: ParsedAuditFilter['errors'] = {}
  for (const field of auditFilterFields) {
    const raw = params.get(field) ?? ''
    values[field] = raw.slice(0, 200)
    const result = auditFilterSchema.shape[field].safeParse(raw)
    if (!result.success) errors[field] = result.error.issues.map((issue) => issue.message)
    else if (result.data !== undefined) Object.assign(filter, { [field]: result.data })
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    errors.to = ['invalid']
    delete filter.to
  }
  return { filter, values, errors }
}

export function parseAuditCursor(params: URLSearchParams): AuditCursor {
  const result = auditCursorSchema.safeParse({ after: params.get('after') ?? '', before: params.get('before') ?? '' })
  if (!result.success) return {}
  // Both at once make no sense; the newer-first direction wins.
  return result.data.after ? { after: result.data.after } : result.data
}

/** The query string for these filters (only the ones set), optionally with a paging cursor. */
export function auditFilterQuery(filter: AuditFilter, extra: Record<string, string | number> = {}) {
  const params = new URLSearchParams()
  for (const field of auditFilterFields) {
    const value = filter[field]
    if (value) params.set(field, value)
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value))
  return params.toString()
}

/** An export of the log asks why (the data-protection rules of the partnership); the reason is audited. */
export const auditExportSchema = z.object({
  purpose: z.string('required').trim().min(1, 'required').min(5, 'tooShort').max(500, 'tooLong'),
})
