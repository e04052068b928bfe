import { Form, Link, useNavigation } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, CsrfInput, useErrorText } from '~/components/forms'
import { IndicatorValue, linkClass, PersonalBadge, Section, TlpTag, TypeLabel, UntraceableBadge } from '~/components/indicator-ui'
import { indicatorTypes } from '~/domain/vocabulary'
import type { TaskIndicatorView } from '~/indicators/shared'

export type TaskIndicatorsData = { canLink: boolean; indicators: TaskIndicatorView[]; chains: string[] }

type Result = { errors: Record<string, string[]>; values: Record<string, string | string[]> } | undefined

const fields = ['indicatorType', 'indicatorValue', 'indicatorChain', 'indicatorAcquirer'] as const

const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-slate-500 aria-[invalid]:border-red-600'

/** The indicators on a task that the reader may see; the owning centre links more by value. */
export function TaskIndicators({ data, result }: { data: TaskIndicatorsData; result: Result }) {
  const { t } = useTranslation('indicators')
  const mine = fields.some((field) => result?.errors[field]?.length) ? result : undefined
  if (!data.canLink && data.indicators.length === 0) return null
  return (
    <Section id="indicators" title={t('taskSection.heading')}>
      {data.indicators.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t('taskSection.empty')}</p>
      ) : (
        <ul className="mt-3 space-y-2">
          {data.indicators.map((indicator) => (
            <li key={indicator.id} className="flex flex-wrap items-center gap-2 text-sm">
              <TypeLabel type={indicator.type} />
              <Link to={`/indicators/${indicator.id}`} className={`${linkClass} min-w-0`}>
                {indicator.display === null ? t('list.table.personalHidden') : <IndicatorValue value={indicator.display} />}
              </Link>
              <TlpTag tlp={indicator.tlp} />
              {indicator.untraceable ? <UntraceableBadge /> : null}
              {indicator.personal ? <PersonalBadge /> : null}
              {indicator.retracted ? <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-900">{t('statuses.retracted')}</span> : null}
            </li>
          ))}
        </ul>
      )}
      {data.canLink ? <LinkForm chains={data.chains} result={mine} /> : null}
    </Section>
  )
}

function LinkForm({ chains, result }: { chains: string[]; result: Result }) {
  const { t } = useTranslation('indicators')
  const errorText = useErrorText()
  const busy = useNavigation().state === 'submitting'
  const id = useId()
  const value = (field: (typeof fields)[number]) => {
    const kept = result?.values[field]
    return typeof kept === 'string' ? kept : ''
  }
  const error = (field: (typeof fields)[number]) =>
    result?.errors[field]?.length ? (
      <p id={`${id}-${field}-error`} className="mt-1 text-sm text-red-700">
        {result.errors[field].map(errorText).join(' ')}
      </p>
    ) : null
  const invalid = (field: (typeof fields)[number]) => (result?.errors[field]?.length ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {})
  return (
    <details className="mt-4 rounded border border-slate-200 p-3" open={Boolean(result)}>
      <summary className="cursor-pointer text-sm font-medium text-slate-900">{t('taskSection.add')}</summary>
      <Form method="post" className="mt-3 space-y-3">
        <CsrfInput />
        <input type="hidden" name="intent" value="linkIndicator" />
        <p className="text-sm text-slate-600">{t('taskSection.intro')}</p>
        <div className="grid gap-3 sm:grid-cols-3">
          <div>
            <label htmlFor={`${id}-type`} className="block text-sm font-medium text-slate-800">
              {t('new.fields.type')}
            </label>
            <select id={`${id}-type`} name="indicatorType" defaultValue={value('indicatorType')} className={inputClass} {...invalid('indicatorType')}>
              <option value="">{t('new.choose')}</option>
              {indicatorTypes.map((type) => (
                <option key={type} value={type}>
                  {t(`types.${type}`)}
                </option>
              ))}
            </select>
            {error('indicatorType')}
          </div>
          <div className="sm:col-span-2">
            <label htmlFor={`${id}-value`} className="block text-sm font-medium text-slate-800">
              {t('new.fields.value')}
            </label>
            <input
              id={`${id}-value`}
              name="indicatorValue"
              maxLength={2048}
              autoComplete="off"
              spellCheck={false}
              defaultValue={value('indicatorValue')}
              className={`${inputClass} font-mono`}
              {...invalid('indicatorValue')}
            />
            {error('indicatorValue')}
          </div>
          <div>
            <label htmlFor={`${id}-chain`} className="block text-sm font-medium text-slate-800">
              {t('new.fields.chain')}
            </label>
            <select id={`${id}-chain`} name="indicatorChain" defaultValue={value('indicatorChain')} className={inputClass} {...invalid('indicatorChain')}>
              <option value="">{t('new.notApplicable')}</option>
              {chains.map((chain) => (
                <option key={chain} value={chain}>
                  {chain.toUpperCase()}
                </option>
              ))}
            </select>
            {error('indicatorChain')}
          </div>
          <div className="sm:col-span-2">
            <label htmlFor={`${id}-acquirer`} className="block text-sm font-medium text-slate-800">
              {t('new.fields.acquirer')}
            </label>
            <input id={`${id}-acquirer`} name="indicatorAcquirer" maxLength={200} defaultValue={value('indicatorAcquirer')} className={inputClass} {...invalid('indicatorAcquirer')} />
            {error('indicatorAcquirer')}
          </div>
        </div>
        <Button type="submit" variant="secondary" disabled={busy}>
          {t('taskSection.submit')}
        </Button>
      </Form>
    </details>
  )
}
