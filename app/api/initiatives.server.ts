import { Types } from 'mongoose'
import { z } from 'zod'
import { InitiativeModel, initiativeStatuses } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { defineEndpoint } from './endpoint.server'
import { ApiProblem } from './problem.server'
import { encodeCursor, isoDateTime, itemsAfter, limitParam, mongoId, nextParam, pageOf, updatedSinceParam } from './schemas.server'
import { actionTypes, tlpLabels, type TlpLabel } from '~/domain/vocabulary'
import { latestUpdateOf, loadInitiative, type LoadedInitiative } from '~/initiatives/initiatives.server'
import { initiativeProgress, overviewFigures } from '~/initiatives/progress.server'
import { initiativeHealthList } from '~/initiatives/shared'
import { canSeeInitiative, initiativeAccessFilter, keyReachesInitiative } from '~/policy/access.server'
import { isCentre } from '~/policy/permissions'
import { publicUrl } from '~/utils/env.server'

const completionSchema = z.object({
  done: z.number().int(),
  total: z.number().int(),
  notApplicable: z.number().int(),
  percent: z.number().describe('Done tasks as a percentage of the tasks that count'),
  rule: z.enum(['includeNotApplicable', 'excludeNotApplicable']),
})
const kpiSchema = z.object({
  actionType: z.enum(actionTypes),
  target: z.number(),
  achieved: z.number().describe('The quantity of verified actions of this type'),
  percent: z.number(),
})

export const initiativeSchema = z.object({
  id: mongoId,
  title: z.string(),
  status: z.enum(initiativeStatuses),
  tlp: z.enum(tlpLabels),
  role: z.enum(['lead', 'participant']).describe('Whether your organisation leads the initiative or takes part in it'),
  leadCentre: z.object({ id: mongoId, name: z.string() }),
  startAt: isoDateTime.nullable(),
  targetAt: isoDateTime.nullable(),
  updatedAt: isoDateTime,
  health: z.enum(initiativeHealthList),
  healthSuggested: z.boolean().describe('True when no status update set the health yet and it is the suggested one'),
  progress: z.object({
    completion: completionSchema,
    kpis: z.array(kpiSchema),
    overdueTasks: z.number().int(),
  }),
  url: z.string(),
})

const initiativeDetailSchema = initiativeSchema.extend({
  actionsPerWeek: z.array(z.object({ week: z.iso.date(), byType: z.record(z.string(), z.number()) })),
})

type Doc = LoadedInitiative & { updatedAt?: Date }

async function leadNames(initiatives: Doc[]) {
  const centres = await OrganisationModel.find({ _id: { $in: [...new Set(initiatives.map((i) => String(i.leadCentreId)))] } })
    .select({ legalName: 1 })
    .lean()
  return new Map(centres.map((centre) => [String(centre._id), centre.legalName]))
}

function initiativeJson(
  initiative: Doc,
  role: 'lead' | 'participant',
  names: Map<string, string>,
  figures: { completion: z.input<typeof completionSchema>; kpis: z.input<typeof kpiSchema>[]; overdue: number; suggestedHealth: (typeof initiativeHealthList)[number] },
): z.input<typeof initiativeSchema> {
  const id = String(initiative._id)
  const update = latestUpdateOf(initiative.updates)
  return {
    id,
    title: initiative.title,
    status: initiative.status,
    tlp: initiative.tlp as TlpLabel,
    role,
    leadCentre: { id: String(initiative.leadCentreId), name: names.get(String(initiative.leadCentreId)) ?? '' },
    startAt: initiative.startAt?.toISOString() ?? null,
    targetAt: initiative.targetAt?.toISOString() ?? null,
    updatedAt: (initiative.updatedAt ?? initiative.createdAt ?? new Date(0)).toISOString(),
    health: update?.health ?? figures.suggestedHealth,
    healthSuggested: !update,
    progress: { completion: figures.completion, kpis: figures.kpis, overdueTasks: figures.overdue },
    url: `${publicUrl()}/initiatives/${id}`,
  }
}

export const listInitiativesEndpoint = defineEndpoint({
  operationId: 'listInitiatives',
  method: 'GET',
  path: '/initiatives',
  tag: 'Initiatives',
  summary: 'List the initiatives your organisation takes part in, with their progress',
  description: 'Oldest change first; `updated_since` and `next` read every change once. Progress counts only verified actions.',
  scope: 'initiatives:read',
  query: z.object({ updated_since: updatedSinceParam, limit: limitParam, next: nextParam }),
  success: { status: 200, description: 'A page of initiatives', schema: pageOf(initiativeSchema) },
  problems: [{ status: 400, code: 'invalid-request' }],
  handler: async ({ caller, query }) => {
    const viewer = caller.viewer
    const after = itemsAfter(query.next, 'objectId')
    if (!initiativeAccessFilter(viewer)) return { data: [], next: null }
    const organisation = new Types.ObjectId(viewer.organisationId)
    const parts: Record<string, unknown>[] = [
      { $or: [{ participantIds: organisation }, ...(isCentre(viewer) ? [{ leadCentreId: organisation }] : [])] },
    ]
    if (query.updated_since) parts.push({ updatedAt: { $gte: new Date(query.updated_since) } })
    if (after) parts.push(after)
    const found = await InitiativeModel.find({ $and: parts })
      .sort({ updatedAt: 1, _id: 1 })
      .limit(query.limit + 1)
      .lean<Doc[]>()
    const page = found.slice(0, query.limit)
    const visible = page.flatMap((initiative) => {
      const side = canSeeInitiative(viewer, initiative)
      return keyReachesInitiative(side) ? [{ initiative, side }] : []
    })
    const [figures, names] = await Promise.all([overviewFigures(visible.map((v) => v.initiative)), leadNames(page)])
    const last = page[page.length - 1]
    return {
      data: visible.flatMap(({ initiative, side }) => {
        const figure = figures.get(String(initiative._id))
        return figure ? [initiativeJson(initiative, side, names, figure)] : []
      }),
      next: found.length > query.limit && last ? encodeCursor(last.updatedAt ?? new Date(0), String(last._id)) : null,
    }
  },
})

export const getInitiativeEndpoint = defineEndpoint({
  operationId: 'getInitiative',
  method: 'GET',
  path: '/initiatives/{initiativeId}',
  tag: 'Initiatives',
  summary: 'Read one initiative’s progress',
  scope: 'initiatives:read',
  params: z.object({ initiativeId: mongoId }),
  success: { status: 200, description: 'The initiative and its progress', schema: initiativeDetailSchema },
  problems: [{ status: 404, code: 'not-found' }],
  handler: async ({ caller, params }) => {
    const { initiative, side } = await loadInitiative(caller.viewer, params.initiativeId)
    if (!keyReachesInitiative(side)) throw new ApiProblem(404, 'not-found')
    const progress = await initiativeProgress(initiative)
    const names = await leadNames([initiative])
    return {
      ...initiativeJson(initiative, side, names, {
        completion: progress.completion,
        kpis: progress.kpis,
        overdue: progress.overdue.length,
        suggestedHealth: progress.suggestedHealth,
      }),
      actionsPerWeek: progress.actionsPerWeek.map((week) => ({ week: week.week, byType: Object.fromEntries(Object.entries(week.byType).map(([k, v]) => [k, v ?? 0])) })),
    }
  },
})

export const initiativeEndpoints = [listInitiativesEndpoint, getInitiativeEndpoint]
