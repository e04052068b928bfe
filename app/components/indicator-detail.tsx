import { Form, Link, useNavigation } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, CsrfInput, SelectField, TextAreaField } from '~/components/forms'
import {
  errorCodes,
  GradeBadge,
  IndicatorValue,
  kept,
  linkClass,
  PersonalBadge,
  Section,
  StatusBadge,
  TlpTag,
  TypeLabel,
  UntraceableBadge,
  useIndicatorDates,
  useIndicatorErrorText,
} from '~/components/indicator-ui'
import type { IndicatorDetail, SubmissionView } from '~/indicators/shared'

/** What the indicator page's action answers when it does not redirect: the refused form, kept as typed. */
export type IndicatorActionData = {
  intent: 'purpose' | 'sighting' | 'retract' | 'lower' | null
  errors: Record<string, string[]>
  values: Record<string, string | string[]>
  message: string | null
}

export function IndicatorHeader({ detail }: { detail: IndicatorDetail }) {
  const { t } = useTranslation('indicators')
  const { date } = useIndicatorDates()
  return (
    <header className="space-y-3">
      <p className="flex flex-wrap items-center gap-2">
        <TypeLabel type={detail.type} />
        {detail.chain ? <span className="font-mono text-xs text-slate-600">{t('detail.chain', { chain: detail.chain.toUpperCase() })}</span> : null}
        {detail.untraceable ? <UntraceableBadge /> : null}
        {detail.personal ? <PersonalBadge /> : null}
      </p>
      <h1 className="text-2xl font-bold tracking-tight">
        <span className="sr-only">{t('detail.valueLabel', { type: t(`types.${detail.type}`) })}</span>
        <IndicatorValue value={detail.display} className="text-xl" />
      </h1>
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-700">
        <div className="flex gap-1">
          <dt className="font-medium">{t('detail.firstSeen')}</dt>
          <dd>{date(detail.firstSeenAt)}</dd>
        </div>
        <div className="flex gap-1">
          <dt className="font-medium">{t('detail.lastSeen')}</dt>
          <dd>{date(detail.lastSeenAt)}</dd>
        </div>
      </dl>
      <p className="text-sm font-medium text-slate-800" data-testid="also-seen-by">
        {detail.alsoSeenBy > 0 ? t('detail.alsoSeenBy', { count: detail.alsoSeenBy }) : t('detail.alsoSeenByNone')}
      </p>
    </header>
  )
}

/** Open tasks still carrying an indicator whose statement was withdrawn: the people on them should look again. */
export function RetractionNotice({ detail }: { detail: IndicatorDetail }) {
  const { t } = useTranslation('indicators')
  const retracted = detail.submissions.some((submission) => submission.status === 'retracted')
  const open = detail.linkedTasks.filter((task) => task.open)
  if (!retracted) return null
  return (
    <Alert tone="info">
      <p>{detail.submissions.every((submission) => submission.status === 'retracted') ? t('detail.retractedAll') : t('detail.retractedSome')}</p>
      {open.length > 0 ? (
        <>
          <p className="mt-2">{t('detail.reviewTasks')}</p>
          <ul className="mt-1 list-disc pl-5">
            {open.map((task) => (
              <li key={task.id}>
                <Link to={`/tasks/${task.id}`} className={linkClass}>
                  {task.title}
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Alert>
  )
}

export function Submissions({ detail, result }: { detail: IndicatorDetail; result: IndicatorActionData | undefined }) {
  const { t } = useTranslation('indicators')
  return (
    <Section id="submissions" title={t('submissions.heading')}>
      <p className="mt-1 text-sm text-slate-600">{t('submissions.intro')}</p>
      <ol className="mt-4 space-y-4">
        {detail.submissions.map((submission) => (
          <SubmissionCard key={submission.id} submission={submission} result={result} />
        ))}
      </ol>
    </Section>
  )
}

function SubmissionCard({ submission, result }: { submission: SubmissionView; result: IndicatorActionData | undefined }) {
  const { t } = useTranslation('indicators')
  const { date } = useIndicatorDates()
  return (
    <li className={`rounded-md border p-4 ${submission.own ? 'border-sky-300 bg-sky-50' : 'border-slate-200 bg-white'}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium text-slate-900">{submission.own ? t('submissions.own', { name: submission.sourceName }) : submission.sourceName}</p>
        <p className="flex flex-wrap items-center gap-2">
          <TlpTag tlp={submission.tlp} />
          <GradeBadge reliability={submission.reliability} credibility={submission.credibility} />
          <StatusBadge status={submission.status} />
          {submission.personal ? <PersonalBadge /> : null}
        </p>
      </div>
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
        <div className="sm:col-span-2">
          <dt className="font-medium text-slate-700">{t('submissions.value')}</dt>
          <dd>
            <IndicatorValue value={submission.value} />
          </dd>
        </div>
        <div>
          <dt className="font-medium text-slate-700">{t('submissions.seen')}</dt>
          <dd>{t('submissions.seenRange', { first: date(submission.firstSeenAt), last: date(submission.lastSeenAt) })}</dd>
        </div>
        <div>
          <dt className="font-medium text-slate-700">{t('submissions.retention')}</dt>
          <dd>{t('submissions.retentionDates', { review: date(submission.reviewBy), remove: date(submission.deleteBy) })}</dd>
        </div>
        <div className="sm:col-span-2">
          <dt className="font-medium text-slate-700">{t('submissions.context')}</dt>
          <dd className="whitespace-pre-line break-words text-slate-900">{submission.context || t('submissions.noContext')}</dd>
        </div>
      </dl>
      {submission.retraction ? (
        <p className="mt-3 rounded bg-red-50 p-2 text-sm text-red-900">
          {t('submissions.retracted', { date: date(submission.retraction.at) })}{' '}
          <span className="whitespace-pre-line break-words">{submission.retraction.reason}</span>
        </p>
      ) : null}
      {submission.lowerTo.length > 0 ? <LowerLabelForm submission={submission} result={result?.intent === 'lower' ? result : undefined} /> : null}
      {submission.canRetract ? <RetractForm result={result?.intent === 'retract' ? result : undefined} /> : null}
    </li>
  )
}

function LowerLabelForm({ submission, result }: { submission: SubmissionView; result: IndicatorActionData | undefined }) {
  const { t } = useTranslation('indicators')
  const busy = useNavigation().state === 'submitting'
  return (
    <details className="mt-4 rounded border border-slate-200 bg-white p-3" open={Boolean(result)}>
      <summary className="cursor-pointer text-sm font-medium text-slate-900">{t('lower.summary')}</summary>
      <Form method="post" className="mt-3 space-y-3">
        <CsrfInput />
        <input type="hidden" name="intent" value="lower" />
        {result?.message ? <Alert>{result.message}</Alert> : null}
        <p className="text-sm text-slate-600">{t('lower.intro')}</p>
        <SelectField
          label={t('lower.fields.tlp')}
          name="tlp"
          defaultValue={kept(result?.values, 'tlp')}
          errors={errorCodes(result?.errors.tlp)}
          options={submission.lowerTo.map((tlp) => ({ value: tlp, label: t(`tlp.${tlp}.label`) }))}
        />
        <TextAreaField label={t('lower.fields.reason')} name="reason" rows={2} maxLength={2000} required defaultValue={kept(result?.values, 'reason')} errors={errorCodes(result?.errors.reason)} />
        <Button type="submit" variant="secondary" disabled={busy}>
          {t('lower.submit')}
        </Button>
      </Form>
    </details>
  )
}

function RetractForm({ result }: { result: IndicatorActionData | undefined }) {
  const { t } = useTranslation('indicators')
  const errorText = useIndicatorErrorText()
  const busy = useNavigation().state === 'submitting'
  const id = useId()
  return (
    <details className="mt-3 rounded border border-red-200 bg-white p-3" open={Boolean(result)}>
      <summary className="cursor-pointer text-sm font-medium text-red-800">{t('retract.summary')}</summary>
      <Form method="post" className="mt-3 space-y-3">
        <CsrfInput />
        <input type="hidden" name="intent" value="retract" />
        {result?.message ? <Alert>{result.message}</Alert> : null}
        <p className="text-sm text-slate-600">{t('retract.intro')}</p>
        <TextAreaField label={t('retract.fields.reason')} name="reason" rows={2} maxLength={2000} required defaultValue={kept(result?.values, 'reason')} errors={errorCodes(result?.errors.reason)} />
        <div>
          <label htmlFor={`${id}-confirm`} className="flex items-start gap-2 text-sm text-slate-800">
            <input id={`${id}-confirm`} type="checkbox" name="confirm" value="yes" className="mt-0.5 h-4 w-4 rounded border-slate-300" aria-invalid={result?.errors.confirm ? true : undefined} />
            {t('retract.fields.confirm')}
          </label>
          {result?.errors.confirm?.length ? <p className="mt-1 text-sm text-red-700">{result.errors.confirm.map(errorText).join(' ')}</p> : null}
        </div>
        <Button type="submit" variant="danger" disabled={busy}>
          {t('retract.submit')}
        </Button>
      </Form>
    </details>
  )
}

export function LinkedTasks({ detail }: { detail: IndicatorDetail }) {
  const { t } = useTranslation('indicators')
  const { date } = useIndicatorDates()
  return (
    <Section id="tasks" title={t('tasks.heading')}>
      {detail.linkedTasks.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t('tasks.empty')}</p>
      ) : (
        <ul className="mt-3 space-y-2 text-sm">
          {detail.linkedTasks.map((task) => (
            <li key={task.id} className="flex flex-wrap items-baseline justify-between gap-2">
              <Link to={`/tasks/${task.id}`} className={linkClass}>
                {task.title}
              </Link>
              <span className="text-slate-600">{task.open ? t('tasks.openDue', { date: date(task.dueAt) }) : t('tasks.closed')}</span>
            </li>
          ))}
        </ul>
      )}
      {detail.related.length > 0 ? (
        <>
          <h3 className="mt-4 text-sm font-semibold text-slate-800">{t('tasks.related')}</h3>
          <ul className="mt-2 space-y-1 text-sm">
            {detail.related.map((other) => (
              <li key={other.id} className="flex flex-wrap items-center gap-2">
                <TypeLabel type={other.type} />
                <Link to={`/indicators/${other.id}`} className={linkClass}>
                  {other.display === null ? t('list.table.personalHidden') : <IndicatorValue value={other.display} />}
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Section>
  )
}
