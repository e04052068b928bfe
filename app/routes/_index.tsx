import type { MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getPartnershipOverview } from '~/partners/organisations.server'
import { publicCount } from '~/utils/public-count'

export async function loader() {
  const overview = await getPartnershipOverview()
  return {
    centres: publicCount(overview.centres),
    partners: publicCount(overview.partners),
    countries: publicCount(overview.countries),
  }
}

export default function Landing() {
  const { t } = useTranslation()
  const figures = useLoaderData<typeof loader>()
  const stats = [
    { label: t('landing.stats.centres'), value: figures.centres },
    { label: t('landing.stats.partners'), value: figures.partners },
    { label: t('landing.stats.countries'), value: figures.countries },
  ]
  return (
    <div className="space-y-10">
      <section aria-labelledby="landing-title" className="max-w-3xl">
        <h1 id="landing-title" className="text-3xl font-bold tracking-tight sm:text-4xl">
          {t('landing.title')}
        </h1>
        <p className="mt-4 text-lg text-slate-700">{t('landing.intro')}</p>
      </section>
      <section aria-labelledby="landing-stats">
        <h2 id="landing-stats" className="text-sm font-semibold uppercase tracking-wide text-slate-500">
          {t('landing.stats.title')}
        </h2>
        <dl className="mt-3 grid gap-4 sm:grid-cols-3">
          {stats.map((stat) => (
            <div key={stat.label} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <dt className="text-sm text-slate-600">{stat.label}</dt>
              <dd className="mt-1 text-3xl font-semibold" data-testid="stat-value">
                {stat.value}
              </dd>
            </div>
          ))}
        </dl>
        <p className="mt-3 text-xs text-slate-500">{t('landing.stats.note')}</p>
        <p className="mt-3 text-sm">
          <Link
            to="/statistics"
            className="font-medium text-slate-900 underline underline-offset-2 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('reports:statistics.landingLink')}
          </Link>
        </p>
      </section>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Payment Channel Partnership Portal' }]
