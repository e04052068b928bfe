import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import { exportableInitiative, recordExport, tlpText, type ExportRequest, type Translate } from './initiative-export.server'
import type { TlpLabel } from '~/domain/vocabulary'
import { initiativePageFor, type InitiativePageFull } from '~/initiatives/detail.server'
import { InitiativeError } from '~/initiatives/initiatives.server'
import type { Viewer } from '~/policy/permissions'
import type { RequestMeta } from '~/utils/request.server'

/**
 * The progress report of an initiative as an A4 PDF, in the reader's language. Every figure is the
 * initiative page's (which takes them unchanged from the progress module), and the reader sees in it
 * only what the page shows them: overdue tasks they may not open are listed without their title.
 * The initiative's TLP label is printed on every page, at the top and at the bottom.
 */

/** At most this many status updates are printed, the most recent first. */
export const PDF_UPDATES_SHOWN = 5

// ---------------------------------------------------------------------------------------------
// Fonts: DejaVu Sans covers Latin and Cyrillic; the PDF embeds the glyphs it uses.

const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const
type FontWeight = keyof typeof FONT_FILES

/** The font file, found from this module (vitest, the built server under build/) or from the working directory. */
function fontFile(file: string): string {
  try {
    return createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`)
  } catch {
    const fallback = path.resolve(process.cwd(), 'node_modules', 'dejavu-fonts-ttf', 'ttf', file)
    if (fs.existsSync(fallback)) return fallback
    throw new Error(`The report font ${file} (package dejavu-fonts-ttf) is not installed.`)
  }
}

let fontPaths: Record<FontWeight, string> | null = null
const fonts = () => (fontPaths ??= { regular: fontFile(FONT_FILES.regular), bold: fontFile(FONT_FILES.bold) })

// ---------------------------------------------------------------------------------------------
// Page geometry (points) and colours.

const MARGIN = { top: 72, bottom: 66, left: 48, right: 48 }
/** TLP 2.0: the label in its colour on a black background. */
const TLP_COLOURS: Record<TlpLabel, string> = {
  CLEAR: '#FFFFFF',
  GREEN: '#33FF00',
  AMBER: '#FFC000',
  'AMBER+STRICT': '#FFC000',
  RED: '#FF2B2B',
}
const INK = '#0f172a'
const MUTED = '#475569'
const RULE = '#cbd5e1'
const STRIPE = '#f1f5f9'
const OVERDUE = '#991b1b'

const SIZE = { title: 18, subtitle: 11, heading: 13, body: 9.5, table: 8.5, small: 7.5 }
const CELL_PADDING = 4

type Doc = PDFKit.PDFDocument

const contentWidth = (doc: Doc) => doc.page.width - MARGIN.left - MARGIN.right
const bottomOf = (doc: Doc) => doc.page.height - MARGIN.bottom

function style(doc: Doc, weight: FontWeight, size: number, colour = INK) {
  doc.font(fonts()[weight]).fontSize(size).fillColor(colour)
}

/** Starts a new page unless `height` points still fit on this one. */
function ensureSpace(doc: Doc, height: number) {
  if (doc.y + height > bottomOf(doc)) {
    doc.addPage()
    doc.y = MARGIN.top
  }
  doc.x = MARGIN.left
}

/** A line of text shortened with an ellipsis to fit `width`. */
function fitted(doc: Doc, text: string, width: number) {
  if (doc.widthOfString(text) <= width) return text
  let kept = text
  while (kept.length > 1 && doc.widthOfString(`${kept}…`) > width) kept = kept.slice(0, -1)
  return `${kept.trimEnd()}…`
}

function paragraph(doc: Doc, text: string, { weight = 'regular', size = SIZE.body, colour = INK, gap = 4 }: { weight?: FontWeight; size?: number; colour?: string; gap?: number } = {}) {
  style(doc, weight, size, colour)
  doc.x = MARGIN.left
  doc.text(text, MARGIN.left, doc.y, { width: contentWidth(doc) })
  doc.y += gap
}

function heading(doc: Doc, text: string) {
  ensureSpace(doc, 70)
  doc.y += 8
  style(doc, 'bold', SIZE.heading)
  doc.text(text, MARGIN.left, doc.y, { width: contentWidth(doc) })
  const y = doc.y + 2
  doc.moveTo(MARGIN.left, y).lineTo(MARGIN.left + contentWidth(doc), y).lineWidth(0.5).strokeColor(RULE).stroke()
  doc.y = y + 6
}

type Cell = string | { text: string; colour?: string; weight?: FontWeight }
type Column = { header: string; width: number; align?: 'left' | 'right' }

const cellText = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text)

/**
 * A table that breaks between rows: a row that does not fit goes to the next page, under the
 * column headings again. Widths are shares of the content width.
 */
function table(doc: Doc, columns: Column[], rows: Cell[][]) {
  const total = columns.reduce((sum, column) => sum + column.width, 0)
  const widths = columns.map((column) => (column.width / total) * contentWidth(doc))
  const lefts = widths.map((_, index) => MARGIN.left + widths.slice(0, index).reduce((sum, w) => sum + w, 0))
  const sizeOf = (head: boolean) => (head ? SIZE.small : SIZE.table)
  const heightOf = (cells: Cell[], weight: FontWeight, head = false) => {
    style(doc, weight, sizeOf(head))
    return Math.max(...cells.map((cell, index) => doc.heightOfString(cellText(cell) || ' ', { width: (widths[index] ?? 0) - 2 * CELL_PADDING }))) + 2 * CELL_PADDING
  }
  const draw = (cells: Cell[], y: number, height: number, { head = false, stripe = false } = {}) => {
    if (head || stripe) doc.rect(MARGIN.left, y, contentWidth(doc), height).fill(head ? '#e2e8f0' : STRIPE)
    cells.forEach((cell, index) => {
      const weight = head ? 'bold' : typeof cell === 'string' ? 'regular' : (cell.weight ?? 'regular')
      style(doc, weight, sizeOf(head), typeof cell === 'string' || head ? INK : (cell.colour ?? INK))
      doc.text(cellText(cell), (lefts[index] ?? 0) + CELL_PADDING, y + CELL_PADDING, {
        width: (widths[index] ?? 0) - 2 * CELL_PADDING,
        align: columns[index]?.align ?? 'left',
      })
    })
    doc.moveTo(MARGIN.left, y + height).lineTo(MARGIN.left + contentWidth(doc), y + height).lineWidth(0.4).strokeColor(RULE).stroke()
  }
  const headers = columns.map((column) => column.header)
  const headHeight = heightOf(headers, 'bold', true)
  let y = doc.y
  const startPage = () => {
    draw(headers, y, headHeight, { head: true })
    y += headHeight
  }
  if (y + headHeight + (rows[0] ? heightOf(rows[0], 'regular') : 0) > bottomOf(doc)) {
    doc.addPage()
    y = MARGIN.top
  }
  startPage()
  rows.forEach((row, index) => {
    const height = heightOf(row, 'regular')
    if (y + height > bottomOf(doc)) {
      doc.addPage()
      y = MARGIN.top
      startPage()
    }
    draw(row, y, height, { stripe: index % 2 === 1 })
    y += height
  })
  doc.x = MARGIN.left
  doc.y = y + 6
}

/** Label and value pairs, the label in a narrow first column. */
function facts(doc: Doc, pairs: [string, string][]) {
  const labelWidth = 150
  const valueWidth = contentWidth(doc) - labelWidth
  for (const [label, value] of pairs) {
    style(doc, 'regular', SIZE.body)
    const height = Math.max(doc.heightOfString(value || ' ', { width: valueWidth }), doc.heightOfString(label, { width: labelWidth - 8 })) + 4
    ensureSpace(doc, height)
    const y = doc.y
    style(doc, 'bold', SIZE.body, MUTED)
    doc.text(label, MARGIN.left, y, { width: labelWidth - 8 })
    style(doc, 'regular', SIZE.body)
    doc.text(value, MARGIN.left + labelWidth, y, { width: valueWidth })
    doc.x = MARGIN.left
    doc.y = y + height
  }
}

/** The initiative's purpose, boxed as on its page: its data may be used for this only. */
function purposeBox(doc: Doc, title: string, purpose: string) {
  const inner = contentWidth(doc) - 2 * 8
  style(doc, 'bold', SIZE.small)
  const titleHeight = doc.heightOfString(title, { width: inner })
  style(doc, 'regular', SIZE.body)
  const height = titleHeight + 3 + doc.heightOfString(purpose, { width: inner }) + 2 * 8
  ensureSpace(doc, height)
  const y = doc.y
  doc.rect(MARGIN.left, y, contentWidth(doc), height).lineWidth(1.2).fillAndStroke('#fffbeb', '#fcd34d')
  style(doc, 'bold', SIZE.small, '#78350f')
  doc.text(title, MARGIN.left + 8, y + 8, { width: inner })
  style(doc, 'regular', SIZE.body)
  doc.text(purpose, MARGIN.left + 8, y + 8 + titleHeight + 3, { width: inner })
  doc.x = MARGIN.left
  doc.y = y + height + 10
}

/** The TLP label, in its colour on black, in a box at (x, y); returns the box's width. */
function tlpBox(doc: Doc, tlp: TlpLabel, x: number, y: number) {
  style(doc, 'bold', 10, TLP_COLOURS[tlp])
  const label = tlpText(tlp)
  const width = doc.widthOfString(label) + 14
  doc.rect(x, y, width, 18).fill('#000000')
  style(doc, 'bold', 10, TLP_COLOURS[tlp])
  doc.text(label, x + 7, y + 4, { lineBreak: false })
  return width
}

/** The header and footer of every page, drawn once the number of pages is known. */
function stampPages(doc: Doc, { tlp, running, generated, pageText }: { tlp: TlpLabel; running: string; generated: string; pageText: (page: number, pages: number) => string }) {
  const { start, count } = doc.bufferedPageRange()
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index)
    const margins = { ...doc.page.margins }
    // Header and footer sit in the margins: let the text go there without starting a new page.
    doc.page.margins = { ...margins, top: 0, bottom: 0 }
    const width = contentWidth(doc)
    const right = MARGIN.left + width

    const headerY = 26
    const boxWidth = tlpBox(doc, tlp, MARGIN.left, headerY)
    style(doc, 'regular', SIZE.small, MUTED)
    const runningWidth = width - boxWidth - 12
    doc.text(fitted(doc, running, runningWidth), MARGIN.left + boxWidth + 12, headerY + 5, { width: runningWidth, align: 'right', lineBreak: false })
    doc.moveTo(MARGIN.left, headerY + 26).lineTo(right, headerY + 26).lineWidth(0.5).strokeColor(RULE).stroke()

    const footerY = doc.page.height - 46
    doc.moveTo(MARGIN.left, footerY - 8).lineTo(right, footerY - 8).lineWidth(0.5).strokeColor(RULE).stroke()
    const footerBox = tlpBox(doc, tlp, MARGIN.left, footerY)
    style(doc, 'regular', SIZE.small, MUTED)
    const pageLabel = pageText(index - start + 1, count)
    const pageWidth = doc.widthOfString(pageLabel) + 2
    doc.text(pageLabel, right - pageWidth, footerY + 5, { width: pageWidth, align: 'right', lineBreak: false })
    const middleWidth = width - footerBox - pageWidth - 24
    doc.text(fitted(doc, generated, middleWidth), MARGIN.left + footerBox + 12, footerY + 5, { width: middleWidth, lineBreak: false })

    doc.page.margins = margins
  }
}

// ---------------------------------------------------------------------------------------------
// Formats in the reader's language.

function formatsFor(language: string, t: Translate) {
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' })
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 })
  return {
    date: (iso: string | null | undefined) => (iso ? date.format(new Date(iso)) : t('pdf.format.none')),
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    number: (value: number) => number.format(value),
    percent: (value: number) => t('pdf.format.percent', { value: number.format(value) }),
    /** Hours as "5 h", "3 d 4 h", as the initiative page shows them. */
    duration: (hours: number | null) => {
      if (hours === null) return t('pdf.format.none')
      if (hours < 1) return t('pdf.format.underAnHour')
      if (hours < 48) return t('pdf.format.hours', { value: number.format(Math.round(hours)) })
      const days = Math.floor(hours / 24)
      const rest = Math.round(hours - days * 24)
      return rest === 0 || rest === 24
        ? t('pdf.format.days', { value: number.format(rest === 24 ? days + 1 : days) })
        : t('pdf.format.daysHours', { days: number.format(days), hours: number.format(rest) })
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The report.

type ReportInput = { page: InitiativePageFull; viewer: Viewer; request: ExportRequest; t: Translate; language: string; now: Date }

/** Writes the report's content; returns how many table rows and listed entries it holds. */
function writeReport(doc: Doc, { page, viewer, request, t, language, now }: ReportInput) {
  const format = formatsFor(language, t)
  const { initiative } = page
  let entries = 0

  style(doc, 'bold', SIZE.title)
  doc.text(initiative.title, MARGIN.left, MARGIN.top, { width: contentWidth(doc) })
  doc.y += 2
  paragraph(doc, t('pdf.heading'), { size: SIZE.subtitle, colour: MUTED, gap: 8 })
  paragraph(doc, t(`tlpExplain.${initiative.tlp}`), { weight: 'bold', size: SIZE.body, gap: 10 })
  purposeBox(doc, t('pdf.purposeHeading'), initiative.purpose)

  const latest = page.updates[0]
  const health = page.health.suggested
    ? `${t(`pdf.health.${page.health.value}`)} ${t('pdf.health.suggestedMarker')}\n${t('pdf.health.suggestedExplain')}`
    : `${t(`pdf.health.${page.health.value}`)}\n${t('pdf.health.stated', { date: format.date(latest?.at) })}`
  const leadCentre = initiative.leadCentre.countryName ? `${initiative.leadCentre.name} (${initiative.leadCentre.countryName})` : initiative.leadCentre.name
  const exportPurpose = [t(`purpose.options.${request.purpose}`), request.note].filter(Boolean).join(' — ')
  facts(doc, [
    [t('pdf.facts.leadCentre'), leadCentre],
    [t('pdf.facts.status'), t(`pdf.status.${initiative.status}`)],
    [t('pdf.facts.dates'), t('pdf.facts.dateRange', { start: format.date(initiative.startAt), target: format.date(initiative.targetAt) })],
    [t('pdf.facts.health'), health],
    [t('pdf.facts.participants'), page.participants.length ? page.participants.map((p) => p.name).join(', ') : t('pdf.facts.noParticipants')],
    [t('pdf.facts.exportPurpose'), exportPurpose],
    [t('pdf.facts.generated'), t('pdf.facts.generatedAt', { when: format.dateTime(now.toISOString()) })],
    [t('pdf.facts.reader'), t('pdf.facts.readerValue', { name: viewer.name, organisation: viewer.organisationName })],
  ])

  heading(doc, t('pdf.progress.heading'))
  paragraph(doc, t('pdf.progress.computedAt', { when: format.dateTime(page.computedAt) }), { size: SIZE.small, colour: MUTED })
  const completion = page.completion
  paragraph(doc, t('pdf.progress.completion', { percent: format.percent(completion.percent), done: completion.done, total: completion.total }), {
    weight: 'bold',
    size: 12,
  })
  paragraph(doc, t('pdf.progress.rule', { rule: t(`rule.${completion.rule}`) }))
  if (completion.notApplicable > 0) paragraph(doc, t('pdf.progress.notApplicable', { count: completion.notApplicable }), { colour: MUTED })
  const alternative = page.alternativeCompletion
  if (alternative) {
    paragraph(doc, t('pdf.progress.alternative', { percent: format.percent(alternative.percent), done: alternative.done, total: alternative.total }))
  }

  ensureSpace(doc, 60)
  doc.y += 4
  paragraph(doc, t('pdf.kpis.heading'), { weight: 'bold', size: 10.5 })
  if (page.kpis.length === 0) paragraph(doc, t('pdf.kpis.empty'), { colour: MUTED })
  else {
    table(
      doc,
      [
        { header: t('pdf.kpis.type'), width: 4 },
        { header: t('pdf.kpis.achieved'), width: 1.6, align: 'right' },
        { header: t('pdf.kpis.target'), width: 1.6, align: 'right' },
        { header: t('pdf.kpis.percent'), width: 1.6, align: 'right' },
      ],
      page.kpis.map((kpi) => [t(`task:actionTypes.${kpi.actionType}`), format.number(kpi.achieved), format.number(kpi.target), format.percent(kpi.percent)]),
    )
    entries += page.kpis.length
    paragraph(doc, t('pdf.kpis.rule'), { size: SIZE.small, colour: MUTED })
  }

  heading(doc, t('pdf.partners.heading'))
  if (page.partners.length === 0) paragraph(doc, t('pdf.partners.empty'), { colour: MUTED })
  else {
    table(
      doc,
      [
        { header: t('pdf.partners.organisation'), width: 2.1 },
        { header: t('pdf.partners.assigned'), width: 1.3, align: 'right' },
        { header: t('pdf.partners.acknowledged'), width: 1.6, align: 'right' },
        { header: t('pdf.partners.done'), width: 1.4, align: 'right' },
        { header: t('pdf.partners.overdue'), width: 1.4, align: 'right' },
        { header: t('pdf.partners.toAcknowledge'), width: 1.6, align: 'right' },
        { header: t('pdf.partners.toVerified'), width: 1.6, align: 'right' },
      ],
      page.partners.map((row) => [
        `${row.name}\n${t(`common:kinds.${row.kind}`)}`,
        format.number(row.assigned),
        format.number(row.acknowledged),
        format.number(row.done),
        row.overdue > 0 ? { text: format.number(row.overdue), colour: OVERDUE, weight: 'bold' } : format.number(row.overdue),
        format.duration(row.medianHoursToAcknowledge),
        format.duration(row.medianHoursToVerified),
      ]),
    )
    entries += page.partners.length
    paragraph(doc, t('pdf.partners.note'), { size: SIZE.small, colour: MUTED })
  }

  heading(doc, t('pdf.overdue.heading', { count: page.overdue.length }))
  paragraph(doc, t('pdf.overdue.intro'), { size: SIZE.small, colour: MUTED })
  if (page.overdue.length === 0) paragraph(doc, t('pdf.overdue.empty'), { colour: MUTED })
  else {
    table(
      doc,
      [
        { header: t('pdf.overdue.task'), width: 3 },
        { header: t('pdf.overdue.organisation'), width: 2 },
        { header: t('pdf.overdue.due'), width: 1.4 },
        { header: t('pdf.overdue.late'), width: 1.3 },
        { header: t('pdf.overdue.contact'), width: 3.6 },
      ],
      page.overdue.map((row) => [
        row.title ?? { text: t('pdf.overdue.notShared'), colour: MUTED },
        row.organisationName,
        format.date(row.dueAt),
        { text: t('pdf.overdue.days', { count: row.daysOverdue }), colour: OVERDUE, weight: 'bold' },
        row.contact ? [row.contact.name, row.contact.email, row.contact.phone].filter(Boolean).join('\n') || t('pdf.format.none') : t('pdf.format.none'),
      ]),
    )
    entries += page.overdue.length
    if (page.overdue.some((row) => !row.contact)) paragraph(doc, t('pdf.overdue.contactsHidden'), { size: SIZE.small, colour: MUTED })
  }

  heading(doc, t('pdf.milestones.heading'))
  if (page.milestones.length === 0) paragraph(doc, t('pdf.milestones.empty'), { colour: MUTED })
  else {
    table(
      doc,
      [
        { header: t('pdf.milestones.title'), width: 5 },
        { header: t('pdf.milestones.due'), width: 1.8 },
        { header: t('pdf.milestones.state'), width: 2.2 },
      ],
      page.milestones.map((milestone) => [
        milestone.title,
        format.date(milestone.dueAt),
        milestone.state === 'done'
          ? t('pdf.milestones.doneOn', { date: format.date(milestone.doneAt) })
          : milestone.state === 'overdue'
            ? { text: t('pdf.milestones.overdue'), colour: OVERDUE, weight: 'bold' }
            : t('pdf.milestones.upcoming'),
      ]),
    )
    entries += page.milestones.length
  }

  heading(doc, t('pdf.updates.heading'))
  if (page.updates.length === 0) paragraph(doc, t('pdf.updates.empty'), { colour: MUTED })
  const shown = page.updates.slice(0, PDF_UPDATES_SHOWN)
  for (const update of shown) {
    ensureSpace(doc, 40)
    const by = [format.dateTime(update.at), update.authorName, t(`pdf.health.${update.health}`)].filter(Boolean).join(' · ')
    paragraph(doc, by, { weight: 'bold', size: SIZE.body, gap: 1 })
    paragraph(doc, update.text, { gap: 8 })
  }
  entries += shown.length
  if (page.updates.length > shown.length) paragraph(doc, t('pdf.updates.more', { shown: shown.length, total: page.updates.length }), { size: SIZE.small, colour: MUTED })

  return entries
}

export type InitiativePdf = { filename: string; pages: number; rows: number; body: Buffer }

/** Renders the document into memory (a report is a few pages: no need to stream it). */
function renderPdf(input: ReportInput, title: string): Promise<{ body: Buffer; pages: number; rows: number }> {
  const { page, t, language, now, viewer } = input
  const tlp = page.initiative.tlp
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    font: fonts().regular,
    lang: language,
    displayTitle: true,
    info: {
      Title: title,
      Subject: `${tlpText(tlp)} — ${t('pdf.subject')}`,
      // Plain ASCII, so the label is readable in the file without decompressing anything.
      Keywords: tlpText(tlp),
      Author: viewer.organisationName,
      Creator: t('pdf.creator'),
      CreationDate: now,
      ModDate: now,
    },
  })
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const rows = writeReport(doc, input)
  const pages = doc.bufferedPageRange().count
  const format = formatsFor(language, t)
  stampPages(doc, {
    tlp,
    running: t('pdf.running', { initiative: page.initiative.title }),
    generated: t('pdf.generated', { when: format.dateTime(now.toISOString()), organisation: viewer.organisationName }),
    pageText: (number, total) => t('pdf.page', { page: number, pages: total }),
  })
  doc.end()
  return done.then((body) => ({ body, pages, rows }))
}

/**
 * The PDF progress report of an initiative the viewer may export, in their language, audited with its
 * purpose once it is made (kind `pdf`, with the number of entries it lists as its rows).
 */
export async function exportInitiativePdf({
  viewer,
  initiativeId,
  request,
  t,
  language,
  meta,
  now = new Date(),
}: {
  viewer: Viewer
  initiativeId: string
  request: ExportRequest
  t: Translate
  language: string
  meta?: RequestMeta
  now?: Date
}): Promise<InitiativePdf> {
  const { initiative } = await exportableInitiative(viewer, initiativeId)
  const page = await initiativePageFor(viewer, initiativeId, language, now)
  if (page.side === 'invited') throw new InitiativeError('notFound')
  const { body, pages, rows } = await renderPdf({ page, viewer, request, t, language, now }, t('pdf.documentTitle', { initiative: page.initiative.title }))
  await recordExport(viewer, initiative, { kind: 'pdf', rows, purpose: request.purpose, note: request.note, meta })
  return { filename: `initiative-${String(initiative._id)}-report-${now.toISOString().slice(0, 10)}.pdf`, pages, rows, body }
}
