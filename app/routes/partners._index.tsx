import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requirePermission } from '~/auth/guards.server'
import { CountrySelect } from '~/components/country-select'
import { ErrorPage } from '~/components/error-page'
import { Button, SelectField } from '~/components/forms'
import { organisationKinds } from '~/domain/vocabulary'
import { defaultSortDirection, type DirectorySort } from '~/partners/directory'
import { listDirectory, parseDirectoryQuery } from '~/partners/directory.server'
import { buttonLinkClass, KindLabel, linkClass, Paging, StatusBadge, TextInput, useDate } from '~/partners/ui'
import { i18next } from '~/utils/i18next.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, 'partner:directory')
  const query = parseDirectoryQuery(new URL(request.url).searchParams)
  const [locale, t] = await Promise.all([i18next.getLocale(request), i18next.getFixedT(request, 'partners')])
  const directory = await listDirectory(viewer, query, locale)
  return {
    title: t('directory.title'),
    query: {
      q: query.q ?? '',
      kind: query.kind ?? '',
      country: query.country ?? '',
      status: query.status && directory.statuses.includes(query.status) ? query.status : '',
      sort: query.sort,
      dir: query.dir ?? defaultSortDirection[query.sort],
    },
    paged: Boolean(query.after || query.before),
    ...directory,
  }
}

type ListState = { q: string; kind: string; country: string; status: string; sort: DirectorySort; dir: 'asc' | 'desc' }

/** A link to the directory with some of its query changed; the page cursor is dropped unless given. */
function listHref(state: ListState, change: Partial<ListState> & { after?: string; before?: string } = {}) {
  const next = { ...state, ...change }
  const params = new URLSearchParams()
  if (next.q) params.set('q', next.q)
  if (next.kind) params.set('kind', next.kind)
  if (next.country) params.set('country', next.country)
  if (next.status) params.set('status', next.status)
  if (next.sort !== 'name') params.set('sort', next.sort)
  if (next.dir !== defaultSortDirection[next.sort]) params.set('dir', next.dir)
  if (change.after) params.set('after', change.after)
  if (change.before) params.set('before', change.before)
  const search = params.toString()
  return search ? `/partners?${search}` : '/partners'
}

export default function PartnerDirectory() {
  const { t } = useTranslation('partners')
  const { query, paged, total, items, next, previous, contactHidden } = useLoaderData<typeof loader>()
  const filtered = Boolean(query.q || query.kind || query.country || query.status)
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('directory.title')}</h1>
        <p className="mt-1 max-w-2xl text-slate-600">{t('directory.intro')}</p>
      </header>

      <Filters filtered={filtered} />

      <section aria-labelledby="directory-results" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="directory-results" className="text-lg font-semibold">
            {t('directory.results')}
          </h2>
          <p className="text-sm text-slate-700" role="status">
            {filtered ? t('directory.countFiltered', { count: total }) : t('directory.count', { count: total })}
          </p>
        </div>
        {contactHidden ? (
          <p className="rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">{t(`contactHidden.${contactHidden}`)}</p>
        ) : null}
        {items.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
            <p>{filtered || paged ? t('directory.emptyFiltered') : t('directory.empty')}</p>
            {filtered ? (
              <Link to="/partners" className={`mt-3 ${buttonLinkClass}`}>
                {t('directory.filters.clear')}
              </Link>
            ) : null}
          </div>
        ) : (
          <DirectoryTable />
        )}
        <Paging next={next} previous={previous} paged={paged} href={(cursor) => listHref(query, cursor)} />
      </section>
    </div>
  )
}

function Filters({ filtered }: { filtered: boolean }) {
  const { t } = useTranslation('partners')
  const { query, statuses, countries } = useLoaderData<typeof loader>()
  return (
    <Form
      method="get"
      role="search"
      aria-label={t('directory.filters.label')}
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_1fr] lg:items-end"
    >
      <TextInput label={t('directory.filters.search')} name="q" type="search" defaultValue={query.q} maxLength={100} />
      <SelectField
        label={t('fields.kind')}
        name="kind"
        defaultValue={query.kind}
        options={[{ value: '', label: t('directory.filters.anyKind') }, ...organisationKinds.map((kind) => ({ value: kind, label: t(`kinds.${kind}`) }))]}
      />
      <CountrySelect label={t('fields.country')} name="country" options={countries} emptyLabel={t('country.any')} defaultValue={query.country} />
      <SelectField
        label={t('fields.status')}
        name="status"
        defaultValue={query.status}
        options={[{ value: '', label: t('directory.filters.anyStatus') }, ...statuses.map((status) => ({ value: status, label: t(`statuses.${status}`) }))]}
      />
      <SelectField
        label={t('directory.filters.sort')}
        name="sort"
        defaultValue={query.sort}
        options={(['name', 'country', 'kind', 'joined'] as const).map((sort) => ({ value: sort, label: t(`directory.sorts.${sort}`) }))}
      />
      <SelectField
        label={t('directory.filters.dir')}
        name="dir"
        defaultValue={query.dir}
        options={[
          { value: 'asc', label: t('directory.filters.asc') },
          { value: 'desc', label: t('directory.filters.desc') },
        ]}
      />
      <div className="flex flex-wrap gap-2 sm:col-span-2 lg:col-span-2">
        <Button type="submit">{t('directory.filters.apply')}</Button>
        {filtered ? (
          <Link to="/partners" className={buttonLinkClass}>
            {t('directory.filters.clear')}
          </Link>
        ) : null}
      </div>
    </Form>
  )
}

function SortHeader({ sort, label }: { sort: DirectorySort; label: string }) {
  const { t } = useTranslation('partners')
  const { query } = useLoaderData<typeof loader>()
  const active = query.sort === sort
  const dir = active ? (query.dir === 'asc' ? 'desc' : 'asc') : defaultSortDirection[sort]
  return (
    <th scope="col" aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined} className="px-3 py-2 font-medium">
      <Link
        to={listHref(query, { sort, dir })}
        className="inline-flex items-center gap-1 rounded hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        aria-label={t('directory.sortBy', { column: label })}
      >
        {label}
        <span aria-hidden="true" className="text-slate-400">
          {active ? (query.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    </th>
  )
}

function DirectoryTable() {
  const { t } = useTranslation('partners')
  const { items } = useLoaderData<typeof loader>()
  const date = useDate()
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
        <caption className="sr-only">{t('directory.caption')}</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <SortHeader sort="name" label={t('fields.legalName')} />
            <SortHeader sort="kind" label={t('fields.kind')} />
            <SortHeader sort="country" label={t('fields.country')} />
            <th scope="col" className="px-3 py-2 font-medium">
              {t('fields.status')}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t('fields.contact')}
            </th>
            <SortHeader sort="joined" label={t('fields.joinedAt')} />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((organisation) => (
            <tr key={organisation.id} className="align-top">
              <th scope="row" className="px-3 py-2 font-medium">
                <Link to={`/partners/${organisation.id}`} className={linkClass}>
                  {organisation.legalName}
                </Link>
              </th>
              <td className="px-3 py-2 text-slate-700">
                <KindLabel kind={organisation.kind} />
              </td>
              <td className="px-3 py-2 text-slate-700">{organisation.countryName}</td>
              <td className="px-3 py-2">
                <StatusBadge status={organisation.status} />
              </td>
              <td className="px-3 py-2 text-slate-700">
                {organisation.contact ? (
                  <>
                    {organisation.contact.name}
                    <a href={`mailto:${organisation.contact.email}`} className={`block break-all ${linkClass}`}>
                      {organisation.contact.email}
                    </a>
                    <span className="block whitespace-nowrap">{organisation.contact.phone}</span>
                  </>
                ) : (
                  <span className="text-slate-500">{t('directory.contactWithheld')}</span>
                )}
              </td>
              <td className="px-3 py-2 whitespace-nowrap text-slate-700">{date(organisation.joinedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
