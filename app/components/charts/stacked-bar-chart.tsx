import { useId } from 'react'
import { CHART_HEIGHT, CHART_WIDTH, ChartDataTable, linear, MARGIN, niceTicks, PLOT_HEIGHT, PLOT_WIDTH, YAxis } from './chart-parts'

export type StackedSeries = { key: string; label: string; colour: string }
export type StackedCategory = { key: string; label: string; values: Record<string, number> }

export type StackedBarChartProps = {
  title: string
  description: string
  xLabel: string
  yLabel: string
  series: StackedSeries[]
  categories: StackedCategory[]
  /** Texts of the data table: its disclosure, caption, first column and total column. */
  table: { summary: string; caption: string; category: string; total: string }
  emptyText: string
  format: (value: number) => string
  /** The tooltip of one bar segment. */
  segmentTitle: (category: StackedCategory, series: StackedSeries, value: number) => string
}

/**
 * Stacked bars rendered on the server as SVG: one bar per category (x), one segment per series, a
 * legend, and a table of the same numbers for people who cannot see the chart.
 */
export function StackedBarChart({ title, description, xLabel, yLabel, series, categories, table, emptyText, format, segmentTitle }: StackedBarChartProps) {
  const id = useId()
  const totals = categories.map((category) => series.reduce((sum, s) => sum + (category.values[s.key] ?? 0), 0))
  const ticks = niceTicks(Math.max(0, ...totals))
  const top = ticks[ticks.length - 1] ?? 1
  const y = linear([0, top], [MARGIN.top + PLOT_HEIGHT, MARGIN.top])
  const band = categories.length > 0 ? PLOT_WIDTH / categories.length : PLOT_WIDTH
  const barWidth = Math.max(2, Math.min(48, band * 0.7))
  // At most about eight labels on the x axis; the table has them all.
  const labelEvery = Math.max(1, Math.ceil(categories.length / 8))
  return (
    <figure className="space-y-2">
      <svg
        viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        className="h-auto w-full max-w-3xl"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <YAxis ticks={ticks} y={y} label={yLabel} format={format} />
        <line
          x1={MARGIN.left}
          x2={CHART_WIDTH - MARGIN.right}
          y1={MARGIN.top + PLOT_HEIGHT}
          y2={MARGIN.top + PLOT_HEIGHT}
          stroke="#94a3b8"
          strokeWidth={1}
          aria-hidden="true"
        />
        {categories.length === 0 ? (
          <text x={MARGIN.left + PLOT_WIDTH / 2} y={MARGIN.top + PLOT_HEIGHT / 2} textAnchor="middle" fontSize={13} fill="#475569">
            {emptyText}
          </text>
        ) : null}
        {categories.map((category, index) => {
          const x = MARGIN.left + band * index + (band - barWidth) / 2
          let base = 0
          return (
            <g key={category.key}>
              {series.map((s) => {
                const value = category.values[s.key] ?? 0
                if (value <= 0) return null
                const y0 = y(base)
                base += value
                const y1 = y(base)
                return (
                  <rect key={s.key} x={x} y={y1} width={barWidth} height={Math.max(0, y0 - y1)} fill={s.colour}>
                    <title>{segmentTitle(category, s, value)}</title>
                  </rect>
                )
              })}
              {index % labelEvery === 0 ? (
                <text x={x + barWidth / 2} y={MARGIN.top + PLOT_HEIGHT + 16} textAnchor="middle" fontSize={11} fill="#475569" aria-hidden="true">
                  {category.label}
                </text>
              ) : null}
            </g>
          )
        })}
        <text x={MARGIN.left + PLOT_WIDTH / 2} y={CHART_HEIGHT - 6} textAnchor="middle" fontSize={11} fill="#334155" aria-hidden="true">
          {xLabel}
        </text>
      </svg>
      {series.length > 0 ? (
        <figcaption>
          <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
            {series.map((s) => (
              <li key={s.key} className="inline-flex items-center gap-2">
                <svg width="12" height="12" aria-hidden="true" className="shrink-0">
                  <rect width="12" height="12" rx="2" fill={s.colour} />
                </svg>
                {s.label}
              </li>
            ))}
          </ul>
        </figcaption>
      ) : null}
      <ChartDataTable
        summary={table.summary}
        caption={table.caption}
        columns={[table.category, ...series.map((s) => s.label), table.total]}
        rows={categories.map((category, index) => ({
          key: category.key,
          cells: [category.label, ...series.map((s) => format(category.values[s.key] ?? 0)), format(totals[index] ?? 0)],
        }))}
      />
    </figure>
  )
}
