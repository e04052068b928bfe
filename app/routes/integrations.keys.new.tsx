import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { apiKeyInput, createApiKey, keyLifetimes } from '~/api/keys.server'
import { requirePermission } from '~/auth/guards.server'
import { linkButton, scopeKey } from '~/components/api-key-ui'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, Field, SelectField, useErrorText } from '~/components/forms'
import { apiScopes } from '~/domain/vocabulary'
import { publicUrl } from '~/utils/env.server'
import { formValues, parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'

const defaultScopes = ['tasks:read', 'tasks:write', 'reports:write', 'initiatives:read']

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'integration:manage')
  const t = await i18next.getFixedT(request, 'api')
  return { title: t('create.title'), apiBase: `${publicUrl()}/api/v1`, scopes: [...apiScopes], lifetimes: [...keyLifetimes], defaults: { name: '', scopes: defaultScopes, expiresInDays: '90' } }
}

type Values = { name: string; scopes: string[]; expiresInDays: string }

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'integration:manage')
  const form = await readForm(request)
  const raw = formValues(form)
  const values: Values = {
    name: typeof raw.name === 'string' ? raw.name : '',
    scopes: Array.isArray(raw.scopes) ? raw.scopes : typeof raw.scopes === 'string' ? [raw.scopes] : [],
    expiresInDays: typeof raw.expiresInDays === 'string' ? raw.expiresInDays : '',
  }
  const parsed = parseForm(apiKeyInput, form)
  if (!parsed.ok) return data({ created: null, errors: parsed.errors, values }, { status: 400 })
  const created = await createApiKey(viewer, parsed.value, requestMeta(request, context))
  // The key is shown on this answer only: never stored in clear, never put in a URL or a cookie.
  return data({ created: { ...created, name: parsed.value.name }, errors: {} as FieldErrors, values }, { headers: { 'Cache-Control': 'no-store' } })
}

export default function NewApiKey() {
  const { t } = useTranslation('api')
  const loaded = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const errorText = useErrorText()
  const scopesId = useId()

  if (result?.created) {
    return (
      <div className="mx-auto max-w-2xl space-y-6">
        <h1 className="text-2xl font-bold tracking-tight">{t('create.doneTitle', { name: result.created.name })}</h1>
        <Alert tone="success">{t('create.showOnce')}</Alert>
        <div>
          <label htmlFor="new-key" className="block text-sm font-medium text-slate-800">
            {t('create.yourKey')}
          </label>
          <input
            id="new-key"
            readOnly
            value={result.created.secret}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm"
            onFocus={(event) => event.currentTarget.select()}
            data-testid="new-api-key"
          />
          <p className="mt-2 text-sm text-slate-600">{t('create.howToUse')}</p>
          <pre className="mt-2 overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
            <code>{`curl -H "Authorization: Bearer ${result.created.secret}" \\\n  ${loaded.apiBase}/tasks`}</code>
          </pre>
        </div>
        <div className="flex flex-wrap gap-3">
          <Link to="/integrations" className={linkButton}>
            {t('create.backToKeys')}
          </Link>
          <Link to={`/integrations/keys/${result.created.id}`} className={linkButton}>
            {t('create.viewKey')}
          </Link>
        </div>
      </div>
    )
  }

  const shown = result?.values ?? loaded.defaults
  const errors: FieldErrors = result?.errors ?? {}
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <nav aria-label={t('breadcrumb')}>
        <Link to="/integrations" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('create.back')}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('create.title')}</h1>
        <p className="mt-1 text-slate-600">{t('create.intro')}</p>
      </header>
      {Object.keys(errors).length > 0 ? <Alert>{t('create.fixErrors')}</Alert> : null}
      <Form method="post" className="space-y-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <CsrfInput />
        <Field label={t('create.name')} hint={t('create.nameHint')} name="name" defaultValue={shown.name} errors={errors.name} required maxLength={80} />
        <fieldset aria-describedby={errors.scopes ? `${scopesId}-error` : undefined}>
          <legend className="text-sm font-medium text-slate-800">{t('create.scopes')}</legend>
          <p className="text-xs text-slate-500">{t('create.scopesHint')}</p>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {loaded.scopes.map((scope) => (
              <label key={scope} className="flex items-start gap-2 rounded-md border border-slate-200 p-2 text-sm">
                <input type="checkbox" name="scopes" value={scope} defaultChecked={shown.scopes.includes(scope)} className="mt-0.5" />
                <span>
                  <span className="font-mono text-xs">{scope}</span>
                  <span className="block text-slate-600">{t(scopeKey(scope))}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.scopes ? (
            <p id={`${scopesId}-error`} className="mt-1 text-sm text-red-700">
              {errors.scopes.map(errorText).join(' ')}
            </p>
          ) : null}
        </fieldset>
        <SelectField
          label={t('create.expiry')}
          name="expiresInDays"
          defaultValue={shown.expiresInDays}
          errors={errors.expiresInDays}
          options={loaded.lifetimes.map((days) => ({ value: String(days), label: t('create.days', { count: days }) }))}
        />
        <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
          <Button type="submit" disabled={submitting}>
            {t('create.submit')}
          </Button>
          <Link to="/integrations" className={linkButton}>
            {t('common:forms.cancel')}
          </Link>
        </div>
      </Form>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
