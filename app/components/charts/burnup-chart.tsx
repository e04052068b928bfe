import { useId } from 'react'
import { CHART_HEIGHT, CHART_WIDTH, ChartDataTable, linear, MARGIN, niceTicks, PLOT_HEIGHT, PLOT_WIDTH, YAxis } from './chart-parts'

const DAY = 24 * 60 * 60 * 1000

export type BurnupChartProps = {
  title: string
  description: string
  xLabel: string
  yLabel: string
  /** Cumulative completed count, one point per completion, in date order. */
  points: { date: string; completed: number }[]
  /** How many tasks count towards completion (the scope line). */
  total: number
  startAt: string | null
  targetAt: string | null
  today: string
  labels: { completed: string; plan: string; scope: string; today: string; target: string }
  table: { summary: string; caption: string; date: string; completed: string }
  /** One sentence under the legend: the target date and today, in words. */
  note: string
  formatDate: (iso: string) => string
  format: (value: number) => string
}

const timeOf = (date: string) => new Date(date.length === 10 ? `${date}T12:00:00.000Z` : date).getTime()

/**
 * A burn-up chart rendered on the server as SVG: the completed count as a step line over time, the
 * scope (all counted tasks) as a horizontal line, the plan from the start to the scope at the target
 * date as a dashed line, and markers at the target date and today.
 */
export function BurnupChart({ title, description, xLabel, yLabel, points, total, startAt, targetAt, today, labels, table, note, formatDate, format }: BurnupChartProps) {
  const id = useId()
  const now = timeOf(today)
  const times = points.map((point) => timeOf(point.date))
  const start = startAt ? timeOf(startAt) : (times[0] ?? now)
  const target = targetAt ? timeOf(targetAt) : null
  const x0 = Math.min(start, times[0] ?? start, now)
  let x1 = Math.max(target ?? x0, now, times[times.length - 1] ?? x0)
  if (x1 - x0 < DAY) x1 = x0 + DAY
  const x = linear([x0, x1], [MARGIN.left, MARGIN.left + PLOT_WIDTH])
  const last = points[points.length - 1]?.completed ?? 0
  const ticks = niceTicks(Math.max(total, last, 1))
  const top = ticks[ticks.length - 1] ?? 1
  const y = linear([0, top], [MARGIN.top + PLOT_HEIGHT, MARGIN.top])

  let path = `M${x(start).toFixed(1)},${y(0).toFixed(1)}`
  points.forEach((point, index) => {
    path += ` H${x(times[index] ?? start).toFixed(1)} V${y(point.completed).toFixed(1)}`
  })
  const lastTime = times[times.length - 1] ?? start
  if (now > lastTime) path += ` H${x(Math.min(now, x1)).toFixed(1)}`

  const dateTicks = Array.from({ length: 5 }, (_, i) => x0 + ((x1 - x0) * i) / 4)
  const bottom = MARGIN.top + PLOT_HEIGHT

  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="h-auto w-full max-w-3xl">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <YAxis ticks={ticks} y={y} label={yLabel} format={format} />
        <g aria-hidden="true">
          <line x1={MARGIN.left} x2={CHART_WIDTH - MARGIN.right} y1={bottom} y2={bottom} stroke="#94a3b8" strokeWidth={1} />
          {dateTicks.map((time, index) => (
            <text
              key={index}
              x={x(time)}
              y={bottom + 16}
              textAnchor={index === 0 ? 'start' : index === dateTicks.length - 1 ? 'end' : 'middle'}
              fontSize={11}
              fill="#475569"
            >
              {formatDate(new Date(time).toISOString())}
            </text>
          ))}
          <text x={MARGIN.left + PLOT_WIDTH / 2} y={CHART_HEIGHT - 6} textAnchor="middle" fontSize={11} fill="#334155">
            {xLabel}
          </text>
          {/* Scope: every task that counts. */}
          <line x1={MARGIN.left} x2={CHART_WIDTH - MARGIN.right} y1={y(total)} y2={y(total)} stroke="#64748b" strokeWidth={1.5} strokeDasharray="2 4" />
          {target !== null ? (
            <>
              <line x1={x(start)} y1={y(0)} x2={x(target)} y2={y(total)} stroke="#b45309" strokeWidth={1.5} strokeDasharray="6 4" />
              <line x1={x(target)} x2={x(target)} y1={MARGIN.top} y2={bottom} stroke="#b45309" strokeWidth={1} />
              <text x={x(target)} y={MARGIN.top - 4} textAnchor="middle" fontSize={10} fill="#92400e">
                {labels.target}
              </text>
            </>
          ) : null}
          <line x1={x(now)} x2={x(now)} y1={MARGIN.top} y2={bottom} stroke="#be123c" strokeWidth={1.5} />
          <text x={x(now)} y={bottom - 4} dx={4} textAnchor={x(now) > MARGIN.left + PLOT_WIDTH - 40 ? 'end' : 'start'} fontSize={10} fill="#9f1239">
            {labels.today}
          </text>
          <path d={path} fill="none" stroke="#1d4ed8" strokeWidth={2.5} strokeLinejoin="round" />
        </g>
      </svg>
      <figcaption>
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
          <LegendLine colour="#1d4ed8" label={labels.completed} />
          {targetAt ? <LegendLine colour="#b45309" dash="6 4" label={labels.plan} /> : null}
          <LegendLine colour="#64748b" dash="2 4" label={labels.scope} />
          <LegendLine colour="#be123c" label={labels.today} />
        </ul>
        <p className="mt-1 text-xs text-slate-600">{note}</p>
      </figcaption>
      <ChartDataTable
        summary={table.summary}
        caption={table.caption}
        columns={[table.date, table.completed]}
        rows={[
          ...points.map((point, index) => ({ key: `${point.date}-${index}`, cells: [formatDate(point.date), format(point.completed)] })),
          { key: 'scope', cells: [labels.scope, format(total)] },
        ]}
      />
    </figure>
  )
}

function LegendLine({ colour, dash, label }: { colour: string; dash?: string; label: string }) {
  return (
    <li className="inline-flex items-center gap-2">
      <svg width="24" height="8" aria-hidden="true" className="shrink-0">
        <line x1="0" x2="24" y1="4" y2="4" stroke={colour} strokeWidth="2.5" strokeDasharray={dash} />
      </svg>
      {label}
    </li>
  )
}
