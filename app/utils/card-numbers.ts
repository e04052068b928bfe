/**
 * Full card numbers never enter the portal (card-data rules, data minimisation): any run of 13–19
 * digits, spaces or dashes allowed between them, that passes the Luhn check. IBANs and international
 * phone numbers (at most 15 digits after a +) are set aside first, and a run counts whole (digits
 * inside a longer number or a word, such as a hash or an id, are not a card number): this keeps those legitimate values out of false
 * refusals while a card number next to them is still found.
 */
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g
const PHONE = /\+(?:[ -]?\d){7,15}(?![ -]?\d)/g
const CANDIDATE = /(?<![\p{L}\d])\d(?:[ -]?\d){12,18}(?![ -]?\d)(?!\p{L})/gu

export function containsCardNumber(text: string): boolean {
  const scanned = text.normalize('NFKC').replace(IBAN, ' ').replace(PHONE, ' ')
  const runs = scanned.match(CANDIDATE) ?? []
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
