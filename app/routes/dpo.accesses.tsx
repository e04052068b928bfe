import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, Field, SelectField } from '~/components/forms'
import { accessFilterQuery, accessOrganisationChoices, listAccessJustifications, parseAccessQuery, type AccessRow } from '~/dpo/accesses.server'
import { requireDpo } from '~/dpo/guards.server'
import { accessActions, formatTime, isKnownPurpose, knownPurposes } from '~/dpo/shared'
import { DpoNav, pagingLinkStyle } from '~/dpo/ui'
import { i18next } from '~/utils/i18next.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireDpo(request, 'dpo:view')
  const parsed = parseAccessQuery(new URL(request.url).searchParams)
  const [page, organisations, t] = await Promise.all([
    listAccessJustifications(parsed),
    accessOrganisationChoices(),
    i18next.getFixedT(request, 'dpo'),
  ])
  return {
    title: t('meta.accesses'),
    values: parsed.values,
    errors: parsed.errors,
    query: accessFilterQuery(parsed.filter),
    filtered: Object.keys(parsed.filter).length > 0,
    paged: parsed.after !== undefined || parsed.before !== undefined,
    organisations,
    ...page,
  }
}

export default function AccessJustifications() {
  const { t } = useTranslation('dpo')
  const { total, rows, filtered, paged, query } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <header className="space-y-4">
        <h1 className="text-2xl font-bold tracking-tight">{t('accesses.title')}</h1>
        <DpoNav />
        <p className="max-w-3xl text-slate-600">{t('accesses.intro')}</p>
      </header>
      <Filters />
      <section aria-labelledby="access-results" className="space-y-4">
        <h2 id="access-results" className="text-lg font-semibold" aria-live="polite">
          {t('accesses.results', { count: total })}
        </h2>
        {rows.length > 0 ? (
          <AccessTable rows={rows} />
        ) : (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
            <p>{filtered || paged ? t('accesses.emptyFiltered') : t('accesses.empty')}</p>
            {filtered || paged ? (
              <Link to={paged ? `/dpo/accesses${query ? `?${query}` : ''}` : '/dpo/accesses'} className="mt-3 inline-block font-medium text-slate-900 underline">
                {paged ? t('accesses.paging.newest') : t('accesses.filters.clear')}
              </Link>
            ) : null}
          </div>
        )}
        <Paging />
      </section>
    </div>
  )
}

function Filters() {
  const { t } = useTranslation('dpo')
  const { values, errors, organisations } = useLoaderData<typeof loader>()
  const navigation = useNavigation()
  const purposeLabel = (purpose: string) => t(`purposes.${purpose}`)
  return (
    <section aria-labelledby="access-filters" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="access-filters" className="text-lg font-semibold">
        {t('accesses.filters.title')}
      </h2>
      {Object.keys(errors).length > 0 ? (
        <div className="mt-3">
          <Alert>{t('accesses.filters.invalid')}</Alert>
        </div>
      ) : null}
      <Form method="get" action="/dpo/accesses" className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <SelectField
          label={t('accesses.filters.action')}
          name="action"
          defaultValue={values.action}
          errors={errors.action}
          options={[{ value: '', label: t('accesses.filters.actionAll') }, ...accessActions.map((action) => ({ value: action, label: t(`actions.${action}`) }))]}
        />
        <SelectField
          label={t('accesses.filters.purpose')}
          name="purpose"
          defaultValue={values.purpose}
          errors={errors.purpose}
          options={[{ value: '', label: t('accesses.filters.purposeAll') }, ...knownPurposes.map((purpose) => ({ value: purpose, label: purposeLabel(purpose) }))]}
        />
        <SelectField
          label={t('accesses.filters.organisation')}
          name="organisation"
          defaultValue={values.organisation}
          errors={errors.organisation}
          options={[{ value: '', label: t('accesses.filters.organisationAll') }, ...organisations.map((organisation) => ({ value: organisation.id, label: organisation.name }))]}
        />
        <Field label={t('accesses.filters.from')} name="from" type="date" defaultValue={values.from} errors={errors.from} />
        <Field label={t('accesses.filters.to')} name="to" type="date" defaultValue={values.to} errors={errors.to} />
        <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-5">
          <Button type="submit" disabled={navigation.state === 'loading'}>
            {t('accesses.filters.apply')}
          </Button>
          <Link
            to="/dpo/accesses"
            className="inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('accesses.filters.clear')}
          </Link>
        </div>
      </Form>
    </section>
  )
}

function AccessTable({ rows }: { rows: AccessRow[] }) {
  const { t } = useTranslation('dpo')
  const cell = 'px-3 py-2'
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-slate-700" role="region" aria-labelledby="access-caption" tabIndex={0}>
      <table className="min-w-[56rem] w-full divide-y divide-slate-200 text-left text-sm">
        <caption id="access-caption" className="sr-only">
          {t('accesses.caption')}
        </caption>
        <thead className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className={cell}>
              {t('accesses.table.when')}
            </th>
            <th scope="col" className={cell}>
              {t('accesses.table.who')}
            </th>
            <th scope="col" className={cell}>
              {t('accesses.table.event')}
            </th>
            <th scope="col" className={cell}>
              {t('accesses.table.purpose')}
            </th>
            <th scope="col" className={cell}>
              {t('accesses.table.target')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {rows.map((row) => (
            <tr key={row.id} data-testid="access-row">
              <td className={`${cell} whitespace-nowrap`}>
                <time dateTime={row.at}>{formatTime(row.at)}</time>
              </td>
              <td className={cell}>
                <span className="block font-medium break-all">{row.actor.label ?? t('accesses.table.anonymous')}</span>
                <span className="block text-xs text-slate-600">
                  {row.actor.organisationName ?? (row.actor.organisationId ? t('accesses.table.unknownOrganisation') : t('accesses.table.noOrganisation'))}
                </span>
              </td>
              <td className={cell}>{t(`actions.${row.action}`)}</td>
              <td className={cell}>
                <span className="block">{row.purpose ? (isKnownPurpose(row.purpose) ? t(`purposes.${row.purpose}`) : row.purpose) : t('none')}</span>
                {row.note ? <span className="block text-xs text-slate-600 break-words">{row.note}</span> : null}
              </td>
              <td className={cell}>
                {row.target ? (
                  <>
                    <span className="block text-xs text-slate-600">
                      {row.target.indicatorType ? t(`types.${row.target.indicatorType}`) : isKnownTarget(row.target.kind) ? t(`targets.${row.target.kind}`) : row.target.kind}
                    </span>
                    <span className="block font-mono text-xs break-all">{row.target.id}</span>
                  </>
                ) : (
                  <span className="text-slate-400">{t('none')}</span>
                )}
                {row.rows !== null ? <span className="block text-xs text-slate-600">{t('accesses.table.rows', { count: row.rows })}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function isKnownTarget(kind: string): kind is 'indicator' | 'indicatorSubmission' | 'initiative' {
  return kind === 'indicator' || kind === 'indicatorSubmission' || kind === 'initiative'
}

function Paging() {
  const { t } = useTranslation('dpo')
  const { olderAfter, newerBefore, query, paged } = useLoaderData<typeof loader>()
  if (olderAfter === null && newerBefore === null && !paged) return null
  const link = (key: 'after' | 'before', seq: number) => {
    const params = new URLSearchParams(query)
    params.set(key, String(seq))
    return `/dpo/accesses?${params.toString()}`
  }
  return (
    <nav aria-label={t('accesses.paging.label')} className="flex flex-wrap items-center justify-between gap-2">
      <div className="flex gap-2">
        {paged ? (
          <Link to={`/dpo/accesses${query ? `?${query}` : ''}`} className={pagingLinkStyle}>
            {t('accesses.paging.newest')}
          </Link>
        ) : null}
        {newerBefore !== null ? (
          <Link to={link('before', newerBefore)} className={pagingLinkStyle} rel="prev">
            {t('accesses.paging.newer')}
          </Link>
        ) : null}
      </div>
      {olderAfter !== null ? (
        <Link to={link('after', olderAfter)} className={pagingLinkStyle} rel="next">
          {t('accesses.paging.older')}
        </Link>
      ) : null}
    </nav>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Access justifications' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
