import { Form, useNavigation } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { keptValue, Panel, useTaskDates, useTaskErrorText, type TaskActionData } from '~/components/task-detail-ui'
import type { TaskDetail } from '~/tasks/detail.server'

type CommentsTask = Pick<TaskDetail, 'id' | 'side' | 'comments' | 'canComment' | 'canCommentInternally'>

/**
 * The conversation on a task. Centre staff see their internal notes beside the shared comments,
 * each plainly marked; the partner never receives internal ones.
 */
export function TaskComments({ task, result }: { task: CommentsTask; result: TaskActionData | undefined }) {
  const { t } = useTranslation('task')
  const { dateTime } = useTaskDates()
  return (
    <Panel id="comments" title={t('comments.heading')}>
      {task.comments.length === 0 ? <p className="mt-2 text-sm text-slate-600">{t('comments.empty')}</p> : null}
      <ol className="mt-3 space-y-3">
        {task.comments.map((comment) => {
          const internal = comment.visibility === 'internal'
          return (
            <li
              key={comment.id}
              className={`rounded-md border p-3 ${internal ? 'border-amber-300 border-l-4 bg-amber-50' : 'border-slate-200 bg-white'}`}
            >
              <p className="flex flex-wrap items-center gap-2 text-xs">
                <span
                  className={`rounded px-1.5 py-0.5 font-semibold ${internal ? 'bg-amber-200 text-amber-950' : 'bg-slate-100 text-slate-700'}`}
                >
                  {internal ? t('comments.internalLabel') : t(`comments.sharedLabel.${task.side}`)}
                </span>
                <span className="text-slate-700">
                  {comment.authorName
                    ? t(comment.fromCentre ? 'comments.byCentre' : 'comments.byPartner', { name: comment.authorName })
                    : t(comment.fromCentre ? 'comments.fromCentre' : 'comments.fromPartner')}
                </span>
                <time dateTime={comment.createdAt} className="text-slate-500">
                  {dateTime(comment.createdAt)}
                </time>
              </p>
              <p className="mt-2 text-sm whitespace-pre-line break-words text-slate-900">{comment.body}</p>
            </li>
          )
        })}
      </ol>
      {task.canComment ? <CommentForm task={task} result={result?.intent === 'comment' ? result : undefined} /> : null}
    </Panel>
  )
}

function CommentForm({ task, result }: { task: CommentsTask; result: TaskActionData | undefined }) {
  const { t } = useTranslation('task')
  const errorText = useTaskErrorText()
  const busy = useNavigation().state === 'submitting'
  const id = useId()
  const errors = result?.errors.body
  const visibility = keptValue(result?.values, 'visibility') === 'shared' ? 'shared' : 'internal'
  return (
    <Form method="post" action={`/tasks/${task.id}`} className="mt-4 space-y-3 border-t border-slate-200 pt-4">
      <CsrfInput />
      <input type="hidden" name="intent" value="comment" />
      {result?.message ? <Alert>{result.message}</Alert> : null}
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-slate-800">
          {t('comments.body')}
        </label>
        <textarea
          id={id}
          name="body"
          rows={3}
          required
          maxLength={8000}
          defaultValue={keptValue(result?.values, 'body')}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? `${id}-error` : task.canCommentInternally ? undefined : `${id}-hint`}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500 aria-[invalid]:border-red-600"
        />
        {errors?.length ? (
          <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
            {errors.map(errorText).join(' ')}
          </p>
        ) : null}
        {task.canCommentInternally ? null : (
          <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
            {t('comments.partnerHint')}
          </p>
        )}
      </div>
      {task.canCommentInternally ? (
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">{t('comments.visibility')}</legend>
          <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:gap-6">
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name="visibility" value="internal" defaultChecked={visibility === 'internal'} className="mt-0.5" />
              <span>
                <span className="font-medium">{t('comments.internal')}</span>
                <span className="block text-xs text-slate-600">{t('comments.internalHint')}</span>
              </span>
            </label>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name="visibility" value="shared" defaultChecked={visibility === 'shared'} className="mt-0.5" />
              <span>
                <span className="font-medium">{t('comments.shared')}</span>
                <span className="block text-xs text-slate-600">{t('comments.sharedHint')}</span>
              </span>
            </label>
          </div>
        </fieldset>
      ) : null}
      <Button type="submit" disabled={busy}>
        {t('comments.submit')}
      </Button>
    </Form>
  )
}
