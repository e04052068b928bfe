import { Form, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, CsrfInput, Field, SelectField, TextAreaField } from '~/components/forms'
import type { IndicatorActionData } from '~/components/indicator-detail'
import { errorCodes, kept, Section, TlpTag, useIndicatorDates } from '~/components/indicator-ui'
import { sightingKinds, tlpLabels } from '~/domain/vocabulary'
import { sightingTlpDefault, type IndicatorDetail } from '~/indicators/shared'

/** Who saw, processed or matched the value, as far as each sighting's label lets the reader know. */
export function Sightings({ detail, result, today }: { detail: IndicatorDetail; result: IndicatorActionData | undefined; today: string }) {
  const { t } = useTranslation('indicators')
  const { date } = useIndicatorDates()
  return (
    <Section id="sightings" title={t('sightings.heading')}>
      {detail.sightings.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t('sightings.empty')}</p>
      ) : (
        <ol className="mt-3 space-y-2">
          {detail.sightings.map((sighting) => (
            <li key={sighting.id} className="rounded-md border border-slate-200 p-3 text-sm">
              <p className="flex flex-wrap items-center justify-between gap-2">
                <span className="font-medium">{t(`sightingKinds.${sighting.kind}`)}</span>
                <TlpTag tlp={sighting.tlp} />
              </p>
              <p className="mt-1 text-slate-700">
                {t('sightings.line', {
                  organisation: sighting.own ? t('sightings.ownOrganisation') : sighting.organisationName,
                  date: date(sighting.at),
                  count: sighting.count,
                })}
              </p>
              {sighting.note ? <p className="mt-1 whitespace-pre-line break-words text-slate-900">{sighting.note}</p> : null}
            </li>
          ))}
        </ol>
      )}
      {detail.canRecordSighting ? <SightingForm result={result?.intent === 'sighting' ? result : undefined} today={today} /> : null}
    </Section>
  )
}

function SightingForm({ result, today }: { result: IndicatorActionData | undefined; today: string }) {
  const { t } = useTranslation('indicators')
  const busy = useNavigation().state === 'submitting'
  const values = result?.values
  return (
    <details className="mt-4 rounded border border-slate-200 p-3" open={Boolean(result)}>
      <summary className="cursor-pointer text-sm font-medium text-slate-900">{t('sightings.add')}</summary>
      <Form method="post" className="mt-3 space-y-3">
        <CsrfInput />
        <input type="hidden" name="intent" value="sighting" />
        {result?.message ? <Alert>{result.message}</Alert> : null}
        <SelectField
          label={t('sightings.fields.kind')}
          name="kind"
          defaultValue={kept(values, 'kind', 'seen')}
          errors={errorCodes(result?.errors.kind)}
          options={sightingKinds.map((kind) => ({ value: kind, label: t(`sightingKinds.${kind}`) }))}
        />
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label={t('sightings.fields.at')} name="at" type="date" required max={today} defaultValue={kept(values, 'at', today)} errors={errorCodes(result?.errors.at)} />
          <Field label={t('sightings.fields.count')} name="count" type="number" min={1} max={1_000_000} step={1} defaultValue={kept(values, 'count', '1')} errors={errorCodes(result?.errors.count)} />
        </div>
        <SelectField
          label={t('sightings.fields.tlp')}
          name="tlp"
          defaultValue={kept(values, 'tlp', sightingTlpDefault)}
          errors={errorCodes(result?.errors.tlp)}
          options={tlpLabels.map((tlp) => ({ value: tlp, label: t(`tlp.${tlp}.label`) }))}
        />
        <TextAreaField label={t('sightings.fields.note')} name="note" rows={2} maxLength={2000} defaultValue={kept(values, 'note')} errors={errorCodes(result?.errors.note)} />
        <Button type="submit" disabled={busy}>
          {t('sightings.submit')}
        </Button>
      </Form>
    </details>
  )
}
