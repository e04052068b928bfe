import { data, type LinksFunction, type LoaderFunctionArgs } from '@remix-run/node'
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AppShell } from '~/components/app-shell'
import { ErrorPage } from '~/components/error-page'
import { getViewer } from '~/auth/guards.server'
import { countUnread } from '~/notifications/notifications.server'
import tailwindHref from '~/styles/tailwind.out.css'
import { csrfTokenFor } from '~/utils/csrf.server'
import { getPublicEnv } from '~/utils/env.server'
import { fallbackLanguage, isLanguage } from '~/utils/i18n'
import { i18next } from '~/utils/i18next.server'
import { useNonce } from '~/utils/nonce'
import { takeToast } from '~/utils/toast.server'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: tailwindHref },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const [locale, viewer, csrf, toast] = await Promise.all([
    i18next.getLocale(request),
    getViewer(request),
    csrfTokenFor(request),
    takeToast(request),
  ])
  const unreadNotifications = viewer ? await countUnread(viewer) : 0
  const headers = new Headers()
  if (csrf.setCookie) headers.append('Set-Cookie', csrf.setCookie)
  if (toast.setCookie) headers.append('Set-Cookie', toast.setCookie)
  return data(
    {
      locale,
      env: getPublicEnv(),
      csrfToken: csrf.token,
      toast: toast.toast,
      // Only what the shell shows and the UI twin of the policy needs; never the whole record.
      viewer: viewer
        ? {
            name: viewer.name,
            organisationName: viewer.organisationName,
            organisationKind: viewer.organisationKind,
            organisationStatus: viewer.organisationStatus,
            isOperator: viewer.isOperator,
            roles: viewer.roles,
            unreadNotifications,
          }
        : null,
    },
    { headers },
  )
}

export type RootLoader = typeof loader

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const nonce = useNonce()
  const { i18n } = useTranslation()
  const locale = isLanguage(data?.locale) ? data.locale : fallbackLanguage
  if (i18n.language !== locale) void i18n.changeLanguage(locale)
  return (
    <html lang={locale} dir="ltr" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-full bg-slate-50 text-slate-900 antialiased">
        <AppShell locale={locale} viewer={data?.viewer ?? null} toast={data?.toast ?? null}>
          {children}
        </AppShell>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  const error = useRouteError()
  return <ErrorPage error={error} />
}
