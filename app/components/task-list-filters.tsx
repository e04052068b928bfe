import { Form, Link } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, SelectField } from './forms'
import { taskPriorities, taskStatuses } from '~/domain/vocabulary'
import { dueFilters, taskListHref, taskSorts, type TaskListState } from '~/tasks/forms'

type Option = { id: string; name: string }

const buttonLinkClass =
  'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

/** The list's filters as a plain GET form: works without JavaScript, and the URL can be shared. */
export function TaskListFilters({
  state,
  filtered,
  initiatives,
  organisations,
}: {
  state: TaskListState
  filtered: boolean
  initiatives: Option[]
  organisations: Option[]
}) {
  const { t } = useTranslation('tasks')
  const searchId = useId()
  // Drafts never reach the assigned organisation, so its lists do not offer them.
  const statuses = state.view === 'owned' ? taskStatuses : taskStatuses.filter((status) => status !== 'draft')
  return (
    <Form method="get" role="search" aria-label={t('filters.label')} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <input type="hidden" name="view" value={state.view} />
      {state.assignment ? <input type="hidden" name="assignment" value={state.assignment} /> : null}
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4 lg:items-end">
        <div className="sm:col-span-2">
          <label htmlFor={searchId} className="block text-sm font-medium text-slate-800">
            {t('filters.search')}
          </label>
          <input
            id={searchId}
            type="search"
            name="q"
            defaultValue={state.q}
            maxLength={100}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500"
          />
        </div>
        <SelectField
          label={t('filters.priority')}
          name="priority"
          defaultValue={state.priority}
          options={[{ value: '', label: t('filters.anyPriority') }, ...taskPriorities.map((priority) => ({ value: priority, label: t(`priority.${priority}`) }))]}
        />
        <SelectField label={t('filters.due')} name="due" defaultValue={state.due} options={dueFilters.map((due) => ({ value: due, label: t(`filters.dueOptions.${due}`) }))} />
        {initiatives.length > 0 ? (
          <SelectField
            label={t('filters.initiative')}
            name="initiative"
            defaultValue={state.initiative}
            options={[{ value: '', label: t('filters.anyInitiative') }, ...initiatives.map((initiative) => ({ value: initiative.id, label: initiative.name }))]}
          />
        ) : null}
        {state.view === 'owned' && organisations.length > 0 ? (
          <SelectField
            label={t('filters.partner')}
            name="partner"
            defaultValue={state.partner}
            options={[{ value: '', label: t('filters.anyPartner') }, ...organisations.map((organisation) => ({ value: organisation.id, label: organisation.name }))]}
          />
        ) : null}
        <SelectField label={t('filters.sort')} name="sort" defaultValue={state.sort} options={taskSorts.map((sort) => ({ value: sort, label: t(`filters.sorts.${sort}`) }))} />
        <SelectField
          label={t('filters.dir')}
          name="dir"
          defaultValue={state.dir}
          options={[
            { value: 'asc', label: t('filters.asc') },
            { value: 'desc', label: t('filters.desc') },
          ]}
        />
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">{t('filters.status')}</legend>
        <p className="text-xs text-slate-500">{t('filters.statusHint')}</p>
        <div className="mt-2 flex flex-wrap gap-x-4 gap-y-2">
          {statuses.map((status) => (
            <label key={status} className="inline-flex items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                name="status"
                value={status}
                defaultChecked={state.status.includes(status)}
                className="h-4 w-4 rounded border-slate-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
              />
              {t(`status.${status}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap gap-2">
        <Button type="submit">{t('filters.apply')}</Button>
        {filtered ? (
          <Link to={taskListHref({ ...state, status: [], priority: '', due: 'any', initiative: '', partner: '', assignment: '', q: '' })} className={buttonLinkClass}>
            {t('filters.clear')}
          </Link>
        ) : null}
      </div>
    </Form>
  )
}
