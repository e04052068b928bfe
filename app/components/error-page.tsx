import { isRouteErrorResponse, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

const knownStatuses = [400, 403, 404, 503] as const

export function ErrorPage({ error }: { error: unknown }) {
  const { t } = useTranslation()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const key = (knownStatuses as readonly number[]).includes(status) ? String(status) : '500'
  return (
    <section aria-labelledby="error-title" className="mx-auto max-w-xl py-12 text-center">
      <p className="text-sm font-semibold text-slate-500">{t('errors.code', { status })}</p>
      <h1 id="error-title" className="mt-2 text-3xl font-bold tracking-tight">
        {t(`errors.${key}.title`)}
      </h1>
      <p className="mt-4 text-slate-600">{t(`errors.${key}.body`)}</p>
      <Link
        to="/"
        className="mt-8 inline-block rounded bg-slate-900 px-4 py-2 text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2"
      >
        {t('errors.home')}
      </Link>
    </section>
  )
}
