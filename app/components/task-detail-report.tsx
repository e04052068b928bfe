import { Form, useNavigation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { keptValue, Panel, useTaskDates, useTaskErrorText, type TaskActionData } from '~/components/task-detail-ui'
import { actionTypes, matchReasonCodes } from '~/domain/vocabulary'
import type { ReportView } from '~/tasks/detail.server'

/** Rows offered without JavaScript; with it, "Add another action" offers more (up to the form's limit). */
export const EMPTY_REPORT_ROWS = 3
export const MAX_REPORT_ROWS = 20

const controlClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500 aria-[invalid]:border-red-600'

function rowsIn(values: Record<string, string | string[]> | undefined) {
  const indexes = Object.keys(values ?? {})
    .map((key) => /^actions\.(\d+)\./.exec(key)?.[1])
    .filter((index): index is string => index !== undefined)
    .map(Number)
  return Math.min(MAX_REPORT_ROWS, Math.max(EMPTY_REPORT_ROWS, ...indexes.map((index) => index + 1)))
}

/** The partner's account of what it did: one row per action; empty rows are ignored. */
export function ReportForm({ taskId, result, hasReport }: { taskId: string; result: TaskActionData | undefined; hasReport: boolean }) {
  const { t } = useTranslation('task')
  const errorText = useTaskErrorText()
  const busy = useNavigation().state === 'submitting'
  const mine = result?.intent === 'report' ? result : undefined
  const [rows, setRows] = useState(() => rowsIn(mine?.values))
  // "Add another action" needs JavaScript; without it the fixed empty rows are the whole form.
  const [scripted, setScripted] = useState(false)
  useEffect(() => setScripted(true), [])
  const formErrors = [...(mine?.errors.actions ?? []), ...(mine?.errors.form ?? [])]
  return (
    <Panel id="report" title={t('report.heading')}>
      <p className="mt-1 text-sm text-slate-600">{t(hasReport ? 'report.explainCorrection' : 'report.explain')}</p>
      <Form method="post" action={`/tasks/${taskId}`} className="mt-4 space-y-4">
        <CsrfInput />
        <input type="hidden" name="intent" value="report" />
        {mine?.message ? <Alert>{mine.message}</Alert> : null}
        {formErrors.length ? <Alert>{formErrors.map(errorText).join(' ')}</Alert> : null}
        {Array.from({ length: rows }, (_, index) => (
          <ReportRow key={index} index={index} result={mine} />
        ))}
        <MatchCodes />
        <div className="flex flex-wrap gap-2">
          {scripted && rows < MAX_REPORT_ROWS ? (
            <Button type="button" variant="secondary" onClick={() => setRows((count) => Math.min(MAX_REPORT_ROWS, count + 1))}>
              {t('report.addRow')}
            </Button>
          ) : null}
          <Button type="submit" disabled={busy}>
            {t(hasReport ? 'report.submitCorrection' : 'report.submit')}
          </Button>
        </div>
      </Form>
    </Panel>
  )
}

function ReportRow({ index, result }: { index: number; result: TaskActionData | undefined }) {
  const { t } = useTranslation('task')
  const name = (field: string) => `actions.${index}.${field}`
  const value = (field: string) => keptValue(result?.values, name(field))
  const errors = (field: string) => result?.errors[name(field)]
  return (
    <fieldset className="rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-semibold text-slate-800">{t('report.row', { number: index + 1 })}</legend>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <Control label={t('report.fields.type')} id={name('type')} errors={errors('type')}>
          {(props) => (
            <select {...props} name={name('type')} defaultValue={value('type') ?? ''} className={controlClass}>
              <option value="">{t('report.choose')}</option>
              {actionTypes.map((type) => (
                <option key={type} value={type}>
                  {t(`actionTypes.${type}`)}
                </option>
              ))}
            </select>
          )}
        </Control>
        <Control label={t('report.fields.quantity')} id={name('quantity')} errors={errors('quantity')}>
          {(props) => (
            <input {...props} name={name('quantity')} type="number" inputMode="numeric" min={1} max={1_000_000} step={1} defaultValue={value('quantity')} className={controlClass} />
          )}
        </Control>
        <Control label={t('report.fields.actionDate')} id={name('actionDate')} errors={errors('actionDate')} hint={t('report.hints.actionDate')}>
          {(props) => <input {...props} name={name('actionDate')} type="date" defaultValue={value('actionDate')} className={controlClass} />}
        </Control>
        <Control label={t('report.fields.reference')} id={name('reference')} errors={errors('reference')} hint={t('report.hints.reference')}>
          {(props) => <input {...props} name={name('reference')} type="text" maxLength={120} autoComplete="off" defaultValue={value('reference')} className={controlClass} />}
        </Control>
        <Control label={t('report.fields.matchReasonCode')} id={name('matchReasonCode')} errors={errors('matchReasonCode')} hint={t('report.hints.matchReasonCode')}>
          {(props) => (
            <select {...props} name={name('matchReasonCode')} defaultValue={value('matchReasonCode') ?? ''} className={controlClass}>
              <option value="">{t('report.noMatchCode')}</option>
              {matchReasonCodes.map((code) => (
                <option key={code} value={code}>
                  {t('report.matchOption', { code, meaning: t(`matchCodes.${code}`) })}
                </option>
              ))}
            </select>
          )}
        </Control>
        <Control label={t('report.fields.note')} id={name('note')} errors={errors('note')}>
          {(props) => <textarea {...props} name={name('note')} rows={2} maxLength={2000} defaultValue={value('note')} className={controlClass} />}
        </Control>
      </div>
    </fieldset>
  )
}

type ControlProps = { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }

function Control({
  label,
  id,
  errors,
  hint,
  children,
}: {
  label: string
  id: string
  errors?: string[]
  hint?: string
  children: (props: ControlProps) => React.ReactNode
}) {
  const errorText = useTaskErrorText()
  const domId = `field-${id.replaceAll('.', '-')}`
  const describedBy = [hint ? `${domId}-hint` : null, errors?.length ? `${domId}-error` : null].filter(Boolean).join(' ')
  return (
    <div>
      <label htmlFor={domId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({ id: domId, 'aria-invalid': errors?.length ? true : undefined, 'aria-describedby': describedBy || undefined })}
      {hint ? (
        <p id={`${domId}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={`${domId}-error`} className="mt-1 text-sm text-red-700">
          {errors.map(errorText).join(' ')}
        </p>
      ) : null}
    </div>
  )
}

function MatchCodes() {
  const { t } = useTranslation('task')
  return (
    <details className="rounded-md border border-slate-200 p-3 text-sm">
      <summary className="cursor-pointer font-medium focus-visible:outline-2 focus-visible:outline-slate-700">{t('report.matchCodesHeading')}</summary>
      <p className="mt-2 text-slate-600">{t('report.matchCodesExplain')}</p>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        {matchReasonCodes.map((code) => (
          <div key={code} className="contents">
            <dt className="font-mono text-slate-700">{code}</dt>
            <dd>{t(`matchCodes.${code}`)}</dd>
          </div>
        ))}
      </dl>
    </details>
  )
}

/** Every version of the report, the current one first; superseded versions stay readable. */
export function ReportHistory({ reports }: { reports: ReportView[] }) {
  const { t } = useTranslation('task')
  const current = reports.filter((report) => report.status === 'current')
  const earlier = reports.filter((report) => report.status !== 'current')
  return (
    <Panel id="reports" title={t('reports.heading')}>
      {reports.length === 0 ? <p className="mt-2 text-sm text-slate-600">{t('reports.empty')}</p> : null}
      <div className="mt-3 space-y-4">
        {current.map((report) => (
          <ReportCard key={report.version} report={report} />
        ))}
        {earlier.length ? (
          <div className="space-y-3">
            <h3 className="text-sm font-semibold text-slate-700">{t('reports.earlier')}</h3>
            {earlier.map((report) => (
              <ReportCard key={report.version} report={report} />
            ))}
          </div>
        ) : null}
      </div>
    </Panel>
  )
}

const verificationStyles = {
  pending: 'bg-sky-50 text-sky-800 ring-sky-200',
  verified: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  returned: 'bg-amber-50 text-amber-900 ring-amber-200',
} as const

function ReportCard({ report }: { report: ReportView }) {
  const { t } = useTranslation('task')
  const { date, dateTime } = useTaskDates()
  const superseded = report.status === 'superseded'
  return (
    <article
      id={`report-v${report.version}`}
      aria-labelledby={`report-v${report.version}-heading`}
      className={`rounded-md border p-3 ${superseded ? 'border-dashed border-slate-300 bg-slate-50 text-slate-600' : 'border-slate-300'}`}
    >
      <header className="flex flex-wrap items-center gap-2">
        <h3 id={`report-v${report.version}-heading`} className={`text-sm font-semibold ${superseded ? 'line-through decoration-slate-400' : ''}`}>
          {t('reports.version', { version: report.version })}
        </h3>
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${superseded ? 'bg-slate-200 text-slate-700 ring-slate-300' : 'bg-violet-50 text-violet-800 ring-violet-200'}`}>
          {t(`reports.status.${report.status}`)}
        </span>
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${verificationStyles[report.verification]}`}>
          {t(`reports.verification.${report.verification}`)}
        </span>
      </header>
      <p className="mt-1 text-xs text-slate-600">
        {report.submittedByName
          ? t('reports.submittedBy', { name: report.submittedByName, time: dateTime(report.submittedAt) })
          : t('reports.submitted', { time: dateTime(report.submittedAt) })}
        {report.verifiedAt ? ` ${t('reports.verifiedAt', { time: dateTime(report.verifiedAt) })}` : null}
      </p>
      {superseded ? <p className="mt-1 text-xs font-medium text-slate-600">{t('reports.supersededNote')}</p> : null}
      <ul className="mt-3 space-y-2">
        {report.actions.map((action, index) => (
          <li key={index} className="rounded border border-slate-200 bg-white/60 p-2 text-sm">
            <p className="font-medium text-slate-900">
              {t('reports.actionLine', { type: t(`actionTypes.${action.type}`), quantity: action.quantity })}
            </p>
            <dl className="mt-1 grid gap-x-4 gap-y-1 text-xs sm:grid-cols-[auto_1fr]">
              <dt className="text-slate-500">{t('report.fields.actionDate')}</dt>
              <dd>{date(action.actionDate)}</dd>
              {action.matchReasonCode ? (
                <>
                  <dt className="text-slate-500">{t('report.fields.matchReasonCode')}</dt>
                  <dd>{t('report.matchOption', { code: action.matchReasonCode, meaning: t(`matchCodes.${action.matchReasonCode}`) })}</dd>
                </>
              ) : null}
              {action.reference ? (
                <>
                  <dt className="text-slate-500">{t('report.fields.reference')}</dt>
                  <dd className="break-all font-mono">{action.reference}</dd>
                </>
              ) : null}
              {action.note ? (
                <>
                  <dt className="text-slate-500">{t('report.fields.note')}</dt>
                  <dd className="whitespace-pre-line break-words">{action.note}</dd>
                </>
              ) : null}
            </dl>
          </li>
        ))}
      </ul>
    </article>
  )
}
