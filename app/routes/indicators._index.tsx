import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert } from '~/components/forms'
import { IndicatorFilters, IndicatorPaging, IndicatorTable } from '~/components/indicator-list'
import { buttonLinkClass, primaryLinkClass } from '~/components/indicator-ui'
import { canExportIndicators } from '~/indicators/export.server'
import { canViewIndicators, canWorkWithIndicators, indicatorChains, listIndicatorsFor, readIndicatorListQuery } from '~/indicators/indicators.server'
import { i18next } from '~/utils/i18next.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  if (!canViewIndicators(viewer)) throw forbidden()
  const { after, ...state } = readIndicatorListQuery(new URL(request.url))
  const [list, t] = await Promise.all([listIndicatorsFor(viewer, { ...state, after }), i18next.getFixedT(request, 'indicators')])
  return {
    title: t('meta.list'),
    state,
    paged: Boolean(after),
    canSubmit: canWorkWithIndicators(viewer),
    canExport: canExportIndicators(viewer),
    chains: indicatorChains(),
    list,
  }
}

export default function Indicators() {
  const { t } = useTranslation('indicators')
  const { state, paged, canSubmit, canExport, chains, list } = useLoaderData<typeof loader>()
  const searching = state.q !== ''
  const filtered = searching || Boolean(state.type || state.tlp || state.status || state.personal || state.mine)
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t('list.title')}</h1>
          <p className="mt-1 max-w-2xl text-slate-600">{t('list.intro')}</p>
        </div>
        <div className="flex flex-wrap gap-2">
          {canExport ? (
            <Link to="/indicators/export" className={buttonLinkClass}>
              {t('list.export')}
            </Link>
          ) : null}
          {canSubmit ? (
            <Link to="/indicators/import" className={buttonLinkClass}>
              {t('list.import')}
            </Link>
          ) : null}
          {canSubmit ? (
            <Link to="/indicators/new" className={primaryLinkClass}>
              {t('list.new')}
            </Link>
          ) : null}
        </div>
      </header>

      <IndicatorFilters state={state} chains={chains} />

      {list.searchProblem ? <Alert tone="info">{t(`list.searchProblem.${list.searchProblem}`)}</Alert> : null}

      {list.rows.length === 0 && !list.searchProblem ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
          <p>{searching ? t('list.emptySearch') : filtered ? t('list.emptyFiltered') : t('list.empty')}</p>
        </div>
      ) : null}
      {list.rows.length > 0 ? <IndicatorTable rows={list.rows} /> : null}
      <IndicatorPaging state={state} next={list.next} paged={paged} />
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
