import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Button, CsrfInput, Field } from '~/components/forms'
import { taskLinkClass } from '~/components/task-list-table'
import type { TaskPriority } from '~/domain/vocabulary'
import { isCentre, type Viewer } from '~/policy/permissions'
import { canManageDuePolicy, exampleTemplateSteps, prioritiesByUrgency } from '~/tasks/forms'
import { duePolicyInput, duePolicyOf, saveDuePolicy } from '~/tasks/policy.server'
import { listTemplates } from '~/tasks/templates.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

async function requireTemplateManager(request: Request): Promise<Viewer> {
  const viewer = await requirePermission(request, 'template:manage')
  if (!isCentre(viewer)) throw forbidden()
  return viewer
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireTemplateManager(request)
  const url = new URL(request.url)
  const after = url.searchParams.get('after') ?? undefined
  const before = url.searchParams.get('before') ?? undefined
  const [templates, duePolicy, t] = await Promise.all([listTemplates(viewer, { after, before }), duePolicyOf(viewer.organisationId), i18next.getFixedT(request, 'tasks')])
  return { title: t('templates.title'), ...templates, paged: Boolean(after || before), duePolicy, canPolicy: canManageDuePolicy(viewer) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireTemplateManager(request)
  if (!canManageDuePolicy(viewer)) throw forbidden()
  const form = await readForm(request)
  const parsed = parseForm(duePolicyInput, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  await saveDuePolicy(viewer, parsed.value, requestMeta(request, context))
  return redirectWithToast('/tasks/templates', { kind: 'success', key: 'tasks:toast.policySaved' })
}

const pagingClass =
  'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

export default function Templates() {
  const { t } = useTranslation('tasks')
  const { items, next, previous, paged } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-8">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/tasks" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t('templates.title')}</h1>
          <p className="mt-1 max-w-2xl text-slate-600">{t('templates.intro')}</p>
        </div>
        <Link
          to="/tasks/templates/new"
          className="inline-flex items-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        >
          {t('templates.create')}
        </Link>
      </header>

      <section aria-labelledby="template-list" className="space-y-3">
        <h2 id="template-list" className="sr-only">
          {t('templates.listTitle')}
        </h2>
        {items.length === 0 && !paged ? (
          <ExampleTemplate />
        ) : (
          <ul className="grid gap-4 md:grid-cols-2">
            {items.map((template) => (
              <li key={template.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <h3 className="text-base font-semibold">
                  <Link to={`/tasks/templates/${template.id}`} className={taskLinkClass}>
                    {template.name}
                  </Link>
                </h3>
                {template.description ? <p className="mt-1 text-sm text-slate-600">{template.description}</p> : null}
                <ol className="mt-3 list-decimal space-y-1 pl-5 text-sm text-slate-700">
                  {template.steps.map((step, index) => (
                    <li key={index}>
                      {step.title} <span className="text-slate-500">({t(`common:kinds.${step.organisationKind}`)})</span>
                    </li>
                  ))}
                </ol>
                <div className="mt-4 flex flex-wrap gap-2">
                  <Link
                    to={`/tasks/templates/${template.id}/apply`}
                    className="inline-flex items-center rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
                  >
                    {t('templates.apply')}
                  </Link>
                  <Link to={`/tasks/templates/${template.id}`} className={pagingClass}>
                    {t('templates.edit')}
                  </Link>
                </div>
              </li>
            ))}
          </ul>
        )}
        {next || previous || paged ? (
          <nav aria-label={t('paging.label')} className="flex flex-wrap gap-2">
            {paged ? (
              <Link to="/tasks/templates" className={pagingClass}>
                {t('paging.first')}
              </Link>
            ) : null}
            {previous ? (
              <Link to={`/tasks/templates?before=${previous}`} rel="prev" className={pagingClass}>
                {t('paging.previous')}
              </Link>
            ) : null}
            {next ? (
              <Link to={`/tasks/templates?after=${next}`} rel="next" className={pagingClass}>
                {t('paging.next')}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>

      <DuePolicySection />
    </div>
  )
}

function ExampleTemplate() {
  const { t } = useTranslation('tasks')
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6">
      <p className="text-slate-700">{t('templates.empty')}</p>
      <p className="mt-4 text-sm font-semibold text-slate-800">{t('templates.example.name')}</p>
      <ol className="mt-2 flex flex-col gap-2 text-sm text-slate-700 sm:flex-row sm:flex-wrap sm:items-center">
        {exampleTemplateSteps.map((step, index) => (
          <li key={step.key} className="flex items-center gap-2">
            {index > 0 ? (
              <span aria-hidden="true" className="text-slate-400">
                {t('templates.example.arrow')}
              </span>
            ) : null}
            <span className="rounded-md bg-slate-100 px-2 py-1">
              {t(`templates.example.steps.${step.key}.title`)} <span className="text-slate-500">({t(`common:kinds.${step.organisationKind}`)})</span>
            </span>
          </li>
        ))}
      </ol>
      <Link to="/tasks/templates/new?example=card-payment" className={`mt-4 inline-block ${taskLinkClass}`}>
        {t('templates.useExample')}
      </Link>
    </div>
  )
}

function DuePolicySection() {
  const { t } = useTranslation('tasks')
  const { duePolicy, canPolicy } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const value = (priority: TaskPriority) => {
    const kept = result?.values?.[priority]
    return typeof kept === 'string' ? kept : String(duePolicy[priority])
  }
  return (
    <section aria-labelledby="due-policy" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
      <h2 id="due-policy" className="text-lg font-semibold">
        {t('policy.title')}
      </h2>
      <p className="mt-1 max-w-2xl text-sm text-slate-600">{t('policy.intro')}</p>
      {canPolicy ? (
        <Form method="post" className="mt-4 space-y-4">
          <CsrfInput />
          <div className="grid gap-3 sm:grid-cols-4">
            {prioritiesByUrgency.map((priority) => (
              <Field
                key={priority}
                label={t('policy.days', { priority: t(`priority.${priority}`) })}
                name={priority}
                type="number"
                min={0}
                max={365}
                inputMode="numeric"
                required
                defaultValue={value(priority)}
                errors={result?.errors?.[priority]}
              />
            ))}
          </div>
          <Button type="submit" disabled={submitting}>
            {t('policy.save')}
          </Button>
        </Form>
      ) : (
        <>
          <dl className="mt-4 grid gap-3 sm:grid-cols-4">
            {prioritiesByUrgency.map((priority) => (
              <div key={priority} className="rounded-md bg-slate-50 p-3">
                <dt className="text-sm text-slate-600">{t(`priority.${priority}`)}</dt>
                <dd className="text-lg font-semibold">{t('policy.inDays', { count: duePolicy[priority] })}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-3 text-sm text-slate-600">{t('policy.coordinatorsOnly')}</p>
        </>
      )}
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
