import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getViewer } from '~/auth/guards.server'
import { saveLocaleChoice } from '~/people/users.server'
import { readForm } from '~/utils/forms.server'
import { supportedLanguages } from '~/utils/i18n'
import { localeCookie } from '~/utils/i18next.server'
import { safeRedirect } from '~/utils/request.server'

const LocaleForm = z.object({ locale: z.enum(supportedLanguages), redirectTo: z.string().max(2_000).optional() })

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = LocaleForm.safeParse(Object.fromEntries(form))
  if (!parsed.success) throw new Response('Unsupported language', { status: 400 })
  const viewer = await getViewer(request)
  if (viewer) await saveLocaleChoice(viewer, parsed.data.locale)
  return redirect(safeRedirect(parsed.data.redirectTo), {
    headers: { 'Set-Cookie': await localeCookie.serialize(parsed.data.locale) },
  })
}

export function loader() {
  return redirect('/')
}
