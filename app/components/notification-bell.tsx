import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/** The shell's bell: a link to /notifications whose accessible name says how many are unread. */
export function NotificationBell({ count }: { count: number }) {
  const { t } = useTranslation('notifications')
  const label = count > 0 ? t('bell.unread', { count }) : t('bell.none')
  return (
    <Link
      to="/notifications"
      aria-label={label}
      title={label}
      className="relative inline-flex h-9 w-9 items-center justify-center rounded-full hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-white"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="h-5 w-5">
        <path strokeLinecap="round" strokeLinejoin="round" d="M6 9a6 6 0 1 1 12 0c0 4.5 1.5 6.5 2.5 7.5h-17C4.5 15.5 6 13.5 6 9Z" />
        <path strokeLinecap="round" d="M10 19.5a2 2 0 0 0 4 0" />
      </svg>
      {count > 0 ? (
        <span
          aria-hidden="true"
          className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-red-600 px-1 text-center text-[0.6875rem] font-semibold leading-5 text-white ring-2 ring-slate-900"
        >
          {count > 99 ? t('bell.overflow') : count}
        </span>
      ) : null}
    </Link>
  )
}
