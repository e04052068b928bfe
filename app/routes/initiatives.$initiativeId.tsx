import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { ActionsPerWeekChart, CompletionBurnupChart } from '~/components/initiative-charts'
import { InvitationAnswer, InvitationsPanel, Milestones, StatusChange, StatusUpdates } from '~/components/initiative-manage'
import { CompletionPanel, KpiCards, OverdueList, PartnerTable } from '~/components/initiative-progress'
import { buttonLinkClass, HealthBadge, InitiativeStatusBadge, InitiativeTlpBadge, useInitiativeFormat } from '~/components/initiative-ui'
import { answerInvitation, initiativeFailure, initiativePageFor, RespondForm, type InitiativePageFull } from '~/initiatives/detail.server'
import {
  addStatusUpdate,
  changeInitiativeStatus,
  InitiativeError,
  inviteParticipants,
  loadInitiative,
  setMilestoneDone,
} from '~/initiatives/initiatives.server'
import { initiativeHealthList, initiativeStatusList } from '~/initiatives/shared'
import { objectId, safeText } from '~/utils/text-schemas'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

const toList = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value])

const UpdateForm = z.object({
  intent: z.literal('update'),
  text: safeText(2000).pipe(z.string().trim().min(1, { message: 'required', abort: true }).min(3, 'tooShort')),
  health: z.enum(initiativeHealthList, { error: 'invalid' }),
})
const StatusForm = z.object({ intent: z.literal('status'), status: z.enum(initiativeStatusList, { error: 'invalid' }) })
const InviteForm = z.object({
  intent: z.literal('invite'),
  organisationIds: z.preprocess(toList, z.array(objectId).min(1, 'initiatives:errors.chooseOrganisation').max(200, 'tooLong')),
})
const MilestoneForm = z.object({ intent: z.literal('milestone'), milestoneId: objectId, done: z.enum(['0', '1'], { error: 'invalid' }) })

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  const locale = await i18next.getLocale(request)
  const page = await initiativePageFor(viewer, params.initiativeId ?? '', locale).catch(initiativeFailure)
  const confirming = page.side === 'invited' && new URL(request.url).searchParams.get('confirm') === 'decline'
  return { title: page.side === 'invited' ? page.invitation.title : page.initiative.title, page, confirming }
}

type ActionData = { intent: string; errors: FieldErrors; values: Record<string, string | string[]> }

const refusalOf: Partial<Record<InitiativeError['code'], { status: number; errors: FieldErrors }>> = {
  conflict: { status: 409, errors: { form: ['initiatives:errors.conflict'] } },
  invalidParticipant: { status: 400, errors: { organisationIds: ['initiatives:errors.invalidParticipant'] } },
  unknownMilestone: { status: 400, errors: { form: ['initiatives:errors.unknownMilestone'] } },
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request)
  const form = await readForm(request)
  const initiativeId = params.initiativeId ?? ''
  // Someone who may not see the initiative learns nothing more from posting to it.
  await loadInitiative(viewer, initiativeId).catch(initiativeFailure)
  const meta = requestMeta(request, context)
  const here = `/initiatives/${initiativeId.toLowerCase()}`
  const intent = String(form.get('intent') ?? '')
  const refused = (errors: FieldErrors, values: Record<string, string | string[]>, status = 400) => data<ActionData>({ intent, errors, values }, { status })

  if (intent === 'accept' || intent === 'decline') {
    const parsed = parseForm(RespondForm, form)
    if (!parsed.ok || parsed.value.initiativeId.toLowerCase() !== initiativeId.toLowerCase()) return refused(parsed.ok ? { form: ['invalid'] } : parsed.errors, parsed.values)
    const error = await answerInvitation(viewer, initiativeId, intent === 'accept', meta)
    if (error) return refused({ form: [error] }, parsed.values, error.endsWith('conflict') ? 409 : 400)
    return intent === 'accept'
      ? redirectWithToast(here, { kind: 'success', key: 'initiatives:toast.joined' })
      : redirectWithToast('/initiatives', { kind: 'info', key: 'initiatives:toast.declined' })
  }

  try {
    if (intent === 'update') {
      const parsed = parseForm(UpdateForm, form)
      if (!parsed.ok) return refused(parsed.errors, parsed.values)
      await addStatusUpdate(viewer, initiativeId, { text: parsed.value.text, health: parsed.value.health }, meta)
      return redirectWithToast(here, { kind: 'success', key: 'initiatives:toast.updatePosted' })
    }
    if (intent === 'status') {
      const parsed = parseForm(StatusForm, form)
      if (!parsed.ok) return refused(parsed.errors, parsed.values)
      await changeInitiativeStatus(viewer, initiativeId, parsed.value.status, meta)
      return redirectWithToast(here, { kind: 'success', key: 'initiatives:toast.statusChanged' })
    }
    if (intent === 'invite') {
      const parsed = parseForm(InviteForm, form)
      if (!parsed.ok) return refused(parsed.errors, parsed.values)
      const count = await inviteParticipants(viewer, initiativeId, parsed.value.organisationIds.map((id) => id.toLowerCase()), meta)
      return redirectWithToast(here, { kind: 'success', key: 'initiatives:toast.invited', values: { count } })
    }
    if (intent === 'milestone') {
      const parsed = parseForm(MilestoneForm, form)
      if (!parsed.ok) return refused(parsed.errors, parsed.values)
      const done = parsed.value.done === '1'
      await setMilestoneDone(viewer, initiativeId, parsed.value.milestoneId.toLowerCase(), done, meta)
      return redirectWithToast(here, { kind: 'success', key: done ? 'initiatives:toast.milestoneDone' : 'initiatives:toast.milestoneReopened' })
    }
  } catch (error) {
    const refusal = error instanceof InitiativeError ? refusalOf[error.code] : undefined
    if (refusal) return refused(refusal.errors, {}, refusal.status)
    return initiativeFailure(error)
  }
  return refused({ form: ['invalid'] }, {})
}

export default function InitiativePage() {
  const { t } = useTranslation('initiatives')
  const { page, confirming } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  if (page.side === 'invited') {
    return (
      <article className="mx-auto max-w-3xl space-y-6">
        <Breadcrumb />
        <header className="space-y-2">
          <p className="text-sm font-medium text-sky-800">{t('invitations.invitedBy', { centre: page.invitation.leadCentre.name })}</p>
          <h1 className="text-2xl font-bold tracking-tight">{page.invitation.title}</h1>
        </header>
        <Purpose purpose={page.invitation.purpose} />
        <section aria-labelledby="answer-heading" className="space-y-3 rounded-lg border border-sky-200 bg-sky-50 p-4">
          <h2 id="answer-heading" className="text-lg font-semibold">
            {t('invitations.answerHeading')}
          </h2>
          <p className="text-sm text-slate-700">{t('invitations.answerIntro')}</p>
          <InvitationAnswer initiativeId={page.invitation.id} confirming={confirming} errors={result?.errors} />
        </section>
      </article>
    )
  }
  return <FullPage page={page} result={result ?? null} />
}

function Breadcrumb() {
  const { t } = useTranslation('initiatives')
  return (
    <nav aria-label={t('breadcrumb.label')}>
      <Link to="/initiatives" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
        {t('breadcrumb.back')}
      </Link>
    </nav>
  )
}

function Purpose({ purpose }: { purpose: string }) {
  const { t } = useTranslation('initiatives')
  return (
    <section aria-labelledby="purpose-heading" className="rounded-lg border-2 border-amber-300 bg-amber-50 p-4">
      <h2 id="purpose-heading" className="text-sm font-semibold tracking-wide text-amber-950 uppercase">
        {t('detail.purposeHeading')}
      </h2>
      <p className="mt-1 whitespace-pre-line text-slate-900">{purpose}</p>
    </section>
  )
}

function Section({ id, title, children, intro }: { id: string; title: string; children: React.ReactNode; intro?: string }) {
  return (
    <section aria-labelledby={id} className="space-y-3">
      <div>
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        {intro ? <p className="text-sm text-slate-600">{intro}</p> : null}
      </div>
      {children}
    </section>
  )
}

function FullPage({ page, result }: { page: InitiativePageFull; result: ActionData | null }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  const { initiative } = page
  const errorsFor = (intent: string) => (result?.intent === intent ? result.errors : undefined)
  const valuesFor = (intent: string) => (result?.intent === intent ? result.values : undefined)
  const exportLinks = [
    { href: `/initiatives/${initiative.id}/tasks.csv`, label: t('exports.tasksCsv') },
    { href: `/initiatives/${initiative.id}/reports.csv`, label: t('exports.reportsCsv') },
    { href: `/initiatives/${initiative.id}/report.pdf`, label: t('exports.reportPdf') },
  ]
  return (
    <article className="space-y-8">
      <Breadcrumb />
      <header className="space-y-3">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="space-y-2">
            <h1 className="text-2xl font-bold tracking-tight">{initiative.title}</h1>
            <div className="flex flex-wrap items-center gap-2">
              <InitiativeTlpBadge tlp={initiative.tlp} />
              <InitiativeStatusBadge status={initiative.status} />
              <span className="text-sm text-slate-600">{t(`side.${page.side}`)}</span>
            </div>
          </div>
          {page.canManage ? (
            <Link to={`/initiatives/${initiative.id}/edit`} className={buttonLinkClass}>
              {t('detail.edit')}
            </Link>
          ) : null}
        </div>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <div>
            <dt className="font-medium text-slate-600">{t('detail.leadCentre')}</dt>
            <dd>
              {initiative.leadCentre.name}
              {initiative.leadCentre.countryName ? <span className="text-slate-600">{` (${initiative.leadCentre.countryName})`}</span> : null}
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">{t('detail.dates')}</dt>
            <dd>
              {t('detail.dateRange', {
                start: initiative.startAt ? format.date(initiative.startAt) : t('format.none'),
                target: initiative.targetAt ? format.date(initiative.targetAt) : t('format.none'),
              })}
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">{t('detail.health')}</dt>
            <dd>
              <HealthBadge health={page.health.value} suggested={page.health.suggested} />
              {page.health.suggested ? <span className="block text-xs text-slate-600">{t('health.suggestedExplain')}</span> : null}
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">{t('detail.participants')}</dt>
            <dd>{page.participants.length ? page.participants.map((p) => p.name).join(', ') : t('detail.noParticipants')}</dd>
          </div>
        </dl>
        <Purpose purpose={initiative.purpose} />
        <nav aria-label={t('exports.label')} className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-medium text-slate-700">{t('exports.label')}</span>
          {exportLinks.map((link) => (
            <a key={link.href} href={link.href} className={buttonLinkClass}>
              {link.label}
            </a>
          ))}
        </nav>
      </header>

      <Section id="progress-heading" title={t('progress.heading')} intro={t('progress.computedAt', { date: format.dateTime(page.computedAt) })}>
        <div className="grid gap-4 lg:grid-cols-3">
          <CompletionPanel completion={page.completion} alternative={page.alternativeCompletion} />
          <div className="lg:col-span-2">
            <h3 className="mb-2 text-sm font-semibold text-slate-700">{t('progress.kpis')}</h3>
            <KpiCards kpis={page.kpis} />
          </div>
        </div>
      </Section>

      <Section id="charts-heading" title={t('charts.heading')}>
        <div className="grid gap-6 xl:grid-cols-2">
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <h3 className="mb-2 text-sm font-semibold text-slate-700">{t('charts.actions.title')}</h3>
            <ActionsPerWeekChart weeks={page.actionsPerWeek} />
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <h3 className="mb-2 text-sm font-semibold text-slate-700">{t('charts.burnup.title')}</h3>
            <CompletionBurnupChart burnup={page.burnup} today={page.computedAt} />
          </div>
        </div>
      </Section>

      <Section id="partners-heading" title={t('partners.heading')}>
        <PartnerTable partners={page.partners} />
      </Section>

      <Section id="overdue-heading" title={t('overdue.heading', { count: page.overdue.length })} intro={t('overdue.intro')}>
        <OverdueList overdue={page.overdue} />
      </Section>

      <Section id="milestones-heading" title={t('milestones.heading')}>
        <Milestones milestones={page.milestones} canManage={page.canManage} errors={errorsFor('milestone')} />
      </Section>

      <Section id="updates-heading" title={t('updates.heading')}>
        <StatusUpdates updates={page.updates} canManage={page.canManage} errors={errorsFor('update')} values={valuesFor('update')} />
      </Section>

      {page.canManage && page.lead ? (
        <Section id="manage-heading" title={t('manage.heading')} intro={t('manage.intro')}>
          <StatusChange status={initiative.status} errors={errorsFor('status')} />
          <InvitationsPanel invitations={page.lead.invitations} invitable={page.lead.invitable} errors={errorsFor('invite')} values={valuesFor('invite')} />
        </Section>
      ) : null}
    </article>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? '' }]

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
