import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getAccount, signOutEverywhere } from '~/auth/account.server'
import { requireSignedIn } from '~/auth/guards.server'
import { clearSessionCookie } from '~/auth/session.server'
import { Button, CsrfInput } from '~/components/forms'
import { readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, session } = await requireSignedIn(request)
  return getAccount(viewer, session.id)
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { viewer } = await requireSignedIn(request)
  const form = await readForm(request)
  if (form.get('intent') !== 'sign-out-everywhere') throw new Response('Unknown action', { status: 400 })
  const count = await signOutEverywhere(viewer, requestMeta(request, context))
  return redirectWithToast(
    '/login',
    { kind: 'success', key: 'auth:account.signedOutEverywhere', values: { count } },
    { headers: { 'Set-Cookie': await clearSessionCookie() } },
  )
}

export default function Account() {
  const { t, i18n } = useTranslation('auth')
  const account = useLoaderData<typeof loader>()
  const when = (iso: string | null) =>
    iso ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—'
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold tracking-tight">{t('account.title')}</h1>
      <section aria-labelledby="account-profile" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="account-profile" className="text-lg font-semibold">
          {t('account.profile')}
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[12rem_1fr]">
          <dt className="text-slate-500">{t('account.name')}</dt>
          <dd>{account.name}</dd>
          <dt className="text-slate-500">{t('login.email')}</dt>
          <dd>{account.email}</dd>
          <dt className="text-slate-500">{t('account.organisation')}</dt>
          <dd>{account.organisationName}</dd>
          <dt className="text-slate-500">{t('account.roles')}</dt>
          <dd>{account.roles.map((role) => t(`common:roles.${role}`)).join(', ')}</dd>
          <dt className="text-slate-500">{t('account.mfa')}</dt>
          <dd>
            {account.mfaEnrolledAt
              ? t('account.mfaSince', { date: when(account.mfaEnrolledAt), count: account.recoveryCodesLeft })
              : '—'}
          </dd>
          <dt className="text-slate-500">{t('account.lastSignIn')}</dt>
          <dd>{when(account.lastSignInAt)}</dd>
        </dl>
        <Link to="/account/notifications" className="mt-4 inline-block text-sm font-medium underline underline-offset-2">
          {t('notifications:preferences.title')}
        </Link>
      </section>
      <section aria-labelledby="account-sessions" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="account-sessions" className="text-lg font-semibold">
          {t('account.sessions')}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{t('account.sessionsIntro')}</p>
        <div className="mt-4 overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">{t('account.started')}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t('account.lastSeen')}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t('account.address')}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t('account.browser')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {account.sessions.map((session) => (
                <tr key={session.id}>
                  <td className="py-2 pr-4">
                    {when(session.createdAt)}
                    {session.current ? (
                      <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800">{t('account.current')}</span>
                    ) : null}
                  </td>
                  <td className="py-2 pr-4">{when(session.lastSeenAt)}</td>
                  <td className="py-2 pr-4 font-mono text-xs">{session.ip ?? '—'}</td>
                  <td className="max-w-xs truncate py-2 pr-4 text-xs text-slate-600" title={session.userAgent ?? ''}>
                    {session.userAgent ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Form method="post" className="mt-4">
          <CsrfInput />
          <input type="hidden" name="intent" value="sign-out-everywhere" />
          <Button type="submit" variant="danger">
            {t('account.signOutEverywhere')}
          </Button>
        </Form>
      </section>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Your account · Payment Channel Partnership' }]
