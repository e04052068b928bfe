import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, Field, SelectField, TextAreaField } from '~/components/forms'
import { useTaskErrorText } from '~/components/task-badges'
import { organisationKinds, taskPriorities, tlpLabels, type OrganisationKind } from '~/domain/vocabulary'
import { isCentre, type Viewer } from '~/policy/permissions'
import { colleaguesOf, creationOptions, endOfDay, newSubmissionKey, peopleOf, today, type AssignableOrganisation } from '~/tasks/creation.server'
import { NewTaskForm } from '~/tasks/task-forms.server'
import { createTasks, objectId, TaskError } from '~/tasks/tasks.server'
import { claimOnce, releaseClaim } from '~/utils/claims.server'
import { formValues, parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

async function requireAssigner(request: Request): Promise<Viewer> {
  const viewer = await requirePermission(request, 'task:assign')
  if (!isCentre(viewer)) throw forbidden()
  return viewer
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireAssigner(request)
  const [options, t] = await Promise.all([creationOptions(viewer), i18next.getFixedT(request, 'tasks')])
  return { title: t('create.title'), ...options, submission: newSubmissionKey(), today: today() }
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value])

/** When exactly one organisation is chosen, its people (and the viewer's colleagues, for TLP:RED). */
async function peopleStep(viewer: Viewer, values: Record<string, string | string[]>) {
  const chosen = list(values.assigneeOrganisationIds).filter((value): value is string => typeof value === 'string' && objectId.safeParse(value).success)
  if (chosen.length !== 1 || !chosen[0]) return null
  const [people, colleagues] = await Promise.all([peopleOf(viewer, chosen[0]), colleaguesOf(viewer)])
  return { organisationId: chosen[0], people, colleagues }
}

const taskErrors: Partial<Record<TaskError['code'], FieldErrors>> = {
  invalidAssignee: { assigneeOrganisationIds: ['tasks:errors.invalidAssignee'] },
  notFound: { initiativeId: ['tasks:errors.invalidInitiative'] },
  forbidden: { form: ['tasks:errors.forbidden'] },
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireAssigner(request)
  const form = await readForm(request)
  if (form.get('intent') === 'people') {
    const values = formValues(form)
    const step = await peopleStep(viewer, values)
    if (!step) return data({ errors: { assigneeOrganisationIds: ['tasks:errors.personNeedsOneOrganisation'] } as FieldErrors, values, step: null }, { status: 400 })
    return data({ errors: {} as FieldErrors, values, step })
  }
  const parsed = parseForm(NewTaskForm, form)
  const step = await peopleStep(viewer, parsed.values)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values, step }, { status: 400 })
  const input = parsed.value
  // Only the chosen organisation's people and the viewer's colleagues can be named on a TLP:RED task.
  const nameable = new Set([...(step?.people ?? []), ...(step?.colleagues ?? [])].map((person) => person.id))
  if (input.tlp === 'RED' && input.redRecipientIds.some((id) => !nameable.has(id))) {
    return data({ errors: { redRecipientIds: ['invalid'] } as FieldErrors, values: parsed.values, step }, { status: 400 })
  }
  const claim = `task-create:${viewer.userId}:${input.submission}`
  if (!(await claimOnce(claim))) return redirectWithToast('/tasks?view=owned', { kind: 'info', key: 'tasks:toast.alreadySent' })
  let created: Awaited<ReturnType<typeof createTasks>>
  try {
    created = await createTasks(
      viewer,
      {
        title: input.title,
        description: input.description,
        assigneeOrganisationIds: input.assigneeOrganisationIds,
        assigneeUserId: input.assigneeUserId,
        priority: input.priority,
        dueAt: input.dueDate ? endOfDay(input.dueDate) : undefined,
        tlp: input.tlp,
        initiativeId: input.initiativeId,
        redRecipientIds: input.tlp === 'RED' ? input.redRecipientIds : undefined,
        draft: input.intent === 'draft',
      },
      requestMeta(request, context),
    )
  } catch (error) {
    await releaseClaim(claim)
    const errors = error instanceof TaskError ? taskErrors[error.code] : undefined
    if (errors) return data({ errors, values: parsed.values, step }, { status: 400 })
    throw error
  }
  const draft = input.intent === 'draft'
  const [first] = created.ids
  if (created.ids.length === 1 && first) {
    return redirectWithToast(`/tasks/${first}`, { kind: 'success', key: draft ? 'tasks:toast.draftSaved' : 'tasks:toast.created', values: { title: input.title } })
  }
  return redirectWithToast(`/tasks?view=owned&assignment=${created.assignmentId ?? ''}`, {
    kind: 'success',
    key: draft ? 'tasks:toast.draftsSaved' : 'tasks:toast.createdMany',
    values: { count: created.ids.length, title: input.title },
  })
}

const text = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '')

export default function NewTask() {
  const { t } = useTranslation('tasks')
  const { organisations, initiatives, duePolicy, submission, today: minDate } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorText = useTaskErrorText()
  const submitting = useNavigation().state === 'submitting'
  const errors: FieldErrors = result?.errors ?? {}
  const values: Record<string, string | string[]> = result?.values ?? {}
  const step = result?.step ?? null
  const chosen = list(values.assigneeOrganisationIds)
  const tlp = text(values.tlp) || 'AMBER'
  const red = list(values.redRecipientIds)
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/tasks" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold tracking-tight">{t('create.title')}</h1>
        <p className="mt-1 text-slate-600">{t('create.intro')}</p>
      </header>
      {Object.keys(errors).length > 0 ? <Alert>{errors.form?.length ? errors.form.map(errorText).join(' ') : t('create.fixErrors')}</Alert> : null}
      <Form method="post" className="space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <CsrfInput />
        <input type="hidden" name="submission" value={text(values.submission) || submission} />
        <Field label={t('create.fields.title')} name="title" required maxLength={200} defaultValue={text(values.title)} errors={errors.title} />
        <TextAreaField
          label={t('create.fields.description')}
          name="description"
          rows={6}
          maxLength={20_000}
          defaultValue={text(values.description)}
          errors={errors.description}
        />
        <p className="-mt-4 text-xs text-slate-500">
          {t('create.hints.description')}
        </p>

        <OrganisationPicker organisations={organisations} chosen={chosen} errors={errors.assigneeOrganisationIds?.map(errorText)} />

        <section aria-labelledby="person-step" className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4">
          <h2 id="person-step" className="text-sm font-semibold text-slate-800">
            {t('create.person.title')}
          </h2>
          {step ? (
            <>
              <SelectField
                label={t('create.fields.person')}
                name="assigneeUserId"
                defaultValue={text(values.assigneeUserId)}
                errors={errors.assigneeUserId}
                options={[{ value: '', label: t('create.person.anyone') }, ...step.people.map((person) => ({ value: person.id, label: person.name }))]}
              />
              {step.people.length === 0 ? <p className="text-sm text-slate-600">{t('create.person.nobody')}</p> : null}
              <fieldset>
                <legend className="text-sm font-medium text-slate-800">{t('create.fields.redRecipients')}</legend>
                <p className="text-xs text-slate-500">{t('create.hints.redRecipients')}</p>
                <div className="mt-2 grid gap-1 sm:grid-cols-2">
                  {[...step.people, ...step.colleagues].map((person) => (
                    <label key={person.id} className="inline-flex items-center gap-2 text-sm">
                      <input type="checkbox" name="redRecipientIds" value={person.id} defaultChecked={red.includes(person.id)} className="h-4 w-4 rounded border-slate-400" />
                      {person.name}
                    </label>
                  ))}
                </div>
                {errors.redRecipientIds?.length ? <p className="mt-1 text-sm text-red-700">{errors.redRecipientIds.map(errorText).join(' ')}</p> : null}
              </fieldset>
            </>
          ) : (
            <>
              <p className="text-sm text-slate-600">{t('create.person.explain')}</p>
              {errors.assigneeUserId?.length ? <p className="text-sm text-red-700">{errors.assigneeUserId.map(errorText).join(' ')}</p> : null}
              <Button type="submit" name="intent" value="people" variant="secondary" formNoValidate>
                {t('create.person.choose')}
              </Button>
            </>
          )}
        </section>

        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label={t('create.fields.priority')}
            name="priority"
            defaultValue={text(values.priority) || 'normal'}
            errors={errors.priority}
            options={taskPriorities.map((priority) => ({ value: priority, label: t(`priority.${priority}`) }))}
          />
          <Field
            label={t('create.fields.dueDate')}
            name="dueDate"
            type="date"
            min={minDate}
            defaultValue={text(values.dueDate)}
            errors={errors.dueDate}
            hint={t('create.hints.dueDate', { urgent: duePolicy.urgent, high: duePolicy.high, normal: duePolicy.normal, low: duePolicy.low })}
          />
        </div>

        <fieldset aria-describedby={errors.tlp?.length ? 'tlp-error' : undefined}>
          <legend className="text-sm font-medium text-slate-800">{t('create.fields.tlp')}</legend>
          <div className="mt-2 space-y-2">
            {tlpLabels.map((label) => (
              <label key={label} className="flex items-start gap-2 text-sm">
                <input type="radio" name="tlp" value={label} defaultChecked={tlp === label} className="mt-0.5 h-4 w-4 border-slate-400" />
                <span>
                  <span className="font-mono font-semibold">{t('tlp.badge', { label })}</span>
                  <span className="text-slate-600">
                    {' – '}
                    {t(`tlp.explain.${label}`)}
                  </span>
                </span>
              </label>
            ))}
          </div>
          {errors.tlp?.length ? (
            <p id="tlp-error" className="mt-1 text-sm text-red-700">
              {errors.tlp.map(errorText).join(' ')}
            </p>
          ) : null}
        </fieldset>

        <SelectField
          label={t('create.fields.initiative')}
          name="initiativeId"
          defaultValue={text(values.initiativeId)}
          errors={errors.initiativeId}
          options={[{ value: '', label: t('create.noInitiative') }, ...initiatives.map((initiative) => ({ value: initiative.id, label: initiative.title }))]}
        />

        <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
          <Button type="submit" name="intent" value="assign" disabled={submitting}>
            {t('create.assign')}
          </Button>
          <Button type="submit" name="intent" value="draft" variant="secondary" disabled={submitting}>
            {t('create.draft')}
          </Button>
          <Link
            to="/tasks"
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
          >
            {t('common:forms.cancel')}
          </Link>
        </div>
      </Form>
    </div>
  )
}

/** Checkboxes grouped by kind of organisation: one or many; several make one task each under one assignment. */
function OrganisationPicker({ organisations, chosen, errors }: { organisations: AssignableOrganisation[]; chosen: string[]; errors?: string[] }) {
  const { t } = useTranslation('tasks')
  const byKind = organisationKinds
    .map((kind: OrganisationKind) => ({ kind, members: organisations.filter((organisation) => organisation.kind === kind) }))
    .filter((group) => group.members.length > 0)
  return (
    <fieldset aria-describedby={errors?.length ? 'organisations-error' : 'organisations-hint'}>
      <legend className="text-sm font-medium text-slate-800">{t('create.fields.organisations')}</legend>
      <p id="organisations-hint" className="text-xs text-slate-500">
        {t('create.hints.organisations')}
      </p>
      {byKind.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t('create.noOrganisations')}</p>
      ) : (
        <div className="mt-2 max-h-80 space-y-3 overflow-y-auto rounded-md border border-slate-300 p-3">
          {byKind.map((group) => (
            <div key={group.kind}>
              <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{t(`common:kinds.${group.kind}`)}</p>
              <ul className="mt-1 grid gap-1 sm:grid-cols-2">
                {group.members.map((organisation) => (
                  <li key={organisation.id}>
                    <label className="inline-flex items-center gap-2 text-sm">
                      <input
                        type="checkbox"
                        name="assigneeOrganisationIds"
                        value={organisation.id}
                        defaultChecked={chosen.includes(organisation.id)}
                        className="h-4 w-4 rounded border-slate-400"
                      />
                      {organisation.name}
                      {organisation.probation ? <span className="text-xs text-amber-800">{t('create.probation')}</span> : null}
                    </label>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
      {errors?.length ? (
        <p id="organisations-error" className="mt-1 text-sm text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </fieldset>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
