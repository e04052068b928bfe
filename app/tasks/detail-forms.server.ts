import { z } from 'zod'
import { taskTransitions, type TaskTransition } from './lifecycle'
import { commentInput, objectId, reportedAction, safeText, type ReportedAction } from './tasks.server'
import { MAX_REPORT_ROWS } from '~/components/task-detail-report'

/*
 * The task page's forms. They live in a server module, not in the route, because they are built from
 * the domain's schemas in tasks.server.ts, which the browser bundle replaces with an empty module: a
 * schema built at the top of a route module would run (and fail) in the browser.
 */

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

/** The transitions the page offers as buttons; `report` goes through the report form. */
const offeredTransitions = [
  'assign',
  'acknowledge',
  'start',
  'decline',
  'verify',
  'return',
  'close',
  'notApplicable',
  'cancel',
] as const satisfies readonly TaskTransition[]

export const TransitionForm = z
  .object({
    intent: z.literal('transition'),
    transition: z.enum(offeredTransitions, { error: 'invalid' }),
    reason: z.preprocess(blankToUndefined, safeText(4000).optional()),
    assigneeOrganisationId: z.preprocess(blankToUndefined, objectId.optional()),
    /** Sent by the reassignment form: there, choosing the organisation is the point. */
    reassign: z.literal('1').optional(),
    confirm: z.literal('on', { error: 'confirmCancel' }).optional(),
  })
  .superRefine((form, ctx) => {
    if (taskTransitions[form.transition].needs && !form.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'required' })
    if (form.transition === 'cancel' && form.confirm !== 'on') ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'confirmCancel' })
    if (form.transition === 'assign' && form.reassign && !form.assigneeOrganisationId) {
      ctx.addIssue({ code: 'custom', path: ['assigneeOrganisationId'], message: 'required' })
    }
  })

const reportFields = ['type', 'quantity', 'actionDate', 'reference', 'matchReasonCode', 'note'] as const
type ReportField = (typeof reportFields)[number]
const isReportField = (value: string | undefined): value is ReportField => (reportFields as readonly (string | undefined)[]).includes(value)

/** The last calendar day some time zone has reached: an action dated later is in the future everywhere. */
const latestActionDay = () => new Date(Date.now() + 14 * 60 * 60 * 1000).toISOString().slice(0, 10)

/**
 * The report form: rows named `actions.<n>.<field>`. A row left entirely empty does not count; each
 * filled row must be a valid reported action. Errors keep the row's field name.
 */
export const ReportSubmission = z.record(z.string(), z.union([z.string(), z.array(z.string())])).transform((values, ctx) => {
  const rows = new Map<number, Partial<Record<ReportField, string>>>()
  for (const [key, raw] of Object.entries(values)) {
    const [, index, field] = /^actions\.(\d{1,2})\.(\w+)$/.exec(key) ?? []
    if (index === undefined || !isReportField(field) || Number(index) >= MAX_REPORT_ROWS) continue
    const text = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? ''
    rows.set(Number(index), { ...rows.get(Number(index)), [field]: text })
  }
  const actions: ReportedAction[] = []
  let failed = false
  const refuse = (path: (string | number)[], message: string) => {
    failed = true
    ctx.addIssue({ code: 'custom', path, message })
  }
  for (const [index, row] of [...rows].sort(([a], [b]) => a - b)) {
    if (reportFields.every((field) => !row[field])) continue
    const missing = (['type', 'quantity', 'actionDate'] as const).filter((field) => !row[field])
    for (const field of missing) refuse(['actions', index, field], 'required')
    if (missing.length) continue
    if (/^\d{4}-\d{2}-\d{2}$/.test(row.actionDate ?? '') && (row.actionDate ?? '') > latestActionDay()) {
      refuse(['actions', index, 'actionDate'], 'future')
      continue
    }
    const parsed = reportedAction.safeParse({
      type: row.type,
      quantity: row.quantity,
      actionDate: row.actionDate,
      reference: row.reference || undefined,
      matchReasonCode: row.matchReasonCode || undefined,
      note: row.note || undefined,
    })
    if (parsed.success) actions.push(parsed.data)
    else for (const issue of parsed.error.issues) refuse(['actions', index, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))], issue.message)
  }
  if (!failed && actions.length === 0) refuse(['actions'], 'noActions')
  return actions
})

export const CommentForm = commentInput.extend({ intent: z.literal('comment') })
