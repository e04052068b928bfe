import crypto from 'node:crypto'
import type { IndicatorType, OrganisationKind, TlpLabel } from '~/domain/vocabulary'

/**
 * STIX 2.1 for indicators leaving the portal: one `indicator` per visible submission (its source as an
 * `identity` in `created_by_ref`, its label as the OASIS TLP 2.0 marking), with a STIX pattern per type.
 *
 * Types STIX 2.1 has a cyber-observable for use it (`url`, `domain-name`, `ipv4-addr`/`ipv6-addr`,
 * `email-addr`, `file` hashes). Payment-channel types have none, so their patterns name custom
 * observable types, all prefixed `x-` (STIX 2.1 §9 patterning accepts any object type):
 *
 * | our type            | pattern                                                                   |
 * |---------------------|---------------------------------------------------------------------------|
 * | phone               | `[x-phone-number:value = '+33612345678']`                                 |
 * | merchant_id         | `[x-payment-merchant:merchant_id = 'ID' AND x-payment-merchant:acquirer = 'ACQ']` |
 * | merchant_descriptor | `[x-payment-merchant:descriptor = 'SHOP*NAME']`                           |
 * | mcc                 | `[x-payment-merchant:mcc = '5967']`                                       |
 * | acquirer_bin        | `[x-payment-acquirer:bin = '412345']`                                     |
 * | iban                | `[x-payment-account:iban = 'DE89…']`                                      |
 * | bic                 | `[x-payment-institution:bic = 'DEUTDEFF']`                                |
 * | crypto_wallet       | `[x-crypto-wallet:address = '…' AND x-crypto-wallet:chain = 'btc']`       |
 * | payment_handle      | `[x-payment-handle:provider = 'cashapp' AND x-payment-handle:handle = 'x']` |
 * | payment_processor   | `[x-payment-processor:name = 'examplepay']`                               |
 *
 * Our own grading travels as custom properties `x_pcp_reliability`, `x_pcp_credibility` (Admiralty
 * code), `x_pcp_personal` and `x_pcp_indicator_type`; credibility also maps onto STIX `confidence` as
 * the specification's Admiralty table does (1 → 90, 2 → 70, 3 → 50, 4 → 30).
 */

/** The OASIS TLP 2.0 marking definitions (extension-definition--60a3c5c5…): fixed ids, fixed content. */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d'
export const tlpMarkingIds: Record<TlpLabel, string> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
}

export function tlpMarkingDefinition(tlp: TlpLabel) {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: tlpMarkingIds[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() } },
  }
}

/** The namespace of this portal's STIX ids (UUID v5): the same submission always gets the same id. */
const PORTAL_NAMESPACE = '1f6b3f3e-4c1d-5b8e-9a51-7d0c2e6a8b94'

/** RFC 4122 name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace = PORTAL_NAMESPACE) {
  const space = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  const hash = crypto.createHash('sha1').update(space).update(name, 'utf8').digest()
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** STIX timestamps: UTC with millisecond precision. */
const stamp = (date: Date) => date.toISOString()

/** A string literal of a STIX pattern: backslash and quote escaped. */
const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

const comparison = (object: string, path: string, value: string) => `${object}:${path} = ${literal(value)}`
const pattern = (...comparisons: string[]) => `[${comparisons.join(' AND ')}]`

const hashNames: Record<number, string> = { 32: 'MD5', 40: "'SHA-1'", 64: "'SHA-256'" }

/** The STIX pattern for one of our indicators (normal form as `parseIndicator` gives it). */
export function stixPattern(type: IndicatorType, normalised: string): string {
  const split = (separator: string) => {
    const at = normalised.indexOf(separator)
    return at === -1 ? ['', normalised] : [normalised.slice(0, at), normalised.slice(at + 1)]
  }
  switch (type) {
    case 'url':
      return pattern(comparison('url', 'value', normalised))
    case 'domain':
      return pattern(comparison('domain-name', 'value', normalised))
    case 'ip':
      return pattern(comparison(normalised.includes(':') ? 'ipv6-addr' : 'ipv4-addr', 'value', normalised))
    case 'email':
      return pattern(comparison('email-addr', 'value', normalised))
    case 'file_hash':
      return pattern(comparison('file', `hashes.${hashNames[normalised.length] ?? "'SHA-256'"}`, normalised))
    case 'phone':
      return pattern(comparison('x-phone-number', 'value', normalised))
    case 'merchant_id': {
      const [acquirer = '', id = ''] = split('|')
      return pattern(comparison('x-payment-merchant', 'merchant_id', id), comparison('x-payment-merchant', 'acquirer', acquirer))
    }
    case 'merchant_descriptor':
      return pattern(comparison('x-payment-merchant', 'descriptor', normalised))
    case 'mcc':
      return pattern(comparison('x-payment-merchant', 'mcc', normalised))
    case 'acquirer_bin':
      return pattern(comparison('x-payment-acquirer', 'bin', normalised))
    case 'iban':
      return pattern(comparison('x-payment-account', 'iban', normalised))
    case 'bic':
      return pattern(comparison('x-payment-institution', 'bic', normalised))
    case 'crypto_wallet': {
      const [chain = '', address = ''] = split(':')
      return pattern(comparison('x-crypto-wallet', 'address', address), comparison('x-crypto-wallet', 'chain', chain))
    }
    case 'payment_handle': {
      const [provider = '', handle = ''] = split(':')
      return pattern(comparison('x-payment-handle', 'provider', provider), comparison('x-payment-handle', 'handle', handle))
    }
    case 'payment_processor':
      return pattern(comparison('x-payment-processor', 'name', normalised))
  }
}

/** STIX industry sectors (industry-sector-ov) for our organisation kinds. */
const sectorOf: Record<OrganisationKind, string> = {
  national_centre: 'law-enforcement',
  isp: 'telecommunications',
  hosting_provider: 'technology',
  bank: 'financial-services',
  card_scheme: 'financial-services',
  acquirer_processor: 'financial-services',
  payment_service: 'financial-services',
  crypto_exchange: 'financial-services',
  hotline_ngo: 'non-profit',
  other: 'technology',
}

const confidenceOf: Record<string, number> = { '1': 90, '2': 70, '3': 50, '4': 30 }

export type StixSource = { id: string; name: string; kind: OrganisationKind; createdAt: Date; updatedAt: Date }

export type StixIndicatorInput = {
  submissionId: string
  type: IndicatorType
  normalised: string
  /** How a person reads it: defanged for url and domain. */
  display: string
  tlp: TlpLabel
  reliability: string
  credibility: string
  personal: boolean
  untraceable: boolean
  context: string
  firstSeenAt: Date
  createdAt: Date
  updatedAt: Date
  source: StixSource
}

export const identityIdOf = (organisationId: string) => `identity--${uuidV5(`organisation:${organisationId}`)}`
export const indicatorStixIdOf = (submissionId: string) => `indicator--${uuidV5(`submission:${submissionId}`)}`

/** A STIX 2.1 bundle: the TLP markings used, one identity per source, one indicator per submission. */
export function stixBundle(items: StixIndicatorInput[]) {
  const markings = new Map<TlpLabel, ReturnType<typeof tlpMarkingDefinition>>()
  const identities = new Map<string, Record<string, unknown>>()
  const indicators: Record<string, unknown>[] = []
  for (const item of items) {
    if (!markings.has(item.tlp)) markings.set(item.tlp, tlpMarkingDefinition(item.tlp))
    const identityId = identityIdOf(item.source.id)
    if (!identities.has(identityId)) {
      const created = stamp(item.source.createdAt)
      const modified = stamp(item.source.updatedAt > item.source.createdAt ? item.source.updatedAt : item.source.createdAt)
      identities.set(identityId, {
        type: 'identity',
        spec_version: '2.1',
        id: identityId,
        created,
        modified,
        name: item.source.name,
        identity_class: 'organization',
        sectors: [sectorOf[item.source.kind]],
      })
    }
    const created = stamp(item.createdAt)
    indicators.push({
      type: 'indicator',
      spec_version: '2.1',
      id: indicatorStixIdOf(item.submissionId),
      created_by_ref: identityId,
      created,
      modified: stamp(item.updatedAt > item.createdAt ? item.updatedAt : item.createdAt),
      name: `${item.type}: ${item.display}`,
      ...(item.context ? { description: item.context } : {}),
      indicator_types: ['malicious-activity'],
      pattern: stixPattern(item.type, item.normalised),
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: stamp(item.firstSeenAt),
      confidence: confidenceOf[item.credibility] ?? 50,
      labels: ['payment-channel', item.type.replace(/_/g, '-')],
      object_marking_refs: [tlpMarkingIds[item.tlp]],
      x_pcp_indicator_type: item.type,
      x_pcp_reliability: item.reliability,
      x_pcp_credibility: item.credibility,
      x_pcp_personal: item.personal,
      ...(item.untraceable ? { x_pcp_untraceable: true } : {}),
    })
  }
  return {
    type: 'bundle',
    id: `bundle--${crypto.randomUUID()}`,
    // STIX lists are never empty: a bundle with nothing visible carries no `objects` at all.
    ...(indicators.length > 0 ? { objects: [...markings.values(), ...identities.values(), ...indicators] } : {}),
  }
}
