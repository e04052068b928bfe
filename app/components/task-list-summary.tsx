import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { taskStatuses, type TaskStatus } from '~/domain/vocabulary'
import { taskListHref, type TaskListState } from '~/tasks/forms'

const chipClass =
  'inline-flex items-center gap-2 rounded-full border px-3 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

/** How many tasks of the view (under the current filters but the status one) are in each status; each links to that status. */
export function StatusCounts({ state, counts }: { state: TaskListState; counts: Partial<Record<TaskStatus, number>> }) {
  const { t } = useTranslation('tasks')
  const all = Object.values(counts).reduce((sum, count) => sum + (count ?? 0), 0)
  const present = taskStatuses.filter((status) => (counts[status] ?? 0) > 0)
  if (all === 0) return null
  const only = state.status.length === 1 ? state.status[0] : null
  return (
    <nav aria-label={t('counts.label')}>
      <ul className="flex flex-wrap gap-2">
        <li>
          <Link
            to={taskListHref({ ...state, status: [] })}
            aria-current={state.status.length === 0 ? 'true' : undefined}
            className={`${chipClass} ${state.status.length === 0 ? 'border-slate-900 bg-slate-900 text-white' : 'border-slate-300 bg-white hover:bg-slate-100'}`}
          >
            {t('counts.all')}
            <span className="font-semibold">{all}</span>
          </Link>
        </li>
        {present.map((status) => (
          <li key={status}>
            <Link
              to={taskListHref({ ...state, status: [status] })}
              aria-current={only === status ? 'true' : undefined}
              className={`${chipClass} ${only === status ? 'border-slate-900 bg-slate-900 text-white' : 'border-slate-300 bg-white hover:bg-slate-100'}`}
            >
              {t(`status.${status}`)}
              <span className="font-semibold">{counts[status]}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

type Groups = {
  byOrganisation: { id: string; name: string; open: number; overdue: number }[]
  byInitiative: { id: string; title: string; open: number }[]
}

/** A centre's open tasks by assigned organisation and by initiative; each line filters the list. */
export function CentreGroups({ state, groups }: { state: TaskListState; groups: Groups }) {
  const { t } = useTranslation('tasks')
  if (groups.byOrganisation.length === 0 && groups.byInitiative.length === 0) return null
  const reset = { ...state, status: [], partner: '', initiative: '', assignment: '' }
  return (
    <section aria-labelledby="task-groups" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="task-groups" className="text-base font-semibold">
        {t('groups.title')}
      </h2>
      <div className="mt-3 grid gap-6 md:grid-cols-2">
        {groups.byOrganisation.length > 0 ? (
          <div>
            <h3 className="text-sm font-medium text-slate-700">{t('groups.byOrganisation')}</h3>
            <ul className="mt-2 divide-y divide-slate-100 text-sm">
              {groups.byOrganisation.map((group) => (
                <li key={group.id} className="flex items-baseline justify-between gap-3 py-1.5">
                  <Link to={taskListHref(reset, { partner: group.id })} className="underline underline-offset-2 hover:text-slate-700">
                    {group.name}
                  </Link>
                  <span className="shrink-0 text-slate-700">
                    {t('groups.open', { count: group.open })}
                    {group.overdue > 0 ? <span className="ml-2 font-semibold text-red-800">{t('groups.overdue', { count: group.overdue })}</span> : null}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {groups.byInitiative.length > 0 ? (
          <div>
            <h3 className="text-sm font-medium text-slate-700">{t('groups.byInitiative')}</h3>
            <ul className="mt-2 divide-y divide-slate-100 text-sm">
              {groups.byInitiative.map((group) => (
                <li key={group.id} className="flex items-baseline justify-between gap-3 py-1.5">
                  <Link to={taskListHref(reset, { initiative: group.id })} className="underline underline-offset-2 hover:text-slate-700">
                    {group.title}
                  </Link>
                  <span className="shrink-0 text-slate-700">{t('groups.open', { count: group.open })}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  )
}
