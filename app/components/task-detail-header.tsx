import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
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
      {task.assignmentSize ? (
        <p className="rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">{t('header.assignment', { count: task.assignmentSize })}</p>
      ) : null}
    </div>
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
