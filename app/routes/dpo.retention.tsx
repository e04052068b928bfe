import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import { requireDpo } from '~/dpo/guards.server'
import { canDpo } from '~/dpo/policy'
import { getRetentionPolicy, saveRetentionPolicy } from '~/dpo/retention-policy.server'
import { formatTime, RETENTION_MONTHS_MAX, RETENTION_MONTHS_MIN, retentionPolicySchema } from '~/dpo/shared'
import { DpoNav } from '~/dpo/ui'
import { parseForm, readForm } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireDpo(request, 'dpo:view')
  const [policy, t] = await Promise.all([getRetentionPolicy(), i18next.getFixedT(request, 'dpo')])
  return { title: t('meta.retention'), policy, canConfigure: canDpo(viewer, 'retention:configure') }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireDpo(request, 'retention:configure')
  const parsed = parseForm(retentionPolicySchema, await readForm(request))
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  await saveRetentionPolicy(viewer, parsed.value, requestMeta(request, context))
  return redirectWithToast('/dpo/retention', { kind: 'success', key: 'dpo:retention.saved' })
}

type FieldName = 'personalReviewMonths' | 'personalDeleteMonths' | 'businessReviewMonths' | 'businessDeleteMonths'

export default function RetentionSettings() {
  const { t } = useTranslation('dpo')
  const { policy, canConfigure } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const valueOf = (name: FieldName) => {
    const submitted = actionData?.values[name]
    return typeof submitted === 'string' ? submitted : String(policy[name])
  }
  const field = (name: FieldName, label: string) => (
    <Field
      label={label}
      name={name}
      type="number"
      inputMode="numeric"
      min={RETENTION_MONTHS_MIN}
      max={RETENTION_MONTHS_MAX}
      step={1}
      required
      defaultValue={valueOf(name)}
      hint={t('retention.rangeHint')}
      errors={actionData?.errors[name]}
      disabled={!canConfigure}
    />
  )
  return (
    <div className="space-y-6">
      <header className="space-y-4">
        <h1 className="text-2xl font-bold tracking-tight">{t('retention.title')}</h1>
        <DpoNav />
        <p className="max-w-3xl text-slate-600">{t('retention.intro')}</p>
      </header>
      <Alert tone="info">{t('retention.effect')}</Alert>
      <p className="text-sm text-slate-700" data-testid="retention-state">
        {policy.updatedAt ? t('retention.configuredAt', { date: formatTime(policy.updatedAt) }) : t('retention.usingDefaults')} {t('retention.defaults')}
      </p>
      {actionData?.errors ? <Alert>{t('retention.invalid')}</Alert> : null}
      <Form method="post" className="max-w-3xl space-y-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <CsrfInput />
        <fieldset className="space-y-3">
          <legend className="text-lg font-semibold">{t('retention.personal.legend')}</legend>
          <p className="text-sm text-slate-600">{t('retention.personal.hint')}</p>
          <div className="grid gap-4 sm:grid-cols-2">
            {field('personalReviewMonths', t('retention.review'))}
            {field('personalDeleteMonths', t('retention.delete'))}
          </div>
        </fieldset>
        <fieldset className="space-y-3">
          <legend className="text-lg font-semibold">{t('retention.business.legend')}</legend>
          <p className="text-sm text-slate-600">{t('retention.business.hint')}</p>
          <div className="grid gap-4 sm:grid-cols-2">
            {field('businessReviewMonths', t('retention.review'))}
            {field('businessDeleteMonths', t('retention.delete'))}
          </div>
        </fieldset>
        {canConfigure ? (
          <Button type="submit" disabled={navigation.state === 'submitting'}>
            {t('retention.save')}
          </Button>
        ) : null}
      </Form>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Retention settings' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
