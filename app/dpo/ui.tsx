import { Link, NavLink } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/** The DPO's pages, as tabs under one heading. */
export function DpoNav() {
  const { t } = useTranslation('dpo')
  const tabs = [
    { to: '/dpo', key: 'nav.overview', end: true },
    { to: '/dpo/retention', key: 'nav.retention', end: false },
    { to: '/dpo/accesses', key: 'nav.accesses', end: false },
  ]
  return (
    <nav aria-label={t('nav.label')} className="border-b border-slate-200">
      <ul className="-mb-px flex flex-wrap gap-x-4">
        {tabs.map((tab) => (
          <li key={tab.to}>
            <NavLink
              to={tab.to}
              end={tab.end}
              className={({ isActive }) =>
                `inline-block border-b-2 px-1 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700 ${
                  isActive ? 'border-slate-900 text-slate-900' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900'
                }`
              }
            >
              {t(tab.key)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  )
}

export function PersonalFlag({ personal }: { personal: boolean }) {
  const { t } = useTranslation('dpo')
  return personal ? (
    <span className="inline-block rounded-full bg-violet-50 px-2 py-0.5 text-xs font-medium text-violet-900 ring-1 ring-violet-200">{t('yes')}</span>
  ) : (
    <span className="text-slate-600">{t('no')}</span>
  )
}

export const pagingLinkStyle =
  'inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

export function PagingLinks({ label, previous, next, previousText, nextText }: { label: string; previous: string | null; next: string | null; previousText: string; nextText: string }) {
  if (!previous && !next) return null
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-2">
      <div>
        {previous ? (
          <Link to={previous} className={pagingLinkStyle} rel="prev" preventScrollReset>
            {previousText}
          </Link>
        ) : null}
      </div>
      <div>
        {next ? (
          <Link to={next} className={pagingLinkStyle} rel="next" preventScrollReset>
            {nextText}
          </Link>
        ) : null}
      </div>
    </nav>
  )
}
