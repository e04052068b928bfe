import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { forbidden, notFound, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, SelectField } from '~/components/forms'
import { PriorityBadge, useTaskErrorText } from '~/components/task-badges'
import { isCentre, type Viewer } from '~/policy/permissions'
import { newSubmissionKey } from '~/tasks/creation.server'
import { templateTlpLabels } from '~/tasks/forms'
import { ApplyForm } from '~/tasks/task-forms.server'
import { applyChoices, applyTemplate, getTemplate, TemplateError, type StepChoice } from '~/tasks/templates.server'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
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
  const initiative = new URL(request.url).searchParams.get('initiative') ?? undefined
  const [choices, t] = await Promise.all([applyChoices(viewer, template, initiative), i18next.getFixedT(request, 'tasks')])
  return { title: t('templates.applyTitle', { name: template.name }), id: template.id, name: template.name, ...choices, submission: newSubmissionKey() }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireTemplateManager(request)
  const templateId = params.templateId ?? ''
  if (!(await getTemplate(viewer, templateId))) throw notFound()
  const form = await readForm(request)
  const parsed = parseForm(ApplyForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const t = await i18next.getFixedT(request, 'tasks')
  try {
    const { assignmentId, taskIds } = await applyTemplate(viewer, templateId, parsed.value, {
      meta: requestMeta(request, context),
      noteFor: (step, steps, name) => t('templates.applyNote', { name, step, steps }),
    })
    return redirectWithToast(`/tasks?view=owned&assignment=${assignmentId}`, { kind: 'success', key: 'tasks:toast.templateApplied', values: { count: taskIds.length } })
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    if (error.code === 'notFound') throw notFound()
    if (error.code === 'alreadyApplied') return redirectWithToast('/tasks?view=owned', { kind: 'info', key: 'tasks:toast.alreadySent' })
    const errors: FieldErrors =
      error.code === 'invalidAssignee' && error.step !== null
        ? { [`step.${error.step}`]: ['tasks:errors.invalidAssignee'] }
        : error.code === 'invalidInitiative'
          ? { initiativeId: ['tasks:errors.invalidInitiative'] }
          : { form: [`tasks:errors.${error.code}`] }
    return data({ errors, values: parsed.values }, { status: 400 })
  }
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value])

export default function ApplyTemplate() {
  const { t } = useTranslation('tasks')
  const { id, name, initiatives, initiativeId, steps, submission } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorText = useTaskErrorText()
  const submitting = useNavigation().state === 'submitting'
  const errors: FieldErrors = result?.errors ?? {}
  const values: Record<string, string | string[]> = result?.values ?? {}
  const chosen = list(values.organisationIds)
  const tlp = typeof values.tlp === 'string' ? values.tlp : 'AMBER'
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to={`/tasks/templates/${id}`} className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('templates.backTo', { name })}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('templates.applyTitle', { name })}</h1>
        <p className="mt-1 text-slate-600">{t('templates.applyIntro')}</p>
      </header>

      <Form method="get" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <SelectField
          className="min-w-64 flex-1"
          label={t('templates.fields.initiative')}
          name="initiative"
          defaultValue={initiativeId}
          options={[{ value: '', label: t('create.noInitiative') }, ...initiatives.map((initiative) => ({ value: initiative.id, label: initiative.title }))]}
        />
        <Button type="submit" variant="secondary">
          {t('templates.useInitiative')}
        </Button>
      </Form>

      {Object.keys(errors).length > 0 ? <Alert>{errors.form?.length ? errors.form.map(errorText).join(' ') : t('create.fixErrors')}</Alert> : null}
      <Form method="post" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <CsrfInput />
        <input type="hidden" name="submission" value={typeof values.submission === 'string' ? values.submission : submission} />
        <input type="hidden" name="initiativeId" value={initiativeId} />
        {errors.initiativeId?.length ? <p className="text-sm text-red-700">{errors.initiativeId.map(errorText).join(' ')}</p> : null}
        <ol className="space-y-4">
          {steps.map((step) => (
            <li key={step.index}>
              <StepAssignment step={step} chosen={chosen[step.index]} preferParticipants={Boolean(initiativeId)} errors={errors[`step.${step.index}`]?.map(errorText)} />
            </li>
          ))}
        </ol>
        <SelectField
          label={t('templates.fields.tlp')}
          name="tlp"
          defaultValue={tlp}
          errors={errors.tlp}
          options={templateTlpLabels.map((label) => ({ value: label, label: `${t('tlp.badge', { label })} – ${t(`tlp.explain.${label}`)}` }))}
        />
        <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
          <Button type="submit" disabled={submitting}>
            {t('templates.applySubmit')}
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

/** One step: which organisation of the step's kind gets its task; the initiative's participants come first. */
function StepAssignment({ step, chosen, preferParticipants, errors }: { step: StepChoice; chosen: string | undefined; preferParticipants: boolean; errors?: string[] }) {
  const { t } = useTranslation('tasks')
  const id = useId()
  const fallback = preferParticipants && step.participants.length > 0 ? (step.participants[0]?.id ?? '') : ''
  const empty = step.participants.length === 0 && step.others.length === 0
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 p-4">
      <p className="text-sm font-semibold text-slate-800">
        {t('templates.step', { number: step.index + 1 })}
        {': '}
        {step.title}
      </p>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
        <span>{t(`common:kinds.${step.organisationKind}`)}</span>
        <PriorityBadge priority={step.priority} />
        <span>{t('templates.dueIn', { count: step.dueInDays })}</span>
      </p>
      <label htmlFor={id} className="mt-3 block text-sm font-medium text-slate-800">
        {t('templates.assignTo')}
      </label>
      <select
        id={id}
        name="organisationIds"
        defaultValue={chosen ?? fallback}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500"
      >
        <option value="">{t('templates.skipStep')}</option>
        {step.participants.length > 0 ? (
          <optgroup label={t('templates.participants')}>
            {step.participants.map((organisation) => (
              <option key={organisation.id} value={organisation.id}>
                {organisation.name}
              </option>
            ))}
          </optgroup>
        ) : null}
        {step.others.length > 0 ? (
          <optgroup label={step.participants.length > 0 ? t('templates.otherOrganisations') : t('templates.organisations')}>
            {step.others.map((organisation) => (
              <option key={organisation.id} value={organisation.id}>
                {organisation.name}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      {empty ? <p className="mt-1 text-sm text-slate-600">{t('templates.noneOfKind')}</p> : null}
      {errors?.length ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
