import { z } from 'zod'
import type { LoadedInitiative } from './initiatives.server'
import {
  blankMilestoneRow,
  blankObjectiveRow,
  BLANK_ROWS,
  initiativeStatusList,
  MAX_MILESTONES,
  MAX_OBJECTIVES,
  type InitiativeFormValues,
  type MilestoneRow,
  type ObjectiveRow,
} from './shared'
import { actionTypes, tlpLabels, type ActionType } from '~/domain/vocabulary'
import { safeText } from '~/tasks/tasks.server'
import { containsCardNumber } from '~/utils/card-numbers'
import { parseForm, type FieldErrors } from '~/utils/forms.server'

/**
 * The initiative form (create and edit): header fields, then objective and milestone rows as
 * repeated fields read in order (`objective_type`, `objective_target`; `milestone_id`,
 * `milestone_title`, `milestone_due`). A row left entirely blank is ignored. Dates are calendar days
 * (UTC): the start at the beginning of its day, the target and milestones at the end of theirs.
 */

const list = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value])
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const text = (value: unknown) => (typeof value === 'string' ? value : '')
const isActionType = (value: string): value is ActionType => (actionTypes as readonly string[]).includes(value)

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid')
  .refine((value) => !Number.isNaN(new Date(`${value}T00:00:00.000Z`).getTime()) && new Date(`${value}T00:00:00.000Z`).toISOString().startsWith(value), 'invalid')
const startOfDay = (value: string) => new Date(`${value}T00:00:00.000Z`)
const endOfDay = (value: string) => new Date(`${value}T23:59:59.999Z`)
const rowText = z.preprocess(list, z.array(z.string().max(2000, 'tooLong')).max(100, 'tooLong'))

const InitiativeForm = z.object({
  title: safeText(200).pipe(z.string().trim().min(1, { message: 'required', abort: true }).min(3, 'tooShort')),
  purpose: safeText(2000).pipe(z.string().trim().min(1, { message: 'required', abort: true }).min(10, 'tooShort')),
  status: z.enum(initiativeStatusList, { error: 'invalid' }),
  startDate: z.preprocess(blankToUndefined, day.optional()),
  targetDate: z.preprocess(blankToUndefined, day.optional()),
  tlp: z.enum(tlpLabels, { error: 'invalid' }),
  tlpReason: z.preprocess(blankToUndefined, safeText(500).pipe(z.string().trim().min(5, 'tooShort')).optional()),
  excludeNotApplicable: z.preprocess((value) => value === 'on' || value === '1', z.boolean()),
  objective_type: rowText,
  objective_target: rowText,
  milestone_id: rowText,
  milestone_title: rowText,
  milestone_due: rowText,
})

const rowColumns = ['objective_type', 'objective_target', 'milestone_id', 'milestone_title', 'milestone_due']

/** Objective and milestone rows, checked whatever the header fields say (so every error shows at once). */
function readRows(values: Record<string, string | string[]>) {
  const errors: FieldErrors = {}
  const refuse = (field: string, code: string) => (errors[field] ??= []).push(code)
  const column = (name: string) => list(values[name]).map((value) => text(value).trim())

  const objectives: { actionType: ActionType; target: number }[] = []
  const types = column('objective_type')
  const targets = column('objective_target')
  const seen = new Set<string>()
  for (let index = 0; index < Math.max(types.length, targets.length); index++) {
    const type = types[index] ?? ''
    const target = targets[index] ?? ''
    if (!type && !target) continue
    if (containsCardNumber(target)) {
      refuse(`objectives.${index}.target`, 'cardNumber')
      continue
    }
    let typeOk = false
    if (!type) refuse(`objectives.${index}.actionType`, 'required')
    else if (!isActionType(type)) refuse(`objectives.${index}.actionType`, 'invalid')
    else if (seen.has(type)) refuse(`objectives.${index}.actionType`, 'initiatives:errors.duplicateObjective')
    else typeOk = true
    if (type) seen.add(type)
    const number = Number(target)
    if (!target) refuse(`objectives.${index}.target`, 'required')
    else if (!/^\d{1,8}$/.test(target) || number < 1 || number > 10_000_000) refuse(`objectives.${index}.target`, 'initiatives:errors.target')
    else if (typeOk && isActionType(type)) objectives.push({ actionType: type, target: number })
  }
  if (objectives.length > MAX_OBJECTIVES) refuse('objectives', 'initiatives:errors.tooManyObjectives')

  const milestones: { id?: string; title: string; dueAt: Date }[] = []
  const ids = column('milestone_id')
  const titles = column('milestone_title')
  const dues = column('milestone_due')
  for (let index = 0; index < Math.max(titles.length, dues.length); index++) {
    const title = titles[index] ?? ''
    const due = dues[index] ?? ''
    const id = ids[index] ?? ''
    if (!title && !due) continue
    let titleOk = false
    if (containsCardNumber(title)) refuse(`milestones.${index}.title`, 'cardNumber')
    else if (!title) refuse(`milestones.${index}.title`, 'required')
    else if (title.length > 200) refuse(`milestones.${index}.title`, 'tooLong')
    else titleOk = true
    if (!due) refuse(`milestones.${index}.dueDate`, 'required')
    else if (!day.safeParse(due).success) refuse(`milestones.${index}.dueDate`, 'invalid')
    else if (titleOk) milestones.push({ ...(/^[a-f\d]{24}$/i.test(id) ? { id } : {}), title, dueAt: endOfDay(due) })
  }
  if (milestones.length > MAX_MILESTONES) refuse('milestones', 'initiatives:errors.tooManyMilestones')
  return { objectives, milestones, errors }
}

/** The form as typed, to show it again (rows aligned by position). */
export function initiativeFormOf(values: Record<string, string | string[]>): InitiativeFormValues {
  const column = (name: string) => list(values[name]).map(text)
  const types = column('objective_type')
  const targets = column('objective_target')
  const ids = column('milestone_id')
  const titles = column('milestone_title')
  const dues = column('milestone_due')
  const objectives: ObjectiveRow[] = Array.from({ length: Math.max(types.length, targets.length) }, (_, i) => ({ actionType: types[i] ?? '', target: targets[i] ?? '' }))
  const milestones: MilestoneRow[] = Array.from({ length: Math.max(titles.length, dues.length) }, (_, i) => ({ id: ids[i] ?? '', title: titles[i] ?? '', dueDate: dues[i] ?? '' }))
  return {
    title: text(values.title),
    purpose: text(values.purpose),
    status: text(values.status) || 'planned',
    startDate: text(values.startDate),
    targetDate: text(values.targetDate),
    tlp: text(values.tlp) || 'AMBER',
    excludeNotApplicable: values.excludeNotApplicable === 'on' || values.excludeNotApplicable === '1',
    tlpReason: text(values.tlpReason),
    objectives: objectives.length ? objectives : [blankObjectiveRow()],
    milestones: milestones.length ? milestones : [blankMilestoneRow()],
  }
}

/** The "more rows" buttons: the same form with blank rows added (no JavaScript needed). */
export function withMoreRows(form: InitiativeFormValues, intent: string): InitiativeFormValues | null {
  if (intent === 'moreObjectives') {
    const room = Math.max(0, Math.min(BLANK_ROWS, MAX_OBJECTIVES - form.objectives.length))
    return { ...form, objectives: [...form.objectives, ...Array.from({ length: room }, blankObjectiveRow)] }
  }
  if (intent === 'moreMilestones') {
    const room = Math.max(0, Math.min(BLANK_ROWS, MAX_MILESTONES - form.milestones.length))
    return { ...form, milestones: [...form.milestones, ...Array.from({ length: room }, blankMilestoneRow)] }
  }
  return null
}

/** Reads and checks a submitted initiative form; on failure, field errors and the form as typed. */
export function readInitiativeForm(formData: FormData) {
  const parsed = parseForm(InitiativeForm, formData)
  const form = initiativeFormOf(parsed.values)
  const rows = readRows(parsed.values)
  // Row columns are reported per row (by readRows), where the form shows them.
  const headerErrors = Object.entries(parsed.ok ? {} : parsed.errors).filter(([field]) => !rowColumns.includes(field))
  const errors: FieldErrors = { ...rows.errors, ...Object.fromEntries(headerErrors) }
  const startDate = text(parsed.values.startDate)
  const targetDate = text(parsed.values.targetDate)
  if (startDate && targetDate && day.safeParse(startDate).success && day.safeParse(targetDate).success && targetDate < startDate) {
    ;(errors.targetDate ??= []).push('initiatives:errors.targetBeforeStart')
  }
  // A refused column that no row reports (a hidden field, say) still refuses the form.
  if (!parsed.ok && Object.keys(errors).length === 0) errors.form = Object.values(parsed.errors).flat()
  if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false as const, errors, form }
  const header = parsed.value
  return {
    ok: true as const,
    form,
    value: {
      title: header.title,
      purpose: header.purpose,
      status: header.status,
      startAt: header.startDate ? startOfDay(header.startDate) : undefined,
      targetAt: header.targetDate ? endOfDay(header.targetDate) : undefined,
      tlp: header.tlp,
      tlpReason: header.tlpReason,
      excludeNotApplicable: header.excludeNotApplicable,
      objectives: rows.objectives,
      milestones: rows.milestones,
    },
  }
}

const dayOf = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : '')

/** An existing initiative as the edit form shows it, with a blank row to add one of each. */
export function initiativeFormOfInitiative(initiative: LoadedInitiative): InitiativeFormValues {
  return {
    title: initiative.title,
    purpose: initiative.purpose,
    status: initiative.status,
    startDate: dayOf(initiative.startAt),
    targetDate: dayOf(initiative.targetAt),
    tlp: initiative.tlp,
    excludeNotApplicable: Boolean(initiative.excludeNotApplicable),
    tlpReason: '',
    objectives: [...initiative.objectives.map((o) => ({ actionType: o.actionType, target: String(o.target) })), blankObjectiveRow()],
    milestones: [
      ...[...initiative.milestones]
        .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
        .map((m) => ({ id: String(m._id), title: m.title, dueDate: dayOf(m.dueAt) })),
      blankMilestoneRow(),
    ],
  }
}
