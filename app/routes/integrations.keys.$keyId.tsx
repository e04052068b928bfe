import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { getApiKey, revokeApiKey } from '~/api/keys.server'
import { notFound, requirePermission } from '~/auth/guards.server'
import { ApiKeyState, linkButton, scopeKey } from '~/components/api-key-ui'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { parseForm, readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, 'integration:manage')
  const key = await getApiKey(viewer, params.keyId ?? '')
  if (!key) throw notFound()
  return { key }
}

const RevokeForm = z.object({ intent: z.literal('revoke'), confirm: z.literal('yes', 'api:errors.confirmRevoke') })

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'integration:manage')
  const key = await getApiKey(viewer, params.keyId ?? '')
  if (!key) throw notFound()
  const parsed = parseForm(RevokeForm, await readForm(request))
  if (!parsed.ok) return data({ errors: parsed.errors }, { status: 400 })
  await revokeApiKey(viewer, key.id, requestMeta(request, context))
  return redirectWithToast('/integrations', { kind: 'success', key: 'api:toast.revoked', values: { name: key.name } })
}

export default function ApiKeyPage() {
  const { t, i18n } = useTranslation('api')
  const { key } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const facts: [string, React.ReactNode][] = [
    [t('detail.id'), <span key="id" className="font-mono">{key.id}…</span>],
    [t('detail.state'), <ApiKeyState key="state" state={key.state} />],
    [t('detail.created'), t('detail.createdBy', { date: dateTime.format(new Date(key.createdAt)), name: key.createdByName })],
    [t('detail.expires'), dateTime.format(new Date(key.expiresAt))],
    [t('detail.lastUsed'), key.lastUsedAt ? `${dateTime.format(new Date(key.lastUsedAt))} · ${key.lastUsedIp ?? ''}` : t('keys.neverUsed')],
    ...(key.revokedAt ? [[t('detail.revoked'), t('detail.revokedBy', { date: dateTime.format(new Date(key.revokedAt)), name: key.revokedByName ?? '' })] as [string, string]] : []),
  ]
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <nav aria-label={t('breadcrumb')}>
        <Link to="/integrations" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('create.back')}
        </Link>
      </nav>
      <h1 className="text-2xl font-bold tracking-tight">{key.name}</h1>
      <dl className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
        {facts.map(([label, value]) => (
          <div key={label} className="grid gap-1 px-4 py-3 sm:grid-cols-3">
            <dt className="font-medium text-slate-600">{label}</dt>
            <dd className="sm:col-span-2">{value}</dd>
          </div>
        ))}
        <div className="grid gap-1 px-4 py-3 sm:grid-cols-3">
          <dt className="font-medium text-slate-600">{t('detail.scopes')}</dt>
          <dd className="sm:col-span-2">
            <ul className="space-y-1">
              {key.scopes.map((scope) => (
                <li key={scope}>
                  <span className="font-mono text-xs">{scope}</span> — {t(scopeKey(scope))}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
      {key.state === 'active' ? (
        <section aria-labelledby="revoke-heading" className="space-y-3 rounded-lg border border-red-200 bg-red-50 p-4">
          <h2 id="revoke-heading" className="font-semibold text-red-900">
            {t('revoke.title')}
          </h2>
          <p className="text-sm text-red-900">{t('revoke.text')}</p>
          {result?.errors ? <Alert>{t('errors.confirmRevoke')}</Alert> : null}
          <Form method="post" className="space-y-3">
            <CsrfInput />
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="confirm" value="yes" required className="mt-0.5" />
              <span>{t('revoke.confirm')}</span>
            </label>
            <Button type="submit" name="intent" value="revoke" variant="danger" disabled={submitting}>
              {t('revoke.submit')}
            </Button>
          </Form>
        </section>
      ) : null}
      <Link to="/integrations" className={linkButton}>
        {t('create.backToKeys')}
      </Link>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.key.name ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
