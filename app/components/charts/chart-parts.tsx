/**
 * Small building blocks of the server-rendered SVG charts: scales, "nice" axis ticks and the data
 * table every chart carries as its text alternative. No chart JavaScript runs in the browser.
 */

export const CHART_WIDTH = 640
export const CHART_HEIGHT = 280
export const MARGIN = { top: 16, right: 16, bottom: 44, left: 48 } as const
export const PLOT_WIDTH = CHART_WIDTH - MARGIN.left - MARGIN.right
export const PLOT_HEIGHT = CHART_HEIGHT - MARGIN.top - MARGIN.bottom

/** Round tick values from 0 to at least `max`: 1, 2 or 5 times a power of ten apart. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1]
  const rough = max / count
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power
  const wholeStep = Math.max(1, Math.round(step))
  const top = Math.ceil(max / wholeStep) * wholeStep
  const ticks: number[] = []
  for (let value = 0; value <= top; value += wholeStep) ticks.push(value)
  return ticks
}

/** A linear map from a domain to a range. */
export function linear(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain
  const [r0, r1] = range
  const span = d1 - d0 || 1
  return (value: number) => r0 + ((value - d0) / span) * (r1 - r0)
}

/** The y axis: grid lines and labels at each tick, and the axis title. */
export function YAxis({ ticks, y, label, format }: { ticks: number[]; y: (value: number) => number; label: string; format: (value: number) => string }) {
  return (
    <g aria-hidden="true">
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={MARGIN.left} x2={CHART_WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} stroke="#e2e8f0" strokeWidth={1} />
          <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" textAnchor="end" fontSize={11} fill="#475569">
            {format(tick)}
          </text>
        </g>
      ))}
      <text
        transform={`translate(12 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)`}
        textAnchor="middle"
        fontSize={11}
        fill="#334155"
      >
        {label}
      </text>
      <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={MARGIN.top + PLOT_HEIGHT} stroke="#94a3b8" strokeWidth={1} />
    </g>
  )
}

/** The table of the same numbers, behind a disclosure that works without JavaScript. */
export function ChartDataTable({
  summary,
  caption,
  columns,
  rows,
}: {
  summary: string
  caption: string
  columns: string[]
  rows: { key: string; cells: (string | number)[] }[]
}) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer rounded text-slate-700 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700">
        {summary}
      </summary>
      <div className="mt-2 overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-left">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50">
            <tr>
              {columns.map((column, index) => (
                <th key={`${index}-${column}`} scope="col" className="px-2 py-1 font-medium whitespace-nowrap text-slate-700">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.key}>
                {row.cells.map((cell, index) =>
                  index === 0 ? (
                    <th key={index} scope="row" className="px-2 py-1 font-normal whitespace-nowrap">
                      {cell}
                    </th>
                  ) : (
                    <td key={index} className="px-2 py-1 tabular-nums">
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  )
}
