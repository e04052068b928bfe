import type express from 'express'
import { problemBody } from '../app/api/problem.server'
import { databaseUnavailable } from '../app/utils/db.server'
import { fallbackLanguage, isLanguage, resources, type Language } from '../app/utils/i18n'

function languageOf(req: express.Request): Language {
  const chosen = /(?:^|;\s*)lng=([a-z]{2})/.exec(req.headers.cookie ?? '')?.[1]
  if (isLanguage(chosen)) return chosen
  const accepted = req.acceptsLanguages('en', 'fr', 'ru')
  return isLanguage(accepted) ? accepted : fallbackLanguage
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * While the database is unreachable, every request gets a friendly 503 at once (HTML for people,
 * problem+json for the API) instead of waiting for a timeout; the health check keeps answering.
 */
export function unavailableWhileDatabaseDown(): express.RequestHandler {
  return (req, res, next) => {
    if (req.path === '/healthz' || req.path.startsWith('/build/') || req.path === '/favicon.svg') return next()
    databaseUnavailable()
      .then((down) => {
        if (!down) return next()
        res.status(503).set('Retry-After', '5').set('Cache-Control', 'no-store')
        const copy = resources[languageOf(req)].common.errors['503']
        if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
          res.type('application/problem+json').send(JSON.stringify(problemBody(503, 'service-unavailable', copy.body)))
          return
        }
        const lang = languageOf(req)
        res.type('html').send(
          `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
            `<title>${escape(copy.title)}</title></head>` +
            `<body style="font-family: system-ui, sans-serif; background: #f8fafc; color: #0f172a; margin: 0">` +
            `<main style="max-width: 36rem; margin: 15vh auto; padding: 0 1rem; text-align: center">` +
            `<p style="color: #64748b">503</p><h1>${escape(copy.title)}</h1><p>${escape(copy.body)}</p></main></body></html>`,
        )
      })
      .catch(next)
  }
}
