import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { InitiativeFields } from '~/components/initiative-form'
import { buttonLinkClass, InitiativeTlpBadge, useInitiativeErrorText } from '~/components/initiative-ui'
import { initiativeFailure } from '~/initiatives/detail.server'
import { initiativeFormOf, initiativeFormOfInitiative, readInitiativeForm, withMoreRows } from '~/initiatives/forms.server'
import { InitiativeError, loadInitiative, updateInitiativeDetails, type LoadedInitiative } from '~/initiatives/initiatives.server'
import type { InitiativeFormValues } from '~/initiatives/shared'
import type { TlpLabel } from '~/domain/vocabulary'
import { can, type Viewer } from '~/policy/permissions'
import { formValues, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

/** Only the lead centre edits: 404 for those who may not see the initiative, 403 for those who may only see it. */
async function requireLeadOf(request: Request, initiativeId: string): Promise<{ viewer: Viewer; initiative: LoadedInitiative }> {
  const viewer = await requireViewer(request)
  const { initiative, side } = await loadInitiative(viewer, initiativeId).catch(initiativeFailure)
  if (side !== 'lead' || !can(viewer, 'initiative:manage')) throw forbidden()
  return { viewer, initiative }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { initiative } = await requireLeadOf(request, params.initiativeId ?? '')
  const t = await i18next.getFixedT(request, 'initiatives')
  return {
    title: t('edit.title', { title: initiative.title }),
    id: String(initiative._id),
    name: initiative.title,
    tlp: initiative.tlp as TlpLabel,
    form: initiativeFormOfInitiative(initiative),
  }
}

type ActionData = { errors: FieldErrors; form: InitiativeFormValues }

const refusals: Partial<Record<InitiativeError['code'], { status: number; errors: FieldErrors }>> = {
  tlpReasonRequired: { status: 400, errors: { tlpReason: ['initiatives:errors.tlpReasonRequired'] } },
  conflict: { status: 409, errors: { form: ['initiatives:errors.conflict'] } },
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const initiativeId = params.initiativeId ?? ''
  const { viewer } = await requireLeadOf(request, initiativeId)
  const formData = await readForm(request)
  const values = formValues(formData)
  const more = withMoreRows(initiativeFormOf(values), typeof values.intent === 'string' ? values.intent : '')
  if (more) return data<ActionData>({ errors: {}, form: more })
  const parsed = readInitiativeForm(formData)
  if (!parsed.ok) return data<ActionData>({ errors: parsed.errors, form: parsed.form }, { status: 400 })
  try {
    await updateInitiativeDetails(viewer, initiativeId, parsed.value, requestMeta(request, context))
  } catch (error) {
    const refusal = error instanceof InitiativeError ? refusals[error.code] : undefined
    if (refusal) return data<ActionData>({ errors: refusal.errors, form: parsed.form }, { status: refusal.status })
    return initiativeFailure(error)
  }
  return redirectWithToast(`/initiatives/${initiativeId.toLowerCase()}`, { kind: 'success', key: 'initiatives:toast.updated' })
}

export default function EditInitiative() {
  const { t } = useTranslation('initiatives')
  const loaded = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorText = useInitiativeErrorText()
  const submitting = useNavigation().state === 'submitting'
  const errors: FieldErrors = result?.errors ?? {}
  const form = result?.form ?? loaded.form
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link
          to={`/initiatives/${loaded.id}`}
          className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700"
        >
          {t('edit.back', { title: loaded.name })}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('edit.heading')}</h1>
        <p className="mt-1 flex flex-wrap items-center gap-2 text-slate-600">
          {loaded.name} <InitiativeTlpBadge tlp={loaded.tlp} />
        </p>
      </header>
      {Object.keys(errors).length > 0 ? <Alert>{errors.form?.length ? errors.form.map(errorText).join(' ') : t('form.fixErrors')}</Alert> : null}
      <Form method="post" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <CsrfInput />
        {/* Enter in a field saves: the first submit button of a form is its default one. */}
        <button type="submit" name="intent" value="save" className="sr-only" tabIndex={-1} aria-hidden="true">
          {t('edit.submit')}
        </button>
        <InitiativeFields form={form} errors={errors} editing previousTlp={loaded.tlp} />
        <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
          <Button type="submit" name="intent" value="save" disabled={submitting}>
            {t('edit.submit')}
          </Button>
          <Link to={`/initiatives/${loaded.id}`} className={buttonLinkClass}>
            {t('common:forms.cancel')}
          </Link>
        </div>
      </Form>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
