import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getOwnOrganisationSummary } from '~/auth/account.server'
import { requireViewer } from '~/auth/guards.server'
import { can, isCentre, type Permission } from '~/policy/permissions'

const shortcuts: { to: string; key: string; permission?: Permission; centreOnly?: boolean; partnerOnly?: boolean }[] = [
  { to: '/tasks', key: 'tasks' },
  { to: '/initiatives', key: 'initiatives' },
  { to: '/indicators', key: 'indicators' },
  { to: '/partners', key: 'partners', permission: 'partner:directory' },
  { to: '/vetting', key: 'vetting', permission: 'partner:vet' },
  { to: '/people', key: 'people', permission: 'user:manage' },
  { to: '/audit', key: 'audit', permission: 'audit:read' },
  { to: '/account', key: 'account' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  const organisation = await getOwnOrganisationSummary(viewer)
  const links = shortcuts
    .filter((s) => (s.permission ? can(viewer, s.permission) : s.key === 'account' || !viewer.isOperator))
    .map((s) => ({ to: s.to, key: s.key }))
  return {
    name: viewer.name,
    organisationName: viewer.organisationName,
    organisationKind: viewer.organisationKind,
    organisationStatus: viewer.organisationStatus,
    probationEndsAt: organisation.probationEndsAt,
    roles: viewer.roles,
    audience: viewer.isOperator ? 'operator' : isCentre(viewer) ? 'centre' : 'partner',
    links,
  }
}

export default function Home() {
  const { t, i18n } = useTranslation('auth')
  const home = useLoaderData<typeof loader>()
  return (
    <div className="space-y-8">
      <section aria-labelledby="home-title">
        <p className="text-sm font-medium text-slate-500">{home.organisationName}</p>
        <h1 id="home-title" className="mt-1 text-3xl font-bold tracking-tight">
          {t('home.welcome', { name: home.name })}
        </h1>
        <p className="mt-2 max-w-3xl text-slate-700">{t(`home.intro.${home.audience}`)}</p>
        <p className="mt-2 text-sm text-slate-600">
          {t('home.roles', { roles: home.roles.map((role) => t(`common:roles.${role}`)).join(', ') })}
        </p>
      </section>
      {home.probationEndsAt ? (
        <div role="status" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {t('home.probation', {
            date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(home.probationEndsAt)),
          })}
        </div>
      ) : null}
      <nav aria-label={t('home.shortcuts')}>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {home.links.map((link) => (
            <li key={link.to}>
              <Link
                to={link.to}
                className="block h-full rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-slate-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
              >
                <span className="block font-semibold">{t(`home.links.${link.key}.title`)}</span>
                <span className="mt-1 block text-sm text-slate-600">{t(`home.links.${link.key}.body`)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Home · Payment Channel Partnership' }]
