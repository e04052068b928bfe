import { Form, Link, useNavigation } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { buttonLinkClass, keptValue, Panel, useTaskErrorText, type TaskActionData } from '~/components/task-detail-ui'
import type { TaskDetail } from '~/tasks/detail.server'

type ActionsTask = Pick<TaskDetail, 'id' | 'status' | 'side' | 'transitions' | 'reassignOptions' | 'assignee' | 'canReport'>

/** Transitions that carry a text the other side will read. */
const withText = ['decline', 'notApplicable', 'return'] as const
/** States after which nothing more happens to a task. */
const finalStatuses = ['closed', 'cancelled', 'not_applicable'] as const
/** Transitions done with one button. */
const oneClick = ['acknowledge', 'start', 'verify', 'close'] as const

/**
 * The steps open to the viewer's side in the task's current state, as the lifecycle and the policy
 * say; the server checks the same rules again for every submission.
 */
export function TaskActions({ task, confirming, result }: { task: ActionsTask; confirming: 'cancel' | null; result: TaskActionData | undefined }) {
  const { t } = useTranslation('task')
  const mine = (transition: string) => (result?.intent === 'transition' && result.transition === transition ? result : undefined)
  const has = (transition: string) => (task.transitions as readonly string[]).includes(transition)
  const reassigning = task.status === 'declined' && has('assign')
  const refusal = result?.intent === 'transition' ? result.message : null
  const finished = (finalStatuses as readonly string[]).includes(task.status)

  return (
    <Panel id="actions" title={t('actions.heading')}>
      <div className="mt-3 space-y-4">
        {refusal ? <Alert>{refusal}</Alert> : null}
        {task.side === 'observer' ? <p className="text-sm text-slate-600">{t('actions.observer')}</p> : null}
        {task.side !== 'observer' && finished ? <p className="text-sm text-slate-600">{t('actions.finished')}</p> : null}
        {task.side !== 'observer' && !finished && task.transitions.every((transition) => transition === 'cancel') && !task.canReport ? (
          <p className="text-sm text-slate-600">{t(`actions.waiting.${task.side}`, { organisation: task.assignee.name })}</p>
        ) : null}
        {task.canReport ? <p className="text-sm text-slate-700">{t('actions.reportHint')}</p> : null}

        {has('assign') && !reassigning ? <OneClick taskId={task.id} transition="assign" /> : null}
        {oneClick.filter(has).map((transition) => (
          <OneClick key={transition} taskId={task.id} transition={transition} />
        ))}

        {reassigning ? <Reassign task={task} result={mine('assign')} /> : null}
        {withText.filter(has).map((transition) => (
          <TextStep key={transition} taskId={task.id} transition={transition} result={mine(transition)} />
        ))}
        {has('cancel') ? <Cancel taskId={task.id} confirming={confirming === 'cancel' || Boolean(mine('cancel'))} result={mine('cancel')} /> : null}
      </div>
    </Panel>
  )
}

function Hidden({ transition }: { transition: string }) {
  return (
    <>
      <CsrfInput />
      <input type="hidden" name="intent" value="transition" />
      <input type="hidden" name="transition" value={transition} />
    </>
  )
}

function OneClick({ taskId, transition }: { taskId: string; transition: string }) {
  const { t } = useTranslation('task')
  const busy = useNavigation().state === 'submitting'
  const id = useId()
  return (
    <Form method="post" action={`/tasks/${taskId}`} className="space-y-1">
      <Hidden transition={transition} />
      <Button type="submit" disabled={busy} aria-describedby={id}>
        {t(`actions.${transition}.button`)}
      </Button>
      <p id={id} className="text-xs text-slate-600">
        {t(`actions.${transition}.explain`)}
      </p>
    </Form>
  )
}

function TextStep({ taskId, transition, result }: { taskId: string; transition: (typeof withText)[number]; result: TaskActionData | undefined }) {
  const { t } = useTranslation('task')
  const errorText = useTaskErrorText()
  const busy = useNavigation().state === 'submitting'
  const id = useId()
  const errors = result?.errors.reason
  return (
    <details open={Boolean(result)} className="group rounded-md border border-slate-200 p-3">
      <summary className="cursor-pointer text-sm font-medium text-slate-900 focus-visible:outline-2 focus-visible:outline-slate-700">
        {t(`actions.${transition}.button`)}
      </summary>
      <Form method="post" action={`/tasks/${taskId}`} className="mt-3 space-y-3">
        <Hidden transition={transition} />
        <p className="text-sm text-slate-600">{t(`actions.${transition}.explain`)}</p>
        <div>
          <label htmlFor={id} className="block text-sm font-medium text-slate-800">
            {t(`actions.${transition}.reason`)}
          </label>
          <textarea
            id={id}
            name="reason"
            rows={3}
            required
            maxLength={4000}
            defaultValue={keptValue(result?.values, 'reason')}
            aria-invalid={errors?.length ? true : undefined}
            aria-describedby={errors?.length ? `${id}-error` : undefined}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500 aria-[invalid]:border-red-600"
          />
          {errors?.length ? (
            <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
              {errors.map(errorText).join(' ')}
            </p>
          ) : null}
        </div>
        <Button type="submit" variant={transition === 'decline' ? 'danger' : 'primary'} disabled={busy}>
          {t(`actions.${transition}.submit`)}
        </Button>
      </Form>
    </details>
  )
}

function Reassign({ task, result }: { task: ActionsTask; result: TaskActionData | undefined }) {
  const { t } = useTranslation('task')
  const errorText = useTaskErrorText()
  const busy = useNavigation().state === 'submitting'
  const id = useId()
  const errors = result?.errors.assigneeOrganisationId
  return (
    <Form method="post" action={`/tasks/${task.id}`} className="space-y-3 rounded-md border border-orange-200 bg-orange-50/50 p-3">
      <Hidden transition="assign" />
      <input type="hidden" name="reassign" value="1" />
      <h3 className="text-sm font-semibold">{t('actions.reassign.heading')}</h3>
      <p className="text-sm text-slate-600">{t('actions.reassign.explain', { organisation: task.assignee.name })}</p>
      {task.reassignOptions.length === 0 ? (
        <p className="text-sm text-slate-600">{t('actions.reassign.none')}</p>
      ) : (
        <>
          <div>
            <label htmlFor={id} className="block text-sm font-medium text-slate-800">
              {t('actions.reassign.organisation')}
            </label>
            <select
              id={id}
              name="assigneeOrganisationId"
              required
              defaultValue={keptValue(result?.values, 'assigneeOrganisationId') ?? ''}
              aria-invalid={errors?.length ? true : undefined}
              aria-describedby={errors?.length ? `${id}-error` : undefined}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500"
            >
              <option value="">{t('actions.reassign.choose')}</option>
              {task.reassignOptions.map((organisation) => (
                <option key={organisation.id} value={organisation.id}>
                  {organisation.name}
                </option>
              ))}
            </select>
            {errors?.length ? (
              <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
                {errors.map(errorText).join(' ')}
              </p>
            ) : null}
          </div>
          <Button type="submit" disabled={busy}>
            {t('actions.reassign.submit')}
          </Button>
        </>
      )}
    </Form>
  )
}

function Cancel({ taskId, confirming, result }: { taskId: string; confirming: boolean; result: TaskActionData | undefined }) {
  const { t } = useTranslation('task')
  const errorText = useTaskErrorText()
  const busy = useNavigation().state === 'submitting'
  const id = useId()
  const errors = result?.errors.confirm
  if (!confirming) {
    return (
      <p>
        <Link to={`/tasks/${taskId}?confirm=cancel#actions`} className={buttonLinkClass}>
          {t('actions.cancel.button')}
        </Link>
      </p>
    )
  }
  return (
    <Form method="post" action={`/tasks/${taskId}`} className="space-y-3 rounded-md border border-red-200 bg-red-50/50 p-3">
      <Hidden transition="cancel" />
      <h3 className="text-sm font-semibold text-red-900">{t('actions.cancel.heading')}</h3>
      <p className="text-sm text-slate-700">{t('actions.cancel.explain')}</p>
      <div>
        <label htmlFor={`${id}-reason`} className="block text-sm font-medium text-slate-800">
          {t('actions.cancel.reason')}
        </label>
        <textarea
          id={`${id}-reason`}
          name="reason"
          rows={2}
          maxLength={4000}
          defaultValue={keptValue(result?.values, 'reason')}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500"
        />
      </div>
      <div className="flex items-start gap-3">
        <input
          id={id}
          type="checkbox"
          name="confirm"
          required
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? `${id}-error` : undefined}
          className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        />
        <label htmlFor={id} className="text-sm text-slate-800">
          {t('actions.cancel.confirm')}
        </label>
      </div>
      {errors?.length ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {errors.map(errorText).join(' ')}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="danger" disabled={busy}>
          {t('actions.cancel.submit')}
        </Button>
        <Link to={`/tasks/${taskId}`} className={buttonLinkClass}>
          {t('actions.cancel.keep')}
        </Link>
      </div>
    </Form>
  )
}
