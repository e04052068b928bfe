import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { notFound, requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, SelectField, TextAreaField } from '~/components/forms'
import { TlpBadge } from '~/components/task-badges'
import { formatDay, formatTime, isKnownPurpose, REJUSTIFY_TEXT_MAX, REJUSTIFY_TEXT_MIN, rejustifyPurposes, rejustifySchema } from '~/dpo/shared'
import { PersonalFlag } from '~/dpo/ui'
import { getSubmissionRetention, rejustifySubmission, RetentionError } from '~/indicators/retention.server'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  const retention = await getSubmissionRetention(viewer, params.submissionId ?? '')
  if (!retention) throw notFound()
  const t = await i18next.getFixedT(request, 'dpo')
  return { title: t('meta.rejustify'), retention }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request)
  const submissionId = params.submissionId ?? ''
  const parsed = parseForm(rejustifySchema, await readForm(request))
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  try {
    const result = await rejustifySubmission(viewer, submissionId, parsed.value, { meta: requestMeta(request, context) })
    if (!result.ok) return data({ errors: result.errors, values: parsed.values }, { status: 400 })
    return redirectWithToast(`/retention/${encodeURIComponent(submissionId)}`, {
      kind: 'success',
      key: 'dpo:rejustify.done',
      values: { reviewBy: formatDay(result.reviewBy.toISOString()), deleteBy: formatDay(result.deleteBy.toISOString()) },
    })
  } catch (error) {
    if (error instanceof RetentionError && error.code === 'notFound') throw notFound()
    if (error instanceof RetentionError && error.code === 'notActive') {
      const errors: FieldErrors = { form: ['dpo:rejustify.notActive'] }
      return data({ errors, values: parsed.values }, { status: 400 })
    }
    throw error
  }
}

export default function SubmissionRetentionPage() {
  const { t } = useTranslation('dpo')
  const { retention } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const value = (name: string) => {
    const submitted = actionData?.values[name]
    return typeof submitted === 'string' ? submitted : ''
  }
  const active = retention.status === 'active'
  const formErrors = actionData?.errors.form
  return (
    <div className="max-w-3xl space-y-6">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('rejustify.title')}</h1>
        <p className="mt-2 text-slate-600">{t('rejustify.intro')}</p>
      </header>

      <section aria-labelledby="retention-facts" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="retention-facts" className="text-lg font-semibold">
          {t('rejustify.facts.caption')}
        </h2>
        <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          <Fact label={t('rejustify.facts.type')}>{retention.type ? t(`types.${retention.type}`) : t('overview.table.unknownType')}</Fact>
          <Fact label={t('rejustify.facts.label')}>{retention.tlp ? <TlpBadge tlp={retention.tlp} /> : t('none')}</Fact>
          <Fact label={t('rejustify.facts.personal')}>
            <PersonalFlag personal={retention.personal} />
          </Fact>
          <Fact label={t('rejustify.facts.status')}>{isKnownStatus(retention.status) ? t(`statuses.${retention.status}`) : retention.status}</Fact>
          <Fact label={t('rejustify.facts.submitted')}>
            <time dateTime={retention.submittedAt}>{formatDay(retention.submittedAt)}</time>
          </Fact>
          <Fact label={t('rejustify.facts.reviewBy')}>
            <time dateTime={retention.reviewBy} data-testid="review-by">
              {formatDay(retention.reviewBy)}
            </time>
          </Fact>
          <Fact label={t('rejustify.facts.deleteBy')}>
            <time dateTime={retention.deleteBy} data-testid="delete-by">
              {formatDay(retention.deleteBy)}
            </time>
          </Fact>
        </dl>
        {retention.personal ? <p className="mt-4 text-sm text-slate-600">{t('rejustify.personalNote')}</p> : null}
        <Link
          to={`/indicators/${retention.indicatorId}`}
          className="mt-4 inline-block text-sm font-medium text-slate-900 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        >
          {t('rejustify.openIndicator')}
        </Link>
      </section>

      {!active ? (
        <Alert tone="info">{t('rejustify.notActive')}</Alert>
      ) : (
        <>
          <Alert tone={retention.reviewDue ? 'error' : 'info'}>
            {retention.reviewDue ? t('rejustify.due', { date: formatDay(retention.deleteBy) }) : t('rejustify.notDue', { date: formatDay(retention.reviewBy) })}
          </Alert>
          <Form method="post" className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <CsrfInput />
            <fieldset className="space-y-4">
              <legend className="text-lg font-semibold">{t('rejustify.form.legend')}</legend>
              <p className="text-sm text-slate-600">{t('rejustify.form.intro')}</p>
              {formErrors?.length ? <Alert>{t('rejustify.notActive')}</Alert> : null}
              <SelectField
                label={t('rejustify.form.purpose')}
                name="purpose"
                required
                defaultValue={value('purpose')}
                errors={actionData?.errors.purpose}
                options={[{ value: '', label: t('rejustify.form.choose') }, ...rejustifyPurposes.map((purpose) => ({ value: purpose, label: t(`purposes.${purpose}`) }))]}
              />
              <TextAreaField
                label={t('rejustify.form.justification')}
                aria-describedby={actionData?.errors.justification?.length ? undefined : 'justification-hint'}
                name="justification"
                required
                rows={4}
                minLength={REJUSTIFY_TEXT_MIN}
                maxLength={REJUSTIFY_TEXT_MAX}
                defaultValue={value('justification')}
                errors={actionData?.errors.justification}
              />
              <p id="justification-hint" className="-mt-3 text-xs text-slate-500">
                {t('rejustify.form.justificationHint')}
              </p>
            </fieldset>
            <Button type="submit" disabled={navigation.state === 'submitting'}>
              {t('rejustify.form.submit')}
            </Button>
          </Form>
        </>
      )}

      <section aria-labelledby="retention-history" className="space-y-3">
        <h2 id="retention-history" className="text-lg font-semibold">
          {t('rejustify.history.title')}
        </h2>
        {retention.justifications.length === 0 ? (
          <p className="text-sm text-slate-600">{t('rejustify.history.empty')}</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
            {retention.justifications.map((entry) => (
              <li key={entry.at} className="space-y-1 p-4">
                <p className="text-xs text-slate-600">{t('rejustify.history.entry', { date: formatTime(entry.at), by: entry.by ?? t('rejustify.history.unknown') })}</p>
                <p className="font-medium">{isKnownPurpose(entry.purpose) ? t(`purposes.${entry.purpose}`) : entry.purpose}</p>
                <p className="whitespace-pre-line break-words text-slate-700">{entry.justification}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  )
}

function isKnownStatus(status: string): status is 'active' | 'retracted' | 'expired' {
  return status === 'active' || status === 'retracted' || status === 'expired'
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Retention' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
