import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Button, CsrfInput, TextAreaField } from '~/components/forms'
import { ReviewBadge } from '~/components/task-badges'
import { linkClass, PriorityLabel, TaskStatusBadge, TlpBadge, useTaskDates } from '~/components/task-detail-ui'
import type { TaskDetail } from '~/tasks/detail.server'

type HeaderTask = Pick<
  TaskDetail,
  | 'id'
  | 'title'
  | 'status'
  | 'priority'
  | 'tlp'
  | 'dueAt'
  | 'overdueDays'
  | 'createdAt'
  | 'createdByName'
  | 'ownerCentre'
  | 'assignee'
  | 'initiative'
  | 'assignmentSize'
  | 'side'
  | 'review'
  | 'canClearReview'
>

/** Title, sharing label, state and the facts of a task: who owns it, who works it, by when. */
export function TaskHeader({ task }: { task: HeaderTask }) {
  const { t } = useTranslation('task')
  const { date } = useTaskDates()
  return (
    <div className="space-y-4">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/tasks" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header className="space-y-3">
        <div className="flex flex-wrap items-center gap-2">
          <TlpBadge tlp={task.tlp} />
          <TaskStatusBadge status={task.status} />
          {task.review ? <ReviewBadge /> : null}
        </div>
        <h1 className="text-2xl font-bold tracking-tight break-words">{task.title}</h1>
        <p className="text-sm text-slate-700">
          <span className="font-medium">{t('header.sharing')}</span> {t(`tlp.${task.tlp}.meaning`)}
        </p>
        <p className="text-sm text-slate-600">{t(`header.side.${task.side}`)}</p>
      </header>

      <dl className="grid gap-x-6 gap-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm sm:grid-cols-2 sm:p-6 lg:grid-cols-3">
        <Item label={t('header.priority')}>
          <PriorityLabel priority={task.priority} />
        </Item>
        <Item label={t('header.due')}>
          <time dateTime={task.dueAt}>{date(task.dueAt)}</time>
          {task.overdueDays ? (
            <span className="ml-2 inline-block rounded bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-800">
              {t('header.overdue', { count: task.overdueDays })}
            </span>
          ) : null}
        </Item>
        <Item label={t('header.status')}>{t(`statuses.${task.status}`)}</Item>
        <Item label={t('header.owner')}>{task.ownerCentre.name}</Item>
        <Item label={t('header.assignee')}>
          {task.assignee.name}
          {task.side !== 'observer' ? (
            <span className="block text-slate-600">{task.assignee.personName ? t('header.person', { name: task.assignee.personName }) : t('header.noPerson')}</span>
          ) : null}
        </Item>
        {task.initiative ? (
          <Item label={t('header.initiative')}>
            {task.initiative.title ? (
              <Link to={`/initiatives/${task.initiative.id}`} className={linkClass}>
                {task.initiative.title}
              </Link>
            ) : (
              <span className="text-slate-600">{t('header.initiativeHidden')}</span>
            )}
          </Item>
        ) : null}
        <Item label={t('header.created')}>
          {task.createdByName ? t('header.createdBy', { name: task.createdByName, date: date(task.createdAt) }) : date(task.createdAt)}
        </Item>
      </dl>
      {task.review ? <ReviewNotice task={task} /> : null}
      {task.assignmentSize ? (
        <p className="rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">{t('header.assignment', { count: task.assignmentSize })}</p>
      ) : null}
    </div>
  )
}

/**
 * The task came back to the owning centre: an indicator it carries was retracted by its source. The
 * centre looks at the task again (the indicators panel marks the retracted one) and clears the flag.
 */
function ReviewNotice({ task }: { task: Pick<HeaderTask, 'id' | 'review' | 'canClearReview'> }) {
  const { t } = useTranslation('task')
  const { dateTime } = useTaskDates()
  if (!task.review) return null
  return (
    <section aria-labelledby="review-heading" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <h2 id="review-heading" className="font-semibold">
        {t('review.heading')}
      </h2>
      <p className="mt-1">
        {t('review.explain')} <time dateTime={task.review.at}>{t('review.since', { date: dateTime(task.review.at) })}</time>
      </p>
      {task.canClearReview ? (
        <Form method="post" action={`/tasks/${task.id}/review`} className="mt-3 space-y-3">
          <CsrfInput />
          <TextAreaField name="note" label={t('review.note')} rows={2} maxLength={2000} />
          <Button type="submit" variant="secondary">
            {t('review.clear')}
          </Button>
        </Form>
      ) : null}
    </section>
  )
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{children}</dd>
    </div>
  )
}
