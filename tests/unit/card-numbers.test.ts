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
