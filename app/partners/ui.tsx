import { Link } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { useErrorText } from '~/components/forms'
import type { OrganisationKind, OrganisationStatus } from '~/domain/vocabulary'

/** Dates in the reader's language, in UTC so that server and browser render the same text. */
export function useDate() {
  const { i18n } = useTranslation('partners')
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' })
  return (iso: string | null | undefined) => (iso ? format.format(new Date(iso)) : '')
}

/** Error codes of the partner forms: ours first (`partners:errors.*`), then the shared ones. */
export function usePartnerErrorText() {
  const { t } = useTranslation('partners')
  const shared = useErrorText()
  return (code: string) => t(`errors.${code}`, { defaultValue: shared(code) })
}

/** A string form value kept from a refused submission. */
export function keptValue(values: Record<string, string | string[]> | undefined, name: string) {
  const value = values?.[name]
  return typeof value === 'string' ? value : undefined
}

const controlClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-slate-500 focus:outline-2 focus:outline-offset-1 focus:outline-slate-500 aria-[invalid]:border-red-600'

function useDescribed(hint: string | undefined, errors: string[] | undefined) {
  const id = useId()
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(' ')
  return { id, describedBy: describedBy || undefined }
}

function Described({ id, hint, errors }: { id: string; hint?: string; errors?: string[] }) {
  const errorText = usePartnerErrorText()
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {errors.map(errorText).join(' ')}
        </p>
      ) : null}
    </>
  )
}

type TextInputProps = { label: string; name: string; errors?: string[]; hint?: string; className?: string } & Omit<
  React.InputHTMLAttributes<HTMLInputElement>,
  'name'
>

export function TextInput({ label, name, errors, hint, className, ...input }: TextInputProps) {
  const { id, describedBy } = useDescribed(hint, errors)
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy}
        className={controlClass}
        {...input}
      />
      <Described id={id} hint={hint} errors={errors} />
    </div>
  )
}

type TextAreaProps = { label: string; name: string; errors?: string[]; hint?: string; className?: string } & Omit<
  React.TextareaHTMLAttributes<HTMLTextAreaElement>,
  'name'
>

export function TextArea({ label, name, errors, hint, className, ...textarea }: TextAreaProps) {
  const { id, describedBy } = useDescribed(hint, errors)
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy}
        className={controlClass}
        {...textarea}
      />
      <Described id={id} hint={hint} errors={errors} />
    </div>
  )
}

/** A required checkbox (terms, confirmations) with its own error. */
export function Checkbox({
  label,
  name,
  errors,
  defaultChecked,
  required,
}: {
  label: React.ReactNode
  name: string
  errors?: string[]
  defaultChecked?: boolean
  required?: boolean
}) {
  const { id, describedBy } = useDescribed(undefined, errors)
  return (
    <div>
      <div className="flex items-start gap-3">
        <input
          id={id}
          type="checkbox"
          name={name}
          defaultChecked={defaultChecked}
          required={required}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy}
          className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        />
        <label htmlFor={id} className="text-sm text-slate-800">
          {label}
        </label>
      </div>
      <Described id={id} errors={errors} />
    </div>
  )
}

export function KindLabel({ kind }: { kind: OrganisationKind }) {
  const { t } = useTranslation('partners')
  return <>{t(`kinds.${kind}`)}</>
}

export function StatusBadge({ status }: { status: OrganisationStatus }) {
  const { t } = useTranslation('partners')
  const styles = {
    applied: 'bg-sky-50 text-sky-800 ring-sky-200',
    probation: 'bg-amber-50 text-amber-900 ring-amber-200',
    active: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
    rejected: 'bg-slate-100 text-slate-700 ring-slate-300',
    suspended: 'bg-red-50 text-red-800 ring-red-200',
  }[status]
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ${styles}`}>{t(`statuses.${status}`)}</span>
}

/** Previous / next links of a keyset-paged list; `href` builds the link for a cursor. */
export function Paging({
  next,
  previous,
  paged,
  href,
}: {
  next: string | null
  previous: string | null
  paged: boolean
  href: (cursor?: { after?: string; before?: string }) => string
}) {
  const { t } = useTranslation('partners')
  if (!next && !previous && !paged) return null
  const linkClass =
    'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
  return (
    <nav aria-label={t('paging.label')} className="flex flex-wrap gap-2">
      {paged ? (
        <Link to={href()} className={linkClass}>
          {t('paging.first')}
        </Link>
      ) : null}
      {previous ? (
        <Link to={href({ before: previous })} rel="prev" className={linkClass}>
          {t('paging.previous')}
        </Link>
      ) : null}
      {next ? (
        <Link to={href({ after: next })} rel="next" className={linkClass}>
          {t('paging.next')}
        </Link>
      ) : null}
    </nav>
  )
}

export const linkClass =
  'font-medium text-slate-900 underline underline-offset-2 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
export const buttonLinkClass =
  'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
