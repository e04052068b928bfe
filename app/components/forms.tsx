import { useRouteLoaderData } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'

type RootData = { csrfToken?: string }

/** The anti-forgery token every state-changing form carries. */
export function CsrfInput() {
  const data = useRouteLoaderData<RootData>('root')
  return <input type="hidden" name="csrf" value={data?.csrfToken ?? ''} />
}

/** Translates an error code from a zod schema (e.g. `required`), falling back to a generic message. */
export function useErrorText() {
  const { t } = useTranslation()
  return (code: string) =>
    code.includes(':')
      ? t(code, { defaultValue: t('forms.errors.invalid') })
      : t(`forms.errors.${code}`, { defaultValue: t('forms.errors.invalid') })
}

type FieldProps = {
  label: string
  name: string
  errors?: string[]
  hint?: string
  className?: string
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'name'>

export function Field({ label, name, errors, hint, className, ...input }: FieldProps) {
  const id = useId()
  const errorText = useErrorText()
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(' ')
  return (
    <div className={className}>
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

type SelectProps = {
  label: string
  name: string
  errors?: string[]
  options: { value: string; label: string }[]
  className?: string
} & Omit<React.SelectHTMLAttributes<HTMLSelectElement>, 'name'>

export function SelectField({ label, name, errors, options, className, ...select }: SelectProps) {
  const id = useId()
  const errorText = useErrorText()
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500"
        {...select}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {errors?.length ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {errors.map(errorText).join(' ')}
        </p>
      ) : null}
    </div>
  )
}

type TextAreaProps = {
  label: string
  name: string
  errors?: string[]
  className?: string
} & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, 'name'>

export function TextAreaField({ label, name, errors, className, ...textarea }: TextAreaProps) {
  const id = useId()
  const errorText = useErrorText()
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500"
        {...textarea}
      />
      {errors?.length ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {errors.map(errorText).join(' ')}
        </p>
      ) : null}
    </div>
  )
}

export function Button({
  variant = 'primary',
  className = '',
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' }) {
  const styles = {
    primary: 'bg-slate-900 text-white hover:bg-slate-700',
    secondary: 'border border-slate-300 bg-white text-slate-900 hover:bg-slate-100',
    danger: 'bg-red-700 text-white hover:bg-red-600',
  }[variant]
  return (
    <button
      className={`inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700 disabled:opacity-50 ${styles} ${className}`}
      {...props}
    />
  )
}

export function Alert({ tone = 'error', children }: { tone?: 'error' | 'success' | 'info'; children: React.ReactNode }) {
  const styles = {
    error: 'border-red-200 bg-red-50 text-red-900',
    success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
    info: 'border-sky-200 bg-sky-50 text-sky-900',
  }[tone]
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded-md border px-4 py-3 text-sm ${styles}`}>
      {children}
    </div>
  )
}
