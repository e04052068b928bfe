import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { NewIndicatorForm } from '~/components/indicator-form'
import { linkClass } from '~/components/indicator-ui'
import { canWorkWithIndicators, newIndicatorForm, submissionFormOptions } from '~/indicators/indicators.server'
import { IndicatorSubmitError, submitIndicatorBatch } from '~/indicators/submit.server'
import type { Viewer } from '~/policy/permissions'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

async function requireSubmitter(request: Request): Promise<Viewer> {
  const viewer = await requireViewer(request)
  if (!canWorkWithIndicators(viewer)) throw forbidden()
  return viewer
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireSubmitter(request)
  const [options, t] = await Promise.all([submissionFormOptions(viewer), i18next.getFixedT(request, 'indicators')])
  return { title: t('meta.new'), options: { ...options, today: new Date().toISOString().slice(0, 10) } }
}

/**
 * Hands the row to the same batch function as imports and the API. Whether the value was new, known
 * to others or already ours, the answer is the same: the viewer's statement is saved and shown.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireSubmitter(request)
  const parsed = parseForm(newIndicatorForm, await readForm(request))
  const refuse = (errors: FieldErrors) => data({ errors, values: parsed.values }, { status: 400 })
  if (!parsed.ok) return refuse(parsed.errors)
  const input = parsed.value
  const red = input.tlp === 'RED'
  if (red && input.redRecipientIds.length > 0) {
    // Only the people the form offered may be named.
    const nameable = new Set((await submissionFormOptions(viewer)).recipients.map((person) => person.id))
    if (input.redRecipientIds.some((id) => !nameable.has(id))) return refuse({ redRecipientIds: ['unknownRecipient'] })
  }
  let result: Awaited<ReturnType<typeof submitIndicatorBatch>>
  try {
    result = await submitIndicatorBatch(
      viewer,
      [
        {
          line: 1,
          type: input.type,
          value: input.value,
          chain: input.chain || undefined,
          acquirer: input.acquirer || undefined,
          tlp: input.tlp || undefined,
          reliability: input.reliability,
          credibility: input.credibility,
          context: input.context,
          personal: input.personal === 'on',
          initiativeId: input.initiativeId || undefined,
          firstSeenAt: input.firstSeenAt,
          lastSeenAt: input.lastSeenAt,
          redRecipientIds: red ? input.redRecipientIds : undefined,
        },
      ],
      { source: 'form', meta: requestMeta(request, context) },
    )
  } catch (error) {
    if (error instanceof IndicatorSubmitError) throw forbidden()
    throw error
  }
  const [id] = result.ids
  if (result.rejected.length > 0 || !id) {
    const errors: FieldErrors = {}
    for (const rejection of result.rejected) (errors[rejection.field] ??= []).push(rejection.reason)
    return refuse(Object.keys(errors).length > 0 ? errors : { form: ['invalid'] })
  }
  return redirectWithToast(`/indicators/${id}`, { kind: 'success', key: 'indicators:toast.saved' })
}

export default function NewIndicator() {
  const { t } = useTranslation('indicators')
  const { options } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/indicators" className={`text-sm ${linkClass}`}>
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('new.title')}</h1>
        <p className="mt-1 text-slate-600">{t('new.intro')}</p>
      </header>
      <NewIndicatorForm options={options} result={result} />
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
