import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { forbidden, requireViewer } from '~/auth/guards.server'
import { accessPurposes, indicatorTypes, tlpLabels } from '~/domain/vocabulary'
import { canExportIndicators, exportIndicators } from '~/indicators/export.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'
import { safeText } from '~/utils/text-schemas'
import { redirectWithToast } from '~/utils/toast.server'

const EXPORT_NOTE_MAX = 500

/** Every export says why it is made; "other" must be explained. The purpose goes into the audit log. */
const exportSchema = z
  .object({
    format: z.enum(['csv', 'stix'], { error: 'indicators-io:export.errors.format' }),
    purpose: z.enum(accessPurposes, { error: 'indicators-io:export.errors.purposeRequired' }),
    note: safeText(EXPORT_NOTE_MAX).pipe(z.string().trim()).optional(),
    type: z.union([z.literal(''), z.enum(indicatorTypes)], { error: 'indicators-io:export.errors.filter' }).optional(),
    tlp: z.union([z.literal(''), z.enum(tlpLabels)], { error: 'indicators-io:export.errors.filter' }).optional(),
  })
  .refine((value) => value.purpose !== 'other' || (value.note ?? '').length >= 5, {
    message: 'indicators-io:export.errors.noteRequired',
    path: ['note'],
  })

async function requireExporter(request: Request) {
  const viewer = await requireViewer(request)
  if (!canExportIndicators(viewer)) throw forbidden()
  return viewer
}

/** The file comes only from a posted form with its purpose; a plain visit goes to that form. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireExporter(request)
  return redirect('/indicators/export')
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireExporter(request)
  const form = await readForm(request)
  const parsed = parseForm(exportSchema, form)
  if (!parsed.ok) {
    const first = Object.values(parsed.errors)[0]?.[0]
    const key = first === 'cardNumber' ? 'forms.errors.cardNumber' : first?.startsWith('indicators-io:') ? first : 'forms.errors.invalid'
    return redirectWithToast('/indicators/export', { kind: 'error', key })
  }
  const { format, purpose, note, type, tlp } = parsed.value
  const file = await exportIndicators(
    viewer,
    { format, purpose, note: note || undefined, type: type || undefined, tlp: tlp || undefined },
    { meta: requestMeta(request, context) },
  )
  return new Response(file.body, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="${file.filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Export-Rows': String(file.rows),
      ...(file.truncated ? { 'X-Export-Truncated': 'true' } : {}),
    },
  })
}
