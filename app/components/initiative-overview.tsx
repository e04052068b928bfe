import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Button, SelectField } from './forms'
import { buttonLinkClass, HealthBadge, InitiativeStatusBadge, InitiativeTlpBadge, linkClass, ProgressBar, useInitiativeFormat } from './initiative-ui'
import {
  defaultOverviewDirection,
  defaultOverviewState,
  initiativeHealthList,
  initiativeStatusList,
  overviewHref,
  type OverviewRow,
  type OverviewSort,
  type OverviewState,
} from '~/initiatives/shared'

type Options = { centres: { id: string; name: string }[]; countries: { code: string; name: string }[] }

/** The coordinator overview's filters, as a plain GET form: works without JavaScript; the URL can be shared. */
export function OverviewFilters({ state, options, filtered }: { state: OverviewState; options: Options; filtered: boolean }) {
  const { t } = useTranslation('initiatives')
  return (
    <Form method="get" role="search" aria-label={t('overview.filters.label')} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      {state.sort !== defaultOverviewState.sort ? <input type="hidden" name="sort" value={state.sort} /> : null}
      {state.dir !== defaultOverviewDirection[state.sort] ? <input type="hidden" name="dir" value={state.dir} /> : null}
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <SelectField
          label={t('overview.filters.centre')}
          name="centre"
          defaultValue={state.centre}
          options={[{ value: '', label: t('overview.filters.anyCentre') }, ...options.centres.map((centre) => ({ value: centre.id, label: centre.name }))]}
        />
        <SelectField
          label={t('overview.filters.country')}
          name="country"
          defaultValue={state.country}
          options={[{ value: '', label: t('overview.filters.anyCountry') }, ...options.countries.map((country) => ({ value: country.code, label: country.name }))]}
        />
        <SelectField
          label={t('overview.filters.status')}
          name="status"
          defaultValue={state.status}
          options={[{ value: '', label: t('overview.filters.anyStatus') }, ...initiativeStatusList.map((status) => ({ value: status, label: t(`status.${status}`) }))]}
        />
        <SelectField
          label={t('overview.filters.health')}
          name="health"
          defaultValue={state.health}
          options={[{ value: '', label: t('overview.filters.anyHealth') }, ...initiativeHealthList.map((health) => ({ value: health, label: t(`health.${health}`) }))]}
        />
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit">{t('overview.filters.apply')}</Button>
        {filtered ? (
          <Link to={overviewHref({ ...defaultOverviewState, sort: state.sort, dir: state.dir })} className={buttonLinkClass}>
            {t('overview.filters.clear')}
          </Link>
        ) : null}
      </div>
    </Form>
  )
}

function SortHeader({ sort, label, state }: { sort: OverviewSort; label: string; state: OverviewState }) {
  const { t } = useTranslation('initiatives')
  const active = state.sort === sort
  const dir = active ? (state.dir === 'asc' ? 'desc' : 'asc') : defaultOverviewDirection[sort]
  return (
    <th scope="col" aria-sort={active ? (state.dir === 'asc' ? 'ascending' : 'descending') : undefined} className="px-3 py-2 font-medium whitespace-nowrap">
      <Link
        to={overviewHref(state, { sort, dir })}
        className="inline-flex items-center gap-1 rounded hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        aria-label={t('overview.sortBy', { column: label })}
      >
        {label}
        <span aria-hidden="true" className="text-slate-400">
          {active ? (state.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    </th>
  )
}

/**
 * The initiatives as a table (cards on a phone): lead centre and its country, status, completion
 * (with its rule), KPI attainment, overdue tasks and health, every figure from the progress module.
 */
export function OverviewTable({ rows, state }: { rows: OverviewRow[]; state: OverviewState }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  return (
    <div className="space-y-2">
      <div className="rounded-lg border border-slate-200 bg-white md:overflow-x-auto">
        <table className="block w-full text-left text-sm md:table md:min-w-full md:divide-y md:divide-slate-200">
          <caption className="sr-only">{t('overview.caption')}</caption>
          <thead className="hidden bg-slate-50 text-slate-700 md:table-header-group">
            <tr>
              <SortHeader sort="title" label={t('overview.columns.title')} state={state} />
              <SortHeader sort="centre" label={t('overview.columns.centre')} state={state} />
              <SortHeader sort="country" label={t('overview.columns.country')} state={state} />
              <SortHeader sort="status" label={t('overview.columns.status')} state={state} />
              <SortHeader sort="completion" label={t('overview.columns.completion')} state={state} />
              <SortHeader sort="kpi" label={t('overview.columns.kpi')} state={state} />
              <SortHeader sort="overdue" label={t('overview.columns.overdue')} state={state} />
              <SortHeader sort="health" label={t('overview.columns.health')} state={state} />
              <SortHeader sort="target" label={t('overview.columns.target')} state={state} />
            </tr>
          </thead>
          <tbody className="block divide-y divide-slate-200 md:table-row-group md:divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id} className="block p-3 align-top md:table-row md:p-0">
                <th scope="row" className="block py-1 font-normal md:table-cell md:px-3 md:py-2">
                  <Link to={`/initiatives/${row.id}`} className={linkClass}>
                    {row.title}
                  </Link>
                  <span className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
                    <InitiativeTlpBadge tlp={row.tlp} />
                    <span>{t(`side.${row.side}`)}</span>
                  </span>
                </th>
                <Cell label={t('overview.columns.centre')}>{row.leadCentre.name}</Cell>
                <Cell label={t('overview.columns.country')}>{row.leadCentre.countryName}</Cell>
                <Cell label={t('overview.columns.status')}>
                  <InitiativeStatusBadge status={row.status} />
                </Cell>
                <Cell label={t('overview.columns.completion')} className="md:min-w-40">
                  <span className="block" title={t(`rules.${row.completion.rule}`)}>
                    <span className="font-semibold tabular-nums">{format.percent(row.completion.percent)}</span>{' '}
                    <span className="text-xs text-slate-600">{t('overview.doneOf', { done: row.completion.done, total: row.completion.total })}</span>
                    {row.completion.rule === 'excludeNotApplicable' ? (
                      <span className="ml-1 text-xs text-slate-600">{t('overview.excludeMarker')}</span>
                    ) : (
                      <sup className="ml-0.5 text-xs text-slate-500" aria-hidden="true">
                        {t('overview.footnoteMark')}
                      </sup>
                    )}
                  </span>
                  <ProgressBar percent={row.completion.percent} label={t('overview.completionOf', { title: row.title })} />
                </Cell>
                <Cell label={t('overview.columns.kpi')}>
                  {row.kpiAttainment === null ? (
                    <span className="text-slate-500">{t('format.none')}</span>
                  ) : (
                    <span className="tabular-nums">{format.percent(row.kpiAttainment)}</span>
                  )}
                </Cell>
                <Cell label={t('overview.columns.overdue')}>
                  <span className={`tabular-nums ${row.overdue > 0 ? 'font-semibold text-red-800' : ''}`}>{format.number(row.overdue)}</span>
                </Cell>
                <Cell label={t('overview.columns.health')}>
                  <HealthBadge health={row.health} suggested={row.healthSuggested} />
                </Cell>
                <Cell label={t('overview.columns.target')} className="whitespace-nowrap">
                  {row.targetAt ? <time dateTime={row.targetAt}>{format.date(row.targetAt)}</time> : <span className="text-slate-500">{t('format.none')}</span>}
                </Cell>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-slate-600">
        <span aria-hidden="true">{t('overview.footnoteMark')} </span>
        {t('overview.footnote')}
      </p>
    </div>
  )
}

/** A cell that shows its column name above its value when the table collapses to cards on a phone. */
function Cell({ label, children, className = '' }: { label: string; children: React.ReactNode; className?: string }) {
  return (
    <td className={`flex gap-2 py-1 md:table-cell md:px-3 md:py-2 ${className}`}>
      <span className="w-28 shrink-0 text-xs font-medium text-slate-500 md:hidden">{label}</span>
      <span className="min-w-0 flex-1">{children}</span>
    </td>
  )
}
