import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { Fragment } from 'react'
import { useTranslation } from 'react-i18next'
import { notFound } from '~/auth/guards.server'
import { readMailbox } from '~/mail/smtp-sink.server'
import { getEnv, publicUrl } from '~/utils/env.server'

/** The demo's own mailbox: what its local SMTP server received. Absent outside the demo. */
export async function loader({ request }: LoaderFunctionArgs) {
  const dir = getEnv().DEMO_MAILBOX_DIR
  if (!dir) throw notFound()
  const to = new URL(request.url).searchParams.get('to')?.trim().toLowerCase() || undefined
  const messages = readMailbox(dir, to).slice(0, 100)
  return { messages, to: to ?? '', origin: publicUrl() }
}

/** Links only to the portal itself; any other address stays plain text. */
function LinkedText({ text, origin }: { text: string; origin: string }) {
  const parts = text.split(/(https?:\/\/\S+)/g)
  return (
    <>
      {parts.map((part, index) =>
        part.startsWith(`${origin}/`) ? (
          <a key={index} href={part.slice(origin.length)} className="break-all text-sky-800 underline">
            {part}
          </a>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  )
}

export default function DemoMailbox() {
  const { t, i18n } = useTranslation()
  const { messages, to, origin } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t('demo.mailbox.title')}</h1>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">{t('demo.mailbox.intro')}</p>
      </div>
      <form method="get" className="flex flex-wrap items-end gap-2">
        <label className="text-sm">
          <span className="block font-medium">{t('demo.mailbox.filter')}</span>
          <input name="to" type="email" defaultValue={to} className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-100">
          {t('demo.mailbox.apply')}
        </button>
      </form>
      {messages.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">{t('demo.mailbox.empty')}</p>
      ) : (
        <ul className="space-y-4">
          {messages.map((message) => (
            <li key={message.id} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <h2 className="font-semibold">{message.subject}</h2>
              <p className="mt-1 text-xs text-slate-500">
                {t('demo.mailbox.meta', {
                  to: message.to.join(', '),
                  date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(
                    new Date(message.receivedAt),
                  ),
                })}
              </p>
              <pre className="mt-3 whitespace-pre-wrap font-sans text-sm text-slate-800">
                <LinkedText text={message.text} origin={origin} />
              </pre>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Demo mailbox · Payment Channel Partnership' }]
