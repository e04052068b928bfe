import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, notFound, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { TemplateFields } from '~/components/task-template-form'
import { isCentre, type Viewer } from '~/policy/permissions'
import { BLANK_STEP_ROWS, rearrangeRows, type StepRow } from '~/tasks/forms'
import { deleteTemplate, getTemplate, readTemplateForm, rowsOfTemplate, stepRowsOf, TemplateError, updateTemplate } from '~/tasks/templates.server'
import { formValues, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

async function requireTemplateManager(request: Request): Promise<Viewer> {
  const viewer = await requirePermission(request, 'template:manage')
  if (!isCentre(viewer)) throw forbidden()
  return viewer
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireTemplateManager(request)
  const template = await getTemplate(viewer, params.templateId)
  if (!template) throw notFound()
  const t = await i18next.getFixedT(request, 'tasks')
  return {
    title: t('templates.editTitle', { name: template.name }),
    id: template.id,
    templateName: template.name,
    name: template.name,
    description: template.description,
    rows: rowsOfTemplate(template, BLANK_STEP_ROWS),
    confirmDelete: new URL(request.url).searchParams.get('confirm') === 'delete',
  }
}

const text = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '')

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireTemplateManager(request)
  const templateId = params.templateId ?? ''
  if (!(await getTemplate(viewer, templateId))) throw notFound()
  const form = await readForm(request)
  const values = formValues(form)
  const intent = text(values.intent)
  const meta = requestMeta(request, context)
  if (intent === 'delete') {
    if (values.confirm !== 'yes') return redirectWithToast(`/tasks/templates/${templateId}?confirm=delete`, { kind: 'info', key: 'tasks:toast.confirmDelete' })
    const { name } = await deleteTemplate(viewer, templateId, meta)
    return redirectWithToast('/tasks/templates', { kind: 'success', key: 'tasks:toast.templateDeleted', values: { name } })
  }
  const rearranged = rearrangeRows(stepRowsOf(values), intent)
  if (rearranged) return data({ errors: {} as FieldErrors, name: text(values.name), description: text(values.description), rows: rearranged })
  const parsed = readTemplateForm(form)
  const kept = { name: text(values.name), description: text(values.description), rows: parsed.rows }
  if (!parsed.ok) return data({ errors: parsed.errors, ...kept }, { status: 400 })
  try {
    await updateTemplate(viewer, templateId, parsed.value, meta)
  } catch (error) {
    if (error instanceof TemplateError && error.code === 'nameTaken') return data({ errors: { name: ['tasks:errors.nameTaken'] } as FieldErrors, ...kept }, { status: 400 })
    if (error instanceof TemplateError && error.code === 'notFound') throw notFound()
    throw error
  }
  return redirectWithToast('/tasks/templates', { kind: 'success', key: 'tasks:toast.templateSaved', values: { name: parsed.value.name } })
}

const secondaryLink =
  'inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

export default function EditTemplate() {
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
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{loaded.templateName}</h1>
          <p className="mt-1 text-slate-600">{t('templates.formIntro')}</p>
        </div>
        <Link
          to={`/tasks/templates/${loaded.id}/apply`}
          className="inline-flex items-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        >
          {t('templates.apply')}
        </Link>
      </header>

      {loaded.confirmDelete ? (
        <section aria-labelledby="delete-confirm" className="rounded-lg border border-red-200 bg-red-50 p-4 sm:p-6">
          <h2 id="delete-confirm" className="text-lg font-semibold text-red-900">
            {t('templates.deleteConfirmTitle', { name: loaded.templateName })}
          </h2>
          <p className="mt-1 text-sm text-red-900">{t('templates.deleteConfirmBody')}</p>
          <Form method="post" className="mt-4 flex flex-wrap gap-3">
            <CsrfInput />
            <input type="hidden" name="confirm" value="yes" />
            <Button type="submit" name="intent" value="delete" variant="danger" disabled={submitting}>
              {t('templates.deleteConfirm')}
            </Button>
            <Link to={`/tasks/templates/${loaded.id}`} className={secondaryLink}>
              {t('common:forms.cancel')}
            </Link>
          </Form>
        </section>
      ) : null}

      {Object.keys(shown.errors).length > 0 ? <Alert>{t('create.fixErrors')}</Alert> : null}
      <Form method="post" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <CsrfInput />
        <TemplateFields name={shown.name} description={shown.description} rows={shown.rows} errors={shown.errors} />
        <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
          <Button type="submit" name="intent" value="save" disabled={submitting}>
            {t('templates.save')}
          </Button>
          <Link to="/tasks/templates" className={secondaryLink}>
            {t('common:forms.cancel')}
          </Link>
          {!loaded.confirmDelete ? (
            <Link to={`/tasks/templates/${loaded.id}?confirm=delete`} className={`${secondaryLink} ml-auto text-red-800`}>
              {t('templates.delete')}
            </Link>
          ) : null}
        </div>
      </Form>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
