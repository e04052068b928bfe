import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requirePendingSession } from '~/auth/guards.server'
import { completeSignIn, redirectTarget } from '~/auth/sign-in-flow.server'
import { checkSecondFactor, secondFactorSchema } from '~/auth/sign-in.server'
import { AuthCard } from '~/components/auth-card'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import { parseForm, readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePendingSession(request, 'password')
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requirePendingSession(request, 'password')
  const form = await readForm(request)
  const parsed = parseForm(secondFactorSchema, form)
  if (!parsed.ok) return data({ error: true }, { status: 400 })
  const meta = requestMeta(request, context)
  const result = await checkSecondFactor(session, parsed.value.code, meta)
  if (!result.ok) return data({ error: true }, { status: 401 })
  return completeSignIn(session, meta, redirectTarget(request))
}

export default function VerifySecondFactor() {
  const { t } = useTranslation('auth')
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [searchParams] = useSearchParams()
  return (
    <AuthCard title={t('verify.title')} intro={t('verify.intro')}>
      <Form method="post" className="space-y-4" action={`/login/verify${searchParams.size ? `?${searchParams}` : ''}`}>
        <CsrfInput />
        {actionData?.error ? <Alert>{t('verify.error')}</Alert> : null}
        <Field
          label={t('verify.code')}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          autoFocus
          hint={t('verify.hint')}
        />
        <Button type="submit" className="w-full" disabled={navigation.state === 'submitting'}>
          {t('verify.submit')}
        </Button>
      </Form>
    </AuthCard>
  )
}

export const meta: MetaFunction = () => [{ title: 'Two-step sign-in · Payment Channel Partnership' }]
