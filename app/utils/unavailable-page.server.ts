import { resources, type Language } from './i18n'

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The page people get while the database is unreachable: static, no scripts, in their language. The
 * server answers it at once once an outage is known; a page whose request was in flight when the
 * database died gets the same one.
 */
export function unavailablePage(lang: Language) {
  const copy = resources[lang].common.errors['503']
  return (
    `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escape(copy.title)}</title></head>` +
    `<body style="font-family: system-ui, sans-serif; background: #f8fafc; color: #0f172a; margin: 0">` +
    `<main style="max-width: 36rem; margin: 15vh auto; padding: 0 1rem; text-align: center">` +
    `<p style="color: #64748b">503</p><h1>${escape(copy.title)}</h1><p>${escape(copy.body)}</p></main></body></html>`
  )
}
