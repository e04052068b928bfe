/**
 * Full card numbers never enter the portal (card-data rules, data minimisation): any run of 13–19
 * digits, spaces or dashes allowed between them, that passes the Luhn check. A run counts whole: the
 * digits inside a longer number, an IBAN (letters before the digits) or an international phone number
 * (a leading +) are not a card number, which keeps those legitimate values out of false refusals.
 */
const CANDIDATE = /(?<![\p{L}\d+])\d(?:[ -]?\d){12,18}(?![ -]?\d)(?!\p{L})/gu

export function containsCardNumber(text: string): boolean {
  const runs = text.normalize('NFKC').match(CANDIDATE) ?? []
  return runs.some((run) => {
    const digits = run.replace(/[ -]/g, '')
    return digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)
  })
}

function passesLuhn(digits: string) {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}
