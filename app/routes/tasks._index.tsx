import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { forbidden, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { TaskStatusBadge, useTaskErrorText } from '~/components/task-badges'
import { TaskListFilters } from '~/components/task-list-filters'
import { CentreGroups, StatusCounts } from '~/components/task-list-summary'
import { TaskListTable, TaskPaging, taskLinkClass } from '~/components/task-list-table'
import { can, isCentre } from '~/policy/permissions'
import { taskListHref, type BulkOutcome, type TaskView } from '~/tasks/forms'
import { acknowledgeTasks, listTasks, parseTaskListQuery } from '~/tasks/queues.server'
import { BulkForm } from '~/tasks/task-forms.server'
import { canManageTemplates } from '~/tasks/templates.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, 'task:view')
  const url = new URL(request.url)
  const query = parseTaskListQuery(url.searchParams)
  const [list, t] = await Promise.all([listTasks(viewer, query), i18next.getFixedT(request, 'tasks')])
  if (!list) throw forbidden()
  return {
    title: t('list.title'),
    centre: isCentre(viewer),
    canCreate: can(viewer, 'task:assign') && isCentre(viewer),
    canTemplates: canManageTemplates(viewer),
    canWork: can(viewer, 'task:work'),
    paged: Boolean(query.after || query.before),
    ...list,
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'task:work')
  const form = await readForm(request)
  const parsed = parseForm(BulkForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors, results: null }, { status: 400 })
  const results = await acknowledgeTasks(viewer, parsed.value.ids, requestMeta(request, context))
  return { errors: null, results }
}

const viewKey = (view: TaskView, centre: boolean) => (view === 'assigned' && centre ? 'views.assignedCentre' : `views.${view}`)

export default function TaskList() {
  const { t } = useTranslation('tasks')
  const { view, views, state, items, next, previous, counts, total, groups, options, centre, canCreate, canTemplates, canWork, paged } =
    useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorText = useTaskErrorText()
  const submitting = useNavigation().state === 'submitting'
  const filtered = Boolean(state.status.length || state.priority || state.due !== 'any' || state.initiative || state.partner || state.assignment || state.q)
  const selectable = view !== 'owned' && canWork && items.some((row) => row.acknowledgeable)
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t('list.title')}</h1>
          <p className="mt-1 max-w-2xl text-slate-600">{t(centre ? 'list.introCentre' : 'list.introPartner')}</p>
        </div>
        <div className="flex flex-wrap gap-2">
          {canTemplates ? (
            <Link
              to="/tasks/templates"
              className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
            >
              {t('list.templates')}
            </Link>
          ) : null}
          {canCreate ? (
            <Link
              to="/tasks/new"
              className="inline-flex items-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
            >
              {t('list.create')}
            </Link>
          ) : null}
        </div>
      </header>

      {views.length > 1 ? (
        <nav aria-label={t('views.label')} className="border-b border-slate-200">
          <ul className="-mb-px flex flex-wrap gap-1">
            {views.map((candidate) => (
              <li key={candidate}>
                <Link
                  to={`/tasks?view=${candidate}`}
                  aria-current={candidate === view ? 'page' : undefined}
                  className={`block rounded-t-md border-b-2 px-4 py-2 text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700 ${
                    candidate === view ? 'border-slate-900 font-semibold text-slate-900' : 'border-transparent text-slate-600 hover:text-slate-900'
                  }`}
                >
                  {t(viewKey(candidate, centre))}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      {state.assignment ? (
        <Alert tone="info">
          {t('list.assignmentFilter', { count: total })}{' '}
          <Link to={taskListHref({ ...state, assignment: '' })} className="font-medium underline underline-offset-2">
            {t('list.assignmentClear')}
          </Link>
        </Alert>
      ) : null}

      {result?.errors ? <Alert>{Object.values(result.errors).flat().map(errorText).join(' ')}</Alert> : null}
      {result?.results ? <BulkResults results={result.results} /> : null}

      <StatusCounts state={state} counts={counts} />
      {groups ? <CentreGroups state={state} groups={groups} /> : null}
      <TaskListFilters state={state} filtered={filtered} initiatives={options.initiatives} organisations={options.organisations} />

      <section aria-labelledby="task-results" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="task-results" className="text-lg font-semibold">
            {t(viewKey(view, centre))}
          </h2>
          <p className="text-sm text-slate-700" role="status">
            {t('list.count', { count: total })}
          </p>
        </div>
        {items.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
            <p>{filtered || paged ? t('list.emptyFiltered') : t(`list.empty.${view}`)}</p>
            {filtered ? (
              <Link to={taskListHref({ ...state, status: [], priority: '', due: 'any', initiative: '', partner: '', assignment: '', q: '' })} className={`mt-3 inline-block ${taskLinkClass}`}>
                {t('filters.clear')}
              </Link>
            ) : canCreate && view === 'owned' ? (
              <Link to="/tasks/new" className={`mt-3 inline-block ${taskLinkClass}`}>
                {t('list.create')}
              </Link>
            ) : null}
          </div>
        ) : selectable ? (
          <Form method="post" className="space-y-3">
            <CsrfInput />
            <input type="hidden" name="intent" value="acknowledge" />
            <TaskListTable rows={items} state={state} selectable />
            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" disabled={submitting}>
                {t('bulk.acknowledge')}
              </Button>
              <p className="text-sm text-slate-600">{t('bulk.hint')}</p>
            </div>
          </Form>
        ) : (
          <TaskListTable rows={items} state={state} selectable={false} />
        )}
        <TaskPaging state={state} next={next} previous={previous} paged={paged} />
      </section>
    </div>
  )
}

function BulkResults({ results }: { results: BulkOutcome[] }) {
  const { t } = useTranslation('tasks')
  const done = results.filter((result) => result.outcome === 'done').length
  return (
    <Alert tone={done === results.length ? 'success' : 'info'}>
      <p className="font-medium">{t('bulk.summary', { done, count: results.length })}</p>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        {results.map((result) => (
          <li key={result.id}>
            {result.title ? (
              <Link to={`/tasks/${result.id}`} className="underline underline-offset-2">
                {result.title}
              </Link>
            ) : (
              t('bulk.unknownTask')
            )}
            {': '}
            {result.outcome === 'done' ? (
              t('bulk.done')
            ) : (
              <>
                {t(`bulk.refused.${result.reason}`)}
                {result.reason === 'illegalTransition' && result.status ? (
                  <>
                    {' '}
                    <TaskStatusBadge status={result.status} />
                  </>
                ) : null}
              </>
            )}
          </li>
        ))}
      </ul>
    </Alert>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
