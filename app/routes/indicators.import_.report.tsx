import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { forbidden, requireViewer } from '~/auth/guards.server'
import { importPostedFile, MAX_IMPORT_ROWS, MAX_UPLOAD_MEGABYTES, rejectionReportCsv } from '~/indicators/import.server'
import { canSubmitIndicators } from '~/indicators/submit.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

/**
 * "Import and download the rejection report": the same import as /indicators/import, answered with the
 * report as a CSV file (so that it also works without JavaScript). A refused file goes back to the
 * import page with the reason.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireViewer(request)
  return redirect('/indicators/import')
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request)
  if (!canSubmitIndicators(viewer)) throw forbidden()
  const attempt = await importPostedFile(viewer, request, { meta: requestMeta(request, context) })
  if (!attempt.ok) {
    if (attempt.refusal === 'csrf') throw new Response('Forbidden', { status: 403 })
    return redirectWithToast('/indicators/import', {
      kind: 'error',
      key: `indicators-io:refused.${attempt.refusal}`,
      values: { megabytes: MAX_UPLOAD_MEGABYTES, rows: MAX_IMPORT_ROWS },
    })
  }
  const t = await i18next.getFixedT(request, 'indicators-io')
  const report = rejectionReportCsv(attempt.rejected, (key, options) => t(key, options))
  return new Response(report.body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${report.filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Import-Rows': String(attempt.rows),
      'X-Import-Created': String(attempt.created),
      'X-Import-Attached': String(attempt.attached),
      'X-Import-Unchanged': String(attempt.unchanged),
      'X-Import-Rejected': String(attempt.rejected.length),
    },
  })
}
