import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { forbidden, notFound, requireViewer } from '~/auth/guards.server'
import { clearReviewInput, clearTaskReview } from '~/tasks/review.server'
import { loadTask, TaskError } from '~/tasks/tasks.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

/**
 * The owning centre marks the review of a task as done (the task went back to it because an indicator
 * it carries was retracted). Posted from the task page, answered with a redirect back to it.
 */

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireViewer(request)
  return redirect(`/tasks/${encodeURIComponent(params.taskId ?? '')}`)
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request)
  const form = await readForm(request)
  const taskId = params.taskId ?? ''
  // Someone who may not see the task learns nothing more from posting to it.
  await loadTask(viewer, taskId).catch(refusal)
  const here = `/tasks/${taskId.toLowerCase()}`
  const parsed = parseForm(clearReviewInput, form)
  if (!parsed.ok) return redirectWithToast(here, { kind: 'error', key: 'task:review.toast.invalid' })
  try {
    await clearTaskReview(viewer, taskId, parsed.value, requestMeta(request, context))
  } catch (error) {
    if (error instanceof TaskError && error.code === 'conflict') return redirectWithToast(here, { kind: 'info', key: 'task:review.toast.alreadyCleared' })
    refusal(error)
  }
  return redirectWithToast(here, { kind: 'success', key: 'task:review.toast.cleared' })
}

function refusal(error: unknown): never {
  if (error instanceof TaskError && error.code === 'notFound') throw notFound()
  if (error instanceof TaskError && error.code === 'forbidden') throw forbidden()
  throw error
}
