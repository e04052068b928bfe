import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorPage } from '~/components/error-page'
import { useTaskDate } from '~/components/task-badges'
import { publicStatistics } from '~/reports/statistics.server'
import { i18next } from '~/utils/i18next.server'

/** Public, signed-out page: aggregate counts only ("<5" under 5), initiatives one by one only when TLP:CLEAR. */
export async function loader({ request }: LoaderFunctionArgs) {
  const [statistics, t] = await Promise.all([publicStatistics(), i18next.getFixedT(request, 'reports')])
  return { title: t('statistics.title'), statistics }
}

const card = 'rounded-lg border border-slate-200 bg-white p-5 shadow-sm'
const cell = 'px-3 py-2 text-left'

export default function Statistics() {
  const { t } = useTranslation('reports')
  const { statistics } = useLoaderData<typeof loader>()
  const date = useTaskDate()
  const quarterLabel = (quarter: { year: number; quarter: number }) => t('statistics.quarter', { quarter: quarter.quarter, year: quarter.year })
  return (
    <div className="space-y-8">
      <header className="max-w-3xl space-y-3">
        <h1 className="text-3xl font-bold tracking-tight">{t('statistics.title')}</h1>
        <p className="text-lg text-slate-700">{t('statistics.intro')}</p>
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-600">
          <li>{t('statistics.rules.aggregate')}</li>
          <li>{t('statistics.rules.small')}</li>
          <li>{t('statistics.rules.clear')}</li>
        </ul>
      </header>

      <section aria-labelledby="stats-initiatives">
        <h2 id="stats-initiatives" className="text-xl font-semibold">
          {t('statistics.initiatives.title')}
        </h2>
        <dl className="mt-3 grid gap-4 sm:grid-cols-2">
          <div className={card}>
            <dt className="text-sm text-slate-600">{t('statistics.initiatives.active')}</dt>
            <dd className="mt-1 text-3xl font-semibold" data-testid="initiatives-active">
              {statistics.initiatives.active}
            </dd>
          </div>
          <div className={card}>
            <dt className="text-sm text-slate-600">{t('statistics.initiatives.completed')}</dt>
            <dd className="mt-1 text-3xl font-semibold" data-testid="initiatives-completed">
              {statistics.initiatives.completed}
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="stats-actions" className="space-y-2">
        <h2 id="stats-actions" className="text-xl font-semibold">
          {t('statistics.actions.title')}
        </h2>
        <p className="max-w-3xl text-sm text-slate-600">{t('statistics.actions.explain')}</p>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">{t('statistics.actions.caption')}</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={cell}>
                  {t('statistics.actions.type')}
                </th>
                {statistics.actions.quarters.map((quarter) => (
                  <th key={`${quarter.year}-${quarter.quarter}`} scope="col" className={`${cell} text-right whitespace-nowrap`}>
                    {quarterLabel(quarter)}
                  </th>
                ))}
                <th scope="col" className={`${cell} text-right`}>
                  {t('statistics.actions.total')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {statistics.actions.rows.map((row) => (
                <tr key={row.type}>
                  <th scope="row" className={`${cell} font-normal`}>
                    {t(`task:actionTypes.${row.type}`)}
                  </th>
                  {row.byQuarter.map((count, index) => (
                    <td key={index} className={`${cell} text-right tabular-nums`}>
                      {count}
                    </td>
                  ))}
                  <td className={`${cell} text-right font-medium tabular-nums`}>{row.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="stats-organisations" className="space-y-2">
        <h2 id="stats-organisations" className="text-xl font-semibold">
          {t('statistics.organisations.title')}
        </h2>
        <p className="max-w-3xl text-sm text-slate-600">{t('statistics.organisations.explain')}</p>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">{t('statistics.organisations.caption')}</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={cell}>
                  {t('statistics.organisations.kind')}
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  {t('statistics.organisations.count')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {statistics.organisations.byKind.map((row) => (
                <tr key={row.kind}>
                  <th scope="row" className={`${cell} font-normal`}>
                    {t(`common:kinds.${row.kind}`)}
                  </th>
                  <td className={`${cell} text-right tabular-nums`}>{row.count}</td>
                </tr>
              ))}
            </tbody>
            <tfoot className="bg-slate-50">
              <tr>
                <th scope="row" className={cell}>
                  {t('statistics.organisations.total')}
                </th>
                <td className={`${cell} text-right font-semibold tabular-nums`}>{statistics.organisations.total}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </section>

      <section aria-labelledby="stats-public" className="space-y-2">
        <h2 id="stats-public" className="text-xl font-semibold">
          {t('statistics.public.title')}
        </h2>
        <p className="max-w-3xl text-sm text-slate-600">{t('statistics.public.explain')}</p>
        {statistics.publicInitiatives.length === 0 ? (
          <p className={`${card} text-sm text-slate-600`}>{t('statistics.public.empty')}</p>
        ) : (
          <ul className="grid gap-4 md:grid-cols-2">
            {statistics.publicInitiatives.map((initiative, index) => (
              <li key={index} className={card}>
                <h3 className="font-semibold">{initiative.title}</h3>
                <p className="mt-1 text-sm text-slate-600">
                  {t(`statistics.public.status.${initiative.status}`)}
                  {initiative.startAt || initiative.targetAt
                    ? ` · ${t('statistics.public.dates', { start: date(initiative.startAt) || '…', target: date(initiative.targetAt) || '…' })}`
                    : null}
                </p>
                <p className="mt-3 text-sm">
                  {t('statistics.public.completion', { percent: initiative.completion })}
                  <span className="block text-xs text-slate-500">{t(`rule.${initiative.completionRule}`)}</span>
                </p>
                {initiative.kpis.length > 0 ? (
                  <ul className="mt-3 space-y-1 text-sm">
                    {initiative.kpis.map((kpi) => (
                      <li key={kpi.actionType}>
                        {t('statistics.public.kpi', { type: t(`task:actionTypes.${kpi.actionType}`), achieved: kpi.achieved, target: kpi.target })}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <p className="text-xs text-slate-500">{t('statistics.generatedAt', { when: date(statistics.generatedAt) })}</p>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
