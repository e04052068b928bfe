import { Form, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Button, CsrfInput, SelectField, TextAreaField } from '~/components/forms'
import type { IndicatorActionData } from '~/components/indicator-detail'
import { errorCodes, kept, PersonalBadge, TypeLabel } from '~/components/indicator-ui'
import { accessPurposes } from '~/domain/vocabulary'
import { purposeMaxLength, type IndicatorSummary } from '~/indicators/shared'

type Result = Pick<IndicatorActionData, 'intent' | 'errors' | 'values'> | undefined

/** Personal data is shown only once the reader has said why they open it; the purpose is audited. */
export function PurposeGate({ summary, result }: { summary: IndicatorSummary; result: Result }) {
  const { t } = useTranslation('indicators')
  const busy = useNavigation().state === 'submitting'
  const errors = result?.intent === 'purpose' ? result.errors : {}
  const values = result?.intent === 'purpose' ? result.values : {}
  return (
    <section aria-labelledby="purpose-heading" className="mx-auto max-w-2xl space-y-4 rounded-lg border border-amber-300 bg-amber-50 p-4 shadow-sm sm:p-6">
      <p className="flex flex-wrap items-center gap-2">
        <TypeLabel type={summary.type} />
        <PersonalBadge />
      </p>
      <h1 id="purpose-heading" className="text-xl font-bold tracking-tight">
        {t('purpose.title')}
      </h1>
      <p className="text-sm text-slate-800">{t('purpose.intro')}</p>
      <Form method="post" className="space-y-4">
        <CsrfInput />
        <input type="hidden" name="intent" value="purpose" />
        <SelectField
          label={t('purpose.fields.purpose')}
          name="purpose"
          required
          defaultValue={kept(values, 'purpose')}
          errors={errorCodes(errors.purpose)}
          options={[{ value: '', label: t('purpose.choose') }, ...accessPurposes.map((purpose) => ({ value: purpose, label: t(`purposes.${purpose}`) }))]}
        />
        <TextAreaField
          label={t('purpose.fields.justification')}
          name="justification"
          rows={3}
          maxLength={purposeMaxLength}
          defaultValue={kept(values, 'justification')}
          errors={errorCodes(errors.justification)}
        />
        <p className="-mt-2 text-xs text-slate-600">{t('purpose.hint')}</p>
        <Button type="submit" disabled={busy}>
          {t('purpose.submit')}
        </Button>
      </Form>
    </section>
  )
}
