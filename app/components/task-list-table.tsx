import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { OverdueLabel, PriorityBadge, ReviewBadge, TaskStatusBadge, TlpBadge, useTaskDate } from './task-badges'
import { defaultTaskSortDirection, taskListHref, type TaskListState, type TaskRow, type TaskSort } from '~/tasks/forms'

export const taskLinkClass =
  'font-medium text-slate-900 underline underline-offset-2 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

function SortHeader({ sort, label, state }: { sort: TaskSort; label: string; state: TaskListState }) {
  const { t } = useTranslation('tasks')
  const active = state.sort === sort
  const dir = active ? (state.dir === 'asc' ? 'desc' : 'asc') : defaultTaskSortDirection[sort]
  return (
    <th scope="col" aria-sort={active ? (state.dir === 'asc' ? 'ascending' : 'descending') : undefined} className="px-3 py-2 font-medium">
      <Link
        to={taskListHref(state, { sort, dir })}
        className="inline-flex items-center gap-1 rounded hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        aria-label={t('list.sortBy', { column: label })}
      >
        {label}
        <span aria-hidden="true" className="text-slate-400">
          {active ? (state.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    </th>
  )
}

/** A cell that shows its column name above its value when the table collapses to cards on a phone. */
function Cell({ label, children, className = '' }: { label: string; children: React.ReactNode; className?: string }) {
  return (
    <td className={`flex gap-2 py-1 md:table-cell md:px-3 md:py-2 ${className}`}>
      <span className="w-28 shrink-0 text-xs font-medium text-slate-500 md:hidden">{label}</span>
      <span className="min-w-0">{children}</span>
    </td>
  )
}

/**
 * The task list: a table on wide screens, one card per task on a phone. Overdue open tasks are
 * highlighted; with `selectable`, tasks waiting for acknowledgement get a checkbox for the bulk action.
 */
export function TaskListTable({ rows, state, selectable }: { rows: TaskRow[]; state: TaskListState; selectable: boolean }) {
  const { t } = useTranslation('tasks')
  const date = useTaskDate()
  const counterpart = state.view === 'owned' ? t('list.columns.assignee') : t('list.columns.owner')
  return (
    <div className="rounded-lg border border-slate-200 bg-white md:overflow-x-auto">
      <table className="block w-full text-left text-sm md:table md:min-w-full md:divide-y md:divide-slate-200">
        <caption className="sr-only">{t('list.caption')}</caption>
        <thead className="hidden bg-slate-50 text-slate-700 md:table-header-group">
          <tr>
            {selectable ? (
              <th scope="col" className="w-10 px-3 py-2">
                <span className="sr-only">{t('list.columns.select')}</span>
              </th>
            ) : null}
            <th scope="col" className="px-3 py-2 font-medium">
              {t('list.columns.title')}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t('list.columns.status')}
            </th>
            <SortHeader sort="priority" label={t('list.columns.priority')} state={state} />
            <SortHeader sort="due" label={t('list.columns.due')} state={state} />
            <th scope="col" className="px-3 py-2 font-medium">
              {counterpart}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t('list.columns.initiative')}
            </th>
            <SortHeader sort="changed" label={t('list.columns.changed')} state={state} />
          </tr>
        </thead>
        <tbody className="block divide-y divide-slate-200 md:table-row-group md:divide-slate-100">
          {rows.map((row) => (
            <tr
              key={row.id}
              className={`block p-3 align-top md:table-row md:p-0 ${row.overdueDays > 0 ? 'border-l-4 border-l-red-600 bg-red-50' : ''}`}
            >
              {selectable ? (
                <td className="float-right md:float-none md:table-cell md:px-3 md:py-2">
                  {row.acknowledgeable ? (
                    <input
                      type="checkbox"
                      name="ids"
                      value={row.id}
                      aria-label={t('bulk.select', { title: row.title })}
                      className="h-5 w-5 rounded border-slate-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
                    />
                  ) : null}
                </td>
              ) : null}
              <th scope="row" className="block py-1 pr-8 font-normal md:table-cell md:px-3 md:py-2 md:pr-3">
                <Link to={`/tasks/${row.id}`} className={taskLinkClass}>
                  {row.title}
                </Link>
                <span className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
                  <TlpBadge tlp={row.tlp} />
                  {row.needsReview ? <ReviewBadge /> : null}
                  {row.assignment ? (
                    <Link to={taskListHref({ ...state, status: [], assignment: row.assignment.id })} className="underline underline-offset-2 hover:text-slate-900">
                      {t('list.assignment', { position: row.assignment.position, size: row.assignment.size })}
                    </Link>
                  ) : null}
                  {row.assignedToViewer ? (
                    <span>{t('list.assignedToYou')}</span>
                  ) : row.assigneeName ? (
                    <span>{t('list.assignedTo', { name: row.assigneeName })}</span>
                  ) : null}
                </span>
              </th>
              <Cell label={t('list.columns.status')}>
                <TaskStatusBadge status={row.status} />
              </Cell>
              <Cell label={t('list.columns.priority')}>
                <PriorityBadge priority={row.priority} />
              </Cell>
              <Cell label={t('list.columns.due')} className="whitespace-nowrap">
                <time dateTime={row.dueAt}>{date(row.dueAt)}</time>
                <OverdueLabel days={row.overdueDays} />
              </Cell>
              <Cell label={counterpart}>{row.counterpart.name}</Cell>
              <Cell label={t('list.columns.initiative')}>{row.initiative ? row.initiative.title : <span className="text-slate-400">{t('list.none')}</span>}</Cell>
              <Cell label={t('list.columns.changed')} className="whitespace-nowrap text-slate-700">
                <time dateTime={row.statusChangedAt}>{date(row.statusChangedAt)}</time>
              </Cell>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

const pagingLinkClass =
  'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

/** Previous / next links of the keyset-paged list. */
export function TaskPaging({ state, next, previous, paged }: { state: TaskListState; next: string | null; previous: string | null; paged: boolean }) {
  const { t } = useTranslation('tasks')
  if (!next && !previous && !paged) return null
  return (
    <nav aria-label={t('paging.label')} className="flex flex-wrap gap-2">
      {paged ? (
        <Link to={taskListHref(state)} className={pagingLinkClass}>
          {t('paging.first')}
        </Link>
      ) : null}
      {previous ? (
        <Link to={taskListHref(state, { before: previous })} rel="prev" className={pagingLinkClass}>
          {t('paging.previous')}
        </Link>
      ) : null}
      {next ? (
        <Link to={taskListHref(state, { after: next })} rel="next" className={pagingLinkClass}>
          {t('paging.next')}
        </Link>
      ) : null}
    </nav>
  )
}
