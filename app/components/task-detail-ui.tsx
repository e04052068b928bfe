import { useTranslation } from 'react-i18next'
import { useErrorText } from '~/components/forms'
import type { TaskPriority, TaskStatus, TlpLabel } from '~/domain/vocabulary'

/** What the task page's action answers when it does not redirect: the refused form, kept as typed. */
export type TaskActionData = {
  intent: 'transition' | 'report' | 'comment' | null
  transition: string | null
  errors: Record<string, string[]>
  values: Record<string, string | string[]>
  /** A translated sentence for refusals that are not about one field (stale page, not allowed). */
  message: string | null
}

/** Dates in the reader's language, in UTC so that server and browser render the same text. */
export function useTaskDates() {
  const { t, i18n } = useTranslation('task')
  const day = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' })
  const moment = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  return {
    date: (iso: string | null | undefined) => (iso ? day.format(new Date(iso)) : ''),
    dateTime: (iso: string | null | undefined) => (iso ? t('time.utc', { time: moment.format(new Date(iso)) }) : ''),
  }
}

/** Error codes of the task forms: ours first (`task:errors.*`), then the shared ones. */
export function useTaskErrorText() {
  const { t } = useTranslation('task')
  const shared = useErrorText()
  return (code: string) => t(`errors.${code}`, { defaultValue: shared(code) })
}

/** A string value kept from a refused submission. */
export function keptValue(values: Record<string, string | string[]> | undefined, name: string) {
  const value = values?.[name]
  return typeof value === 'string' ? value : undefined
}

// TLP 2.0 colours (FIRST): the label's colour on a black background.
const tlpStyles: Record<TlpLabel, string> = {
  CLEAR: 'bg-black text-white',
  GREEN: 'bg-black text-[#33FF00]',
  AMBER: 'bg-black text-[#FFC000]',
  'AMBER+STRICT': 'bg-black text-[#FFC000]',
  RED: 'bg-black text-[#FF2B2B]',
}

export function TlpBadge({ tlp }: { tlp: TlpLabel }) {
  const { t } = useTranslation('task')
  return (
    <span className={`inline-block rounded px-2 py-0.5 font-mono text-xs font-bold tracking-wide whitespace-nowrap ${tlpStyles[tlp]}`}>
      {t(`tlp.${tlp}.label`)}
    </span>
  )
}

const statusStyles: Record<TaskStatus, string> = {
  draft: 'bg-slate-100 text-slate-700 ring-slate-300',
  assigned: 'bg-sky-50 text-sky-800 ring-sky-200',
  acknowledged: 'bg-sky-50 text-sky-900 ring-sky-300',
  in_progress: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  reported: 'bg-violet-50 text-violet-800 ring-violet-200',
  returned: 'bg-amber-50 text-amber-900 ring-amber-200',
  verified: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  closed: 'bg-emerald-100 text-emerald-900 ring-emerald-300',
  declined: 'bg-orange-50 text-orange-900 ring-orange-200',
  not_applicable: 'bg-slate-100 text-slate-800 ring-slate-300',
  cancelled: 'bg-slate-200 text-slate-700 ring-slate-400',
}

export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  const { t } = useTranslation('task')
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ${statusStyles[status]}`}>
      {t(`statuses.${status}`)}
    </span>
  )
}

const priorityStyles: Record<TaskPriority, string> = {
  low: 'text-slate-600',
  normal: 'text-slate-800',
  high: 'font-semibold text-orange-800',
  urgent: 'font-semibold text-red-700',
}

export function PriorityLabel({ priority }: { priority: TaskPriority }) {
  const { t } = useTranslation('task')
  return <span className={priorityStyles[priority]}>{t(`priorities.${priority}`)}</span>
}

/** A titled card of the task page. */
export function Panel({ id, title, children, className = '' }: { id: string; title: string; children: React.ReactNode; className?: string }) {
  return (
    <section id={id} aria-labelledby={`${id}-heading`} className={`rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6 ${className}`}>
      <h2 id={`${id}-heading`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  )
}

export const linkClass =
  'font-medium text-slate-900 underline underline-offset-2 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
export const buttonLinkClass =
  'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
