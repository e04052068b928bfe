import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { notFound, requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { getOrganisationProfile } from '~/partners/directory.server'
import { reinstateOrganisation, suspendOrganisation, suspensionSchema, type SuspensionFailure } from '~/partners/suspension.server'
import { buttonLinkClass, Checkbox, KindLabel, keptValue, linkClass, StatusBadge, TextArea, useDate } from '~/partners/ui'
import { can } from '~/policy/permissions'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, 'partner:directory')
  const locale = await i18next.getLocale(request)
  const profile = await getOrganisationProfile(viewer, params.organisationId, locale)
  if (!profile) throw notFound()
  // The confirmation step is a second page state, so it works without JavaScript.
  const asked = new URL(request.url).searchParams.get('confirm')
  const confirming = asked === 'suspend' && profile.canSuspend ? 'suspend' : asked === 'reinstate' && profile.canReinstate ? 'reinstate' : null
  return {
    title: profile.legalName,
    profile,
    confirming,
    // Coordinators looking at their own centre are told why there is no control.
    ownCentreNote: profile.isOwn && can(viewer, 'partner:suspend'),
  }
}

type ActionData = {
  intent: 'suspend' | 'reinstate' | null
  formError: Exclude<SuspensionFailure, 'notFound'> | null
  errors: FieldErrors
  values: Record<string, string | string[]>
}

const failureStatus: Record<Exclude<SuspensionFailure, 'notFound'>, number> = { ownOrganisation: 403, notAllowed: 403, wrongStatus: 409 }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'partner:suspend')
  const form = await readForm(request)
  const parsed = parseForm(suspensionSchema, form)
  const rawIntent = parsed.values.intent
  const intent = rawIntent === 'suspend' || rawIntent === 'reinstate' ? rawIntent : null
  if (!parsed.ok) return data<ActionData>({ intent, formError: null, errors: parsed.errors, values: parsed.values }, { status: 400 })
  const organisationId = params.organisationId ?? ''
  const change = parsed.value.intent === 'suspend' ? suspendOrganisation : reinstateOrganisation
  const result = await change({ organisationId, reason: parsed.value.reason, by: viewer, meta: requestMeta(request, context) })
  if (!result.ok) {
    if (result.reason === 'notFound') throw notFound()
    return data<ActionData>({ intent, formError: result.reason, errors: {}, values: parsed.values }, { status: failureStatus[result.reason] })
  }
  return redirectWithToast(`/partners/${organisationId}`, {
    kind: 'success',
    key: parsed.value.intent === 'suspend' ? 'partners:suspension.toast.suspended' : 'partners:suspension.toast.reinstated',
    values: { name: result.legalName },
  })
}

export default function OrganisationPage() {
  const { t } = useTranslation('partners')
  const { profile, confirming, ownCentreNote } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const date = useDate()
  return (
    <div className="space-y-6">
      <p>
        <Link to="/partners" className={linkClass}>
          {t('detail.back')}
        </Link>
      </p>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight">{profile.legalName}</h1>
        <StatusBadge status={profile.status} />
        {profile.isOwn ? <span className="text-sm text-slate-600">{t('detail.yours')}</span> : null}
      </header>

      {actionData?.formError && !confirming ? <Alert>{t(`suspension.errors.${actionData.formError}`)}</Alert> : null}

      <section aria-labelledby="profile-heading" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="profile-heading" className="text-lg font-semibold">
          {t('detail.title')}
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-4 text-sm sm:grid-cols-2">
          <Item label={t('fields.kind')}>
            <KindLabel kind={profile.kind} />
          </Item>
          <Item label={t('fields.country')}>{profile.countryName}</Item>
          <Item label={t('fields.joinedAt')}>{date(profile.joinedAt)}</Item>
          {profile.probationEndsAt ? <Item label={t('fields.probationEndsAt')}>{date(profile.probationEndsAt)}</Item> : null}
          {profile.status === 'suspended' ? (
            <Item label={t('fields.suspensionReason')}>
              <span className="whitespace-pre-line">{profile.suspensionReason ?? t('fields.none')}</span>
            </Item>
          ) : null}
          {profile.contactHidden ? null : (
            <Item label={t('fields.agreementReference')}>{profile.agreementReference ?? t('fields.none')}</Item>
          )}
        </dl>
      </section>

      <section aria-labelledby="contact-heading" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="contact-heading" className="text-lg font-semibold">
          {t('fields.contact')}
        </h2>
        {profile.contact ? (
          <dl className="mt-4 grid gap-x-6 gap-y-4 text-sm sm:grid-cols-3">
            <Item label={t('fields.contactName')}>{profile.contact.name || t('fields.none')}</Item>
            <Item label={t('fields.contactEmail')}>
              {profile.contact.email ? (
                <a href={`mailto:${profile.contact.email}`} className={`break-all ${linkClass}`}>
                  {profile.contact.email}
                </a>
              ) : (
                t('fields.none')
              )}
            </Item>
            <Item label={t('fields.contactPhone')}>{profile.contact.phone || t('fields.none')}</Item>
          </dl>
        ) : (
          <p className="mt-2 text-sm text-slate-600">{t(`contactHidden.${profile.contactHidden ?? 'probation'}`)}</p>
        )}
      </section>

      {profile.canSuspend || profile.canReinstate ? <SuspensionControls /> : null}
      {ownCentreNote ? <p className="text-sm text-slate-600">{t('suspension.ownCentre')}</p> : null}
    </div>
  )
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{children}</dd>
    </div>
  )
}

function SuspensionControls() {
  const { t } = useTranslation('partners')
  const { profile, confirming } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const intent = profile.canSuspend ? 'suspend' : 'reinstate'
  const errors = actionData?.intent === intent ? actionData.errors : {}
  return (
    <section aria-labelledby="suspension-heading" id="suspension" className="rounded-lg border border-red-200 bg-white p-4 sm:p-6">
      <h2 id="suspension-heading" className="text-lg font-semibold">
        {t(`suspension.${intent}.title`)}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{t(`suspension.${intent}.explain`, { name: profile.legalName })}</p>
      {confirming === intent ? (
        <Form method="post" className="mt-4 space-y-4">
          <CsrfInput />
          <input type="hidden" name="intent" value={intent} />
          {actionData?.formError ? <Alert>{t(`suspension.errors.${actionData.formError}`)}</Alert> : null}
          <TextArea
            label={t(`suspension.${intent}.reason`)}
            name="reason"
            rows={3}
            required
            maxLength={500}
            errors={errors.reason}
            defaultValue={keptValue(actionData?.values, 'reason')}
          />
          <Checkbox label={t(`suspension.${intent}.confirm`, { name: profile.legalName })} name="confirm" errors={errors.confirm} required />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant={intent === 'suspend' ? 'danger' : 'primary'} disabled={busy}>
              {t(`suspension.${intent}.submit`)}
            </Button>
            <Link to={`/partners/${profile.id}`} className={buttonLinkClass}>
              {t('suspension.cancel')}
            </Link>
          </div>
        </Form>
      ) : (
        <Link
          to={`/partners/${profile.id}?confirm=${intent}#suspension`}
          className={`mt-4 ${intent === 'suspend' ? 'inline-flex items-center justify-center rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700' : buttonLinkClass}`}
        >
          {t(`suspension.${intent}.start`)}
        </Link>
      )}
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
