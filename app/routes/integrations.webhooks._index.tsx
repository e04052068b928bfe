import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { DeliveryStatusBadge, EndpointStatusBadge, EventList, primaryLinkClass, textLinkClass, useWebhookDate } from '~/components/webhook-ui'
import { i18next } from '~/utils/i18next.server'
import { listEndpoints, MAX_ENDPOINTS } from '~/webhooks/endpoints.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, 'integration:manage')
  const [endpoints, t] = await Promise.all([listEndpoints(viewer), i18next.getFixedT(request, 'webhooks')])
  return { title: t('title'), endpoints, max: MAX_ENDPOINTS }
}

export default function WebhookEndpoints() {
  const { t } = useTranslation('webhooks')
  const { endpoints, max } = useLoaderData<typeof loader>()
  const date = useWebhookDate()
  return (
    <div className="space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/integrations" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.integrations')}
        </Link>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t('title')}</h1>
          <p className="mt-1 max-w-2xl text-slate-600">{t('intro')}</p>
        </div>
        {endpoints.length < max ? (
          <Link to="/integrations/webhooks/new" className={primaryLinkClass}>
            {t('list.add')}
          </Link>
        ) : null}
      </header>

      <section aria-labelledby="endpoint-list" className="space-y-3">
        <h2 id="endpoint-list" className="text-lg font-semibold">
          {t('list.heading')}
        </h2>
        {endpoints.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6">
            <p className="font-semibold text-slate-800">{t('list.emptyTitle')}</p>
            <p className="mt-1 max-w-2xl text-sm text-slate-600">{t('list.emptyBody')}</p>
            <Link to="/integrations/webhooks/new" className={`mt-4 ${primaryLinkClass}`}>
              {t('list.add')}
            </Link>
          </div>
        ) : (
          <ul className="grid gap-4 lg:grid-cols-2">
            {endpoints.map((endpoint) => (
              <li key={endpoint.id} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <h3 className="min-w-0 font-mono text-sm font-semibold break-all">
                    <Link to={`/integrations/webhooks/${endpoint.id}`} className={textLinkClass}>
                      {endpoint.url}
                    </Link>
                  </h3>
                  <EndpointStatusBadge enabled={endpoint.enabled} />
                </div>
                {endpoint.description ? <p className="text-sm text-slate-600">{endpoint.description}</p> : null}
                <dl className="space-y-2 text-sm">
                  <div>
                    <dt className="text-slate-500">{t('list.events')}</dt>
                    <dd className="mt-1">
                      <EventList events={endpoint.events} />
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">{t('list.lastDelivery')}</dt>
                    <dd className="mt-1 flex flex-wrap items-center gap-2">
                      {endpoint.lastDelivery ? (
                        <>
                          <DeliveryStatusBadge status={endpoint.lastDelivery.status} />
                          <span className="text-slate-700">
                            {t('list.lastOutcome', { event: t(`events.${endpoint.lastDelivery.event}`), at: date(endpoint.lastDelivery.at) })}
                          </span>
                        </>
                      ) : (
                        <span className="text-slate-600">{t('list.never')}</span>
                      )}
                    </dd>
                  </div>
                </dl>
                <Link to={`/integrations/webhooks/${endpoint.id}`} className={`text-sm ${textLinkClass}`}>
                  {t('list.manage')}
                </Link>
              </li>
            ))}
          </ul>
        )}
        <p className="text-xs text-slate-500">{t('list.limit', { max })}</p>
      </section>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
