import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Button, CsrfInput, Field, SelectField } from '~/components/forms'
import { TlpBadge } from '~/components/task-badges'
import type { TlpLabel } from '~/domain/vocabulary'
import { hideMissingInitiative } from '~/reports/export-responses.server'
import { exportableInitiative } from '~/reports/initiative-export.server'
import { exportFileOf, exportKinds, exportPurposes, isExportKind, NOTE_MAX, NOTE_REQUIRED_FOR } from '~/reports/purpose'
import { i18next } from '~/utils/i18next.server'

/** Asks why before an initiative's data leaves the portal; the file itself comes from its own address. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  const { initiative } = await exportableInitiative(viewer, params.initiativeId ?? '').catch(hideMissingInitiative)
  const requested = new URL(request.url).searchParams.get('kind')
  const kind = isExportKind(requested) ? requested : 'tasks'
  const t = await i18next.getFixedT(request, 'reports')
  return {
    title: t('exportPage.title', { initiative: initiative.title }),
    initiative: { id: String(initiative._id), title: initiative.title, tlp: initiative.tlp as TlpLabel },
    kind,
  }
}

export default function ExportInitiative() {
  const { t } = useTranslation('reports')
  const { initiative, kind } = useLoaderData<typeof loader>()
  const [purpose, setPurpose] = useState('')
  const base = `/initiatives/${initiative.id}`
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <nav aria-label={t('exportPage.breadcrumb')}>
        <Link to={base} className="text-sm text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-slate-700">
          {t('exportPage.back', { initiative: initiative.title })}
        </Link>
      </nav>
      <header className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">{t('exportPage.heading')}</h1>
        <p className="text-slate-700">{initiative.title}</p>
      </header>

      <nav aria-label={t('exportPage.kindsLabel')}>
        <ul className="flex flex-wrap gap-2">
          {exportKinds.map((option) => (
            <li key={option}>
              <Link
                to={`?kind=${option}`}
                aria-current={option === kind ? 'page' : undefined}
                className="inline-block rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700 aria-[current=page]:border-slate-900 aria-[current=page]:bg-slate-900 aria-[current=page]:text-white"
              >
                {t(`exportPage.kinds.${option}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <section aria-labelledby="export-contents" className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="export-contents" className="text-lg font-semibold">
          {t(`exportPage.kinds.${kind}`)}
        </h2>
        <p className="text-sm text-slate-700">{t(`exportPage.explain.${kind}`)}</p>
        <p className="text-sm text-slate-700">{t('exportPage.visibility')}</p>
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <TlpBadge tlp={initiative.tlp} />
          <span>{t(`tlpExplain.${initiative.tlp}`)}</span>
        </p>
      </section>

      {/* A plain document submission, so that the browser saves the file. */}
      <Form reloadDocument method="post" action={`${base}/${exportFileOf[kind]}`} className="space-y-5 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <CsrfInput />
        <p className="text-sm text-slate-700">{t('purpose.intro')}</p>
        <SelectField
          label={t('purpose.label')}
          name="purpose"
          required
          value={purpose}
          onChange={(event) => setPurpose(event.currentTarget.value)}
          options={[{ value: '', label: t('purpose.choose') }, ...exportPurposes.map((value) => ({ value, label: t(`purpose.options.${value}`) }))]}
        />
        <Field
          label={t('purpose.note')}
          name="note"
          hint={t('purpose.noteHint')}
          maxLength={NOTE_MAX}
          minLength={purpose === NOTE_REQUIRED_FOR ? 5 : undefined}
          required={purpose === NOTE_REQUIRED_FOR}
          autoComplete="off"
        />
        <Button type="submit">{t('exportPage.download', { file: exportFileOf[kind] })}</Button>
      </Form>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
