import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { notFound } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Button, CsrfInput } from '~/components/forms'
import { getPendingInvitation, requirePeopleManager, revokeInvitation } from '~/people/people.server'
import { confirmField } from '~/people/schemas'
import { RoleBadges, useDateTime } from '~/people/ui'
import { parseForm, readForm } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

const RevokeForm = z.object({ confirm: confirmField })

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requirePeopleManager(request)
  const invitation = await getPendingInvitation(viewer, params.invitationId ?? '')
  if (!invitation) throw notFound()
  const t = await i18next.getFixedT(request, 'people')
  return { title: t('invitations.confirm.title'), invitation }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { viewer } = await requirePeopleManager(request)
  const form = await readForm(request)
  const parsed = parseForm(RevokeForm, form)
  if (!parsed.ok) throw new Response('Confirmation missing', { status: 400 })
  const result = await revokeInvitation(viewer, params.invitationId ?? '', requestMeta(request, context))
  if (!result.ok) throw notFound()
  return redirectWithToast('/people', { kind: 'success', key: 'people:toast.invitationRevoked', values: { email: result.email } })
}

export default function RevokeInvitation() {
  const { t } = useTranslation('people')
  const { invitation } = useLoaderData<typeof loader>()
  const when = useDateTime()
  const submitting = useNavigation().state === 'submitting'
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/people" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <section aria-labelledby="revoke-title" className="space-y-4 rounded-lg border border-red-200 bg-white p-6 shadow-sm">
        <h1 id="revoke-title" className="text-xl font-bold tracking-tight">
          {t('invitations.confirm.title')}
        </h1>
        <p className="text-slate-700">{t('invitations.confirm.body', { name: invitation.name, email: invitation.email })}</p>
        <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="font-medium text-slate-600">{t('invitations.columns.roles')}</dt>
          <dd>
            <RoleBadges roles={invitation.roles} />
          </dd>
          <dt className="font-medium text-slate-600">{t('invitations.columns.invitedBy')}</dt>
          <dd>{invitation.invitedBy ?? t('invitations.unknownInviter')}</dd>
          <dt className="font-medium text-slate-600">{t('invitations.columns.sent')}</dt>
          <dd>{when(invitation.createdAt)}</dd>
          <dt className="font-medium text-slate-600">{t('invitations.columns.expires')}</dt>
          <dd>{when(invitation.expiresAt)}</dd>
        </dl>
        <Form method="post" className="flex flex-wrap gap-3">
          <CsrfInput />
          <input type="hidden" name="confirm" value="yes" />
          <Button type="submit" variant="danger" disabled={submitting}>
            {t('invitations.confirm.submit')}
          </Button>
          <Link
            to="/people"
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('common:forms.cancel')}
          </Link>
        </Form>
      </section>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
