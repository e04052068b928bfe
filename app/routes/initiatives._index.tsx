import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requirePermission } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import { OverviewFilters, OverviewTable } from '~/components/initiative-overview'
import { buttonLinkClass, linkClass, primaryLinkClass, useInitiativeErrorText, useInitiativeFormat } from '~/components/initiative-ui'
import { answerInvitation, RespondForm } from '~/initiatives/detail.server'
import { listInitiativesFor, pendingInvitationsFor } from '~/initiatives/initiatives.server'
import {
  defaultOverviewDirection,
  defaultOverviewState,
  initiativeHealthList,
  initiativeStatusList,
  overviewHref,
  overviewSorts,
  type OverviewState,
  type PendingInvitation,
} from '~/initiatives/shared'
import { can, isCentre } from '~/policy/permissions'
import { parseForm, readForm } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

/** The list's query; anything unreadable falls back to "no filter". */
const OverviewQuery = z.object({
  centre: z.string().regex(/^[a-f\d]{24}$/i).catch(''),
  country: z.string().regex(/^[A-Z]{2}$/).catch(''),
  status: z.union([z.enum(initiativeStatusList), z.literal('')]).catch(''),
  health: z.union([z.enum(initiativeHealthList), z.literal('')]).catch(''),
  sort: z.enum(overviewSorts).catch('title'),
  dir: z.enum(['asc', 'desc']).optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requirePermission(request, 'initiative:view')
  const params = new URL(request.url).searchParams
  const query = OverviewQuery.parse(Object.fromEntries(params))
  const coordinator = can(viewer, 'initiative:overview')
  // Filters are the coordinator overview's; everyone may sort.
  const state: OverviewState = {
    ...(coordinator ? { centre: query.centre, country: query.country, status: query.status, health: query.health } : defaultOverviewState),
    sort: query.sort,
    dir: query.dir ?? defaultOverviewDirection[query.sort],
  }
  const [locale, t] = await Promise.all([i18next.getLocale(request), i18next.getFixedT(request, 'initiatives')])
  const [list, invitations] = await Promise.all([listInitiativesFor(viewer, state, locale), pendingInvitationsFor(viewer)])
  if (!list) throw new Response('Forbidden', { status: 403 })
  const declining = params.get('decline')
  return {
    title: coordinator ? t('overview.title') : t('list.title'),
    coordinator,
    canCreate: can(viewer, 'initiative:manage') && isCentre(viewer),
    state,
    filtered: Boolean(state.centre || state.country || state.status || state.health),
    invitations,
    declining: invitations.some((invitation) => invitation.initiativeId === declining) ? declining : null,
    ...list,
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requirePermission(request, 'initiative:respond')
  const form = await readForm(request)
  const parsed = parseForm(RespondForm, form)
  if (!parsed.ok) return data({ errors: parsed.errors }, { status: 400 })
  const { intent, initiativeId } = parsed.value
  const refused = await answerInvitation(viewer, initiativeId, intent === 'accept', requestMeta(request, context))
  if (refused) return data({ errors: { form: [refused] } }, { status: refused.endsWith('conflict') ? 409 : 400 })
  return intent === 'accept'
    ? redirectWithToast(`/initiatives/${initiativeId.toLowerCase()}`, { kind: 'success', key: 'initiatives:toast.joined' })
    : redirectWithToast('/initiatives', { kind: 'info', key: 'initiatives:toast.declined' })
}

export default function Initiatives() {
  const { t } = useTranslation('initiatives')
  const { title, coordinator, canCreate, state, filtered, invitations, declining, rows, total, truncated, options } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorText = useInitiativeErrorText()
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
          <p className="mt-1 max-w-2xl text-slate-600">{coordinator ? t('overview.intro') : t('list.intro')}</p>
        </div>
        {canCreate ? (
          <Link to="/initiatives/new" className={primaryLinkClass}>
            {t('list.create')}
          </Link>
        ) : null}
      </header>

      {result?.errors ? <Alert>{Object.values(result.errors).flat().map(errorText).join(' ')}</Alert> : null}

      {invitations.length > 0 ? <Invitations invitations={invitations} declining={declining} /> : null}

      {coordinator && total > 0 ? <OverviewFilters state={state} options={options} filtered={filtered} /> : null}

      <section aria-labelledby="initiative-results" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="initiative-results" className="text-lg font-semibold">
            {t('list.heading')}
          </h2>
          <p className="text-sm text-slate-700" role="status">
            {filtered ? t('list.countFiltered', { count: rows.length, total }) : t('list.count', { count: total })}
          </p>
        </div>
        {truncated ? <Alert tone="info">{t('list.truncated', { count: total })}</Alert> : null}
        {rows.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
            <p>{filtered ? t('list.emptyFiltered') : canCreate ? t('list.emptyCentre') : t('list.empty')}</p>
            {filtered ? (
              <Link to={overviewHref({ ...defaultOverviewState, sort: state.sort, dir: state.dir })} className={`mt-3 inline-block ${linkClass}`}>
                {t('overview.filters.clear')}
              </Link>
            ) : canCreate ? (
              <Link to="/initiatives/new" className={`mt-3 inline-block ${linkClass}`}>
                {t('list.create')}
              </Link>
            ) : null}
          </div>
        ) : (
          <OverviewTable rows={rows} state={state} />
        )}
      </section>
    </div>
  )
}

/** Invitations waiting for the viewer's organisation: accept in one step, decline after confirming. */
function Invitations({ invitations, declining }: { invitations: PendingInvitation[]; declining: string | null }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  const submitting = useNavigation().state === 'submitting'
  return (
    <section aria-labelledby="invitations-heading" className="space-y-3 rounded-lg border border-sky-200 bg-sky-50 p-4">
      <h2 id="invitations-heading" className="text-lg font-semibold text-sky-950">
        {t('invitations.heading', { count: invitations.length })}
      </h2>
      <ul className="space-y-3">
        {invitations.map((invitation) => (
          <li key={invitation.initiativeId} className="rounded-md border border-sky-200 bg-white p-4">
            <h3 className="font-semibold">{invitation.title}</h3>
            <p className="text-sm text-slate-600">
              {t('invitations.from', { centre: invitation.leadCentreName, date: format.date(invitation.invitedAt) })}
            </p>
            <p className="mt-2 text-sm">
              <span className="font-medium">{t('detail.purposeLabel')}</span> {invitation.purpose}
            </p>
            {declining === invitation.initiativeId ? (
              <Form method="post" className="mt-3 space-y-2 rounded-md border border-red-200 bg-red-50 p-3">
                <CsrfInput />
                <input type="hidden" name="initiativeId" value={invitation.initiativeId} />
                <input type="hidden" name="confirm" value="yes" />
                <p className="text-sm text-red-900">{t('invitations.confirmDecline', { title: invitation.title })}</p>
                <div className="flex flex-wrap gap-2">
                  <Button type="submit" name="intent" value="decline" variant="danger" disabled={submitting}>
                    {t('invitations.declineConfirm')}
                  </Button>
                  <Link to="/initiatives" className={buttonLinkClass}>
                    {t('invitations.keep')}
                  </Link>
                </div>
              </Form>
            ) : (
              <div className="mt-3 flex flex-wrap gap-2">
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="initiativeId" value={invitation.initiativeId} />
                  <Button type="submit" name="intent" value="accept" disabled={submitting}>
                    {t('invitations.accept')}
                  </Button>
                </Form>
                <Link to={`/initiatives?decline=${invitation.initiativeId}`} className={buttonLinkClass}>
                  {t('invitations.decline')}
                </Link>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
