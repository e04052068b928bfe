import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { notFound } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Alert, Button, CsrfInput } from '~/components/forms'
import {
  assignableRoles,
  changeRoles,
  deactivatePerson,
  getPerson,
  isPersonOf,
  reactivatePerson,
  requirePeopleManager,
  resetPersonMfa,
  revokePersonSessions,
  type PeopleRefusal,
} from '~/people/people.server'
import { confirmField, rolesField } from '~/people/schemas'
import { RoleBadges, RolesFieldset, StatusBadge, useDateTime, usePeopleErrorText } from '~/people/ui'
import { parseForm, readForm, type FieldErrors } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { requestMeta } from '~/utils/request.server'
import { redirectWithToast, type Toast } from '~/utils/toast.server'

const PersonAction = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('changeRoles'), roles: rolesField }),
  z.object({ intent: z.literal('deactivate'), confirm: confirmField }),
  z.object({ intent: z.literal('reactivate') }),
  z.object({ intent: z.literal('revokeSessions'), confirm: confirmField }),
  z.object({ intent: z.literal('resetMfa'), confirm: confirmField }),
], { error: 'invalid' })

/** Steps that ask for a second, explicit confirmation (`?confirm=<intent>`). */
const confirmedSteps = ['deactivate', 'revokeSessions', 'resetMfa'] as const
type ConfirmedStep = (typeof confirmedSteps)[number]
const isConfirmedStep = (value: string | null): value is ConfirmedStep => (confirmedSteps as readonly (string | null)[]).includes(value)

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer, session } = await requirePeopleManager(request)
  const person = await getPerson(viewer, params.userId ?? '', session.id)
  if (!person) throw notFound()
  const t = await i18next.getFixedT(request, 'people')
  return { title: t('person.title', { name: person.name }), person, roles: assignableRoles(viewer) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { viewer, session } = await requirePeopleManager(request)
  const form = await readForm(request)
  // Another organisation's person, or no one: the same 404 before anything else is looked at.
  const userId = params.userId ?? ''
  if (!(await isPersonOf(viewer, userId))) throw notFound()
  const parsed = parseForm(PersonAction, form)
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  const meta = requestMeta(request, context)
  const here = `/people/${userId.toLowerCase()}`
  const input = parsed.value

  let outcome: { ok: true; toast: Toast } | { ok: false; reason: PeopleRefusal }
  switch (input.intent) {
    case 'changeRoles': {
      const result = await changeRoles(viewer, userId, input.roles, meta)
      outcome = result.ok
        ? {
            ok: true,
            toast: result.changed ? { kind: 'success', key: 'people:toast.rolesChanged' } : { kind: 'info', key: 'people:toast.rolesUnchanged' },
          }
        : result
      break
    }
    case 'deactivate': {
      const result = await deactivatePerson(viewer, userId, meta)
      outcome = result.ok ? { ok: true, toast: { kind: 'success', key: 'people:toast.deactivated' } } : result
      break
    }
    case 'reactivate': {
      const result = await reactivatePerson(viewer, userId, meta)
      outcome = result.ok ? { ok: true, toast: { kind: 'success', key: 'people:toast.reactivated' } } : result
      break
    }
    case 'revokeSessions': {
      const result = await revokePersonSessions(viewer, userId, session.id, meta)
      outcome = result.ok ? { ok: true, toast: { kind: 'success', key: 'people:toast.sessionsRevoked', values: { count: result.count } } } : result
      break
    }
    case 'resetMfa': {
      const result = await resetPersonMfa(viewer, userId, meta)
      outcome = result.ok ? { ok: true, toast: { kind: 'success', key: 'people:toast.mfaReset' } } : result
      break
    }
  }
  if (outcome.ok) return redirectWithToast(here, outcome.toast)
  if (outcome.reason === 'notFound') throw notFound()
  const errors: FieldErrors = outcome.reason === 'roleNotAllowed' ? { roles: ['roleNotAllowed'] } : { form: [outcome.reason] }
  return data({ errors, values: parsed.values }, { status: outcome.reason === 'conflict' ? 409 : 400 })
}

export default function Person() {
  const { t } = useTranslation('people')
  const { person, roles } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const errorText = usePeopleErrorText()
  const when = useDateTime()
  const errors: FieldErrors = result?.errors ?? {}
  const values = result?.values ?? {}
  const submittedRoles = values.intent === 'changeRoles' ? (values.roles === undefined ? [] : [values.roles].flat()) : null
  const requested = searchParams.get('confirm')
  const confirm = isConfirmedStep(requested) && stepAllowed(requested, person) ? requested : null
  const formErrors = [...(errors.form ?? []), ...(errors.intent ?? []), ...(errors.confirm ?? [])]

  return (
    <div className="space-y-6">
      <nav aria-label={t('breadcrumb.label')}>
        <Link to="/people" className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('breadcrumb.back')}
        </Link>
      </nav>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight">{person.name}</h1>
        <StatusBadge status={person.status} />
        {person.isSelf ? <span className="text-sm text-slate-600">{t('person.you')}</span> : null}
        <p className="w-full break-all text-slate-600">{person.email}</p>
      </header>

      {formErrors.length ? <Alert>{formErrors.map(errorText).join(' ')}</Alert> : null}
      {confirm ? <ConfirmStep step={confirm} personId={person.id} name={person.name} /> : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="details-heading" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="details-heading" className="text-lg font-semibold">
            {t('person.details.heading')}
          </h2>
          <dl className="mt-3 grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
            <dt className="font-medium text-slate-600">{t('person.details.roles')}</dt>
            <dd>
              <RoleBadges roles={person.roles} />
            </dd>
            <dt className="font-medium text-slate-600">{t('person.details.mfa')}</dt>
            <dd>
              {person.mfaEnrolledAt ? (
                t('person.details.mfaSince', { date: when(person.mfaEnrolledAt) })
              ) : (
                <span className="text-amber-800">{t('person.details.mfaPending')}</span>
              )}
            </dd>
            <dt className="font-medium text-slate-600">{t('person.details.lastSignIn')}</dt>
            <dd>{when(person.lastSignInAt)}</dd>
            <dt className="font-medium text-slate-600">{t('person.details.createdAt')}</dt>
            <dd>{when(person.createdAt)}</dd>
            {person.lockedUntil ? (
              <>
                <dt className="font-medium text-slate-600">{t('person.details.locked')}</dt>
                <dd className="text-amber-800">{t('person.details.lockedUntil', { date: when(person.lockedUntil) })}</dd>
              </>
            ) : null}
          </dl>
        </section>

        <section aria-labelledby="roles-heading" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="roles-heading" className="text-lg font-semibold">
            {t('person.roles.heading')}
          </h2>
          <Form method="post" key={person.roles.join(',')} className="mt-3 space-y-4">
            <CsrfInput />
            <input type="hidden" name="intent" value="changeRoles" />
            <RolesFieldset
              legend={t('person.roles.legend')}
              hint={t('person.roles.hint')}
              allowed={roles}
              checked={submittedRoles ?? person.roles}
              errors={errors.roles}
            />
            <Button type="submit">{t('person.roles.submit')}</Button>
          </Form>
        </section>
      </div>

      <Sessions person={person} />

      <section aria-labelledby="access-heading" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="access-heading" className="text-lg font-semibold">
          {t('person.access.heading')}
        </h2>
        <div className="mt-4 grid gap-5 md:grid-cols-2">
          <div>
            <h3 className="font-medium">{t('person.access.mfaTitle')}</h3>
            <p className="mt-1 text-sm text-slate-600">{person.isSelf ? t('person.access.mfaSelf') : t('person.access.mfaBody')}</p>
            {person.isSelf ? null : (
              <ConfirmLink step="resetMfa" personId={person.id}>
                {t('person.access.mfaAction')}
              </ConfirmLink>
            )}
          </div>
          <div>
            <h3 className="font-medium">{person.status === 'active' ? t('person.access.deactivateTitle') : t('person.access.reactivateTitle')}</h3>
            <p className="mt-1 text-sm text-slate-600">
              {person.isSelf
                ? t('person.access.deactivateSelf')
                : person.status === 'active'
                  ? t('person.access.deactivateBody')
                  : t('person.access.reactivateBody')}
            </p>
            {person.isSelf ? null : person.status === 'active' ? (
              <ConfirmLink step="deactivate" personId={person.id}>
                {t('person.access.deactivateAction')}
              </ConfirmLink>
            ) : (
              <Form method="post" className="mt-3">
                <CsrfInput />
                <input type="hidden" name="intent" value="reactivate" />
                <Button type="submit" variant="secondary">
                  {t('person.access.reactivateAction')}
                </Button>
              </Form>
            )}
          </div>
        </div>
      </section>
    </div>
  )
}

type PersonView = ReturnType<typeof useLoaderData<typeof loader>>['person']

function stepAllowed(step: ConfirmedStep, person: PersonView) {
  if (step === 'revokeSessions') return true
  if (person.isSelf) return false
  return step === 'deactivate' ? person.status === 'active' : true
}

function ConfirmLink({ step, personId, children }: { step: ConfirmedStep; personId: string; children: React.ReactNode }) {
  return (
    <Link
      to={`/people/${personId}?confirm=${step}#confirm`}
      preventScrollReset
      className="mt-3 inline-flex items-center rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-medium text-red-800 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700"
    >
      {children}
    </Link>
  )
}

function ConfirmStep({ step, personId, name }: { step: ConfirmedStep; personId: string; name: string }) {
  const { t } = useTranslation('people')
  const submitting = useNavigation().state === 'submitting'
  return (
    <section id="confirm" aria-labelledby="confirm-heading" tabIndex={-1} className="rounded-lg border-2 border-red-300 bg-red-50 p-5">
      <h2 id="confirm-heading" className="text-lg font-semibold text-red-900">
        {t(`person.confirm.${step}.title`, { name })}
      </h2>
      <p className="mt-2 text-sm text-red-900">{t(`person.confirm.${step}.body`, { name })}</p>
      <Form method="post" action={`/people/${personId}`} className="mt-4 flex flex-wrap gap-3">
        <CsrfInput />
        <input type="hidden" name="intent" value={step} />
        <input type="hidden" name="confirm" value="yes" />
        <Button type="submit" variant="danger" disabled={submitting}>
          {t(`person.confirm.${step}.submit`)}
        </Button>
        <Link
          to={`/people/${personId}`}
          preventScrollReset
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        >
          {t('common:forms.cancel')}
        </Link>
      </Form>
    </section>
  )
}

function Sessions({ person }: { person: PersonView }) {
  const { t } = useTranslation('people')
  const when = useDateTime()
  return (
    <section aria-labelledby="sessions-heading" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="sessions-heading" className="text-lg font-semibold">
            {t('person.sessions.heading')}
          </h2>
          <p className="text-sm text-slate-600">{t('person.sessions.intro')}</p>
        </div>
        <ConfirmLink step="revokeSessions" personId={person.id}>
          {t('person.sessions.revokeAll')}
        </ConfirmLink>
      </div>
      {person.sessions.length === 0 ? (
        <p className="mt-4 rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">{t('person.sessions.empty')}</p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
            <caption className="sr-only">{t('person.sessions.caption', { name: person.name })}</caption>
            <thead className="text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('person.sessions.started')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('person.sessions.lastSeen')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('person.sessions.ip')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('person.sessions.userAgent')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {person.sessions.map((session, index) => (
                <tr key={`${session.createdAt}-${index}`} className="align-top">
                  <td className="px-3 py-2 whitespace-nowrap">
                    {when(session.createdAt)}
                    {session.current ? <span className="ml-2 text-xs font-medium text-emerald-800">{t('person.sessions.current')}</span> : null}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{when(session.lastSeenAt)}</td>
                  <td className="px-3 py-2 font-mono text-xs">{session.ip ?? t('person.sessions.unknown')}</td>
                  <td className="px-3 py-2 text-xs break-words text-slate-700">{session.userAgent ?? t('person.sessions.unknown')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
