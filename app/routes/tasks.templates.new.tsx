import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { TemplateFields } from '~/components/task-template-form'
import { isCentre, type Viewer } from '~/policy/permissions'
import { BLANK_STEP_ROWS, blankStepRow, exampleTemplateSteps, rearrangeRows, type StepRow } from '~/tasks/forms'
import { createTemplate, readTemplateForm, rowsOfTemplate, stepRowsOf, TemplateError } from '~/tasks/templates.server'
import { formValues, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

async function requireTemplateManager(request: Request): Promise<Viewer> {
  const viewer = await requirePermission(request, 'template:manage')
  if (!isCentre(viewer)) throw forbidden()
  return viewer
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireTemplateManager(request)
  const t = await i18next.getFixedT(request, 'tasks')
  // The example playbook of the empty list, written out in the reader's language.
  if (new URL(request.url).searchParams.get('example') === 'card-payment') {
    const steps = exampleTemplateSteps.map((step) => ({
      title: t(`templates.example.steps.${step.key}.title`),
      description: t(`templates.example.steps.${step.key}.description`),
      organisationKind: step.organisationKind,
      priority: step.priority,
      dueInDays: step.dueInDays,
    }))
    return {
      title: t('templates.createTitle'),
      name: t('templates.example.name'),
      description: t('templates.example.description'),
      rows: rowsOfTemplate({ steps }, 1),
    }
  }
  return { title: t('templates.createTitle'), name: '', description: '', rows: rowsOfTemplate(null, 3) }
}

const text = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '')

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireTemplateManager(request)
  const form = await readForm(request)
  const values = formValues(form)
  const rearranged = rearrangeRows(stepRowsOf(values), text(values.intent))
  if (rearranged) return data({ errors: {} as FieldErrors, name: text(values.name), description: text(values.description), rows: rearranged })
  const parsed = readTemplateForm(form)
  const kept = { name: text(values.name), description: text(values.description), rows: parsed.rows }
  if (!parsed.ok) return data({ errors: parsed.errors, ...kept }, { status: 400 })
  try {
    await createTemplate(viewer, parsed.value, requestMeta(request, context))
  } catch (error) {
    if (error instanceof TemplateError && error.code === 'nameTaken') return data({ errors: { name: ['tasks:errors.nameTaken'] } as FieldErrors, ...kept }, { status: 400 })
    throw error
  }
  return redirectWithToast('/tasks/templates', { kind: 'success', key: 'tasks:toast.templateCreated', values: { name: parsed.value.name } })
}

export default function NewTemplate() {
  const { t } = useTranslation('tasks')
  const loaded = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const shown: { name: string; description: string; rows: StepRow[]; errors: FieldErrors } = result ?? { ...loaded, errors: {} }
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/tasks/templates" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('templates.back')}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('templates.createTitle')}</h1>
        <p className="mt-1 text-slate-600">{t('templates.formIntro')}</p>
      </header>
      {Object.keys(shown.errors).length > 0 ? <Alert>{t('create.fixErrors')}</Alert> : null}
      <Form method="post" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <CsrfInput />
        <TemplateFields name={shown.name} description={shown.description} rows={shown.rows.length > 0 ? shown.rows : rowsOfBlank()} errors={shown.errors} />
        <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
          <Button type="submit" name="intent" value="save" disabled={submitting}>
            {t('templates.save')}
          </Button>
          <Link
            to="/tasks/templates"
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('common:forms.cancel')}
          </Link>
        </div>
      </Form>
    </div>
  )
}

const rowsOfBlank = (): StepRow[] => Array.from({ length: BLANK_STEP_ROWS }, blankStepRow)

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
