import fs from 'node:fs'
import path from 'node:path'
import Ajv, { type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { beforeAll, describe, expect, test } from 'vitest'
import { exportIndicators } from '~/indicators/export.server'
import { indicatorStixIdOf, uuidV5 } from '~/indicators/stix.server'
import { submitIndicatorBatch, type IndicatorRow } from '~/indicators/submit.server'
import { action as downloadAction } from '~/routes/indicators.export_.download'
import { call, post, routeArgs } from '../support/requests'
import { idOf, member, unique } from './indicators-io-support'

type Member = Awaited<ReturnType<typeof member>>
type StixObject = Record<string, unknown> & { type: string; id: string }
type Bundle = { type: string; id: string; objects?: StixObject[] }

const SCHEMAS = path.resolve(__dirname, '../fixtures/stix')
const TLP2 = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
} as const

let validateBundle: ValidateFunction
let bank: Member
let centre: Member
const graded = { reliability: 'A', credibility: '2' }
const domain = `${unique('stix')}.example.com`
const sha256 = 'a'.repeat(63) + 'b'
const md5 = '0123456789abcdef0123456789abcdef'

/** One indicator of every type, with the pattern the bundle must carry for it. */
const cases: { row: IndicatorRow; pattern: string }[] = [
  { row: { type: 'url', value: `https://${domain}/pay?id=1` }, pattern: `[url:value = 'https://${domain}/pay?id=1']` },
  { row: { type: 'domain', value: domain }, pattern: `[domain-name:value = '${domain}']` },
  { row: { type: 'ip', value: '203.0.113.7' }, pattern: "[ipv4-addr:value = '203.0.113.7']" },
  { row: { type: 'ip', value: '2001:DB8::7' }, pattern: "[ipv6-addr:value = '2001:db8::7']" },
  { row: { type: 'email', value: `Seller@${domain}` }, pattern: `[email-addr:value = 'seller@${domain}']` },
  { row: { type: 'phone', value: '+33 6 12 34 56 78' }, pattern: "[x-phone-number:value = '+33612345678']" },
  {
    row: { type: 'merchant_id', value: 'm-12345', acquirer: '412345' },
    pattern: "[x-payment-merchant:merchant_id = 'M-12345' AND x-payment-merchant:acquirer = '412345']",
  },
  { row: { type: 'merchant_descriptor', value: "shop*o'brien" }, pattern: "[x-payment-merchant:descriptor = 'SHOP*O\\'BRIEN']" },
  { row: { type: 'acquirer_bin', value: '412345' }, pattern: "[x-payment-acquirer:bin = '412345']" },
  { row: { type: 'mcc', value: '5967' }, pattern: "[x-payment-merchant:mcc = '5967']" },
  { row: { type: 'iban', value: 'DE89 3704 0044 0532 0130 00' }, pattern: "[x-payment-account:iban = 'DE89370400440532013000']" },
  { row: { type: 'bic', value: 'DEUTDEFFXXX' }, pattern: "[x-payment-institution:bic = 'DEUTDEFF']" },
  {
    row: { type: 'crypto_wallet', value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', chain: 'ethereum' },
    pattern: "[x-crypto-wallet:address = '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed' AND x-crypto-wallet:chain = 'eth']",
  },
  { row: { type: 'payment_handle', value: 'Cash App:$Seller' }, pattern: "[x-payment-handle:provider = 'cashapp' AND x-payment-handle:handle = 'seller']" },
  { row: { type: 'payment_processor', value: 'ExamplePay' }, pattern: "[x-payment-processor:name = 'examplepay']" },
  { row: { type: 'file_hash', value: sha256 }, pattern: `[file:hashes.'SHA-256' = '${sha256}']` },
  { row: { type: 'file_hash', value: md5 }, pattern: `[file:hashes.MD5 = '${md5}']` },
]

beforeAll(async () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false })
  addFormats(ajv)
  for (const name of ['common', 'identity', 'marking-definition', 'indicator', 'relationship', 'bundle']) {
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMAS, `${name}.json`), 'utf8')) as object)
  }
  const compiled = ajv.getSchema('https://schemas.portal.invalid/stix-2.1/bundle.json')
  if (!compiled) throw new Error('bundle schema missing')
  validateBundle = compiled

  bank = await member({ kind: 'bank' })
  centre = await member({ kind: 'national_centre', roles: ['staff'] })
  const labels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT'] as const
  const result = await submitIndicatorBatch(
    bank.viewer,
    cases.map((entry, index) => ({ ...entry.row, ...graded, tlp: labels[index % labels.length], context: index === 0 ? 'Checkout seen during a test purchase' : '' })),
    { source: 'form' },
  )
  expect(result.rejected).toEqual([])
  // The centre's own GREEN submission about the same domain: a second source in the bundle.
  expect((await submitIndicatorBatch(centre.viewer, [{ type: 'domain', value: domain, tlp: 'GREEN', reliability: 'B', credibility: '3' }], { source: 'form' })).attached).toBe(1)
})

const bundleOf = async (who: Member, options: { tlp?: 'RED' } = {}) =>
  JSON.parse((await exportIndicators(who.viewer, { format: 'stix', purpose: 'disruption', ...options })).body) as Bundle
const schemaErrors = () => (validateBundle.errors ?? []).map((error) => `${error.instancePath} ${error.message}`)

describe('STIX 2.1 bundle', () => {
  test('validates against the STIX 2.1 schemas, with TLP 2.0 markings and source identities that resolve', async () => {
    const bundle = await bundleOf(bank)
    expect(validateBundle(bundle), schemaErrors().join('\n')).toBe(true)
    const objects = bundle.objects ?? []
    const byId = new Map(objects.map((object) => [object.id, object]))
    expect(byId.size).toBe(objects.length)

    const indicators = objects.filter((object) => object.type === 'indicator')
    expect(indicators).toHaveLength(cases.length + 1)
    for (const indicator of indicators) {
      const source = byId.get(String(indicator.created_by_ref))
      expect(source).toMatchObject({ type: 'identity', identity_class: 'organization' })
      const refs = indicator.object_marking_refs as string[]
      expect(refs).toHaveLength(1)
      expect(byId.get(refs[0]!)?.type).toBe('marking-definition')
      expect(Object.values(TLP2)).toContain(refs[0])
      expect(indicator).toMatchObject({ spec_version: '2.1', pattern_type: 'stix', pattern_version: '2.1', indicator_types: ['malicious-activity'] })
    }
    // Exactly the labels in use, each defined once with its published id.
    const markings = objects.filter((object) => object.type === 'marking-definition')
    expect(markings.map((object) => object.name).sort()).toEqual(['TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:CLEAR', 'TLP:GREEN'])
    expect(markings.find((object) => object.name === 'TLP:AMBER+STRICT')?.id).toBe(TLP2['AMBER+STRICT'])
    // Both sources appear as identities with their names.
    const identities = objects.filter((object) => object.type === 'identity').map((object) => [object.name, object.sectors])
    expect(identities).toEqual(
      expect.arrayContaining([
        [bank.organisation.legalName, ['financial-services']],
        [centre.organisation.legalName, ['law-enforcement']],
      ]),
    )
  })

  test('one pattern per type: STIX observables where STIX has them, documented x- types for payment channels', async () => {
    const bundle = await bundleOf(bank)
    const bankIdentity = (bundle.objects ?? []).find((object) => object.type === 'identity' && object.name === bank.organisation.legalName)?.id
    const patterns = (bundle.objects ?? []).filter((object) => object.type === 'indicator' && object.created_by_ref === bankIdentity).map((object) => object.pattern)
    expect(patterns.sort()).toEqual(cases.map((entry) => entry.pattern).sort())
  })

  test('ids are stable UUID v5 names of our submissions; grading, dates and the label travel with each indicator', async () => {
    const first = await bundleOf(bank)
    const second = await bundleOf(bank)
    expect(first.id).not.toBe(second.id)
    const ids = (bundle: Bundle) => (bundle.objects ?? []).map((object) => object.id).sort()
    expect(ids(first)).toEqual(ids(second))
    const submissionId = `${idOf('domain', domain)}:${bank.organisation.id}`
    const indicator = (first.objects ?? []).find((object) => object.id === indicatorStixIdOf(submissionId))
    expect(indicator?.id).toMatch(/^indicator--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(indicator).toMatchObject({
      name: `domain: ${domain.replace(/\./g, '[.]')}`,
      confidence: 70,
      x_pcp_reliability: 'A',
      x_pcp_credibility: '2',
      x_pcp_personal: false,
      x_pcp_indicator_type: 'domain',
      object_marking_refs: [TLP2.GREEN],
    })
    expect(Date.parse(String(indicator?.valid_from))).toBeLessThanOrEqual(Date.now())
    // RFC 4122 test vector for name-based SHA-1 UUIDs (DNS namespace, "python.org").
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d')
  })

  test('what the reader may not see is not in the bundle; an empty export is still a valid bundle', async () => {
    const outsider = await member({ kind: 'isp' })
    const bundle = await bundleOf(outsider)
    expect(validateBundle(bundle), schemaErrors().join('\n')).toBe(true)
    const patterns = (bundle.objects ?? []).filter((object) => object.type === 'indicator').map((object) => String(object.pattern))
    // The outsider sees the CLEAR and GREEN submissions only.
    expect(patterns.some((pattern) => pattern.includes('x-payment-merchant:merchant_id'))).toBe(false)
    expect(patterns.length).toBeGreaterThan(0)
    const labels = new Set((bundle.objects ?? []).filter((object) => object.type === 'indicator').flatMap((object) => object.object_marking_refs as string[]))
    expect([...labels].every((id) => id === TLP2.CLEAR || id === TLP2.GREEN)).toBe(true)

    const empty = await bundleOf(outsider, { tlp: 'RED' })
    expect(empty.objects).toBeUndefined()
    expect(validateBundle(empty), schemaErrors().join('\n')).toBe(true)
  })

  test('the schemas are strict enough to fail a broken bundle', () => {
    const broken = {
      type: 'bundle',
      id: 'bundle--6ba7b810-9dad-41d1-80b4-00c04fd430c8',
      objects: [
        { type: 'marking-definition', spec_version: '2.1', id: TLP2.AMBER, created: '2022-10-01T00:00:00.000Z', name: 'TLP:RED', extensions: {} },
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--6ba7b810-9dad-51d1-80b4-00c04fd430c8',
          created: '2024-01-01T00:00:00Z',
          modified: '2024-01-01T00:00:00.000Z',
          pattern: "[iban:value = 'DE89']",
          pattern_type: 'stix',
          valid_from: '2024-01-01T00:00:00.000Z',
          BadName: true,
        },
      ],
    }
    expect(validateBundle(broken)).toBe(false)
    const paths = schemaErrors().join('\n')
    expect(paths).toContain('/objects/0/name')
    expect(paths).toContain('/objects/1/pattern')
    expect(paths).toContain('/objects/1/created')
  })

  test('the download route answers with a STIX file', async () => {
    const response = await call(() => downloadAction(routeArgs(post('/indicators/export/download', bank.client, { format: 'stix', purpose: 'investigation' }))))
    if (!(response instanceof Response)) throw new Error('expected a file')
    expect(response.headers.get('content-type')).toBe('application/stix+json;version=2.1')
    expect(response.headers.get('content-disposition')).toMatch(/filename="indicators-\d{4}-\d{2}-\d{2}\.stix\.json"/)
    expect(validateBundle(JSON.parse(await response.text())), schemaErrors().join('\n')).toBe(true)
  })
})
