import { expect, test } from 'vitest'
import { containsCardNumber } from '~/utils/card-numbers'

test('Luhn-valid numbers of 13 to 19 digits are found, with or without separators, inside text', () => {
  for (const text of [
    '4111111111111111',
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    'test purchase with card 5500 0000 0000 0004 at 14:02',
    '378282246310005',
    '6011111111111117',
    '4222222222222',
  ]) {
    expect(containsCardNumber(text), text).toBe(true)
  }
})

test('other numbers pass: wrong checksum, too short, too long, last four digits, references', () => {
  for (const text of ['4111111111111112', '411111111111', 'card ending 1111', 'STR-2026-000123', 'IBAN DE89 3704 0044 0532 0130 00', '12345678901234567890']) {
    expect(containsCardNumber(text), text).toBe(false)
  }
})

test('IBANs, international phone numbers and longer numbers are not mistaken for card numbers', () => {
  // Each of these contains a Luhn-valid run of 13–19 digits inside a longer value.
  for (const text of ['DE02120300000000202051', 'GB82 WEST 1234 5698 7654 32', '+4915112345678', '12345678901234567890123']) {
    expect(containsCardNumber(text), text).toBe(false)
  }
  // Full-width digits are normalised first.
  expect(containsCardNumber('４１１１１１１１１１１１１１１１')).toBe(true)
})
