import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireAnonymous } from '~/auth/guards.server'
import { startSession } from '~/auth/session.server'
import { redirectTarget, withRedirect } from '~/auth/sign-in-flow.server'
import { checkPassword, signInSchema } from '~/auth/sign-in.server'
import { AuthCard } from '~/components/auth-card'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import { parseForm, readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request)
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request)
  const form = await readForm(request)
  const parsed = parseForm(signInSchema, form)
  const email = typeof parsed.values.email === 'string' ? parsed.values.email : ''
  if (!parsed.ok) return data({ error: 'invalid' as const, email }, { status: 400 })
  const meta = requestMeta(request, context)
  const result = await checkPassword(parsed.value, meta)
  if (!result.ok) {
    return data({ error: result.reason, email }, { status: result.reason === 'rate_limited' ? 429 : 401 })
  }
  const session = await startSession(result.user, result.next, meta)
  const next = result.next === 'enrol' ? '/login/enrol' : '/login/verify'
  return redirect(withRedirect(next, redirectTarget(request)), { headers: { 'Set-Cookie': session.setCookie } })
}

export default function Login() {
  const { t } = useTranslation('auth')
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [searchParams] = useSearchParams()
  return (
    <AuthCard title={t('login.title')} intro={t('login.intro')}>
      <Form method="post" className="space-y-4" action={`/login${searchParams.size ? `?${searchParams}` : ''}`}>
        <CsrfInput />
        {actionData?.error ? (
          <Alert>{actionData.error === 'rate_limited' ? t('login.errors.rateLimited') : t('login.errors.invalid')}</Alert>
        ) : null}
        <Field
          label={t('login.email')}
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={actionData?.email ?? ''}
        />
        <Field label={t('login.password')} name="password" type="password" autoComplete="current-password" required />
        <Button type="submit" className="w-full" disabled={navigation.state === 'submitting'}>
          {t('login.submit')}
        </Button>
      </Form>
      <div className="mt-6 flex flex-wrap justify-between gap-2 text-sm">
        <Link to="/forgot-password" className="text-slate-700 underline hover:text-slate-900">
          {t('login.forgot')}
        </Link>
        <Link to="/apply" className="text-slate-700 underline hover:text-slate-900">
          {t('login.apply')}
        </Link>
      </div>
    </AuthCard>
  )
}

export const meta: MetaFunction = () => [{ title: 'Sign in · Payment Channel Partnership' }]
