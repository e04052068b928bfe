import bech32 from 'multicoin-address-validator/src/crypto/bech32.js'
import { describe, expect, test } from 'vitest'
import { indicatorTypes } from '~/domain/vocabulary'
import { indicatorId } from '~/indicators/ids.server'
import { defang, indicatorErrorCodes, parseIndicator, refang, type IndicatorOptions } from '~/indicators/types'

function accepted(type: string, raw: string, options?: IndicatorOptions) {
  const result = parseIndicator(type, raw, options)
  if (!result.ok) throw new Error(`${type} ${JSON.stringify(raw)} refused: ${result.error}`)
  return result.indicator
}

function refusal(type: string, raw: string, options?: IndicatorOptions) {
  const result = parseIndicator(type, raw, options)
  return result.ok ? `accepted as ${result.indicator.normalised}` : result.error
}

function normalForm(type: string, raw: string, options?: IndicatorOptions) {
  return accepted(type, raw, options).normalised
}

const eip55 = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
const monero = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A'

describe('url', () => {
  test('canonical form: lower-case scheme and host, punycode, no default port, no trailing dot, no fragment; path and query keep their case', () => {
    expect(normalForm('url', 'HTTPS://Shop.Example.COM.:443/Buy/Now?Ref=AbC#top')).toBe('https://shop.example.com/Buy/Now?Ref=AbC')
    expect(normalForm('url', 'http://Bücher.Example.de/')).toBe('http://xn--bcher-kva.example.de/')
    expect(normalForm('url', 'http://example.com')).toBe('http://example.com/')
    expect(normalForm('url', 'http://example.com:80/a')).toBe('http://example.com/a')
    expect(normalForm('url', 'http://example.com:8080/a?')).toBe('http://example.com:8080/a')
    expect(normalForm('url', 'https://example.com/%7e/x%2fy')).toBe('https://example.com/%7E/x%2Fy')
    expect(normalForm('url', 'http://[2001:DB8:0:0::1]:80/x')).toBe('http://[2001:db8::1]/x')
    expect(normalForm('url', 'http://[::ffff:203.0.113.9]/x')).toBe('http://203.0.113.9/x')
  })

  test('defanged input is refanged before parsing, and the display is always defanged', () => {
    const url = accepted('url', 'hxxps://shop.example[.]com/pay')
    expect(url.normalised).toBe('https://shop.example.com/pay')
    expect(url.display).toBe('hxxps://shop[.]example[.]com/pay')
    expect(url.registrable).toBe('example.com')
    expect(normalForm('url', 'hXXp://example(.)com')).toBe('http://example.com/')
    expect(normalForm('url', 'https[:]//example[.]com/a.html')).toBe('https://example.com/a.html')
    expect(accepted('url', 'http://example.org/a.b').display).toBe('hxxp://example[.]org/a.b')
  })

  test('refuses other schemes, missing schemes, credentials, private hosts and unknown suffixes', () => {
    expect(refusal('url', 'example.com/shop')).toBe('urlNeedsScheme')
    expect(refusal('url', 'example.com:8080/shop')).toBe('urlNeedsScheme')
    expect(refusal('url', 'ftp://example.com/file')).toBe('unsupportedScheme')
    expect(refusal('url', 'javascript:alert(1)')).toBe('unsupportedScheme')
    expect(refusal('url', 'data:text/html,hello')).toBe('unsupportedScheme')
    expect(refusal('url', 'http://buyer:secret@example.com/')).toBe('urlCredentials')
    expect(refusal('url', 'http://192.168.0.10/admin')).toBe('privateIp')
    expect(refusal('url', 'http://0x7f.1/')).toBe('privateIp')
    expect(refusal('url', 'http://localhost:3000/')).toBe('notPublicSuffix')
    expect(refusal('url', 'http://shop.invalidtld/')).toBe('notPublicSuffix')
    expect(refusal('url', 'http://exa mple.com/')).toBe('invalidUrl')
    expect(refusal('url', 'http://')).toBe('invalidUrl')
  })
})

describe('domain', () => {
  test('lower-case, IDNA and no trailing dot; the registrable domain comes beside the full host', () => {
    const domain = accepted('domain', 'Bücher.Example.de.')
    expect(domain.normalised).toBe('xn--bcher-kva.example.de')
    expect(domain.registrable).toBe('example.de')
    expect(domain.display).toBe('xn--bcher-kva[.]example[.]de')
    expect(normalForm('domain', 'Bücher.DE')).toBe('xn--bcher-kva.de')
    expect(normalForm('domain', 'пример.рф')).toBe('xn--e1afmkfd.xn--p1ai')
    expect(accepted('domain', 'a.b.Shop.example.CO.UK').registrable).toBe('example.co.uk')
    expect(normalForm('domain', 'shop.example[.]com')).toBe('shop.example.com')
  })

  test('a site on a shared platform keeps its own registrable domain (private section of the list)', () => {
    expect(accepted('domain', 'seller.github.io').registrable).toBe('seller.github.io')
  })

  test('refuses hosts without a public suffix, bare suffixes, IP addresses and URLs', () => {
    expect(refusal('domain', 'Bücher.Example.')).toBe('notPublicSuffix')
    expect(refusal('domain', 'shop.internal')).toBe('notPublicSuffix')
    expect(refusal('domain', 'localhost')).toBe('notPublicSuffix')
    expect(refusal('domain', 'co.uk')).toBe('publicSuffixOnly')
    expect(refusal('domain', 'github.io')).toBe('publicSuffixOnly')
    expect(refusal('domain', '203.0.113.7')).toBe('ipNotDomain')
    expect(refusal('domain', 'https://example.com/')).toBe('invalidDomain')
    expect(refusal('domain', 'exa mple.com')).toBe('invalidDomain')
    expect(refusal('domain', 'example..com')).toBe('invalidDomain')
    expect(refusal('domain', '-bad-.example.com')).toBe('invalidDomain')
    expect(refusal('domain', `${'a'.repeat(64)}.com`)).toBe('invalidDomain')
  })

  test('onion services must be version 3 addresses', () => {
    const onion = `${'abcdefghijklmnopqrstuvwxyz234567'.repeat(2).slice(0, 56)}.onion`
    expect(normalForm('domain', onion.toUpperCase())).toBe(onion)
    expect(refusal('domain', 'shortname.onion')).toBe('invalidDomain')
  })
})

describe('ip', () => {
  test('IPv4 dotted quad, IPv6 compressed lower-case, IPv4-mapped IPv6 as IPv4', () => {
    expect(normalForm('ip', ' 203.0.113.7 ')).toBe('203.0.113.7')
    expect(normalForm('ip', '8.8.8.8')).toBe('8.8.8.8')
    expect(normalForm('ip', '2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1')
    expect(normalForm('ip', '2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1')
    expect(normalForm('ip', '::ffff:203.0.113.9')).toBe('203.0.113.9')
    expect(normalForm('ip', '::FFFF:CB00:7109')).toBe('203.0.113.9')
    expect(normalForm('ip', '203.0.113[.]7')).toBe('203.0.113.7')
  })

  test('refuses ambiguous notations, ranges, zones and addresses that identify nothing outside one network', () => {
    expect(refusal('ip', '010.0.0.1')).toBe('invalidIp')
    expect(refusal('ip', '0x7f.0.0.1')).toBe('invalidIp')
    expect(refusal('ip', '127.1')).toBe('invalidIp')
    expect(refusal('ip', '256.1.1.1')).toBe('invalidIp')
    expect(refusal('ip', '203.0.113.0/24')).toBe('invalidIp')
    expect(refusal('ip', 'fe80::1%eth0')).toBe('invalidIp')
    expect(refusal('ip', 'example.com')).toBe('invalidIp')
    for (const address of ['10.1.2.3', '192.168.1.1', '172.16.0.1', '127.0.0.1', '0.0.0.0', '100.64.0.1', '169.254.1.1', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(refusal('ip', address), address).toBe('privateIp')
    }
  })
})

describe('email', () => {
  test('whole address lower-case, domain in punycode; personal', () => {
    const email = accepted('email', 'Alice.Smith+shop@Bücher.DE')
    expect(email.normalised).toBe('alice.smith+shop@xn--bcher-kva.de')
    expect(email.personal).toBe(true)
    expect(email.registrable).toBe('xn--bcher-kva.de')
    expect(normalForm('email', 'mailto:Seller@Example.com')).toBe('seller@example.com')
    expect(normalForm('email', 'seller[@]example[.]com')).toBe('seller@example.com')
  })

  test('refuses malformed addresses and domains without a public suffix', () => {
    expect(refusal('email', 'seller.example.com')).toBe('invalidEmail')
    expect(refusal('email', '@example.com')).toBe('invalidEmail')
    expect(refusal('email', 'a..b@example.com')).toBe('invalidEmail')
    expect(refusal('email', '"quoted"@example.com')).toBe('invalidEmail')
    expect(refusal('email', 'seller@203.0.113.7')).toBe('invalidEmail')
    expect(refusal('email', 'seller@shop.internal')).toBe('notPublicSuffix')
    expect(refusal('email', `${'a'.repeat(65)}@example.com`)).toBe('invalidEmail')
  })
})

describe('phone', () => {
  test('E.164 from international notations; personal', () => {
    const phone = accepted('phone', '+44 20 7946 0958')
    expect(phone.normalised).toBe('+442079460958')
    expect(phone.display).toBe('+44 20 7946 0958')
    expect(phone.personal).toBe(true)
    expect(normalForm('phone', '0044 (20) 7946-0958')).toBe('+442079460958')
    expect(normalForm('phone', 'tel:+1-202-555-0143')).toBe('+12025550143')
    expect(normalForm('phone', '+7 495 123-45-67')).toBe('+74951234567')
    expect(normalForm('phone', '+44 20 7946 0958 ext. 12')).toBe('+442079460958')
  })

  test('refuses national numbers, impossible numbers and text', () => {
    expect(refusal('phone', '020 7946 0958')).toBe('phoneNeedsCountryCode')
    expect(refusal('phone', '+44 20 79')).toBe('invalidPhone')
    expect(refusal('phone', '+999 1234 5678')).toBe('invalidPhone')
    expect(refusal('phone', 'call +44 20 7946 0958')).toBe('invalidPhone')
  })
})

describe('card acquiring', () => {
  test('a merchant id is normalised with its acquirer, upper-case, and needs one', () => {
    expect(normalForm('merchant_id', ' mid-0042 7781 ', { acquirer: '  Acme   Merchant Services ' })).toBe('ACME MERCHANT SERVICES|MID-00427781')
    expect(normalForm('merchant_id', '000123456', { acquirer: '412 345' })).toBe('412345|000123456')
    expect(refusal('merchant_id', '000123456')).toBe('acquirerRequired')
    expect(refusal('merchant_id', '000123456', { acquirer: '  ' })).toBe('acquirerRequired')
    expect(refusal('merchant_id', '000123456', { acquirer: '1234' })).toBe('invalidAcquirer')
    expect(refusal('merchant_id', '000123456', { acquirer: 'Acme|Bank' })).toBe('invalidAcquirer')
    expect(refusal('merchant_id', 'a|b', { acquirer: 'Acme' })).toBe('invalidMerchantId')
    expect(refusal('merchant_id', 'M'.repeat(65), { acquirer: 'Acme' })).toBe('tooLong')
  })

  test('a merchant descriptor has its whitespace collapsed and is upper-cased', () => {
    expect(normalForm('merchant_descriptor', '  sq *acme   shop\tlondon ')).toBe('SQ *ACME SHOP LONDON')
    expect(normalForm('merchant_descriptor', 'ＡＣＭＥ\u200b shop')).toBe('ACME SHOP')
    expect(refusal('merchant_descriptor', '*** ---')).toBe('invalidDescriptor')
    expect(refusal('merchant_descriptor', 'ACME\u0000SHOP')).toBe('invalidCharacters')
    expect(refusal('merchant_descriptor', 'A'.repeat(201))).toBe('tooLong')
  })

  test('acquirer BIN of 6 to 8 digits; MCC of exactly 4 digits', () => {
    expect(normalForm('acquirer_bin', '412345')).toBe('412345')
    expect(normalForm('acquirer_bin', '4123 4567')).toBe('41234567')
    expect(refusal('acquirer_bin', '41234')).toBe('invalidBin')
    expect(refusal('acquirer_bin', '412345678')).toBe('invalidBin')
    expect(refusal('acquirer_bin', '41234A')).toBe('invalidBin')
    expect(normalForm('mcc', '5967')).toBe('5967')
    expect(refusal('mcc', '596')).toBe('invalidMcc')
    expect(refusal('mcc', '59670')).toBe('invalidMcc')
    expect(refusal('mcc', 'ABCD')).toBe('invalidMcc')
  })

  test('a payment processor name is collapsed and lower-cased', () => {
    expect(normalForm('payment_processor', '  Acme   PAY  Ltd ')).toBe('acme pay ltd')
    expect(refusal('payment_processor', '---')).toBe('invalidProcessor')
  })
})

describe('banks', () => {
  test('IBAN: electronic format whatever the spacing and case; display in groups of four', () => {
    const iban = accepted('iban', ' de89 3704 0044 0532 0130 00 ')
    expect(iban.normalised).toBe('DE89370400440532013000')
    expect(iban.display).toBe('DE89 3704 0044 0532 0130 00')
    expect(iban.personal).toBe(false)
    expect(normalForm('iban', 'GB29NWBK60161331926819')).toBe('GB29NWBK60161331926819')
    expect(normalForm('iban', 'IBAN: fr14 2004 1010 0505 0001 3m02 606')).toBe('FR1420041010050500013M02606')
  })

  test('IBAN: a wrong check digit is a checksum error, a malformed one is invalid; a person’s IBAN is personal', () => {
    expect(refusal('iban', 'DE88370400440532013000')).toBe('checksum')
    expect(refusal('iban', 'GB29 NWBK 6016 1331 9268 18')).toBe('checksum')
    expect(refusal('iban', 'DE8937040044053201300')).toBe('invalidIban')
    expect(refusal('iban', 'XX89370400440532013000')).toBe('invalidIban')
    expect(refusal('iban', 'not an iban')).toBe('invalidIban')
    expect(accepted('iban', 'DE89370400440532013000', { personIban: true }).personal).toBe(true)
  })

  test('BIC: upper-case, 8 or 11 characters; the primary office (XXX) is its 8-character form', () => {
    expect(normalForm('bic', 'deutdeff')).toBe('DEUTDEFF')
    expect(normalForm('bic', 'DEUTDEFFXXX')).toBe('DEUTDEFF')
    expect(normalForm('bic', 'deut de ff 500')).toBe('DEUTDEFF500')
    expect(refusal('bic', 'DEUTDEF')).toBe('invalidBic')
    expect(refusal('bic', 'DEUTZZFF')).toBe('invalidBic')
    expect(refusal('bic', 'DEUTDEFF5000')).toBe('invalidBic')
  })
})

describe('crypto wallets', () => {
  test('Ethereum: a valid EIP-55 mixed-case address is accepted and stored lower-case; a wrong case is refused', () => {
    const wallet = accepted('crypto_wallet', eip55, { chain: 'ETH' })
    expect(wallet.normalised).toBe(`eth:${eip55.toLowerCase()}`)
    expect(wallet.chain).toBe('eth')
    expect(wallet.untraceable).toBe(false)
    expect(normalForm('crypto_wallet', eip55.toLowerCase(), { chain: 'ethereum' })).toBe(`eth:${eip55.toLowerCase()}`)
    expect(normalForm('crypto_wallet', `0x${eip55.slice(2).toUpperCase()}`, { chain: 'eth' })).toBe(`eth:${eip55.toLowerCase()}`)
    expect(refusal('crypto_wallet', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', { chain: 'eth' })).toBe('checksum')
    expect(refusal('crypto_wallet', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea', { chain: 'eth' })).toBe('invalidAddress')
    expect(normalForm('crypto_wallet', eip55, { chain: 'BEP20' })).toBe(`bsc:${eip55.toLowerCase()}`)
  })

  test('Bitcoin and Litecoin: base58 keeps its case, bech32 is lower-cased; a bad checksum is refused', () => {
    expect(normalForm('crypto_wallet', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', { chain: 'btc' })).toBe('btc:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')
    expect(normalForm('crypto_wallet', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', { chain: 'bitcoin' })).toBe('btc:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')
    expect(normalForm('crypto_wallet', 'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ', { chain: 'btc' })).toBe('btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')
    expect(refusal('crypto_wallet', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', { chain: 'btc' })).toBe('invalidAddress')
    expect(refusal('crypto_wallet', '1bvbmseystwetqtfn5au4m4gfg7xjanvn2', { chain: 'btc' })).toBe('invalidAddress')
    expect(normalForm('crypto_wallet', 'LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9', { chain: 'litecoin' })).toBe('ltc:LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9')
    expect(refusal('crypto_wallet', eip55, { chain: 'btc' })).toBe('invalidAddress')
  })

  test('Tron (USDT-TRC20 maps to trx), Dogecoin, Bitcoin Cash cashaddr', () => {
    const tron = accepted('crypto_wallet', 'TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL', { chain: 'USDT-TRC20' })
    expect(tron.normalised).toBe('trx:TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL')
    expect(tron.chain).toBe('trx')
    expect(normalForm('crypto_wallet', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L', { chain: 'doge' })).toBe('doge:DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L')
    expect(normalForm('crypto_wallet', 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', { chain: 'bch' })).toBe('bch:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a')
    expect(normalForm('crypto_wallet', 'QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A', { chain: 'bch' })).toBe('bch:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a')
  })

  test('Monero and shielded Zcash are marked untraceable; transparent Zcash is not', () => {
    const xmr = accepted('crypto_wallet', monero, { chain: 'monero' })
    expect(xmr.normalised).toBe(`xmr:${monero}`)
    expect(xmr.untraceable).toBe(true)
    expect(refusal('crypto_wallet', `${monero.slice(0, -1)}B`, { chain: 'xmr' })).toBe('invalidAddress')

    const sapling = bech32.encode('zs', Array.from({ length: 69 }, (_, i) => (i * 7) % 32), 'bech32')
    expect(sapling).toHaveLength(78)
    const shielded = accepted('crypto_wallet', sapling.toUpperCase(), { chain: 'zcash' })
    expect(shielded.normalised).toBe(`zec:${sapling}`)
    expect(shielded.untraceable).toBe(true)
    expect(refusal('crypto_wallet', `${sapling.slice(0, -1)}${sapling.endsWith('q') ? 'p' : 'q'}`, { chain: 'zec' })).toBe('invalidAddress')

    const transparent = accepted('crypto_wallet', 't1U9yhDa5XEjgfnTgZoKddeSiEN1aoLkQxq', { chain: 'zec' })
    expect(transparent.untraceable).toBe(false)
  })

  test('the chain is required and must be supported; a chain prefix in the value must agree with it', () => {
    expect(refusal('crypto_wallet', eip55)).toBe('chainRequired')
    expect(refusal('crypto_wallet', eip55, { chain: 'notachain' })).toBe('unsupportedChain')
    expect(normalForm('crypto_wallet', `eth:${eip55}`)).toBe(`eth:${eip55.toLowerCase()}`)
    expect(refusal('crypto_wallet', `eth:${eip55}`, { chain: 'btc' })).toBe('invalidAddress')
    expect(refusal('crypto_wallet', `foo:${eip55}`, { chain: 'eth' })).toBe('unsupportedChain')
  })
})

describe('payment handles and file hashes', () => {
  test('payment handle: provider:handle, lower-case, sigil dropped; personal', () => {
    const handle = accepted('payment_handle', 'Cash App:$SellerName')
    expect(handle.normalised).toBe('cashapp:sellername')
    expect(handle.personal).toBe(true)
    expect(normalForm('payment_handle', 'revolut:@Seller')).toBe('revolut:seller')
    expect(normalForm('payment_handle', 'PayPal: Seller@Example.COM')).toBe('paypal:seller@example.com')
    expect(refusal('payment_handle', 'sellername')).toBe('handleNeedsProvider')
    expect(refusal('payment_handle', ':sellername')).toBe('handleNeedsProvider')
    expect(refusal('payment_handle', 'paypal:')).toBe('invalidHandle')
    expect(refusal('payment_handle', 'paypal:two words')).toBe('invalidHandle')
    expect(refusal('payment_handle', 'https://paypal.me/seller')).toBe('invalidHandle')
    expect(refusal('payment_handle', 'paypal:seller@shop.internal')).toBe('invalidHandle')
  })

  test('file hash: md5, sha1 and sha256 told apart by length, lower-case; an algorithm prefix must agree', () => {
    const md5 = 'D41D8CD98F00B204E9800998ECF8427E'
    const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    expect(normalForm('file_hash', md5)).toBe(md5.toLowerCase())
    expect(normalForm('file_hash', sha1)).toBe(sha1)
    expect(normalForm('file_hash', `SHA-256: ${sha256.toUpperCase()}`)).toBe(sha256)
    expect(refusal('file_hash', sha256.slice(0, 63))).toBe('invalidHash')
    expect(refusal('file_hash', `${sha1}00`)).toBe('invalidHash')
    expect(refusal('file_hash', `${md5.slice(0, 31)}g`)).toBe('invalidHash')
    expect(refusal('file_hash', `md5:${sha256}`)).toBe('hashAlgorithmMismatch')
  })
})

describe('every type', () => {
  // Luhn-valid test card numbers, embedded the way they turn up in real submissions.
  const withCardNumbers: [string, string, IndicatorOptions?][] = [
    ['url', 'https://shop.example.com/pay?pan=4111111111111111'],
    ['domain', '4111111111111111.example.com'],
    ['ip', '203.0.113.7 card 4111 1111 1111 1111'],
    ['email', '4111111111111111@example.com'],
    ['phone', '+4111111111111111'],
    ['merchant_id', '4111111111111111', { acquirer: 'Acme Merchant Services' }],
    ['merchant_id', '000123456', { acquirer: '4111-1111-1111-1111' }],
    ['merchant_descriptor', 'ACME SHOP 5500 0000 0000 0004'],
    ['merchant_descriptor', 'ACME ４１１１１１１１１１１１１１１１'],
    ['acquirer_bin', '4111111111111111'],
    ['mcc', '5967 4111111111111111'],
    ['iban', 'DE89 3704 0044 0532 0130 00, paid with 4111 1111 1111 1111'],
    ['bic', 'DEUTDEFF 378282246310005'],
    ['crypto_wallet', '4111111111111111', { chain: 'btc' }],
    ['payment_handle', 'paypal:4111111111111111'],
    ['payment_processor', 'Acme Pay card 6011111111111117'],
    ['file_hash', `${'a'.repeat(32)} 4111111111111111`],
  ]

  test('a Luhn-valid card number anywhere in the value or its options is refused, whatever the type', () => {
    expect(new Set(withCardNumbers.map(([type]) => type))).toEqual(new Set(indicatorTypes))
    for (const [type, raw, options] of withCardNumbers) {
      expect(refusal(type, raw, options), `${type} ${raw}`).toBe('cardNumber')
    }
  })

  test('empty, oversized and unknown input is refused with its own code', () => {
    for (const type of indicatorTypes) {
      expect(refusal(type, '   '), type).toBe('empty')
      expect(refusal(type, 'a'.repeat(2049)), type).toBe('tooLong')
    }
    expect(refusal('password', 'secret')).toBe('unknownType')
  })

  test('only e-mail, phone, payment handles and a person’s IBAN are personal', () => {
    expect(accepted('domain', 'example.com').personal).toBe(false)
    expect(accepted('crypto_wallet', eip55, { chain: 'eth' }).personal).toBe(false)
    expect(accepted('merchant_descriptor', 'ACME').personal).toBe(false)
  })

  const valid: [string, string, IndicatorOptions?][] = [
    ['url', 'HTTPS://Bücher.Example.de.:443/Path/%7e?q=A#frag'],
    ['url', 'hxxp://[2001:DB8::1]:8080'],
    ['domain', 'Bücher.Example.de.'],
    ['ip', '2001:0DB8:0000:0000:0000:0000:0000:0001'],
    ['ip', '::ffff:203.0.113.9'],
    ['email', 'Alice.Smith@Bücher.DE'],
    ['phone', '0044 20 7946 0958'],
    ['merchant_id', 'mid 42', { acquirer: 'acme  bank' }],
    ['merchant_descriptor', ' sq *acme  shop '],
    ['acquirer_bin', '4123 45'],
    ['mcc', '5967'],
    ['iban', 'de89 3704 0044 0532 0130 00'],
    ['bic', 'deutdeffxxx'],
    ['crypto_wallet', eip55, { chain: 'ethereum' }],
    ['crypto_wallet', 'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ', { chain: 'btc' }],
    ['crypto_wallet', monero, { chain: 'xmr' }],
    ['payment_handle', 'Cash App:$Name'],
    ['payment_processor', ' Acme  PAY '],
    ['file_hash', 'MD5:D41D8CD98F00B204E9800998ECF8427E'],
  ]

  test('each normal form is stable: parsing it again gives the same normal form', () => {
    expect(new Set(valid.map(([type]) => type))).toEqual(new Set(indicatorTypes))
    for (const [type, raw, options] of valid) {
      const first = accepted(type, raw, options)
      // A merchant id's normal form carries its acquirer: parse the id back with that acquirer.
      const [again, againOptions] =
        type === 'merchant_id' ? [first.normalised.split('|')[1] ?? '', { acquirer: first.normalised.split('|')[0] }] : [first.normalised, options]
      expect(normalForm(type, again, againOptions), `${type} ${raw}`).toBe(first.normalised)
      expect(first.value).toBe(raw.trim())
    }
  })
})

describe('defang and ids', () => {
  test('defang makes URLs and domains inert, refang undoes it, and defanging twice changes nothing', () => {
    expect(defang('https://shop.example.com/a.php?x=1.2')).toBe('hxxps://shop[.]example[.]com/a.php?x=1.2')
    expect(defang('http://example.com')).toBe('hxxp://example[.]com')
    expect(defang('shop.example.com')).toBe('shop[.]example[.]com')
    expect(defang(defang('https://shop.example.com/'))).toBe('hxxps://shop[.]example[.]com/')
    expect(refang('hxxps://shop[.]example[.]com/')).toBe('https://shop.example.com/')
  })

  test('an indicator id is the sha256 of type and normal form: same value, same id; other type, other id', () => {
    const id = indicatorId('domain', 'example.com')
    expect(id).toMatch(/^[0-9a-f]{64}$/)
    // printf 'domain\0example.com' | sha256sum
    expect(id).toBe('05d504ff83cf98ff7d8bb10b50ef552f84855ac3dcb47fb6f0aed65f7a51becf')
    expect(indicatorId('domain', normalForm('domain', 'EXAMPLE.com.'))).toBe(id)
    expect(indicatorId('url', 'example.com')).not.toBe(id)
    expect(indicatorId('domain', 'example.co')).not.toBe(id)
  })

  test('every error code is a short identifier other modules can translate', () => {
    for (const code of indicatorErrorCodes) expect(code).toMatch(/^[a-z][A-Za-z]+$/)
  })
})
