import { useTranslation } from 'react-i18next'

/** Navigation target for an area that later releases fill in. */
export function ComingSoon({ titleKey }: { titleKey: string }) {
  const { t } = useTranslation()
  return (
    <section aria-labelledby="section-title">
      <h1 id="section-title" className="text-2xl font-bold tracking-tight">
        {t(titleKey)}
      </h1>
      <p className="mt-3 max-w-2xl rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
        {t('shell.comingSoon')}
      </p>
    </section>
  )
}
