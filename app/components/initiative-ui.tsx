import { useTranslation } from 'react-i18next'
import type { TlpLabel } from '~/domain/vocabulary'
import type { CompletionRule, InitiativeHealth, InitiativeStatus } from '~/initiatives/shared'

const pill = 'inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1'

export const linkClass =
  'font-medium text-slate-900 underline underline-offset-2 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
export const buttonLinkClass =
  'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
export const primaryLinkClass =
  'inline-flex items-center justify-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

const statusStyles: Record<InitiativeStatus, string> = {
  planned: 'bg-sky-50 text-sky-800 ring-sky-200',
  active: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  paused: 'bg-amber-50 text-amber-900 ring-amber-200',
  completed: 'bg-slate-100 text-slate-700 ring-slate-300',
  archived: 'bg-slate-100 text-slate-500 ring-slate-200',
}

export function InitiativeStatusBadge({ status }: { status: InitiativeStatus }) {
  const { t } = useTranslation('initiatives')
  return <span className={`${pill} ${statusStyles[status]}`}>{t(`status.${status}`)}</span>
}

const healthStyles: Record<InitiativeHealth, string> = {
  on_track: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  at_risk: 'bg-amber-50 text-amber-900 ring-amber-300',
  off_track: 'bg-red-50 text-red-800 ring-red-200',
}

/** The health; a suggested one (no status update yet) says so in words, not only by style. */
export function HealthBadge({ health, suggested }: { health: InitiativeHealth; suggested: boolean }) {
  const { t } = useTranslation('initiatives')
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <span className={`${pill} ${healthStyles[health]} ${suggested ? 'border border-dashed border-current ring-0' : ''}`}>{t(`health.${health}`)}</span>
      {suggested ? (
        <span className="text-xs text-slate-600" title={t('health.suggestedExplain')}>
          {t('health.suggestedMarker')}
        </span>
      ) : null}
    </span>
  )
}

/** TLP 2.0 colours: black background, label in the label's colour. */
const tlpStyles: Record<TlpLabel, string> = {
  CLEAR: 'bg-black text-white ring-black',
  GREEN: 'bg-black text-[#33FF00] ring-black',
  AMBER: 'bg-black text-[#FFC000] ring-black',
  'AMBER+STRICT': 'bg-black text-[#FFC000] ring-black',
  RED: 'bg-black text-[#FF2B2B] ring-black',
}

export function InitiativeTlpBadge({ tlp }: { tlp: TlpLabel }) {
  const { t } = useTranslation('initiatives')
  return (
    <span className={`${pill} font-mono ${tlpStyles[tlp]}`} title={t(`tlp.explain.${tlp}`)}>
      {t('tlp.badge', { label: tlp })}
    </span>
  )
}

/** A horizontal bar for a percentage; values above 100 fill the bar and keep their number. */
export function ProgressBar({ percent, label, tone = 'slate' }: { percent: number; label: string; tone?: 'slate' | 'emerald' | 'sky' }) {
  const width = Math.max(0, Math.min(100, percent))
  const fill = { slate: 'bg-slate-800', emerald: 'bg-emerald-600', sky: 'bg-sky-700' }[tone]
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(width)}
      className="h-2.5 w-full min-w-16 overflow-hidden rounded-full bg-slate-200"
    >
      <div className={`h-full rounded-full ${fill}`} style={{ width: `${width}%` }} />
    </div>
  )
}

/** Dates, numbers, percentages and durations in the reader's language (dates in UTC, as the server renders them). */
export function useInitiativeFormat() {
  const { t, i18n } = useTranslation('initiatives')
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' })
  const dateTimeFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  const shortDate = new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'short', timeZone: 'UTC' })
  const numberFormat = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 })
  const toDate = (value: string) => new Date(value.length === 10 ? `${value}T12:00:00.000Z` : value)
  return {
    date: (iso: string | null | undefined) => (iso ? dateFormat.format(toDate(iso)) : ''),
    dateTime: (iso: string | null | undefined) => (iso ? dateTimeFormat.format(toDate(iso)) : ''),
    shortDate: (iso: string) => shortDate.format(toDate(iso)),
    number: (value: number) => numberFormat.format(value),
    percent: (value: number) => t('format.percent', { value: numberFormat.format(value) }),
    /** Hours as "5 h", "3 d 4 h" or "—" when there is no value. */
    duration: (hours: number | null | undefined) => {
      if (hours === null || hours === undefined) return t('format.none')
      if (hours < 1) return t('format.underAnHour')
      if (hours < 48) return t('format.hours', { value: numberFormat.format(Math.round(hours)) })
      const days = Math.floor(hours / 24)
      const rest = Math.round(hours - days * 24)
      return rest === 0 || rest === 24
        ? t('format.days', { value: numberFormat.format(rest === 24 ? days + 1 : days) })
        : t('format.daysHours', { days: numberFormat.format(days), hours: numberFormat.format(rest) })
    },
  }
}

/** The completion rule a number uses, in words. */
export function useRuleText() {
  const { t } = useTranslation('initiatives')
  return (rule: CompletionRule) => t(`rules.${rule}`)
}

/** Error codes of the initiative forms: ours (`initiatives:errors.*`) first, then the shared ones. */
export function useInitiativeErrorText() {
  const { t } = useTranslation('initiatives')
  return (code: string) =>
    code.includes(':')
      ? t(code, { defaultValue: t('common:forms.errors.invalid') })
      : t(`errors.${code}`, { defaultValue: t(`common:forms.errors.${code}`, { defaultValue: t('common:forms.errors.invalid') }) })
}
