import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useRouteError } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { forbidden, requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Button, CsrfInput, Field, SelectField } from '~/components/forms'
import { accessPurposes, indicatorTypes, tlpLabels } from '~/domain/vocabulary'
import { canExportIndicators } from '~/indicators/export.server'
import { i18next } from '~/utils/i18next.server'

const exportFormats = ['csv', 'stix'] as const
/** As EXPORT_NOTE_MAX of the download route, which validates the form. */
const NOTE_MAX = 500

/** Asks for the format and the purpose; the file itself comes from /indicators/export/download. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  if (!canExportIndicators(viewer)) throw forbidden()
  const t = await i18next.getFixedT(request, 'indicators-io')
  return { title: t('export.title') }
}

export default function ExportIndicators() {
  const { t } = useTranslation('indicators-io')
  const [purpose, setPurpose] = useState('')
  const [format, setFormat] = useState<(typeof exportFormats)[number]>('csv')
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <nav aria-label={t('breadcrumb')}>
        <Link to="/indicators" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('back')}
        </Link>
      </nav>
      <header className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">{t('export.heading')}</h1>
        <p className="text-slate-700">{t('export.intro')}</p>
        <p className="text-sm text-slate-600">{t('export.defanged')}</p>
      </header>

      {/* A plain document submission, so that the browser saves the file. */}
      <Form reloadDocument method="post" action="/indicators/export/download" className="space-y-5 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <CsrfInput />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">{t('export.format')}</legend>
          {exportFormats.map((option) => (
            <label key={option} className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                name="format"
                value={option}
                checked={format === option}
                onChange={() => setFormat(option)}
                className="mt-1 focus-visible:outline-2 focus-visible:outline-slate-700"
              />
              <span>
                <span className="font-medium">{t(`export.formats.${option}`)}</span>
                <span className="block text-slate-600">{t(`export.formatHelp.${option}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>

        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-medium text-slate-800">{t('export.filters')}</legend>
          <SelectField
            label={t('export.type')}
            name="type"
            defaultValue=""
            options={[{ value: '', label: t('export.anyType') }, ...indicatorTypes.map((value) => ({ value, label: t(`types.${value}`) }))]}
          />
          <SelectField
            label={t('export.tlp')}
            name="tlp"
            defaultValue=""
            options={[{ value: '', label: t('export.anyTlp') }, ...tlpLabels.map((value) => ({ value, label: `TLP:${value}` }))]}
          />
        </fieldset>

        <div className="space-y-4">
          <p className="text-sm text-slate-700">{t('export.purposeIntro')}</p>
          <SelectField
            label={t('export.purpose')}
            name="purpose"
            required
            value={purpose}
            onChange={(event) => setPurpose(event.currentTarget.value)}
            options={[{ value: '', label: t('export.choosePurpose') }, ...accessPurposes.map((value) => ({ value, label: t(`purposes.${value}`) }))]}
          />
          <Field
            label={t('export.note')}
            name="note"
            hint={t('export.noteHint')}
            maxLength={NOTE_MAX}
            minLength={purpose === 'other' ? 5 : undefined}
            required={purpose === 'other'}
            autoComplete="off"
          />
        </div>
        <p className="text-sm text-slate-700">{t('export.handling')}</p>
        <Button type="submit">{t('export.download')}</Button>
      </Form>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
