import { describe, expect, test } from 'vitest'
import { namespaces, resources, supportedLanguages } from '~/utils/i18n'

type Tree = { [key: string]: string | Tree }
const pluralSuffix = /_(zero|one|two|few|many|other)$/

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(full, value)
    else for (const [k, v] of flatten(value, full)) out.set(k, v)
  }
  return out
}

/** Keys without their plural suffix: languages differ in plural forms, not in what they say. */
function baseKeys(keys: Iterable<string>) {
  return new Set([...keys].map((key) => key.replace(pluralSuffix, '')))
}

const allKeys = (language: (typeof supportedLanguages)[number]) =>
  new Map(namespaces.flatMap((ns) => [...flatten(resources[language][ns] as Tree, ns)]))

const english = allKeys('en')

test('English has text', () => {
  expect(english.size).toBeGreaterThan(20)
})

describe.each(supportedLanguages.filter((language) => language !== 'en'))('locale %s', (language) => {
  const translated = allKeys(language)

  test('has every key that English has', () => {
    const missing = [...baseKeys(english.keys())].filter((key) => !baseKeys(translated.keys()).has(key))
    expect(missing).toEqual([])
  })

  test('has no key that English lacks', () => {
    const extra = [...baseKeys(translated.keys())].filter((key) => !baseKeys(english.keys()).has(key))
    expect(extra).toEqual([])
  })

  test('has every plural form its language needs', () => {
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories
    const plurals = [...baseKeys([...english.keys()].filter((key) => pluralSuffix.test(key)))]
    const missing = plurals.flatMap((key) =>
      categories.filter((category) => !translated.has(`${key}_${category}`)).map((category) => `${key}_${category}`),
    )
    expect(missing).toEqual([])
  })

  test('keeps the same interpolation variables', () => {
    const variables = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort()
    const mismatched = [...english].flatMap(([key, text]) => {
      const base = key.replace(pluralSuffix, '')
      const candidates = [...translated].filter(([k]) => k.replace(pluralSuffix, '') === base)
      return candidates
        .filter(([, other]) => variables(other).some((v) => !variables(text).includes(v) && v !== 'count'))
        .map(([k]) => k)
    })
    expect(mismatched).toEqual([])
  })

  test('has no empty text', () => {
    expect([...translated].filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([])
  })
})
