import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { supportedLanguages } from '~/utils/i18n'
import { localeCookie } from '~/utils/i18next.server'

const LocaleForm = z.object({
  locale: z.enum(supportedLanguages),
  redirectTo: z
    .string()
    .regex(/^\/(?!\/)/)
    .max(2_000)
    .catch('/'),
})

export async function action({ request }: ActionFunctionArgs) {
  const form = Object.fromEntries(await request.formData())
  const parsed = LocaleForm.safeParse(form)
  if (!parsed.success) {
    throw new Response('Unsupported language', { status: 400 })
  }
  return redirect(parsed.data.redirectTo, {
    headers: { 'Set-Cookie': await localeCookie.serialize(parsed.data.locale) },
  })
}

export function loader() {
  return redirect('/')
}
