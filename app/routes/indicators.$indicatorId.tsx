import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { forbidden, notFound, requireSignedIn } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { IndicatorHeader, LinkedTasks, RetractionNotice, Submissions, type IndicatorActionData } from '~/components/indicator-detail'
import { PurposeGate } from '~/components/indicator-purpose'
import { Sightings } from '~/components/indicator-sightings'
import { linkClass } from '~/components/indicator-ui'
import { tlpLabels } from '~/domain/vocabulary'
import {
  canViewIndicators,
  givePurpose,
  IndicatorError,
  indicatorPageFor,
  loadIndicatorFor,
  lowerSubmissionLabel,
  purposeGiven,
  purposeInput,
  reasonInput,
  recordSighting,
  retractSubmission,
  sightingInput,
} from '~/indicators/indicators.server'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

const RetractForm = z.object({
  reason: reasonInput,
  confirm: z.literal('yes', { error: 'indicators:errors.confirmRequired' }),
})

const LowerForm = z.object({
  tlp: z.enum(tlpLabels, 'required'),
  reason: reasonInput,
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer, session } = await requireSignedIn(request)
  if (!canViewIndicators(viewer)) throw forbidden()
  const id = (params.indicatorId ?? '').toLowerCase()
  const page = await indicatorPageFor(viewer, id, { purposeGiven: await purposeGiven(request, session.id, id) }).catch(hideMissing)
  const t = await i18next.getFixedT(request, 'indicators')
  const type = page.state === 'open' ? page.detail.type : page.summary.type
  return { title: t('meta.detail', { type: t(`types.${type}`) }), page, today: new Date().toISOString().slice(0, 10) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { viewer, session } = await requireSignedIn(request)
  if (!canViewIndicators(viewer)) throw forbidden()
  const form = await readForm(request)
  const id = (params.indicatorId ?? '').toLowerCase()
  // Someone who may not see the indicator learns nothing more from posting to it: 404 before the form is read.
  await loadIndicatorFor(viewer, id).catch(hideMissing)
  const meta = requestMeta(request, context)
  const t = await i18next.getFixedT(request, 'indicators')
  const here = `/indicators/${id}`
  const refused = (answer: Omit<IndicatorActionData, 'message'> & { message?: string | null }, status: number) =>
    data<IndicatorActionData>({ message: null, ...answer }, { status })
  const refusal = (intent: IndicatorActionData['intent'], values: Record<string, string | string[]>, error: unknown) => {
    if (!(error instanceof IndicatorError)) throw error
    switch (error.code) {
      case 'notFound':
        throw notFound()
      case 'notLower':
        return refused({ intent, values, errors: { tlp: ['notLower'] } }, 400)
      case 'forbidden':
        return refused({ intent, values, errors: {}, message: t('errors.forbidden') }, 403)
      default:
        return refused({ intent, values, errors: {}, message: t(`errors.${error.code}`) }, 409)
    }
  }
  const intent = form.get('intent')

  if (intent === 'purpose') {
    const parsed = parseForm(purposeInput, form)
    if (!parsed.ok) return refused({ intent, errors: parsed.errors, values: parsed.values }, 400)
    const cookie = await givePurpose(request, viewer, session.id, id, parsed.value, meta)
    return redirectWithToast(here, { kind: 'info', key: 'indicators:toast.purposeRecorded' }, { headers: { 'Set-Cookie': cookie } })
  }

  if (intent === 'sighting') {
    const parsed = parseForm(sightingInput, form)
    if (!parsed.ok) return refused({ intent, errors: parsed.errors, values: parsed.values }, 400)
    try {
      await recordSighting(viewer, id, parsed.value, meta)
    } catch (error) {
      return refusal(intent, parsed.values, error)
    }
    return redirectWithToast(`${here}#sightings`, { kind: 'success', key: 'indicators:toast.sightingRecorded' })
  }

  if (intent === 'retract') {
    const parsed = parseForm(RetractForm, form)
    if (!parsed.ok) return refused({ intent, errors: parsed.errors, values: parsed.values }, 400)
    try {
      await retractSubmission(viewer, id, parsed.value, meta)
    } catch (error) {
      return refusal(intent, parsed.values, error)
    }
    return redirectWithToast(here, { kind: 'success', key: 'indicators:toast.retracted' })
  }

  if (intent === 'lower') {
    const parsed = parseForm(LowerForm, form)
    if (!parsed.ok) return refused({ intent, errors: parsed.errors, values: parsed.values }, 400)
    try {
      await lowerSubmissionLabel(viewer, id, parsed.value, meta)
    } catch (error) {
      return refusal(intent, parsed.values, error)
    }
    return redirectWithToast(here, { kind: 'success', key: 'indicators:toast.labelLowered', values: { tlp: parsed.value.tlp } })
  }

  return refused({ intent: null, errors: { form: ['invalid'] } satisfies FieldErrors, values: {} }, 400)
}

/** An indicator the viewer may not see is simply not there. */
function hideMissing(error: unknown): never {
  if (error instanceof IndicatorError && error.code === 'notFound') throw notFound()
  throw error
}

export default function IndicatorPage() {
  const { t } = useTranslation('indicators')
  const { page, today } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const breadcrumb = (
    <nav aria-label={t('breadcrumb.label')}>
      <Link to="/indicators" className={`text-sm ${linkClass}`}>
        {t('breadcrumb.back')}
      </Link>
    </nav>
  )
  if (page.state === 'purpose') {
    return (
      <div className="space-y-6">
        {breadcrumb}
        <PurposeGate summary={page.summary} result={result} />
      </div>
    )
  }
  const { detail } = page
  return (
    <div className="space-y-6">
      {breadcrumb}
      <IndicatorHeader detail={detail} />
      <RetractionNotice detail={detail} />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Submissions detail={detail} result={result} />
        </div>
        <div className="min-w-0 space-y-6">
          <Sightings detail={detail} result={result} today={today} />
          <LinkedTasks detail={detail} />
        </div>
      </div>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
