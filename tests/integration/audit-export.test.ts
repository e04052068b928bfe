import mongoose from 'mongoose'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { recordAudit, verifyAuditChain } from '~/audit/audit.server'
import { auditEventBatches } from '~/audit/audit-log.server'
import { action, loader } from '~/routes/audit.export'
import { csvLines, neutraliseCsvCell } from '~/utils/csv.server'
import { createTestOrganisation } from '../factories/organisations'
import { createTestUser, type TestUser } from '../factories/users'
import { call, get, post, routeArgs, signedInClient, type Client } from '../support/requests'

function auditCollection() {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  return db.collection('auditevents')
}

/** A minimal RFC 4180 reader: quoted cells, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(cell)
      cell = ''
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += char
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

const PURPOSE = 'Subject access request 2024-117'
let dpo: TestUser
let dpoClient: Client
let adminClient: Client
let bankId: string

const hostileLabels = ['=HYPERLINK("http://evil.example","click")', '+41 22 000', '-2+3', '@SUM(A1:A9)', '\tindent', '\rreturn']

beforeAll(async () => {
  const centre = await createTestOrganisation({ kind: 'national_centre' })
  const bank = await createTestOrganisation({ kind: 'bank', legalName: '=Evil Bank Ltd' })
  bankId = bank.id
  dpo = await createTestUser({ organisationId: centre.id, roles: ['dpo'], email: 'dpo.export@centre.example' })
  dpoClient = await signedInClient(dpo)
  adminClient = await signedInClient(await createTestUser({ organisationId: bank.id, roles: ['admin'] }))
})

beforeEach(async () => {
  await auditCollection().deleteMany({})
  for (const [index, label] of hostileLabels.entries()) {
    await recordAudit({
      action: 'auth.sign_in',
      outcome: index % 2 ? 'failure' : 'success',
      actor: { userId: `u${index}`, organisationId: bankId, label },
      meta: { ip: '203.0.113.9', userAgent: '-evil agent' },
      details: { reason: '=1+1', note: 'plain, with "quotes"' },
    })
  }
  await recordAudit({ action: 'auth.rate_limited', outcome: 'denied', actor: { label: 'bot@example.net' } })
})

async function exportCsv(query: string, fields: Record<string, string> = { purpose: PURPOSE }, client = dpoClient) {
  return call(() => action(routeArgs(post(`/audit/export${query}`, client, fields))))
}

async function csvOf(response: unknown) {
  if (!(response instanceof Response)) throw new Error('expected a response')
  const bytes = new Uint8Array(await response.arrayBuffer())
  // A byte-order mark, so that spreadsheets read the file as UTF-8.
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  return parseCsv(new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes))
}

describe('CSV export of the audit log', () => {
  test('downloads a dated file with a header row and one row per matching event, newest first', async () => {
    const response = await exportCsv('')
    if (!(response instanceof Response)) throw new Error('expected a response')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const today = new Date().toISOString().slice(0, 10)
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="audit-log-${today}.csv"`)
    const rows = await csvOf(response)
    expect(rows[0]).toEqual([
      'Sequence',
      'Time (UTC)',
      'Actor',
      'Actor ID',
      "Actor's organisation",
      'Organisation ID',
      'Action',
      'Outcome',
      'Target type',
      'Target ID',
      'Target name',
      'IP address',
      'User agent',
      'Details',
    ])
    expect(rows.slice(1).map((row) => row[0])).toEqual(['7', '6', '5', '4', '3', '2', '1'])
    expect(rows[1]?.slice(2, 8)).toEqual(['bot@example.net', '', '', '', 'auth.rate_limited', 'denied'])
  })

  test('neutralises every cell that a spreadsheet would run as a formula', async () => {
    const rows = (await csvOf(await exportCsv('?action=auth.sign_in'))).slice(1).reverse()
    expect(rows.map((row) => row[2])).toEqual(hostileLabels.map((label) => `'${label}`))
    for (const row of rows) {
      expect(row[4]).toBe("'=Evil Bank Ltd")
      expect(row[12]).toBe("'-evil agent")
      expect(JSON.parse(row[13] ?? '')).toEqual({ reason: '=1+1', note: 'plain, with "quotes"' })
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    }
  })

  test('exports only the filtered events and says how many', async () => {
    const response = await exportCsv('?outcome=failure&prefix=auth.')
    expect(response instanceof Response && response.headers.get('x-export-rows')).toBe('3')
    const rows = await csvOf(response)
    expect(rows).toHaveLength(1 + 3)
    expect(new Set(rows.slice(1).map((row) => row[7]))).toEqual(new Set(['failure']))
    const none = await csvOf(await exportCsv('?from=2001-01-01&to=2001-01-02'))
    expect(none).toHaveLength(1)
  })

  test('is itself audited, with the filter, the row count and the purpose', async () => {
    const response = await exportCsv('?outcome=failure&organisation=' + bankId)
    await csvOf(response)
    const exported = await auditCollection().findOne({ action: 'audit.exported' })
    expect(exported).toMatchObject({
      seq: 8,
      outcome: 'success',
      actorUserId: dpo.id,
      actorOrganisationId: dpo.organisationId,
      actorLabel: 'dpo.export@centre.example',
      ip: '127.0.0.1',
      details: { filter: { outcome: 'failure', organisation: bankId }, rows: 3, truncated: false, upToSeq: 7, purpose: PURPOSE },
    })
    expect(await verifyAuditChain()).toEqual({ ok: true, checked: 8 })
  })

  test('asks for a purpose: without one nothing is exported or recorded', async () => {
    const response = await exportCsv('?outcome=denied', { purpose: '  ' })
    expect(response instanceof Response && response.status).toBe(302)
    expect(response instanceof Response && response.headers.get('location')).toBe('/audit?outcome=denied')
    expect(response instanceof Response && response.headers.get('set-cookie')).toContain('__toast=')
    expect(await auditCollection().countDocuments({ action: 'audit.exported' })).toBe(0)
  })

  test('refuses an unreadable filter rather than exporting more than asked', async () => {
    const response = await exportCsv('?outcome=everything&action=auth.sign_in')
    expect(response instanceof Response && response.status).toBe(302)
    expect(response instanceof Response && response.headers.get('location')).toBe('/audit?action=auth.sign_in')
    expect(await auditCollection().countDocuments({ action: 'audit.exported' })).toBe(0)
  })

  test('is refused without the anti-forgery token or the permission', async () => {
    const forged = await call(() => action(routeArgs(post('/audit/export', dpoClient, { purpose: PURPOSE }, { csrf: false }))))
    expect(forged instanceof Response && forged.status).toBe(403)
    const partner = await exportCsv('', { purpose: PURPOSE }, adminClient)
    expect(partner instanceof Response && partner.status).toBe(403)
    expect(await auditCollection().countDocuments({ action: 'audit.exported' })).toBe(0)
  })

  test('a plain visit of the export address goes back to the log with the same filters', async () => {
    const response = await call(() => loader(routeArgs(get('/audit/export?outcome=denied', dpoClient))))
    expect(response instanceof Response && response.headers.get('location')).toBe('/audit?outcome=denied')
  })

  test('headings follow the language of the person exporting', async () => {
    const request = post('/audit/export', dpoClient, { purpose: PURPOSE })
    request.headers.set('accept-language', 'fr-FR,fr;q=0.9')
    const rows = await csvOf(await call(() => action(routeArgs(request))))
    expect(rows[0]?.slice(0, 3)).toEqual(['Numéro', 'Heure (UTC)', 'Auteur'])
  })

  test('reads in batches with a cursor and stops at the limit', async () => {
    for (let i = 0; i < 18; i++) await recordAudit({ action: 'auth.sign_out', actor: { label: `batch${i}` } })
    const batches: number[][] = []
    for await (const batch of auditEventBatches({}, { upToSeq: 24, limit: 23, batchSize: 10 })) {
      batches.push(batch.map((row) => row.seq))
    }
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 3])
    expect(batches.flat()).toEqual(Array.from({ length: 23 }, (_, i) => 24 - i))
    const bounded = []
    for await (const batch of auditEventBatches({ action: 'auth.sign_out' }, { upToSeq: 10, limit: 100 })) bounded.push(...batch)
    expect(bounded.map((row) => row.seq)).toEqual([10, 9, 8])
  })
})

describe('CSV cells', () => {
  test.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['a=1', 'a=1'],
    [' =1', ' =1'],
    [42, '42'],
    [null, ''],
  ])('%j becomes %j', (input, expected) => {
    expect(neutraliseCsvCell(input)).toBe(expected)
  })

  test('are quoted where CSV needs it', () => {
    expect(csvLines([['a,b', 'say "hi"', 'line\nbreak', '=x']])).toBe('"a,b","say ""hi""","line\nbreak",\'=x\r\n')
  })
})
