import { useTranslation } from 'react-i18next'
import { Button, Field, SelectField, TextAreaField } from './forms'
import { useTaskErrorText } from './task-badges'
import { organisationKinds, taskPriorities } from '~/domain/vocabulary'
import { MAX_TEMPLATE_STEPS, type StepRow } from '~/tasks/forms'

type Errors = Record<string, string[]>

/**
 * The fields of a playbook: name, description and its ordered steps. Steps are repeated fields
 * (`step_title`, `step_kind`, …) read in order; a blank row is ignored. Moving a step and adding rows
 * are submit buttons that only re-render the form, so it works without JavaScript.
 */
export function TemplateFields({ name, description, rows, errors }: { name: string; description: string; rows: StepRow[]; errors: Errors }) {
  const { t } = useTranslation('tasks')
  const errorText = useTaskErrorText()
  return (
    <div className="space-y-5">
      <Field label={t('templates.fields.name')} name="name" required maxLength={120} defaultValue={name} errors={errors.name} />
      <TextAreaField label={t('templates.fields.description')} name="description" rows={3} maxLength={2000} defaultValue={description} errors={errors.description} />
      <section aria-labelledby="template-steps" className="space-y-4">
        <div>
          <h2 id="template-steps" className="text-base font-semibold">
            {t('templates.fields.steps')}
          </h2>
          <p className="text-sm text-slate-600">{t('templates.stepsHint')}</p>
          {errors.steps?.length ? (
            <p role="alert" className="mt-1 text-sm text-red-700">
              {errors.steps.map(errorText).join(' ')}
            </p>
          ) : null}
        </div>
        <ol className="space-y-4">
          {rows.map((row, index) => (
            // Rows have no identity of their own: the position is what the form submits.
            <li key={`${index}-${row.title}`}>
              <fieldset className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4">
                <legend className="px-1 text-sm font-semibold text-slate-800">{t('templates.step', { number: index + 1 })}</legend>
                <Field label={t('templates.fields.stepTitle')} name="step_title" maxLength={200} defaultValue={row.title} errors={errors[`step.${index}.title`]} />
                <div className="grid gap-3 sm:grid-cols-3">
                  <SelectField
                    label={t('templates.fields.kind')}
                    name="step_kind"
                    defaultValue={row.organisationKind}
                    errors={errors[`step.${index}.organisationKind`]}
                    options={[{ value: '', label: t('templates.chooseKind') }, ...organisationKinds.map((kind) => ({ value: kind, label: t(`common:kinds.${kind}`) }))]}
                  />
                  <SelectField
                    label={t('templates.fields.priority')}
                    name="step_priority"
                    defaultValue={row.priority}
                    errors={errors[`step.${index}.priority`]}
                    options={taskPriorities.map((priority) => ({ value: priority, label: t(`priority.${priority}`) }))}
                  />
                  <Field
                    label={t('templates.fields.dueInDays')}
                    name="step_due"
                    type="number"
                    min={0}
                    max={365}
                    inputMode="numeric"
                    defaultValue={row.dueInDays}
                    errors={errors[`step.${index}.dueInDays`]}
                  />
                </div>
                <TextAreaField
                  label={t('templates.fields.stepDescription')}
                  name="step_description"
                  rows={2}
                  maxLength={8000}
                  defaultValue={row.description}
                  errors={errors[`step.${index}.description`]}
                />
                <div className="flex flex-wrap gap-2">
                  {index > 0 ? (
                    <Button type="submit" name="intent" value={`up:${index}`} variant="secondary" formNoValidate aria-label={t('templates.moveUpLabel', { number: index + 1 })}>
                      {t('templates.moveUp')}
                    </Button>
                  ) : null}
                  {index < rows.length - 1 ? (
                    <Button type="submit" name="intent" value={`down:${index}`} variant="secondary" formNoValidate aria-label={t('templates.moveDownLabel', { number: index + 1 })}>
                      {t('templates.moveDown')}
                    </Button>
                  ) : null}
                </div>
              </fieldset>
            </li>
          ))}
        </ol>
        {rows.length < MAX_TEMPLATE_STEPS ? (
          <Button type="submit" name="intent" value="more" variant="secondary" formNoValidate>
            {t('templates.moreRows')}
          </Button>
        ) : null}
      </section>
    </div>
  )
}
