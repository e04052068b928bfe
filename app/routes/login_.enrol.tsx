import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, type ShouldRevalidateFunction } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requirePendingSession } from '~/auth/guards.server'
import { finishSignIn, redirectTarget } from '~/auth/sign-in-flow.server'
import { beginTotpEnrolment, confirmTotpEnrolment, secondFactorSchema } from '~/auth/sign-in.server'
import { totpAuthUri, totpQrSvg } from '~/auth/totp.server'
import { AuthCard } from '~/components/auth-card'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import { getSessionEmail } from '~/auth/account.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requirePendingSession(request, 'enrol')
  const secret = await beginTotpEnrolment(session)
  const email = await getSessionEmail(session)
  const uri = totpAuthUri(secret, email)
  return { secret, qrSvg: await totpQrSvg(uri) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requirePendingSession(request, 'enrol')
  const form = await readForm(request)
  const parsed = parseForm(secondFactorSchema, form)
  if (!parsed.ok) return data({ error: true as const }, { status: 400 })
  const meta = requestMeta(request, context)
  const result = await confirmTotpEnrolment(session, parsed.value.code, meta)
  if (!result.ok) return data({ error: true as const }, { status: 400 })
  const headers = await finishSignIn(session, meta)
  return data({ recoveryCodes: result.recoveryCodes, next: redirectTarget(request) }, { headers })
}

// Once enrolled the session is complete; keep showing the recovery codes instead of re-running the loader.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && 'recoveryCodes' in actionResult ? false : defaultShouldRevalidate

export default function EnrolTotp() {
  const { t } = useTranslation('auth')
  const { secret, qrSvg } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [searchParams] = useSearchParams()

  if (actionData && 'recoveryCodes' in actionData) {
    return (
      <AuthCard title={t('enrol.doneTitle')} intro={t('enrol.doneIntro')}>
        <ol aria-label={t('enrol.recoveryCodes')} className="grid grid-cols-2 gap-2 rounded-md bg-slate-100 p-4 font-mono text-sm" data-testid="recovery-codes">
          {actionData.recoveryCodes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ol>
        <p className="mt-4 text-sm text-slate-600">{t('enrol.recoveryHint')}</p>
        <Link
          to={actionData.next}
          className="mt-6 inline-flex w-full justify-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2"
        >
          {t('enrol.continue')}
        </Link>
      </AuthCard>
    )
  }

  return (
    <AuthCard title={t('enrol.title')} intro={t('enrol.intro')}>
      <div className="flex flex-col items-center gap-4">
        {/* The SVG comes from the QR library on the server, drawn from our own otpauth URI. */}
        <div
          role="img"
          aria-label={t('enrol.qrLabel')}
          className="h-48 w-48 [&>svg]:h-full [&>svg]:w-full"
          dangerouslySetInnerHTML={{ __html: qrSvg }}
        />
        <div className="w-full text-sm">
          <p className="text-slate-600">{t('enrol.manual')}</p>
          <code className="mt-1 block break-all rounded bg-slate-100 px-3 py-2 font-mono text-sm" data-testid="totp-secret">
            {secret}
          </code>
        </div>
      </div>
      <Form method="post" className="mt-6 space-y-4" action={`/login/enrol${searchParams.size ? `?${searchParams}` : ''}`}>
        <CsrfInput />
        {actionData?.error ? <Alert>{t('enrol.error')}</Alert> : null}
        <Field label={t('enrol.code')} name="code" inputMode="numeric" autoComplete="one-time-code" required />
        <Button type="submit" className="w-full" disabled={navigation.state === 'submitting'}>
          {t('enrol.submit')}
        </Button>
      </Form>
    </AuthCard>
  )
}

export const meta: MetaFunction = () => [{ title: 'Set up two-step sign-in · Payment Channel Partnership' }]
