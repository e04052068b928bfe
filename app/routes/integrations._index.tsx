import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listApiKeys } from '~/api/keys.server'
import { requirePermission } from '~/auth/guards.server'
import { ApiKeyState, linkButton } from '~/components/api-key-ui'
import { ErrorPage } from '~/components/error-page'
import { i18next } from '~/utils/i18next.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, 'integration:manage')
  const t = await i18next.getFixedT(request, 'api')
  return { title: t('keys.title'), keys: await listApiKeys(viewer) }
}

export default function Integrations() {
  const { t, i18n } = useTranslation('api')
  const { keys } = useLoaderData<typeof loader>()
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const active = keys.filter((key) => key.state === 'active').length
  return (
    <div className="mx-auto max-w-5xl space-y-8">
      <header className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">{t('integrations.title')}</h1>
        <p className="text-slate-600">{t('integrations.intro')}</p>
        <ul className="flex flex-wrap gap-3 text-sm">
          <li>
            <Link to="/integrations/webhooks" className={linkButton}>
              {t('integrations.webhooks')}
            </Link>
          </li>
          <li>
            <Link to="/developers" className={linkButton}>
              {t('integrations.reference')}
            </Link>
          </li>
          <li>
            <Link to="/developers/guide" className={linkButton}>
              {t('integrations.guide')}
            </Link>
          </li>
        </ul>
      </header>

      <section aria-labelledby="keys-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="keys-heading" className="text-lg font-semibold">
              {t('keys.title')}
            </h2>
            <p className="text-sm text-slate-600">{t('keys.count', { count: keys.length, active })}</p>
          </div>
          <Link
            to="/integrations/keys/new"
            className="inline-flex items-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('keys.create')}
          </Link>
        </div>
        {keys.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
            <p className="font-medium">{t('keys.empty.title')}</p>
            <p className="mt-1 text-sm text-slate-600">{t('keys.empty.text')}</p>
          </div>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">{t('keys.title')}</caption>
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-3">
                    {t('keys.columns.name')}
                  </th>
                  <th scope="col" className="px-4 py-3">
                    {t('keys.columns.scopes')}
                  </th>
                  <th scope="col" className="px-4 py-3">
                    {t('keys.columns.expires')}
                  </th>
                  <th scope="col" className="px-4 py-3">
                    {t('keys.columns.lastUsed')}
                  </th>
                  <th scope="col" className="px-4 py-3">
                    {t('keys.columns.state')}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {keys.map((key) => (
                  <tr key={key.id}>
                    <td className="px-4 py-3">
                      <Link to={`/integrations/keys/${key.id}`} className="font-medium text-slate-900 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
                        {key.name}
                      </Link>
                      <div className="font-mono text-xs text-slate-500">{key.id}…</div>
                    </td>
                    <td className="px-4 py-3">
                      <ul className="flex flex-wrap gap-1">
                        {key.scopes.map((scope) => (
                          <li key={scope} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">
                            {scope}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="px-4 py-3 whitespace-nowrap">{date.format(new Date(key.expiresAt))}</td>
                    <td className="px-4 py-3 whitespace-nowrap">
                      {key.lastUsedAt ? (
                        <>
                          {dateTime.format(new Date(key.lastUsedAt))}
                          <div className="text-xs text-slate-500">{key.lastUsedIp}</div>
                        </>
                      ) : (
                        <span className="text-slate-500">{t('keys.neverUsed')}</span>
                      )}
                    </td>
                    <td className="px-4 py-3">
                      <ApiKeyState state={key.state} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
