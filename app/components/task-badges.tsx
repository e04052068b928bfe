import { useTranslation } from 'react-i18next'
import type { TaskPriority, TaskStatus, TlpLabel } from '~/domain/vocabulary'

const pill = 'inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1'

const statusStyles: Record<TaskStatus, string> = {
  draft: 'bg-slate-100 text-slate-700 ring-slate-300',
  assigned: 'bg-sky-50 text-sky-800 ring-sky-200',
  acknowledged: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  in_progress: 'bg-violet-50 text-violet-800 ring-violet-200',
  reported: 'bg-amber-50 text-amber-900 ring-amber-200',
  returned: 'bg-orange-50 text-orange-900 ring-orange-200',
  verified: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  closed: 'bg-slate-100 text-slate-700 ring-slate-300',
  declined: 'bg-red-50 text-red-800 ring-red-200',
  not_applicable: 'bg-slate-100 text-slate-700 ring-slate-300',
  cancelled: 'bg-slate-100 text-slate-500 ring-slate-200',
}

export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  const { t } = useTranslation('tasks')
  return <span className={`${pill} ${statusStyles[status]}`}>{t(`status.${status}`)}</span>
}

const priorityStyles: Record<TaskPriority, string> = {
  urgent: 'bg-red-700 text-white ring-red-700',
  high: 'bg-orange-50 text-orange-900 ring-orange-300',
  normal: 'bg-white text-slate-700 ring-slate-300',
  low: 'bg-white text-slate-500 ring-slate-200',
}

export function PriorityBadge({ priority }: { priority: TaskPriority }) {
  const { t } = useTranslation('tasks')
  return <span className={`${pill} ${priorityStyles[priority]}`}>{t(`priority.${priority}`)}</span>
}

/** TLP 2.0 colours: black background, label in the label's colour. */
const tlpStyles: Record<TlpLabel, string> = {
  CLEAR: 'bg-black text-white ring-black',
  GREEN: 'bg-black text-[#33FF00] ring-black',
  AMBER: 'bg-black text-[#FFC000] ring-black',
  'AMBER+STRICT': 'bg-black text-[#FFC000] ring-black',
  RED: 'bg-black text-[#FF2B2B] ring-black',
}

export function TlpBadge({ tlp }: { tlp: TlpLabel }) {
  const { t } = useTranslation('tasks')
  return (
    <span className={`${pill} font-mono ${tlpStyles[tlp]}`} title={t(`tlp.explain.${tlp}`)}>
      {t('tlp.badge', { label: tlp })}
    </span>
  )
}

/** An open task back with its owning centre for review: an indicator it carries was retracted. */
export function ReviewBadge() {
  const { t } = useTranslation('tasks')
  return (
    <span className={`${pill} bg-amber-100 text-amber-950 ring-amber-400`} title={t('review.explain')}>
      {t('review.badge')}
    </span>
  )
}

export function OverdueLabel({ days }: { days: number }) {
  const { t } = useTranslation('tasks')
  if (days <= 0) return null
  return <span className="block text-xs font-semibold text-red-800">{t('list.overdue', { count: days })}</span>
}

/** Dates in the reader's language, in UTC so that server and browser render the same text. */
export function useTaskDate() {
  const { i18n } = useTranslation('tasks')
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' })
  return (iso: string | null | undefined) => (iso ? format.format(new Date(iso)) : '')
}

/** Error codes of the task forms: ours first (`tasks:errors.*`), then the shared ones. */
export function useTaskErrorText() {
  const { t } = useTranslation('tasks')
  return (code: string) =>
    code.includes(':')
      ? t(code, { defaultValue: t('common:forms.errors.invalid') })
      : t(`errors.${code}`, { defaultValue: t(`common:forms.errors.${code}`, { defaultValue: t('common:forms.errors.invalid') }) })
}
