import { createCookie } from '@remix-run/node'
import { RemixI18Next } from 'remix-i18next/server'
import { fallbackLanguage, i18nConfig, isLanguage, supportedLanguages, type Language } from './i18n'

export const localeCookie = createCookie('lng', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  secure: process.env.NODE_ENV === 'production',
  maxAge: 60 * 60 * 24 * 365,
})

export const i18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLanguages],
    fallbackLanguage,
    cookie: localeCookie,
    order: ['cookie', 'header'],
  },
  i18next: { ...i18nConfig },
})

/** The language of this request: the person's choice (cookie), else the browser's, else English. */
export async function getUserLanguage(request: Request): Promise<Language> {
  const locale = await i18next.getLocale(request)
  return isLanguage(locale) ? locale : fallbackLanguage
}
