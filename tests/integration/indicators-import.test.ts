import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, test } from 'vitest'
import { importIndicatorsCsv, MAX_IMPORT_ROWS } from '~/indicators/import.server'
import ImportPage, { action as importAction, loader as importLoader } from '~/routes/indicators.import'
import { action as reportAction } from '~/routes/indicators.import_.report'
import { loader as exampleLoader } from '~/routes/indicators.import_.example[.]csv'
import { call, get, routeArgs } from '../support/requests'
import {
  auditEvents,
  badRow,
  bytesOf,
  CARD_NUMBER,
  collection,
  csvText,
  forbiddenFiles,
  goodRow,
  idOf,
  IMPORT_HEADER,
  member,
  outcome,
  rawKeys,
  renderRoute,
  unique,
  uploadRequest,
} from './indicators-io-support'

type Member = Awaited<ReturnType<typeof member>>
let partner: Member
let other: Member

beforeAll(async () => {
  partner = await member({ kind: 'payment_service' })
  other = await member({ kind: 'isp' })
})

/** N good and M bad lines, shuffled deterministically; the expected rejections by line number. */
function mixedFile(good: number, bad: number) {
  const tag = unique('mix')
  const entries: { row: string[]; expected?: { column: string; reason: string } }[] = [
    ...Array.from({ length: good }, (_, i) => ({ row: goodRow(i, tag) })),
    ...Array.from({ length: bad }, (_, i) => {
      const { row, column, reason } = badRow(i, tag)
      return { row, expected: { column, reason } }
    }),
  ]
  // A fixed permutation, so that rejected lines are spread through the file.
  const rows = entries.map((entry, index) => ({ entry, key: (index * 7919) % entries.length })).sort((a, b) => a.key - b.key).map(({ entry }) => entry)
  const expected = rows.flatMap((entry, index) => (entry.expected ? [{ line: index + 2, field: entry.expected.column, reason: entry.expected.reason }] : []))
  return { text: csvText(rows.map((entry) => entry.row)), expected, goodRows: rows.filter((entry) => !entry.expected).map((entry) => entry.row) }
}

describe('importing a CSV file', () => {
  test('N good and M bad lines: N stored, exactly the M bad lines reported with line and reason; importing again adds nothing', async () => {
    const { text, expected, goodRows } = mixedFile(240, 40)
    const first = await importIndicatorsCsv(partner.viewer, bytesOf(text))
    if (!first.ok) throw new Error(`refused: ${first.refusal}`)
    expect(first).toMatchObject({ rows: 280, created: 240, attached: 0, unchanged: 0 })
    expect(first.rejected).toEqual(expected)
    expect(new Set(first.rejected.map((entry) => entry.reason)).size).toBe(8)

    const ids = goodRows.map(([type = '', value = '']) => idOf(type, value))
    expect(await collection('indicators').countDocuments({ _id: { $in: ids as never[] } })).toBe(240)
    expect(await collection('indicatorsubmissions').countDocuments({ _id: { $in: ids.map((id) => `${id}:${partner.organisation.id}`) as never[] } })).toBe(240)
    // The first line of the fixture: a domain with every column given.
    const domainRow = goodRows.find((row) => row[0] === 'domain')!
    expect(await collection('indicatorsubmissions').findOne({ _id: `${idOf('domain', domainRow[1]!)}:${partner.organisation.id}` as never })).toMatchObject({
      tlp: 'AMBER',
      reliability: 'B',
      credibility: '2',
      personal: false,
      firstSeenAt: new Date('2025-01-10T00:00:00Z'),
      lastSeenAt: new Date('2025-02-01T00:00:00Z'),
    })

    const again = await importIndicatorsCsv(partner.viewer, bytesOf(text))
    expect(again).toMatchObject({ ok: true, rows: 280, created: 0, attached: 0, unchanged: 240 })
    if (again.ok) expect(again.rejected).toEqual(expected)
    expect(await collection('indicators').countDocuments({ _id: { $in: ids as never[] } })).toBe(240)
  })

  test('another organisation importing the same file attaches to the same indicators', async () => {
    const { text } = mixedFile(30, 0)
    await importIndicatorsCsv(partner.viewer, bytesOf(text))
    expect(await importIndicatorsCsv(other.viewer, bytesOf(text))).toMatchObject({ ok: true, created: 0, attached: 30, unchanged: 0 })
  })

  test('columns in any order, only type and value required; a byte-order mark and defanged values are fine', async () => {
    const domain = `${unique('order')}.example.com`
    const text = `\uFEFFvalue,TYPE\r\n${domain.replace(/\./g, '[.]')},domain\r\n`
    expect(await importIndicatorsCsv(partner.viewer, bytesOf(text))).toMatchObject({ ok: true, rows: 1, created: 1, rejected: [] })
    expect(await collection('indicatorsubmissions').findOne({ _id: `${idOf('domain', domain)}:${partner.organisation.id}` as never })).toMatchObject({
      reliability: 'C',
      credibility: '3',
      tlp: 'AMBER',
    })
  })

  test('a line with a Luhn-valid card number in any cell is rejected and nothing of it is stored', async () => {
    const domain = `${unique('card')}.example.com`
    const text = csvText([
      ['domain', domain, '', '', '', '', '', '', `card ${CARD_NUMBER}`, '', ''],
      ['merchant_descriptor', `SHOP*${CARD_NUMBER.replace(/ /g, '')}`, '', '', '', '', '', '', '', '', ''],
      ['domain', `${unique('fine')}.example.com`, '', '', '', '', '', '', 'last four 1111', '', ''],
    ])
    const result = await importIndicatorsCsv(partner.viewer, bytesOf(text))
    expect(result).toMatchObject({
      ok: true,
      created: 1,
      rejected: [
        { line: 2, field: 'context', reason: 'cardNumber' },
        { line: 3, field: 'value', reason: 'cardNumber' },
      ],
    })
    expect(await collection('indicators').countDocuments({ _id: idOf('domain', domain) as never })).toBe(0)
  })

  test('lines that are not CSV (a stray quote) or have the wrong number of columns are reported, the rest stored', async () => {
    const a = `${unique('a')}.example.com`
    const b = `${unique('b')}.example.com`
    const text = `type,value,tlp\r\ndomain,${a},GREEN\r\ndomain,x"y.example.com",AMBER\r\ndomain,${b}\r\n`
    const result = await importIndicatorsCsv(partner.viewer, bytesOf(text))
    expect(result).toMatchObject({ ok: true, created: 1, rows: 3 })
    if (result.ok) expect(result.rejected.map((entry) => [entry.line, entry.field, entry.reason])).toEqual([
      [3, 'row', 'malformed'],
      [4, 'row', 'columnCount'],
    ])
  })
})

describe('files that are refused whole', () => {
  const refusalOf = async (bytes: Uint8Array) => {
    const result = await importIndicatorsCsv(partner.viewer, bytes)
    return result.ok ? 'accepted' : result.refusal
  }

  test('images, video, archives and PDF are refused by content, whatever their name', async () => {
    expect(await refusalOf(forbiddenFiles.png)).toBe('image')
    expect(await refusalOf(forbiddenFiles.jpeg)).toBe('image')
    expect(await refusalOf(forbiddenFiles.zip)).toBe('archive')
    expect(await refusalOf(forbiddenFiles.gzip)).toBe('archive')
    expect(await refusalOf(forbiddenFiles.pdf)).toBe('pdf')
    expect(await refusalOf(forbiddenFiles.mp4)).toBe('video')
  })

  test('embedded files are refused: a data: URI cell, a long base64 cell, SVG markup', async () => {
    const blob = Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 37) % 256)).toString('base64')
    expect(await refusalOf(bytesOf(csvText([['url', 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==', '', '', '', '', '', '', '', '', '']])))).toBe('dataUri')
    expect(await refusalOf(bytesOf(csvText([['domain', `${unique('x')}.example.com`, '', '', '', '', '', '', blob, '', '']])))).toBe('base64')
    expect(await refusalOf(bytesOf(csvText([['domain', `${unique('x')}.example.com`, '', '', '', '', '', '', '<svg onload=x>', '', '']])))).toBe('markup')
    // A 64-character hash is not a blob.
    expect(await refusalOf(bytesOf(csvText([goodRow(4)])))).toBe('accepted')
  })

  test('binary and UTF-16 text are refused; so are a wrong header, an empty file and too many rows', async () => {
    expect(await refusalOf(Uint8Array.from([...bytesOf('type,value\n'), 0x00, 0x01, 0x02]))).toBe('binary')
    expect(await refusalOf(Uint8Array.from([...bytesOf('type,value\ndomain,caf'), 0xe9, 0x0a]))).toBe('binary')
    expect(await refusalOf(Uint8Array.from([0xff, 0xfe, ...bytesOf('t\u0000y\u0000')]))).toBe('encoding')
    expect(await refusalOf(bytesOf('kind,indicator\ndomain,example.com\n'))).toBe('header')
    expect(await refusalOf(bytesOf('type,value,type\ndomain,example.com,domain\n'))).toBe('header')
    expect(await refusalOf(new Uint8Array())).toBe('empty')
    expect(await refusalOf(bytesOf('type,value\n'))).toBe('noRows')
    expect(await refusalOf(bytesOf(`type,value\n${'mcc,5967\n'.repeat(MAX_IMPORT_ROWS + 1)}`))).toBe('tooManyRows')
  })

  test('a refused file is audited without its content, and nothing of it is stored', async () => {
    const before = (await auditEvents('indicator.import_refused')).length
    const result = await importIndicatorsCsv(partner.viewer, forbiddenFiles.png)
    expect(result).toMatchObject({ ok: false, refusal: 'image' })
    const events = await auditEvents('indicator.import_refused')
    expect(events).toHaveLength(before + 1)
    expect(events.at(-1)).toMatchObject({ outcome: 'failure', actorOrganisationId: partner.organisation.id, details: { reason: 'image', bytes: forbiddenFiles.png.length } })
  })
})

describe('the import page', () => {
  const post = (client: Member['client'], file: Parameters<typeof uploadRequest>[2], options?: Parameters<typeof uploadRequest>[3]) =>
    call(() => importAction(routeArgs(uploadRequest('/indicators/import', client, file, options))))

  test('shows the columns; uploading a file shows the figures and every rejected line with its reason', async () => {
    const page = await call(() => importLoader(routeArgs(get('/indicators/import', partner.client))))
    expect(outcome(page).body).toMatchObject({ columns: IMPORT_HEADER, maxRows: 100_000, megabytes: 50 })

    const { text, expected } = mixedFile(20, 8)
    const result = outcome(await post(partner.client, { bytes: bytesOf(text), name: 'list.csv' }))
    expect(result.status).toBe(200)
    expect(result.body).toMatchObject({ summary: { rows: 28, created: 20, attached: 0, unchanged: 0, rejectedCount: 8 } })
    const summary = (result.body as { summary: { rejected: unknown[]; report: { body: string; filename: string } } }).summary
    expect(summary.rejected).toEqual(expected)
    // The downloadable report: one line per rejection, reasons in words, formula-safe.
    const report = parse(summary.report.body, { bom: true }) as string[][]
    expect(report[0]).toEqual(['Line', 'Column', 'Code', 'Reason'])
    expect(report.slice(1).map((row) => [Number(row[0]), row[1], row[2]])).toEqual(expected.map((entry) => [entry.line, entry.field, entry.reason]))
    expect(report.find((row) => row[2] === 'cardNumber')?.[3]).toMatch(/card numbers are never accepted/i)
    expect(report.every((row) => row[3] && row[3].length > 5)).toBe(true)
    // Validation codes of the indicator types are explained in words too, not with a generic message.
    expect(report.find((row) => row[2] === 'checksum')?.[3]).not.toBe('This value is not valid.')
    expect(report.find((row) => row[2] === 'invalidDomain')?.[3]).not.toBe('This value is not valid.')
    expect(summary.report.filename).toMatch(/^indicator-import-rejections-\d{4}-\d{2}-\d{2}\.csv$/)
  })

  test('a PNG renamed .csv and a ZIP are refused with 415, and nothing is stored', async () => {
    const png = outcome(await post(partner.client, { bytes: forbiddenFiles.png, name: 'indicators.csv', type: 'text/csv' }))
    expect(png).toMatchObject({ status: 415, body: { refused: { code: 'image' } } })
    const zip = outcome(await post(partner.client, { bytes: forbiddenFiles.zip, name: 'indicators.csv' }))
    expect(zip).toMatchObject({ status: 415, body: { refused: { code: 'archive' } } })
  })

  test('the anti-forgery field is checked after the multipart body is read: missing or wrong, nothing is imported', async () => {
    const domain = `${unique('csrf')}.example.com`
    const file = { bytes: bytesOf(csvText([['domain', domain, '', '', '', '', '', '', '', '', '']])) }
    expect(outcome(await post(partner.client, file, { csrf: false }))).toMatchObject({ status: 403, body: { refused: { code: 'csrf' } } })
    expect(outcome(await post(partner.client, file, { csrf: 'x'.repeat(partner.client.csrf.length) }))).toMatchObject({ status: 403 })
    expect(await collection('indicators').countDocuments({ _id: idOf('domain', domain) as never })).toBe(0)
    expect(outcome(await post(partner.client, null))).toMatchObject({ status: 400, body: { refused: { code: 'missing' } } })
  })

  test('"import and download the report" answers with the report as a CSV file', async () => {
    const { text, expected } = mixedFile(5, 3)
    const response = await call(() => reportAction(routeArgs(uploadRequest('/indicators/import/report', partner.client, { bytes: bytesOf(text) }, { intent: 'report' }))))
    if (!(response instanceof Response)) throw new Error('expected a file')
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="indicator-import-rejections-/)
    expect(response.headers.get('x-import-created')).toBe('5')
    const rows = parse(await response.text(), { bom: true }) as string[][]
    expect(rows.slice(1).map((row) => Number(row[0]))).toEqual(expected.map((entry) => entry.line))

    const refused = outcome(await call(() => reportAction(routeArgs(uploadRequest('/indicators/import/report', partner.client, { bytes: forbiddenFiles.png })))))
    expect(refused).toMatchObject({ status: 302, location: '/indicators/import' })
  })

  test('the example file imports cleanly', async () => {
    const response = await call(() => exampleLoader(routeArgs(get('/indicators/import/example.csv', other.client))))
    if (!(response instanceof Response)) throw new Error('expected a file')
    const result = await importIndicatorsCsv(other.viewer, bytesOf(await response.text()))
    expect(result).toMatchObject({ ok: true, rejected: [] })
  })

  test('only centre and partner working roles may import (403 for a DPO)', async () => {
    const dpo = await member({ kind: 'national_centre', roles: ['dpo'] })
    expect(outcome(await call(() => importLoader(routeArgs(get('/indicators/import', dpo.client)))))).toMatchObject({ status: 403 })
    expect(outcome(await post(dpo.client, { bytes: bytesOf('type,value\nmcc,5967\n') }))).toMatchObject({ status: 403 })
  })
})

describe('the import page as people read it', () => {
  const page = { pattern: '/indicators/import', loader: importLoader, action: importAction, Component: ImportPage }

  test.each(['en', 'fr', 'ru'] as const)('in %s: the form, the columns, then the figures and rejected lines after an upload', async (language) => {
    const empty = await renderRoute(get('/indicators/import', partner.client), page, { language, csrf: partner.client.csrf })
    expect(rawKeys(empty)).toEqual([])
    expect(empty).toMatch(/enctype="multipart\/form-data"/i)
    expect(empty).toContain(`value="${partner.client.csrf}"`)
    expect(empty).toContain('first_seen')

    const { text } = mixedFile(6, 3)
    const html = await renderRoute(uploadRequest('/indicators/import', partner.client, { bytes: bytesOf(text) }), page, { language })
    expect(rawKeys(html)).toEqual([])
    expect(html).toMatch(/data-figure="created"[^>]*>6</)
    expect(html).toMatch(/data-figure="rejected"[^>]*>3</)
    const rejectedRows = html.match(/<tr><td class="py-1.5 pr-4 tabular-nums">\d+<\/td>/g) ?? []
    expect(rejectedRows).toHaveLength(3)
  })

  test('a refused upload says why, in the reader\'s language', async () => {
    const html = await renderRoute(uploadRequest('/indicators/import', partner.client, { bytes: forbiddenFiles.png, name: 'x.csv' }), page, { language: 'fr' })
    expect(html).toContain('Ce fichier est une image')
    expect(html).toContain('Rien de ce fichier n’a été enregistré.')
  })
})
