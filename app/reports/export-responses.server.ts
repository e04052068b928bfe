import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { exportableInitiative, exportInitiativeCsv, exportRequestInput, type ExportRequest, type Translate } from './initiative-export.server'
import { exportInitiativePdf } from './initiative-pdf.server'
import type { CsvKind, ExportKind } from './purpose'
import { notFound, requireViewer } from '~/auth/guards.server'
import { InitiativeError } from '~/initiatives/initiatives.server'
import type { Viewer } from '~/policy/permissions'
import { parseForm, readForm } from '~/utils/forms.server'
import { getUserLanguage, i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'

/** An initiative the viewer may not see (or that does not exist) is simply not found. */
export function hideMissingInitiative(error: unknown): never {
  if (error instanceof InitiativeError && error.code === 'notFound') throw notFound()
  throw error
}

/** A plain visit to an export address shows the page that asks for the purpose first. */
export async function exportFormRedirect({ request, params }: LoaderFunctionArgs, kind: ExportKind) {
  const viewer = await requireViewer(request)
  const { initiative } = await exportableInitiative(viewer, params.initiativeId ?? '').catch(hideMissingInitiative)
  return redirect(`/initiatives/${String(initiative._id)}/export?kind=${kind}`)
}

type PostedExport = { viewer: Viewer; initiativeId: string; request: ExportRequest; t: Translate } | { refused: Response }

/** A posted export: visible initiative (404), anti-forgery (403), purpose (400), in this order. */
async function readExportRequest({ request, params }: ActionFunctionArgs): Promise<PostedExport> {
  const viewer = await requireViewer(request)
  const initiativeId = params.initiativeId ?? ''
  await exportableInitiative(viewer, initiativeId).catch(hideMissingInitiative)
  const form = await readForm(request)
  const fixed = await i18next.getFixedT(request, 'reports')
  const t: Translate = (key, options) => fixed(key, options)
  const parsed = parseForm(exportRequestInput, form)
  if (!parsed.ok) {
    return {
      refused: new Response(t('purpose.refused'), { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } }),
    }
  }
  return { viewer, initiativeId, request: parsed.value, t }
}

const fileHeaders = (contentType: string, filename: string) => ({
  'Content-Type': contentType,
  'Content-Disposition': `attachment; filename="${filename}"`,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
})

/** The tasks or the action reports as CSV, audited with the purpose. */
export async function csvExportResponse(args: ActionFunctionArgs, kind: CsvKind) {
  const posted = await readExportRequest(args)
  if ('refused' in posted) return posted.refused
  const file = await exportInitiativeCsv({ ...posted, kind, meta: requestMeta(args.request, args.context) })
  return new Response(file.body, { headers: { ...fileHeaders('text/csv; charset=utf-8', file.filename), 'X-Export-Rows': String(file.rows) } })
}

/** The progress report as PDF, in the reader's language, audited with the purpose. */
export async function pdfExportResponse(args: ActionFunctionArgs) {
  const posted = await readExportRequest(args)
  if ('refused' in posted) return posted.refused
  const file = await exportInitiativePdf({
    ...posted,
    language: await getUserLanguage(args.request),
    meta: requestMeta(args.request, args.context),
  })
  return new Response(new Uint8Array(file.body), {
    headers: { ...fileHeaders('application/pdf', file.filename), 'Content-Length': String(file.body.length), 'X-Export-Pages': String(file.pages), 'X-Export-Rows': String(file.rows) },
  })
}
