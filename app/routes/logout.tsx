import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { signOut } from '~/auth/account.server'
import { getViewer } from '~/auth/guards.server'
import { clearSessionCookie, readSession } from '~/auth/session.server'
import { readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request)
  const session = await readSession(request)
  if (session) await signOut(await getViewer(request), session, requestMeta(request, context))
  return redirectWithToast(
    '/',
    { kind: 'info', key: 'auth:logout.done' },
    { headers: { 'Set-Cookie': await clearSessionCookie() } },
  )
}

export function loader() {
  return redirect('/')
}
