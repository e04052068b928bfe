import en from '~/locales/en.json'
import fr from '~/locales/fr.json'
import ru from '~/locales/ru.json'

export const supportedLanguages = ['en', 'fr', 'ru'] as const
export type Language = (typeof supportedLanguages)[number]
export const fallbackLanguage: Language = 'en'

/** Each language named in its own language, for the switcher. */
export const languageNames: Record<Language, string> = { en: 'English', fr: 'Français', ru: 'Русский' }

export const resources = { en: { common: en }, fr: { common: fr }, ru: { common: ru } }

export const i18nConfig = {
  supportedLngs: [...supportedLanguages],
  fallbackLng: fallbackLanguage,
  defaultNS: 'common',
  ns: ['common'],
  resources,
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (supportedLanguages as readonly string[]).includes(value)
}
