import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { auditExportSchema, auditFilterQuery, parseAuditFilter } from '~/audit/audit-filter'
import { exportAuditLog } from '~/audit/audit-export.server'
import { requirePermission } from '~/auth/guards.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

/** Exports are posted with their purpose; a plain visit goes to the log with the same filters. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'audit:read')
  return redirect(`/audit${new URL(request.url).search}`)
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'audit:read')
  const form = await readForm(request)
  const { filter, errors } = parseAuditFilter(new URL(request.url).searchParams)
  const query = auditFilterQuery(filter)
  const back = `/audit${query ? `?${query}` : ''}`
  // Never export a wider set than asked for because one filter was unreadable.
  if (Object.keys(errors).length > 0) return redirectWithToast(back, { kind: 'error', key: 'audit:export.invalidFilter' })
  const parsed = parseForm(auditExportSchema, form)
  if (!parsed.ok) return redirectWithToast(back, { kind: 'error', key: 'audit:export.purposeMissing' })

  const t = await i18next.getFixedT(request, 'audit')
  const file = await exportAuditLog({
    filter,
    purpose: parsed.value.purpose,
    viewer,
    meta: requestMeta(request, context),
    heading: (column) => t(`export.columns.${column}`),
  })
  return new Response(file.body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file.filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Export-Rows': String(file.rows),
    },
  })
}
