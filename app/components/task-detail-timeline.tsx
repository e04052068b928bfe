import { useTranslation } from 'react-i18next'
import { Panel, useTaskDates } from '~/components/task-detail-ui'
import type { TimelineItem } from '~/tasks/detail.server'

/** Every step of the task, oldest first: who, when, from which state to which, and why. */
export function TaskTimeline({ items }: { items: TimelineItem[] }) {
  const { t } = useTranslation('task')
  const { dateTime } = useTaskDates()
  return (
    <Panel id="timeline" title={t('timeline.heading')}>
      <p className="mt-1 text-xs text-slate-500">{t('timeline.order')}</p>
      <ol className="mt-4 space-y-4 border-l-2 border-slate-200 pl-4">
        {items.map((item, index) => (
          <li key={index} className="relative">
            <span aria-hidden="true" className="absolute top-1.5 -left-[1.4rem] h-2.5 w-2.5 rounded-full bg-slate-400" />
            <p className="text-sm">
              <span className="font-medium text-slate-900">{t(`timeline.transitions.${item.transition}`, { defaultValue: item.transition })}</span>
              {item.from && item.from === item.to ? (
                <span className="text-slate-600"> {t('timeline.unchanged', { status: t(`statuses.${item.to}`) })}</span>
              ) : item.from ? (
                <span className="text-slate-600"> {t('timeline.change', { from: t(`statuses.${item.from}`), to: t(`statuses.${item.to}`) })}</span>
              ) : (
                <span className="text-slate-600"> {t('timeline.start', { to: t(`statuses.${item.to}`) })}</span>
              )}
              {item.reportVersion ? (
                <>
                  {' '}
                  <a href={`#report-v${item.reportVersion}`} className="text-slate-700 underline underline-offset-2 hover:text-slate-900">
                    {t('timeline.reportVersion', { version: item.reportVersion })}
                  </a>
                </>
              ) : null}
            </p>
            <p className="text-xs text-slate-600">
              <time dateTime={item.at}>{dateTime(item.at)}</time>
              {' · '}
              {item.actorName ? t(`timeline.by.${item.actorSide}`, { name: item.actorName }) : t(`timeline.bySide.${item.actorSide}`)}
            </p>
            {item.reason ? (
              <blockquote className="mt-1 border-l-2 border-slate-300 pl-3 text-sm whitespace-pre-line break-words text-slate-800">{item.reason}</blockquote>
            ) : null}
          </li>
        ))}
      </ol>
    </Panel>
  )
}
