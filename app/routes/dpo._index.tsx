import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useLocation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { ErrorPage } from '~/components/error-page'
import { TlpBadge } from '~/components/task-badges'
import { requireDpo } from '~/dpo/guards.server'
import { listUpcoming, type UpcomingList } from '~/dpo/overview.server'
import { getRetentionPolicy } from '~/dpo/retention-policy.server'
import { formatDay, formatTime, UPCOMING_WINDOW_DAYS } from '~/dpo/shared'
import { listRecentSweeps } from '~/dpo/sweep.server'
import { DpoNav, PagingLinks, PersonalFlag } from '~/dpo/ui'
import { i18next } from '~/utils/i18next.server'

const cursor = z.string().max(400).optional().catch(undefined)
/** One cursor pair per list, so that paging one list keeps the other where it was. */
const pagingQuery = z.object({ rAfter: cursor, rBefore: cursor, dAfter: cursor, dBefore: cursor })

export async function loader({ request }: LoaderFunctionArgs) {
  await requireDpo(request, 'dpo:view')
  const paging = pagingQuery.parse(Object.fromEntries(new URL(request.url).searchParams))
  const now = new Date()
  const [reviews, deletions, sweeps, policy, t] = await Promise.all([
    listUpcoming('reviews', { now, after: paging.rAfter, before: paging.rBefore }),
    listUpcoming('deletions', { now, after: paging.dAfter, before: paging.dBefore }),
    listRecentSweeps(10),
    getRetentionPolicy(),
    i18next.getFixedT(request, 'dpo'),
  ])
  return { title: t('meta.overview'), reviews, deletions, sweeps, policy }
}

type ListKind = 'reviews' | 'deletions'
const cursorParams: Record<ListKind, { after: string; before: string }> = {
  reviews: { after: 'rAfter', before: 'rBefore' },
  deletions: { after: 'dAfter', before: 'dBefore' },
}

export default function DpoOverview() {
  const { t } = useTranslation('dpo')
  const { reviews, deletions, policy } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-8">
      <header className="space-y-4">
        <h1 className="text-2xl font-bold tracking-tight">{t('overview.title')}</h1>
        <DpoNav />
        <p className="max-w-3xl text-slate-600">{t('overview.intro', { days: UPCOMING_WINDOW_DAYS })}</p>
        <p className="max-w-3xl text-sm text-slate-700">
          {t('overview.policy', {
            personalReview: policy.personalReviewMonths,
            personalDelete: policy.personalDeleteMonths,
            businessReview: policy.businessReviewMonths,
            businessDelete: policy.businessDeleteMonths,
          })}{' '}
          <Link to="/dpo/retention" className="font-medium text-slate-900 underline underline-offset-2">
            {t('overview.changePolicy')}
          </Link>
        </p>
      </header>
      <UpcomingSection kind="reviews" list={reviews} />
      <UpcomingSection kind="deletions" list={deletions} />
      <Sweeps />
    </div>
  )
}

function UpcomingSection({ kind, list }: { kind: ListKind; list: UpcomingList }) {
  const { t } = useTranslation('dpo')
  const location = useLocation()
  const headingId = `dpo-${kind}`
  const link = (cursorValue: string | null, direction: 'after' | 'before') => {
    if (!cursorValue) return null
    const params = new URLSearchParams(location.search)
    params.delete(cursorParams[kind].after)
    params.delete(cursorParams[kind].before)
    params.set(cursorParams[kind][direction], cursorValue)
    return `/dpo?${params.toString()}`
  }
  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <h2 id={headingId} className="text-lg font-semibold">
        {t(`overview.${kind}.title`)}
      </h2>
      {list.total === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">{t(`overview.${kind}.empty`, { days: UPCOMING_WINDOW_DAYS })}</p>
      ) : (
        <>
          <p className="text-sm text-slate-700" data-testid={`${kind}-count`}>
            {t(`overview.${kind}.count`, { count: list.total, days: UPCOMING_WINDOW_DAYS })}{' '}
            {list.personal > 0 ? t(`overview.${kind}.personal`, { count: list.personal }) : null}
          </p>
          <UpcomingTable kind={kind} list={list} />
          <PagingLinks
            label={t(`overview.paging.${kind}`)}
            previous={link(list.previous, 'before')}
            next={link(list.next, 'after')}
            previousText={t('overview.paging.previous')}
            nextText={t('overview.paging.next')}
          />
        </>
      )}
    </section>
  )
}

function UpcomingTable({ kind, list }: { kind: ListKind; list: UpcomingList }) {
  const { t } = useTranslation('dpo')
  const captionId = `dpo-${kind}-caption`
  const cell = 'px-3 py-2'
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-slate-700" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="min-w-[48rem] w-full divide-y divide-slate-200 text-left text-sm">
        <caption id={captionId} className="sr-only">
          {t(`overview.${kind}.caption`)}
        </caption>
        <thead className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className={cell}>
              {t('overview.table.type')}
            </th>
            <th scope="col" className={cell}>
              {t('overview.table.organisation')}
            </th>
            <th scope="col" className={cell}>
              {t('overview.table.label')}
            </th>
            <th scope="col" className={cell}>
              {t('overview.table.personal')}
            </th>
            <th scope="col" className={cell}>
              {t('overview.table.reviewBy')}
            </th>
            <th scope="col" className={cell}>
              {t('overview.table.deleteBy')}
            </th>
            <th scope="col" className={cell}>
              {t('overview.table.status')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {list.rows.map((row) => (
            <tr key={row.id} data-testid={`${kind}-row`}>
              <td className={cell}>{row.indicatorType ? t(`types.${row.indicatorType}`) : t('overview.table.unknownType')}</td>
              <td className={cell}>{row.organisation.name ?? t('overview.table.unknownOrganisation')}</td>
              <td className={cell}>{row.tlp ? <TlpBadge tlp={row.tlp} /> : t('none')}</td>
              <td className={cell}>
                <PersonalFlag personal={row.personal} />
              </td>
              <td className={`${cell} whitespace-nowrap`}>
                <time dateTime={row.reviewBy}>{formatDay(row.reviewBy)}</time>
                {kind === 'reviews' && row.late ? <span className="ml-2 text-xs font-medium text-red-800">{t('overview.table.overdue')}</span> : null}
              </td>
              <td className={`${cell} whitespace-nowrap`}>
                <time dateTime={row.deleteBy}>{formatDay(row.deleteBy)}</time>
                {kind === 'deletions' && row.late ? <span className="ml-2 text-xs font-medium text-amber-800">{t('overview.table.pending')}</span> : null}
              </td>
              <td className={cell}>{isKnownStatus(row.status) ? t(`statuses.${row.status}`) : row.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function isKnownStatus(status: string): status is 'active' | 'retracted' | 'expired' {
  return status === 'active' || status === 'retracted' || status === 'expired'
}

function Sweeps() {
  const { t } = useTranslation('dpo')
  const { sweeps } = useLoaderData<typeof loader>()
  const cell = 'px-3 py-2'
  return (
    <section aria-labelledby="dpo-sweeps" className="space-y-3">
      <h2 id="dpo-sweeps" className="text-lg font-semibold">
        {t('overview.sweeps.title')}
      </h2>
      <p className="max-w-3xl text-sm text-slate-600">{t('overview.sweeps.intro')}</p>
      {sweeps.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">{t('overview.sweeps.empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-slate-700" role="region" aria-labelledby="dpo-sweeps-caption" tabIndex={0}>
          <table className="min-w-[40rem] w-full divide-y divide-slate-200 text-left text-sm">
            <caption id="dpo-sweeps-caption" className="sr-only">
              {t('overview.sweeps.caption')}
            </caption>
            <thead className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className={cell}>
                  {t('overview.sweeps.at')}
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  {t('overview.sweeps.submissions')}
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  {t('overview.sweeps.personal')}
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  {t('overview.sweeps.indicators')}
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  {t('overview.sweeps.sightings')}
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  {t('overview.sweeps.digests')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 tabular-nums">
              {sweeps.map((sweep) => (
                <tr key={sweep.id} data-testid="sweep-row">
                  <td className={`${cell} whitespace-nowrap`}>
                    <time dateTime={sweep.at}>{formatTime(sweep.at)}</time>
                  </td>
                  <td className={`${cell} text-right`}>{sweep.submissions}</td>
                  <td className={`${cell} text-right`}>{sweep.personal}</td>
                  <td className={`${cell} text-right`}>{sweep.indicators}</td>
                  <td className={`${cell} text-right`}>{sweep.sightings}</td>
                  <td className={`${cell} text-right`}>{sweep.digests}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Data protection' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
