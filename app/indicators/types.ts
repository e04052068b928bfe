/**
 * Indicator types: one validation and ONE normal form per type, so the same signal submitted by two
 * organisations (or twice, in two spellings) gets the same `indicatorId`. Nothing here fetches,
 * resolves or looks anything up on the network.
 *
 * Call it from actions, loaders and *.server.ts modules: the wallet validator it uses touches Node's
 * `Buffer` when loaded. Components that only need to show a value import `~/indicators/defang`.
 */
import { electronicFormatIBAN, friendlyFormatIBAN, isValidBIC, validateIBAN, ValidationErrorsIBAN } from 'ibantools'
import ipaddr from 'ipaddr.js'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import walletValidator from 'multicoin-address-validator'
import bech32 from 'multicoin-address-validator/src/crypto/bech32.js'
import { parse as parseHost } from 'tldts'
import { indicatorTypes, personalIndicatorTypes, type IndicatorType } from '~/domain/vocabulary'
import { containsCardNumber } from '~/utils/card-numbers'
import { defang, refang } from './defang'

export { defang, refang } from './defang'

export type IndicatorOptions = {
  /** Chain of a crypto wallet: btc, eth, ltc, bch, xmr, trx (usdt-trc20), doge, zec, … (see `supportedChains`). */
  chain?: string
  /** Acquirer of a merchant id: its BIN (6–8 digits) or its name. */
  acquirer?: string
  /** The IBAN belongs to a natural person (flags it personal). */
  personIban?: boolean
}

export type ParsedIndicator = {
  type: IndicatorType
  /** The input, trimmed. */
  value: string
  /** The one normal form: (type, normalised) identifies the indicator. */
  normalised: string
  /** How to show it: defanged for url and domain, never a link. */
  display: string
  /** Names a natural person (e-mail, phone, payment handle, a person's IBAN). */
  personal: boolean
  /** Canonical chain of a crypto wallet. */
  chain?: string
  /** Not traceable on-chain (Monero, shielded Zcash). */
  untraceable?: boolean
  /** Registrable domain (Public Suffix List, private section included) of a domain, a URL's host or an e-mail domain. */
  registrable?: string
}

export type ParseIndicatorResult = { ok: true; indicator: ParsedIndicator } | { ok: false; error: IndicatorErrorCode }

/** Error codes, translated under `indicators:errors.<code>`. */
export const indicatorErrorCodes = [
  'empty',
  'tooLong',
  'cardNumber',
  'unknownType',
  'invalidCharacters',
  'invalidUrl',
  'urlNeedsScheme',
  'unsupportedScheme',
  'urlCredentials',
  'invalidDomain',
  'notPublicSuffix',
  'publicSuffixOnly',
  'ipNotDomain',
  'invalidIp',
  'privateIp',
  'invalidEmail',
  'phoneNeedsCountryCode',
  'invalidPhone',
  'acquirerRequired',
  'invalidAcquirer',
  'invalidMerchantId',
  'invalidDescriptor',
  'invalidBin',
  'invalidMcc',
  'invalidIban',
  'checksum',
  'invalidBic',
  'chainRequired',
  'unsupportedChain',
  'invalidAddress',
  'handleNeedsProvider',
  'invalidHandle',
  'invalidProcessor',
  'invalidHash',
  'hashAlgorithmMismatch',
] as const
export type IndicatorErrorCode = (typeof indicatorErrorCodes)[number]

/** Longest value accepted at all (the models cap `normalised` and `value` at 2048). */
export const maxIndicatorLength = 2048

type Normalised = Omit<ParsedIndicator, 'type' | 'value' | 'personal'> & { personal?: boolean }
type Step = Normalised | IndicatorErrorCode

export function isIndicatorType(type: string): type is IndicatorType {
  return (indicatorTypes as readonly string[]).includes(type)
}

export function parseIndicator(type: string, raw: string, options: IndicatorOptions = {}): ParseIndicatorResult {
  if (!isIndicatorType(type)) return { ok: false, error: 'unknownType' }
  const value = raw.trim()
  if (value === '') return { ok: false, error: 'empty' }
  if (value.length > maxIndicatorLength) return { ok: false, error: 'tooLong' }
  if ([value, options.chain ?? '', options.acquirer ?? ''].some(hasCardNumber)) return { ok: false, error: 'cardNumber' }

  const step = normalisers[type](value, options)
  if (typeof step === 'string') return { ok: false, error: step }
  if (step.normalised.length > maxIndicatorLength) return { ok: false, error: 'tooLong' }
  // Normalising can turn look-alike (full-width) digits into a card number.
  if (hasCardNumber(step.normalised)) return { ok: false, error: 'cardNumber' }

  const personal = (personalIndicatorTypes as readonly string[]).includes(type) || step.personal === true
  return { ok: true, indicator: { ...step, type, value, personal } }
}

function hasCardNumber(text: string) {
  return containsCardNumber(text) || containsCardNumber(text.normalize('NFKC'))
}

const normalisers: Record<IndicatorType, (value: string, options: IndicatorOptions) => Step> = {
  url: (value) => normaliseUrl(value),
  domain: (value) => normaliseDomain(value),
  ip: (value) => normaliseIp(value),
  email: (value) => normaliseEmail(value),
  phone: (value) => normalisePhone(value),
  merchant_id: (value, options) => normaliseMerchantId(value, options.acquirer),
  merchant_descriptor: (value) => normaliseName(value, 'upper', 200, 'invalidDescriptor'),
  acquirer_bin: (value) => digits(value, /^\d{6,8}$/, 'invalidBin'),
  mcc: (value) => digits(value, /^\d{4}$/, 'invalidMcc'),
  iban: (value, options) => normaliseIban(value, options.personIban === true),
  bic: (value) => normaliseBic(value),
  crypto_wallet: (value, options) => normaliseWallet(value, options.chain),
  payment_handle: (value) => normaliseHandle(value),
  payment_processor: (value) => normaliseName(value, 'lower', 200, 'invalidProcessor'),
  file_hash: (value) => normaliseHash(value),
}

// --- url -------------------------------------------------------------------------------------------

/** WHATWG URL, then: http(s) only, no credentials, no fragment, no trailing dot on the host, `%xx` upper-case. */
function normaliseUrl(value: string): Step {
  const text = refang(value)
  if (/[\s\p{C}]/u.test(text)) return 'invalidUrl'
  const scheme = schemeOf(text)
  if (!scheme) return 'urlNeedsScheme'
  if (scheme !== 'http' && scheme !== 'https') return 'unsupportedScheme'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'invalidUrl'
  }
  if (url.username !== '' || url.password !== '') return 'urlCredentials'
  const host = checkHost(url.hostname)
  if (typeof host === 'string') return host
  if (url.hostname !== host.hostname) url.hostname = host.hostname
  url.hash = ''
  if (url.search === '') url.search = ''
  const normalised = url.href.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase())
  return { normalised, display: defang(normalised), ...(host.registrable ? { registrable: host.registrable } : {}) }
}

/** `https` of `https://…`; `data`, `javascript` …; null for `example.com/x` or `example.com:8080/x`. */
function schemeOf(text: string) {
  const match = /^([a-z][a-z0-9+.-]*):(.?)/i.exec(text)
  if (!match?.[1] || /^\d$/.test(match[2] ?? '')) return null
  return match[1].toLowerCase()
}

/** A URL's host: a public IP address or a domain under a public suffix. */
function checkHost(hostname: string): { hostname: string; registrable?: string } | IndicatorErrorCode {
  if (hostname.startsWith('[')) {
    const ip = normaliseIp(hostname.slice(1, -1))
    if (typeof ip === 'string') return ip
    // An IPv4-mapped IPv6 host is the IPv4 host.
    return { hostname: ip.normalised.includes(':') ? `[${ip.normalised}]` : ip.normalised }
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) {
    const ip = normaliseIp(hostname)
    return typeof ip === 'string' ? ip : { hostname: ip.normalised }
  }
  const domain = normaliseDomain(hostname)
  return typeof domain === 'string' ? domain : { hostname: domain.normalised, registrable: domain.registrable }
}

// --- domain ----------------------------------------------------------------------------------------

const asciiLabel = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/
const onionV3 = /^[a-z2-7]{56}$/

/**
 * The full host, lower-case, IDNA (punycode), without the trailing dot; it must end in a suffix of the
 * Public Suffix List (ICANN or private section) and be longer than that suffix. The registrable domain
 * is returned beside it, not instead of it: a takedown targets the host, and two sites on one shared
 * platform (`a.github.io`, `b.github.io`) are different indicators.
 */
function normaliseDomain(value: string): { normalised: string; display: string; registrable: string } | IndicatorErrorCode {
  const text = refang(value)
  if (text.length > 260 || /[\s/\\?#@:%[\]<>"'`|^{}]/.test(text) || /\p{C}/u.test(text)) return 'invalidDomain'
  const host = text.endsWith('.') ? text.slice(0, -1) : text
  if (host === '' || host.split('.').includes('')) return 'invalidDomain'
  if (ipaddr.isValid(host) || /^[\d.]+$/.test(host)) return 'ipNotDomain'
  let ascii: string
  try {
    ascii = new URL(`http://${host}/`).hostname
  } catch {
    return 'invalidDomain'
  }
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1)
  if (ipaddr.IPv4.isValidFourPartDecimal(ascii)) return 'ipNotDomain'
  const labels = ascii.split('.')
  if (ascii.length > 253 || !labels.every((label) => asciiLabel.test(label))) return 'invalidDomain'
  if (labels.length < 2) return 'notPublicSuffix'
  if (/\d$/.test(labels[labels.length - 1] ?? '') || (labels[labels.length - 1] ?? '').includes('_')) return 'invalidDomain'

  const parsed = parseHost(ascii, { allowPrivateDomains: true })
  if (!parsed.isIcann && !parsed.isPrivate) return 'notPublicSuffix'
  if (!parsed.domain) return 'publicSuffixOnly'
  if (parsed.publicSuffix === 'onion' && !onionV3.test(parsed.domainWithoutSuffix ?? '')) return 'invalidDomain'
  return { normalised: ascii, display: defang(ascii), registrable: parsed.domain }
}

// --- ip --------------------------------------------------------------------------------------------

/** Addresses that identify nothing outside one network. Documentation ranges stay allowed (examples, training). */
const nonPublicRanges = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private', 'uniqueLocal'])

/** IPv4 as a plain dotted quad (no octal, hex or short forms); IPv6 compressed lower-case (RFC 5952); IPv4-mapped IPv6 → IPv4. */
function normaliseIp(value: string): Step {
  const text = refang(value)
  let normalised: string
  let range: string
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const v4 = ipaddr.IPv4.parse(text)
    ;[normalised, range] = [v4.toString(), v4.range()]
  } else if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) {
    const v6 = ipaddr.IPv6.parse(text)
    const v4 = v6.isIPv4MappedAddress() ? v6.toIPv4Address() : null
    ;[normalised, range] = v4 ? [v4.toString(), v4.range()] : [v6.toRFC5952String(), v6.range()]
  } else {
    return 'invalidIp'
  }
  if (nonPublicRanges.has(range)) return 'privateIp'
  return { normalised, display: normalised }
}

// --- email -----------------------------------------------------------------------------------------

const localPart = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u

/**
 * The whole address lower-case (every large provider treats local parts case-insensitively, and one
 * spelling per mailbox matters more than the rare one that does not), domain in punycode. Dots and
 * `+tags` are kept: what they mean differs per provider.
 */
function normaliseEmail(value: string): Step {
  const text = refang(value).replace(/^mailto:/i, '').toLowerCase()
  if (text.length > 254) return 'tooLong'
  const at = text.lastIndexOf('@')
  if (at < 1) return 'invalidEmail'
  const local = text.slice(0, at)
  if (local.length > 64 || !localPart.test(local)) return 'invalidEmail'
  const domain = normaliseDomain(text.slice(at + 1))
  if (typeof domain === 'string') return domain === 'invalidDomain' || domain === 'ipNotDomain' ? 'invalidEmail' : domain
  const normalised = `${local}@${domain.normalised}`
  return { normalised, display: normalised, registrable: domain.registrable }
}

// --- phone -----------------------------------------------------------------------------------------

/** E.164. Only international numbers (+ or 00): a national number means nothing without its country. Extensions are dropped. */
function normalisePhone(value: string): Step {
  const text = value.replace(/^tel:/i, '').replace(/^00(?=\d)/, '+')
  if (!/^\+?[\d\s().\-/]+(?:\s*(?:ext\.?|x|#)\s*\d{1,6})?$/i.test(text)) return 'invalidPhone'
  if (!text.startsWith('+')) return 'phoneNeedsCountryCode'
  const number = parsePhoneNumberFromString(text)
  if (!number || !number.isValid()) return 'invalidPhone'
  return { normalised: number.number, display: number.formatInternational() }
}

// --- merchants and card acquiring ------------------------------------------------------------------

/** NFKC, invisible format characters removed, whitespace collapsed. */
function cleanText(value: string) {
  return value.normalize('NFKC').replace(/\p{Cf}/gu, '').replace(/\s+/g, ' ').trim()
}

function normaliseName(value: string, letterCase: 'upper' | 'lower', max: number, invalid: IndicatorErrorCode): Step {
  const text = cleanText(value)
  if (text.length > max) return 'tooLong'
  if (/\p{C}/u.test(text)) return 'invalidCharacters'
  if (!/[\p{L}\p{N}]/u.test(text)) return invalid
  const normalised = (letterCase === 'upper' ? text.toUpperCase() : text.toLowerCase()).normalize('NFKC')
  return { normalised, display: normalised }
}

function digits(value: string, pattern: RegExp, invalid: IndicatorErrorCode): Step {
  const text = value.replace(/[\s-]/g, '')
  return pattern.test(text) ? { normalised: text, display: text } : invalid
}

const merchantIdPattern = /^[\p{L}\p{N}][\p{L}\p{N}._\-/#]{0,63}$/u
const acquirerNamePattern = /^[\p{L}\p{N}][\p{L}\p{N} .,&'()\-/]{0,99}$/u

/** `ACQUIRER|MERCHANTID`, upper-case, whitespace removed from the id: a merchant id means something only at its acquirer. */
function normaliseMerchantId(value: string, acquirer: string | undefined): Step {
  if (!acquirer || acquirer.trim() === '') return 'acquirerRequired'
  const acquirerKey = normaliseAcquirer(acquirer)
  if (!acquirerKey) return 'invalidAcquirer'
  const id = cleanText(value).replace(/\s/g, '').toUpperCase()
  if (!merchantIdPattern.test(id)) return id.length > 64 ? 'tooLong' : 'invalidMerchantId'
  const normalised = `${acquirerKey}|${id}`
  return { normalised, display: normalised }
}

/** A BIN (6–8 digits) or a name, upper-case with whitespace collapsed. */
function normaliseAcquirer(acquirer: string): string | null {
  const text = cleanText(acquirer).toUpperCase()
  const compact = text.replace(/[\s-]/g, '')
  if (/^\d+$/.test(compact)) return /^\d{6,8}$/.test(compact) ? compact : null
  return acquirerNamePattern.test(text) ? text : null
}

// --- banks -----------------------------------------------------------------------------------------

/** Electronic format (no spaces, upper-case) with a valid checksum; display in groups of four. */
function normaliseIban(value: string, ofPerson: boolean): Step {
  const text = electronicFormatIBAN(value.replace(/^iban[:\s]*/i, '')) ?? ''
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(text)) return 'invalidIban'
  const result = validateIBAN(text)
  if (!result.valid) {
    const checksumErrors = [ValidationErrorsIBAN.WrongIBANChecksum, ValidationErrorsIBAN.WrongAccountBankBranchChecksum]
    return result.errorCodes.every((code) => checksumErrors.includes(code)) ? 'checksum' : 'invalidIban'
  }
  return { normalised: text, display: friendlyFormatIBAN(text) ?? text, personal: ofPerson }
}

/** Upper-case; an 11-character BIC of the primary office (`…XXX`) is the same institution as its 8-character form. */
function normaliseBic(value: string): Step {
  const text = value.replace(/\s/g, '').toUpperCase()
  if (!isValidBIC(text)) return 'invalidBic'
  const normalised = text.length === 11 && text.endsWith('XXX') ? text.slice(0, 8) : text
  return { normalised, display: normalised }
}

// --- crypto wallets --------------------------------------------------------------------------------

type ChainRule = {
  /** Currency symbol the validator knows. */
  validateAs: string
  /** How the address is spelt in the normal form. */
  form: 'evm' | 'bitcoinLike' | 'cashaddr' | 'caseSensitive' | 'zcash'
  /** Every address of the chain hides the flow of funds. */
  untraceable?: boolean
}

const chainRules: Record<string, ChainRule> = {
  btc: { validateAs: 'btc', form: 'bitcoinLike' },
  eth: { validateAs: 'eth', form: 'evm' },
  bsc: { validateAs: 'eth', form: 'evm' },
  polygon: { validateAs: 'eth', form: 'evm' },
  arb: { validateAs: 'eth', form: 'evm' },
  op: { validateAs: 'eth', form: 'evm' },
  base: { validateAs: 'eth', form: 'evm' },
  etc: { validateAs: 'eth', form: 'evm' },
  ltc: { validateAs: 'ltc', form: 'bitcoinLike' },
  bch: { validateAs: 'bch', form: 'cashaddr' },
  doge: { validateAs: 'doge', form: 'caseSensitive' },
  dash: { validateAs: 'dash', form: 'caseSensitive' },
  trx: { validateAs: 'trx', form: 'caseSensitive' },
  xrp: { validateAs: 'xrp', form: 'caseSensitive' },
  sol: { validateAs: 'sol', form: 'caseSensitive' },
  xmr: { validateAs: 'xmr', form: 'caseSensitive', untraceable: true },
  zec: { validateAs: 'zec', form: 'zcash' },
}

/** Other names people write for a chain (a token names the chain it travels on). */
const chainAliases: Record<string, string> = {
  bitcoin: 'btc',
  xbt: 'btc',
  ethereum: 'eth',
  erc20: 'eth',
  'usdt-erc20': 'eth',
  'usdc-erc20': 'eth',
  bnb: 'bsc',
  bep20: 'bsc',
  'usdt-bep20': 'bsc',
  'bnb-smart-chain': 'bsc',
  'binance-smart-chain': 'bsc',
  matic: 'polygon',
  pol: 'polygon',
  arbitrum: 'arb',
  optimism: 'op',
  'ethereum-classic': 'etc',
  litecoin: 'ltc',
  bitcoincash: 'bch',
  'bitcoin-cash': 'bch',
  dogecoin: 'doge',
  tron: 'trx',
  trc20: 'trx',
  'usdt-trc20': 'trx',
  'usdc-trc20': 'trx',
  ripple: 'xrp',
  solana: 'sol',
  monero: 'xmr',
  zcash: 'zec',
}

/** Canonical chain codes accepted in `options.chain` (aliases such as `usdt-trc20` map onto these). */
export const supportedChains = Object.keys(chainRules)

export function canonicalChain(chain: string): string | null {
  const key = chain.trim().toLowerCase().replace(/[\s_]+/g, '-')
  const canonical = chainAliases[key] ?? key
  return canonical in chainRules ? canonical : null
}

/**
 * `<chain>:<address>`: EVM and bech32/cashaddr addresses lower-case, base58 addresses as written (case is
 * part of them). The chain comes from `options.chain` or from a `<chain>:` prefix of the value (so the
 * normal form parses back to itself); when both are given they must agree.
 */
function normaliseWallet(value: string, chainOption: string | undefined): Step {
  const prefix = /^([a-z][a-z0-9-]*):(.*)$/i.exec(value)
  const prefixChain = prefix?.[1] ? canonicalChain(prefix[1]) : null
  const chain = chainOption?.trim() ? chainOption : prefix?.[1]
  if (!chain) return 'chainRequired'
  const canonical = canonicalChain(chain)
  const rule = canonical ? chainRules[canonical] : undefined
  if (!canonical || !rule) return 'unsupportedChain'
  if (prefix && prefixChain !== canonical) return prefixChain ? 'invalidAddress' : 'unsupportedChain'
  const address = prefix ? (prefix[2] ?? '') : value
  if (/\s/.test(address) || address.length > 200) return 'invalidAddress'

  const wallet = walletAddress(address, rule)
  if (typeof wallet === 'string') return wallet
  const normalised = `${canonical}:${wallet.address}`
  const untraceable = rule.untraceable === true || wallet.shielded === true
  return { normalised, display: normalised, chain: canonical, untraceable }
}

function walletAddress(value: string, rule: ChainRule): { address: string; shielded?: boolean } | IndicatorErrorCode {
  switch (rule.form) {
    case 'evm': {
      if (!/^0x[0-9a-f]{40}$/i.test(value)) return 'invalidAddress'
      // Mixed case carries an EIP-55 checksum: a wrong one means a mistyped address.
      return isValidWallet(value, rule.validateAs) ? { address: value.toLowerCase() } : 'checksum'
    }
    case 'bitcoinLike': {
      if (!isValidWallet(value, rule.validateAs)) return 'invalidAddress'
      return /^(bc|ltc)1/i.test(value) ? { address: value.toLowerCase() } : { address: value }
    }
    case 'cashaddr': {
      if (!isValidWallet(value, rule.validateAs)) return 'invalidAddress'
      return /^[qp]/i.test(value) ? { address: value.toLowerCase() } : { address: value }
    }
    case 'zcash': {
      if (/^(zs|u)1/i.test(value)) return isShieldedZcash(value) ? { address: value.toLowerCase(), shielded: true } : 'invalidAddress'
      return isValidWallet(value, rule.validateAs) ? { address: value } : 'invalidAddress'
    }
    case 'caseSensitive':
      return isValidWallet(value, rule.validateAs) ? { address: value } : 'invalidAddress'
  }
}

function isValidWallet(address: string, currency: string) {
  try {
    return walletValidator.validate(address, currency)
  } catch {
    return false
  }
}

const bech32Charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'

/** Sapling (`zs1…`, bech32) and unified (`u1…`, bech32m) addresses: checksum and payload length. */
function isShieldedZcash(value: string) {
  if (value !== value.toLowerCase() && value !== value.toUpperCase()) return false
  const text = value.toLowerCase()
  const separator = text.lastIndexOf('1')
  const hrp = text.slice(0, separator)
  const data = [...text.slice(separator + 1)].map((char) => bech32Charset.indexOf(char))
  if (data.includes(-1)) return false
  if (hrp === 'zs') return data.length === 69 + 6 && bech32.verifyChecksum(hrp, data, 'bech32')
  if (hrp === 'u') return data.length >= 100 && bech32.verifyChecksum(hrp, data, 'bech32m')
  return false
}

// --- payment handles, processors, hashes -----------------------------------------------------------

const providerPattern = /^[a-z0-9][a-z0-9.]{0,39}$/

/**
 * `provider:handle`, lower-case. The provider is folded (`Cash App`, `cash-app` → `cashapp`) and one
 * leading `$` or `@` of the handle dropped (`$name`, `@name` and `name` are the same account). A handle
 * that is an e-mail address gets the e-mail normal form.
 */
function normaliseHandle(value: string): Step {
  const text = value.normalize('NFKC').replace(/\p{Cf}/gu, '')
  const colon = text.indexOf(':')
  if (colon < 1) return 'handleNeedsProvider'
  const provider = text.slice(0, colon).toLowerCase().replace(/[\s_-]+/g, '')
  if (!providerPattern.test(provider)) return 'handleNeedsProvider'
  let handle = text.slice(colon + 1).trim().toLowerCase().replace(/^[$@]/, '')
  if (handle === '' || handle.length > 200 || /[\s\p{C}]/u.test(handle) || handle.startsWith('//')) return 'invalidHandle'
  if (handle.indexOf('@') > 0) {
    const email = normaliseEmail(handle)
    if (typeof email === 'string') return 'invalidHandle'
    handle = email.normalised
  }
  const normalised = `${provider}:${handle}`
  return { normalised, display: normalised }
}

const hashLengths: Record<number, string> = { 32: 'md5', 40: 'sha1', 64: 'sha256' }

/** Lower-case hex; the algorithm follows from the length (an optional `sha256:` prefix must agree). */
function normaliseHash(value: string): Step {
  const prefixed = /^(md5|sha-?1|sha-?256)\s*[:=]\s*(.*)$/i.exec(value)
  const hex = (prefixed?.[2] ?? value).toLowerCase()
  if (!/^[0-9a-f]+$/.test(hex) || !hashLengths[hex.length]) return 'invalidHash'
  if (prefixed && prefixed[1]?.toLowerCase().replace('-', '') !== hashLengths[hex.length]) return 'hashAlgorithmMismatch'
  return { normalised: hex, display: hex }
}
