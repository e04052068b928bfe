import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorPage } from '~/components/error-page'
import { Button } from '~/components/forms'
import {
  assignableRoles,
  listPendingInvitations,
  listPeople,
  readPeopleListQuery,
  requirePeopleManager,
  type PeopleListQuery,
  type PeopleSort,
} from '~/people/people.server'
import { peopleStatusFilters } from '~/people/schemas'
import { RoleBadges, StatusBadge, useDateTime } from '~/people/ui'
import { can } from '~/policy/permissions'
import { i18next } from '~/utils/i18next.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requirePeopleManager(request)
  const query = readPeopleListQuery(new URL(request.url))
  const [page, pending, t] = await Promise.all([
    listPeople(viewer, query),
    listPendingInvitations(viewer, query),
    i18next.getFixedT(request, 'people'),
  ])
  return {
    title: t('list.title'),
    organisationName: viewer.organisationName,
    canInvite: can(viewer, 'user:invite'),
    roles: assignableRoles(viewer),
    query: { q: query.q ?? '', role: query.role ?? '', status: query.status, sort: query.sort, dir: query.dir },
    paged: Boolean(query.after || query.before),
    page,
    invitations: pending.invitations,
    moreInvitations: pending.more,
  }
}

type ListState = Pick<PeopleListQuery, 'status' | 'sort' | 'dir'> & { q: string; role: string }

/** A link to this list with some of its query changed; the page cursor is dropped unless given. */
function listHref(state: ListState, change: Partial<ListState> & { after?: string; before?: string } = {}) {
  const next = { ...state, ...change }
  const params = new URLSearchParams()
  if (next.q) params.set('q', next.q)
  if (next.role) params.set('role', next.role)
  if (next.status !== 'all') params.set('status', next.status)
  if (next.sort !== 'name') params.set('sort', next.sort)
  if (next.dir !== 'asc') params.set('dir', next.dir)
  if (change.after) params.set('after', change.after)
  if (change.before) params.set('before', change.before)
  const search = params.toString()
  return search ? `/people?${search}` : '/people'
}

export default function PeopleList() {
  const { t } = useTranslation('people')
  const { organisationName, canInvite, roles, query, paged, page, invitations, moreInvitations } = useLoaderData<typeof loader>()
  const filtered = Boolean(query.q || query.role || query.status !== 'all')
  const showPeople = query.status !== 'invited'
  const showInvitations = query.status === 'all' || query.status === 'invited'
  return (
    <div className="space-y-8">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t('list.title')}</h1>
          <p className="mt-1 max-w-2xl text-slate-600">{t('list.intro', { organisation: organisationName })}</p>
        </div>
        {canInvite ? (
          <Link
            to="/people/invite"
            className="inline-flex items-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('list.invite')}
          </Link>
        ) : null}
      </header>

      <Filters query={query} roles={roles} filtered={filtered} />

      {showPeople ? (
        <section aria-labelledby="people-heading" className="space-y-3">
          <h2 id="people-heading" className="text-lg font-semibold">
            {t('list.peopleHeading')}
          </h2>
          {page.people.length === 0 ? (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
              {filtered || paged ? t('list.emptyFiltered') : t('list.empty')}
            </p>
          ) : (
            <PeopleTable query={query} people={page.people} />
          )}
          <Paging query={query} next={page.next} previous={page.previous} paged={paged} />
        </section>
      ) : null}

      {showInvitations ? <Invitations invitations={invitations} more={moreInvitations} filtered={filtered} /> : null}
    </div>
  )
}

function Filters({ query, roles, filtered }: { query: ListState; roles: string[]; filtered: boolean }) {
  const { t } = useTranslation('people')
  const inputClass =
    'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500'
  return (
    <Form method="get" role="search" aria-label={t('list.filters.label')} className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-end">
      <div>
        <label htmlFor="people-q" className="block text-sm font-medium text-slate-800">
          {t('list.filters.search')}
        </label>
        <input id="people-q" type="search" name="q" defaultValue={query.q} maxLength={100} className={inputClass} />
      </div>
      <div>
        <label htmlFor="people-role" className="block text-sm font-medium text-slate-800">
          {t('list.filters.role')}
        </label>
        <select id="people-role" name="role" defaultValue={query.role} className={inputClass}>
          <option value="">{t('list.filters.anyRole')}</option>
          {roles.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="people-status" className="block text-sm font-medium text-slate-800">
          {t('list.filters.status')}
        </label>
        <select id="people-status" name="status" defaultValue={query.status} className={inputClass}>
          {peopleStatusFilters.map((status) => (
            <option key={status} value={status}>
              {t(`list.filters.statuses.${status}`)}
            </option>
          ))}
        </select>
      </div>
      {query.sort !== 'name' ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.dir !== 'asc' ? <input type="hidden" name="dir" value={query.dir} /> : null}
      <div className="flex gap-2">
        <Button type="submit">{t('list.filters.apply')}</Button>
        {filtered ? (
          <Link
            to={listHref({ ...query, q: '', role: '', status: 'all' })}
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('list.filters.clear')}
          </Link>
        ) : null}
      </div>
    </Form>
  )
}

function SortHeader({ query, sort, label }: { query: ListState; sort: PeopleSort; label: string }) {
  const { t } = useTranslation('people')
  const active = query.sort === sort
  const firstDir = sort === 'lastSignIn' || sort === 'created' ? 'desc' : 'asc'
  const dir = active ? (query.dir === 'asc' ? 'desc' : 'asc') : firstDir
  return (
    <th scope="col" aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined} className="px-3 py-2 font-medium">
      <Link
        to={listHref(query, { sort, dir })}
        className="inline-flex items-center gap-1 rounded hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        aria-label={t('list.sortBy', { column: label })}
      >
        {label}
        <span aria-hidden="true" className="text-slate-400">
          {active ? (query.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    </th>
  )
}

function PeopleTable({ query, people }: { query: ListState; people: ReturnType<typeof useLoaderData<typeof loader>>['page']['people'] }) {
  const { t } = useTranslation('people')
  const when = useDateTime()
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
        <caption className="sr-only">{t('list.caption')}</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <SortHeader query={query} sort="name" label={t('list.columns.name')} />
            <SortHeader query={query} sort="email" label={t('list.columns.email')} />
            <th scope="col" className="px-3 py-2 font-medium">
              {t('list.columns.roles')}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t('list.columns.status')}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t('list.columns.mfa')}
            </th>
            <SortHeader query={query} sort="lastSignIn" label={t('list.columns.lastSignIn')} />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {people.map((person) => (
            <tr key={person.id} className="align-top">
              <th scope="row" className="px-3 py-2 font-medium">
                <Link
                  to={`/people/${person.id}`}
                  className="text-slate-900 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
                >
                  {person.name}
                </Link>
              </th>
              <td className="px-3 py-2 break-all text-slate-700">{person.email}</td>
              <td className="px-3 py-2">
                <RoleBadges roles={person.roles} />
              </td>
              <td className="px-3 py-2">
                <StatusBadge status={person.status} />
              </td>
              <td className="px-3 py-2">{person.mfaEnrolled ? t('list.mfaEnrolled') : <span className="text-amber-800">{t('list.mfaMissing')}</span>}</td>
              <td className="px-3 py-2 whitespace-nowrap text-slate-700">{when(person.lastSignInAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Paging({ query, next, previous, paged }: { query: ListState; next: string | null; previous: string | null; paged: boolean }) {
  const { t } = useTranslation('people')
  if (!next && !previous && !paged) return null
  const linkClass =
    'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
  return (
    <nav aria-label={t('list.paging.label')} className="flex flex-wrap gap-2">
      {paged ? (
        <Link to={listHref(query)} className={linkClass}>
          {t('list.paging.first')}
        </Link>
      ) : null}
      {previous ? (
        <Link to={listHref(query, { before: previous })} rel="prev" className={linkClass}>
          {t('list.paging.previous')}
        </Link>
      ) : null}
      {next ? (
        <Link to={listHref(query, { after: next })} rel="next" className={linkClass}>
          {t('list.paging.next')}
        </Link>
      ) : null}
    </nav>
  )
}

function Invitations({
  invitations,
  more,
  filtered,
}: {
  invitations: ReturnType<typeof useLoaderData<typeof loader>>['invitations']
  more: boolean
  filtered: boolean
}) {
  const { t } = useTranslation('people')
  const when = useDateTime()
  return (
    <section aria-labelledby="invitations-heading" className="space-y-3">
      <div>
        <h2 id="invitations-heading" className="text-lg font-semibold">
          {t('invitations.heading')}
        </h2>
        <p className="text-sm text-slate-600">{t('invitations.intro')}</p>
      </div>
      {invitations.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
          {filtered ? t('invitations.emptyFiltered') : t('invitations.empty')}
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
            <caption className="sr-only">{t('invitations.caption')}</caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('invitations.columns.name')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('invitations.columns.email')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('invitations.columns.roles')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('invitations.columns.invitedBy')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('invitations.columns.expires')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  <span className="sr-only">{t('invitations.columns.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {invitations.map((invitation) => (
                <tr key={invitation.id} className="align-top">
                  <th scope="row" className="px-3 py-2 font-medium">
                    {invitation.name}
                  </th>
                  <td className="px-3 py-2 break-all text-slate-700">{invitation.email}</td>
                  <td className="px-3 py-2">
                    <RoleBadges roles={invitation.roles} />
                  </td>
                  <td className="px-3 py-2 text-slate-700">{invitation.invitedBy ?? t('invitations.unknownInviter')}</td>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-700">{when(invitation.expiresAt)}</td>
                  <td className="px-3 py-2 text-right">
                    <Link
                      to={`/people/invitations/${invitation.id}`}
                      className="text-sm font-medium text-red-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700"
                      aria-label={t('invitations.revokeFor', { email: invitation.email })}
                    >
                      {t('invitations.revoke')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? <p className="text-sm text-slate-600">{t('invitations.more', { count: invitations.length })}</p> : null}
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
