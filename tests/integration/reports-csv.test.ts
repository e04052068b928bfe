import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { loadInitiative, updateInitiative } from '~/initiatives/initiatives.server'
import { initiativeProgress } from '~/initiatives/progress.server'
import ExportPage, { loader as exportPageLoader } from '~/routes/initiatives_.$initiativeId_.export'
import * as reportsCsv from '~/routes/initiatives_.$initiativeId_.reports[.]csv'
import * as tasksCsv from '~/routes/initiatives_.$initiativeId_.tasks[.]csv'
import { call, get, post, routeArgs, signedInClient } from '../support/requests'
import { buildReferenceScenario, FORMULA_TITLE, parseCsv, renderRoute, STRICT_TITLE, type Member, type ReferenceScenario } from './reports-support'

const routes = { tasks: tasksCsv, reports: reportsCsv }
type Kind = keyof typeof routes

let scenario: ReferenceScenario
let initiativeId: string

beforeAll(async () => {
  scenario = await buildReferenceScenario('CSV')
  initiativeId = scenario.initiativeId
})

afterAll(() => {
  vi.useRealTimers()
})

function auditEvents(filter: Record<string, unknown>) {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  return db.collection('auditevents').find(filter).toArray()
}

async function exportAs(
  who: Member,
  kind: Kind,
  fields: Record<string, string> = { purpose: 'progress_review' },
  { csrf = true, language, id = initiativeId }: { csrf?: boolean; language?: string; id?: string } = {},
) {
  const request = post(`/initiatives/${id}/${kind}.csv`, await signedInClient(who.user), fields, { csrf })
  if (language) request.headers.set('accept-language', language)
  const response = await call(() => routes[kind].action(routeArgs(request, { initiativeId: id })))
  if (!(response instanceof Response)) throw new Error('an export answers with a response')
  return response
}

async function csvOf(who: Member, kind: Kind, fields?: Record<string, string>, language?: string) {
  const response = await exportAs(who, kind, fields, { language })
  expect(response.status).toBe(200)
  return { response, rows: parseCsv(await response.text()) }
}

/** The data rows below the heading row (the one whose first cell is "TLP"). */
function table(rows: string[][]) {
  const heading = rows.findIndex((row) => row[0] === 'TLP')
  expect(heading).toBeGreaterThan(0)
  return { preamble: rows.slice(0, heading), heading: rows[heading] as string[], data: rows.slice(heading + 1) }
}

const figure = (rows: string[][], label: string) => rows.find((row) => row[1] === label)

async function progress() {
  const { initiative } = await loadInitiative(scenario.centre.viewer, initiativeId)
  return initiativeProgress(initiative)
}

describe('the tasks CSV', () => {
  test('starts with the progress figures exactly as the progress module computes them', async () => {
    const computed = await progress()
    expect(computed.completion).toMatchObject({ percent: 70, done: 7, total: 10 })
    const { rows } = await csvOf(scenario.centre, 'tasks')
    const { preamble } = table(rows)

    const completion = figure(preamble, 'Completion (%)')
    expect(completion?.[2]).toBe(String(computed.completion.percent))
    expect(completion?.[3]).toContain('7 of 10 tasks done.')
    expect(completion?.[3]).toContain('Completion counts verified, closed and not-applicable tasks over all tasks except cancelled ones.')

    const kpi = computed.kpis[0]
    expect(kpi).toMatchObject({ actionType: 'merchant_terminated', achieved: 3, target: 20, percent: 15 })
    const kpiRow = figure(preamble, 'KPI: Merchant terminated')
    expect(kpiRow?.[2]).toBe(String(kpi?.achieved))
    expect(kpiRow?.[3]).toContain('Target 20; 15% reached.')

    expect(figure(preamble, 'Overdue tasks')?.[2]).toBe(String(computed.overdue.length))
    expect(figure(preamble, 'Completion under the default rule (%)')).toBeUndefined()
    expect(figure(preamble, 'Initiative')?.[2]).toBe('Card payment disruption CSV')
    expect(figure(preamble, 'Purpose of this export')?.[2]).toBe('Progress review of the initiative')
  })

  test('lists every task the centre sees, overdue ones being exactly M, B and I, with the TLP in every row', async () => {
    const { response, rows } = await csvOf(scenario.centre, 'tasks')
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="initiative-${initiativeId}-tasks-2030-04-16.csv"`)
    const { heading, data, preamble } = table(rows)
    expect(heading).toEqual([
      'TLP',
      'Task ID',
      'Task',
      'Assigned organisation',
      'Organisation kind',
      'Status',
      'Priority',
      'Task TLP',
      'Due date',
      'Days overdue',
      'Assigned (UTC)',
      'Acknowledged (UTC)',
      'Reported (UTC)',
      'Verified (UTC)',
      'Closed (UTC)',
    ])
    expect([...preamble, ...data].every((row) => row[0] === 'TLP:AMBER')).toBe(true)
    expect(data).toHaveLength(12)
    const column = (name: string) => heading.indexOf(name)
    const overdue = data.filter((row) => row[column('Days overdue')] !== '')
    expect(overdue.map((row) => [row[column('Assigned organisation')], row[column('Days overdue')]]).sort()).toEqual([
      ['Acquirer B CSV', '1'],
      ['ISP I CSV', '1'],
      ['Scheme M CSV', '1'],
    ])
    const byTitle = new Map(data.map((row) => [row[column('Task')], row]))
    expect(byTitle.get('A task 3 CSV')?.[column('Status')]).toBe('Not applicable')
    expect(byTitle.get('V task 1 CSV')?.[column('Status')]).toBe('Verified')
    expect(byTitle.get('V task 1 CSV')?.[column('Due date')]).toBe('2030-04-15')
    expect(byTitle.get(STRICT_TITLE)?.[column('Task TLP')]).toBe('TLP:AMBER+STRICT')
  })

  test('exports a title that is a spreadsheet formula as text', async () => {
    const { rows } = await csvOf(scenario.centre, 'tasks')
    const { heading, data } = table(rows)
    const titles = data.map((row) => row[heading.indexOf('Task')])
    expect(titles).toContain(`'${FORMULA_TITLE}`)
    expect(titles).not.toContain(FORMULA_TITLE)
    const risky = rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))
    expect(risky).toEqual([])
  })

  test('shows 60 % and its rule when the lead excludes not-applicable tasks, as the progress module does', async () => {
    const { initiative } = await loadInitiative(scenario.centre.viewer, initiativeId)
    await updateInitiative(initiative, { $set: { excludeNotApplicable: true } })
    try {
      const computed = await progress()
      expect(computed.completion).toMatchObject({ percent: 60, rule: 'excludeNotApplicable' })
      const { rows } = await csvOf(scenario.centre, 'tasks')
      const completion = figure(rows, 'Completion (%)')
      expect(completion?.[2]).toBe('60')
      expect(completion?.[3]).toContain('6 of 10 tasks done.')
      expect(completion?.[3]).toContain('not-applicable tasks count as not done')
      // As on the initiative page, the figure under the default rule follows.
      expect(figure(rows, 'Completion under the default rule (%)')?.[2]).toBe('70')
    } finally {
      const { initiative: changed } = await loadInitiative(scenario.centre.viewer, initiativeId)
      await updateInitiative(changed, { $set: { excludeNotApplicable: false } })
    }
  })

  test("is written in the reader's language", async () => {
    const { rows } = await csvOf(scenario.partners.A, 'tasks', undefined, 'fr-FR,fr;q=0.9')
    const { heading, data } = table(rows)
    expect(heading.slice(0, 3)).toEqual(['TLP', 'Identifiant de la tâche', 'Tâche'])
    expect(figure(rows, 'Avancement (%)')?.[2]).toBe('70')
    expect(data.find((row) => row[2] === 'V task 1 CSV')?.[heading.indexOf('Statut')]).toBe('Vérifiée')
  })
})

describe('what each organisation may export', () => {
  test("a participant gets the other participants' AMBER tasks but not B's AMBER+STRICT one", async () => {
    const { rows } = await csvOf(scenario.partners.A, 'tasks')
    const { heading, data } = table(rows)
    const titles = data.map((row) => row[heading.indexOf('Task')])
    expect(titles).toContain('B task 1 CSV')
    expect(titles).toContain('M task 2 CSV')
    expect(titles).not.toContain(STRICT_TITLE)
    expect(rows.flat().join('\n')).not.toContain('strict matter')
    expect(data).toHaveLength(11)
    // The figures stay the initiative's: the same for every reader.
    expect(figure(rows, 'Completion (%)')?.[2]).toBe('70')
  })

  test('the assigned organisation gets its AMBER+STRICT task', async () => {
    const { rows } = await csvOf(scenario.partners.B, 'tasks')
    const { heading, data } = table(rows)
    expect(data.map((row) => row[heading.indexOf('Task')])).toContain(STRICT_TITLE)
    expect(data).toHaveLength(12)
  })

  test('the reports CSV adds up to the KPI and follows the same visibility', async () => {
    const centre = table((await csvOf(scenario.centre, 'reports')).rows)
    const col = (name: string) => centre.heading.indexOf(name)
    expect(centre.heading.slice(0, 4)).toEqual(['TLP', 'Task ID', 'Task', 'Reporting organisation'])
    expect(centre.heading).not.toContain('Comment')
    expect(centre.data).toHaveLength(7)
    const terminated = centre.data
      .filter((row) => row[col('Action taken')] === 'Merchant terminated' && row[col('Counts towards the KPIs')] === 'Yes')
      .reduce((sum, row) => sum + Number(row[col('Quantity')]), 0)
    expect(terminated).toBe((await progress()).kpis[0]?.achieved)
    const strictRow = centre.data.find((row) => row[col('Task')] === STRICT_TITLE)
    expect(strictRow?.[col('Verification')]).toBe('Awaiting verification')
    expect(strictRow?.[col('Counts towards the KPIs')]).toBe('No')

    const partner = table((await csvOf(scenario.partners.A, 'reports')).rows)
    expect(partner.data.map((row) => row[col('Task')])).not.toContain(STRICT_TITLE)
    expect(partner.data).toHaveLength(6)
    const own = partner.data.filter((row) => row[col('Reporting organisation')] === 'Acquirer A CSV')
    const others = partner.data.filter((row) => row[col('Reporting organisation')] !== 'Acquirer A CSV')
    expect(own.map((row) => row[col('Reference')])).toEqual(['REF-1', 'REF-1'])
    // The task page shows observers no references, notes or names: neither does the export.
    expect(others.map((row) => [row[col('Reference')], row[col('Note')], row[col('Submitted by')]])).toEqual(others.map(() => ['', '', '']))
    expect(partner.data.every((row) => row[0] === 'TLP:AMBER')).toBe(true)
  })

  test('an organisation outside the initiative, or only invited to it, finds no export at all', async () => {
    for (const who of [scenario.outsider, scenario.invited]) {
      for (const kind of ['tasks', 'reports'] as const) {
        expect((await exportAs(who, kind)).status).toBe(404)
        const visit = await call(() => routes[kind].loader(routeArgs(get(`/initiatives/${initiativeId}/${kind}.csv`, undefined), { initiativeId })))
        expect(visit instanceof Response && visit.status).toBe(302)
        const client = await signedInClient(who.user)
        const signedVisit = await call(() => routes[kind].loader(routeArgs(get(`/initiatives/${initiativeId}/${kind}.csv`, client), { initiativeId })))
        expect(signedVisit instanceof Response && signedVisit.status).toBe(404)
      }
      const page = await call(() => exportPageLoader(routeArgs(get(`/initiatives/${initiativeId}/export`, undefined), { initiativeId })))
      expect(page instanceof Response && page.status).toBe(302)
      const client = await signedInClient(who.user)
      const signedPage = await call(() => exportPageLoader(routeArgs(get(`/initiatives/${initiativeId}/export`, client), { initiativeId })))
      expect(signedPage instanceof Response && signedPage.status).toBe(404)
    }
    expect((await exportAs(scenario.centre, 'tasks', undefined, { id: 'ffffffffffffffffffffffff' })).status).toBe(404)
    expect((await exportAs(scenario.centre, 'tasks', undefined, { id: 'not-an-id' })).status).toBe(404)
  })
})

describe('the purpose of an export', () => {
  test('is required, and a forged form is refused, before anything is exported or audited', async () => {
    const before = (await auditEvents({ action: 'initiative.exported' })).length
    expect((await exportAs(scenario.centre, 'tasks', {})).status).toBe(400)
    expect((await exportAs(scenario.centre, 'reports', { purpose: 'curiosity' })).status).toBe(400)
    const vague = await exportAs(scenario.centre, 'tasks', { purpose: 'other', note: '' })
    expect(vague.status).toBe(400)
    expect(await vague.text()).toContain('The export needs a purpose.')
    expect((await exportAs(scenario.centre, 'tasks', { purpose: 'progress_review' }, { csrf: false })).status).toBe(403)
    expect((await auditEvents({ action: 'initiative.exported' })).length).toBe(before)
  })

  test('goes into the audit log with what was exported and how many rows', async () => {
    const response = await exportAs(scenario.partners.A, 'reports', { purpose: 'other', note: 'Briefing for our compliance board' })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-export-rows')).toBe('6')
    const events = await auditEvents({ action: 'initiative.exported', actorUserId: scenario.partners.A.user.id })
    const last = events.at(-1)
    expect(last).toMatchObject({
      targetKind: 'initiative',
      targetId: initiativeId,
      outcome: 'success',
      details: { kind: 'reports', rows: 6, purpose: 'other', purposeNote: 'Briefing for our compliance board', tlp: 'AMBER' },
    })
    const { rows } = parseCsvOf(await (await exportAs(scenario.partners.A, 'tasks', { purpose: 'other', note: 'Briefing for our compliance board' })).text())
    expect(figure(rows, 'Purpose of this export')?.[2]).toBe('Other (describe it below) — Briefing for our compliance board')
  })

  test('a plain visit to an export address leads to the page that asks for it', async () => {
    const client = await signedInClient(scenario.partners.A.user)
    const visit = await call(() => tasksCsv.loader(routeArgs(get(`/initiatives/${initiativeId}/tasks.csv`, client), { initiativeId })))
    expect(visit instanceof Response && visit.status).toBe(302)
    expect(visit instanceof Response && visit.headers.get('location')).toBe(`/initiatives/${initiativeId}/export?kind=tasks`)

    const text = await renderRoute({
      path: `/initiatives/${initiativeId}/export?kind=reports`,
      pattern: 'initiatives/:initiativeId/export',
      loader: exportPageLoader,
      Component: ExportPage,
      client,
    })
    expect(text).toContain('Export the initiative\'s data')
    expect(text).toContain('Card payment disruption CSV')
    expect(text).toContain('TLP:AMBER')
    expect(text).toContain('Purpose of the export')
    expect(text).toContain('Follow-up with partner organisations')
    expect(text).toContain('Download reports.csv')
  })
})

function parseCsvOf(text: string) {
  return { rows: parseCsv(text) }
}
