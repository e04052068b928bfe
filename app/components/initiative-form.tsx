import { useTranslation } from 'react-i18next'
import { Button, Field, SelectField, TextAreaField } from './forms'
import { useInitiativeErrorText } from './initiative-ui'
import { actionTypes, tlpLabels } from '~/domain/vocabulary'
import { initiativeStatusList, MAX_MILESTONES, MAX_OBJECTIVES, type InitiativeFormValues } from '~/initiatives/shared'

type Errors = Record<string, string[]>

function FieldError({ id, codes }: { id?: string; codes?: string[] }) {
  const errorText = useInitiativeErrorText()
  if (!codes?.length) return null
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {codes.map(errorText).join(' ')}
    </p>
  )
}

/**
 * The fields of an initiative (create and edit). Objectives and milestones are rows of repeated
 * fields; "more rows" buttons re-render the form with blank rows, so it works without JavaScript.
 */
export function InitiativeFields({ form, errors, editing, previousTlp }: { form: InitiativeFormValues; errors: Errors; editing: boolean; previousTlp?: string }) {
  const { t } = useTranslation('initiatives')
  const errorText = useInitiativeErrorText()
  const message = (field: string) => errors[field]?.map(errorText)
  return (
    <div className="space-y-6">
      <Field label={t('form.fields.title')} name="title" required maxLength={200} defaultValue={form.title} errors={errors.title} />
      <div>
        <TextAreaField
          label={t('form.fields.purpose')}
          name="purpose"
          required
          rows={4}
          maxLength={2000}
          defaultValue={form.purpose}
          errors={errors.purpose}
        />
        <p className="mt-1 text-xs text-slate-500">
          {t('form.hints.purpose')}
        </p>
      </div>

      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          label={t('form.fields.status')}
          name="status"
          defaultValue={form.status}
          errors={errors.status}
          options={initiativeStatusList.map((status) => ({ value: status, label: t(`status.${status}`) }))}
        />
        <Field label={t('form.fields.startDate')} name="startDate" type="date" defaultValue={form.startDate} errors={errors.startDate} />
        <Field label={t('form.fields.targetDate')} name="targetDate" type="date" defaultValue={form.targetDate} errors={errors.targetDate} />
      </div>

      <fieldset aria-describedby="tlp-hint">
        <legend className="text-sm font-medium text-slate-800">{t('form.fields.tlp')}</legend>
        <p id="tlp-hint" className="text-xs text-slate-500">
          {t('form.hints.tlp')}
        </p>
        <div className="mt-2 space-y-2">
          {tlpLabels.map((label) => (
            <label key={label} className="flex items-start gap-2 text-sm">
              <input type="radio" name="tlp" value={label} defaultChecked={form.tlp === label} className="mt-0.5 h-4 w-4 border-slate-400" />
              <span>
                <span className="font-mono font-semibold">{t('tlp.badge', { label })}</span>
                <span className="text-slate-600">
                  {' – '}
                  {t(`tlp.explain.${label}`)}
                </span>
              </span>
            </label>
          ))}
        </div>
        <FieldError codes={errors.tlp} />
      </fieldset>

      {editing ? (
        <div>
          <Field
            label={t('form.fields.tlpReason')}
            name="tlpReason"
            maxLength={500}
            defaultValue={form.tlpReason}
            errors={errors.tlpReason}
            hint={t('form.hints.tlpReason', { label: previousTlp ?? form.tlp })}
          />
        </div>
      ) : null}

      <div className="flex items-start gap-2">
        <input
          id="excludeNotApplicable"
          type="checkbox"
          name="excludeNotApplicable"
          defaultChecked={form.excludeNotApplicable}
          aria-describedby="exclude-hint"
          className="mt-0.5 h-4 w-4 rounded border-slate-400"
        />
        <div>
          <label htmlFor="excludeNotApplicable" className="text-sm font-medium text-slate-800">
            {t('form.fields.excludeNotApplicable')}
          </label>
          <p id="exclude-hint" className="text-xs text-slate-500">
            {t('form.hints.excludeNotApplicable')}
          </p>
        </div>
      </div>

      <section aria-labelledby="objectives-heading" className="space-y-3">
        <div>
          <h2 id="objectives-heading" className="text-base font-semibold">
            {t('form.objectives.heading')}
          </h2>
          <p className="text-sm text-slate-600">{t('form.objectives.hint')}</p>
          {message('objectives') ? (
            <p role="alert" className="mt-1 text-sm text-red-700">
              {message('objectives')?.join(' ')}
            </p>
          ) : null}
        </div>
        <ol className="space-y-3">
          {form.objectives.map((row, index) => (
            <li key={`objective-${index}`}>
              <fieldset className="grid gap-3 rounded-md border border-slate-200 bg-slate-50 p-3 sm:grid-cols-3">
                <legend className="px-1 text-sm font-semibold text-slate-800">{t('form.objectives.row', { number: index + 1 })}</legend>
                <SelectField
                  className="sm:col-span-2"
                  label={t('form.objectives.actionType')}
                  name="objective_type"
                  defaultValue={row.actionType}
                  errors={errors[`objectives.${index}.actionType`]}
                  options={[{ value: '', label: t('form.objectives.choose') }, ...actionTypes.map((type) => ({ value: type, label: t(`actionTypes.${type}`) }))]}
                />
                <Field
                  label={t('form.objectives.target')}
                  name="objective_target"
                  type="number"
                  min={1}
                  max={10_000_000}
                  inputMode="numeric"
                  defaultValue={row.target}
                  errors={errors[`objectives.${index}.target`]}
                />
              </fieldset>
            </li>
          ))}
        </ol>
        {form.objectives.length < MAX_OBJECTIVES ? (
          <Button type="submit" name="intent" value="moreObjectives" variant="secondary" formNoValidate>
            {t('form.objectives.more')}
          </Button>
        ) : null}
      </section>

      <section aria-labelledby="milestones-heading" className="space-y-3">
        <div>
          <h2 id="milestones-heading" className="text-base font-semibold">
            {t('form.milestones.heading')}
          </h2>
          <p className="text-sm text-slate-600">{t('form.milestones.hint')}</p>
          {message('milestones') ? (
            <p role="alert" className="mt-1 text-sm text-red-700">
              {message('milestones')?.join(' ')}
            </p>
          ) : null}
        </div>
        <ol className="space-y-3">
          {form.milestones.map((row, index) => (
            <li key={`milestone-${index}`}>
              <fieldset className="grid gap-3 rounded-md border border-slate-200 bg-slate-50 p-3 sm:grid-cols-3">
                <legend className="px-1 text-sm font-semibold text-slate-800">{t('form.milestones.row', { number: index + 1 })}</legend>
                <input type="hidden" name="milestone_id" value={row.id} />
                <Field
                  className="sm:col-span-2"
                  label={t('form.milestones.title')}
                  name="milestone_title"
                  maxLength={200}
                  defaultValue={row.title}
                  errors={errors[`milestones.${index}.title`]}
                />
                <Field label={t('form.milestones.dueDate')} name="milestone_due" type="date" defaultValue={row.dueDate} errors={errors[`milestones.${index}.dueDate`]} />
              </fieldset>
            </li>
          ))}
        </ol>
        {form.milestones.length < MAX_MILESTONES ? (
          <Button type="submit" name="intent" value="moreMilestones" variant="secondary" formNoValidate>
            {t('form.milestones.more')}
          </Button>
        ) : null}
      </section>
    </div>
  )
}
