import { ActionReportModel } from '../../models/action-report'
import { InitiativeModel } from '../../models/initiative'
import { OrganisationModel } from '../../models/organisation'
import { actionTypes, organisationKinds, type ActionType, type OrganisationKind } from '~/domain/vocabulary'
import { overviewFigures } from '~/initiatives/progress.server'
import { publicCount } from '~/utils/public-count'

/** How many calendar quarters the public table shows, the current one last. */
export const PUBLIC_QUARTERS = 4
/** At most this many TLP:CLEAR initiatives are shown one by one. */
export const PUBLIC_INITIATIVES_LIMIT = 20

export type Quarter = { year: number; quarter: number }

const quarterOf = (date: Date): Quarter => ({ year: date.getUTCFullYear(), quarter: Math.floor(date.getUTCMonth() / 3) + 1 })
const quarterKey = ({ year, quarter }: Quarter) => `${year}-Q${quarter}`

/** The last `count` calendar quarters up to and including the one of `now`, oldest first. */
export function recentQuarters(now: Date, count = PUBLIC_QUARTERS): Quarter[] {
  const current = quarterOf(now)
  const index = current.year * 4 + (current.quarter - 1)
  return Array.from({ length: count }, (_, i) => {
    const at = index - (count - 1 - i)
    return { year: Math.floor(at / 4), quarter: (at % 4) + 1 }
  })
}

/** Verified actions (current reports only, as the KPIs count them) summed per type and day of action. */
async function verifiedActionsByTypeAndDate() {
  // $year/$month are not available on every backend: group by the stored date, bucket in code.
  return ActionReportModel.aggregate<{ _id: { type: string; date: Date }; quantity: number }>(
    [
      { $match: { verification: 'verified', status: 'current' } },
      { $unwind: '$actions' },
      { $group: { _id: { type: '$actions.type', date: '$actions.actionDate' }, quantity: { $sum: '$actions.quantity' } } },
    ],
    { acrossOrganisations: 'public statistics are aggregate counts over every organisation' },
  )
}

/**
 * The public statistics page, computed with plain aggregate queries. Only aggregate counts leave this
 * function, each already shown as `publicCount` ("<5" under 5), so no small number reaches a page; and
 * initiatives appear one by one only when labelled TLP:CLEAR. No organisation name ever appears.
 */
export async function publicStatistics(now = new Date()) {
  const [initiativeRows, organisationRows, actionRows, clearInitiatives] = await Promise.all([
    InitiativeModel.aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }]),
    OrganisationModel.aggregate<{ _id: string; count: number }>([
      { $match: { status: 'active', isOperator: { $ne: true } } },
      { $group: { _id: '$kind', count: { $sum: 1 } } },
    ]),
    verifiedActionsByTypeAndDate(),
    InitiativeModel.find({ tlp: 'CLEAR', status: { $in: ['active', 'paused', 'completed'] } })
      .select({ title: 1, status: 1, startAt: 1, targetAt: 1, objectives: 1, excludeNotApplicable: 1, createdAt: 1, updatedAt: 1 })
      .sort({ updatedAt: -1, _id: 1 })
      .limit(PUBLIC_INITIATIVES_LIMIT)
      .lean(),
  ])

  const initiativesIn = (status: string) => initiativeRows.find((row) => row._id === status)?.count ?? 0

  const organisationsOf = new Map(organisationRows.map((row) => [row._id, row.count]))
  const organisationsByKind = organisationKinds.map((kind: OrganisationKind) => ({ kind, count: publicCount(organisationsOf.get(kind) ?? 0) }))

  const quarters = recentQuarters(now)
  const columns = new Map(quarters.map((quarter, index) => [quarterKey(quarter), index]))
  const perType = new Map<string, { byQuarter: number[]; total: number }>()
  for (const row of actionRows) {
    const entry = perType.get(row._id.type) ?? { byQuarter: quarters.map(() => 0), total: 0 }
    const column = columns.get(quarterKey(quarterOf(new Date(row._id.date))))
    if (column !== undefined) entry.byQuarter[column] = (entry.byQuarter[column] ?? 0) + row.quantity
    entry.total += row.quantity
    perType.set(row._id.type, entry)
  }
  const actions = actionTypes.map((type: ActionType) => {
    const entry = perType.get(type)
    return {
      type,
      byQuarter: quarters.map((_, index) => publicCount(entry?.byQuarter[index] ?? 0)),
      total: publicCount(entry?.total ?? 0),
    }
  })

  const figures = await overviewFigures(clearInitiatives, now)
  const publicInitiatives = clearInitiatives.map((initiative) => {
    const figure = figures.get(String(initiative._id))
    return {
      title: initiative.title,
      status: initiative.status,
      startAt: initiative.startAt?.toISOString() ?? null,
      targetAt: initiative.targetAt?.toISOString() ?? null,
      completion: figure?.completion.percent ?? 0,
      completionRule: figure?.completion.rule ?? 'includeNotApplicable',
      kpis: (figure?.kpis ?? []).map((kpi) => ({ actionType: kpi.actionType, achieved: publicCount(kpi.achieved), target: kpi.target })),
    }
  })

  return {
    initiatives: { active: publicCount(initiativesIn('active')), completed: publicCount(initiativesIn('completed')) },
    organisations: { total: publicCount(organisationRows.reduce((sum, row) => sum + row.count, 0)), byKind: organisationsByKind },
    actions: { quarters, rows: actions },
    publicInitiatives,
    generatedAt: now.toISOString(),
  }
}

export type PublicStatistics = Awaited<ReturnType<typeof publicStatistics>>
