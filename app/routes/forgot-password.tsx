import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireAnonymous } from '~/auth/guards.server'
import { passwordResetRequestSchema, requestPasswordReset } from '~/auth/sign-in.server'
import { AuthCard } from '~/components/auth-card'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import { getUserLanguage } from '~/utils/i18next.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request)
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request)
  const form = await readForm(request)
  const parsed = parseForm(passwordResetRequestSchema, form)
  if (!parsed.ok) {
    return data({ sent: false as const, errors: parsed.errors, email: String(parsed.values.email ?? '') }, { status: 400 })
  }
  await requestPasswordReset(parsed.value.email, requestMeta(request, context), await getUserLanguage(request))
  // Same answer whether or not the address has an account.
  return { sent: true as const, errors: undefined, email: parsed.value.email }
}

export default function ForgotPassword() {
  const { t } = useTranslation('auth')
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  return (
    <AuthCard title={t('forgot.title')} intro={t('forgot.intro')}>
      {actionData?.sent ? (
        <Alert tone="success">{t('forgot.sent')}</Alert>
      ) : (
        <Form method="post" className="space-y-4">
          <CsrfInput />
          <Field
            label={t('login.email')}
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={actionData?.email ?? ''}
            errors={actionData?.errors?.email}
          />
          <Button type="submit" className="w-full" disabled={navigation.state === 'submitting'}>
            {t('forgot.submit')}
          </Button>
        </Form>
      )}
      <p className="mt-6 text-sm">
        <Link to="/login" className="text-slate-700 underline hover:text-slate-900">
          {t('forgot.back')}
        </Link>
      </p>
    </AuthCard>
  )
}

export const meta: MetaFunction = () => [{ title: 'Forgotten password · Payment Channel Partnership' }]
