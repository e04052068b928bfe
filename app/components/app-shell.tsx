import { Form, Link, NavLink, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { languageNames, supportedLanguages, type Language } from '~/utils/i18n'

const sections = [
  { to: '/tasks', key: 'nav.tasks' },
  { to: '/initiatives', key: 'nav.initiatives' },
  { to: '/indicators', key: 'nav.indicators' },
  { to: '/partners', key: 'nav.partners' },
] as const

export function AppShell({ locale, children }: { locale: Language; children: React.ReactNode }) {
  const { t } = useTranslation()
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
          <Link to="/" className="text-lg font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-offset-2">
            {t('app.name')}
          </Link>
          <nav aria-label={t('nav.label')} className="order-3 w-full sm:order-none sm:w-auto">
            <ul className="flex flex-wrap gap-1">
              {sections.map((section) => (
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
          <div className="ml-auto">
            <LanguageSwitcher current={locale} />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 focus:outline-none">
        {children}
      </main>
      <footer className="border-t border-slate-200 bg-white">
        <div className="mx-auto max-w-6xl px-4 py-4 text-sm text-slate-600">{t('shell.footer')}</div>
      </footer>
    </div>
  )
}

function LanguageSwitcher({ current }: { current: Language }) {
  const { t } = useTranslation()
  const location = useLocation()
  return (
    <Form method="post" action="/resources/locale" aria-label={t('shell.language')} className="flex gap-1">
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
