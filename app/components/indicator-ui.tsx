import { useTranslation } from 'react-i18next'
import { useErrorText } from '~/components/forms'
import type { IndicatorType, TlpLabel } from '~/domain/vocabulary'
import type { IndicatorStatus } from '~/indicators/shared'

/** Dates in the reader's language, in UTC so that server and browser render the same text. */
export function useIndicatorDates() {
  const { i18n } = useTranslation('indicators')
  const day = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' })
  return { date: (iso: string | null | undefined) => (iso ? day.format(new Date(iso)) : '') }
}

/** Error codes as the shared fields translate them: ours live under `indicators:errors.*`. */
export const errorCodes = (codes: string[] | undefined) => codes?.map((code) => (code.includes(':') ? code : `indicators:errors.${code}`))

/** Translates one error code of the indicator forms (for messages shown outside the shared fields). */
export function useIndicatorErrorText() {
  const text = useErrorText()
  return (code: string) => text(code.includes(':') ? code : `indicators:errors.${code}`)
}

/** A kept form value (string) from a refused submission. */
export function kept(values: Record<string, string | string[]> | undefined, name: string, fallback = '') {
  const value = values?.[name]
  return typeof value === 'string' ? value : fallback
}

/** The value itself: monospace, wrapped anywhere, never a link (URLs and domains arrive defanged). */
export function IndicatorValue({ value, className = '' }: { value: string; className?: string }) {
  return <code className={`font-mono text-sm break-all text-slate-900 ${className}`}>{value}</code>
}

export function TypeLabel({ type }: { type: IndicatorType }) {
  const { t } = useTranslation('indicators')
  return <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-800">{t(`types.${type}`)}</span>
}

export function UntraceableBadge() {
  const { t } = useTranslation('indicators')
  return (
    <span className="rounded bg-violet-100 px-1.5 py-0.5 text-xs font-medium text-violet-900" title={t('badges.untraceableHint')}>
      {t('badges.untraceable')}
    </span>
  )
}

export function PersonalBadge() {
  const { t } = useTranslation('indicators')
  return (
    <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900" title={t('badges.personalHint')}>
      {t('badges.personal')}
    </span>
  )
}

const statusStyles: Record<IndicatorStatus, string> = {
  active: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  retracted: 'bg-red-50 text-red-800 ring-red-200',
  expired: 'bg-slate-100 text-slate-700 ring-slate-300',
}

export function StatusBadge({ status }: { status: IndicatorStatus }) {
  const { t } = useTranslation('indicators')
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ${statusStyles[status]}`}>{t(`statuses.${status}`)}</span>
}

/** Reliability of the source and credibility of the information, e.g. "B2", spelt out for screen readers and on hover. */
export function GradeBadge({ reliability, credibility }: { reliability: string; credibility: string }) {
  const { t } = useTranslation('indicators')
  const meaning = t('grade.meaning', { reliability: t(`reliability.${reliability}`), credibility: t(`credibility.${credibility}`) })
  return (
    <abbr title={meaning} className="rounded border border-slate-300 px-1.5 py-0.5 font-mono text-xs font-semibold no-underline">
      <span aria-hidden="true">{`${reliability}${credibility}`}</span>
      <span className="sr-only">{meaning}</span>
    </abbr>
  )
}

// TLP 2.0 colours (FIRST): the label's colour on a black background.
const tlpStyles: Record<TlpLabel, string> = {
  CLEAR: 'bg-black text-white',
  GREEN: 'bg-black text-[#33FF00]',
  AMBER: 'bg-black text-[#FFC000]',
  'AMBER+STRICT': 'bg-black text-[#FFC000]',
  RED: 'bg-black text-[#FF2B2B]',
}

export function TlpTag({ tlp }: { tlp: TlpLabel }) {
  const { t } = useTranslation('indicators')
  return (
    <span title={t(`tlp.${tlp}.meaning`)} className={`inline-block rounded px-2 py-0.5 font-mono text-xs font-bold tracking-wide whitespace-nowrap ${tlpStyles[tlp]}`}>
      {t(`tlp.${tlp}.label`)}
    </span>
  )
}

/** A titled card of the indicator pages. */
export function Section({ id, title, children, className = '' }: { id: string; title: string; children: React.ReactNode; className?: string }) {
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
export const primaryLinkClass =
  'inline-flex items-center justify-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
