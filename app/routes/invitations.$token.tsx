import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { PASSWORD_MIN_LENGTH } from '~/auth/password.server'
import { startSession } from '~/auth/session.server'
import { AuthCard } from '~/components/auth-card'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import { acceptInvitation, acceptInvitationForm, readInvitation } from '~/people/invitations.server'
import { saveLocaleChoice } from '~/people/users.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { getUserLanguage } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'

export async function loader({ params }: LoaderFunctionArgs) {
  const state = await readInvitation(params.token ?? '')
  return { state, minLength: PASSWORD_MIN_LENGTH }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(acceptInvitationForm, form)
  const name = typeof parsed.values.name === 'string' ? parsed.values.name : ''
  if (!parsed.ok) return data({ errors: parsed.errors, reason: null, name }, { status: 400 })
  const meta = requestMeta(request, context)
  const result = await acceptInvitation(params.token ?? '', parsed.value, meta)
  if (!result.ok) return data({ errors: undefined, reason: result.reason, name }, { status: result.reason === 'emailTaken' ? 409 : 410 })
  await saveLocaleChoice({ userId: result.user.id, organisationId: result.user.organisationId }, await getUserLanguage(request))
  const session = await startSession(result.user, 'enrol', meta)
  return redirect('/login/enrol', { headers: { 'Set-Cookie': session.setCookie } })
}

export default function AcceptInvitation() {
  const { t } = useTranslation('auth')
  const { state, minLength } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  if (state.status !== 'valid') {
    return (
      <AuthCard title={t('invitation.title')}>
        <Alert>{t(`links.${state.status}`)}</Alert>
        <p className="mt-6 text-sm">
          <Link to="/login" className="text-slate-700 underline hover:text-slate-900">
            {t('forgot.back')}
          </Link>
        </p>
      </AuthCard>
    )
  }
  const { invitation } = state
  return (
    <AuthCard
      title={t('invitation.title')}
      intro={t('invitation.intro', { organisation: invitation.organisationName, email: invitation.email })}
    >
      <Form method="post" className="space-y-4">
        <CsrfInput />
        {actionData?.reason ? <Alert>{t(`links.${actionData.reason}`)}</Alert> : null}
        <Field label={t('invitation.email')} name="email-display" value={invitation.email} readOnly disabled />
        <Field
          label={t('invitation.name')}
          name="name"
          autoComplete="name"
          required
          defaultValue={actionData?.name || invitation.name}
          errors={actionData?.errors?.name}
        />
        <Field
          label={t('reset.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          required
          hint={t('password.rules', { min: minLength })}
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
          {t('invitation.submit')}
        </Button>
      </Form>
    </AuthCard>
  )
}

export const meta: MetaFunction = () => [{ title: 'Create your account · Payment Channel Partnership' }]
