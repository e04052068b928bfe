import type { IndicatorType, TlpLabel } from '~/domain/vocabulary'
import { linkIndicatorToTask, recordSighting, retractSubmission } from '~/indicators/indicators.server'
import type { SightingKind } from '~/indicators/shared'
import { submitIndicatorBatch, type IndicatorRow } from '~/indicators/submit.server'
import type { SeededTasks, InitiativeKey } from './seed-tasks'

const DAY = 24 * 60 * 60 * 1000

/**
 * The demo's payment-channel indicators, submitted through the same functions as the forms: one or
 * more of every type, every TLP label, spread over the initiatives, with sightings by several
 * organisations, personal data whose review is due within two weeks, one retracted indicator and tasks
 * that carry indicators (one of them back with its centre for review after the retraction).
 */

type SeedIndicator = {
  key: string
  by: string
  type: IndicatorType
  value: string
  tlp: TlpLabel
  initiative?: InitiativeKey
  reliability: 'A' | 'B' | 'C' | 'X'
  credibility: '1' | '2' | '3' | '4'
  context: string
  chain?: string
  acquirer?: string
  personal?: boolean
  redRecipients?: string[]
  /** Submitted this many days ago (personal data then reaches its six-month review soon). */
  daysAgo?: number
}

export const demoIndicators: SeedIndicator[] = [
  {
    key: 'checkoutUrl',
    by: 'admin@nordlink.example',
    type: 'url',
    value: 'https://brightmedia-store.example.com/checkout?plan=vip',
    tlp: 'GREEN',
    initiative: 'bright',
    reliability: 'B',
    credibility: '2',
    context: 'Checkout page of the storefront, seen on the national blocking list feed.',
  },
  {
    key: 'storefront',
    by: 'staff@nl-centre.example',
    type: 'domain',
    value: 'brightmedia-store.example.com',
    tlp: 'AMBER',
    initiative: 'bright',
    reliability: 'A',
    credibility: '1',
    context: 'Main storefront domain of the network (case NL-2026-118).',
  },
  {
    key: 'cdn',
    by: 'admin@nordlink.example',
    type: 'domain',
    value: 'brightmedia-cdn.example.net',
    tlp: 'GREEN',
    initiative: 'bright',
    reliability: 'C',
    credibility: '3',
    context: 'Host serving the storefront assets.',
  },
  {
    key: 'origin',
    by: 'admin@cloudharbour.example',
    type: 'ip',
    value: '203.0.113.45',
    tlp: 'CLEAR',
    reliability: 'B',
    credibility: '2',
    context: 'Origin server of the storefront before the takedown.',
  },
  {
    key: 'sellerEmail',
    by: 'member@swiftpurse.example',
    type: 'email',
    value: 'payouts.brightseller@mail.example.org',
    tlp: 'AMBER',
    initiative: 'handles',
    reliability: 'B',
    credibility: '2',
    context: 'E-mail address of the e-wallet account receiving the payouts.',
    daysAgo: 175,
  },
  {
    key: 'sellerPhone',
    by: 'member@meridian.example',
    type: 'phone',
    value: '+44 20 7946 0958',
    tlp: 'AMBER+STRICT',
    initiative: 'bright',
    reliability: 'B',
    credibility: '3',
    context: 'Phone number of the holder of the payout account.',
    daysAgo: 176,
  },
  {
    key: 'merchant',
    by: 'member@atlas.example',
    type: 'merchant_id',
    value: 'MID-00427781',
    acquirer: 'Atlas Merchant Services',
    tlp: 'AMBER',
    initiative: 'bright',
    reliability: 'A',
    credibility: '1',
    context: 'Merchant account behind BRIGHTMEDIA*SVC (terminated, MATCH reason 13).',
  },
  {
    key: 'descriptor',
    by: 'member@orbis.example',
    type: 'merchant_descriptor',
    value: 'BRIGHTMEDIA*SVC',
    tlp: 'GREEN',
    initiative: 'bright',
    reliability: 'A',
    credibility: '2',
    context: 'Descriptor on the test purchase of 12 November.',
  },
  {
    key: 'bin',
    by: 'member@orbis.example',
    type: 'acquirer_bin',
    value: '412345',
    tlp: 'RED',
    initiative: 'bright',
    reliability: 'A',
    credibility: '1',
    context: 'Acquirer BIN of the transactions; shared with the acquirer’s compliance lead only.',
    redRecipients: ['admin@atlas.example'],
  },
  {
    key: 'mcc',
    by: 'admin@unity.example',
    type: 'mcc',
    value: '5967',
    tlp: 'CLEAR',
    initiative: 'wallets',
    reliability: 'B',
    credibility: '2',
    context: 'Merchant category used as a front (direct marketing, inbound teleservices).',
  },
  {
    key: 'payoutIban',
    by: 'member@meridian.example',
    type: 'iban',
    value: 'GB29 NWBK 6016 1331 9268 19',
    personal: true,
    tlp: 'AMBER',
    initiative: 'wallets',
    reliability: 'B',
    credibility: '2',
    context: 'Personal account funding the exchange on-ramp.',
    daysAgo: 172,
  },
  {
    key: 'bic',
    by: 'admin@rhone.example',
    type: 'bic',
    value: 'DEUTDEFF',
    tlp: 'GREEN',
    initiative: 'wallets',
    reliability: 'C',
    credibility: '3',
    context: 'Institution of the settlement account named by the reseller.',
  },
  {
    key: 'btcWallet',
    by: 'member@keystone.example',
    type: 'crypto_wallet',
    chain: 'btc',
    value: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
    tlp: 'AMBER+STRICT',
    initiative: 'wallets',
    reliability: 'A',
    credibility: '2',
    context: 'Deposit address of cluster 17 published on the checkout page.',
  },
  {
    key: 'xmrWallet',
    by: 'member@keystone.example',
    type: 'crypto_wallet',
    chain: 'xmr',
    value: '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A',
    tlp: 'AMBER',
    initiative: 'wallets',
    reliability: 'B',
    credibility: '3',
    context: 'Monero address offered as an alternative payment: not traceable on-chain.',
  },
  {
    key: 'handle',
    by: 'member@swiftpurse.example',
    type: 'payment_handle',
    value: 'Cash App:$BrightSeller',
    tlp: 'RED',
    initiative: 'handles',
    reliability: 'B',
    credibility: '2',
    context: 'P2P handle advertised by a resale channel; for the initiative lead only.',
    redRecipients: ['staff@kz-centre.example'],
  },
  {
    key: 'processor',
    by: 'staff@fr-centre.example',
    type: 'payment_processor',
    value: 'PayLink EU',
    tlp: 'GREEN',
    initiative: 'wallets',
    reliability: 'C',
    credibility: '2',
    context: 'Reseller in the settlement chain of the card top-ups.',
  },
  {
    key: 'bannerHash',
    by: 'staff@nl-centre.example',
    type: 'file_hash',
    value: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    tlp: 'CLEAR',
    reliability: 'B',
    credibility: '2',
    context: 'Hash of the payment banner file (reference only; no file is stored).',
  },
]

/** A second organisation's statement about a value already known: it attaches to the same indicator. */
const secondStatements: SeedIndicator[] = [
  {
    key: 'descriptor',
    by: 'member@meridian.example',
    type: 'merchant_descriptor',
    value: 'brightmedia*svc',
    tlp: 'AMBER',
    initiative: 'bright',
    reliability: 'B',
    credibility: '2',
    context: 'Seen on card statements of two customers who complained.',
  },
]

const sightings: { key: string; by: string; kind: SightingKind; daysAgo: number; count: number; tlp: TlpLabel }[] = [
  { key: 'descriptor', by: 'member@atlas.example', kind: 'matched', daysAgo: 6, count: 2, tlp: 'AMBER' },
  { key: 'merchant', by: 'member@meridian.example', kind: 'processed', daysAgo: 4, count: 14, tlp: 'AMBER' },
  { key: 'storefront', by: 'admin@nordlink.example', kind: 'seen', daysAgo: 3, count: 120, tlp: 'GREEN' },
  { key: 'checkoutUrl', by: 'admin@cloudharbour.example', kind: 'seen', daysAgo: 5, count: 1, tlp: 'GREEN' },
  { key: 'bic', by: 'member@swiftpurse.example', kind: 'no_match', daysAgo: 2, count: 1, tlp: 'GREEN' },
  { key: 'cdn', by: 'admin@cloudharbour.example', kind: 'seen', daysAgo: 8, count: 3, tlp: 'GREEN' },
  { key: 'xmrWallet', by: 'member@swiftpurse.example', kind: 'no_match', daysAgo: 1, count: 1, tlp: 'AMBER' },
]

/** Tasks of the demo that carry indicators (linked by their owning centre). */
const taskLinks: { task: string; by: string; keys: string[] }[] = [
  { task: 'Investigate and terminate merchant BRIGHTMEDIA*SVC', by: 'staff@nl-centre.example', keys: ['descriptor', 'merchant', 'storefront'] },
  { task: 'Block the storefront mirror URLs', by: 'staff@nl-centre.example', keys: ['checkoutUrl', 'cdn'] },
  { task: 'Screen wallets published on the storefront checkout', by: 'staff@fr-centre.example', keys: ['btcWallet', 'xmrWallet'] },
]

/** The retracted one: the CDN host turned out to be shared by thousands of unrelated sites. */
const retraction = { key: 'cdn', by: 'admin@nordlink.example', reason: 'Shared CDN host serving thousands of unrelated sites: not part of the network.' }

export async function seedDemoIndicators({ initiatives, tasks, viewerOf }: Pick<SeededTasks, 'initiatives' | 'tasks' | 'viewerOf'>) {
  const ids = new Map<string, string>()
  for (const item of [...demoIndicators, ...secondStatements]) {
    const viewer = await viewerOf(item.by)
    const redRecipientIds = item.redRecipients ? await Promise.all(item.redRecipients.map(async (email) => (await viewerOf(email)).userId)) : undefined
    const row: IndicatorRow = {
      type: item.type,
      value: item.value,
      chain: item.chain,
      acquirer: item.acquirer,
      tlp: item.tlp,
      reliability: item.reliability,
      credibility: item.credibility,
      context: item.context,
      personal: item.personal,
      initiativeId: item.initiative ? initiatives.get(item.initiative) : undefined,
      redRecipientIds,
    }
    const now = item.daysAgo ? new Date(Date.now() - item.daysAgo * DAY) : new Date()
    const result = await submitIndicatorBatch(viewer, [row], { source: 'form', now })
    const [id] = result.ids
    if (result.rejected.length > 0 || !id) throw new Error(`seed: indicator ${item.key} refused: ${JSON.stringify(result.rejected)}`)
    ids.set(item.key, id)
  }
  const idOf = (key: string) => {
    const id = ids.get(key)
    if (!id) throw new Error(`seed: no indicator ${key}`)
    return id
  }

  for (const sighting of sightings) {
    await recordSighting(await viewerOf(sighting.by), idOf(sighting.key), {
      kind: sighting.kind,
      at: new Date(Date.now() - sighting.daysAgo * DAY),
      count: sighting.count,
      tlp: sighting.tlp,
    })
  }

  for (const link of taskLinks) {
    const taskId = tasks.get(link.task)
    if (!taskId) throw new Error(`seed: no task "${link.task}"`)
    const owner = await viewerOf(link.by)
    for (const key of link.keys) await linkIndicatorToTask(owner, taskId, idOf(key))
  }

  await retractSubmission(await viewerOf(retraction.by), idOf(retraction.key), { reason: retraction.reason })
  return ids.size
}
