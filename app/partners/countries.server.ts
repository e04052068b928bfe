import countries from 'i18n-iso-countries'
import { fallbackLanguage, isLanguage, type Language } from '~/utils/i18n'

// The Node entry of i18n-iso-countries registers every language; names are resolved on the server
// and sent to the page, so the browser bundle carries no country tables.

export type CountryOption = { code: string; name: string }

const alpha2Codes = Object.keys(countries.getAlpha2Codes())
const optionsCache = new Map<Language, CountryOption[]>()

/** ISO 3166-1 alpha-2 codes the portal accepts. */
export function isCountryCode(code: string) {
  return alpha2Codes.includes(code)
}

function languageOf(locale: string | null | undefined): Language {
  return isLanguage(locale) ? locale : fallbackLanguage
}

/** A country's name in the reader's language; an unknown code is shown as itself. */
export function countryName(code: string, locale: string | null | undefined) {
  return countries.getName(code, languageOf(locale)) ?? code
}

/** Every country (or only `codes`), by name in the reader's language and sorted by its collation. */
export function countryOptions(locale: string | null | undefined, codes?: readonly string[]): CountryOption[] {
  const language = languageOf(locale)
  let all = optionsCache.get(language)
  if (!all) {
    const collator = new Intl.Collator(language)
    all = alpha2Codes
      .map((code) => ({ code, name: countryName(code, language) }))
      .sort((a, b) => collator.compare(a.name, b.name))
    optionsCache.set(language, all)
  }
  if (!codes) return all
  const known = all.filter((option) => codes.includes(option.code))
  const unknown = codes.filter((code) => !isCountryCode(code)).map((code) => ({ code, name: code }))
  return [...known, ...unknown]
}
