import { createInstance } from 'i18next'
import { createElement, type ReactElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { describe, expect, test } from 'vitest'
import { BurnupChart } from '~/components/charts/burnup-chart'
import { niceTicks } from '~/components/charts/chart-parts'
import { StackedBarChart } from '~/components/charts/stacked-bar-chart'
import { ActionsPerWeekChart, CompletionBurnupChart } from '~/components/initiative-charts'
import { i18nConfig, type Language } from '~/utils/i18n'

/** The server-rendered SVG charts, with sample data: a picture, a text alternative and a table of the same numbers. */

async function html(element: ReactElement, language: Language = 'en') {
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: language })
  return renderToString(createElement(I18nextProvider, { i18n }, element))
}

/** The cells of the data table's body, row by row. */
function tableRows(markup: string) {
  const tbody = /<tbody[^>]*>(.*?)<\/tbody>/s.exec(markup)?.[1] ?? ''
  return [...tbody.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) => [...(row[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => cell[1]))
}

const weeks = [
  { week: '2030-04-01', byType: { notice_sent: 4 } },
  { week: '2030-04-08', byType: { notice_sent: 3, merchant_terminated: 2 } },
  { week: '2030-04-15', byType: { merchant_terminated: 5, url_blocked: 12 } },
]

describe('actions per week (stacked bars)', () => {
  test('an SVG image with a title and description, one segment per type and week, a legend and the table of numbers', async () => {
    const markup = await html(createElement(ActionsPerWeekChart, { weeks }))
    expect(markup).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="[^"]+-title [^"]+-desc"/)
    expect(markup).toMatch(/<title id="[^"]+-title">Verified actions per week, by type<\/title>/)
    expect(markup).toContain('Stacked bars over 3 weeks: 26 actions in verified reports')
    expect(markup.match(/<rect x=/g)).toHaveLength(5)
    for (const legend of ['Merchants terminated', 'Compliance notices sent', 'URLs blocked']) expect(markup).toContain(legend)
    expect(tableRows(markup)).toEqual([
      ['Apr 1', '0', '4', '0', '4'],
      ['Apr 8', '2', '3', '0', '5'],
      ['Apr 15', '5', '0', '12', '17'],
    ])
    expect(markup).toContain('<title>Week of Apr 15, 2030 – URLs blocked: 12</title>')
  })

  test('without data it says so, still as an image with its text alternative', async () => {
    const markup = await html(createElement(ActionsPerWeekChart, { weeks: [] }))
    expect(markup).toContain('role="img"')
    expect(markup).toContain('No verified action yet.')
    expect(tableRows(markup)).toEqual([])
  })

  test('in French, numbers and dates in French', async () => {
    const markup = await html(createElement(ActionsPerWeekChart, { weeks }), 'fr')
    expect(markup).toContain('Actions vérifiées par semaine, par type')
    expect(tableRows(markup)[0]?.[0]).toBe('1 avr.')
  })

  test('the generic chart thins its x labels but keeps every category in the table', async () => {
    const categories = Array.from({ length: 20 }, (_, i) => ({ key: `c${i}`, label: `W${i}`, values: { a: i } }))
    const markup = await html(
      createElement(StackedBarChart, {
        title: 'T',
        description: 'D',
        xLabel: 'x',
        yLabel: 'y',
        series: [{ key: 'a', label: 'A', colour: '#000000' }],
        categories,
        table: { summary: 'S', caption: 'C', category: 'Week', total: 'Total' },
        emptyText: 'none',
        format: String,
        segmentTitle: () => 'seg',
      }),
    )
    expect(markup.match(/aria-hidden="true">W\d+<\/text>/g)?.length).toBeLessThanOrEqual(8)
    expect(tableRows(markup)).toHaveLength(20)
    expect(markup.match(/<rect x=/g)).toHaveLength(19)
  })
})

describe('burn-up of completed tasks', () => {
  const burnup = {
    points: [
      { date: '2030-04-05', completed: 1 },
      { date: '2030-04-09', completed: 2 },
      { date: '2030-04-12', completed: 5 },
    ],
    total: 10,
    startAt: '2030-04-01T09:00:00.000Z',
    targetAt: '2030-04-30T23:59:59.999Z',
  }

  test('a step line of the completed count, the plan to the total at the target date, a marker at today, and the table', async () => {
    const markup = await html(createElement(CompletionBurnupChart, { burnup, today: '2030-04-16T09:00:00.000Z' }))
    expect(markup).toMatch(/<svg[^>]*role="img"/)
    expect(markup).toContain('Burn-up chart: 5 of 10 tasks completed; target date Apr 30, 2030.')
    // The step line: three rises, then flat until today.
    const path = /<path d="([^"]+)"/.exec(markup)?.[1] ?? ''
    expect(path.match(/ V/g)).toHaveLength(3)
    expect(path).toMatch(/^M48\.0,236\.0/)
    for (const label of ['Today', 'Target date', 'Plan to the target date', 'All counted tasks']) expect(markup).toContain(label)
    expect(markup).toContain('stroke-dasharray="6 4"')
    expect(tableRows(markup)).toEqual([
      ['Apr 5, 2030', '1'],
      ['Apr 9, 2030', '2'],
      ['Apr 12, 2030', '5'],
      ['All counted tasks', '10'],
    ])
    expect(markup).toContain('Target date: Apr 30, 2030. Today: Apr 16, 2030.')
  })

  test('without a target date there is no plan line, and the text says so', async () => {
    const markup = await html(createElement(CompletionBurnupChart, { burnup: { ...burnup, targetAt: null }, today: '2030-04-16T09:00:00.000Z' }, null), 'ru')
    expect(markup).toContain('целевая дата не задана')
    expect(markup).not.toContain('stroke-dasharray="6 4"')
  })

  test('the generic chart copes with nothing done and no dates', async () => {
    const markup = await html(
      createElement(BurnupChart, {
        title: 'T',
        description: 'D',
        xLabel: 'x',
        yLabel: 'y',
        points: [],
        total: 0,
        startAt: null,
        targetAt: null,
        today: '2030-01-01T00:00:00.000Z',
        labels: { completed: 'c', plan: 'p', scope: 's', today: 'now', target: 't' },
        table: { summary: 'S', caption: 'C', date: 'Date', completed: 'Done' },
        note: 'n',
        formatDate: (iso: string) => iso.slice(0, 10),
        format: String,
      }),
    )
    expect(markup).toContain('role="img"')
    expect(markup).not.toContain('NaN')
    expect(tableRows(markup)).toEqual([['s', '0']])
  })

  test('axis ticks are round numbers covering the maximum', () => {
    expect(niceTicks(6)).toEqual([0, 2, 4, 6])
    expect(niceTicks(17)).toEqual([0, 5, 10, 15, 20])
    expect(niceTicks(0)).toEqual([0, 1])
    expect(niceTicks(1)).toEqual([0, 1])
  })
})
