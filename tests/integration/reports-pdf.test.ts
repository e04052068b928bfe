import mongoose from 'mongoose'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { addStatusUpdate, createInitiative, inviteParticipants, loadInitiative, respondToInvitation, updateInitiative } from '~/initiatives/initiatives.server'
import { initiativeProgress } from '~/initiatives/progress.server'
import ExportPage, { loader as exportPageLoader } from '~/routes/initiatives_.$initiativeId_.export'
import * as reportPdf from '~/routes/initiatives_.$initiativeId_.report[.]pdf'
import { createTasks } from '~/tasks/tasks.server'
import { call, get, post, routeArgs, signedInClient } from '../support/requests'
import { buildReferenceScenario, DUE, renderRoute, START, type Member, type ReferenceScenario } from './reports-support'

let scenario: ReferenceScenario
let initiativeId: string
/** A GREEN initiative with many overdue tasks: a report of several pages. */
let longId: string
const LONG_TASKS = 40

beforeAll(async () => {
  scenario = await buildReferenceScenario('PDF')
  initiativeId = scenario.initiativeId
  const { centre, partners } = scenario
  longId = await createInitiative(centre.viewer, {
    title: 'Hosting sweep of the storefront network PDF',
    purpose: 'Take the storefronts off their hosting; data used for this sweep only.',
    status: 'active',
    tlp: 'GREEN',
    startAt: START,
    targetAt: new Date(DUE.getTime() + 60 * 24 * 60 * 60 * 1000),
    objectives: [{ actionType: 'content_removed', target: 100 }],
    milestones: [
      { title: 'Every host notified', dueAt: DUE },
      { title: 'Final review with the hosts', dueAt: new Date('2030-06-01T09:00:00Z') },
    ],
  })
  await inviteParticipants(centre.viewer, longId, [partners.I.viewer.organisationId])
  await respondToInvitation(partners.I.viewer, longId, true)
  for (let i = 1; i <= LONG_TASKS; i++) {
    await createTasks(centre.viewer, { title: `Long task ${i} remove the storefront mirror`, assigneeOrganisationIds: [partners.I.viewer.organisationId], dueAt: DUE, initiativeId: longId })
  }
  await addStatusUpdate(centre.viewer, longId, { text: 'The ISP has not acknowledged any task; we escalate this week.', health: 'off_track' })
})

afterAll(() => {
  vi.useRealTimers()
})

function auditEvents(filter: Record<string, unknown>) {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  return db.collection('auditevents').find(filter).toArray()
}

async function exportPdf(
  who: Member,
  fields: Record<string, string> = { purpose: 'progress_review' },
  { csrf = true, language, id = initiativeId }: { csrf?: boolean; language?: string; id?: string } = {},
) {
  const request = post(`/initiatives/${id}/report.pdf`, await signedInClient(who.user), fields, { csrf })
  if (language) request.headers.set('accept-language', language)
  const response = await call(() => reportPdf.action(routeArgs(request, { initiativeId: id })))
  if (!(response instanceof Response)) throw new Error('an export answers with a response')
  return response
}

/** The text of each page, line by line (text runs on one baseline, left to right), and the metadata. */
async function readPdf(bytes: Uint8Array) {
  // The reader takes the buffer over: give it a copy.
  const pdf = await getDocument({ data: bytes.slice(), verbosity: 0, isEvalSupported: false, useSystemFonts: false }).promise
  try {
    const pages: string[][] = []
    for (let number = 1; number <= pdf.numPages; number++) {
      const content = await (await pdf.getPage(number)).getTextContent()
      const lines = new Map<number, { x: number; text: string }[]>()
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue
        const y = Math.round(Number(item.transform[5]))
        lines.set(y, [...(lines.get(y) ?? []), { x: Number(item.transform[4]), text: item.str.trim() }])
      }
      pages.push(
        [...lines.entries()]
          .sort(([a], [b]) => b - a)
          .map(([, runs]) =>
            runs
              .sort((a, b) => a.x - b.x)
              .map((run) => run.text)
              .join(' '),
          ),
      )
    }
    const { info } = await pdf.getMetadata()
    // `text` runs the lines together, so that a sentence wrapped over two lines is found whole.
    return { pages, lines: pages.flat(), text: pages.flat().join(' '), info }
  } finally {
    await pdf.destroy()
  }
}

async function pdfOf(who: Member, options: { language?: string; id?: string; fields?: Record<string, string> } = {}) {
  const response = await exportPdf(who, options.fields, { language: options.language, id: options.id })
  expect(response.status).toBe(200)
  const bytes = new Uint8Array(await response.arrayBuffer())
  return { response, bytes, ...(await readPdf(bytes)) }
}

async function progressOf(id: string) {
  const { initiative } = await loadInitiative(scenario.centre.viewer, id)
  return initiativeProgress(initiative)
}

const lineWith = (lines: string[], ...parts: string[]) => lines.filter((line) => parts.every((part) => line.includes(part)))

describe('the PDF progress report', () => {
  test('is an A4 PDF download, labelled and titled in its metadata', async () => {
    const { response, bytes, info } = await pdfOf(scenario.centre)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="initiative-${initiativeId}-report-2030-04-16.pdf"`)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
    expect(info).toMatchObject({ Title: 'Progress report: Card payment disruption PDF', Keywords: 'TLP:AMBER' })
    expect(info).toHaveProperty('Subject', expect.stringContaining('TLP:AMBER'))
    // Readable without decompressing anything, for tools that only scan the file.
    expect(Buffer.from(bytes).toString('latin1')).toContain('TLP:AMBER')
    const pdf = await getDocument({ data: bytes.slice(), verbosity: 0 }).promise
    const [width, height] = (await pdf.getPage(1)).view.slice(2)
    await pdf.destroy()
    expect([Math.round(width ?? 0), Math.round(height ?? 0)]).toEqual([595, 842])
  })

  test('gives the figures exactly as the progress module computes them', async () => {
    const computed = await progressOf(initiativeId)
    expect(computed.completion).toMatchObject({ percent: 70, done: 7, total: 10 })
    const { lines, text } = await pdfOf(scenario.centre)

    expect(text).toContain('Card payment disruption PDF')
    expect(text).toContain('Cut card acceptance of the storefront network; data used for this disruption only.')
    expect(lineWith(lines, 'Lead centre', 'Centre PDF')).toHaveLength(1)
    expect(lineWith(lines, 'Status', 'Active')).not.toEqual([])
    expect(lineWith(lines, 'Purpose of this report', 'Progress review of the initiative')).toHaveLength(1)
    expect(lineWith(lines, 'Generated for', `${scenario.centre.viewer.name}, Centre PDF`)).toHaveLength(1)

    expect(text).toContain(`Completion: ${computed.completion.percent}% (7 of 10 tasks done)`)
    expect(text).toContain('Rule: Completion counts verified, closed and not-applicable tasks over all tasks except cancelled ones.')
    expect(text).toContain('1 task was closed as not applicable.')
    expect(text).not.toContain('Counting not-applicable tasks as done')

    // No status update yet: the health shown is the suggestion, marked as such.
    const health = { on_track: 'On track', at_risk: 'At risk', off_track: 'Off track' }[computed.suggestedHealth]
    expect(lineWith(lines, 'Current health', `${health} (suggested)`)).toHaveLength(1)
    expect(text).toContain('no status update has stated the health yet')

    const kpi = computed.kpis[0]
    expect(kpi).toMatchObject({ actionType: 'merchant_terminated', achieved: 3, target: 20, percent: 15 })
    expect(lines).toContain('Merchant terminated 3 20 15%')

    for (const partner of computed.partners) {
      expect(lineWith(lines, `${partner.name} ${partner.assigned} ${partner.acknowledged} ${partner.done} ${partner.overdue}`)).toHaveLength(1)
    }
    expect(lineWith(lines, 'Scheme M PDF 2 1 1 1')).toHaveLength(1)
    // A closed one task as not applicable without acknowledging it first.
    expect(lineWith(lines, 'Acquirer A PDF 3 2 3 0')).toHaveLength(1)

    expect(computed.overdue.map((task) => task.organisationName).sort()).toEqual(['Acquirer B PDF', 'ISP I PDF', 'Scheme M PDF'])
    expect(text).toContain('Overdue tasks (3)')
    const overdueRows = lines.filter((line) => / task \d PDF /.test(line) && line.includes(' day'))
    expect(overdueRows).toHaveLength(3)
    for (const [title, organisation] of [
      ['M task 2 PDF', 'Scheme M PDF'],
      ['B task 2 PDF', 'Acquirer B PDF'],
      ['I task 1 PDF', 'ISP I PDF'],
    ] as const) {
      expect(lineWith(overdueRows, title, organisation, '1 day')).toHaveLength(1)
    }
    // The lead centre sees each organisation's contact point next to its overdue task.
    const contact = computed.overdue.find((task) => task.organisationName === 'Scheme M PDF')?.contact
    expect(contact?.phone).toBeTruthy()
    expect(lineWith(lines, contact?.phone ?? '-')).toHaveLength(1)
    // Tasks that are not overdue are not listed.
    expect(text).not.toContain('V task 1 PDF')
    expect(text).toContain('No milestone set.')
    expect(text).toContain('No status update yet.')
  })

  test('shows 60 % under its rule when the lead excludes not-applicable tasks, then the default rule’s 70 %', async () => {
    const { initiative } = await loadInitiative(scenario.centre.viewer, initiativeId)
    await updateInitiative(initiative, { $set: { excludeNotApplicable: true } })
    try {
      const computed = await progressOf(initiativeId)
      expect(computed.completion).toMatchObject({ percent: 60, done: 6, total: 10, rule: 'excludeNotApplicable' })
      const { text } = await pdfOf(scenario.centre)
      expect(text).toContain('Completion: 60% (6 of 10 tasks done)')
      expect(text).toContain('not-applicable tasks count as not done')
      expect(text).toContain('Counting not-applicable tasks as done (the default rule), completion would be 70% (7 of 10).')
    } finally {
      const { initiative: changed } = await loadInitiative(scenario.centre.viewer, initiativeId)
      await updateInitiative(changed, { $set: { excludeNotApplicable: false } })
    }
  })

  test('prints the TLP label at the top and the bottom of every page of a long report, with page numbers', async () => {
    const computed = await progressOf(longId)
    expect(computed.overdue).toHaveLength(LONG_TASKS)
    const { pages, lines, text, bytes } = await pdfOf(scenario.centre, { id: longId })
    expect(pages.length).toBeGreaterThanOrEqual(2)
    pages.forEach((lines, index) => {
      // The header band (label, running title) opens the page; the footer band (label, page number) closes it.
      const top = lines.slice(0, 2)
      const bottom = lines.slice(-2)
      expect(top, `top of page ${index + 1}`).toContain('TLP:GREEN')
      expect(top.join(' ')).toContain('Progress report · Hosting sweep of the storefront network PDF')
      expect(bottom, `bottom of page ${index + 1}`).toContain('TLP:GREEN')
      expect(bottom.join(' ')).toContain(`Page ${index + 1} of ${pages.length}`)
    })
    expect(text).not.toContain('TLP:AMBER')
    for (let i = 1; i <= LONG_TASKS; i++) expect(lineWith(lines, `Long task ${i} remove the`, 'ISP I PDF', '1 day'), `task ${i}`).toHaveLength(1)
    expect(text).toContain(`Overdue tasks (${LONG_TASKS})`)
    // A stated health is no suggestion.
    expect(text).toContain('Off track')
    expect(text).not.toContain('(suggested)')
    expect(text).toContain('The ISP has not acknowledged any task; we escalate this week.')
    expect(text).toContain('Every host notified')
    expect(text).toContain('Final review with the hosts')
    expect(Buffer.from(bytes).toString('latin1')).toContain('TLP:GREEN')
  })

  test('names only the overdue tasks the reader may open, as the initiative page does', async () => {
    // The outsider observes the GREEN initiative but takes no part: its tasks are not shared with it.
    const { text, lines } = await pdfOf(scenario.outsider, { id: longId })
    expect(text).not.toContain('Long task')
    expect(lineWith(lines, 'A task not shared with', 'ISP I PDF', '1 day')).toHaveLength(LONG_TASKS)
    expect(text).toContain(`Overdue tasks (${LONG_TASKS})`)
    expect(lineWith(lines, 'Generated for', 'Outsider Bank PDF')).toHaveLength(1)
  })

  test("is written in the reader's language, Cyrillic included", async () => {
    const { text, lines, info } = await pdfOf(scenario.partners.A, { language: 'ru' })
    expect(text).toContain('Отчёт о ходе работ')
    expect(text).toContain('Выполнение: 70% (выполнено задач: 7 из 10)')
    expect(lines).toContain('Договор с продавцом расторгнут 3 20 15%')
    expect(text).toContain('Просроченные задачи (3)')
    expect(lineWith(lines, 'M task 2 PDF', 'Scheme M PDF', '1 день')).toHaveLength(1)
    expect(text).toContain('Страница 1 из')
    expect(text).toContain('TLP:AMBER')
    expect(info).toHaveProperty('Title', 'Отчёт о ходе работ: Card payment disruption PDF')

    const french = await pdfOf(scenario.partners.A, { language: 'fr-FR,fr;q=0.9' })
    expect(french.text).toContain('Rapport d’avancement')
    expect(french.text).toContain('Avancement : 70 % (7 tâches terminées sur 10)')
  })
})

describe('who may take the PDF report', () => {
  test('an organisation outside the AMBER initiative, or only invited to it, finds nothing', async () => {
    for (const who of [scenario.outsider, scenario.invited]) {
      expect((await exportPdf(who)).status).toBe(404)
      const client = await signedInClient(who.user)
      const visit = await call(() => reportPdf.loader(routeArgs(get(`/initiatives/${initiativeId}/report.pdf`, client), { initiativeId })))
      expect(visit instanceof Response && visit.status).toBe(404)
    }
    const anonymous = await call(() => reportPdf.loader(routeArgs(get(`/initiatives/${initiativeId}/report.pdf`), { initiativeId })))
    expect(anonymous instanceof Response && anonymous.status).toBe(302)
    expect(anonymous instanceof Response && anonymous.headers.get('location')).toMatch(/^\/login/)
    expect((await exportPdf(scenario.centre, undefined, { id: 'ffffffffffffffffffffffff' })).status).toBe(404)
    expect((await exportPdf(scenario.centre, undefined, { id: 'not-an-id' })).status).toBe(404)
  })

  test('without a purpose, or with a forged form, nothing is made or audited', async () => {
    const before = (await auditEvents({ action: 'initiative.exported' })).length
    const missing = await exportPdf(scenario.centre, {})
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('The export needs a purpose.')
    expect((await exportPdf(scenario.centre, { purpose: 'other', note: '' })).status).toBe(400)
    expect((await exportPdf(scenario.centre, { purpose: 'curiosity' })).status).toBe(400)
    expect((await exportPdf(scenario.centre, { purpose: 'progress_review' }, { csrf: false })).status).toBe(403)
    expect((await auditEvents({ action: 'initiative.exported' })).length).toBe(before)
  })

  test('is audited with kind pdf, its purpose and the TLP', async () => {
    const { response, text } = await pdfOf(scenario.partners.B, { fields: { purpose: 'other', note: 'Briefing for our compliance board' } })
    expect(text).toContain('Other (describe it below) — Briefing for our compliance board')
    const events = await auditEvents({ action: 'initiative.exported', actorUserId: scenario.partners.B.user.id })
    expect(events.at(-1)).toMatchObject({
      targetKind: 'initiative',
      targetId: initiativeId,
      outcome: 'success',
      details: { kind: 'pdf', purpose: 'other', purposeNote: 'Briefing for our compliance board', tlp: 'AMBER', rows: Number(response.headers.get('x-export-rows')) },
    })
  })

  test('a plain visit leads to the page that asks for the purpose, offering the PDF', async () => {
    const client = await signedInClient(scenario.partners.A.user)
    const visit = await call(() => reportPdf.loader(routeArgs(get(`/initiatives/${initiativeId}/report.pdf`, client), { initiativeId })))
    expect(visit instanceof Response && visit.status).toBe(302)
    expect(visit instanceof Response && visit.headers.get('location')).toBe(`/initiatives/${initiativeId}/export?kind=pdf`)
    const text = await renderRoute({
      path: `/initiatives/${initiativeId}/export?kind=pdf`,
      pattern: 'initiatives/:initiativeId/export',
      loader: exportPageLoader,
      Component: ExportPage,
      client,
    })
    expect(text).toContain('Progress report (PDF)')
    expect(text).toContain('Every page carries the initiative\'s TLP label.')
    expect(text).toContain('Download report.pdf')
    expect(text).toContain('Purpose of the export')
  })
})
