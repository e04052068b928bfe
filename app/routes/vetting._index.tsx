import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { listApplications } from '~/partners/applications.server'
import { KindLabel, linkClass, Paging, useDate } from '~/partners/ui'
import { i18next } from '~/utils/i18next.server'

const queueQuery = z.object({
  after: z.string().max(600).optional().catch(undefined),
  before: z.string().max(600).optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'partner:vet')
  const query = queueQuery.parse(Object.fromEntries(new URL(request.url).searchParams))
  const [locale, t] = await Promise.all([i18next.getLocale(request), i18next.getFixedT(request, 'partners')])
  const queue = await listApplications({ ...query, locale })
  return { title: t('vetting.title'), paged: Boolean(query.after || query.before), ...queue }
}

function queueHref(cursor: { after?: string; before?: string } = {}) {
  const params = new URLSearchParams()
  if (cursor.after) params.set('after', cursor.after)
  if (cursor.before) params.set('before', cursor.before)
  const search = params.toString()
  return search ? `/vetting?${search}` : '/vetting'
}

export default function VettingQueue() {
  const { t } = useTranslation('partners')
  const { total, items, next, previous, paged } = useLoaderData<typeof loader>()
  const date = useDate()
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('vetting.title')}</h1>
        <p className="mt-1 max-w-2xl text-slate-600">{t('vetting.intro')}</p>
        <p className="mt-3 text-sm font-medium text-slate-800" role="status">
          {t('vetting.count', { count: total })}
        </p>
      </header>

      {items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
          {paged ? t('vetting.emptyPage') : t('vetting.empty')}
        </p>
      ) : (
        <ol className="space-y-3" aria-label={t('vetting.listLabel')}>
          {items.map((application) => (
            <li key={application.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="text-lg font-semibold">
                  <Link to={`/vetting/${application.id}`} className={linkClass}>
                    {application.legalName}
                  </Link>
                </h2>
                <p className="text-sm text-slate-600">{t('vetting.appliedOn', { date: date(application.appliedAt) })}</p>
              </div>
              <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
                <div>
                  <dt className="text-slate-500">{t('fields.kind')}</dt>
                  <dd>
                    <KindLabel kind={application.kind} />
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-500">{t('fields.country')}</dt>
                  <dd>{application.countryName}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">{t('fields.applicant')}</dt>
                  <dd className="break-words">
                    {application.applicant.name}
                    <span className="block break-all text-slate-600">{application.applicant.email}</span>
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-500">{t('fields.contact')}</dt>
                  <dd className="break-words">
                    {application.contact.name}
                    <span className="block break-all text-slate-600">{application.contact.email}</span>
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ol>
      )}
      <Paging next={next} previous={previous} paged={paged} href={queueHref} />
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
