import { RemixBrowser } from '@remix-run/react'
import i18n from 'i18next'
import { startTransition, StrictMode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { i18nConfig, isLanguage, fallbackLanguage } from '~/utils/i18n'

const lang = document.documentElement.lang
void i18n
  .use(initReactI18next)
  .init({ ...i18nConfig, lng: isLanguage(lang) ? lang : fallbackLanguage })
  .then(() => {
    startTransition(() => {
      hydrateRoot(
        document,
        <I18nextProvider i18n={i18n}>
          <StrictMode>
            <RemixBrowser />
          </StrictMode>
        </I18nextProvider>,
      )
    })
  })
