import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireAnonymous } from '~/auth/guards.server'
import { CountrySelect } from '~/components/country-select'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, SelectField } from '~/components/forms'
import { organisationKinds } from '~/domain/vocabulary'
import { APPLICATION_RATE_LIMIT, applicationSchema, submitApplication } from '~/partners/applications.server'
import { countryOptions } from '~/partners/countries.server'
import { Checkbox, keptValue, TextInput } from '~/partners/ui'
import { getEnv } from '~/utils/env.server'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { hitRateLimit } from '~/utils/rate-limit.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request)
  const [locale, t] = await Promise.all([i18next.getLocale(request), i18next.getFixedT(request, 'partners')])
  const submitted = new URL(request.url).searchParams.has('submitted')
  return {
    title: t('apply.title'),
    submitted,
    countries: submitted ? [] : countryOptions(locale),
    probationDays: getEnv().PROBATION_DAYS,
  }
}

type ActionData = { formError: 'rateLimited' | null; errors: FieldErrors; values: Record<string, string | string[]> }

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request)
  const form = await readForm(request)
  const meta = requestMeta(request, context)
  const parsed = parseForm(applicationSchema, form)
  const limit = await hitRateLimit(`apply:${meta.ip ?? 'unknown'}`, APPLICATION_RATE_LIMIT.attempts, APPLICATION_RATE_LIMIT.windowMs)
  if (!limit.allowed) {
    return data<ActionData>(
      { formError: 'rateLimited', errors: {}, values: parsed.values },
      { status: 429, headers: { 'Retry-After': String(Math.ceil(limit.retryAfterMs / 1000)) } },
    )
  }
  if (!parsed.ok) return data<ActionData>({ formError: null, errors: parsed.errors, values: parsed.values }, { status: 400 })
  const locale = await i18next.getLocale(request)
  const result = await submitApplication(parsed.value, { locale, meta })
  if (!result.ok) return data<ActionData>({ formError: null, errors: result.errors, values: parsed.values }, { status: 400 })
  return redirectWithToast('/apply?submitted=1', {
    kind: 'success',
    key: 'partners:apply.received.toast',
    values: { email: parsed.value.applicantEmail },
  })
}

export default function Apply() {
  const { submitted } = useLoaderData<typeof loader>()
  return submitted ? <Received /> : <ApplicationForm />
}

function Received() {
  const { t } = useTranslation('partners')
  const { probationDays } = useLoaderData<typeof loader>()
  return (
    <section aria-labelledby="received-title" className="mx-auto max-w-2xl space-y-6">
      <h1 id="received-title" className="text-2xl font-bold tracking-tight">
        {t('apply.received.title')}
      </h1>
      <p className="text-slate-700">{t('apply.received.intro')}</p>
      <h2 className="text-lg font-semibold">{t('apply.received.nextTitle')}</h2>
      <ol className="list-decimal space-y-2 pl-6 text-slate-700">
        <li>{t('apply.received.steps.confirmation')}</li>
        <li>{t('apply.received.steps.review')}</li>
        <li>{t('apply.received.steps.invitation')}</li>
        <li>{t('apply.received.steps.probation', { count: probationDays })}</li>
      </ol>
      <Link
        to="/"
        className="inline-block rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
      >
        {t('apply.received.home')}
      </Link>
    </section>
  )
}

function ApplicationForm() {
  const { t } = useTranslation('partners')
  const { countries, probationDays } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = actionData?.errors ?? {}
  const values = actionData?.values
  const kept = (name: string) => keptValue(values, name)
  const invalid = Object.keys(errors).length > 0
  return (
    <section aria-labelledby="apply-title" className="mx-auto max-w-3xl space-y-6">
      <header>
        <h1 id="apply-title" className="text-2xl font-bold tracking-tight">
          {t('apply.title')}
        </h1>
        <p className="mt-2 text-slate-700">{t('apply.intro')}</p>
      </header>

      {actionData?.formError === 'rateLimited' ? <Alert>{t('apply.errors.rateLimited')}</Alert> : null}
      {invalid ? <Alert>{t('apply.errors.summary')}</Alert> : null}

      <Form method="post" className="space-y-8">
        <CsrfInput />
        <fieldset className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
          <legend className="px-1 text-lg font-semibold">{t('apply.sections.organisation')}</legend>
          <TextInput
            label={t('apply.fields.legalName')}
            name="legalName"
            hint={t('apply.fields.legalNameHint')}
            errors={errors.legalName}
            defaultValue={kept('legalName')}
            required
            maxLength={200}
            autoComplete="organization"
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label={t('apply.fields.kind')}
              name="kind"
              errors={errors.kind}
              defaultValue={kept('kind') ?? ''}
              required
              options={[
                { value: '', label: t('apply.fields.kindPlaceholder') },
                ...organisationKinds.map((kind) => ({ value: kind, label: t(`kinds.${kind}`) })),
              ]}
            />
            <CountrySelect
              label={t('apply.fields.country')}
              name="country"
              options={countries}
              emptyLabel={t('country.placeholder')}
              errors={errors.country}
              defaultValue={kept('country') ?? ''}
              required
            />
          </div>
          <TextInput
            label={t('apply.fields.agreementReference')}
            name="agreementReference"
            hint={t('apply.fields.agreementReferenceHint')}
            errors={errors.agreementReference}
            defaultValue={kept('agreementReference')}
            maxLength={80}
          />
        </fieldset>

        <fieldset className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
          <legend className="px-1 text-lg font-semibold">{t('apply.sections.contact')}</legend>
          <p className="text-sm text-slate-600">{t('apply.sections.contactIntro')}</p>
          <TextInput
            label={t('apply.fields.contactName')}
            name="contactName"
            errors={errors.contactName}
            defaultValue={kept('contactName')}
            required
            maxLength={120}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <TextInput
              label={t('apply.fields.contactEmail')}
              name="contactEmail"
              type="email"
              errors={errors.contactEmail}
              defaultValue={kept('contactEmail')}
              required
              maxLength={254}
            />
            <TextInput
              label={t('apply.fields.contactPhone')}
              name="contactPhone"
              type="tel"
              hint={t('apply.fields.contactPhoneHint')}
              errors={errors.contactPhone}
              defaultValue={kept('contactPhone')}
              required
              maxLength={32}
            />
          </div>
        </fieldset>

        <fieldset className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
          <legend className="px-1 text-lg font-semibold">{t('apply.sections.applicant')}</legend>
          <p className="text-sm text-slate-600">{t('apply.sections.applicantIntro')}</p>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextInput
              label={t('apply.fields.applicantName')}
              name="applicantName"
              errors={errors.applicantName}
              defaultValue={kept('applicantName')}
              required
              maxLength={120}
              autoComplete="name"
            />
            <TextInput
              label={t('apply.fields.applicantEmail')}
              name="applicantEmail"
              type="email"
              errors={errors.applicantEmail}
              defaultValue={kept('applicantEmail')}
              required
              maxLength={254}
              autoComplete="email"
            />
          </div>
        </fieldset>

        <fieldset className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
          <legend className="px-1 text-lg font-semibold">{t('apply.sections.terms')}</legend>
          <div className="space-y-2 text-sm text-slate-700">
            <p>{t('apply.terms.intro')}</p>
            <ul className="list-disc space-y-1 pl-5">
              <li>{t('apply.terms.purpose')}</li>
              <li>{t('apply.terms.dataProtection')}</li>
              <li>{t('apply.terms.noImagery')}</li>
              <li>{t('apply.terms.sharing')}</li>
              <li>{t('apply.terms.probation', { count: probationDays })}</li>
              <li>{t('apply.terms.suspension')}</li>
            </ul>
          </div>
          <Checkbox
            label={t('apply.fields.acceptTerms')}
            name="acceptTerms"
            errors={errors.acceptTerms}
            defaultChecked={kept('acceptTerms') === 'on'}
            required
          />
        </fieldset>

        <Button type="submit" disabled={busy}>
          {busy ? t('apply.submitting') : t('apply.submit')}
        </Button>
      </Form>
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
