import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { useErrorText } from '~/components/forms'
import { webhookEvents, type WebhookEvent } from '~/domain/vocabulary'

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed'

export const primaryLinkClass =
  'inline-flex items-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
export const secondaryLinkClass =
  'inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
export const textLinkClass = 'text-slate-900 underline underline-offset-2 hover:text-slate-600 focus-visible:outline-2 focus-visible:outline-slate-700'

/** Dates and times in the reader's language (UTC, as elsewhere in the portal). */
export function useWebhookDate() {
  const { i18n } = useTranslation()
  const moment = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' })
  return (iso: string) => `${moment.format(new Date(iso))} UTC`
}

const deliveryTones: Record<DeliveryStatus, string> = {
  pending: 'bg-amber-100 text-amber-900',
  sending: 'bg-sky-100 text-sky-900',
  delivered: 'bg-emerald-100 text-emerald-900',
  failed: 'bg-red-100 text-red-900',
}

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation('webhooks')
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${deliveryTones[status]}`}>{t(`deliveryStatus.${status}`)}</span>
}

export function EndpointStatusBadge({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation('webhooks')
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${enabled ? 'bg-emerald-100 text-emerald-900' : 'bg-slate-200 text-slate-700'}`}>
      {t(enabled ? 'endpointStatus.enabled' : 'endpointStatus.disabled')}
    </span>
  )
}

/** The event checkboxes of both forms, each with what it means. */
export function EventCheckboxes({ selected, errors }: { selected: readonly string[]; errors?: string[] }) {
  const { t } = useTranslation('webhooks')
  const errorText = useErrorText()
  const id = useId()
  return (
    <fieldset aria-describedby={errors?.length ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-800">{t('form.events')}</legend>
      <ul className="mt-2 space-y-2">
        {webhookEvents.map((event) => (
          <li key={event} className="flex items-start gap-3">
            <input
              id={`${id}-${event}`}
              type="checkbox"
              name="events"
              value={event}
              defaultChecked={selected.includes(event)}
              aria-describedby={`${id}-${event}-help`}
              className="mt-1 h-4 w-4 rounded border-slate-300 focus-visible:outline-2 focus-visible:outline-slate-700"
            />
            <div>
              <label htmlFor={`${id}-${event}`} className="text-sm font-medium text-slate-900">
                {t(`events.${event}`)} <code className="ml-1 rounded bg-slate-100 px-1 text-xs text-slate-600">{event}</code>
              </label>
              <p id={`${id}-${event}-help`} className="text-xs text-slate-600">
                {t(`eventHelp.${event}`)}
              </p>
            </div>
          </li>
        ))}
      </ul>
      {errors?.length ? (
        <p id={`${id}-error`} className="mt-2 text-sm text-red-700">
          {errors.map(errorText).join(' ')}
        </p>
      ) : null}
    </fieldset>
  )
}

export function EventList({ events }: { events: readonly WebhookEvent[] }) {
  const { t } = useTranslation('webhooks')
  return (
    <ul className="flex flex-wrap gap-1">
      {events.map((event) => (
        <li key={event} className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
          {t(`events.${event}`)}
        </li>
      ))}
    </ul>
  )
}

/** The signing secret, shown once after creation or rotation. */
export function SecretPanel({ secret, title }: { secret: string; title: string }) {
  const { t } = useTranslation('webhooks')
  const id = useId()
  return (
    <section aria-labelledby={`${id}-title`} role="status" className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 sm:p-6">
      <h2 id={`${id}-title`} className="text-lg font-semibold text-emerald-950">
        {title}
      </h2>
      <p className="mt-1 text-sm text-emerald-950">{t('secret.once')}</p>
      <label htmlFor={`${id}-secret`} className="mt-4 block text-sm font-medium text-emerald-950">
        {t('secret.label')}
      </label>
      <input
        id={`${id}-secret`}
        readOnly
        value={secret}
        onFocus={(event) => event.currentTarget.select()}
        className="mt-1 block w-full rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-sm break-all focus:outline-2 focus:outline-offset-1 focus:outline-emerald-700"
      />
      <p className="mt-3 text-xs text-emerald-900">{t('secret.verify')}</p>
    </section>
  )
}
