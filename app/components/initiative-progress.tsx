import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass, ProgressBar, useInitiativeFormat } from './initiative-ui'
import type { ActionType, OrganisationKind } from '~/domain/vocabulary'
import type { CompletionRule } from '~/initiatives/shared'

type Completion = { done: number; total: number; notApplicable: number; percent: number; rule: CompletionRule }

/** Completion, with the rule its number uses stated next to it (and the other rule's figure when the lead chose to exclude not-applicable). */
export function CompletionPanel({ completion, alternative }: { completion: Completion; alternative: Completion | null }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <h3 className="text-sm font-semibold text-slate-700">{t('progress.completion')}</h3>
      <p className="mt-1 flex flex-wrap items-baseline gap-x-3">
        <span className="text-3xl font-bold tabular-nums">{format.percent(completion.percent)}</span>
        <span className="text-sm text-slate-700">{t('progress.doneOf', { done: completion.done, total: completion.total })}</span>
      </p>
      <div className="mt-2">
        <ProgressBar percent={completion.percent} label={t('progress.completion')} tone="emerald" />
      </div>
      <p className="mt-2 text-sm text-slate-700">
        <span className="font-medium">{t('progress.rule')}</span> {t(`rules.${completion.rule}`)}
      </p>
      {completion.notApplicable > 0 ? <p className="mt-1 text-xs text-slate-600">{t('progress.notApplicable', { count: completion.notApplicable })}</p> : null}
      {alternative ? (
        <p className="mt-2 rounded-md bg-slate-50 p-2 text-sm text-slate-700">
          {t('progress.alternative', { percent: format.percent(alternative.percent), done: alternative.done, total: alternative.total })}
        </p>
      ) : null}
    </div>
  )
}

type Kpi = { actionType: ActionType; target: number; achieved: number; percent: number }

/** One card per objective: the action type, achieved against target, and the share reached. */
export function KpiCards({ kpis }: { kpis: Kpi[] }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  if (kpis.length === 0) return <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">{t('progress.noObjectives')}</p>
  return (
    <div className="space-y-2">
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {kpis.map((kpi) => (
          <li key={kpi.actionType} className="rounded-lg border border-slate-200 bg-white p-4">
            <h3 className="text-sm font-semibold text-slate-700">{t(`actionTypes.${kpi.actionType}`)}</h3>
            <p className="mt-1 flex flex-wrap items-baseline gap-x-2">
              <span className="text-2xl font-bold tabular-nums">{t('progress.achievedOf', { achieved: format.number(kpi.achieved), target: format.number(kpi.target) })}</span>
              <span className="text-sm text-slate-700 tabular-nums">{format.percent(kpi.percent)}</span>
            </p>
            <div className="mt-2">
              <ProgressBar percent={kpi.percent} label={t(`actionTypes.${kpi.actionType}`)} tone="sky" />
            </div>
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-600">{t('progress.kpiRule')}</p>
    </div>
  )
}

type PartnerRow = {
  organisationId: string
  name: string
  kind: string
  assigned: number
  acknowledged: number
  done: number
  overdue: number
  medianHoursToAcknowledge: number | null
  medianHoursToVerified: number | null
}

/** Per organisation: tasks assigned, acknowledged, done, overdue, and the median times to answer and to verification. */
export function PartnerTable({ partners }: { partners: PartnerRow[] }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  if (partners.length === 0) return <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">{t('partners.empty')}</p>
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
        <caption className="sr-only">{t('partners.caption')}</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              {t('partners.columns.organisation')}
            </th>
            {(['assigned', 'acknowledged', 'done', 'overdue', 'toAcknowledge', 'toVerified'] as const).map((column) => (
              <th key={column} scope="col" className="px-3 py-2 text-right font-medium">
                {t(`partners.columns.${column}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {partners.map((row) => (
            <tr key={row.organisationId}>
              <th scope="row" className="px-3 py-2 font-normal">
                <span className="font-medium">{row.name}</span>
                <span className="block text-xs text-slate-600">{t(`common:kinds.${row.kind as OrganisationKind}`)}</span>
              </th>
              <td className="px-3 py-2 text-right tabular-nums">{format.number(row.assigned)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{format.number(row.acknowledged)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{format.number(row.done)}</td>
              <td className={`px-3 py-2 text-right tabular-nums ${row.overdue > 0 ? 'font-semibold text-red-800' : ''}`}>{format.number(row.overdue)}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap">{format.duration(row.medianHoursToAcknowledge)}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap">{format.duration(row.medianHoursToVerified)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="border-t border-slate-100 px-3 py-2 text-xs text-slate-600">{t('partners.note')}</p>
    </div>
  )
}

type OverdueRow = {
  key: string
  taskId: string | null
  title: string | null
  organisationName: string
  dueAt: string
  daysOverdue: number
  contact: { name: string; email: string; phone: string } | null
}

/** Tasks past their due date and still waiting for the partner, the longest overdue first. */
export function OverdueList({ overdue }: { overdue: OverdueRow[] }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  if (overdue.length === 0) return <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">{t('overdue.empty')}</p>
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-red-200 bg-white">
      {overdue.map((row) => (
        <li key={row.key} className="flex flex-wrap items-start justify-between gap-3 border-l-4 border-l-red-600 p-3">
          <div className="min-w-0">
            {row.taskId && row.title ? (
              <Link to={`/tasks/${row.taskId}`} className={linkClass}>
                {row.title}
              </Link>
            ) : (
              <span className="text-slate-600 italic">{t('overdue.notShared')}</span>
            )}
            <p className="text-sm text-slate-700">{row.organisationName}</p>
            {row.contact && (row.contact.name || row.contact.email || row.contact.phone) ? (
              <p className="text-xs text-slate-600">
                <span className="font-medium">{t('overdue.contact')}</span> {row.contact.name}
                {row.contact.email ? (
                  <>
                    {' · '}
                    <a href={`mailto:${row.contact.email}`} className="underline underline-offset-2">
                      {row.contact.email}
                    </a>
                  </>
                ) : null}
                {row.contact.phone ? (
                  <>
                    {' · '}
                    <a href={`tel:${row.contact.phone}`} className="underline underline-offset-2">
                      {row.contact.phone}
                    </a>
                  </>
                ) : null}
              </p>
            ) : null}
          </div>
          <div className="text-right text-sm">
            <p className="font-semibold text-red-800">{t('overdue.days', { count: row.daysOverdue })}</p>
            <p className="text-xs text-slate-600">{t('overdue.due', { date: format.date(row.dueAt) })}</p>
          </div>
        </li>
      ))}
    </ul>
  )
}
