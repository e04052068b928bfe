import { randomUUID } from 'node:crypto'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { forbidden, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { InitiativeFields } from '~/components/initiative-form'
import { buttonLinkClass, useInitiativeErrorText } from '~/components/initiative-ui'
import { readInitiativeForm, initiativeFormOf, withMoreRows } from '~/initiatives/forms.server'
import { createInitiative } from '~/initiatives/initiatives.server'
import { emptyInitiativeForm, type InitiativeFormValues } from '~/initiatives/shared'
import { isCentre, type Viewer } from '~/policy/permissions'
import { claimOnce, releaseClaim } from '~/utils/claims.server'
import { formValues, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

/** One submission of the form creates one initiative, however often it is sent. */
const Submission = z.string().min(8, 'invalid').max(64, 'invalid')

async function requireCreator(request: Request): Promise<Viewer> {
  const viewer = await requirePermission(request, 'initiative:manage')
  if (!isCentre(viewer)) throw forbidden()
  return viewer
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCreator(request)
  const t = await i18next.getFixedT(request, 'initiatives')
  return { title: t('create.title'), form: emptyInitiativeForm(), submission: randomUUID() }
}

type ActionData = { errors: FieldErrors; form: InitiativeFormValues; submission: string }

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireCreator(request)
  const formData = await readForm(request)
  const values = formValues(formData)
  const submission = Submission.safeParse(values.submission).success ? String(values.submission) : randomUUID()
  const more = withMoreRows(initiativeFormOf(values), typeof values.intent === 'string' ? values.intent : '')
  if (more) return data<ActionData>({ errors: {}, form: more, submission })
  const parsed = readInitiativeForm(formData)
  if (!parsed.ok) return data<ActionData>({ errors: parsed.errors, form: parsed.form, submission }, { status: 400 })
  const claim = `initiative-create:${viewer.userId}:${submission}`
  if (!(await claimOnce(claim))) return redirectWithToast('/initiatives', { kind: 'info', key: 'initiatives:toast.alreadySent' })
  let id: string
  try {
    const { tlpReason: _unused, ...input } = parsed.value
    id = await createInitiative(viewer, input, requestMeta(request, context))
  } catch (error) {
    await releaseClaim(claim)
    throw error
  }
  return redirectWithToast(`/initiatives/${id}`, { kind: 'success', key: 'initiatives:toast.created', values: { title: parsed.value.title } })
}

export default function NewInitiative() {
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
        <Link to="/initiatives" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('create.title')}</h1>
        <p className="mt-1 text-slate-600">{t('create.intro')}</p>
      </header>
      {Object.keys(errors).length > 0 ? <Alert>{errors.form?.length ? errors.form.map(errorText).join(' ') : t('form.fixErrors')}</Alert> : null}
      <Form method="post" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <CsrfInput />
        <input type="hidden" name="submission" value={result?.submission ?? loaded.submission} />
        {/* Enter in a field saves: the first submit button of a form is its default one. */}
        <button type="submit" name="intent" value="save" className="sr-only" tabIndex={-1} aria-hidden="true">
          {t('create.submit')}
        </button>
        <InitiativeFields form={form} errors={errors} editing={false} />
        <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
          <Button type="submit" name="intent" value="save" disabled={submitting}>
            {t('create.submit')}
          </Button>
          <Link to="/initiatives" className={buttonLinkClass}>
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
