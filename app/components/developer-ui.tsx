import { Link, NavLink } from '@remix-run/react'
import { Fragment } from 'react'
import { useTranslation } from 'react-i18next'

const focusRing = 'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'
export const linkClass = `font-medium text-sky-800 underline decoration-sky-300 underline-offset-2 hover:decoration-sky-700 ${focusRing}`

/** Text from the API document, where `backticks` mark code (the document's only markup). */
export function ApiText({ text }: { text: string }) {
  const parts = text.split(/`([^`]+)`/)
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <code key={index} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em] text-slate-800">
            {part}
          </code>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  )
}

const methodColours: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-900 ring-sky-300',
  POST: 'bg-emerald-100 text-emerald-900 ring-emerald-300',
}

export function MethodBadge({ method }: { method: string }) {
  return (
    <span
      className={`inline-block min-w-14 rounded px-2 py-0.5 text-center font-mono text-xs font-bold ring-1 ring-inset ${methodColours[method] ?? 'bg-slate-100 text-slate-900 ring-slate-300'}`}
    >
      {method}
    </span>
  )
}

/**
 * Code as written (never translated). Wide lines scroll inside the block, not the page; the block is
 * focusable so that a keyboard can scroll it too.
 */
export function CodeBlock({ code, label, language }: { code: string; label: string; language?: string }) {
  return (
    <pre
      tabIndex={0}
      aria-label={label}
      data-language={language}
      className={`max-w-full overflow-x-auto rounded-md bg-slate-900 p-4 font-mono text-xs leading-relaxed text-slate-100 sm:text-sm ${focusRing}`}
    >
      <code>{code}</code>
    </pre>
  )
}

/** A code block behind a disclosure, for long schemas. */
export function CollapsibleCode({ summary, code, label, open = false }: { summary: string; code: string; label: string; open?: boolean }) {
  return (
    <details className="group rounded-md border border-slate-200 bg-white" open={open}>
      <summary className={`cursor-pointer rounded-md px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 ${focusRing}`}>{summary}</summary>
      <div className="border-t border-slate-200 p-2">
        <CodeBlock code={code} label={label} language="json" />
      </div>
    </details>
  )
}

/** Links between the reference, the guide and the machine-readable document. */
export function DevelopersNav({ openApiUrl }: { openApiUrl: string }) {
  const { t } = useTranslation('developers')
  const tab = ({ isActive }: { isActive: boolean }) =>
    `rounded-md px-3 py-1.5 text-sm ${focusRing} ${isActive ? 'bg-slate-900 font-medium text-white' : 'text-slate-700 hover:bg-slate-200'}`
  return (
    <nav aria-label={t('nav.label')} className="flex flex-wrap items-center gap-2 border-b border-slate-200 pb-3">
      <NavLink to="/developers" end className={tab}>
        {t('nav.reference')}
      </NavLink>
      <NavLink to="/developers/guide" className={tab}>
        {t('nav.guide')}
      </NavLink>
      <a href={openApiUrl} download="openapi.json" className={`ml-auto rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 ${focusRing}`}>
        {t('nav.download')}
      </a>
    </nav>
  )
}

export function SectionLink({ to, children }: { to: string; children: React.ReactNode }) {
  return (
    <Link to={to} className={linkClass}>
      {children}
    </Link>
  )
}
