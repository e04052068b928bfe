import { Form, useNavigation } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, CsrfInput, Field, SelectField, TextAreaField } from '~/components/forms'
import { errorCodes, kept, useIndicatorErrorText } from '~/components/indicator-ui'
import { credibilityGrades, indicatorTypes, reliabilityGrades, tlpLabels } from '~/domain/vocabulary'

export type IndicatorFormOptions = {
  initiatives: { id: string; title: string }[]
  recipients: { id: string; name: string; organisationName: string }[]
  chains: string[]
  today: string
}

type Result = { errors: Record<string, string[]>; values: Record<string, string | string[]> } | undefined

/** One indicator, typed by hand; errors are shown per field and every value is kept. */
export function NewIndicatorForm({ options, result }: { options: IndicatorFormOptions; result: Result }) {
  const { t } = useTranslation('indicators')
  const errorText = useIndicatorErrorText()
  const busy = useNavigation().state === 'submitting'
  const id = useId()
  const errors = result?.errors ?? {}
  const values = result?.values ?? {}
  const codes = (field: string) => errorCodes(errors[field])
  const translated = (field: string) => errors[field]?.map(errorText)
  const named = new Set((Array.isArray(values.redRecipientIds) ? values.redRecipientIds : [kept(values, 'redRecipientIds')]).filter(Boolean))
  const fieldErrors = Object.keys(errors).filter((field) => field !== 'form')
  return (
    <Form method="post" noValidate className="space-y-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
      <CsrfInput />
      {errors.form?.length ? <Alert>{translated('form')?.join(' ')}</Alert> : null}
      {fieldErrors.length > 0 ? <Alert>{t('new.fixErrors')}</Alert> : null}

      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          label={t('new.fields.type')}
          name="type"
          required
          defaultValue={kept(values, 'type')}
          errors={codes('type')}
          options={[{ value: '', label: t('new.choose') }, ...indicatorTypes.map((type) => ({ value: type, label: t(`types.${type}`) }))]}
        />
        <Field
          className="sm:col-span-2"
          label={t('new.fields.value')}
          name="value"
          required
          maxLength={2048}
          autoComplete="off"
          spellCheck={false}
          defaultValue={kept(values, 'value')}
          errors={codes('value')}
          hint={t('new.hints.value')}
        />
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label={t('new.fields.chain')}
          name="chain"
          defaultValue={kept(values, 'chain')}
          errors={codes('chain')}
          options={[{ value: '', label: t('new.notApplicable') }, ...options.chains.map((chain) => ({ value: chain, label: chain.toUpperCase() }))]}
        />
        <Field label={t('new.fields.acquirer')} name="acquirer" maxLength={200} defaultValue={kept(values, 'acquirer')} errors={codes('acquirer')} hint={t('new.hints.acquirer')} />
      </div>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">{t('new.sharing')}</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            label={t('new.fields.tlp')}
            name="tlp"
            defaultValue={kept(values, 'tlp')}
            errors={codes('tlp')}
            options={[{ value: '', label: t('new.tlpDefault') }, ...tlpLabels.map((tlp) => ({ value: tlp, label: t(`tlp.${tlp}.label`) }))]}
          />
          <SelectField
            label={t('new.fields.reliability')}
            name="reliability"
            required
            defaultValue={kept(values, 'reliability')}
            errors={codes('reliability')}
            options={[{ value: '', label: t('new.choose') }, ...reliabilityGrades.map((grade) => ({ value: grade, label: `${grade} — ${t(`reliability.${grade}`)}` }))]}
          />
          <SelectField
            label={t('new.fields.credibility')}
            name="credibility"
            required
            defaultValue={kept(values, 'credibility')}
            errors={codes('credibility')}
            options={[{ value: '', label: t('new.choose') }, ...credibilityGrades.map((grade) => ({ value: grade, label: `${grade} — ${t(`credibility.${grade}`)}` }))]}
          />
        </div>
        <ul className="space-y-1 text-xs text-slate-600">
          {tlpLabels.map((tlp) => (
            <li key={tlp}>
              <span className="font-semibold">{t(`tlp.${tlp}.label`)}</span> {t(`tlp.${tlp}.meaning`)}
            </li>
          ))}
        </ul>
        {options.recipients.length > 0 ? (
          <div>
            <label htmlFor={`${id}-red`} className="block text-sm font-medium text-slate-800">
              {t('new.fields.redRecipients')}
            </label>
            <select
              id={`${id}-red`}
              name="redRecipientIds"
              multiple
              size={Math.min(6, options.recipients.length)}
              defaultValue={[...named]}
              aria-describedby={`${id}-red-hint`}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500"
            >
              {options.recipients.map((person) => (
                <option key={person.id} value={person.id}>
                  {t('new.recipient', { name: person.name, organisation: person.organisationName })}
                </option>
              ))}
            </select>
            <p id={`${id}-red-hint`} className="mt-1 text-xs text-slate-500">
              {t('new.hints.redRecipients')}
            </p>
          </div>
        ) : null}
        {errors.redRecipientIds?.length ? <p className="text-sm text-red-700">{translated('redRecipientIds')?.join(' ')}</p> : null}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">{t('new.dataProtection')}</legend>
        <label className="flex items-start gap-2 text-sm text-slate-800">
          <input type="checkbox" name="personal" defaultChecked={kept(values, 'personal') === 'on'} className="mt-0.5 h-4 w-4 rounded border-slate-300" />
          <span>
            {t('new.fields.personal')}
            <span className="block text-xs text-slate-500">{t('new.hints.personal')}</span>
          </span>
        </label>
        {errors.personal?.length ? <p className="text-sm text-red-700">{translated('personal')?.join(' ')}</p> : null}
      </fieldset>

      <TextAreaField label={t('new.fields.context')} name="context" rows={4} maxLength={4000} defaultValue={kept(values, 'context')} errors={codes('context')} />
      <p className="-mt-4 text-xs text-slate-500">{t('new.hints.context')}</p>

      <div className="grid gap-4 sm:grid-cols-3">
        {options.initiatives.length > 0 ? (
          <SelectField
            label={t('new.fields.initiative')}
            name="initiativeId"
            defaultValue={kept(values, 'initiativeId')}
            errors={codes('initiativeId')}
            options={[{ value: '', label: t('new.noInitiative') }, ...options.initiatives.map((initiative) => ({ value: initiative.id, label: initiative.title }))]}
          />
        ) : null}
        <Field label={t('new.fields.firstSeenAt')} name="firstSeenAt" type="date" max={options.today} defaultValue={kept(values, 'firstSeenAt')} errors={codes('firstSeenAt')} />
        <Field label={t('new.fields.lastSeenAt')} name="lastSeenAt" type="date" max={options.today} defaultValue={kept(values, 'lastSeenAt')} errors={codes('lastSeenAt')} />
      </div>

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {t('new.submit')}
        </Button>
        <p className="text-xs text-slate-500">{t('new.hints.attach')}</p>
      </div>
    </Form>
  )
}
