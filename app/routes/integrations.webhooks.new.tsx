import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import { EventCheckboxes, primaryLinkClass, secondaryLinkClass, SecretPanel } from '~/components/webhook-ui'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { createEndpoint, endpointInput, WebhookError } from '~/webhooks/endpoints.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'integration:manage')
  const t = await i18next.getFixedT(request, 'webhooks')
  return { title: t('form.newTitle') }
}

type Kept = { url: string; description: string; events: string[] }
const keptValues = (values: Record<string, string | string[]>): Kept => {
  const text = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '')
  const events = values.events
  return { url: text(values.url), description: text(values.description), events: Array.isArray(events) ? events : events ? [events] : [] }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'integration:manage')
  const form = await readForm(request)
  const parsed = parseForm(endpointInput, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: keptValues(parsed.values), created: null }, { status: 400 })
  try {
    const created = await createEndpoint(viewer, parsed.value, requestMeta(request, context))
    // The secret travels in this one answer only: a reload or the list never shows it again.
    return data({ errors: {} as FieldErrors, values: keptValues(parsed.values), created: { ...created, url: parsed.value.url } }, { status: 201, headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    if (error instanceof WebhookError && error.code === 'tooMany') {
      return data({ errors: { form: ['webhooks:errors.tooMany'] } as FieldErrors, values: keptValues(parsed.values), created: null }, { status: 400 })
    }
    throw error
  }
}

export default function NewWebhookEndpoint() {
  const { t } = useTranslation('webhooks')
  const result = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const errors: FieldErrors = result?.errors ?? {}
  const values: Kept = result?.values ?? { url: '', description: '', events: ['task.assigned'] }
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/integrations/webhooks" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{result?.created ? t('secret.createdTitle') : t('form.newTitle')}</h1>
        {result?.created ? <p className="mt-1 font-mono text-sm break-all text-slate-700">{result.created.url}</p> : <p className="mt-1 text-slate-600">{t('form.newIntro')}</p>}
      </header>
      {result?.created ? (
        <>
          <SecretPanel secret={result.created.secret} title={t('secret.label')} />
          <Link to={`/integrations/webhooks/${result.created.id}`} className={primaryLinkClass}>
            {t('secret.continue')}
          </Link>
        </>
      ) : (
        <>
          {errors.form ? <Alert>{t('errors.tooMany')}</Alert> : Object.keys(errors).length > 0 ? <Alert>{t('form.fixErrors')}</Alert> : null}
          <Form method="post" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
            <CsrfInput />
            <Field
              label={t('form.url')}
              name="url"
              type="url"
              inputMode="url"
              required
              maxLength={2000}
              autoComplete="off"
              spellCheck={false}
              hint={t('form.urlHint')}
              defaultValue={values.url}
              errors={errors.url}
            />
            <Field label={t('form.description')} name="description" maxLength={200} hint={t('form.descriptionHint')} defaultValue={values.description} errors={errors.description} />
            <EventCheckboxes selected={values.events} errors={errors.events} />
            <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
              <Button type="submit" disabled={submitting}>
                {t('form.create')}
              </Button>
              <Link to="/integrations/webhooks" className={secondaryLinkClass}>
                {t('common:forms.cancel')}
              </Link>
            </div>
          </Form>
        </>
      )}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
