import { Form, Link, NavLink, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CsrfInput } from './forms'
import { NotificationBell } from './notification-bell'
import type { OrganisationKind, OrganisationStatus, Role } from '~/domain/vocabulary'
import { can, type Permission } from '~/policy/permissions'
import { languageNames, supportedLanguages, type Language } from '~/utils/i18n'

export type ShellViewer = {
  name: string
  organisationName: string
  organisationKind: OrganisationKind
  organisationStatus: OrganisationStatus
  isOperator: boolean
  roles: Role[]
  /** Unread notifications, for the bell. */
  unreadNotifications?: number
}

type ShellToast = { kind: 'success' | 'error' | 'info'; key: string; values?: Record<string, string | number> }

const sections: { to: string; key: string; permission?: Permission }[] = [
  { to: '/tasks', key: 'nav.tasks', permission: 'task:view' },
  { to: '/initiatives', key: 'nav.initiatives', permission: 'initiative:view' },
  { to: '/indicators', key: 'nav.indicators', permission: 'indicator:view' },
  { to: '/partners', key: 'nav.partners', permission: 'partner:directory' },
  { to: '/vetting', key: 'nav.vetting', permission: 'partner:vet' },
  { to: '/people', key: 'nav.people', permission: 'user:manage' },
  { to: '/audit', key: 'nav.audit', permission: 'audit:read' },
  { to: '/dpo', key: 'nav.dpo', permission: 'dpo:view' },
  { to: '/integrations', key: 'nav.integrations', permission: 'integration:manage' },
]

export function AppShell({
  locale,
  viewer,
  toast,
  children,
}: {
  locale: Language
  viewer: ShellViewer | null
  toast: ShellToast | null
  children: React.ReactNode
}) {
  const { t } = useTranslation()
  const visible = viewer
    ? sections.filter((section) => (section.permission ? can(viewer, section.permission) : !viewer.isOperator))
    : []
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t('shell.skipToContent')}
      </a>
      <header className="border-b border-slate-200 bg-slate-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link
            to={viewer ? '/home' : '/'}
            className="text-lg font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-offset-2"
          >
            {t('app.name')}
          </Link>
          {visible.length > 0 ? (
            <nav aria-label={t('nav.label')} className="order-3 w-full lg:order-none lg:w-auto">
              <ul className="flex flex-wrap gap-1">
                {visible.map((section) => (
                  <li key={section.to}>
                    <NavLink
                      to={section.to}
                      className={({ isActive }) =>
                        `block rounded px-3 py-1.5 text-sm hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-white ${
                          isActive ? 'bg-slate-700 font-medium' : 'text-slate-200'
                        }`
                      }
                    >
                      {t(section.key)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div className="ml-auto flex flex-wrap items-center gap-3">
            <LanguageSwitcher current={locale} />
            {viewer ? <UserMenu viewer={viewer} /> : <SignInLinks />}
          </div>
        </div>
      </header>
      {toast ? (
        <div className="mx-auto w-full max-w-6xl px-4 pt-4">
          <div
            role={toast.kind === 'error' ? 'alert' : 'status'}
            className={`rounded-md border px-4 py-3 text-sm ${
              toast.kind === 'error'
                ? 'border-red-200 bg-red-50 text-red-900'
                : toast.kind === 'success'
                  ? 'border-emerald-200 bg-emerald-50 text-emerald-900'
                  : 'border-sky-200 bg-sky-50 text-sky-900'
            }`}
          >
            {t(toast.key, toast.values)}
          </div>
        </div>
      ) : null}
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 focus:outline-none">
        {children}
      </main>
      <footer className="border-t border-slate-200 bg-white">
        <div className="mx-auto max-w-6xl px-4 py-4 text-sm text-slate-600">{t('shell.footer')}</div>
      </footer>
    </div>
  )
}

function UserMenu({ viewer }: { viewer: ShellViewer }) {
  const { t } = useTranslation()
  return (
    <div className="flex items-center gap-3 text-sm">
      <NotificationBell count={viewer.unreadNotifications ?? 0} />
      <Link to="/account" className="rounded px-2 py-1 hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-white">
        <span className="block font-medium">{viewer.name}</span>
        <span className="block text-xs text-slate-300">{viewer.organisationName}</span>
      </Link>
      <Form method="post" action="/logout">
        <CsrfInput />
        <button
          type="submit"
          className="rounded border border-slate-500 px-2 py-1 text-xs hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-white"
        >
          {t('shell.signOut')}
        </button>
      </Form>
    </div>
  )
}

function SignInLinks() {
  const { t } = useTranslation()
  return (
    <div className="flex items-center gap-2 text-sm">
      <Link to="/apply" className="rounded px-2 py-1 text-slate-200 hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-white">
        {t('shell.apply')}
      </Link>
      <Link
        to="/login"
        className="rounded bg-white px-3 py-1 font-medium text-slate-900 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-white"
      >
        {t('shell.signIn')}
      </Link>
    </div>
  )
}

function LanguageSwitcher({ current }: { current: Language }) {
  const { t } = useTranslation()
  const location = useLocation()
  return (
    <Form method="post" action="/resources/locale" aria-label={t('shell.language')} className="flex gap-1">
      <CsrfInput />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      {supportedLanguages.map((language) => (
        <button
          key={language}
          type="submit"
          name="locale"
          value={language}
          lang={language}
          aria-pressed={language === current}
          className={`rounded px-2 py-1 text-xs focus-visible:outline-2 focus-visible:outline-white ${
            language === current ? 'bg-white font-semibold text-slate-900' : 'text-slate-200 hover:bg-slate-700'
          }`}
        >
          {languageNames[language]}
        </button>
      ))}
    </Form>
  )
}
