import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { forbidden } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { InvitationError, invitePerson } from '~/people/invitations.server'
import { assignableRoles, requirePeopleManager } from '~/people/people.server'
import { rolesField } from '~/people/schemas'
import { RolesFieldset, TextInput, usePeopleErrorText } from '~/people/ui'
import { can, type Viewer } from '~/policy/permissions'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

const InviteForm = z.object({
  name: z.string().trim().min(1, 'required').max(120, 'tooLong'),
  email: z.string().trim().toLowerCase().min(1, 'required').max(254, 'tooLong').pipe(z.email('email')),
  roles: rolesField,
})

async function requireInviter(request: Request): Promise<Viewer> {
  const { viewer } = await requirePeopleManager(request)
  if (!can(viewer, 'user:invite')) throw forbidden()
  return viewer
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireInviter(request)
  const t = await i18next.getFixedT(request, 'people')
  return { title: t('invite.title'), organisationName: viewer.organisationName, roles: assignableRoles(viewer) }
}

const invitationErrors: Record<InvitationError['code'], FieldErrors> = {
  emailTaken: { email: ['emailTaken'] },
  roleNotAllowed: { roles: ['roleNotAllowed'] },
  organisationClosed: { form: ['organisationClosed'] },
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireInviter(request)
  const form = await readForm(request)
  const parsed = parseForm(InviteForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const { name, email, roles } = parsed.value
  try {
    await invitePerson({
      organisationId: viewer.organisationId,
      name,
      email,
      roles,
      invitedBy: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
      locale: await i18next.getLocale(request),
      meta: requestMeta(request, context),
    })
  } catch (error) {
    if (error instanceof InvitationError) return data({ errors: invitationErrors[error.code], values: parsed.values }, { status: 400 })
    throw error
  }
  return redirectWithToast('/people', { kind: 'success', key: 'people:toast.invited', values: { email } })
}

const text = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '')
const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value])

export default function InvitePerson() {
  const { t } = useTranslation('people')
  const { organisationName, roles } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorText = usePeopleErrorText()
  const submitting = useNavigation().state === 'submitting'
  const errors: FieldErrors = result?.errors ?? {}
  const values = result?.values ?? {}
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/people" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('invite.title')}</h1>
        <p className="mt-1 text-slate-600">{t('invite.intro', { organisation: organisationName })}</p>
      </header>
      {errors.form?.length ? <Alert>{errors.form.map(errorText).join(' ')}</Alert> : null}
      <Form method="post" className="space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <CsrfInput />
        <TextInput label={t('invite.name')} name="name" autoComplete="off" required maxLength={120} defaultValue={text(values.name)} errors={errors.name} />
        <TextInput
          label={t('invite.email')}
          name="email"
          type="email"
          autoComplete="off"
          required
          maxLength={254}
          hint={t('invite.emailHint')}
          defaultValue={text(values.email)}
          errors={errors.email}
        />
        <RolesFieldset legend={t('invite.roles')} hint={t('invite.rolesHint')} allowed={roles} checked={list(values.roles)} errors={errors.roles} />
        <div className="flex flex-wrap gap-3">
          <Button type="submit" disabled={submitting}>
            {t('invite.submit')}
          </Button>
          <Link
            to="/people"
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('common:forms.cancel')}
          </Link>
        </div>
      </Form>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
