import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { notFound, requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { TaskActions } from '~/components/task-detail-actions'
import { TaskComments } from '~/components/task-detail-comments'
import { TaskHeader } from '~/components/task-detail-header'
import { ReportForm, ReportHistory } from '~/components/task-detail-report'
import { TaskIndicators } from '~/components/task-indicators'
import { TaskTimeline } from '~/components/task-detail-timeline'
import { Panel, type TaskActionData } from '~/components/task-detail-ui'
import { indicatorChains, indicatorsOfTask, linkIndicatorFromForm } from '~/indicators/indicators.server'
import { CommentForm, ReportSubmission, TransitionForm } from '~/tasks/detail-forms.server'
import { getTaskDetail } from '~/tasks/detail.server'
import { addComment, loadTask, submitReport, TaskError, transitionTask } from '~/tasks/tasks.server'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  const task = await getTaskDetail(viewer, params.taskId ?? '').catch(hideMissing)
  // Cancelling asks for a second, explicit step; it is a page state, so it works without JavaScript.
  const confirming: 'cancel' | null = new URL(request.url).searchParams.get('confirm') === 'cancel' && task.transitions.includes('cancel') ? 'cancel' : null
  const indicators = { ...(await indicatorsOfTask(viewer, task)), chains: indicatorChains() }
  return { title: task.title, task, confirming, indicators }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request)
  const form = await readForm(request)
  const taskId = params.taskId ?? ''
  // Someone who may not see the task learns nothing more from posting to it: 404 before the form is looked at.
  await loadTask(viewer, taskId).catch(hideMissing)
  const meta = requestMeta(request, context)
  const t = await i18next.getFixedT(request, 'task')
  const here = `/tasks/${taskId.toLowerCase()}`
  const intent = form.get('intent')

  const refused = (answer: Omit<TaskActionData, 'message'> & { message?: string | null }, status: number) =>
    data<TaskActionData>({ message: null, ...answer }, { status })

  if (intent === 'transition') {
    const parsed = parseForm(TransitionForm, form)
    const transition = typeof parsed.values.transition === 'string' ? parsed.values.transition : null
    if (!parsed.ok) return refused({ intent, transition, errors: parsed.errors, values: parsed.values }, 400)
    const { reason, assigneeOrganisationId } = parsed.value
    try {
      await transitionTask(viewer, taskId, parsed.value.transition, { reason, assigneeOrganisationId, meta })
    } catch (error) {
      const refusal = taskRefusal(error, t, 'reason')
      return refused({ intent, transition, values: parsed.values, ...refusal.answer }, refusal.status)
    }
    return redirectWithToast(here, { kind: 'success', key: `task:toast.${parsed.value.transition}` })
  }

  if (intent === 'report') {
    const parsed = parseForm(ReportSubmission, form)
    if (!parsed.ok) return refused({ intent, transition: 'report', errors: parsed.errors, values: parsed.values }, 400)
    try {
      const { version } = await submitReport(viewer, taskId, parsed.value, meta)
      return redirectWithToast(here, { kind: 'success', key: 'task:toast.reported', values: { version } })
    } catch (error) {
      const refusal = taskRefusal(error, t, 'actions')
      return refused({ intent, transition: 'report', values: parsed.values, ...refusal.answer }, refusal.status)
    }
  }

  if (intent === 'comment') {
    const parsed = parseForm(CommentForm, form)
    if (!parsed.ok) return refused({ intent, transition: null, errors: parsed.errors, values: parsed.values }, 400)
    try {
      const { visibility } = await addComment(viewer, taskId, parsed.value, meta)
      return redirectWithToast(`${here}#comments`, { kind: 'success', key: `task:toast.commented.${visibility}` })
    } catch (error) {
      const refusal = taskRefusal(error, t, 'body')
      return refused({ intent, transition: null, values: parsed.values, ...refusal.answer }, refusal.status)
    }
  }

  if (intent === 'linkIndicator') {
    const linked = await linkIndicatorFromForm(viewer, taskId, form, meta)
    if (!linked.ok) return refused({ intent: null, transition: null, errors: linked.errors, values: linked.values }, linked.status)
    return redirectWithToast(`${here}#indicators`, { kind: 'success', key: linked.key })
  }

  return refused({ intent: null, transition: null, errors: { form: ['invalid'] }, values: {} }, 400)
}

/** A task the viewer may not see is simply not there. */
function hideMissing(error: unknown): never {
  if (error instanceof TaskError && error.code === 'notFound') throw notFound()
  throw error
}

/** How a refused task operation answers: its status and what the page tells the person. */
function taskRefusal(error: unknown, t: (key: string, options?: Record<string, unknown>) => string, textField: string) {
  if (!(error instanceof TaskError)) throw error
  const answer = (status: number, errors: FieldErrors, message: string | null = null) => ({ status, answer: { errors, message } })
  switch (error.code) {
    case 'notFound':
      throw notFound()
    case 'forbidden':
      return answer(403, {}, t('errors.forbidden'))
    case 'illegalTransition':
      return answer(409, {}, t('errors.illegalTransition', { status: t(`statuses.${error.status ?? 'draft'}`) }))
    case 'conflict':
      return answer(409, {}, t('errors.conflict'))
    case 'invalidAssignee':
      return answer(400, { assigneeOrganisationId: ['invalidAssignee'] })
    case 'reasonRequired':
      return answer(400, { [textField]: [textField === 'actions' ? 'noActions' : 'required'] })
  }
}

export default function TaskPage() {
  const { t } = useTranslation('task')
  const { task, confirming, indicators } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="space-y-6">
      <TaskHeader task={task} />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Panel id="description" title={t('description.heading')}>
            {task.descriptionHtml ? (
              <div
                className="task-description mt-3 text-sm leading-6 break-words text-slate-900 [&_blockquote]:border-l-2 [&_blockquote]:border-slate-300 [&_blockquote]:pl-3 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h3]:mt-4 [&_h3]:font-semibold [&_h4]:mt-3 [&_h4]:font-semibold [&_h5]:font-semibold [&_h6]:font-semibold [&_ol]:list-decimal [&_ol]:pl-5 [&_p]:my-2 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-2 [&_table]:my-2 [&_table]:block [&_table]:overflow-x-auto [&_td]:border [&_td]:border-slate-200 [&_td]:px-2 [&_th]:border [&_th]:border-slate-200 [&_th]:px-2 [&_ul]:list-disc [&_ul]:pl-5 [&_.task-link-target]:break-all [&_.task-link-target]:text-slate-500"
                // Rendered on the server by markdown.server.ts: raw HTML escaped, no links, no images.
                dangerouslySetInnerHTML={{ __html: task.descriptionHtml }}
              />
            ) : (
              <p className="mt-2 text-sm text-slate-600">{t('description.empty')}</p>
            )}
          </Panel>
          {task.canReport ? <ReportForm key={task.reports.length} taskId={task.id} result={result} hasReport={task.reports.length > 0} /> : null}
          <ReportHistory reports={task.reports} />
          <TaskComments key={task.comments.length} task={task} result={result} />
        </div>
        <div className="min-w-0 space-y-6">
          <TaskActions task={task} confirming={confirming} result={result} />
          <TaskIndicators data={indicators} result={result} />
          <TaskTimeline items={task.timeline} />
        </div>
      </div>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
