import { Types } from 'mongoose'
import { z } from 'zod'
import { InitiativeModel } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel } from '../../models/task'
import { TaskTemplateModel } from '../../models/task-template'
import { assignableOrganisations, ledInitiatives, type AssignableOrganisation } from './creation.server'
import { blankStepRow, MAX_TEMPLATE_STEPS, templateTlpLabels, type StepRow } from './forms'
import { createTasks, objectId, safeText } from './tasks.server'
import { recordAudit } from '~/audit/audit.server'
import { organisationKinds, taskPriorities, type OrganisationKind, type TaskPriority } from '~/domain/vocabulary'
import { keysetPage, type KeySpec } from '~/partners/keyset.server'
import { can, isCentre, type Viewer } from '~/policy/permissions'
import { claimOnce, releaseClaim } from '~/utils/claims.server'
import { containsCardNumber } from '~/utils/card-numbers'
import { formValues, type FieldErrors } from '~/utils/forms.server'
import type { RequestMeta } from '~/utils/request.server'

const DAY = 24 * 60 * 60 * 1000
export const TEMPLATE_PAGE_SIZE = 25

/** Why a template operation was refused; `step` is the row concerned, when there is one. */
export class TemplateError extends Error {
  override name = 'TemplateError'
  constructor(
    public readonly code: 'notFound' | 'forbidden' | 'nameTaken' | 'invalidAssignee' | 'invalidInitiative' | 'nothingToApply' | 'alreadyApplied',
    public readonly step: number | null = null,
  ) {
    super(code)
  }
}

/** Playbooks belong to a centre and are managed by its staff and coordinators. */
export function canManageTemplates(viewer: Viewer) {
  return can(viewer, 'template:manage') && isCentre(viewer)
}

function assertManager(viewer: Viewer) {
  if (!canManageTemplates(viewer)) throw new TemplateError('forbidden')
}

const actorOf = (viewer: Viewer) => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

export const templateStepInput = z.object({
  title: safeText(200).pipe(z.string().trim().min(1, { message: 'required', abort: true }).min(3, 'tooShort')),
  description: safeText(8000).default(''),
  organisationKind: z.enum(organisationKinds, { error: 'required' }),
  priority: z.enum(taskPriorities, { error: 'invalid' }),
  dueInDays: z.coerce.number({ error: 'invalid' }).int('invalid').min(0, 'tasks:errors.daysRange').max(365, 'tasks:errors.daysRange'),
})

export const templateInput = z.object({
  name: safeText(120).pipe(z.string().trim().min(1, { message: 'required', abort: true }).min(3, 'tooShort')),
  description: safeText(2000).default(''),
  steps: z.array(templateStepInput).min(1, 'required').max(MAX_TEMPLATE_STEPS, 'tooLong'),
})
export type TemplateInput = z.infer<typeof templateInput>

const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value])
const asText = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '')

/** The step rows of a submitted template form, in order, as typed. */
export function stepRowsOf(values: Record<string, string | string[]>): StepRow[] {
  const titles = asList(values.step_title)
  const descriptions = asList(values.step_description)
  const kinds = asList(values.step_kind)
  const priorities = asList(values.step_priority)
  const dues = asList(values.step_due)
  const count = Math.min(Math.max(titles.length, descriptions.length, kinds.length, priorities.length, dues.length), MAX_TEMPLATE_STEPS + 10)
  return Array.from({ length: count }, (_, index) => ({
    title: titles[index] ?? '',
    description: descriptions[index] ?? '',
    organisationKind: kinds[index] ?? '',
    priority: priorities[index] ?? 'normal',
    dueInDays: dues[index] ?? '',
  }))
}

const isBlankRow = (row: StepRow) => row.title.trim() === '' && row.description.trim() === ''

/**
 * Reads the template form: name, description and the step rows (repeated `step_*` fields, in order).
 * Blank rows are left out; an error on a row is reported as `step.<row>.<field>` so the form can show
 * it on that row. No field may carry a card number.
 */
export function readTemplateForm(formData: FormData) {
  const values = formValues(formData)
  const rows = stepRowsOf(values)
  const errors: FieldErrors = {}
  const header = z.object({ name: templateInput.shape.name, description: templateInput.shape.description }).safeParse({
    name: asText(values.name),
    description: asText(values.description),
  })
  if (!header.success) for (const issue of header.error.issues) (errors[String(issue.path[0] ?? 'form')] ??= []).push(issue.message)
  const steps: TemplateInput['steps'] = []
  rows.forEach((row, index) => {
    if (isBlankRow(row)) return
    const parsed = templateStepInput.safeParse(row)
    if (parsed.success) {
      steps.push(parsed.data)
      return
    }
    for (const issue of parsed.error.issues) (errors[`step.${index}.${String(issue.path[0] ?? 'title')}`] ??= []).push(issue.message)
  })
  for (const [index, row] of rows.entries()) {
    if (containsCardNumber(row.dueInDays)) errors[`step.${index}.dueInDays`] = ['cardNumber']
  }
  if (rows.every(isBlankRow)) errors.steps = ['tasks:errors.stepsRequired']
  if (steps.length > MAX_TEMPLATE_STEPS) errors.steps = ['tasks:errors.tooManySteps']
  if (!header.success || Object.keys(errors).length > 0) return { ok: false as const, errors, rows, values }
  return { ok: true as const, value: { name: header.data.name, description: header.data.description, steps }, rows, values }
}

export type TemplateSummary = { id: string; name: string; description: string; steps: { title: string; organisationKind: OrganisationKind }[]; updatedAt: string }

type TemplateDoc = {
  _id: Types.ObjectId
  name: string
  description?: string | null
  steps: { title: string; description?: string | null; organisationKind: string; priority: string; dueInDays: number }[]
  updatedAt: Date
}

const templateSpec: KeySpec = [
  { field: 'name', direction: 1, type: 'string' },
  { field: '_id', direction: 1, type: 'id' },
]

/** The centre's playbooks by name, keyset-paged. */
export async function listTemplates(viewer: Viewer, { after, before }: { after?: string; before?: string } = {}) {
  assertManager(viewer)
  const page = await keysetPage({
    spec: templateSpec,
    filter: { organisationId: new Types.ObjectId(viewer.organisationId) },
    after,
    before,
    pageSize: TEMPLATE_PAGE_SIZE,
    run: (filter, sort, limit) =>
      TaskTemplateModel.find(filter).sort(sort).limit(limit).select({ name: 1, description: 1, steps: 1, updatedAt: 1 }).lean<TemplateDoc[]>(),
  })
  return {
    items: page.items.map(
      (doc): TemplateSummary => ({
        id: String(doc._id),
        name: doc.name,
        description: doc.description ?? '',
        steps: doc.steps.map((step) => ({ title: step.title, organisationKind: step.organisationKind as OrganisationKind })),
        updatedAt: doc.updatedAt.toISOString(),
      }),
    ),
    next: page.next,
    previous: page.previous,
  }
}

export type TemplateDetail = {
  id: string
  name: string
  description: string
  steps: { title: string; description: string; organisationKind: OrganisationKind; priority: TaskPriority; dueInDays: number }[]
}

/** One of the centre's playbooks, or null for anything else (the route answers 404). */
export async function getTemplate(viewer: Viewer, templateId: string | undefined): Promise<TemplateDetail | null> {
  assertManager(viewer)
  if (!objectId.safeParse(templateId).success) return null
  const doc = await TaskTemplateModel.findOne({ _id: templateId, organisationId: viewer.organisationId })
    .select({ name: 1, description: 1, steps: 1, updatedAt: 1 })
    .lean<TemplateDoc>()
  if (!doc) return null
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    steps: doc.steps.map((step) => ({
      title: step.title,
      description: step.description ?? '',
      organisationKind: step.organisationKind as OrganisationKind,
      priority: step.priority as TaskPriority,
      dueInDays: step.dueInDays,
    })),
  }
}

export function rowsOfTemplate(template: Pick<TemplateDetail, 'steps'> | null, blanks: number): StepRow[] {
  const filled = (template?.steps ?? []).map((step) => ({
    title: step.title,
    description: step.description,
    organisationKind: step.organisationKind,
    priority: step.priority,
    dueInDays: String(step.dueInDays),
  }))
  return [...filled, ...Array.from({ length: Math.max(0, Math.min(blanks, MAX_TEMPLATE_STEPS - filled.length)) }, blankStepRow)]
}

const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000

export async function createTemplate(viewer: Viewer, raw: TemplateInput, meta?: RequestMeta) {
  assertManager(viewer)
  const input = templateInput.parse(raw)
  let id: string
  try {
    const created = await TaskTemplateModel.create({ organisationId: viewer.organisationId, ...input, createdBy: viewer.userId })
    id = String(created._id)
  } catch (error) {
    if (isDuplicate(error)) throw new TemplateError('nameTaken')
    throw error
  }
  await recordAudit({ action: 'template.created', actor: actorOf(viewer), target: { kind: 'template', id }, meta, details: { name: input.name, steps: input.steps.length } })
  return { id }
}

export async function updateTemplate(viewer: Viewer, templateId: string, raw: TemplateInput, meta?: RequestMeta) {
  assertManager(viewer)
  if (!objectId.safeParse(templateId).success) throw new TemplateError('notFound')
  const input = templateInput.parse(raw)
  try {
    const result = await TaskTemplateModel.updateOne({ _id: templateId, organisationId: viewer.organisationId }, { $set: input })
    if (result.matchedCount === 0) throw new TemplateError('notFound')
  } catch (error) {
    if (isDuplicate(error)) throw new TemplateError('nameTaken')
    throw error
  }
  await recordAudit({ action: 'template.updated', actor: actorOf(viewer), target: { kind: 'template', id: templateId }, meta, details: { name: input.name, steps: input.steps.length } })
}

export async function deleteTemplate(viewer: Viewer, templateId: string, meta?: RequestMeta) {
  assertManager(viewer)
  const template = await getTemplate(viewer, templateId)
  if (!template) throw new TemplateError('notFound')
  const result = await TaskTemplateModel.deleteOne({ _id: templateId, organisationId: viewer.organisationId })
  if (result.deletedCount === 0) throw new TemplateError('notFound')
  await recordAudit({ action: 'template.deleted', actor: actorOf(viewer), target: { kind: 'template', id: templateId }, meta, details: { name: template.name } })
  return { name: template.name }
}

export type StepChoice = {
  index: number
  title: string
  organisationKind: OrganisationKind
  priority: TaskPriority
  dueInDays: number
  /** Organisations of the step's kind taking part in the chosen initiative, offered first. */
  participants: AssignableOrganisation[]
  others: AssignableOrganisation[]
}

/** What the "apply" form offers: the centre's open initiatives and, per step, the organisations of its kind. */
export async function applyChoices(viewer: Viewer, template: TemplateDetail, initiativeId: string | undefined) {
  assertManager(viewer)
  const initiatives = await ledInitiatives(viewer)
  const initiative = initiatives.find((candidate) => candidate.id === initiativeId) ?? null
  const kinds = [...new Set(template.steps.map((step) => step.organisationKind))]
  const organisations = await assignableOrganisations(viewer, kinds)
  const participants = new Set(initiative?.participantIds ?? [])
  const steps: StepChoice[] = template.steps.map((step, index) => {
    const ofKind = organisations.filter((organisation) => organisation.kind === step.organisationKind)
    return {
      index,
      title: step.title,
      organisationKind: step.organisationKind,
      priority: step.priority,
      dueInDays: step.dueInDays,
      participants: ofKind.filter((organisation) => participants.has(organisation.id)),
      others: ofKind.filter((organisation) => !participants.has(organisation.id)),
    }
  })
  return { initiatives: initiatives.map(({ id, title }) => ({ id, title })), initiativeId: initiative?.id ?? '', steps }
}

export const applyInput = z.object({
  initiativeId: objectId.optional(),
  tlp: z.enum(templateTlpLabels).default('AMBER'),
  /** One entry per step, in order; empty skips the step. */
  organisationIds: z.array(z.union([objectId, z.literal('')])).max(MAX_TEMPLATE_STEPS),
  /** A key the form carries once, so a double submission creates the tasks once. */
  submission: z.string().min(8).max(64),
})
export type ApplyInput = z.input<typeof applyInput>

/**
 * Applies a playbook: one task per chosen step, assigned to the organisation picked for it (of the
 * step's kind), due `dueInDays` from now, optionally under an initiative the centre leads. The tasks
 * share one assignment id and carry the playbook's name and step number on their first timeline entry.
 */
export async function applyTemplate(
  viewer: Viewer,
  templateId: string,
  raw: ApplyInput,
  { meta, noteFor }: { meta?: RequestMeta; noteFor?: (step: number, steps: number, name: string) => string } = {},
) {
  assertManager(viewer)
  const input = applyInput.parse(raw)
  const template = await getTemplate(viewer, templateId)
  if (!template) throw new TemplateError('notFound')
  if (input.initiativeId && !(await InitiativeModel.exists({ _id: input.initiativeId, leadCentreId: viewer.organisationId }))) {
    throw new TemplateError('invalidInitiative')
  }
  const chosen = template.steps.flatMap((step, index) => {
    const organisationId = input.organisationIds[index]
    return organisationId ? [{ step, index, organisationId }] : []
  })
  if (chosen.length === 0) throw new TemplateError('nothingToApply')
  const organisations = await OrganisationModel.find({
    _id: { $in: chosen.map((choice) => choice.organisationId) },
    status: { $in: ['active', 'probation'] },
    isOperator: { $ne: true },
  })
    .select({ kind: 1 })
    .lean()
  const kindOf = new Map(organisations.map((organisation) => [String(organisation._id), organisation.kind]))
  for (const choice of chosen) {
    if (choice.organisationId === viewer.organisationId || kindOf.get(choice.organisationId) !== choice.step.organisationKind) {
      throw new TemplateError('invalidAssignee', choice.index)
    }
  }
  const claim = `template-apply:${viewer.userId}:${input.submission}`
  if (!(await claimOnce(claim))) throw new TemplateError('alreadyApplied')

  const groupId = new Types.ObjectId()
  const now = Date.now()
  const taskIds: string[] = []
  try {
    for (const { step, index, organisationId } of chosen) {
      const { ids } = await createTasks(
        viewer,
        {
          title: step.title,
          description: step.description,
          assigneeOrganisationIds: [organisationId],
          priority: step.priority,
          dueAt: new Date(now + step.dueInDays * DAY),
          tlp: input.tlp,
          initiativeId: input.initiativeId,
        },
        meta,
      )
      for (const id of ids) {
        await groupTask(viewer, id, groupId, noteFor ? noteFor(index + 1, template.steps.length, template.name) : `${template.name} · ${index + 1}/${template.steps.length}`)
        taskIds.push(id)
      }
    }
  } catch (error) {
    // Nothing was created: the same form may be sent again.
    if (taskIds.length === 0) await releaseClaim(claim)
    throw error
  }
  await recordAudit({
    action: 'template.applied',
    actor: actorOf(viewer),
    target: { kind: 'template', id: templateId },
    meta,
    details: { name: template.name, tasks: taskIds.length, steps: template.steps.length, assignmentId: String(groupId), initiativeId: input.initiativeId ?? null },
  })
  return { assignmentId: String(groupId), taskIds }
}

/** Puts a freshly created task in the playbook's group and notes where it came from on its creation entry. */
async function groupTask(viewer: Viewer, taskId: string, groupId: Types.ObjectId, note: string) {
  const owner = new Types.ObjectId(viewer.organisationId)
  const task = await TaskModel.findOne({ _id: taskId, ownerCentreId: owner }).select({ timeline: 1 }).lean()
  const first = task?.timeline[0]
  // Untouched since creation (version 0): nobody else has written to it yet.
  await TaskModel.updateOne(
    { _id: taskId, ownerCentreId: owner, __v: 0 },
    { $set: { assignmentId: groupId, ...(first && task.timeline.length === 1 ? { timeline: [{ ...first, reason: note.slice(0, 4000) }] } : {}) } },
  )
}
