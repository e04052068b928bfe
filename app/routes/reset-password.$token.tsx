import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { passwordResetSchema, readPasswordReset, resetPassword } from '~/auth/sign-in.server'
import { PASSWORD_MIN_LENGTH } from '~/auth/password.server'
import { AuthCard } from '~/components/auth-card'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import { parseForm, readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ params }: LoaderFunctionArgs) {
  return { state: await readPasswordReset(params.token ?? ''), minLength: PASSWORD_MIN_LENGTH }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(passwordResetSchema, form)
  if (!parsed.ok) return data({ errors: parsed.errors, failed: false }, { status: 400 })
  const result = await resetPassword(params.token ?? '', parsed.value.password, requestMeta(request, context))
  if (!result.ok) return data({ errors: undefined, failed: true }, { status: 410 })
  return redirectWithToast('/login', { kind: 'success', key: 'auth:reset.done' })
}

export default function ResetPassword() {
  const { t } = useTranslation('auth')
  const { state, minLength } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  if (state !== 'valid' || actionData?.failed) {
    return (
      <AuthCard title={t('reset.title')}>
        <Alert>{t(`links.${actionData?.failed ? 'used' : state}`)}</Alert>
        <p className="mt-6 text-sm">
          <Link to="/forgot-password" className="text-slate-700 underline hover:text-slate-900">
            {t('reset.again')}
          </Link>
        </p>
      </AuthCard>
    )
  }
  return (
    <AuthCard title={t('reset.title')} intro={t('password.rules', { min: minLength })}>
      <Form method="post" className="space-y-4">
        <CsrfInput />
        <Field
          label={t('reset.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          required
          errors={actionData?.errors?.password}
        />
        <Field
          label={t('reset.confirm')}
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          errors={actionData?.errors?.confirm}
        />
        <Button type="submit" className="w-full" disabled={navigation.state === 'submitting'}>
          {t('reset.submit')}
        </Button>
      </Form>
    </AuthCard>
  )
}

export const meta: MetaFunction = () => [{ title: 'New password · Payment Channel Partnership' }]
