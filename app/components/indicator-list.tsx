import { Form, Link } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '~/components/forms'
import { GradeBadge, IndicatorValue, PersonalBadge, StatusBadge, TlpTag, TypeLabel, UntraceableBadge, linkClass, useIndicatorDates } from '~/components/indicator-ui'
import { indicatorStatuses, indicatorTypes, tlpLabels } from '~/domain/vocabulary'
import { defaultIndicatorListState, indicatorListHref, type IndicatorListRow, type IndicatorListState } from '~/indicators/shared'

const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500'

/** Search by exact value and the list's filters: one GET form, so every state is a link. */
export function IndicatorFilters({ state, chains }: { state: IndicatorListState; chains: string[] }) {
  const { t } = useTranslation('indicators')
  const id = useId()
  const filtered = JSON.stringify(state) !== JSON.stringify(defaultIndicatorListState)
  return (
    <Form method="get" role="search" aria-label={t('list.search.label')} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div>
        <label htmlFor={`${id}-q`} className="block text-sm font-medium text-slate-800">
          {t('list.search.label')}
        </label>
        <div className="mt-1 flex flex-col gap-2 sm:flex-row">
          <input
            id={`${id}-q`}
            name="q"
            type="search"
            maxLength={2048}
            defaultValue={state.q}
            aria-describedby={`${id}-q-hint`}
            autoComplete="off"
            spellCheck={false}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500"
          />
          <Button type="submit">{t('list.search.submit')}</Button>
        </div>
        <p id={`${id}-q-hint`} className="mt-1 text-xs text-slate-500">
          {t('list.search.hint')}
        </p>
      </div>
      <fieldset className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <legend className="sr-only">{t('list.filters.label')}</legend>
        <div>
          <label htmlFor={`${id}-type`} className="block text-sm font-medium text-slate-800">
            {t('list.filters.type')}
          </label>
          <select id={`${id}-type`} name="type" defaultValue={state.type} className={inputClass}>
            <option value="">{t('list.filters.anyType')}</option>
            {indicatorTypes.map((type) => (
              <option key={type} value={type}>
                {t(`types.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-tlp`} className="block text-sm font-medium text-slate-800">
            {t('list.filters.tlp')}
          </label>
          <select id={`${id}-tlp`} name="tlp" defaultValue={state.tlp} className={inputClass}>
            <option value="">{t('list.filters.anyTlp')}</option>
            {tlpLabels.map((tlp) => (
              <option key={tlp} value={tlp}>
                {t(`tlp.${tlp}.label`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-status`} className="block text-sm font-medium text-slate-800">
            {t('list.filters.status')}
          </label>
          <select id={`${id}-status`} name="status" defaultValue={state.status} className={inputClass}>
            <option value="">{t('list.filters.anyStatus')}</option>
            {indicatorStatuses.map((status) => (
              <option key={status} value={status}>
                {t(`statuses.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-personal`} className="block text-sm font-medium text-slate-800">
            {t('list.filters.personal')}
          </label>
          <select id={`${id}-personal`} name="personal" defaultValue={state.personal} className={inputClass}>
            <option value="">{t('list.filters.personalAny')}</option>
            <option value="yes">{t('list.filters.personalYes')}</option>
            <option value="no">{t('list.filters.personalNo')}</option>
          </select>
        </div>
      </fieldset>
      <details className="text-sm" open={Boolean(state.chain || state.acquirer)}>
        <summary className="cursor-pointer font-medium text-slate-800">{t('list.search.more')}</summary>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          <div>
            <label htmlFor={`${id}-chain`} className="block text-sm font-medium text-slate-800">
              {t('list.search.chain')}
            </label>
            <select id={`${id}-chain`} name="chain" defaultValue={state.chain} className={inputClass}>
              <option value="">{t('list.search.anyChain')}</option>
              {chains.map((chain) => (
                <option key={chain} value={chain}>
                  {chain.toUpperCase()}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-acquirer`} className="block text-sm font-medium text-slate-800">
              {t('list.search.acquirer')}
            </label>
            <input id={`${id}-acquirer`} name="acquirer" maxLength={200} defaultValue={state.acquirer} className={inputClass} />
          </div>
        </div>
      </details>
      <div className="flex flex-wrap items-center gap-4">
        <label className="inline-flex items-center gap-2 text-sm text-slate-800">
          <input type="checkbox" name="mine" value="1" defaultChecked={state.mine} className="h-4 w-4 rounded border-slate-300" />
          {t('list.filters.mine')}
        </label>
        <Button type="submit" variant="secondary">
          {t('list.filters.apply')}
        </Button>
        {filtered ? (
          <Link to="/indicators" className={`text-sm ${linkClass}`}>
            {t('list.filters.clear')}
          </Link>
        ) : null}
      </div>
    </Form>
  )
}

/** The submissions the viewer may see, one per row; personal values stay hidden until opened with a purpose. */
export function IndicatorTable({ rows }: { rows: IndicatorListRow[] }) {
  const { t } = useTranslation('indicators')
  const { date } = useIndicatorDates()
  return (
    <ul aria-label={t('list.table.label')} className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
      {rows.map((row) => (
        <li key={row.submissionId} className="flex flex-col gap-2 p-4 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0 space-y-1">
            <p className="flex flex-wrap items-center gap-2">
              <TypeLabel type={row.type} />
              {row.chain ? <span className="font-mono text-xs text-slate-600">{row.chain.toUpperCase()}</span> : null}
              {row.untraceable ? <UntraceableBadge /> : null}
              {row.personal ? <PersonalBadge /> : null}
            </p>
            <p>
              <Link to={`/indicators/${row.indicatorId}`} className={`${linkClass} no-underline hover:underline`} aria-label={t('list.table.open', { type: t(`types.${row.type}`) })}>
                {row.display === null ? <span className="text-sm italic text-slate-600">{t('list.table.personalHidden')}</span> : <IndicatorValue value={row.display} />}
              </Link>
            </p>
            <p className="text-sm text-slate-600">
              {row.own ? t('list.table.ownSource') : t('list.table.source', { name: row.sourceName })}
              <span aria-hidden="true">{' · '}</span>
              <time dateTime={row.updatedAt}>{t('list.table.updated', { date: date(row.updatedAt) })}</time>
            </p>
          </div>
          <div className="flex shrink-0 flex-wrap items-center gap-2">
            <TlpTag tlp={row.tlp} />
            <GradeBadge reliability={row.reliability} credibility={row.credibility} />
            <StatusBadge status={row.status} />
          </div>
        </li>
      ))}
    </ul>
  )
}

export function IndicatorPaging({ state, next, paged }: { state: IndicatorListState; next: string | null; paged: boolean }) {
  const { t } = useTranslation('indicators')
  if (!next && !paged) return null
  const pagingClass =
    'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
  return (
    <nav aria-label={t('list.paging.label')} className="flex flex-wrap gap-2">
      {paged ? (
        <Link to={indicatorListHref(state)} className={pagingClass}>
          {t('list.paging.first')}
        </Link>
      ) : null}
      {next ? (
        <Link to={indicatorListHref(state, next)} rel="next" className={pagingClass}>
          {t('list.paging.next')}
        </Link>
      ) : null}
    </nav>
  )
}
