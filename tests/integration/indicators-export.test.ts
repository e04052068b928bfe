import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, test } from 'vitest'
import type { TlpLabel } from '~/domain/vocabulary'
import { exportIndicators } from '~/indicators/export.server'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import { action as downloadAction, loader as downloadLoader } from '~/routes/indicators.export_.download'
import ExportPage, { loader as exportLoader } from '~/routes/indicators.export'
import { call, get, post, routeArgs } from '../support/requests'
import { auditEvents, collection, idOf, member, outcome, rawKeys, renderRoute, unique } from './indicators-io-support'

type Member = Awaited<ReturnType<typeof member>>
let reader: Member
let colleague: Member
let stranger: Member
const values: Record<string, string> = {}

const graded = { reliability: 'B', credibility: '2' }

/** One domain per situation, so that each row of the file can be told apart. */
async function share(who: Member, key: string, tlp: TlpLabel, extra: Record<string, string> = {}) {
  values[key] = `${unique(key.toLowerCase())}.example.com`
  const result = await submitIndicatorBatch(who.viewer, [{ type: 'domain', value: values[key]!, tlp, ...graded, ...extra }], { source: 'form' })
  expect(result.rejected).toEqual([])
}

beforeAll(async () => {
  reader = await member({ kind: 'bank' })
  colleague = await member({ kind: 'bank' })
  stranger = await member({ kind: 'hosting_provider' })
  // What the reader may see: its organisation's own labels (RED only because the reader submitted it),
  // GREEN and CLEAR from anyone.
  await share(reader, 'OwnAmber', 'AMBER', { context: '=HYPERLINK("http://evil.example","click")' })
  await share(reader, 'OwnRed', 'RED')
  await share(stranger, 'Green', 'GREEN', { context: '+1 call us' })
  await share(stranger, 'Clear', 'CLEAR')
  // What the reader may not see.
  await share(stranger, 'Amber', 'AMBER')
  await share(stranger, 'Strict', 'AMBER+STRICT')
  await share(stranger, 'Red', 'RED')
  await share(colleague, 'ColleagueRed', 'RED')
  await share(stranger, 'Retracted', 'GREEN')
  await collection('indicatorsubmissions').updateOne(
    { _id: `${idOf('domain', values.Retracted!)}:${stranger.organisation.id}` as never },
    { $set: { status: 'retracted' } },
  )
  await submitIndicatorBatch(reader.viewer, [{ type: 'phone', value: '+33 6 12 34 56 78', tlp: 'GREEN', ...graded }], { source: 'form' })
  await submitIndicatorBatch(reader.viewer, [{ type: 'url', value: `https://${unique('u')}.example.net/pay`, tlp: 'AMBER', ...graded }], { source: 'form' })
})

const csvRows = (body: string) => parse(body, { bom: true, columns: true }) as Record<string, string>[]
const defanged = (domain: string) => domain.replace(/\./g, '[.]')

describe('CSV export', () => {
  test('holds exactly what the reader may see, defanged, formula-safe, with the TLP label on every row', async () => {
    const file = await exportIndicators(reader.viewer, { format: 'csv', purpose: 'investigation' })
    expect(file.contentType).toBe('text/csv; charset=utf-8')
    expect(file.body.startsWith('\uFEFF')).toBe(true)
    const rows = csvRows(file.body)
    expect(file.rows).toBe(rows.length)
    const exported = new Set(rows.map((row) => row.value))
    for (const key of ['OwnAmber', 'OwnRed', 'Green', 'Clear']) expect(exported.has(defanged(values[key]!)), key).toBe(true)
    for (const key of ['Amber', 'Strict', 'Red', 'ColleagueRed', 'Retracted']) {
      expect(exported.has(defanged(values[key]!)), key).toBe(false)
      expect(file.body.includes(values[key]!), key).toBe(false)
    }
    expect(rows.every((row) => /^TLP:(CLEAR|GREEN|AMBER|AMBER\+STRICT|RED)$/.test(row.tlp ?? ''))).toBe(true)
    expect(rows.find((row) => row.value === defanged(values.OwnRed!))?.tlp).toBe('TLP:RED')
    // No web address or domain is ever a live link; nothing a spreadsheet would run as a formula.
    expect(rows.some((row) => row.type === 'url' && row.value?.startsWith('hxxps://'))).toBe(true)
    expect(rows.filter((row) => row.type === 'url' || row.type === 'domain').every((row) => !/https?:\/\/|\w\.\w/.test(row.value ?? ''))).toBe(true)
    expect(rows.find((row) => row.value === defanged(values.OwnAmber!))?.context).toBe(`'=HYPERLINK("http://evil.example","click")`)
    expect(rows.find((row) => row.value === defanged(values.Green!))?.context).toBe("'+1 call us")
    expect(rows.find((row) => row.type === 'phone')).toMatchObject({ value: "'+33612345678", personal: 'yes' })
    expect(rows.find((row) => row.value === defanged(values.Green!))?.source).toBe(stranger.organisation.legalName)
  })

  test('filters by type and label narrow the file; a reader in another organisation sees a different file', async () => {
    const greens = csvRows((await exportIndicators(reader.viewer, { format: 'csv', purpose: 'verification', tlp: 'GREEN' })).body)
    expect(greens.length).toBeGreaterThan(0)
    expect(greens.every((row) => row.tlp === 'TLP:GREEN')).toBe(true)
    const phones = csvRows((await exportIndicators(reader.viewer, { format: 'csv', purpose: 'verification', type: 'phone' })).body)
    expect(phones.map((row) => row.type)).toEqual(['phone'])

    const theirs = new Set(csvRows((await exportIndicators(stranger.viewer, { format: 'csv', purpose: 'investigation' })).body).map((row) => row.value))
    expect(theirs.has(defanged(values.Amber!))).toBe(true)
    expect(theirs.has(defanged(values.Strict!))).toBe(true)
    expect(theirs.has(defanged(values.OwnAmber!))).toBe(false)
    expect(theirs.has(defanged(values.OwnRed!))).toBe(false)
  })

  test('a large export (more than one chunk of indicators) is complete', async () => {
    const tag = unique('many').toUpperCase()
    const rows = Array.from({ length: 1_200 }, (_, i) => ({ type: 'merchant_descriptor', value: `SHOP*${tag}-${i}`, tlp: 'AMBER', ...graded }))
    expect((await submitIndicatorBatch(reader.viewer, rows, { source: 'import' })).created).toBe(1_200)
    const file = await exportIndicators(reader.viewer, { format: 'csv', purpose: 'investigation', type: 'merchant_descriptor' })
    const exported = csvRows(file.body).map((row) => row.value)
    expect(exported).toHaveLength(1_200)
    expect(new Set(exported)).toEqual(new Set(rows.map((row) => row.value)))
  })

  test('is audited with its purpose, format and counts', async () => {
    const before = (await auditEvents('indicator.exported')).length
    const file = await exportIndicators(reader.viewer, { format: 'csv', purpose: 'other', note: 'Quarterly review with the scheme' })
    const events = await auditEvents('indicator.exported')
    expect(events).toHaveLength(before + 1)
    expect(events.at(-1)).toMatchObject({
      actorUserId: reader.user.id,
      actorOrganisationId: reader.organisation.id,
      details: { format: 'csv', purpose: 'other', note: 'Quarterly review with the scheme', rows: file.rows, personal: 1, truncated: false },
    })
  })
})

describe('the export page and its download', () => {
  test('the page asks for the purpose; a plain visit to the download goes back to it', async () => {
    expect(outcome(await call(() => exportLoader(routeArgs(get('/indicators/export', reader.client)))))).toMatchObject({ status: 200 })
    expect(outcome(await call(() => downloadLoader(routeArgs(get('/indicators/export/download', reader.client)))))).toMatchObject({
      status: 302,
      location: '/indicators/export',
    })
  })

  test('a posted form with a purpose downloads the file; without one nothing is exported or audited', async () => {
    const response = await call(() => downloadAction(routeArgs(post('/indicators/export/download', reader.client, { format: 'csv', purpose: 'investigation' }))))
    if (!(response instanceof Response)) throw new Error('expected a file')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="indicators-\d{4}-\d{2}-\d{2}\.csv"$/)
    expect(Number(response.headers.get('x-export-rows'))).toBe(csvRows(await response.text()).length)

    const before = (await auditEvents('indicator.exported')).length
    const missing = outcome(await call(() => downloadAction(routeArgs(post('/indicators/export/download', reader.client, { format: 'csv', purpose: '' })))))
    expect(missing).toMatchObject({ status: 302, location: '/indicators/export' })
    const unexplained = outcome(await call(() => downloadAction(routeArgs(post('/indicators/export/download', reader.client, { format: 'stix', purpose: 'other', note: '' })))))
    expect(unexplained).toMatchObject({ status: 302, location: '/indicators/export' })
    const forged = outcome(await call(() => downloadAction(routeArgs(post('/indicators/export/download', reader.client, { format: 'csv', purpose: 'investigation' }, { csrf: false })))))
    expect(forged.status).toBe(403)
    expect(await auditEvents('indicator.exported')).toHaveLength(before)
  })

  test('a DPO or the operator may not export (403)', async () => {
    const dpo = await member({ kind: 'national_centre', roles: ['dpo'] })
    expect(outcome(await call(() => exportLoader(routeArgs(get('/indicators/export', dpo.client)))))).toMatchObject({ status: 403 })
    expect(outcome(await call(() => downloadAction(routeArgs(post('/indicators/export/download', dpo.client, { format: 'csv', purpose: 'investigation' })))))).toMatchObject({
      status: 403,
    })
  })
})

describe('the export page as people read it', () => {
  test.each(['en', 'fr', 'ru'] as const)('in %s: formats, filters and the purpose, posted to the download address', async (language) => {
    const html = await renderRoute(get('/indicators/export', reader.client), { pattern: '/indicators/export', loader: exportLoader, Component: ExportPage }, { language, csrf: reader.client.csrf })
    expect(rawKeys(html)).toEqual([])
    expect(html).toContain('action="/indicators/export/download"')
    expect(html).toMatch(/<select[^>]*name="purpose"[^>]*required/)
    expect(html).toContain('value="stix"')
    expect(html).toContain('TLP:AMBER+STRICT')
  })
})
