import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { forbidden, notFound, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput, Field } from '~/components/forms'
import {
  DeliveryStatusBadge,
  EndpointStatusBadge,
  EventCheckboxes,
  secondaryLinkClass,
  SecretPanel,
  useWebhookDate,
} from '~/components/webhook-ui'
import type { Viewer } from '~/policy/permissions'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { objectId } from '~/utils/text-schemas'
import { redirectWithToast } from '~/utils/toast.server'
import {
  deleteEndpoint,
  endpointChangesInput,
  getEndpoint,
  listDeliveries,
  redeliver,
  rotateSecret,
  updateEndpoint,
  WebhookError,
} from '~/webhooks/endpoints.server'

const intentInput = z.object({ intent: z.enum(['save', 'rotate', 'delete', 'redeliver'], { error: 'invalid' }) })
const confirmInput = z.object({ confirm: z.literal('yes', { error: 'required' }) })
const redeliverInput = z.object({ deliveryId: objectId })

/** Domain refusals as HTTP answers: another organisation's endpoint is simply not there. */
function answer(error: unknown): never {
  if (error instanceof WebhookError && error.code === 'notFound') throw notFound()
  if (error instanceof WebhookError && error.code === 'forbidden') throw forbidden()
  throw error
}

async function loadEndpoint(viewer: Viewer, endpointId: string | undefined) {
  return getEndpoint(viewer, endpointId).catch(answer)
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, 'integration:manage')
  const endpoint = await loadEndpoint(viewer, params.endpointId)
  const url = new URL(request.url)
  const after = url.searchParams.get('after')
  const confirm = url.searchParams.get('confirm')
  const [deliveries, t] = await Promise.all([listDeliveries(viewer, endpoint.id, { after }), i18next.getFixedT(request, 'webhooks')])
  return {
    title: `${t('title')}: ${endpoint.url}`,
    endpoint,
    deliveries: deliveries.items,
    next: deliveries.next,
    paged: Boolean(after),
    confirming: confirm === 'delete' || confirm === 'rotate' ? confirm : null,
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'integration:manage')
  const endpoint = await loadEndpoint(viewer, params.endpointId)
  const form = await readForm(request)
  const here = `/integrations/webhooks/${endpoint.id}`
  const meta = requestMeta(request, context)
  const intent = parseForm(intentInput, form)
  if (!intent.ok) return data({ errors: intent.errors, values: intent.values, secret: null }, { status: 400 })

  if (intent.value.intent === 'save') {
    const parsed = parseForm(endpointChangesInput, form)
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values, secret: null }, { status: 400 })
    const changed = await updateEndpoint(viewer, endpoint.id, parsed.value, meta).catch(answer)
    return redirectWithToast(here, { kind: changed.length ? 'success' : 'info', key: changed.length ? 'webhooks:toast.saved' : 'webhooks:toast.unchanged' })
  }

  if (intent.value.intent === 'redeliver') {
    const parsed = parseForm(redeliverInput, form)
    if (!parsed.ok) throw notFound()
    try {
      await redeliver(viewer, endpoint.id, parsed.value.deliveryId, meta)
    } catch (error) {
      if (error instanceof WebhookError && (error.code === 'inProgress' || error.code === 'endpointDisabled')) {
        return redirectWithToast(here, { kind: 'error', key: `webhooks:toast.${error.code}` })
      }
      answer(error)
    }
    return redirectWithToast(here, { kind: 'success', key: 'webhooks:toast.redelivered' })
  }

  // Rotating and deleting each take a second, confirming step.
  const what = intent.value.intent
  if (!parseForm(confirmInput, form).ok) {
    return redirectWithToast(`${here}?confirm=${what}`, { kind: 'info', key: what === 'delete' ? 'webhooks:toast.confirmDelete' : 'webhooks:toast.confirmRotate' })
  }
  if (what === 'delete') {
    await deleteEndpoint(viewer, endpoint.id, meta).catch(answer)
    return redirectWithToast('/integrations/webhooks', { kind: 'success', key: 'webhooks:toast.deleted' })
  }
  const { secret } = await rotateSecret(viewer, endpoint.id, meta).catch(answer)
  // Shown in this one answer only.
  return data({ errors: {} as FieldErrors, values: {} as Record<string, string | string[]>, secret }, { headers: { 'Cache-Control': 'no-store' } })
}

export default function WebhookEndpointPage() {
  const { t } = useTranslation('webhooks')
  const { endpoint, confirming } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const date = useWebhookDate()
  const here = `/integrations/webhooks/${endpoint.id}`
  const errors: FieldErrors = result?.errors ?? {}
  const kept = result?.values
  const keptEvents = kept && 'events' in kept ? kept.events : undefined
  const events = keptEvents === undefined ? (kept && Object.keys(errors).length ? [] : endpoint.events) : Array.isArray(keptEvents) ? keptEvents : [keptEvents]
  const description = kept && typeof kept.description === 'string' ? kept.description : endpoint.description
  return (
    <div className="mx-auto max-w-4xl space-y-8">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/integrations/webhooks" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="min-w-0 font-mono text-xl font-bold break-all sm:text-2xl">{endpoint.url}</h1>
          <EndpointStatusBadge enabled={endpoint.enabled} />
        </div>
        {endpoint.description ? <p className="text-slate-700">{endpoint.description}</p> : null}
        <p className="text-sm text-slate-500">
          {endpoint.createdByName ? t('detail.createdBy', { name: endpoint.createdByName, at: date(endpoint.createdAt) }) : t('detail.createdOn', { at: date(endpoint.createdAt) })}
        </p>
      </header>

      {result?.secret ? <SecretPanel secret={result.secret} title={t('secret.rotatedTitle')} /> : null}

      {confirming === 'delete' ? (
        <ConfirmBox title={t('detail.deleteConfirmTitle')} body={t('detail.deleteConfirmBody', { url: endpoint.url })} intent="delete" label={t('detail.deleteConfirm')} cancelTo={here} />
      ) : null}
      {confirming === 'rotate' && !result?.secret ? (
        <ConfirmBox title={t('detail.rotateConfirmTitle')} body={t('detail.rotateConfirmBody')} intent="rotate" label={t('detail.rotateConfirm')} cancelTo={here} />
      ) : null}

      <section aria-labelledby="settings" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 id="settings" className="text-lg font-semibold">
          {t('detail.settings')}
        </h2>
        {Object.keys(errors).length > 0 ? <Alert>{t('form.fixErrors')}</Alert> : null}
        <Form method="post" className="space-y-6">
          <CsrfInput />
          <Field label={t('form.description')} name="description" maxLength={200} hint={t('form.descriptionHint')} defaultValue={description} errors={errors.description} />
          <EventCheckboxes key={events.join()} selected={events} errors={errors.events} />
          <div className="flex items-start gap-3">
            <input
              id="endpoint-enabled"
              type="checkbox"
              name="enabled"
              defaultChecked={endpoint.enabled}
              aria-describedby="endpoint-enabled-hint"
              className="mt-1 h-4 w-4 rounded border-slate-300 focus-visible:outline-2 focus-visible:outline-slate-700"
            />
            <div>
              <label htmlFor="endpoint-enabled" className="text-sm font-medium text-slate-900">
                {t('form.enabled')}
              </label>
              <p id="endpoint-enabled-hint" className="text-xs text-slate-600">
                {t('form.enabledHint')}
              </p>
            </div>
          </div>
          <div className="flex flex-wrap gap-3 border-t border-slate-200 pt-4">
            <Button type="submit" name="intent" value="save" disabled={submitting}>
              {t('form.save')}
            </Button>
            {confirming !== 'delete' ? (
              <Link to={`${here}?confirm=delete`} className={`${secondaryLinkClass} ml-auto text-red-800`}>
                {t('detail.delete')}
              </Link>
            ) : null}
          </div>
        </Form>
      </section>

      <section aria-labelledby="secret" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 id="secret" className="text-lg font-semibold">
          {t('detail.secretTitle')}
        </h2>
        <p className="max-w-2xl text-sm text-slate-600">{t('detail.secretBody')}</p>
        {endpoint.secretRotatedAt ? <p className="text-sm text-slate-500">{t('detail.secretRotatedAt', { at: date(endpoint.secretRotatedAt) })}</p> : null}
        {confirming !== 'rotate' ? (
          <Link to={`${here}?confirm=rotate`} className={secondaryLinkClass}>
            {t('detail.rotate')}
          </Link>
        ) : null}
      </section>

      <DeliveryLog />
    </div>
  )
}

function ConfirmBox({ title, body, intent, label, cancelTo }: { title: string; body: string; intent: 'delete' | 'rotate'; label: string; cancelTo: string }) {
  const { t } = useTranslation('webhooks')
  const submitting = useNavigation().state === 'submitting'
  return (
    <section aria-labelledby={`confirm-${intent}`} className="rounded-lg border border-red-200 bg-red-50 p-4 sm:p-6">
      <h2 id={`confirm-${intent}`} className="text-lg font-semibold text-red-900">
        {title}
      </h2>
      <p className="mt-1 text-sm text-red-900">{body}</p>
      <Form method="post" className="mt-4 flex flex-wrap gap-3">
        <CsrfInput />
        <input type="hidden" name="confirm" value="yes" />
        <Button type="submit" name="intent" value={intent} variant="danger" disabled={submitting}>
          {label}
        </Button>
        <Link to={cancelTo} className={secondaryLinkClass}>
          {t('common:forms.cancel')}
        </Link>
      </Form>
    </section>
  )
}

function DeliveryLog() {
  const { t } = useTranslation('webhooks')
  const { endpoint, deliveries, next, paged } = useLoaderData<typeof loader>()
  const submitting = useNavigation().state === 'submitting'
  const date = useWebhookDate()
  const here = `/integrations/webhooks/${endpoint.id}`
  return (
    <section aria-labelledby="delivery-log" className="space-y-3">
      <h2 id="delivery-log" className="text-lg font-semibold">
        {t('log.title')}
      </h2>
      <p className="max-w-2xl text-sm text-slate-600">{t('log.intro')}</p>
      {deliveries.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">{t('log.empty')}</p>
      ) : (
        <ol className="space-y-3">
          {deliveries.map((delivery) => (
            <li key={delivery.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0 space-y-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <h3 className="font-semibold">{t(`events.${delivery.event}`)}</h3>
                    <DeliveryStatusBadge status={delivery.status} />
                  </div>
                  <p className="text-sm text-slate-600">{t('log.queuedAt', { at: date(delivery.createdAt) })}</p>
                  <p className="text-xs break-all text-slate-500">
                    <span className="sr-only">{t('log.messageId')}</span>
                    <code>{delivery.messageId}</code>
                  </p>
                </div>
                {endpoint.enabled && delivery.status !== 'sending' ? (
                  <Form method="post">
                    <CsrfInput />
                    <input type="hidden" name="deliveryId" value={delivery.id} />
                    <Button
                      type="submit"
                      name="intent"
                      value="redeliver"
                      variant="secondary"
                      disabled={submitting}
                      aria-label={t('log.redeliverLabel', { event: t(`events.${delivery.event}`), at: date(delivery.createdAt) })}
                    >
                      {t('log.redeliver')}
                    </Button>
                  </Form>
                ) : null}
              </div>
              <h4 className="mt-3 text-sm font-medium text-slate-700">{t('log.attempts')}</h4>
              {delivery.attempts.length === 0 ? (
                <p className="text-sm text-slate-600">{t('log.noAttempts')}</p>
              ) : (
                <ol className="mt-1 space-y-1 text-sm">
                  {delivery.attempts.map((attempt, index) => {
                    const ok = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300
                    return (
                      <li key={index} className="flex flex-wrap gap-x-3 gap-y-1">
                        <span className="text-slate-600">{date(attempt.at)}</span>
                        <span className={ok ? 'font-medium text-emerald-800' : 'font-medium text-red-800'}>
                          {attempt.statusCode !== null ? t('log.httpStatus', { code: attempt.statusCode }) : t(`attemptErrors.${attempt.error ?? 'network'}`)}
                        </span>
                        <span className="text-slate-500">{t('log.duration', { ms: attempt.durationMs })}</span>
                      </li>
                    )
                  })}
                </ol>
              )}
              {delivery.nextAttemptAt ? <p className="mt-2 text-sm text-amber-900">{t('log.nextAttempt', { at: date(delivery.nextAttemptAt) })}</p> : null}
              {delivery.deliveredAt ? <p className="mt-2 text-sm text-emerald-900">{t('log.deliveredAt', { at: date(delivery.deliveredAt) })}</p> : null}
            </li>
          ))}
        </ol>
      )}
      {next || paged ? (
        <nav aria-label={t('log.paging')} className="flex flex-wrap gap-2">
          {paged ? (
            <Link to={here} className={secondaryLinkClass}>
              {t('log.newest')}
            </Link>
          ) : null}
          {next ? (
            <Link to={`${here}?after=${next}`} rel="next" className={secondaryLinkClass}>
              {t('log.older')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
