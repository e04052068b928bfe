import en_common from '~/locales/en/common.json'
import en_indicators_io from '~/locales/en/indicators-io.json'
import en_auth from '~/locales/en/auth.json'
import en_partners from '~/locales/en/partners.json'
import en_people from '~/locales/en/people.json'
import en_audit from '~/locales/en/audit.json'
import en_mail from '~/locales/en/mail.json'
import en_notifications from '~/locales/en/notifications.json'
import en_task from '~/locales/en/task.json'
import en_tasks from '~/locales/en/tasks.json'
import en_initiatives from '~/locales/en/initiatives.json'
import en_reports from '~/locales/en/reports.json'
import en_dpo from '~/locales/en/dpo.json'
import en_indicators from '~/locales/en/indicators.json'
import fr_common from '~/locales/fr/common.json'
import fr_indicators_io from '~/locales/fr/indicators-io.json'
import fr_auth from '~/locales/fr/auth.json'
import fr_partners from '~/locales/fr/partners.json'
import fr_people from '~/locales/fr/people.json'
import fr_audit from '~/locales/fr/audit.json'
import fr_mail from '~/locales/fr/mail.json'
import fr_notifications from '~/locales/fr/notifications.json'
import fr_task from '~/locales/fr/task.json'
import fr_tasks from '~/locales/fr/tasks.json'
import fr_initiatives from '~/locales/fr/initiatives.json'
import fr_reports from '~/locales/fr/reports.json'
import fr_dpo from '~/locales/fr/dpo.json'
import fr_indicators from '~/locales/fr/indicators.json'
import ru_common from '~/locales/ru/common.json'
import ru_indicators_io from '~/locales/ru/indicators-io.json'
import ru_auth from '~/locales/ru/auth.json'
import ru_partners from '~/locales/ru/partners.json'
import ru_people from '~/locales/ru/people.json'
import ru_audit from '~/locales/ru/audit.json'
import ru_mail from '~/locales/ru/mail.json'
import ru_notifications from '~/locales/ru/notifications.json'
import ru_task from '~/locales/ru/task.json'
import ru_tasks from '~/locales/ru/tasks.json'
import ru_initiatives from '~/locales/ru/initiatives.json'
import ru_reports from '~/locales/ru/reports.json'
import ru_dpo from '~/locales/ru/dpo.json'
import ru_indicators from '~/locales/ru/indicators.json'
import en_webhooks from '~/locales/en/webhooks.json'
import fr_webhooks from '~/locales/fr/webhooks.json'
import ru_webhooks from '~/locales/ru/webhooks.json'
import en_developers from '~/locales/en/developers.json'
import fr_developers from '~/locales/fr/developers.json'
import ru_developers from '~/locales/ru/developers.json'
import en_api from '~/locales/en/api.json'
import fr_api from '~/locales/fr/api.json'
import ru_api from '~/locales/ru/api.json'

export const supportedLanguages = ['en', 'fr', 'ru'] as const
export type Language = (typeof supportedLanguages)[number]
export const fallbackLanguage: Language = 'en'

/** Each language named in its own language, for the switcher. */
export const languageNames: Record<Language, string> = { en: 'English', fr: 'Français', ru: 'Русский' }

export const namespaces = ['common', 'auth', 'partners', 'people', 'audit', 'mail', 'notifications', 'task', 'tasks', 'initiatives', 'reports', 'dpo', 'indicators-io', 'indicators', 'webhooks', 'api', 'developers'] as const
export const resources = {
  en: { common: en_common, auth: en_auth, partners: en_partners, people: en_people, audit: en_audit, mail: en_mail, notifications: en_notifications, task: en_task, tasks: en_tasks, initiatives: en_initiatives, reports: en_reports, dpo: en_dpo, 'indicators-io': en_indicators_io, indicators: en_indicators, webhooks: en_webhooks, developers: en_developers, api: en_api },
  fr: { common: fr_common, auth: fr_auth, partners: fr_partners, people: fr_people, audit: fr_audit, mail: fr_mail, notifications: fr_notifications, task: fr_task, tasks: fr_tasks, initiatives: fr_initiatives, reports: fr_reports, dpo: fr_dpo, 'indicators-io': fr_indicators_io, indicators: fr_indicators, webhooks: fr_webhooks, developers: fr_developers, api: fr_api },
  ru: { common: ru_common, auth: ru_auth, partners: ru_partners, people: ru_people, audit: ru_audit, mail: ru_mail, notifications: ru_notifications, task: ru_task, tasks: ru_tasks, initiatives: ru_initiatives, reports: ru_reports, dpo: ru_dpo, 'indicators-io': ru_indicators_io, indicators: ru_indicators, webhooks: ru_webhooks, developers: ru_developers, api: ru_api },
}

export const i18nConfig = {
  supportedLngs: [...supportedLanguages],
  fallbackLng: fallbackLanguage,
  defaultNS: 'common',
  ns: [...namespaces],
  resources,
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (supportedLanguages as readonly string[]).includes(value)
}
