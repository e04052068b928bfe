import { Form, Link, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, CsrfInput, SelectField, TextAreaField } from './forms'
import { buttonLinkClass, HealthBadge, useInitiativeErrorText, useInitiativeFormat } from './initiative-ui'
import { organisationKinds, type OrganisationKind } from '~/domain/vocabulary'
import { initiativeHealthList, initiativeStatusList, type InitiativeHealth, type InitiativeStatus } from '~/initiatives/shared'

type Errors = Record<string, string[]>
type Values = Record<string, string | string[]>

const text = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '')
const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value])

function FormErrors({ errors }: { errors?: Errors }) {
  const errorText = useInitiativeErrorText()
  if (!errors?.form?.length) return null
  return <Alert>{errors.form.map(errorText).join(' ')}</Alert>
}

type Milestone = { id: string; title: string; dueAt: string; doneAt: string | null; state: 'done' | 'overdue' | 'upcoming' }

const milestoneStyles = {
  done: 'border-l-emerald-600',
  overdue: 'border-l-red-600 bg-red-50',
  upcoming: 'border-l-slate-300',
} as const

/** Milestones by due date, each done, overdue or upcoming; the lead marks them done (or not). */
export function Milestones({ milestones, canManage, errors }: { milestones: Milestone[]; canManage: boolean; errors?: Errors }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  const submitting = useNavigation().state === 'submitting'
  if (milestones.length === 0) return <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">{t('milestones.empty')}</p>
  return (
    <div className="space-y-2">
      <FormErrors errors={errors} />
      <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {milestones.map((milestone) => (
          <li key={milestone.id} className={`flex flex-wrap items-center justify-between gap-3 border-l-4 p-3 ${milestoneStyles[milestone.state]}`}>
            <div>
              <p className="font-medium">{milestone.title}</p>
              <p className="text-sm text-slate-700">
                {t('milestones.due', { date: format.date(milestone.dueAt) })}
                {' · '}
                <span className={milestone.state === 'overdue' ? 'font-semibold text-red-800' : milestone.state === 'done' ? 'text-emerald-800' : ''}>
                  {milestone.state === 'done' ? t('milestones.doneOn', { date: format.date(milestone.doneAt) }) : t(`milestones.state.${milestone.state}`)}
                </span>
              </p>
            </div>
            {canManage ? (
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="milestone" />
                <input type="hidden" name="milestoneId" value={milestone.id} />
                <input type="hidden" name="done" value={milestone.doneAt ? '0' : '1'} />
                <Button type="submit" variant="secondary" disabled={submitting} aria-label={t(milestone.doneAt ? 'milestones.reopenLabel' : 'milestones.markDoneLabel', { title: milestone.title })}>
                  {milestone.doneAt ? t('milestones.reopen') : t('milestones.markDone')}
                </Button>
              </Form>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  )
}

type Update = { id: string; at: string; authorName: string; text: string; health: InitiativeHealth }

/** The status-update feed, newest first; the lead writes updates with a health that overrides the suggestion. */
export function StatusUpdates({ updates, canManage, errors, values }: { updates: Update[]; canManage: boolean; errors?: Errors; values?: Values }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  const submitting = useNavigation().state === 'submitting'
  return (
    <div className="space-y-4">
      {canManage ? (
        <Form method="post" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <CsrfInput />
          <input type="hidden" name="intent" value="update" />
          <FormErrors errors={errors} />
          <TextAreaField label={t('updates.text')} name="text" rows={3} maxLength={2000} required defaultValue={text(values?.text)} errors={errors?.text} />
          <SelectField
            label={t('updates.health')}
            name="health"
            defaultValue={text(values?.health) || 'on_track'}
            errors={errors?.health}
            options={initiativeHealthList.map((health) => ({ value: health, label: t(`health.${health}`) }))}
          />
          <Button type="submit" disabled={submitting}>
            {t('updates.post')}
          </Button>
        </Form>
      ) : null}
      {updates.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">{t('updates.empty')}</p>
      ) : (
        <ol className="space-y-3">
          {updates.map((update) => (
            <li key={update.id} className="rounded-lg border border-slate-200 bg-white p-4">
              <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
                <span>
                  <time dateTime={update.at}>{format.dateTime(update.at)}</time>
                  {update.authorName ? ` · ${update.authorName}` : ''}
                </span>
                <HealthBadge health={update.health} suggested={false} />
              </div>
              <p className="mt-2 whitespace-pre-line">{update.text}</p>
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

/** The lead's status control: planned, active, paused, completed, archived. */
export function StatusChange({ status, errors }: { status: InitiativeStatus; errors?: Errors }) {
  const { t } = useTranslation('initiatives')
  const submitting = useNavigation().state === 'submitting'
  return (
    <Form method="post" className="flex flex-wrap items-end gap-3">
      <CsrfInput />
      <input type="hidden" name="intent" value="status" />
      <SelectField
        label={t('manage.status')}
        name="status"
        defaultValue={status}
        errors={errors?.status}
        options={initiativeStatusList.map((value) => ({ value, label: t(`status.${value}`) }))}
      />
      <Button type="submit" variant="secondary" disabled={submitting}>
        {t('manage.changeStatus')}
      </Button>
      <FormErrors errors={errors} />
    </Form>
  )
}

type Invitation = { organisationId: string; name: string; kind: OrganisationKind; status: 'invited' | 'accepted' | 'declined'; at: string }
type Invitable = { id: string; name: string; kind: OrganisationKind; probation: boolean }

const invitationStyles = {
  invited: 'bg-sky-50 text-sky-800 ring-sky-200',
  accepted: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  declined: 'bg-slate-100 text-slate-600 ring-slate-300',
} as const

/** The lead's invitations with their state, and the form to invite more organisations (grouped by kind). */
export function InvitationsPanel({ invitations, invitable, errors, values }: { invitations: Invitation[]; invitable: Invitable[]; errors?: Errors; values?: Values }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  const errorText = useInitiativeErrorText()
  const submitting = useNavigation().state === 'submitting'
  const chosen = list(values?.organisationIds)
  const byKind = organisationKinds.map((kind) => ({ kind, members: invitable.filter((o) => o.kind === kind) })).filter((group) => group.members.length > 0)
  return (
    <div className="space-y-4">
      {invitations.length === 0 ? (
        <p className="text-sm text-slate-600">{t('manage.noInvitations')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
            <caption className="sr-only">{t('manage.invitationsCaption')}</caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('manage.columns.organisation')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('manage.columns.state')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('manage.columns.since')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {invitations.map((invitation) => (
                <tr key={invitation.organisationId}>
                  <th scope="row" className="px-3 py-2 font-normal">
                    <span className="font-medium">{invitation.name}</span>
                    <span className="block text-xs text-slate-600">{t(`common:kinds.${invitation.kind}`)}</span>
                  </th>
                  <td className="px-3 py-2">
                    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${invitationStyles[invitation.status]}`}>
                      {t(`manage.invitationStatus.${invitation.status}`)}
                    </span>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{format.date(invitation.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Form method="post" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <CsrfInput />
        <input type="hidden" name="intent" value="invite" />
        <FormErrors errors={errors} />
        <fieldset aria-describedby={errors?.organisationIds?.length ? 'invite-error' : 'invite-hint'}>
          <legend className="text-sm font-semibold text-slate-800">{t('manage.invite')}</legend>
          <p id="invite-hint" className="text-xs text-slate-500">
            {t('manage.inviteHint')}
          </p>
          {byKind.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">{t('manage.nobodyToInvite')}</p>
          ) : (
            <div className="mt-2 max-h-80 space-y-3 overflow-y-auto rounded-md border border-slate-300 p-3">
              {byKind.map((group) => (
                <div key={group.kind}>
                  <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{t(`common:kinds.${group.kind}`)}</p>
                  <ul className="mt-1 grid gap-1 sm:grid-cols-2">
                    {group.members.map((organisation) => (
                      <li key={organisation.id}>
                        <label className="inline-flex items-center gap-2 text-sm">
                          <input
                            type="checkbox"
                            name="organisationIds"
                            value={organisation.id}
                            defaultChecked={chosen.includes(organisation.id)}
                            className="h-4 w-4 rounded border-slate-400"
                          />
                          {organisation.name}
                          {organisation.probation ? <span className="text-xs text-amber-800">{t('manage.probation')}</span> : null}
                        </label>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </div>
          )}
          {errors?.organisationIds?.length ? (
            <p id="invite-error" className="mt-1 text-sm text-red-700">
              {errors.organisationIds.map(errorText).join(' ')}
            </p>
          ) : null}
        </fieldset>
        {byKind.length > 0 ? (
          <Button type="submit" disabled={submitting}>
            {t('manage.sendInvitations')}
          </Button>
        ) : null}
      </Form>
    </div>
  )
}

/** An invited organisation's answer: accept in one step; declining asks to confirm first. */
export function InvitationAnswer({ initiativeId, confirming, errors }: { initiativeId: string; confirming: boolean; errors?: Errors }) {
  const { t } = useTranslation('initiatives')
  const submitting = useNavigation().state === 'submitting'
  return (
    <div className="space-y-3">
      <FormErrors errors={errors} />
      {confirming ? (
        <Form method="post" className="space-y-3 rounded-md border border-red-200 bg-red-50 p-4">
          <CsrfInput />
          <input type="hidden" name="initiativeId" value={initiativeId} />
          <input type="hidden" name="confirm" value="yes" />
          <p className="text-sm text-red-900">{t('invitations.confirmDeclineHere')}</p>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" name="intent" value="decline" variant="danger" disabled={submitting}>
              {t('invitations.declineConfirm')}
            </Button>
            <Link to={`/initiatives/${initiativeId}`} className={buttonLinkClass}>
              {t('invitations.keep')}
            </Link>
          </div>
        </Form>
      ) : (
        <div className="flex flex-wrap gap-2">
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="initiativeId" value={initiativeId} />
            <Button type="submit" name="intent" value="accept" disabled={submitting}>
              {t('invitations.accept')}
            </Button>
          </Form>
          <Link to={`/initiatives/${initiativeId}?confirm=decline`} className={buttonLinkClass}>
            {t('invitations.decline')}
          </Link>
        </div>
      )}
    </div>
  )
}
