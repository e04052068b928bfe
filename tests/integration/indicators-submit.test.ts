import mongoose from 'mongoose'
import { beforeAll, describe, expect, test } from 'vitest'
import { IndicatorSubmitError, submitIndicatorBatch, type IndicatorRow } from '~/indicators/submit.server'
import { auditEvents, CARD_NUMBER, collection, idOf, member, unique } from './indicators-io-support'

type Member = Awaited<ReturnType<typeof member>>
let bank: Member
let exchange: Member
let centre: Member

beforeAll(async () => {
  bank = await member({ kind: 'bank' })
  exchange = await member({ kind: 'crypto_exchange' })
  centre = await member({ kind: 'national_centre', roles: ['staff'] })
})

const DAY = 24 * 60 * 60 * 1000
const submission = (indicatorId: string, organisationId: string) => collection('indicatorsubmissions').findOne({ _id: `${indicatorId}:${organisationId}` as never })
const indicator = (indicatorId: string) => collection('indicators').findOne({ _id: indicatorId as never })
const submit = (who: Member, rows: IndicatorRow[], source: 'form' | 'import' | 'api' = 'form') => submitIndicatorBatch(who.viewer, rows, { source })
const graded = { reliability: 'B', credibility: '2' }

describe('one organisation, one value', () => {
  test('new, then the same again (unchanged), then more restrictive (label raised), then less restrictive (label kept)', async () => {
    const value = `${unique('shop')}.example.com`
    const id = idOf('domain', value)

    const first = await submit(bank, [{ type: 'domain', value, tlp: 'GREEN', ...graded, context: 'Storefront' }])
    expect(first).toMatchObject({ created: 1, attached: 0, unchanged: 0, rejected: [], ids: [id] })
    expect(await indicator(id)).toMatchObject({ type: 'domain', normalised: value })
    expect(await submission(id, bank.organisation.id)).toMatchObject({ tlp: 'GREEN', reliability: 'B', credibility: '2', personal: false, status: 'active' })

    const again = await submit(bank, [{ type: 'domain', value: value.toUpperCase(), tlp: 'GREEN', ...graded, context: 'Storefront' }])
    expect(again).toMatchObject({ created: 0, attached: 0, unchanged: 1, ids: [id] })

    const raised = await submit(bank, [{ type: 'domain', value, tlp: 'AMBER+STRICT', ...graded }])
    expect(raised).toMatchObject({ created: 0, attached: 1, unchanged: 0 })
    expect((await submission(id, bank.organisation.id))?.tlp).toBe('AMBER+STRICT')

    const lowered = await submit(bank, [{ type: 'domain', value, tlp: 'CLEAR', ...graded }])
    expect(lowered).toMatchObject({ created: 0, attached: 0, unchanged: 1 })
    expect((await submission(id, bank.organisation.id))?.tlp).toBe('AMBER+STRICT')

    expect(await collection('indicators').countDocuments({ _id: id as never })).toBe(1)
    expect(await collection('indicatorsubmissions').countDocuments({ indicatorId: id })).toBe(1)
  })

  test('a refresh updates what changed (context, last seen, grading) and nothing when nothing did', async () => {
    const value = `${unique('pay')}.example.com`
    const id = idOf('domain', value)
    await submit(bank, [{ type: 'domain', value, ...graded, context: 'first', lastSeenAt: '2025-01-01' }])
    const before = await submission(id, bank.organisation.id)
    const refreshed = await submit(bank, [{ type: 'domain', value, reliability: 'A', credibility: '1', context: 'second', lastSeenAt: '2025-03-01' }])
    expect(refreshed.attached).toBe(1)
    const after = await submission(id, bank.organisation.id)
    expect(after).toMatchObject({ context: 'second', reliability: 'A', credibility: '1', tlp: 'AMBER' })
    expect(after?.lastSeenAt).toEqual(new Date('2025-03-01T00:00:00Z'))
    expect(after?.firstSeenAt).toEqual(before?.firstSeenAt)
    // The indicator keeps the dates of the submission that created it: another organisation's (maybe hidden)
    // sightings never show through it.
    expect((await indicator(id))?.lastSeenAt).toEqual(new Date('2025-01-01T00:00:00Z'))
    // An older sighting and no context change nothing.
    expect(await submit(bank, [{ type: 'domain', value, reliability: 'A', credibility: '1', lastSeenAt: '2025-02-01' }])).toMatchObject({ unchanged: 1, attached: 0 })
  })
})

describe('several organisations', () => {
  test("another organisation's submission attaches to the same indicator without duplicating it; each keeps its own label", async () => {
    const domain = `${unique('shared')}.example.com`
    const id = idOf('domain', domain)
    expect(await submit(bank, [{ type: 'domain', value: domain, tlp: 'RED', ...graded }])).toMatchObject({ created: 1 })
    expect(await submit(exchange, [{ type: 'domain', value: domain.replace(/\./g, '[.]'), tlp: 'GREEN', ...graded }])).toMatchObject({
      created: 0,
      attached: 1,
      unchanged: 0,
    })
    expect(await collection('indicators').countDocuments({ _id: id as never })).toBe(1)
    const submissions = await collection('indicatorsubmissions').find({ indicatorId: id }).toArray()
    expect(submissions.map((row) => [String(row.organisationId), row.tlp]).sort()).toEqual(
      [
        [bank.organisation.id, 'RED'],
        [exchange.organisation.id, 'GREEN'],
      ].sort(),
    )
    // A RED submission names at least the person who submitted it.
    expect((await submission(id, bank.organisation.id))?.redRecipientIds?.map(String)).toEqual([bank.user.id])
  })
})

describe('personal data, defaults and retention', () => {
  test('personal values default to AMBER+STRICT with the short retention clock, business ones to AMBER with the long one', async () => {
    const email = `${unique('seller')}@example.org`
    const domain = `${unique('biz')}.example.com`
    const iban = 'DE89370400440532013000'
    const before = Date.now()
    const result = await submit(centre, [
      { type: 'email', value: email, ...graded },
      { type: 'domain', value: domain, ...graded },
      { type: 'iban', value: iban, personal: 'yes', ...graded },
      { type: 'domain', value: `${unique('flagged')}.example.com`, personal: true, ...graded },
    ])
    expect(result.rejected).toEqual([])
    const [emailRow, domainRow, ibanRow, flaggedRow] = await Promise.all(result.ids.map((id) => submission(id, centre.organisation.id)))
    expect(emailRow).toMatchObject({ personal: true, tlp: 'AMBER+STRICT' })
    expect(domainRow).toMatchObject({ personal: false, tlp: 'AMBER' })
    expect(ibanRow).toMatchObject({ personal: true, tlp: 'AMBER+STRICT' })
    expect(flaggedRow).toMatchObject({ personal: true, tlp: 'AMBER+STRICT' })
    const months = (date: Date | undefined) => Math.round(((date?.getTime() ?? 0) - before) / (30.44 * DAY))
    expect([months(emailRow?.reviewBy), months(emailRow?.deleteBy)]).toEqual([6, 12])
    expect([months(domainRow?.reviewBy), months(domainRow?.deleteBy)]).toEqual([12, 36])
  })

  test('a business submission that later turns out personal becomes personal (and never back) with the shorter clock', async () => {
    const domain = `${unique('person')}.example.com`
    const [id] = (await submit(bank, [{ type: 'domain', value: domain, ...graded }])).ids
    expect((await submission(id!, bank.organisation.id))?.personal).toBe(false)
    expect(await submit(bank, [{ type: 'domain', value: domain, personal: true, ...graded }])).toMatchObject({ attached: 1 })
    const after = await submission(id!, bank.organisation.id)
    expect(after?.personal).toBe(true)
    expect(Math.round(((after?.deleteBy as Date).getTime() - Date.now()) / (30.44 * DAY))).toBe(12)
    expect(await submit(bank, [{ type: 'domain', value: domain, personal: false, ...graded }])).toMatchObject({ unchanged: 1 })
    expect((await submission(id!, bank.organisation.id))?.personal).toBe(true)
  })

  test('the form requires reliability and credibility; an import defaults them to C and 3', async () => {
    const domain = `${unique('grade')}.example.com`
    const form = await submit(bank, [{ type: 'domain', value: domain }], 'form')
    expect(form.rejected).toEqual([{ line: 1, field: 'reliability', reason: 'required' }])
    const imported = await submit(bank, [{ type: 'domain', value: domain }], 'import')
    expect(imported.created).toBe(1)
    expect(await submission(imported.ids[0]!, bank.organisation.id)).toMatchObject({ reliability: 'C', credibility: '3' })
  })
})

describe('validation', () => {
  test('every row is checked; each rejection names its line, field and reason; valid rows are stored', async () => {
    const good = `${unique('ok')}.example.com`
    const result = await submit(bank, [
      { line: 10, type: 'domain', value: good, ...graded },
      { line: 11, type: 'domain', value: `${unique('c')}.example.com`, context: `paid with ${CARD_NUMBER}`, ...graded },
      { line: 12, type: 'url', value: 'data:image/png;base64,iVBORw0KGgo=', ...graded },
      { line: 13, type: 'unicorn', value: 'x', ...graded },
      { line: 14, type: 'domain', value: `${unique('t')}.example.com`, tlp: 'BLUE', ...graded },
      { line: 15, type: 'ip', value: '10.0.0.1', ...graded },
      { line: 16, type: 'domain', value: `${unique('d')}.example.com`, firstSeenAt: '2025-03-01', lastSeenAt: '2025-01-01', ...graded },
      { line: 17, type: 'domain', value: `${unique('p')}.example.com`, personal: 'maybe', ...graded },
      { line: 18, type: 'merchant_id', value: CARD_NUMBER.replace(/ /g, ''), acquirer: '412345', ...graded },
      { line: 19, type: 'domain', value: `${unique('i')}.example.com`, initiativeId: new mongoose.Types.ObjectId().toHexString(), ...graded },
    ])
    expect(result.created).toBe(1)
    expect(result.ids).toEqual([idOf('domain', good)])
    expect(result.rejected).toEqual([
      { line: 11, field: 'context', reason: 'cardNumber' },
      { line: 12, field: 'value', reason: 'dataUri' },
      { line: 13, field: 'type', reason: 'unknownType' },
      { line: 14, field: 'tlp', reason: 'invalidTlp' },
      { line: 15, field: 'value', reason: 'privateIp' },
      { line: 16, field: 'firstSeenAt', reason: 'dateOrder' },
      { line: 17, field: 'personal', reason: 'invalidPersonal' },
      { line: 18, field: 'value', reason: 'cardNumber' },
      { line: 19, field: 'initiativeId', reason: 'unknownInitiative' },
    ])
    // Nothing of a rejected row was stored, the card number least of all.
    expect(await collection('indicatorsubmissions').countDocuments({ context: { $regex: '4111' } })).toBe(0)
  })

  test('repeated rows of one batch merge into one submission (most restrictive label) and count as unchanged', async () => {
    const domain = `${unique('twice')}.example.com`
    const result = await submit(exchange, [
      { type: 'domain', value: domain, tlp: 'GREEN', ...graded },
      { type: 'domain', value: domain.toUpperCase(), tlp: 'AMBER', ...graded },
    ])
    expect(result).toMatchObject({ created: 1, attached: 0, unchanged: 1 })
    expect(result.ids).toHaveLength(2)
    expect((await submission(result.ids[0]!, exchange.organisation.id))?.tlp).toBe('AMBER')
  })

  test('a large batch goes through in chunks and the batch is audited once with its counts', async () => {
    const tag = unique('bulk')
    const rows: IndicatorRow[] = Array.from({ length: 2_345 }, (_, i) => ({ type: 'merchant_descriptor', value: `SHOP*${tag}-${i}`, ...graded }))
    const before = (await auditEvents('indicator.submitted')).length
    const result = await submit(exchange, rows, 'import')
    expect(result).toMatchObject({ created: 2_345, attached: 0, unchanged: 0, rejected: [] })
    const events = await auditEvents('indicator.submitted')
    expect(events).toHaveLength(before + 1)
    expect(events.at(-1)?.details).toMatchObject({ source: 'import', rows: 2_345, created: 2_345, attached: 0, unchanged: 0, rejected: 0 })
    expect(events.at(-1)?.actorOrganisationId).toBe(exchange.organisation.id)
    expect(await submit(exchange, rows, 'import')).toMatchObject({ created: 0, attached: 0, unchanged: 2_345 })
  })

  test('people without a working role (a DPO, the operator) cannot submit', async () => {
    const dpo = await member({ kind: 'national_centre', roles: ['dpo'] })
    await expect(submit(dpo, [{ type: 'domain', value: `${unique('dpo')}.example.com`, ...graded }])).rejects.toBeInstanceOf(IndicatorSubmitError)
  })
})
