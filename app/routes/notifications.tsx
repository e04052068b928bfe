import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { notFound, requireViewer } from '~/auth/guards.server'
import { ErrorPage } from '~/components/error-page'
import { Button, CsrfInput } from '~/components/forms'
import {
  countUnread,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  readNotificationListQuery,
  type NotificationFilter,
  type NotificationRow,
} from '~/notifications/notifications.server'
import { parseForm, readForm } from '~/utils/forms.server'
import { i18next } from '~/utils/i18next.server'
import { safeRedirect } from '~/utils/request.server'
import { redirectWithToast } from '~/utils/toast.server'

const backTo = z.string().max(1000).optional()
const notificationAction = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('read'), id: z.string().regex(/^[a-f\d]{24}$/i, 'invalid'), redirectTo: backTo }),
  z.object({ intent: z.literal('read-all'), redirectTo: backTo }),
])

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request)
  const query = readNotificationListQuery(new URL(request.url))
  const [page, unread, t] = await Promise.all([
    listNotifications(viewer, query),
    countUnread(viewer),
    i18next.getFixedT(request, 'notifications'),
  ])
  return { title: t('meta.title'), show: query.show, paged: Boolean(query.after), unread, page }
}

/** Back to the list the person was looking at (same filter and page), never elsewhere. */
function listTarget(redirectTo: string | undefined) {
  const target = safeRedirect(redirectTo, '/notifications')
  return target === '/notifications' || target.startsWith('/notifications?') ? target : '/notifications'
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireViewer(request)
  const parsed = parseForm(notificationAction, await readForm(request))
  if (!parsed.ok) throw new Response('Bad request', { status: 400 })
  const input = parsed.value
  if (input.intent === 'read') {
    if (!(await markNotificationRead(viewer, input.id))) throw notFound()
    return redirect(listTarget(input.redirectTo))
  }
  const count = await markAllNotificationsRead(viewer)
  return redirectWithToast(
    listTarget(input.redirectTo),
    count > 0 ? { kind: 'success', key: 'notifications:toast.allRead', values: { count } } : { kind: 'info', key: 'notifications:toast.nothingUnread' },
  )
}

function listHref(show: NotificationFilter, after?: string) {
  const params = new URLSearchParams()
  if (show !== 'all') params.set('show', show)
  if (after) params.set('after', after)
  const search = params.toString()
  return search ? `/notifications?${search}` : '/notifications'
}

const linkClass =
  'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700'

export default function Notifications() {
  const { t } = useTranslation('notifications')
  const { show, paged, unread, page } = useLoaderData<typeof loader>()
  const location = useLocation()
  const here = `${location.pathname}${location.search}`
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t('page.title')}</h1>
          <p className="mt-1 max-w-2xl text-slate-600">{t('page.intro')}</p>
        </div>
        <Link
          to="/account/notifications"
          className="text-sm font-medium text-slate-900 underline underline-offset-2 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        >
          {t('page.preferences')}
        </Link>
      </header>

      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label={t('page.filters.label')} className="flex flex-wrap items-center gap-2">
          {(['all', 'unread'] as const).map((filter) => (
            <Link
              key={filter}
              to={listHref(filter)}
              aria-current={show === filter ? 'page' : undefined}
              className={`rounded-full px-3 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700 ${
                show === filter ? 'bg-slate-900 font-medium text-white' : 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-100'
              }`}
            >
              {t(`page.filters.${filter}`)}
            </Link>
          ))}
          <span className="text-sm text-slate-600">{t('page.unreadCount', { count: unread })}</span>
        </nav>
        {unread > 0 ? (
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="read-all" />
            <input type="hidden" name="redirectTo" value={here} />
            <Button type="submit" variant="secondary">
              {t('page.markAllRead')}
            </Button>
          </Form>
        ) : null}
      </div>

      {page.notifications.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
          <p>{show === 'unread' ? t('page.emptyUnread') : t('page.empty')}</p>
          {show === 'unread' ? (
            <Link to={listHref('all')} className="mt-2 inline-block text-sm font-medium text-slate-900 underline underline-offset-2">
              {t('page.showAll')}
            </Link>
          ) : null}
        </div>
      ) : (
        <ul aria-label={t('page.listLabel')} className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
          {page.notifications.map((notification) => (
            <NotificationItem key={notification.id} notification={notification} here={here} />
          ))}
        </ul>
      )}

      {page.next || paged ? (
        <nav aria-label={t('page.paging.label')} className="flex flex-wrap gap-2">
          {paged ? (
            <Link to={listHref(show)} className={linkClass}>
              {t('page.paging.newest')}
            </Link>
          ) : null}
          {page.next ? (
            <Link to={listHref(show, page.next)} rel="next" className={linkClass}>
              {t('page.paging.older')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  )
}

function NotificationItem({ notification, here }: { notification: NotificationRow; here: string }) {
  const { t, i18n } = useTranslation('notifications')
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(notification.createdAt),
  )
  const { task, indicator } = notification
  const linkClass = `break-words underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700 ${
    notification.read ? 'text-slate-800' : 'font-semibold text-slate-900'
  }`
  // A retraction without a task of the viewer's points at the indicator; nothing is shown that the viewer may no longer see.
  const hidden = notification.event === 'indicator_retracted' ? 'hiddenIndicator' : 'hiddenTask'
  const label = task ? task.title : indicator ? t('page.retractedIndicator') : t(`page.${hidden}`)
  const actorName = task?.actorName ?? indicator?.actorName ?? null
  return (
    <li className={`flex flex-col gap-3 p-4 sm:flex-row sm:items-start sm:justify-between ${notification.read ? '' : 'border-l-4 border-sky-600 bg-sky-50'}`}>
      <div className="min-w-0 space-y-1">
        <p className="flex flex-wrap items-center gap-2">
          {notification.read ? null : <span className="sr-only">{t('page.unread')}</span>}
          <span
            className={`rounded px-2 py-0.5 text-xs font-medium ${
              notification.event === 'overdue' ? 'bg-red-100 text-red-900' : notification.event === 'due_soon' ? 'bg-amber-100 text-amber-900' : 'bg-slate-100 text-slate-800'
            }`}
          >
            {t(`events.${notification.event}`)}
          </span>
          {task ? (
            <Link to={`/tasks/${task.id}`} className={linkClass}>
              {task.title}
            </Link>
          ) : indicator ? (
            <Link to={`/indicators/${indicator.id}`} className={linkClass}>
              {label}
            </Link>
          ) : (
            <span className="italic text-slate-600" title={t(`page.${hidden}Hint`)}>
              {label}
            </span>
          )}
        </p>
        <p className="flex flex-wrap gap-x-3 text-sm text-slate-600">
          {actorName ? <span>{t('page.by', { actor: actorName })}</span> : null}
          <time dateTime={notification.createdAt}>{t('page.time', { date: time })}</time>
          {task && indicator ? (
            <Link
              to={`/indicators/${indicator.id}`}
              className="underline underline-offset-2 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
            >
              {t('page.viewIndicator')}
            </Link>
          ) : null}
        </p>
      </div>
      {notification.read ? null : (
        <Form method="post" className="shrink-0">
          <CsrfInput />
          <input type="hidden" name="intent" value="read" />
          <input type="hidden" name="id" value={notification.id} />
          <input type="hidden" name="redirectTo" value={here} />
          <Button type="submit" variant="secondary" className="px-3 py-1 text-xs" aria-label={t('page.markReadFor', { title: label })}>
            {t('page.markRead')}
          </Button>
        </Form>
      )}
    </li>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />
}
