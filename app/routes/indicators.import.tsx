import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { importColumns, importPostedFile, MAX_IMPORT_ROWS, MAX_UPLOAD_MEGABYTES, rejectionReportCsv, type ImportReport } from '~/indicators/import.server'
import { canSubmitIndicators } from '~/indicators/submit.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'

/** Rejected lines shown on the page; the downloadable report has them all. */
const SHOWN_REJECTIONS = 500
/** Above this many rejected lines the report is offered only through "Import and download the rejection report". */
const INLINE_REPORT_LIMIT = 20_000

async function requireImporter(request: Request) {
  const viewer = await requireViewer(request)
  if (!canSubmitIndicators(viewer)) throw forbidden()
  return viewer
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireImporter(request)
  const t = await i18next.getFixedT(request, 'indicators-io')
  return { title: t('import.title'), columns: [...importColumns], maxRows: MAX_IMPORT_ROWS, megabytes: MAX_UPLOAD_MEGABYTES }
}

type Refusal = { code: string; line?: number; columns?: string[] }
type Summary = Omit<ImportReport, 'ok' | 'rejected'> & {
  rejectedCount: number
  rejected: ImportReport['rejected']
  report: { body: string; filename: string } | null
}
type ActionData = { refused: Refusal } | { summary: Summary }

/** Imports the posted file and shows what happened on this page (see importPostedFile for the order of checks). */
export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireImporter(request)
  const attempt = await importPostedFile(viewer, request, { meta: requestMeta(request, context) })
  if (!attempt.ok) {
    return data<ActionData>({ refused: { code: attempt.refusal, line: attempt.line, columns: attempt.columns } }, { status: attempt.status })
  }
  const t = await i18next.getFixedT(request, 'indicators-io')
  const { rejected, rows, created, attached, unchanged } = attempt
  const inline = rejected.length > 0 && rejected.length <= INLINE_REPORT_LIMIT
  return data<ActionData>({
    summary: {
      rows,
      created,
      attached,
      unchanged,
      rejectedCount: rejected.length,
      rejected: rejected.slice(0, SHOWN_REJECTIONS),
      report: inline ? rejectionReportCsv(rejected, (key, options) => t(key, options)) : null,
    },
  })
}

/** Saves text the server already prepared as a file, without a round trip (a blob: link, never a data: one). */
function downloadText(body: string, filename: string) {
  const url = URL.createObjectURL(new Blob([body], { type: 'text/csv;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1_000)
}

function RefusedFile({ refused, megabytes, maxRows }: { refused: Refusal; megabytes: number; maxRows: number }) {
  const { t, i18n } = useTranslation('indicators-io')
  return (
    <Alert tone="error">
      <p className="font-semibold">{t('refused.heading')}</p>
      <p>
        {t(`refused.${refused.code}`, { megabytes, rows: maxRows.toLocaleString(i18n.language), defaultValue: t('refused.binary') })}
        {refused.line ? ` ${t('refused.atLine', { line: refused.line })}` : null}
      </p>
      {refused.columns && refused.columns.length > 0 ? <p>{t('refused.columns', { columns: refused.columns.join(', ') })}</p> : null}
      {refused.code !== 'csrf' && refused.code !== 'missing' ? <p>{t('refused.nothingStored')}</p> : null}
    </Alert>
  )
}

function ImportSummary({ summary }: { summary: Summary }) {
  const { t, i18n } = useTranslation(['indicators-io', 'indicators'])
  const number = (value: number) => value.toLocaleString(i18n.language)
  const reason = (code: string) =>
    i18n.exists(`indicators-io:reasons.${code}`)
      ? t(`indicators-io:reasons.${code}`)
      : t(`indicators:errors.${code}`, { defaultValue: t('indicators-io:reasons.invalid') })
  const figures: [string, number][] = [
    ['rows', summary.rows],
    ['created', summary.created],
    ['attached', summary.attached],
    ['unchanged', summary.unchanged],
    ['rejected', summary.rejectedCount],
  ]
  return (
    <section aria-labelledby="import-result" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="import-result" className="text-lg font-semibold">
        {t('result.heading')}
      </h2>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="import-figures">
        {figures.map(([key, value]) => (
          <div key={key} className="rounded-md bg-slate-50 p-3">
            <dt className="text-xs text-slate-600">{t(`result.${key}`)}</dt>
            <dd className="text-xl font-semibold tabular-nums" data-figure={key}>
              {number(value)}
            </dd>
          </div>
        ))}
      </dl>
      <p className="text-sm text-slate-600">{t('result.countsExplain')}</p>
      {summary.rejectedCount === 0 ? (
        <Alert tone="success">{t('result.allGood')}</Alert>
      ) : (
        <div className="space-y-3">
          <h3 className="font-semibold">{t('result.rejectedHeading')}</h3>
          {summary.report ? (
            <Button type="button" variant="secondary" onClick={() => summary.report && downloadText(summary.report.body, summary.report.filename)}>
              {t('result.download')}
            </Button>
          ) : (
            <p className="text-sm text-slate-700">{t('result.reportTooLarge')}</p>
          )}
          {summary.rejectedCount > summary.rejected.length ? (
            <p className="text-sm text-slate-600">{t('result.showing', { shown: number(summary.rejected.length), total: number(summary.rejectedCount) })}</p>
          ) : null}
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-4">
                    {t('result.line')}
                  </th>
                  <th scope="col" className="py-2 pr-4">
                    {t('result.column')}
                  </th>
                  <th scope="col" className="py-2">
                    {t('result.reason')}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {summary.rejected.map((entry) => (
                  <tr key={`${entry.line}:${entry.field}`}>
                    <td className="py-1.5 pr-4 tabular-nums">{entry.line}</td>
                    <td className="py-1.5 pr-4 font-mono text-xs">{t(`fieldNames.${entry.field}`)}</td>
                    <td className="py-1.5">{reason(entry.reason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  )
}

export default function ImportIndicators() {
  const { t, i18n } = useTranslation('indicators-io')
  const { columns, maxRows, megabytes } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label={t('breadcrumb')}>
        <Link to="/indicators" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('back')}
        </Link>
      </nav>
      <header className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">{t('import.heading')}</h1>
        <p className="text-slate-700">{t('import.intro')}</p>
      </header>

      {result && 'refused' in result ? <RefusedFile refused={result.refused} megabytes={megabytes} maxRows={maxRows} /> : null}
      {result && 'summary' in result ? <ImportSummary summary={result.summary} /> : null}

      {/* A plain document submission: it works without JavaScript and lets the report come back as a file. */}
      <Form reloadDocument method="post" encType="multipart/form-data" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <CsrfInput />
        <div>
          <label htmlFor="import-file" className="block text-sm font-medium text-slate-800">
            {t('import.file')}
          </label>
          <input
            id="import-file"
            name="file"
            type="file"
            required
            accept=".csv,text/csv"
            aria-describedby="import-file-hint"
            className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm focus-visible:outline-2 focus-visible:outline-slate-700"
          />
          <p id="import-file-hint" className="mt-1 text-xs text-slate-500">
            {t('import.fileHint', { megabytes })} {t('import.limits', { rows: maxRows.toLocaleString(i18n.language), megabytes })}
          </p>
        </div>
        <p className="text-sm text-slate-700">{t('import.onlyCsv')}</p>
        <div className="flex flex-wrap gap-3">
          <Button type="submit" name="intent" value="import">
            {t('import.submit')}
          </Button>
          <Button type="submit" name="intent" value="report" variant="secondary" formAction="/indicators/import/report">
            {t('import.submitWithReport')}
          </Button>
        </div>
        <p className="text-xs text-slate-500">{t('import.reportHint')}</p>
      </Form>

      <section aria-labelledby="import-columns" className="space-y-3">
        <h2 id="import-columns" className="text-lg font-semibold">
          {t('import.columnsHeading')}
        </h2>
        <p className="text-sm text-slate-700">{t('import.columnsIntro')}</p>
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-4">
                  {t('import.columnName')}
                </th>
                <th scope="col" className="py-2">
                  {t('import.columnMeaning')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {columns.map((column) => (
                <tr key={column}>
                  <th scope="row" className="py-1.5 pr-4 align-top font-mono text-xs font-normal">
                    {column}
                  </th>
                  <td className="py-1.5">{t(`import.columns.${column}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="text-sm text-slate-700">{t('import.defaults')}</p>
        <a
          href="/indicators/import/example.csv"
          download
          className="inline-block text-sm text-slate-700 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-slate-700"
        >
          {t('import.template')}
        </a>
      </section>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
