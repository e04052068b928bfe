import { z } from 'zod'
import { ActionReportModel } from '../../models/action-report'
import { OrganisationModel } from '../../models/organisation'
import { TaskModel } from '../../models/task'
import { exportPurposes, NOTE_MAX, NOTE_REQUIRED_FOR, type CsvKind, type ExportKind, type ExportPurpose } from './purpose'
import { recordAudit } from '~/audit/audit.server'
import type { TlpLabel } from '~/domain/vocabulary'
import { InitiativeError, loadInitiative, type LoadedInitiative } from '~/initiatives/initiatives.server'
import { daysOverdue, initiativeProgress, isOverdue, overviewFigures, type completionOf, type InitiativeProgress } from '~/initiatives/progress.server'
import { initiativesOf, taskSideFor, type TaskSide } from '~/policy/access.server'
import type { Viewer } from '~/policy/permissions'
import { safeText } from '~/tasks/tasks.server'
import { csvDateStamp, csvLines } from '~/utils/csv.server'
import type { RequestMeta } from '~/utils/request.server'

/** Translates a key of the `reports` namespace (or `ns:key` of another) in the reader's language. */
export type Translate = (key: string, options?: Record<string, unknown>) => string

/** Every export says why it is made (data-protection rules of the partnership); the purpose is audited. */
export const exportRequestInput = z
  .object({
    purpose: z.enum(exportPurposes, { error: 'reports:purpose.missing' }),
    note: safeText(NOTE_MAX).pipe(z.string().trim()).optional(),
  })
  .refine((value) => value.purpose !== NOTE_REQUIRED_FOR || (value.note ?? '').length >= 5, {
    message: 'reports:purpose.noteRequired',
    path: ['note'],
  })
export type ExportRequest = z.infer<typeof exportRequestInput>

/**
 * An initiative whose data the viewer may take out: one they see as its lead, a participant or an
 * observer. An organisation that is only invited sees enough to answer, not to export: "not found".
 */
export async function exportableInitiative(viewer: Viewer, initiativeId: string) {
  const loaded = await loadInitiative(viewer, initiativeId)
  if (loaded.side === 'invited') throw new InitiativeError('notFound')
  return { initiative: loaded.initiative, side: loaded.side }
}

const ACROSS = 'an initiative export reads its tasks across organisations, then asks the access function about each'

/** The initiative's tasks the viewer may see, in due-date order, with their side of each. */
async function visibleTasksOf(viewer: Viewer, initiative: LoadedInitiative) {
  const [tasks, mine] = await Promise.all([
    TaskModel.find({ initiativeId: initiative._id })
      .select({
        ownerCentreId: 1,
        assigneeOrganisationId: 1,
        assigneeUserId: 1,
        initiativeId: 1,
        createdBy: 1,
        redRecipientIds: 1,
        title: 1,
        status: 1,
        priority: 1,
        tlp: 1,
        dueAt: 1,
        assignedAt: 1,
        acknowledgedAt: 1,
        reportedAt: 1,
        verifiedAt: 1,
        closedAt: 1,
      })
      .sort({ dueAt: 1, _id: 1 })
      .setOptions({ acrossOrganisations: ACROSS })
      .lean(),
    initiativesOf(viewer),
  ])
  const viewerInitiatives = mine.map(String)
  return tasks.flatMap((task) => {
    const side = taskSideFor(viewer, task, viewerInitiatives)
    return side ? [{ task, side }] : []
  })
}

async function organisationsById(ids: unknown[]) {
  const unique = [...new Set(ids.map(String))]
  const rows = await OrganisationModel.find({ _id: { $in: unique } })
    .select({ legalName: 1, kind: 1 })
    .lean()
  return new Map(rows.map((row) => [String(row._id), { name: row.legalName, kind: row.kind }]))
}

/** A moment in UTC, to the second (ISO 8601): unambiguous in every spreadsheet and language. */
const stamp = (date: Date | null | undefined) => (date ? `${date.toISOString().slice(0, 19)}Z` : '')
const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : '')

export const tlpText = (tlp: string) => `TLP:${tlp}`

type Completion = ReturnType<typeof completionOf>

/** With not-applicable tasks excluded, the initiative page also shows completion under the default rule. */
export async function defaultRuleCompletion(initiative: LoadedInitiative, now: Date): Promise<Completion | null> {
  if (!initiative.excludeNotApplicable) return null
  const figures = await overviewFigures([{ ...initiative, excludeNotApplicable: false }], now)
  return figures.get(String(initiative._id))?.completion ?? null
}

/**
 * The progress figures as label, value and explanation, exactly as `initiativeProgress` computed them:
 * completion with its rule, each KPI against its target, and the number of overdue tasks.
 */
export function progressFigures(progress: InitiativeProgress, t: Translate, alternative: Completion | null = null): [string, number, string][] {
  const detail = (completion: Completion) =>
    t('figures.completionDetail', { done: completion.done, total: completion.total, rule: t(`rule.${completion.rule}`) })
  return [
    [t('figures.completion'), progress.completion.percent, detail(progress.completion)],
    ...(alternative ? [[t('figures.completionDefaultRule'), alternative.percent, detail(alternative)] as [string, number, string]] : []),
    ...progress.kpis.map((kpi): [string, number, string] => [
      t('figures.kpi', { type: t(`task:actionTypes.${kpi.actionType}`) }),
      kpi.achieved,
      t('figures.kpiDetail', { target: kpi.target, percent: kpi.percent }),
    ]),
    [t('figures.overdue'), progress.overdue.length, t('figures.overdueDetail')],
  ]
}

type ExportContext = {
  viewer: Viewer
  initiative: LoadedInitiative
  request: ExportRequest
  t: Translate
  now: Date
}

/** The first rows of every CSV export: what the file is, why it was made, and the progress figures. */
function preamble({ viewer, initiative, request, t, now }: ExportContext, progress: InitiativeProgress, alternative: Completion | null): unknown[][] {
  const tlp = tlpText(initiative.tlp)
  const purpose = [t(`purpose.options.${request.purpose}`), request.note].filter(Boolean).join(' — ')
  return [
    [tlp, t('preamble.initiative'), initiative.title, t(`tlpExplain.${initiative.tlp as TlpLabel}`)],
    [tlp, t('preamble.initiativePurpose'), initiative.purpose],
    [tlp, t('preamble.generated'), stamp(now), t('preamble.generatedBy', { name: viewer.name, organisation: viewer.organisationName })],
    [tlp, t('preamble.exportPurpose'), purpose],
    ...progressFigures(progress, t, alternative).map(([label, value, detail]) => [tlp, label, value, detail]),
  ]
}

export const taskColumns = [
  'tlp',
  'taskId',
  'title',
  'organisation',
  'organisationKind',
  'status',
  'priority',
  'taskTlp',
  'dueAt',
  'daysOverdue',
  'assignedAt',
  'acknowledgedAt',
  'reportedAt',
  'verifiedAt',
  'closedAt',
] as const

export const reportColumns = [
  'tlp',
  'taskId',
  'taskTitle',
  'organisation',
  'version',
  'versionStatus',
  'verification',
  'countsTowardsKpis',
  'submittedAt',
  'submittedBy',
  'verifiedAt',
  'actionType',
  'quantity',
  'actionDate',
  'reference',
  'matchReasonCode',
  'note',
] as const

async function taskRows({ viewer, initiative, t, now }: ExportContext) {
  const visible = await visibleTasksOf(viewer, initiative)
  const organisations = await organisationsById(visible.map(({ task }) => task.assigneeOrganisationId))
  const tlp = tlpText(initiative.tlp)
  return visible.map(({ task }) => {
    const organisation = organisations.get(String(task.assigneeOrganisationId))
    const overdue = isOverdue(task, now) ? daysOverdue(task.dueAt, now) : ''
    const cells: Record<(typeof taskColumns)[number], unknown> = {
      tlp,
      taskId: String(task._id),
      title: task.title,
      organisation: organisation?.name ?? '',
      organisationKind: organisation ? t(`common:kinds.${organisation.kind}`) : '',
      status: t(`tasks:status.${task.status}`),
      priority: t(`tasks:priority.${task.priority}`),
      taskTlp: tlpText(task.tlp),
      dueAt: day(task.dueAt),
      daysOverdue: overdue,
      assignedAt: stamp(task.assignedAt),
      acknowledgedAt: stamp(task.acknowledgedAt),
      reportedAt: stamp(task.reportedAt),
      verifiedAt: stamp(task.verifiedAt),
      closedAt: stamp(task.closedAt),
    }
    return taskColumns.map((column) => cells[column])
  })
}

/**
 * Action reports of the tasks the viewer may see, each as the task page shows it to them: the owning
 * centre reads every version; the assigned organisation and the initiative's other participants read
 * the reports of the organisation now assigned (observers only the current one, without references,
 * notes or names). Comments are never exported.
 */
async function reportRows({ viewer, initiative, t }: ExportContext) {
  const visible = await visibleTasksOf(viewer, initiative)
  const byTask = new Map(visible.map((entry, index) => [String(entry.task._id), { ...entry, index }]))
  const reports = await ActionReportModel.find({ initiativeId: initiative._id, taskId: { $in: visible.map(({ task }) => task._id) } })
    .select({ taskId: 1, assigneeOrganisationId: 1, version: 1, status: 1, verification: 1, verifiedAt: 1, submittedAt: 1, submittedByName: 1, actions: 1 })
    .setOptions({ acrossOrganisations: ACROSS })
    .lean()
  const readable = (side: TaskSide, report: (typeof reports)[number], assignee: unknown) =>
    side === 'centre' || (String(report.assigneeOrganisationId) === String(assignee) && (side === 'partner' || report.status === 'current'))
  const shown = reports
    .flatMap((report) => {
      const entry = byTask.get(String(report.taskId))
      return entry && readable(entry.side, report, entry.task.assigneeOrganisationId) ? [{ report, ...entry }] : []
    })
    .sort((a, b) => a.index - b.index || a.report.version - b.report.version)
  const organisations = await organisationsById(shown.map(({ report }) => report.assigneeOrganisationId))
  const tlp = tlpText(initiative.tlp)
  return shown.flatMap(({ report, task, side }) => {
    const observer = side === 'observer'
    const counts = report.status === 'current' && report.verification === 'verified'
    return report.actions.map((action) => {
      const cells: Record<(typeof reportColumns)[number], unknown> = {
        tlp,
        taskId: String(task._id),
        taskTitle: task.title,
        organisation: organisations.get(String(report.assigneeOrganisationId))?.name ?? '',
        version: report.version,
        versionStatus: t(`versionStatus.${report.status}`),
        verification: t(`verification.${report.verification}`),
        countsTowardsKpis: t(counts ? 'yes' : 'no'),
        submittedAt: stamp(report.submittedAt),
        submittedBy: observer ? '' : (report.submittedByName ?? ''),
        verifiedAt: stamp(report.verifiedAt),
        actionType: t(`task:actionTypes.${action.type}`),
        quantity: action.quantity,
        actionDate: day(action.actionDate),
        reference: observer ? '' : (action.reference ?? ''),
        matchReasonCode: action.matchReasonCode ?? '',
        note: observer ? '' : (action.note ?? ''),
      }
      return reportColumns.map((column) => cells[column])
    })
  })
}

export type InitiativeExport = { filename: string; rows: number; body: string }

/**
 * One CSV export of an initiative (its tasks or its action reports) as the viewer may see it: a short
 * preamble (what, TLP, why, the progress figures), then a heading row and one row per task or action.
 * Every row starts with the initiative's TLP label. Audited with its purpose before it is handed out.
 */
export async function exportInitiativeCsv({
  viewer,
  initiativeId,
  kind,
  request,
  t,
  meta,
  now = new Date(),
}: {
  viewer: Viewer
  initiativeId: string
  kind: CsvKind
  request: ExportRequest
  t: Translate
  meta?: RequestMeta
  now?: Date
}): Promise<InitiativeExport> {
  const { initiative } = await exportableInitiative(viewer, initiativeId)
  const context: ExportContext = { viewer, initiative, request, t, now }
  const [progress, alternative, rows] = await Promise.all([
    initiativeProgress(initiative, now),
    defaultRuleCompletion(initiative, now),
    kind === 'tasks' ? taskRows(context) : reportRows(context),
  ])
  const columns = kind === 'tasks' ? taskColumns : reportColumns
  const heading = columns.map((column) => (column === 'tlp' ? 'TLP' : t(`csv.${kind}.${column}`)))
  await recordExport(viewer, initiative, { kind, rows: rows.length, purpose: request.purpose, note: request.note, meta })
  return {
    filename: `initiative-${String(initiative._id)}-${kind}-${csvDateStamp(now)}.csv`,
    rows: rows.length,
    body: csvLines([...preamble(context, progress, alternative), heading, ...rows], { bom: true }),
  }
}

/** The audit record of an export: what was taken out, how much of it, and why. */
export async function recordExport(
  viewer: Viewer,
  initiative: Pick<LoadedInitiative, '_id' | 'tlp'>,
  { kind, rows, purpose, note, meta }: { kind: ExportKind; rows: number; purpose: ExportPurpose; note?: string; meta?: RequestMeta },
) {
  await recordAudit({
    action: 'initiative.exported',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    target: { kind: 'initiative', id: String(initiative._id) },
    meta,
    details: { kind, rows, purpose, ...(note ? { purposeNote: note } : {}), tlp: initiative.tlp },
  })
}
