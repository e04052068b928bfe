import type { LoaderFunctionArgs } from '@remix-run/node'
import { forbidden, requireViewer } from '~/auth/guards.server'
import { importTemplateCsv } from '~/indicators/import.server'
import { canSubmitIndicators } from '~/indicators/submit.server'

/** An example import file with every column, linked from the import page. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  if (!canSubmitIndicators(viewer)) throw forbidden()
  return new Response(importTemplateCsv(), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="indicator-import-example.csv"',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
