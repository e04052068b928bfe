import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, useErrorText } from '~/components/forms'
import { emailPreferencesInput, getEmailPreferences, saveEmailPreferences } from '~/notifications/preferences.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  const [preferences, t] = await Promise.all([getEmailPreferences(viewer), i18next.getFixedT(request, 'notifications')])
  return { title: t('meta.preferences'), email: viewer.email, preferences }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request)
  const parsed = parseForm(emailPreferencesInput, await readForm(request))
  if (!parsed.ok) return data({ errors: parsed.errors }, { status: 400 })
  await saveEmailPreferences(viewer, parsed.value.email, requestMeta(request, context))
  return redirectWithToast('/account/notifications', { kind: 'success', key: 'notifications:toast.preferencesSaved' })
}

export default function NotificationPreferences() {
  const { t } = useTranslation('notifications')
  const { email, preferences } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errorText = useErrorText()
  const errors = actionData?.errors ? Object.values(actionData.errors).flat() : []
  return (
    <div className="max-w-3xl space-y-6">
      <nav className="flex flex-wrap gap-4 text-sm">
        <Link to="/notifications" className="text-slate-700 underline underline-offset-2 hover:text-slate-900">
          {t('preferences.back')}
        </Link>
        <Link to="/account" className="text-slate-700 underline underline-offset-2 hover:text-slate-900">
          {t('preferences.account')}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('preferences.title')}</h1>
        <p className="mt-1 text-slate-600">{t('preferences.intro', { email })}</p>
      </header>
      {errors.length > 0 ? <Alert>{[...new Set(errors)].map(errorText).join(' ')}</Alert> : null}
      {preferences.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">{t('preferences.none')}</p>
      ) : (
        <Form method="post" className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <CsrfInput />
          <fieldset>
            <legend className="text-lg font-semibold">{t('preferences.legend')}</legend>
            <ul className="mt-4 divide-y divide-slate-100">
              {preferences.map((preference) => {
                const id = `email-${preference.event}`
                return (
                  <li key={preference.event} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start sm:justify-between">
                    <div className="flex items-start gap-3">
                      <input
                        id={id}
                        type="checkbox"
                        name="email"
                        value={preference.event}
                        defaultChecked={preference.email}
                        aria-describedby={`${id}-hint`}
                        className="mt-1 h-4 w-4 rounded border-slate-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
                      />
                      <div>
                        <label htmlFor={id} className="font-medium text-slate-900">
                          {t(`events.${preference.event}`)}
                        </label>
                        <p id={`${id}-hint`} className="text-sm text-slate-600">
                          {t(`preferences.descriptions.${preference.event}`)}
                        </p>
                      </div>
                    </div>
                    <span className="shrink-0 text-xs text-slate-500 sm:pt-1">{t('preferences.inApp')}</span>
                  </li>
                )
              })}
            </ul>
          </fieldset>
          <Button type="submit">{t('common:forms.save')}</Button>
        </Form>
      )}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
