import { SelectField } from './forms'

export type CountryOption = { code: string; name: string }

/**
 * A country picker. The options come from the loader, already named in the reader's language and
 * sorted by its collation (the country tables stay on the server). `emptyLabel` adds a first option
 * with no value: a prompt on forms, "all countries" on filters.
 */
export function CountrySelect({
  label,
  name,
  options,
  emptyLabel,
  errors,
  className,
  ...select
}: {
  label: string
  name: string
  options: CountryOption[]
  emptyLabel?: string
  errors?: string[]
  className?: string
} & Omit<React.SelectHTMLAttributes<HTMLSelectElement>, 'name'>) {
  const choices = options.map((option) => ({ value: option.code, label: option.name }))
  return (
    <SelectField
      label={label}
      name={name}
      errors={errors}
      className={className}
      options={emptyLabel === undefined ? choices : [{ value: '', label: emptyLabel }, ...choices]}
      {...select}
    />
  )
}
