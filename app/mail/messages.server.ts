import { createInstance, type TFunction } from 'i18next'
import { enqueueMail } from './outbox.server'
import { fallbackLanguage, i18nConfig, isLanguage, type Language } from '~/utils/i18n'

let instance: Promise<TFunction> | undefined
async function translator(language: Language) {
  instance ??= (async () => {
    const i18n = createInstance()
    await i18n.init({ ...i18nConfig, lng: fallbackLanguage })
    return i18n.t
  })()
  const t = await instance
  return ((key: string, options?: Record<string, unknown>) => t(key, { ...options, lng: language })) as (
    key: string,
    options?: Record<string, unknown>,
  ) => string
}

/**
 * Message kinds; each has `mail:<kind>.subject` and `mail:<kind>.body` in every locale. A kind may also
 * have variants chosen by i18next's `context` param (`indicatorRetracted.body_task` when `context: 'task'`).
 */
export type MailKind =
  | 'invitation'
  | 'passwordReset'
  | 'applicationReceived'
  | 'applicationRejected'
  | 'taskAssigned'
  | 'taskAcknowledged'
  | 'taskDeclined'
  | 'taskReported'
  | 'taskVerified'
  | 'taskReturned'
  | 'taskCommented'
  | 'taskDueSoon'
  | 'taskOverdue'
  | 'indicatorReviewDue'
  | 'indicatorRetracted'

/** Renders a message in the recipient's language and puts it in the outbox. */
export async function sendTemplatedMail({
  to,
  kind,
  locale,
  params,
  dedupeKey,
}: {
  to: string
  kind: MailKind
  locale?: string | null
  params: Record<string, string | number>
  dedupeKey?: string
}) {
  const t = await translator(isLanguage(locale) ? locale : fallbackLanguage)
  const subject = t(`mail:${kind}.subject`, params)
  const text = `${t(`mail:${kind}.body`, params)}\n\n${t('mail:signature')}`
  return enqueueMail({ to, subject, text, kind, dedupeKey })
}
