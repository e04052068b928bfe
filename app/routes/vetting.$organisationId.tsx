import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, notFound, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import {
  approveApplication,
  decisionSchema,
  getApplication,
  rejectApplication,
  type DecisionFailure,
} from '~/partners/applications.server'
import { KindLabel, keptValue, linkClass, StatusBadge, TextArea, useDate } from '~/partners/ui'
import { getEnv } from '~/utils/env.server'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, 'partner:vet')
  const [locale, t] = await Promise.all([i18next.getLocale(request), i18next.getFixedT(request, 'partners')])
  const found = await getApplication(params.organisationId, locale)
  if (!found) throw notFound()
  return {
    title: t('vetting.detail.title', { name: found.application.legalName }),
    ...found,
    probationDays: getEnv().PROBATION_DAYS,
  }
}

type ActionData = {
  intent: 'approve' | 'reject' | null
  formError: Exclude<DecisionFailure, 'notFound' | 'forbidden'> | null
  errors: FieldErrors
  values: Record<string, string | string[]>
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'partner:vet')
  const form = await readForm(request)
  const parsed = parseForm(decisionSchema, form)
  const intent = parsed.ok ? parsed.value.intent : keptIntent(parsed.values.intent)
  if (!parsed.ok) return data<ActionData>({ intent, formError: null, errors: parsed.errors, values: parsed.values }, { status: 400 })
  const decide = parsed.value.intent === 'approve' ? approveApplication : rejectApplication
  const result = await decide({
    organisationId: params.organisationId ?? '',
    reason: parsed.value.reason,
    by: viewer,
    meta: requestMeta(request, context),
  })
  if (!result.ok) {
    if (result.reason === 'notFound') throw notFound()
    if (result.reason === 'forbidden') throw forbidden()
    return data<ActionData>({ intent, formError: result.reason, errors: {}, values: parsed.values }, { status: 409 })
  }
  const key =
    result.decision === 'rejected'
      ? 'partners:vetting.toast.rejected'
      : result.invited
        ? 'partners:vetting.toast.approved'
        : 'partners:vetting.toast.approvedNotInvited'
  return redirectWithToast('/vetting', { kind: result.decision === 'approved' && !result.invited ? 'info' : 'success', key, values: { name: result.legalName } })
}

function keptIntent(value: unknown) {
  return value === 'approve' || value === 'reject' ? value : null
}

export default function ApplicationDetail() {
  const { t } = useTranslation('partners')
  const { application, applicantHasAccount } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const date = useDate()
  return (
    <div className="space-y-6">
      <p>
        <Link to="/vetting" className={linkClass}>
          {t('vetting.detail.back')}
        </Link>
      </p>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight">{application.legalName}</h1>
        <StatusBadge status={application.status} />
      </header>

      <section aria-labelledby="application-details" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="application-details" className="sr-only">
          {t('vetting.detail.details')}
        </h2>
        <dl className="grid gap-x-6 gap-y-4 text-sm sm:grid-cols-2">
          <Item label={t('fields.kind')}>
            <KindLabel kind={application.kind} />
          </Item>
          <Item label={t('fields.country')}>{application.countryName}</Item>
          <Item label={t('fields.agreementReference')}>{application.agreementReference ?? t('fields.none')}</Item>
          <Item label={t('fields.appliedAt')}>{date(application.appliedAt)}</Item>
          <Item label={t('fields.contact')}>
            {application.contact.name}
            <span className="block break-all">{application.contact.email}</span>
            <span className="block">{application.contact.phone}</span>
          </Item>
          <Item label={t('fields.applicant')}>
            {application.applicant.name}
            <span className="block break-all">{application.applicant.email}</span>
          </Item>
        </dl>
      </section>

      {application.vetting ? (
        <section aria-labelledby="decision-heading" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
          <h2 id="decision-heading" className="text-lg font-semibold">
            {t(`vetting.detail.decided.${application.vetting.decision}`, { date: date(application.vetting.decidedAt) })}
          </h2>
          <p className="mt-2 text-sm whitespace-pre-line text-slate-700">{application.vetting.reason}</p>
        </section>
      ) : (
        <>
          {actionData?.formError ? <Alert>{t(`vetting.errors.${actionData.formError}`)}</Alert> : null}
          {applicantHasAccount ? <Alert tone="info">{t('vetting.errors.applicantHasAccount')}</Alert> : null}
          <div className="grid gap-6 lg:grid-cols-2">
            <DecisionForm intent="approve" disabled={applicantHasAccount} />
            <DecisionForm intent="reject" />
          </div>
        </>
      )}
    </div>
  )
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{children}</dd>
    </div>
  )
}

function DecisionForm({ intent, disabled = false }: { intent: 'approve' | 'reject'; disabled?: boolean }) {
  const { t } = useTranslation('partners')
  const { application, probationDays } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === intent
  const mine = actionData?.intent === intent
  const headingId = `decision-${intent}`
  const role = application.kind === 'national_centre' ? 'coordinator' : 'admin'
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
      <h2 id={headingId} className="text-lg font-semibold">
        {t(`vetting.detail.${intent}.title`)}
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {intent === 'approve'
          ? t('vetting.detail.approve.explain', { count: probationDays, role: t(`vetting.detail.firstRole.${role}`) })
          : t('vetting.detail.reject.explain')}
      </p>
      <Form method="post" className="mt-4 space-y-4">
        <CsrfInput />
        <input type="hidden" name="intent" value={intent} />
        <TextArea
          label={t(`vetting.detail.${intent}.reason`)}
          name="reason"
          rows={4}
          required
          maxLength={1000}
          errors={mine ? actionData?.errors.reason : undefined}
          defaultValue={mine ? keptValue(actionData?.values, 'reason') : undefined}
          disabled={disabled}
        />
        <Button type="submit" variant={intent === 'approve' ? 'primary' : 'danger'} disabled={disabled || busy}>
          {t(`vetting.detail.${intent}.submit`)}
        </Button>
      </Form>
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
