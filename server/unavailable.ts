import type express from 'express'
import { problemBody } from '../app/api/problem.server'
import { databaseUnavailable } from '../app/utils/db.server'
import { unavailablePage } from '../app/utils/unavailable-page.server'
import { fallbackLanguage, isLanguage, resources, type Language } from '../app/utils/i18n'

function languageOf(req: express.Request): Language {
  const chosen = /(?:^|;\s*)lng=([a-z]{2})/.exec(req.headers.cookie ?? '')?.[1]
  if (isLanguage(chosen)) return chosen
  const accepted = req.acceptsLanguages('en', 'fr', 'ru')
  return isLanguage(accepted) ? accepted : fallbackLanguage
}

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
        res.type('html').send(unavailablePage(languageOf(req)))
      })
      .catch(next)
  }
}
