import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Await, Form, Link, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import { AUDIT_EXPORT_LIMIT, auditOutcomes, isKnownAuditAction, isKnownTargetKind, type AuditOutcome } from '~/audit/actions'
import { auditFilterQuery, parseAuditCursor, parseAuditFilter } from '~/audit/audit-filter'
import { auditFilterChoices, listAuditEvents, type AuditEventRow } from '~/audit/audit-log.server'
import { verifyAuditChain, type ChainReport } from '~/audit/audit.server'
import { detailEntries, formatAuditTime, summariseUserAgent } from '~/audit/format'
import { requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, Field, SelectField } from '~/components/forms'
import { i18next } from '~/utils/i18next.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'audit:read')
  const url = new URL(request.url)
  const { filter, values, errors } = parseAuditFilter(url.searchParams)
  const cursor = parseAuditCursor(url.searchParams)
  const [page, choices, t] = await Promise.all([
    listAuditEvents(filter, cursor),
    auditFilterChoices(),
    i18next.getFixedT(request, 'audit'),
  ])
  return {
    title: t('meta.title'),
    values,
    errors,
    /** The applied filters as a query string, for paging and export links. */
    query: auditFilterQuery(filter),
    filtered: Object.keys(filter).length > 0,
    paged: Boolean(cursor.after || cursor.before),
    ...page,
    choices,
    // Streamed: the table shows at once while the whole chain is re-hashed.
    chain: verifyAuditChain(),
  }
}

export default function AuditLog() {
  const { t } = useTranslation('audit')
  const data = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('title')}</h1>
        <p className="mt-2 max-w-3xl text-slate-600">{t('intro')}</p>
      </header>
      <ChainStatus chain={data.chain} />
      <Filters />
      <section aria-labelledby="audit-results" className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <h2 id="audit-results" className="text-lg font-semibold" aria-live="polite">
            {data.filtered ? t('results.matching', { count: data.total }) : t('results.total', { count: data.total })}
          </h2>
        </div>
        {data.events.length > 0 ? <EventTable events={data.events} /> : <EmptyState />}
        <Paging />
        {data.total > 0 ? <ExportForm /> : null}
      </section>
    </div>
  )
}

function ChainStatus({ chain }: { chain: Promise<ChainReport> }) {
  const { t } = useTranslation('audit')
  return (
    <section aria-labelledby="audit-chain" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="audit-chain" className="text-sm font-semibold uppercase tracking-wide text-slate-500">
        {t('chain.title')}
      </h2>
      <Suspense fallback={<p className="mt-2 text-slate-600">{t('chain.checking')}</p>}>
        <Await resolve={chain} errorElement={<p className="mt-2 text-amber-800">{t('chain.failed')}</p>}>
          {(report) => <ChainReportView report={report} />}
        </Await>
      </Suspense>
    </section>
  )
}

function ChainReportView({ report }: { report: ChainReport }) {
  const { t } = useTranslation('audit')
  if (report.ok) {
    return (
      <p className="mt-2 flex items-center gap-2 font-medium text-emerald-800" role="status" data-testid="chain-status">
        <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full bg-emerald-600" />
        {t('chain.intact', { count: report.checked })}
      </p>
    )
  }
  const { seq, id, reason } = report.brokenAt
  return (
    <div role="alert" className="mt-2 rounded-md border-2 border-red-600 bg-red-50 p-4 text-red-900" data-testid="chain-status">
      <p className="text-lg font-bold">{t('chain.broken', { seq })}</p>
      <p className="mt-1">{t(`chain.reasons.${reason}`)}</p>
      {report.checked > 0 ? <p className="mt-1 text-sm">{t('chain.verifiedBefore', { count: report.checked })}</p> : null}
      <p className="mt-1 font-mono text-xs break-all">{t('chain.eventId', { id })}</p>
      <Link
        to={`/audit?after=${seq + 1}`}
        className="mt-3 inline-block rounded text-sm font-medium text-red-900 underline focus-visible:outline-2 focus-visible:outline-red-700"
      >
        {t('chain.showEvent', { seq })}
      </Link>
    </div>
  )
}

function useActionLabel() {
  const { t } = useTranslation('audit')
  return (action: string) => (isKnownAuditAction(action) ? t(`actions.${action}`) : action)
}

function Filters() {
  const { t } = useTranslation('audit')
  const { values, errors, choices } = useLoaderData<typeof loader>()
  const navigation = useNavigation()
  const actionLabel = useActionLabel()
  const actionOptions = [
    { value: '', label: t('filters.actionAll') },
    ...choices.actions
      .map((action) => ({ value: action, label: isKnownAuditAction(action) ? actionLabel(action) : action }))
      .sort((a, b) => a.label.localeCompare(b.label)),
  ]
  const hasErrors = Object.keys(errors).length > 0
  return (
    <section aria-labelledby="audit-filters" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="audit-filters" className="text-lg font-semibold">
        {t('filters.title')}
      </h2>
      {hasErrors ? (
        <div className="mt-3">
          <Alert>{t('filters.invalid')}</Alert>
        </div>
      ) : null}
      <Form method="get" action="/audit" className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <SelectField
          label={t('filters.action')}
          name="action"
          defaultValue={values.action}
          options={actionOptions}
          errors={errors.action}
        />
        <Field
          label={t('filters.prefix')}
          name="prefix"
          defaultValue={values.prefix}
          hint={t('filters.prefixHint')}
          maxLength={100}
          errors={errors.prefix}
        />
        <SelectField
          label={t('filters.outcome')}
          name="outcome"
          defaultValue={values.outcome}
          errors={errors.outcome}
          options={[
            { value: '', label: t('filters.outcomeAll') },
            ...auditOutcomes.map((outcome) => ({ value: outcome, label: t(`outcomes.${outcome}`) })),
          ]}
        />
        <SelectField
          label={t('filters.organisation')}
          name="organisation"
          defaultValue={values.organisation}
          errors={errors.organisation}
          options={[
            { value: '', label: t('filters.organisationAll') },
            { value: 'none', label: t('filters.organisationNone') },
            ...choices.organisations.map((organisation) => ({ value: organisation.id, label: organisation.name })),
          ]}
        />
        <Field label={t('filters.from')} name="from" type="date" defaultValue={values.from} errors={errors.from} />
        <Field label={t('filters.to')} name="to" type="date" defaultValue={values.to} errors={errors.to} />
        <Field
          label={t('filters.actor')}
          name="actor"
          defaultValue={values.actor}
          hint={t('filters.actorHint')}
          maxLength={100}
          errors={errors.actor}
        />
        <div className="flex items-end gap-2">
          <Button type="submit" disabled={navigation.state === 'loading'}>
            {t('filters.apply')}
          </Button>
          <Link
            to="/audit"
            className="inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('filters.clear')}
          </Link>
        </div>
      </Form>
    </section>
  )
}

const outcomeStyles: Record<AuditOutcome, string> = {
  success: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30',
  failure: 'bg-amber-100 text-amber-900 ring-amber-600/30',
  denied: 'bg-red-100 text-red-900 ring-red-600/30',
}

function OutcomeBadge({ outcome }: { outcome: AuditOutcome }) {
  const { t } = useTranslation('audit')
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${outcomeStyles[outcome]}`}>
      {t(`outcomes.${outcome}`)}
    </span>
  )
}

function EventTable({ events }: { events: AuditEventRow[] }) {
  const { t } = useTranslation('audit')
  const actionLabel = useActionLabel()
  return (
    <div
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-slate-700"
      role="region"
      aria-labelledby="audit-table-caption"
      tabIndex={0}
    >
      <table className="min-w-[72rem] divide-y divide-slate-200 text-left text-sm">
        <caption id="audit-table-caption" className="sr-only">
          {t('table.caption')}
        </caption>
        <thead className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">
              {t('table.time')}
            </th>
            <th scope="col" className="px-3 py-2">
              {t('table.actor')}
            </th>
            <th scope="col" className="px-3 py-2">
              {t('table.action')}
            </th>
            <th scope="col" className="px-3 py-2">
              {t('table.target')}
            </th>
            <th scope="col" className="px-3 py-2">
              {t('table.outcome')}
            </th>
            <th scope="col" className="px-3 py-2">
              {t('table.ip')}
            </th>
            <th scope="col" className="px-3 py-2">
              {t('table.userAgent')}
            </th>
            <th scope="col" className="px-3 py-2">
              {t('table.details')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {events.map((event) => (
            <tr key={event.id} data-seq={event.seq}>
              <td className="whitespace-nowrap px-3 py-2">
                <span className="block font-mono text-xs text-slate-500">{t('table.seq', { seq: event.seq })}</span>
                <time dateTime={event.at}>{formatAuditTime(event.at)}</time>
              </td>
              <td className="px-3 py-2">
                <span className="block font-medium break-all">{event.actor.label ?? t('table.anonymous')}</span>
                <span className="block text-xs text-slate-600">
                  {event.actor.organisationName ??
                    (event.actor.organisationId ? t('table.unknownOrganisation') : t('table.noOrganisation'))}
                </span>
              </td>
              <td className="px-3 py-2">
                {isKnownAuditAction(event.action) ? (
                  <span title={event.action}>{actionLabel(event.action)}</span>
                ) : (
                  <>
                    <code className="font-mono text-xs break-all">{event.action}</code>
                    <span className="block text-xs text-slate-500">{t('table.unknownAction')}</span>
                  </>
                )}
              </td>
              <td className="px-3 py-2">
                {event.target ? (
                  <>
                    <span className="block text-xs text-slate-600">
                      {isKnownTargetKind(event.target.kind) ? t(`targets.${event.target.kind}`) : event.target.kind}
                    </span>
                    <span className="block break-all">{event.target.name ?? event.target.id}</span>
                  </>
                ) : (
                  <span className="text-slate-400">{t('table.none')}</span>
                )}
              </td>
              <td className="px-3 py-2">
                <OutcomeBadge outcome={event.outcome} />
              </td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{event.ip ?? t('table.none')}</td>
              <td className="px-3 py-2 text-xs" title={event.userAgent ?? undefined}>
                {event.userAgent ? summariseUserAgent(event.userAgent) : t('table.none')}
              </td>
              <td className="px-3 py-2">
                <Details details={event.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Details({ details }: { details: Record<string, unknown> }) {
  const { t } = useTranslation('audit')
  const entries = detailEntries(details)
  if (entries.length === 0) return <span className="text-slate-400">{t('table.none')}</span>
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="font-medium text-slate-600">{t('table.detailKey', { key })}</dt>
          <dd className="break-all">{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function EmptyState() {
  const { t } = useTranslation('audit')
  const { filtered, paged, query } = useLoaderData<typeof loader>()
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
      <p>{paged ? t('empty.page') : filtered ? t('empty.filtered') : t('empty.none')}</p>
      {paged ? (
        <Link to={`/audit${query ? `?${query}` : ''}`} className="mt-3 inline-block font-medium text-slate-900 underline">
          {t('paging.newest')}
        </Link>
      ) : filtered ? (
        <Link to="/audit" className="mt-3 inline-block font-medium text-slate-900 underline">
          {t('empty.clear')}
        </Link>
      ) : null}
    </div>
  )
}

function Paging() {
  const { t } = useTranslation('audit')
  const { olderAfter, newerBefore, query, paged } = useLoaderData<typeof loader>()
  if (olderAfter === null && newerBefore === null && !paged) return null
  const link = (extra: Record<string, number>) => `/audit?${auditQueryWith(query, extra)}`
  const style =
    'inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
  return (
    <nav aria-label={t('paging.label')} className="flex flex-wrap items-center justify-between gap-2">
      <div className="flex gap-2">
        {paged ? (
          <Link to={`/audit${query ? `?${query}` : ''}`} className={style}>
            {t('paging.newest')}
          </Link>
        ) : null}
        {newerBefore !== null ? (
          <Link to={link({ before: newerBefore })} className={style} rel="prev">
            {t('paging.newer')}
          </Link>
        ) : null}
      </div>
      {olderAfter !== null ? (
        <Link to={link({ after: olderAfter })} className={style} rel="next">
          {t('paging.older')}
        </Link>
      ) : null}
    </nav>
  )
}

function auditQueryWith(query: string, extra: Record<string, number>) {
  const params = new URLSearchParams(query)
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value))
  return params.toString()
}

function ExportForm() {
  const { t, i18n } = useTranslation('audit')
  const { query, total } = useLoaderData<typeof loader>()
  const limit = new Intl.NumberFormat(i18n.language).format(AUDIT_EXPORT_LIMIT)
  return (
    <section aria-labelledby="audit-export" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="audit-export" className="text-lg font-semibold">
        {t('export.title')}
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {t('export.intro', { count: Math.min(total, AUDIT_EXPORT_LIMIT), limit })}
      </p>
      {/* A plain document submission, so that the browser saves the file. */}
      <Form
        reloadDocument
        method="post"
        action={`/audit/export${query ? `?${query}` : ''}`}
        className="mt-3 flex flex-col gap-3 sm:flex-row sm:items-end"
      >
        <CsrfInput />
        <Field
          label={t('export.purpose')}
          name="purpose"
          hint={t('export.purposeHint')}
          required
          minLength={5}
          maxLength={500}
          className="flex-1"
        />
        <Button type="submit" variant="secondary" className="sm:mb-6">
          {t('export.submit')}
        </Button>
      </Form>
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Audit log' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
