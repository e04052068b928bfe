import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { useErrorText } from '~/components/forms'
import type { Role } from '~/domain/vocabulary'

/** Dates in the reader's language, always in UTC so server and browser render the same text. */
export function useDateTime() {
  const { i18n, t } = useTranslation('people')
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  return (iso: string | null | undefined, empty?: string) =>
    iso ? t('format.utc', { date: format.format(new Date(iso)) }) : (empty ?? t('format.never'))
}

/** Error codes from the people forms: ours first (`people:errors.*`), then the shared ones. */
export function usePeopleErrorText() {
  const { t } = useTranslation('people')
  const shared = useErrorText()
  return (code: string) => t(`errors.${code}`, { defaultValue: shared(code) })
}

export function RoleBadges({ roles }: { roles: Role[] }) {
  const { t } = useTranslation('people')
  return (
    <ul className="flex flex-wrap gap-1">
      {roles.map((role) => (
        <li key={role} className="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-800">
          {t(`roles.${role}`)}
        </li>
      ))}
    </ul>
  )
}

export function StatusBadge({ status }: { status: 'active' | 'deactivated' | 'invited' }) {
  const { t } = useTranslation('people')
  const styles = {
    active: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
    deactivated: 'bg-slate-100 text-slate-700 ring-slate-300',
    invited: 'bg-sky-50 text-sky-800 ring-sky-200',
  }[status]
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${styles}`}>{t(`status.${status}`)}</span>
}

type TextInputProps = {
  label: string
  name: string
  errors?: string[]
  hint?: string
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'name'>

/** A labelled text input whose error codes may be the people namespace's own. */
export function TextInput({ label, name, errors, hint, ...input }: TextInputProps) {
  const id = useId()
  const errorText = usePeopleErrorText()
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(' ')
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy || undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-slate-500 focus:outline-2 focus:outline-offset-1 focus:outline-slate-500 aria-[invalid]:border-red-600"
        {...input}
      />
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
    </div>
  )
}

/** Check boxes for the roles the organisation allows; at least one must stay ticked. */
export function RolesFieldset({
  legend,
  hint,
  allowed,
  checked,
  errors,
}: {
  legend: string
  hint?: string
  allowed: Role[]
  checked: readonly string[]
  errors?: string[]
}) {
  const id = useId()
  const { t } = useTranslation('people')
  const errorText = usePeopleErrorText()
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(' ')
  return (
    <fieldset aria-describedby={describedBy || undefined} aria-invalid={errors?.length ? true : undefined}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <div className="mt-2 space-y-2">
        {allowed.map((role) => (
          <label key={role} className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              name="roles"
              value={role}
              defaultChecked={checked.includes(role)}
              className="mt-0.5 h-4 w-4 rounded border-slate-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
            />
            <span>
              <span className="font-medium">{t(`roles.${role}`)}</span>
              <span className="block text-xs text-slate-600">{t(`roleDescriptions.${role}`)}</span>
            </span>
          </label>
        ))}
      </div>
      {errors?.length ? (
        <p id={`${id}-error`} className="mt-2 text-sm text-red-700">
          {errors.map(errorText).join(' ')}
        </p>
      ) : null}
    </fieldset>
  )
}
