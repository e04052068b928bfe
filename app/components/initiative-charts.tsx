import { useTranslation } from 'react-i18next'
import { BurnupChart } from './charts/burnup-chart'
import { StackedBarChart } from './charts/stacked-bar-chart'
import { useInitiativeFormat } from './initiative-ui'
import { actionTypes, type ActionType } from '~/domain/vocabulary'
import { actionTypeColour } from '~/initiatives/shared'

type Week = { week: string; byType: Partial<Record<ActionType, number>> }

/** Verified actions per week (Monday to Sunday, by the date of the action), stacked by type. */
export function ActionsPerWeekChart({ weeks }: { weeks: Week[] }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  const present = actionTypes.filter((type) => weeks.some((week) => (week.byType[type] ?? 0) > 0))
  const series = present.map((type) => ({ key: type, label: t(`actionTypes.${type}`), colour: actionTypeColour(type) }))
  const total = weeks.reduce((sum, week) => sum + Object.values(week.byType).reduce((a, b) => a + (b ?? 0), 0), 0)
  return (
    <StackedBarChart
      title={t('charts.actions.title')}
      description={weeks.length ? t('charts.actions.description', { count: weeks.length, total: format.number(total) }) : t('charts.actions.empty')}
      xLabel={t('charts.actions.x')}
      yLabel={t('charts.actions.y')}
      series={series}
      categories={weeks.map((week) => ({
        key: week.week,
        label: format.shortDate(week.week),
        values: Object.fromEntries(present.map((type) => [type, week.byType[type] ?? 0])),
      }))}
      table={{ summary: t('charts.table'), caption: t('charts.actions.title'), category: t('charts.actions.week'), total: t('charts.actions.total') }}
      emptyText={t('charts.actions.empty')}
      format={format.number}
      segmentTitle={(category, s, value) => t('charts.actions.segment', { week: format.date(category.key), type: s.label, value: format.number(value) })}
    />
  )
}

type Burnup = { points: { date: string; completed: number }[]; total: number; startAt: string | null; targetAt: string | null }

/** Completed tasks over time against the target date. */
export function CompletionBurnupChart({ burnup, today }: { burnup: Burnup; today: string }) {
  const { t } = useTranslation('initiatives')
  const format = useInitiativeFormat()
  const completed = burnup.points[burnup.points.length - 1]?.completed ?? 0
  return (
    <BurnupChart
      title={t('charts.burnup.title')}
      description={
        burnup.targetAt
          ? t('charts.burnup.description', { completed: format.number(completed), total: format.number(burnup.total), date: format.date(burnup.targetAt) })
          : t('charts.burnup.descriptionNoTarget', { completed: format.number(completed), total: format.number(burnup.total) })
      }
      xLabel={t('charts.burnup.x')}
      yLabel={t('charts.burnup.y')}
      points={burnup.points}
      total={burnup.total}
      startAt={burnup.startAt}
      targetAt={burnup.targetAt}
      today={today}
      labels={{
        completed: t('charts.burnup.completed'),
        plan: t('charts.burnup.plan'),
        scope: t('charts.burnup.scope'),
        today: t('charts.burnup.today'),
        target: t('charts.burnup.target'),
      }}
      table={{ summary: t('charts.table'), caption: t('charts.burnup.title'), date: t('charts.burnup.date'), completed: t('charts.burnup.completedColumn') }}
      note={
        burnup.targetAt
          ? t('charts.burnup.note', { target: format.date(burnup.targetAt), today: format.date(today) })
          : t('charts.burnup.noteNoTarget', { today: format.date(today) })
      }
      formatDate={format.date}
      format={format.number}
    />
  )
}
